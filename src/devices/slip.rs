//! The day's close on paper (the Z report): the store's header, the period, sales and
//! returns by payment type, the orders still waiting in the queue, the cash expected,
//! counted and the difference, in the receipt's language.
//!
//! A return slip too: the order, what came back, how much went back and where.
//!
//! Not here: what the report holds (`crate::offline::close`).

use super::encoding::{begin, end, money, printable_text, putln, two_columns};
use crate::offline::close::DayClose;
use crate::settings::{PrinterSettings, ReceiptSettings};
use escpos::utils::JustifyMode;

struct Words {
    title: &'static str,
    since: &'static str,
    first: &'static str,
    until: &'static str,
    sales: &'static str,
    returns: &'static str,
    none: &'static str,
    total: &'static str,
    waiting: &'static str,
    expected: &'static str,
    counted: &'static str,
    difference: &'static str,
}

fn words(language: &str) -> Words {
    if language == "en" {
        Words {
            title: "DAY'S CLOSE (Z REPORT)",
            since: "From",
            first: "the first sale",
            until: "To",
            sales: "Sales",
            returns: "Returns",
            none: "none",
            total: "Total",
            waiting: "Waiting in the queue, not in this close",
            expected: "Cash expected",
            counted: "Cash counted",
            difference: "Difference",
        }
    } else {
        Words {
            title: "GÜN SONU (Z RAPORU)",
            since: "Başlangıç",
            first: "ilk satış",
            until: "Bitiş",
            sales: "Satışlar",
            returns: "İadeler",
            none: "yok",
            total: "Toplam",
            waiting: "Kuyrukta bekleyen, bu kapanışta değil",
            expected: "Beklenen nakit",
            counted: "Sayılan nakit",
            difference: "Fark",
        }
    }
}

/// A time of the report (RFC 3339) as the slip prints it, in the device's zone.
pub fn local_time(text: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Local).format("%d.%m.%Y %H:%M").to_string())
        .unwrap_or_else(|_| text.to_string())
}

/// The bytes that print a close, from ESC @ to the cut.
pub fn encode_close(close: &DayClose, receipt: &ReceiptSettings, printer: &PrinterSettings) -> Result<Vec<u8>, String> {
    let (mut p, out, page) = begin(printer)?;
    let width = super::encoding::columns(printer.paper_width_mm);
    let w = words(&receipt.language);
    let t = |s: &str| printable_text(page, s);
    let e = |e: escpos::errors::PrinterError| e.to_string();
    let report = &close.report;
    p.justify(JustifyMode::CENTER).map_err(e)?;
    for line in &receipt.header {
        putln(&mut p, &t(line)).map_err(e)?;
    }
    p.bold(true).map_err(e)?;
    putln(&mut p, &t(w.title)).map_err(e)?;
    p.bold(false).map_err(e)?;
    p.justify(JustifyMode::LEFT).map_err(e)?;
    let since = report.since.as_deref().map(local_time).unwrap_or_else(|| w.first.to_string());
    putln(&mut p, &t(&two_columns(w.since, &since, width))).map_err(e)?;
    putln(&mut p, &t(&two_columns(w.until, &local_time(&report.until), width))).map_err(e)?;
    for (title, totals, sum) in [(w.sales, &report.sales, report.sold), (w.returns, &report.returns, report.returned)] {
        putln(&mut p, &"-".repeat(width)).map_err(e)?;
        p.bold(true).map_err(e)?;
        putln(&mut p, &t(title)).map_err(e)?;
        p.bold(false).map_err(e)?;
        if totals.is_empty() {
            putln(&mut p, &t(w.none)).map_err(e)?;
        }
        for total in totals {
            let name = super::receipt::payment_name(&total.payment_type, &receipt.language).unwrap_or(&total.name);
            let what = format!("{name} x{}", total.count);
            putln(&mut p, &t(&two_columns(&what, &money(total.amount), width))).map_err(e)?;
        }
        putln(&mut p, &t(&two_columns(w.total, &money(sum), width))).map_err(e)?;
    }
    if !report.waiting.is_empty() {
        putln(&mut p, &"-".repeat(width)).map_err(e)?;
        putln(&mut p, &t(w.waiting)).map_err(e)?;
        for order in &report.waiting {
            putln(&mut p, &t(&two_columns(&order.reference, &money(order.amount), width))).map_err(e)?;
        }
    }
    putln(&mut p, &"-".repeat(width)).map_err(e)?;
    putln(&mut p, &t(&two_columns(w.expected, &money(report.expected_cash), width))).map_err(e)?;
    putln(&mut p, &t(&two_columns(w.counted, &money(close.counted), width))).map_err(e)?;
    p.bold(true).map_err(e)?;
    let difference = if close.difference.is_sign_positive() && !close.difference.is_zero() {
        format!("+{}", money(close.difference))
    } else {
        money(close.difference)
    };
    putln(&mut p, &t(&two_columns(w.difference, &difference, width))).map_err(e)?;
    p.bold(false).map_err(e)?;
    end(p, out)
}

/// A return or a cancellation on paper, for the customer and the till: the order, what
/// came back, how much went back and where, and what the order keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnSlip {
    pub order: String,
    /// The server's refund number.
    pub refund: String,
    /// RFC 3339.
    pub made_at: String,
    pub cancellation: bool,
    /// What came back: name, units, what they gave back.
    pub lines: Vec<(String, u32, crate::commerce::Money)>,
    pub total: crate::commerce::Money,
    /// Where the money went (`cash`, `card`, …), and the server's label for it.
    pub refund_type: String,
    pub label: String,
    pub reason: String,
    /// The store credit's gift card, as shown.
    pub store_credit: Option<String>,
    /// What the order is worth now.
    pub kept: crate::commerce::Money,
}

/// The bytes that print a return slip, from ESC @ to the cut.
pub fn encode_return(slip: &ReturnSlip, receipt: &ReceiptSettings, printer: &PrinterSettings) -> Result<Vec<u8>, String> {
    let en = receipt.language == "en";
    let say = |tr: &'static str, english: &'static str| if en { english } else { tr };
    let (mut p, out, page) = begin(printer)?;
    let width = super::encoding::columns(printer.paper_width_mm);
    let t = |s: &str| printable_text(page, s);
    let e = |e: escpos::errors::PrinterError| e.to_string();
    p.justify(JustifyMode::CENTER).map_err(e)?;
    for line in &receipt.header {
        putln(&mut p, &t(line)).map_err(e)?;
    }
    p.bold(true).map_err(e)?;
    let title = if slip.cancellation {
        say("SİPARİŞ İPTALİ", "ORDER CANCELLED")
    } else {
        say("İADE FİŞİ", "RETURN SLIP")
    };
    putln(&mut p, &t(title)).map_err(e)?;
    p.bold(false).map_err(e)?;
    p.justify(JustifyMode::LEFT).map_err(e)?;
    let row = |left: &str, right: &str| t(&two_columns(left, right, width));
    putln(&mut p, &row(say("Sipariş", "Order"), &slip.order)).map_err(e)?;
    putln(&mut p, &row(say("İade no", "Refund"), &slip.refund)).map_err(e)?;
    putln(&mut p, &row(say("Tarih", "Date"), &local_time(&slip.made_at))).map_err(e)?;
    putln(&mut p, &row(say("Neden", "Reason"), &slip.reason)).map_err(e)?;
    putln(&mut p, &"-".repeat(width)).map_err(e)?;
    for (name, units, amount) in &slip.lines {
        putln(&mut p, &row(&format!("{name} x{units}"), &money(*amount))).map_err(e)?;
    }
    putln(&mut p, &"-".repeat(width)).map_err(e)?;
    p.bold(true).map_err(e)?;
    putln(&mut p, &row(say("İade tutarı", "Refunded"), &money(slip.total))).map_err(e)?;
    p.bold(false).map_err(e)?;
    let way = super::receipt::payment_name(&slip.refund_type, &receipt.language).unwrap_or(&slip.label);
    putln(&mut p, &row(say("İade yolu", "Refund to"), way)).map_err(e)?;
    if let Some(card) = &slip.store_credit {
        putln(&mut p, &row(say("Mağaza kredisi kartı", "Store credit card"), card)).map_err(e)?;
    }
    if !slip.cancellation {
        putln(&mut p, &row(say("Siparişin yeni toplamı", "Order's new total"), &money(slip.kept))).map_err(e)?;
    }
    end(p, out)
}
