//! The day's close on paper (the Z report): the store's header, the period, sales and
//! returns by payment type, the orders still waiting in the queue, the cash expected,
//! counted and the difference, in the receipt's language.
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
