//! The basket's screen data (filled by `controller/basket.rs`, shown by
//! `pages/basket.slint` and `pages/welcome.slint`): its lines and total, the line under
//! the code field after a scan, and the banner's facts about the queue and the line.

use super::model;
use crate::commerce::money::format_try;
use crate::commerce::records::Basket;
use crate::ui::{BasketAdapter, BasketLine, KioskAdapter, LineProblem, MainWindow, NoticeKind, VoucherProblem};
use slint::ComponentHandle;

/// A line under the code field after a scan.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Added(String),
    NotFound(String),
    Failed(String),
    /// Offline, and the kiosk has no catalog copy to price a scan from.
    NoCatalog,
    /// Offline, and the product was sold out at the last sync: not sold.
    SoldOut(String),
    /// The customer's own basket held items: set aside, put back after the sale.
    SetAside,
    /// A voucher (its code) went on the basket.
    VoucherApplied(String),
    /// The basket changed and no longer meets its voucher: the server took it off.
    VoucherDropped(String),
    /// The line went down with this voucher on the basket: the offline sale is without it.
    VoucherOffline(String),
    Clear,
}

/// The voucher on the basket, as its last row shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct BasketVoucher {
    pub code: String,
    pub name: String,
    /// What it takes off, formatted.
    pub off: String,
}

/// What became of the voucher panel's code.
#[derive(Debug, Clone, PartialEq)]
pub enum VoucherNote {
    /// On the basket: the panel closes.
    Applied,
    /// The server's reason.
    Refused(String),
    /// No answer from the server.
    Unreachable,
    /// The sale is offline: no voucher without the server.
    Offline,
}

/// What the offline banner says of a failure on the line.
pub fn line_problem(error: &crate::commerce::CommerceError) -> LineProblem {
    use crate::commerce::CommerceError as E;
    match error {
        E::Timeout { .. } => LineProblem::NoAnswer,
        E::NameNotFound { .. } => LineProblem::NameNotFound,
        E::Untrusted { .. } => LineProblem::Certificate,
        E::Server { status: 502..=504 } => LineProblem::Proxy,
        _ => LineProblem::Unreachable,
    }
}

/// The basket as the screen shows it.
pub fn basket_update(basket: &Basket) -> super::Update {
    let lines = basket
        .basketitem_set
        .iter()
        .map(|item| BasketLine {
            product: item.product.pk.0.clone().into(),
            name: item.product.name.clone().into(),
            code: item
                .product
                .barcode
                .clone()
                .filter(|code| !code.trim().is_empty())
                .unwrap_or_else(|| item.product.sku.clone())
                .into(),
            unit_price: format_try(item.unit_price).into(),
            quantity: item.quantity as i32,
            total: format_try(item.total_amount).into(),
            // The store's shelves hold fewer than the line: the warehouse ships it.
            shipped: item.product.stock.is_some_and(|stock| stock < i64::from(item.quantity)),
        })
        .collect();
    let off: crate::commerce::Money = basket.discounts.iter().map(|d| d.discount).sum();
    let voucher = basket.voucher_code.as_ref().map(|code| BasketVoucher {
        code: code.clone(),
        name: basket
            .discounts
            .iter()
            .map(|d| d.description.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        off: format_try(off),
    });
    super::Update::Basket {
        lines,
        total: format_try(basket.total_amount),
        count: basket.total_quantity as i32,
        voucher,
    }
}

pub(super) fn basket_lines(
    window: &MainWindow,
    lines: Vec<BasketLine>,
    total: String,
    count: i32,
    voucher: Option<BasketVoucher>,
) {
    let adapter = window.global::<BasketAdapter>();
    // A voucher needs a basket: an emptied one (a new sale) puts the panel away.
    if lines.is_empty() && adapter.get_voucher_open() {
        adapter.set_voucher_open(false);
        adapter.set_voucher_entry(Default::default());
    }
    adapter.set_lines(model(lines));
    adapter.set_total(total.into());
    adapter.set_item_count(count);
    adapter.set_has_voucher(voucher.is_some());
    let voucher = voucher.unwrap_or(BasketVoucher {
        code: String::new(),
        name: String::new(),
        off: String::new(),
    });
    adapter.set_voucher_code(voucher.code.into());
    adapter.set_voucher_name(voucher.name.into());
    adapter.set_voucher_off(voucher.off.into());
}

/// The voucher panel's answer: applied (the panel closes, the basket's notice says so),
/// or why not (the panel stays, its field kept for a correction).
pub(super) fn voucher(window: &MainWindow, note: VoucherNote) {
    let adapter = window.global::<BasketAdapter>();
    let (problem, why) = match note {
        VoucherNote::Applied => {
            adapter.set_voucher_open(false);
            adapter.set_voucher_entry(Default::default());
            (VoucherProblem::None, String::new())
        }
        VoucherNote::Refused(why) => (VoucherProblem::Refused, why),
        VoucherNote::Unreachable => (VoucherProblem::Unreachable, String::new()),
        VoucherNote::Offline => (VoucherProblem::Offline, String::new()),
    };
    adapter.set_voucher_problem(problem);
    adapter.set_voucher_why(why.into());
}

pub(super) fn basket_notice(window: &MainWindow, notice: Notice) {
    // A scan is someone at the kiosk, as a touch is: the idle timer starts over.
    if matches!(notice, Notice::Added(_) | Notice::NotFound(_)) {
        window.global::<crate::ui::Activity>().invoke_touched();
    }
    let adapter = window.global::<BasketAdapter>();
    let (kind, text) = match notice {
        Notice::Added(name) => (NoticeKind::Added, name),
        Notice::NotFound(code) => (NoticeKind::NotFound, code),
        Notice::Failed(detail) => (NoticeKind::Failed, detail),
        Notice::NoCatalog => (NoticeKind::NoCatalog, String::new()),
        Notice::SoldOut(name) => (NoticeKind::SoldOut, name),
        Notice::SetAside => (NoticeKind::SetAside, String::new()),
        Notice::VoucherApplied(code) => (NoticeKind::VoucherApplied, code),
        Notice::VoucherDropped(code) => (NoticeKind::VoucherDropped, code),
        Notice::VoucherOffline(code) => (NoticeKind::VoucherOffline, code),
        Notice::Clear => (NoticeKind::None, String::new()),
    };
    adapter.set_notice_kind(kind);
    adapter.set_notice_text(text.into());
}

/// The banner's facts: orders waiting, the line and why it is down, storage, stuck
/// orders and the device's clock.
pub(super) fn queue(
    window: &MainWindow,
    waiting: i32,
    line_down: bool,
    store_problem: String,
    line_problem: LineProblem,
    stuck: i32,
    clock_skew_minutes: i32,
) {
    let kiosk = window.global::<KioskAdapter>();
    kiosk.set_waiting_orders(waiting);
    kiosk.set_offline(line_down);
    kiosk.set_line_problem(line_problem);
    kiosk.set_store_problem(store_problem.into());
    kiosk.set_stuck_orders(stuck);
    kiosk.set_clock_skew_minutes(clock_skew_minutes.saturating_abs());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commerce::CommerceError as E;

    #[test]
    fn the_banner_names_each_way_the_line_fails() {
        let cases = [
            (E::Timeout { seconds: 20.0 }, LineProblem::NoAnswer),
            (
                E::NameNotFound {
                    host: "shop.example".into(),
                    detail: "dns error".into(),
                },
                LineProblem::NameNotFound,
            ),
            (
                E::Untrusted {
                    url: "https://shop.example/".into(),
                    detail: "UnknownIssuer".into(),
                },
                LineProblem::Certificate,
            ),
            (E::Server { status: 502 }, LineProblem::Proxy),
            (E::Server { status: 504 }, LineProblem::Proxy),
            (E::Server { status: 500 }, LineProblem::Unreachable),
            (
                E::Unreachable {
                    url: "https://shop.example/".into(),
                    detail: "refused".into(),
                },
                LineProblem::Unreachable,
            ),
        ];
        for (error, problem) in cases {
            assert_eq!(line_problem(&error), problem, "{error}");
        }
    }
}
