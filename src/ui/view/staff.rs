//! The staff's screens' data (filled by `controller/staff.rs`): the clerk's list of
//! offline orders, the technician's checks, and the PIN pad's tries and lock.

use super::model;
use crate::commerce::money::format_try;
use crate::offline::queue::{ListPage, StuckRule};
use crate::ui::{MainWindow, OrderState, OrdersAdapter, QueuedOrderItem, Screen, SetAsideKind, StepAdapter};
use slint::{ComponentHandle, SharedString};

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
