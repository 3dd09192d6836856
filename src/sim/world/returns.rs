//! Returns and cancellations (README, "Returns"; the platform's calls are not in the
//! reference, so this follows the seed's conventions: a form post, `errors` answers, the
//! order's new state in the answer): an order found by its number, what of it can come
//! back and why not (returned already, past the return period, a service, not yet
//! shipped), a whole cancellation before the goods leave, and the refund as the server
//! decides it (to the card, in cash the clerk confirms, to loyalty money, or as store
//! credit on a new gift card, which an exchange spends at once).

use super::gift_cards::masked;
use super::{field_error, step_error, Form, World};
use crate::commerce::money::{round_cents, wire};
use crate::commerce::Money;
use serde_json::{json, Value};

/// How long after its order a line can come back.
pub const RETURN_DAYS: i64 = 30;

/// The reasons a return gives, as the back office lists them (`language.rs` has them in
/// English).
pub const REASONS: [(u64, &str); 5] = [
    (1, "Beden uymadı"),
    (2, "Kusurlu ürün"),
    (3, "Beğenmedim"),
    (4, "Yanlış ürün"),
    (5, "Vazgeçtim"),
];

/// What became of an order after it was placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Approved,
    Cancelled,
    PartiallyRefunded,
    Refunded,
}

impl Status {
    pub fn wire(self) -> &'static str {
        match self {
            Status::Approved => "approved",
            Status::Cancelled => "cancelled",
            Status::PartiallyRefunded => "partially_refunded",
            Status::Refunded => "refunded",
        }
    }
}

/// Where a refund's money goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundType {
    Card,
    Cash,
    LoyaltyMoney,
    StoreCredit,
}

impl RefundType {
    const ALL: [RefundType; 4] = [
        RefundType::Card,
        RefundType::Cash,
        RefundType::LoyaltyMoney,
        RefundType::StoreCredit,
    ];

    pub fn wire(self) -> &'static str {
        match self {
            RefundType::Card => "card",
            RefundType::Cash => "cash",
            RefundType::LoyaltyMoney => "loyalty_money",
            RefundType::StoreCredit => "store_credit",
        }
    }

    fn label(self) -> &'static str {
        match self {
            RefundType::Card => "Ödenen karta iade",
            RefundType::Cash => "Kasadan nakit iade",
            RefundType::LoyaltyMoney => "Hazır para olarak",
            RefundType::StoreCredit => "Mağaza kredisi (hediye kartı)",
        }
    }

    fn parse(text: &str) -> Option<RefundType> {
        Self::ALL.into_iter().find(|t| t.wire() == text)
    }
}

/// Money given back: for which lines (by their `pk`, with units) or the whole order.
#[derive(Debug, Clone)]
pub struct Refund {
    pub number: String,
    pub amount: Money,
    pub refund_type: RefundType,
    pub reason: u64,
    pub lines: Vec<(usize, u32)>,
    pub cancellation: bool,
    pub created: String,
    /// The store credit's gift card (its whole number), when the money went on one.
    pub store_credit: Option<String>,
}

impl Refund {
    pub fn json(&self) -> Value {
        json!({
            "number": self.number,
            "amount": wire(self.amount),
            "refund_type": self.refund_type.wire(),
            "reason": self.reason,
            "cancellation": self.cancellation,
            "lines": self.lines.iter().map(|(pk, q)| json!({"pk": pk, "quantity": q})).collect::<Vec<_>>(),
            "created_date": self.created,
            "store_credit": self.store_credit.as_deref().map(masked),
        })
    }
}

/// Why a return was refused.
#[derive(Debug, PartialEq)]
pub enum ReturnRefusal {
    NotFound,
    /// Neither the order's own account nor a staff account.
    NotYours,
    /// The `errors` of the answer.
    Invalid(Value),
}

/// A line of an order as a return sees it.
struct LineState {
    pk: usize,
    quantity: u32,
    returned: u32,
    unit_refund: Money,
    why_not: Option<String>,
}

fn say(english: bool, tr: &str, en: &str) -> String {
    if english { en } else { tr }.to_string()
}

impl World {
    fn order_for_return(&self, asker: &str, number: &str) -> Result<usize, ReturnRefusal> {
        let i = self
            .orders
            .iter()
            .position(|o| o.number == number.trim())
            .ok_or(ReturnRefusal::NotFound)?;
        if self.orders[i].email != asker && !self.accounts.get(asker).is_some_and(|a| a.staff) {
            return Err(ReturnRefusal::NotYours);
        }
        Ok(i)
    }

    /// The last day a line of order `i` can come back.
    fn return_until(&self, i: usize) -> Option<chrono::NaiveDate> {
        let created = chrono::DateTime::parse_from_rfc3339(&self.orders[i].created).ok()?;
        Some((created + chrono::Duration::days(RETURN_DAYS)).date_naive())
    }

    /// Shipped to an address, or taken from the counter (collected here or elsewhere).
    fn ships(&self, i: usize) -> bool {
        self.orders[i].delivery.get("delivery_option_type").and_then(Value::as_str) == Some("customer")
    }

    fn lines_of(&self, i: usize, english: bool) -> Vec<LineState> {
        let order = &self.orders[i];
        let goods: Money = order
            .items
            .iter()
            .filter_map(|item| item.get("total_amount").and_then(Value::as_str)?.parse::<Money>().ok())
            .sum();
        let discount = order.voucher.as_ref().map(|(_, d)| *d).unwrap_or_default();
        let expired = self
            .return_until(i)
            .filter(|until| self.now().date_naive() > *until)
            .map(|until| {
                let day = until.format("%d.%m.%Y");
                say(
                    english,
                    &format!("İade süresi {day} tarihinde doldu."),
                    &format!("The return period ended on {day}."),
                )
            });
        let waiting = self.ships(i) && !order.shipped;
        order
            .items
            .iter()
            .enumerate()
            .map(|(n, item)| {
                let quantity = item.get("quantity").and_then(Value::as_u64).unwrap_or(1) as u32;
                let price: Money = item
                    .get("unit_price")
                    .and_then(Value::as_str)
                    .and_then(|p| p.parse().ok())
                    .unwrap_or_default();
                let unit_refund = if goods.is_zero() {
                    price
                } else {
                    round_cents(price * (goods - discount) / goods)
                };
                let returned = order.returned.get(n).copied().unwrap_or(0);
                let why_not = if order.status == Status::Cancelled {
                    Some(say(english, "Sipariş iptal edildi.", "The order was cancelled."))
                } else if returned >= quantity {
                    Some(say(english, "Hepsi iade edildi.", "All of it was returned."))
                } else if waiting {
                    Some(say(
                        english,
                        "Henüz kargoya verilmedi: siparişi iptal edin.",
                        "Not shipped yet: cancel the order instead.",
                    ))
                } else {
                    expired.clone()
                };
                LineState {
                    pk: n + 1,
                    quantity,
                    returned,
                    unit_refund,
                    why_not,
                }
            })
            .collect()
    }

    /// Why order `i` cannot be cancelled whole, or `None` when it can.
    fn why_not_cancel(&self, i: usize, english: bool) -> Option<String> {
        let order = &self.orders[i];
        if order.status == Status::Cancelled {
            return Some(say(english, "Sipariş zaten iptal edildi.", "The order is already cancelled."));
        }
        if !order.refunds.is_empty() {
            return Some(say(english, "Siparişte iade var: kalanları iade edin.", "Part of it was returned: return the rest instead."));
        }
        if !self.ships(i) {
            return Some(say(english, "Ürünler teslim edildi: iade edin.", "The goods were handed over: return them instead."));
        }
        if order.shipped {
            return Some(say(english, "Sipariş kargoya verildi: gelince iade edin.", "The order has shipped: return it when it arrives."));
        }
        None
    }

    /// Where the order's money can go back: its own way first.
    fn refund_types(&self, i: usize) -> Vec<RefundType> {
        let order = &self.orders[i];
        let own = match order.payment_type.as_str() {
            "cash_register" | "pay_on_delivery" | "funds_transfer" => RefundType::Cash,
            "loyalty_money" => RefundType::LoyaltyMoney,
            "gift_card" => RefundType::StoreCredit,
            _ => RefundType::Card,
        };
        let mut types = vec![own];
        // A customer's own account takes loyalty money; the store's account is no one's.
        let customer = !self.accounts.get(&order.email).is_some_and(|a| a.staff);
        if customer && own != RefundType::LoyaltyMoney {
            types.push(RefundType::LoyaltyMoney);
        }
        if own != RefundType::StoreCredit {
            types.push(RefundType::StoreCredit);
        }
        types
    }

    /// What the order took and what has gone back of it.
    fn paid_and_refunded(&self, i: usize) -> (Money, Money) {
        let order = &self.orders[i];
        let paid = order.amount + order.gift_cards.iter().map(|(_, a)| *a).sum::<Money>();
        (paid, order.refunds.iter().map(|r| r.amount).sum())
    }

    fn return_json(&self, i: usize, english: bool) -> Value {
        let order = &self.orders[i];
        let mut lines: Vec<Value> = self
            .lines_of(i, english)
            .iter()
            .zip(&order.items)
            .map(|(line, item)| {
                json!({"pk": line.pk, "sku": item["sku"], "name": item["name"], "quantity": line.quantity,
                       "returned_quantity": line.returned,
                       "returnable_quantity": if line.why_not.is_some() { 0 } else { line.quantity - line.returned },
                       "unit_price": item["unit_price"], "refund_unit_amount": wire(line.unit_refund),
                       "service": false, "not_returnable_reason": line.why_not})
            })
            .collect();
        for (fee, name) in [(order.shipping_fee, "Kargo ücreti"), (order.service_fee, "Hizmet bedeli")] {
            if !fee.is_zero() {
                lines.push(json!({"pk": 0, "sku": "", "name": name, "quantity": 1, "returned_quantity": 0,
                    "returnable_quantity": 0, "unit_price": wire(fee), "refund_unit_amount": wire(fee), "service": true,
                    "not_returnable_reason": say(english, "Hizmetler iade edilmez.", "Services are not returned.")}));
            }
        }
        let (paid, refunded) = self.paid_and_refunded(i);
        let why_not_cancel = self.why_not_cancel(i, english);
        let customer = self.accounts.get(&order.email).filter(|a| !a.staff);
        json!({
            "order": order.json(),
            "customer": customer.map(|a| json!({"pk": a.pk, "name": format!("{} {}", a.first_name, a.last_name)})),
            "lines": lines,
            "cancellable": why_not_cancel.is_none(),
            "not_cancellable_reason": why_not_cancel,
            "reasons": REASONS.iter().map(|(pk, name)| json!({"pk": pk, "name": name})).collect::<Vec<_>>(),
            "refund_types": self.refund_types(i).iter().map(|t| json!({"value": t.wire(), "label": t.label()})).collect::<Vec<_>>(),
            "return_until": self.return_until(i).map(|d| d.to_string()),
            "paid_amount": wire(paid),
            "refunded_amount": wire(refunded),
        })
    }

    /// The form's `refund_type`, one order `i` offers (store credit only where `credit`
    /// may be given), with `cash_confirmed=true` for cash.
    fn refund_way(&self, i: usize, form: &Form, english: bool, credit: bool) -> Result<RefundType, ReturnRefusal> {
        let errors = |fields: Value| ReturnRefusal::Invalid(json!({ "errors": fields }));
        let refund_type = form
            .get("refund_type")
            .and_then(|t| RefundType::parse(t.trim()))
            .filter(|t| (credit || *t != RefundType::StoreCredit) && self.refund_types(i).contains(t))
            .ok_or_else(|| {
                errors(field_error(
                    "refund_type",
                    &say(english, "Bu sipariş bu yolla iade edilemez.", "This order cannot be refunded that way."),
                ))
            })?;
        if refund_type == RefundType::Cash && form.get("cash_confirmed").map(String::as_str) != Some("true") {
            return Err(errors(field_error(
                "cash_confirmed",
                &say(english, "Nakit iadeyi kasiyer onaylamalı.", "The clerk must confirm the cash refund."),
            )));
        }
        Ok(refund_type)
    }

    /// `GET /orders/<number>/returns/`: the order as a return sees it.
    pub fn return_view(&self, asker: &str, number: &str, english: bool) -> Result<Value, ReturnRefusal> {
        let i = self.order_for_return(asker, number)?;
        Ok(self.return_json(i, english))
    }

    /// `POST /orders/<number>/returns/`: `action` (`return` or `cancel`), `lines`
    /// (`pk:units,…`, for a return), `reason`, `refund_type`, and `cash_confirmed=true`
    /// for cash (the clerk has the notes in hand). The answer is the order's new state
    /// with the refund made.
    pub fn return_post(&mut self, asker: &str, number: &str, form: &Form, english: bool) -> Result<Value, ReturnRefusal> {
        let i = self.order_for_return(asker, number)?;
        // The seed's convention: the refusal under `errors`, a message per field.
        let errors = |fields: Value| ReturnRefusal::Invalid(json!({ "errors": fields }));
        let reason = form
            .get("reason")
            .and_then(|r| r.trim().parse::<u64>().ok())
            .filter(|r| REASONS.iter().any(|(pk, _)| pk == r))
            .ok_or_else(|| errors(field_error("reason", &say(english, "Bir neden seçin.", "Choose a reason."))))?;
        let refund_type = self.refund_way(i, form, english, true)?;
        let (paid, refunded) = self.paid_and_refunded(i);
        let (amount, lines, cancellation) = match form.get("action").map(|a| a.trim()) {
            Some("cancel") => {
                if let Some(why) = self.why_not_cancel(i, english) {
                    return Err(errors(step_error(&why)));
                }
                (paid, Vec::new(), true)
            }
            Some("return") => {
                let states = self.lines_of(i, english);
                let mut lines = Vec::new();
                let mut amount = Money::ZERO;
                for part in form.get("lines").map(String::as_str).unwrap_or_default().split(',') {
                    let part = part.trim();
                    if part.is_empty() {
                        continue;
                    }
                    let parsed = part
                        .split_once(':')
                        .and_then(|(pk, q)| Some((pk.trim().parse::<usize>().ok()?, q.trim().parse::<u32>().ok()?)));
                    let Some((pk, units)) = parsed.filter(|(_, q)| *q > 0) else {
                        return Err(errors(field_error("lines", &format!("{part:?}: pk:units"))));
                    };
                    let Some(state) = states.iter().find(|s| s.pk == pk) else {
                        return Err(errors(field_error("lines", &say(english, "Siparişte böyle bir satır yok.", "The order has no such line."))));
                    };
                    if let Some(why) = &state.why_not {
                        return Err(errors(field_error("lines", why)));
                    }
                    if units > state.quantity - state.returned {
                        return Err(errors(field_error(
                            "lines",
                            &say(english, "İade edilebilecek adetten fazla.", "More than can come back."),
                        )));
                    }
                    amount += state.unit_refund * Money::from(units);
                    lines.push((pk, units));
                }
                if lines.is_empty() {
                    return Err(errors(field_error("lines", &say(english, "İade edilecek bir ürün seçin.", "Choose what comes back."))));
                }
                (amount.min(paid - refunded), lines, false)
            }
            _ => return Err(errors(field_error("action", "return or cancel"))),
        };
        let refund_number = format!("R{}-{}", self.orders[i].number, self.orders[i].refunds.len() + 1);
        let store_credit = match refund_type {
            RefundType::StoreCredit => Some(self.issue_store_credit(&self.orders[i].email.clone(), amount)),
            _ => None,
        };
        if refund_type == RefundType::LoyaltyMoney {
            if let Some(account) = self.accounts.get_mut(&self.orders[i].email.clone()) {
                account.loyalty += amount;
            }
        }
        let created = self.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let order = &mut self.orders[i];
        for (pk, units) in &lines {
            if let Some(r) = order.returned.get_mut(pk - 1) {
                *r += units;
            }
        }
        let refund = Refund {
            number: refund_number,
            amount,
            refund_type,
            reason,
            lines,
            cancellation,
            created,
            store_credit: store_credit.clone(),
        };
        order.refunds.push(refund.clone());
        let all_back = order
            .items
            .iter()
            .zip(&order.returned)
            .all(|(item, r)| u64::from(*r) >= item.get("quantity").and_then(Value::as_u64).unwrap_or(1));
        order.status = match (cancellation, all_back) {
            (true, _) => Status::Cancelled,
            (false, true) => Status::Refunded,
            (false, false) => Status::PartiallyRefunded,
        };
        if cancellation {
            self.restock_order(i);
        }
        let mut answer = self.return_json(i, english);
        let mut refund_json = refund.json();
        if let Some(card) = &store_credit {
            // Staff see the card's whole number and code: an exchange spends it at once.
            refund_json["store_credit_card"] = json!({"number": card, "code": self.scenario.otp});
        }
        answer["refund"] = refund_json;
        Ok(answer)
    }

    /// `POST /orders/<number>/returns/credit/`: what is left on the store credit cards
    /// this order's returns made (an exchange's new goods cost less than the credit) goes
    /// back the order's way (`refund_type`, `cash_confirmed=true` for cash); the cards
    /// are emptied. The answer is the order's state with that refund.
    pub fn refund_credit_left(&mut self, asker: &str, number: &str, form: &Form, english: bool) -> Result<Value, ReturnRefusal> {
        let i = self.order_for_return(asker, number)?;
        let errors = |fields: Value| ReturnRefusal::Invalid(json!({ "errors": fields }));
        let refund_type = self.refund_way(i, form, english, false)?;
        let cards: Vec<String> = self.orders[i].refunds.iter().filter_map(|r| r.store_credit.clone()).collect();
        let left: Money = cards.iter().filter_map(|c| self.gift_balances.get(c)).copied().sum();
        if left.is_zero() {
            return Err(errors(step_error(&say(
                english,
                "Bu siparişin mağaza kredisinden geriye bir şey kalmadı.",
                "Nothing is left of this order's store credit.",
            ))));
        }
        for card in &cards {
            self.gift_balances.insert(card.clone(), Money::ZERO);
        }
        if refund_type == RefundType::LoyaltyMoney {
            if let Some(account) = self.accounts.get_mut(&self.orders[i].email.clone()) {
                account.loyalty += left;
            }
        }
        let created = self.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let order = &mut self.orders[i];
        let refund = Refund {
            number: format!("R{}-{}", order.number, order.refunds.len() + 1),
            amount: left,
            refund_type,
            reason: 0,
            lines: Vec::new(),
            cancellation: false,
            created,
            store_credit: None,
        };
        order.refunds.push(refund.clone());
        let mut answer = self.return_json(i, english);
        answer["refund"] = refund.json();
        Ok(answer)
    }

    /// A new gift card holding `amount`, its SMS code to the customer's phone.
    fn issue_store_credit(&mut self, email: &str, amount: Money) -> String {
        let n: u64 = rand::Rng::random_range(&mut self.rng, 1_000_000_000..10_000_000_000);
        let number = format!("600090{n}");
        let phone = self.accounts.get(email).map(|a| a.phone.clone()).unwrap_or_default();
        self.scenario.gift_cards.push(crate::sim::scenario::GiftCardSpec {
            number: number.clone(),
            balance: amount,
            phone: if phone.is_empty() { "5320000000".into() } else { phone },
        });
        self.gift_balances.insert(number.clone(), amount);
        number
    }

    /// A cancelled order's goods back: to the warehouse for what was to be shipped,
    /// to the store's shelf otherwise.
    fn restock_order(&mut self, i: usize) {
        let items = self.orders[i].items.clone();
        let shipped = self.ships(i);
        for item in items {
            let sku = item.get("sku").and_then(Value::as_str).unwrap_or_default();
            let units = item.get("quantity").and_then(Value::as_i64).unwrap_or(0);
            if let Some(product) = self.catalog.iter_mut().find(|p| p.sku == sku) {
                if shipped {
                    product.warehouse += units;
                } else {
                    product.stock += units;
                }
            }
        }
    }

    /// A product's units in the stores and the warehouse together, for tests.
    pub fn product_stock(&self, sku: &str) -> i64 {
        self.catalog
            .iter()
            .filter(|p| p.sku == sku)
            .map(|p| p.stock + p.warehouse)
            .sum()
    }

    /// `/_sim/orders/<number>/age?days=N`: the order placed N days earlier (a return
    /// period that ended, for tests and the screenshots).
    pub fn age_order(&mut self, number: &str, days: i64) -> bool {
        let Some(order) = self.orders.iter_mut().find(|o| o.number == number) else {
            return false;
        };
        if let Ok(at) = chrono::DateTime::parse_from_rfc3339(&order.created) {
            let earlier = at - chrono::Duration::days(days);
            order.created = earlier.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        }
        true
    }

    /// `/_sim/orders/<number>/ship`: the goods left the warehouse.
    pub fn ship_order(&mut self, number: &str) -> bool {
        match self.orders.iter_mut().find(|o| o.number == number) {
            Some(order) => {
                order.shipped = true;
                true
            }
            None => false,
        }
    }
}
