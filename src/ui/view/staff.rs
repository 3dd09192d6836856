//! The staff's screens' data (filled by `controller/staff.rs` and
//! `controller/day_close.rs`): the clerk's list of offline orders and day's close, the
//! technician's checks, and the PIN pad's tries and lock.

use super::model;
use crate::commerce::money::format_try;
use crate::offline::queue::{ListPage, StuckRule};
use crate::ui::{MainWindow, OrderState, OrdersAdapter, QueuedOrderItem, Screen, SetAsideKind, StepAdapter};
use slint::{ComponentHandle, SharedString};

/// The day's close: its figures; once closed, the count and the difference.
pub(super) fn day_close(
    window: &MainWindow,
    report: &crate::offline::close::DayReport,
    closed: Option<(crate::commerce::Money, crate::commerce::Money)>,
) -> Screen {
    use crate::ui::{CashDifference, DayCloseAdapter, PaymentTotalItem};
    let adapter = window.global::<DayCloseAdapter>();
    let when = |t: &str| crate::devices::slip::local_time(t);
    adapter.set_since(report.since.as_deref().map(when).unwrap_or_default().into());
    adapter.set_until(when(&report.until).into());
    let items = |totals: &[crate::offline::close::PaymentTotal]| {
        super::model(
            totals
                .iter()
                .map(|t| PaymentTotalItem {
                    name: t.name.clone().into(),
                    count: i32::try_from(t.count).unwrap_or(i32::MAX),
                    amount: format_try(t.amount).into(),
                })
                .collect(),
        )
    };
    adapter.set_sales(items(&report.sales));
    adapter.set_returns(items(&report.returns));
    adapter.set_sold(format_try(report.sold).into());
    adapter.set_returned(format_try(report.returned).into());
    adapter.set_waiting(i32::try_from(report.waiting.len()).unwrap_or(i32::MAX));
    adapter.set_waiting_amount(format_try(report.waiting.iter().map(|w| w.amount).sum()).into());
    adapter.set_expected(format_try(report.expected_cash).into());
    adapter.set_closed(closed.is_some());
    if let Some((counted, difference)) = closed {
        adapter.set_counted_amount(format_try(counted).into());
        adapter.set_difference(format_try(difference.abs()).into());
        adapter.set_outcome(if difference.is_zero() {
            CashDifference::Even
        } else if difference.is_sign_negative() {
            CashDifference::Short
        } else {
            CashDifference::Over
        });
    } else {
        adapter.set_counted(SharedString::new());
    }
    Screen::DayClose
}

/// The cash counted as typed on the close's keypad: digits, the last two the kuruş.
pub fn counted_cash(digits: &str) -> Option<crate::commerce::Money> {
    let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 12 {
        return None;
    }
    let kurus: i64 = digits.parse().ok()?;
    Some(crate::commerce::Money::new(kurus, 2))
}

pub(super) fn orders(window: &MainWindow, page: ListPage, stuck: StuckRule) -> Screen {
    use crate::offline::queue::State;
    let adapter = window.global::<OrdersAdapter>();
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    adapter.set_waiting(count(page.waiting));
    adapter.set_sent(count(page.sent));
    adapter.set_set_aside(count(page.set_aside));
    adapter.set_page(count(page.number));
    adapter.set_pages(count(page.pages));
    let items: Vec<QueuedOrderItem> = page
        .orders
        .iter()
        .map(|o| {
            use crate::offline::queue::SetAsideReason as Why;
            let (kind, product, from, to, detail) = match &o.why {
                Some(Why::Unavailable { product, message }) => (
                    SetAsideKind::Unavailable,
                    product.clone(),
                    String::new(),
                    String::new(),
                    message.clone(),
                ),
                Some(Why::Missing { product }) => (
                    SetAsideKind::Missing,
                    product.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                ),
                Some(Why::PriceChanged { product, from, to }) => (
                    SetAsideKind::PriceChanged,
                    product.clone(),
                    format_try(*from),
                    format_try(*to),
                    String::new(),
                ),
                Some(Why::NotOffered { what }) => (
                    SetAsideKind::NotOffered,
                    what.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                ),
                Some(Why::Other { detail }) => (
                    SetAsideKind::None,
                    String::new(),
                    String::new(),
                    String::new(),
                    detail.clone(),
                ),
                // Sent: the server's number. Waiting: the last failure, for staff.
                None => (
                    SetAsideKind::None,
                    String::new(),
                    String::new(),
                    String::new(),
                    o.order_number.clone().or_else(|| o.reason.clone()).unwrap_or_default(),
                ),
            };
            let doubt_minutes = o.in_doubt_for().map(|d| d.as_secs() / 60).unwrap_or_default();
            QueuedOrderItem {
                reference: o.reference.clone().into(),
                state: match o.state {
                    _ if o.is_stuck(&stuck) => OrderState::Unconfirmed,
                    State::Waiting => OrderState::Waiting,
                    State::Sending => OrderState::Sending,
                    State::Sent => OrderState::Sent,
                    State::SetAside => OrderState::SetAside,
                },
                doubt_minutes: i32::try_from(doubt_minutes).unwrap_or(i32::MAX),
                amount: format_try(o.amount).into(),
                payment: o.order.option_name.clone().unwrap_or_default().into(),
                payment_kind: super::payment_kind(&o.order.payment_type),
                payment_type: o.order.payment_type.clone().into(),
                created: local_time(&o.created_at).into(),
                // The name a sale for a customer keeps beside their pk.
                customer: o
                    .order
                    .contact
                    .clone()
                    .filter(|_| o.order.customer.is_some())
                    .unwrap_or_default()
                    .into(),
                why: kind,
                product: product.into(),
                price_from: from.into(),
                price_to: to.into(),
                detail: detail.into(),
            }
        })
        .collect();
    adapter.set_orders(model(items));
    Screen::Orders
}

pub(super) fn diagnostics(
    window: &MainWindow,
    checks: Vec<(crate::diagnostics::Level, String, String)>,
    version: String,
    (address, demo): (String, bool),
    exported: String,
) -> Screen {
    use crate::diagnostics::Level;
    let adapter = window.global::<crate::ui::DiagnosticsAdapter>();
    let rows: Vec<crate::ui::CheckRow> = checks
        .into_iter()
        .map(|(level, name, detail)| crate::ui::CheckRow {
            level: match level {
                Level::Ok => crate::ui::CheckLevel::Ok,
                Level::Warn => crate::ui::CheckLevel::Warn,
                Level::Fail => crate::ui::CheckLevel::Fail,
            },
            name: name.into(),
            detail: detail.into(),
        })
        .collect();
    adapter.set_checks(model(rows));
    adapter.set_version(version.into());
    adapter.set_address(if address.is_empty() {
        "—".into()
    } else {
        address.into()
    });
    adapter.set_demo(demo);
    adapter.set_exported(exported.into());
    Screen::Diagnostics
}

/// A wrong staff PIN: tries left before the pad locks.
pub(super) fn pin_wrong(window: &MainWindow, left: i32) {
    let step = window.global::<StepAdapter>();
    step.set_pin_tries_left(left);
    step.set_pin_locked_seconds(0);
}

/// The PIN pad is locked for this many seconds.
pub(super) fn pin_locked(window: &MainWindow, seconds: i32) {
    let step = window.global::<StepAdapter>();
    step.set_pin_locked_seconds(seconds);
    step.set_digits(SharedString::new());
}

/// A stored UTC time as the store's clock shows it.
fn local_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&chrono::Local).format("%d.%m.%Y %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}
