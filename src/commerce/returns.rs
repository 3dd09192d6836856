//! Returns and cancellations as the client asks for them (the simulator's contract:
//! README, "Returns"; the platform's calls are not in the reference, so a store on the
//! real platform maps them here): an order found by its number with what of it can come
//! back, lines returned or the order cancelled whole, and the refund the server made;
//! what an exchange left of the store credit, given back.

use super::client::{parse_json, Body, CommerceClient};
use super::error::{CommerceError, Result};
use super::money::de_money;
use super::records::{de_count, de_flag, OrderRecord, Pk};
use super::Money;
use reqwest::Method;
use serde::Deserialize;

/// Where a refund's money goes, as the server names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundKind {
    /// Back to the card the order was paid with.
    Card,
    /// Cash from the till: the clerk confirms handing it over.
    Cash,
    LoyaltyMoney,
    /// A new gift card holding the money (what an exchange spends).
    StoreCredit,
    /// A way this kiosk does not know: offered with the server's label.
    Other,
}

impl RefundKind {
    pub fn parse(value: &str) -> RefundKind {
        match value {
            "card" => RefundKind::Card,
            "cash" => RefundKind::Cash,
            "loyalty_money" => RefundKind::LoyaltyMoney,
            "store_credit" => RefundKind::StoreCredit,
            _ => RefundKind::Other,
        }
    }
}

/// A line of the order as a return sees it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ReturnLine {
    /// `0` for a service (shipping, a fee), which never comes back.
    #[serde(deserialize_with = "de_count")]
    pub pk: u32,
    pub sku: String,
    pub name: String,
    #[serde(deserialize_with = "de_count")]
    pub quantity: u32,
    #[serde(deserialize_with = "de_count")]
    pub returned_quantity: u32,
    #[serde(deserialize_with = "de_count")]
    pub returnable_quantity: u32,
    #[serde(deserialize_with = "de_money")]
    pub unit_price: Money,
    /// What one unit gives back (its share of a voucher taken off).
    #[serde(deserialize_with = "de_money")]
    pub refund_unit_amount: Money,
    #[serde(deserialize_with = "de_flag")]
    pub service: bool,
    /// Why it cannot come back, in the server's words.
    pub not_returnable_reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ReturnReason {
    pub pk: Pk,
    pub name: String,
}

/// A way the money can go back.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RefundChoice {
    pub value: String,
    pub label: String,
}

impl RefundChoice {
    pub fn kind(&self) -> RefundKind {
        RefundKind::parse(&self.value)
    }
}

/// The order's customer, when it is not the store's own account.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ReturnCustomer {
    pub pk: Pk,
    pub name: String,
}

/// A store credit card's whole number and code (staff only: an exchange spends it).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct StoreCreditCard {
    pub number: String,
    pub code: String,
}

/// The refund a return made.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RefundMade {
    pub number: String,
    #[serde(deserialize_with = "de_money")]
    pub amount: Money,
    pub refund_type: String,
    #[serde(deserialize_with = "de_flag")]
    pub cancellation: bool,
    /// The store credit's card as shown (`•••• 1234`).
    pub store_credit: Option<String>,
    pub store_credit_card: Option<StoreCreditCard>,
    pub created_date: String,
}

/// An order as a return sees it: its record, its lines, whether it can be cancelled
/// whole, the reasons and refund ways the server offers; after a return, the refund.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct OrderReturn {
    pub order: OrderRecord,
    pub customer: Option<ReturnCustomer>,
    pub lines: Vec<ReturnLine>,
    #[serde(deserialize_with = "de_flag")]
    pub cancellable: bool,
    pub not_cancellable_reason: Option<String>,
    pub reasons: Vec<ReturnReason>,
    pub refund_types: Vec<RefundChoice>,
    /// The last day a line can come back (`YYYY-MM-DD`).
    pub return_until: Option<String>,
    #[serde(deserialize_with = "de_money")]
    pub paid_amount: Money,
    #[serde(deserialize_with = "de_money")]
    pub refunded_amount: Money,
    pub refund: Option<RefundMade>,
}

impl OrderReturn {
    /// What was paid and is not yet back.
    pub fn kept_amount(&self) -> Money {
        (self.paid_amount - self.refunded_amount).max(Money::ZERO)
    }

    /// The server's label for where the refund made went (its type where it lists none).
    pub fn refund_label(&self) -> String {
        let kind = self.refund.as_ref().map(|r| r.refund_type.clone()).unwrap_or_default();
        self.refund_types
            .iter()
            .find(|w| w.value == kind)
            .map(|w| w.label.clone())
            .unwrap_or(kind)
    }
}

/// What comes back: lines (`pk`, units) or the whole order.
#[derive(Debug, Clone, PartialEq)]
pub enum ReturnAsk {
    Lines(Vec<(u32, u32)>),
    CancelWhole,
}

/// A return as posted.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnRequest {
    pub ask: ReturnAsk,
    pub reason: Pk,
    pub refund_type: String,
    /// The clerk confirmed handing over the cash (a cash refund needs it).
    pub cash_confirmed: bool,
}

/// A refusal's words without the names the summary puts before them (`errors: `, then
/// the field's).
fn words(message: &str) -> String {
    let message = message.strip_prefix("errors: ").unwrap_or(message);
    ["lines: ", "reason: ", "refund_type: ", "cash_confirmed: ", "action: "]
        .iter()
        .find_map(|field| message.strip_prefix(field))
        .unwrap_or(message)
        .to_string()
}

fn path_of(number: &str) -> String {
    let number: String = number.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("orders/{number}/returns/")
}

impl CommerceClient {
    /// The order `number` as a return sees it; `None` when the server knows no such order.
    pub async fn order_for_return(&self, number: &str) -> Result<Option<OrderReturn>> {
        match self.call(Method::GET, &path_of(number), Body::Empty, "order to return").await {
            Ok(body) => Ok(Some(parse_json(&body, "order to return")?)),
            Err(CommerceError::Http { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// What an exchange left of the order's store credit, back the way `refund_type`
    /// names (cash confirmed by the clerk); the order's state with that refund. The
    /// server's refusal (nothing left, cash unconfirmed) is `Ok(Err(why))`.
    pub async fn refund_credit_left(
        &self,
        number: &str,
        refund_type: &str,
        cash_confirmed: bool,
    ) -> Result<std::result::Result<OrderReturn, String>> {
        let mut form = vec![("refund_type".to_string(), refund_type.to_string())];
        if cash_confirmed {
            form.push(("cash_confirmed".into(), "true".into()));
        }
        let path = format!("{}credit/", path_of(number));
        match self.call(Method::POST, &path, Body::Form(form), "store credit refund").await {
            Ok(body) => Ok(Ok(parse_json(&body, "store credit refund")?)),
            Err(CommerceError::Http { status: 400, message, .. }) => Ok(Err(words(&message))),
            Err(e) => Err(e),
        }
    }

    /// Returns lines or cancels the order; the order's new state with the refund made.
    /// The server's refusal (a line that cannot come back, cash unconfirmed) is
    /// `Ok(Err(why))`, in its words.
    pub async fn make_return(&self, number: &str, request: &ReturnRequest) -> Result<std::result::Result<OrderReturn, String>> {
        let mut form = vec![
            ("reason".to_string(), request.reason.0.clone()),
            ("refund_type".to_string(), request.refund_type.clone()),
        ];
        match &request.ask {
            ReturnAsk::CancelWhole => form.push(("action".into(), "cancel".into())),
            ReturnAsk::Lines(lines) => {
                form.push(("action".into(), "return".into()));
                let list: Vec<String> = lines.iter().map(|(pk, units)| format!("{pk}:{units}")).collect();
                form.push(("lines".into(), list.join(",")));
            }
        }
        if request.cash_confirmed {
            form.push(("cash_confirmed".into(), "true".into()));
        }
        match self.call(Method::POST, &path_of(number), Body::Form(form), "return").await {
            Ok(body) => Ok(Ok(parse_json(&body, "return")?)),
            Err(CommerceError::Http { status: 400, message, .. }) => Ok(Err(words(&message))),
            Err(e) => Err(e),
        }
    }
}
