//! The ESC/POS bytes that print a receipt.
//!
//! The commands come from the `escpos` crate (text in the printer's code page, sizes,
//! justification, QR code, cut). It has no CODE128, the symbology registers and hand
//! scanners read best and the most compact for order numbers, so that one command
//! (`GS k 73`) is written here, per the Epson ESC/POS reference.
//!
//! Not here: what the receipt says (`receipt.rs`).

use super::receipt::{words, Receipt, TURKISH_LETTERS};
use crate::commerce::money::format_try;
use crate::commerce::Money;
use crate::settings::PrinterSettings;
use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::printer_options::PrinterOptions;
use escpos::utils::{JustifyMode, PageCode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};
use std::cell::RefCell;
use std::rc::Rc;

/// The code page named in the settings, if the escpos crate knows it and it prints
/// every Turkish letter.
pub fn code_page(name: &str) -> Result<PageCode, String> {
    const KNOWN: &[PageCode] = &[
        PageCode::PC857,
        PageCode::PC853,
        PageCode::WPC1254,
        PageCode::PC437,
        PageCode::PC850,
        PageCode::PC858,
        PageCode::WPC1252,
        PageCode::ISO8859_15,
    ];
    let page = KNOWN
        .iter()
        .copied()
        .find(|p| p.to_string().eq_ignore_ascii_case(name))
        .ok_or_else(|| format!("{name:?} is not a known code page; use \"PC857\" (Turkish)"))?;
    let missing: String = TURKISH_LETTERS.chars().filter(|c| !printable(page, *c)).collect();
    if missing.is_empty() {
        Ok(page)
    } else {
        Err(format!("{name} cannot print {missing}; use \"PC857\" (Turkish)"))
    }
}

/// Collects what the escpos crate writes, instead of sending it anywhere.
#[derive(Clone, Default)]
pub(super) struct Collect(Rc<RefCell<Vec<u8>>>);

impl Driver for Collect {
    fn name(&self) -> String {
        "memory".into()
    }
    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }
    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

/// Whether `c` is one byte of `page` (the crate falls back to UTF-8 for the rest,
/// which a printer would print as garbage).
fn printable(page: PageCode, c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_control();
    }
    let out = Collect::default();
    let mut printer = Printer::new(
        out.clone(),
        Protocol::default(),
        Some(PrinterOptions::new(Some(page), None, 42)),
    );
    let written = printer.write(&c.to_string()).and_then(|p| p.print()).is_ok();
    let bytes = out.0.borrow();
    written && bytes.len() == 1 && bytes[0] >= 0x80
}

/// Text the printer can print: known look-alikes for what the code page lacks, and
/// '?' only for what has none (never a Turkish letter: `code_page` refuses such pages).
pub(super) fn printable_text(page: PageCode, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if printable(page, c) {
            out.push(c);
            continue;
        }
        match c {
            '₺' => out.push_str("TL"),
            '’' | '‘' | '´' => out.push('\''),
            '“' | '”' => out.push('"'),
            '–' | '—' => out.push('-'),
            '…' => out.push_str("..."),
            '→' => out.push_str("->"),
            // A masked number's dots (a gift card's `•••• 3000`).
            '•' => out.push('*'),
            '\u{a0}' | '\t' => out.push(' '),
            _ => out.push('?'),
        }
    }
    out
}

/// Writes text: ASCII as it is, the rest through the crate's code page table. (escpos
/// 0.20's PC857 table also lists '.' and '-', at bytes PC857 leaves undefined or uses
/// for the soft hyphen, and it looks there first; a receipt would lose its dots.)
fn put<D: Driver>(p: &mut Printer<D>, text: &str) -> escpos::errors::Result<()> {
    let mut rest = text;
    while !rest.is_empty() {
        let split = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii() != rest.starts_with(|f: char| f.is_ascii()))
            .map_or(rest.len(), |(i, _)| i);
        let (run, tail) = rest.split_at(split);
        if run.is_ascii() {
            p.custom(run.as_bytes())?;
        } else {
            p.write(run)?;
        }
        rest = tail;
    }
    Ok(())
}

pub(super) fn putln<D: Driver>(p: &mut Printer<D>, text: &str) -> escpos::errors::Result<()> {
    put(p, text)?;
    p.custom(b"\n")?;
    Ok(())
}

pub(super) fn money(amount: Money) -> String {
    format_try(amount).replace('₺', "TL")
}

/// `left` and `right` on one line of `width` characters; `left` is cut if needed.
pub(super) fn two_columns(left: &str, right: &str, width: usize) -> String {
    let room = width.saturating_sub(right.chars().count() + 1);
    let left: String = left.chars().take(room).collect();
    let gap = width.saturating_sub(left.chars().count() + right.chars().count());
    format!("{left}{}{right}", " ".repeat(gap.max(1)))
}

/// `GS k 73`: CODE128 in the code sets `crate::barcode` chooses; two dots a module when
/// that fits `dots` (the paper's printable width), else one.
fn code128(data: &str, dots: u32) -> Vec<u8> {
    let (payload, modules) = crate::barcode::escpos_payload(data);
    let module = if modules * 2 <= dots { 2 } else { 1 };
    let mut cmd = vec![
        0x1d, b'h', 80, // height in dots
        0x1d, b'w', module, 0x1d, b'H', 2, // the number, printed below the bars
        0x1d, b'k', 73,
    ];
    cmd.push(payload.len().min(255) as u8);
    cmd.extend_from_slice(&payload[..payload.len().min(255)]);
    cmd
}

/// Printable dots across at this paper width (8 dots a millimetre).
pub fn dots(paper_width_mm: u32) -> u32 {
    if paper_width_mm == 58 {
        384
    } else {
        576
    }
}

/// Characters on a line of Font A at this paper width.
pub fn columns(paper_width_mm: u32) -> usize {
    if paper_width_mm == 58 {
        32
    } else {
        48
    }
}

/// A printer writing into memory, initialised (ESC @) on the settings' code page.
pub(super) fn begin(printer: &PrinterSettings) -> Result<(Printer<Collect>, Collect, PageCode), String> {
    let page = code_page(&printer.code_page)?;
    let width = columns(printer.paper_width_mm);
    let out = Collect::default();
    let mut p = Printer::new(
        out.clone(),
        Protocol::default(),
        Some(PrinterOptions::new(Some(page), None, width as u8)),
    );
    let e = |e: escpos::errors::PrinterError| e.to_string();
    p.init().map_err(e)?;
    if let Some(n) = printer.code_page_number {
        p.custom(&[0x1b, b't', n]).map_err(e)?;
    }
    Ok((p, out, page))
}

/// Feeds and cuts; the bytes written.
pub(super) fn end(mut p: Printer<Collect>, out: Collect) -> Result<Vec<u8>, String> {
    let e = |e: escpos::errors::PrinterError| e.to_string();
    p.feeds(3).map_err(e)?;
    p.print_cut().map_err(e)?;
    let bytes = out.0.borrow().clone();
    Ok(bytes)
}

/// The bytes that print `receipt`, from ESC @ to the cut.
pub fn encode(receipt: &Receipt, printer: &PrinterSettings) -> Result<Vec<u8>, String> {
    let (mut p, out, page) = begin(printer)?;
    let width = columns(printer.paper_width_mm);
    let w = words(&receipt.language);
    let t = |s: &str| printable_text(page, s);
    let e = |e: escpos::errors::PrinterError| e.to_string();
    p.justify(JustifyMode::CENTER).map_err(e)?;
    for (i, line) in receipt.header.iter().enumerate() {
        if i == 0 {
            p.bold(true).map_err(e)?.size(2, 2).map_err(e)?;
            putln(&mut p, &t(line)).map_err(e)?;
            p.reset_size().map_err(e)?.bold(false).map_err(e)?;
        } else {
            putln(&mut p, &t(line)).map_err(e)?;
        }
    }
    putln(&mut p, &t(&receipt.printed_at)).map_err(e)?;
    if receipt.pending {
        p.feed().map_err(e)?;
        p.reverse(true).map_err(e)?.bold(true).map_err(e)?;
        putln(&mut p, &t(&format!(" {} ", w.pending))).map_err(e)?;
        p.reverse(false).map_err(e)?.bold(false).map_err(e)?;
        putln(&mut p, &t(w.pending_note)).map_err(e)?;
    }
    p.justify(JustifyMode::LEFT).map_err(e)?;
    putln(&mut p, &"-".repeat(width)).map_err(e)?;
    for line in &receipt.lines {
        putln(&mut p, &t(&line.name)).map_err(e)?;
        let each = format!("  {} {} {}", line.quantity, w.quantity_each, money(line.unit_price));
        putln(&mut p, &t(&two_columns(&each, &money(line.total), width))).map_err(e)?;
    }
    putln(&mut p, &"-".repeat(width)).map_err(e)?;
    if let Some((code, off)) = receipt.discount.as_ref().filter(|(_, off)| !off.is_zero()) {
        let what = format!("{} {code}", w.voucher);
        putln(&mut p, &t(&two_columns(&what, &format!("-{}", money(*off)), width))).map_err(e)?;
    }
    if let Some(fee) = receipt.service_fee.filter(|f| !f.is_zero()) {
        putln(&mut p, &t(&two_columns(w.service_fee, &money(fee), width))).map_err(e)?;
    }
    if let Some(interest) = receipt.interest.filter(|f| !f.is_zero()) {
        putln(&mut p, &t(&two_columns(w.interest, &money(interest), width))).map_err(e)?;
    }
    if let Some(shipping) = receipt.shipping.filter(|f| !f.is_zero()) {
        putln(&mut p, &t(&two_columns(w.shipping, &money(shipping), width))).map_err(e)?;
    }
    if let Some(other) = receipt.other.filter(|f| !f.is_zero()) {
        putln(&mut p, &t(&two_columns(w.other, &money(other), width))).map_err(e)?;
    }
    p.bold(true).map_err(e)?;
    putln(&mut p, &t(&two_columns(w.total, &money(receipt.total), width))).map_err(e)?;
    p.bold(false).map_err(e)?;
    for (number, amount) in &receipt.gift_cards {
        let what = format!("{} {number}", w.gift_card);
        putln(&mut p, &t(&two_columns(&what, &money(*amount), width))).map_err(e)?;
    }
    // A plan only where a card paid: installments, or a single payment.
    let plan = match receipt.installments {
        Some(n) if n > 1 => format!(" ({n} {})", w.installments),
        _ if receipt.card.is_some() => format!(" ({})", w.single_payment),
        _ => String::new(),
    };
    putln(&mut p, &t(&format!("{}: {}{plan}", w.payment, receipt.payment))).map_err(e)?;
    if let Some(choice) = &receipt.choice {
        putln(&mut p, &t(choice)).map_err(e)?;
    }
    if let Some(card) = &receipt.card {
        putln(&mut p, &t(card)).map_err(e)?;
    }
    if let Some((bank, iban, reference)) = &receipt.transfer {
        putln(&mut p, &t(&format!("{}: {bank}", w.transfer))).map_err(e)?;
        putln(&mut p, &t(iban)).map_err(e)?;
        putln(&mut p, &t(&format!("{} {reference}", w.reference))).map_err(e)?;
    }
    if let Some(customer) = &receipt.customer {
        putln(&mut p, &t(&format!("{}: {customer}", w.customer))).map_err(e)?;
    }
    if let Some((shipped, place)) = &receipt.delivery {
        let how = if *shipped { w.shipped } else { w.collect };
        putln(&mut p, &t(&format!("{how}: {place}"))).map_err(e)?;
    }
    p.feed().map_err(e)?;
    p.justify(JustifyMode::CENTER).map_err(e)?;
    putln(&mut p, &t(w.order)).map_err(e)?;
    p.custom(&code128(&receipt.order_number, dots(printer.paper_width_mm)))
        .map_err(e)?;
    p.feed().map_err(e)?;
    if let Some(link) = &receipt.link {
        putln(&mut p, &t(w.link)).map_err(e)?;
        let size = if width == 32 { 4 } else { 6 };
        p.qrcode_option(
            link,
            QRCodeOption::new(QRCodeModel::Model2, size, QRCodeCorrectionLevel::M),
        )
        .map_err(e)?;
    }
    if !receipt.footer.is_empty() {
        putln(&mut p, &t(&receipt.footer)).map_err(e)?;
    }
    end(p, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pc857_prints_every_turkish_letter_and_a_latin_page_is_refused() {
        assert_eq!(code_page("PC857").unwrap(), PageCode::PC857);
        let refused = code_page("PC437").unwrap_err();
        assert!(refused.contains("cannot print") && refused.contains('ğ'), "{refused}");
        assert!(code_page("EBCDIC").is_err());
    }

    #[test]
    fn a_long_reference_narrows_its_barcode_to_fit_58_mm_paper() {
        let module = |cmd: &[u8]| cmd[5];
        // 13 digits: six pairs in set C, the last in set B; 2 dots a module fits 58 mm.
        let order = code128("2026112700042", 384);
        assert_eq!(module(&order), 2);
        assert_eq!(&order[12..], &[11, b'{', b'C', 20, 26, 11, 27, 0, 4, b'{', b'B', b'2']);
        // An offline reference, on 58 mm: 1 dot a module; on 80 mm: 2.
        assert_eq!(module(&code128("K20261127-XHJGMN", 384)), 1);
        assert_eq!(module(&code128("K20261127-XHJGMN", 576)), 2);
        // Even digits go as set C, two a symbol.
        assert_eq!(&code128("12345678", 576)[12..], &[6, b'{', b'C', 12, 34, 56, 78]);
    }

    #[test]
    fn a_shipped_order_says_where_it_goes_and_what_shipping_cost() {
        use crate::commerce::records::{OrderDelivery, OrderLine, OrderRecord};
        let money = |text: &str| text.parse::<Money>().unwrap();
        let order = OrderRecord {
            number: "4075277975798".into(),
            amount: money("2568.80"),
            payment_option: "Kapıda ödeme".into(),
            service_fee: Some(money("9.90")),
            shipping_amount: Some(money("59.90")),
            items: vec![OrderLine {
                sku: "COA-110".into(),
                name: "Yün Kaban Deve Tüyü".into(),
                quantity: 1,
                unit_price: money("2499.00"),
                total_amount: money("2499.00"),
            }],
            delivery: Some(OrderDelivery::default()),
            ..Default::default()
        };
        let paid = super::super::receipt::Paid {
            delivery: "Hızlı kargo → Cemal Gürsel Cad. 44, Karşıyaka/İzmir".into(),
            shipped: true,
            customer: "Ayşe Yılmaz".into(),
            ..Default::default()
        };
        let settings = crate::settings::ReceiptSettings::default();
        let receipt = super::super::receipt::for_order(&order, None, &settings, &paid);
        assert_eq!(receipt.other, None, "the lines add up without an \"other\" line");
        let bytes = encode(&receipt, &crate::settings::PrinterSettings::default()).unwrap();
        let (papers, _) = crate::devices::paper::read(&bytes);
        let text = papers[0].text(48);
        assert!(
            text.contains("Kargo                                   59,90 TL"),
            "{text}"
        );
        assert!(text.contains("Müşteri: Ayşe Yılmaz"), "{text}");
        assert!(
            text.contains("Kargo ile: Hızlı kargo -> Cemal Gürsel Cad. 44, Karşıyaka/İzmir"),
            "{text}"
        );
    }

    #[test]
    fn the_lira_sign_becomes_tl_and_columns_fit_the_paper() {
        assert_eq!(printable_text(PageCode::PC857, "12,50 ₺ – ok"), "12,50 TL - ok");
        let row = two_columns("Çok uzun bir ürün adı, kağıda sığmayacak kadar", "1.234,50 TL", 32);
        assert_eq!(row.chars().count(), 32);
        assert!(row.ends_with(" 1.234,50 TL"));
    }
}
