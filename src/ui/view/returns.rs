//! The clerk's returns' screen data (filled by `controller/returns.rs`): the order
//! looked for, its lines with what comes back, the refund made.

use super::model;
use crate::commerce::money::format_try;
use crate::commerce::returns::{OrderReturn, RefundKind};
use crate::commerce::OrderRecord;
use crate::ui::{
    MainWindow, OrderStatus, RefundWay, RefundWayItem, ReturnAdapter, ReturnLineItem, ReturnOrderItem, ReturnProblem,
    ReturnStage, ReturnTrouble, Screen,
};
use slint::ComponentHandle;

/// Where a return stands on the screen.
#[derive(Debug, Clone)]
pub enum ReturnView {
    /// The order is looked for: what went wrong last, the customer's orders when the
    /// sale is for one, the numbers noted while the server was away.
    Find {
        problem: FindProblem,
        customer: Option<String>,
        orders: Vec<OrderRecord>,
        noted: Vec<String>,
    },
    /// The order found, with the units chosen of each line, the reason and the way.
    Lines {
        found: Box<OrderReturn>,
        picked: Vec<u32>,
        reason: Option<usize>,
        way: Option<usize>,
        trouble: Trouble,
    },
    /// The refund made: the order's state before, and the server's answer after.
    Done { before: String, after: Box<OrderReturn> },
}

/// What the thank-you screen says of an exchange's credit left.
#[derive(Debug, Clone, PartialEq)]
pub enum CreditLeftState {
    Offered,
    Refunded,
    /// The server's words.
    Refused(String),
    Unreachable,
}

/// An exchange's credit its new goods left, on the thank-you screen: how much, the way
/// it goes back, and what came of it.
#[derive(Debug, Clone, PartialEq)]
pub struct CreditLeftView {
    pub amount: String,
    pub way: RefundKind,
    /// The server's name for the way.
    pub label: String,
    pub state: CreditLeftState,
}

/// The thank-you screen's line of an exchange's credit left (`None`: there is none).
pub(super) fn credit_left(window: &MainWindow, view: Option<CreditLeftView>) {
    use crate::ui::{CreditLeft, ThankYouAdapter};
    let adapter = window.global::<ThankYouAdapter>();
    let Some(view) = view else {
        adapter.set_credit_left(CreditLeft::None);
        return;
    };
    let (state, words) = match view.state {
        CreditLeftState::Offered => (CreditLeft::Offered, String::new()),
        CreditLeftState::Refunded => (CreditLeft::Refunded, String::new()),
        CreditLeftState::Refused(words) => (CreditLeft::Refused, words),
        CreditLeftState::Unreachable => (CreditLeft::Unreachable, String::new()),
    };
    adapter.set_credit_left(state);
    adapter.set_credit_amount(view.amount.into());
    adapter.set_credit_way(way_of(view.way));
    adapter.set_credit_label(view.label.into());
    adapter.set_credit_error(words.into());
}

/// Why the order was not found (each with its number).
#[derive(Debug, Clone, PartialEq)]
pub enum FindProblem {
    None,
    NotFound(String),
    /// The server cannot be reached: a return needs it.
    Offline(String),
    Noted(String),
    /// A return's answer was lost and the order could not be read again.
    Lost(String),
    Failed(String),
}

/// What went wrong with the last try on the lines.
#[derive(Debug, Clone, PartialEq)]
pub enum Trouble {
    None,
    /// The server's words.
    Refused(String),
    /// No answer, and the order read again shows nothing refunded.
    Unreachable,
}

pub(super) fn status_of(status: &str) -> OrderStatus {
    match status {
        "approved" | "new" | "waiting" | "preparing" | "shipped" | "delivered" => OrderStatus::Approved,
        "partially_refunded" | "partially_returned" => OrderStatus::PartiallyRefunded,
        "refunded" | "returned" => OrderStatus::Refunded,
        "cancelled" | "canceled" => OrderStatus::Cancelled,
        _ => OrderStatus::Other,
    }
}

fn way_of(kind: RefundKind) -> RefundWay {
    match kind {
        RefundKind::Card => RefundWay::Card,
        RefundKind::Cash => RefundWay::Cash,
        RefundKind::LoyaltyMoney => RefundWay::LoyaltyMoney,
        RefundKind::StoreCredit => RefundWay::StoreCredit,
        RefundKind::Other => RefundWay::Other,
    }
}

/// An order's date as the screens show it.
fn placed(text: &str) -> String {
    crate::devices::slip::local_time(text)
}

/// A `YYYY-MM-DD` day as the screens show it.
fn day(text: &str) -> String {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.format("%d.%m.%Y").to_string())
        .unwrap_or_else(|_| text.to_string())
}

/// What the units chosen give back.
pub fn chosen_total(found: &OrderReturn, picked: &[u32]) -> crate::commerce::Money {
    found
        .lines
        .iter()
        .zip(picked)
        .map(|(line, units)| line.refund_unit_amount * crate::commerce::Money::from(*units))
        .sum()
}

fn order_facts(adapter: &ReturnAdapter, found: &OrderReturn) {
    let order = &found.order;
    adapter.set_number(order.number.clone().into());
    adapter.set_placed(placed(&order.created_date).into());
    adapter.set_payment(order.payment_option.clone().into());
    adapter.set_paid(format_try(found.paid_amount).into());
    adapter.set_kept(format_try(found.kept_amount()).into());
    adapter.set_status(status_of(&order.status));
    adapter.set_order_customer(found.customer.as_ref().map(|c| c.name.clone()).unwrap_or_default().into());
    adapter.set_return_until(found.return_until.as_deref().map(day).unwrap_or_default().into());
}

pub(super) fn returns(window: &MainWindow, view: ReturnView) -> Screen {
    let adapter = window.global::<ReturnAdapter>();
    match view {
        ReturnView::Find {
            problem,
            customer,
            orders,
            noted,
        } => {
            adapter.set_stage(ReturnStage::Find);
            let (kind, number, detail) = match problem {
                FindProblem::None => (ReturnProblem::None, String::new(), String::new()),
                FindProblem::NotFound(n) => (ReturnProblem::NotFound, n, String::new()),
                FindProblem::Offline(n) => (ReturnProblem::Offline, n, String::new()),
                FindProblem::Noted(n) => (ReturnProblem::Noted, n, String::new()),
                FindProblem::Lost(n) => (ReturnProblem::Lost, n, String::new()),
                FindProblem::Failed(detail) => (ReturnProblem::Failed, String::new(), detail),
            };
            adapter.set_problem(kind);
            adapter.set_problem_number(number.into());
            adapter.set_problem_detail(detail.into());
            adapter.set_customer(customer.unwrap_or_default().into());
            adapter.set_customer_orders(model(
                orders
                    .iter()
                    .map(|o| ReturnOrderItem {
                        number: o.number.clone().into(),
                        placed: placed(&o.created_date).into(),
                        amount: format_try(o.amount + o.gift_cards.iter().map(|g| g.amount).sum::<crate::commerce::Money>()).into(),
                        status: status_of(&o.status),
                    })
                    .collect(),
            ));
            adapter.set_noted(model(noted.into_iter().map(Into::into).collect()));
            adapter.set_typed(Default::default());
        }
        ReturnView::Lines {
            found,
            picked,
            reason,
            way,
            trouble,
        } => {
            adapter.set_stage(ReturnStage::Lines);
            order_facts(&adapter, &found);
            let lines = found
                .lines
                .iter()
                .zip(picked.iter().chain(std::iter::repeat(&0)))
                .map(|(line, units)| ReturnLineItem {
                    name: line.name.clone().into(),
                    detail: if line.sku.is_empty() {
                        format_try(line.unit_price).into()
                    } else {
                        format!("{}  ·  {}", line.sku, format_try(line.unit_price)).into()
                    },
                    quantity: line.quantity as i32,
                    returned: line.returned_quantity as i32,
                    can: line.returnable_quantity as i32,
                    picked: *units as i32,
                    why_not: line.not_returnable_reason.clone().unwrap_or_default().into(),
                    amount: format_try(line.refund_unit_amount * crate::commerce::Money::from(*units)).into(),
                })
                .collect();
            adapter.set_lines(model(lines));
            adapter.set_reasons(model(found.reasons.iter().map(|r| r.name.clone().into()).collect()));
            adapter.set_reason(reason.map_or(-1, |r| r as i32));
            adapter.set_ways(model(
                found
                    .refund_types
                    .iter()
                    .map(|w| RefundWayItem {
                        way: way_of(w.kind()),
                        label: w.label.clone().into(),
                    })
                    .collect(),
            ));
            adapter.set_way(way.map_or(-1, |w| w as i32));
            adapter.set_total(format_try(chosen_total(&found, &picked)).into());
            adapter.set_picked_any(picked.iter().any(|u| *u > 0));
            adapter.set_cancellable(found.cancellable);
            adapter.set_why_not_cancel(found.not_cancellable_reason.clone().unwrap_or_default().into());
            let (kind, words) = match trouble {
                Trouble::None => (ReturnTrouble::None, String::new()),
                Trouble::Refused(words) => (ReturnTrouble::Refused, words),
                Trouble::Unreachable => (ReturnTrouble::Unreachable, String::new()),
            };
            adapter.set_trouble(kind);
            adapter.set_refusal(words.into());
        }
        ReturnView::Done { before, after } => {
            adapter.set_stage(ReturnStage::Done);
            order_facts(&adapter, &after);
            adapter.set_before(status_of(&before));
            let refund = after.refund.clone().unwrap_or_default();
            adapter.set_refunded(format_try(refund.amount).into());
            let label = after.refund_label();
            adapter.set_refunded_way(way_of(RefundKind::parse(&refund.refund_type)));
            adapter.set_refunded_label(label.into());
            adapter.set_cancelled(refund.cancellation);
            adapter.set_store_credit(refund.store_credit.clone().unwrap_or_default().into());
            adapter.set_exchange_offered(refund.store_credit_card.is_some());
        }
    }
    Screen::Returns
}
