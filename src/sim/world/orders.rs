//! The orders the simulator places: the order's record (its JSON, as the order list
//! and the order's page give it), a placed checkout's completion (the order number, its
//! lines, fee and delivery), the lookups by token, by account and across all, and the
//! receipt sent to the customer by e-mail or SMS.

use super::page::Next;
use super::{step_error, Checkout, World};
use crate::commerce::money::wire;
use crate::commerce::pages::PageName as P;
use crate::commerce::{Money, ReceiptChannel};
use rand::Rng;
use serde_json::{json, Value};

#[derive(Clone)]
pub struct Order {
    pub pk: u64,
    pub number: String,
    pub token: String,
    pub email: String,
    pub amount: Money,
    pub payment_type: String,
    pub option_name: String,
    pub installment_count: Option<u32>,
    pub service_fee: Money,
    pub items: Vec<Value>,
    pub notes: Option<String>,
    pub created: String,
    pub shipping_fee: Money,
    /// How the goods reach the customer: the store, or the address and shipping option.
    pub delivery: Value,
    /// The voucher's code and what it took off the goods.
    pub voucher: Option<(String, Money)>,
    /// The gift cards that paid (masked numbers) and how much each; `amount` is the rest.
    pub gift_cards: Vec<(String, Money)>,
    /// What became of it after it was placed: cancelled, returned in part or whole.
    pub status: super::returns::Status,
    /// Units of each line (by position) that came back.
    pub returned: Vec<u32>,
    /// The money given back, oldest first.
    pub refunds: Vec<super::returns::Refund>,
    /// The goods left the warehouse (`/_sim/orders/<number>/ship`): too late to cancel.
    pub shipped: bool,
}

impl Order {
    pub fn json(&self) -> Value {
        json!({
            "pk": self.pk,
            "number": self.number,
            "amount": wire(self.amount),
            "currency": "try",
            "payment_type": self.payment_type,
            "payment_option": self.option_name,
            "installment_count": self.installment_count,
            "service_fee": wire(self.service_fee),
            "items": self.items,
            "notes": self.notes,
            "shipping_amount": wire(self.shipping_fee),
            "delivery": self.delivery,
            "voucher_code": self.voucher.as_ref().map(|(code, _)| code.clone()),
            "discount_amount": wire(self.voucher.as_ref().map(|(_, d)| *d).unwrap_or_default()),
            "gift_cards": self.gift_cards.iter().map(|(number, amount)| json!({"number": number, "amount": wire(*amount)})).collect::<Vec<_>>(),
            "status": self.status.wire(),
            "refunds": self.refunds.iter().map(super::returns::Refund::json).collect::<Vec<_>>(),
            "created_date": self.created,
            "token": self.token,
        })
    }
}

impl World {
    pub(super) fn new_order_number(&mut self) -> String {
        loop {
            let n: u64 = self.rng.random_range(1_000_000_000_000..10_000_000_000_000);
            let number = n.to_string();
            if !self.registers.contains_key(&number) && !self.orders.iter().any(|o| o.number == number) {
                return number;
            }
        }
    }

    pub(super) fn complete(&mut self, email: &str, ck: &mut Checkout) -> Result<Next, Value> {
        let spec = self
            .option(ck)
            .cloned()
            .ok_or_else(|| step_error("Choose a payment option first."))?;
        self.complete_as(email, ck, (&spec.payment_type, &spec.name))
    }

    /// Places the order, paid (what gift cards leave) by the payment type and option named.
    pub(super) fn complete_as(
        &mut self,
        email: &str,
        ck: &mut Checkout,
        (payment_type, option_name): (&str, &str),
    ) -> Result<Next, Value> {
        let number = match &ck.cash_number {
            Some(n) if payment_type == "cash_register" => n.clone(),
            _ => self.new_order_number(),
        };
        let items: Vec<Value> = self.carts[email]
            .lines
            .iter()
            .enumerate()
            .map(|(line, (i, q))| {
                let p = &self.catalog[*i];
                json!({"pk": line + 1, "sku": p.sku, "name": p.name, "quantity": q, "unit_price": wire(p.price),
                       "total_amount": wire(p.price * Money::from(*q))})
            })
            .collect();
        let order = Order {
            pk: self.pk(),
            number,
            token: format!("{}:{}", self.token(22), self.token(6)),
            email: email.to_string(),
            amount: self.amount_due(email, ck),
            payment_type: payment_type.to_string(),
            option_name: option_name.to_string(),
            installment_count: ck.installment.as_ref().map(|(_, c, _)| *c),
            service_fee: ck.service_fee,
            items,
            notes: ck.notes.clone(),
            created: self.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            shipping_fee: ck.shipping_fee,
            delivery: self.delivery_json(email, ck),
            voucher: self.spend_voucher(email),
            gift_cards: self.spend_gift_cards(ck),
            status: super::returns::Status::Approved,
            returned: vec![0; self.carts[email].lines.len()],
            refunds: Vec::new(),
            shipped: false,
        };
        // The store's shelf first, then the warehouse for what is shipped.
        for (i, q) in self.carts[email].lines.clone() {
            let product = &mut self.catalog[i];
            let from_shelf = product.stock.max(0).min(i64::from(q));
            product.stock -= from_shelf;
            product.warehouse -= i64::from(q) - from_shelf;
        }
        self.orders.push(order);
        ck.order = Some(self.orders.len() - 1);
        let cart = self.cart(email);
        cart.lines.clear();
        cart.voucher = None;
        cart.version += 1;
        ck.basket_version = cart.version;
        Ok(Next {
            pages: vec![P::ThankYou.into()],
            accepts: vec![],
        })
    }

    pub fn order_by_token(&self, token: &str) -> Option<&Order> {
        self.orders.iter().find(|o| o.token == token)
    }

    pub fn orders_of(&self, email: &str) -> Vec<&Order> {
        self.orders.iter().rev().filter(|o| o.email == email).collect()
    }

    /// The payment-service transaction of an account's checkout (BKM Express, the
    /// redirecting strategies), as its service page knows it: for tests playing the phone.
    pub fn checkout_txn(&self, email: &str) -> Option<String> {
        self.checkouts.get(email).and_then(|ck| ck.txn.clone())
    }

    pub fn all_orders(&self) -> &[Order] {
        &self.orders
    }
}

/// A receipt sent: the order, how, and to which address or number.
#[derive(Debug, Clone, PartialEq)]
pub struct SentReceipt {
    pub number: String,
    pub channel: ReceiptChannel,
    pub to: String,
}

/// Why a receipt was not sent.
#[derive(Debug, PartialEq)]
pub enum ReceiptRefusal {
    /// No order has this token.
    NotFound,
    /// Neither the order's customer nor the store's account.
    NotYours,
    /// The field's error, as the server words it (`{"channel": [..]}`).
    Invalid(Value),
}

impl World {
    /// `POST /orders/completed/<token>/send/`: the order's receipt to its customer's
    /// e-mail or phone. The order's own account or a staff account may ask.
    pub fn send_receipt(&mut self, asker: &str, token: &str, channel: &str) -> Result<Value, ReceiptRefusal> {
        let order = self.order_by_token(token).ok_or(ReceiptRefusal::NotFound)?;
        if order.email != asker && !self.accounts.get(asker).is_some_and(|a| a.staff) {
            return Err(ReceiptRefusal::NotYours);
        }
        let Some(channel) = ReceiptChannel::parse(channel) else {
            return Err(ReceiptRefusal::Invalid(
                json!({"channel": [format!("\"{channel}\" is not a valid choice.")]}),
            ));
        };
        let to = match channel {
            ReceiptChannel::Email => order.email.clone(),
            ReceiptChannel::Sms => self
                .accounts
                .get(&order.email)
                .map(|a| a.phone.clone())
                .unwrap_or_default(),
        };
        if to.is_empty() {
            return Err(ReceiptRefusal::Invalid(
                json!({"channel": ["The customer has no mobile number for an SMS."]}),
            ));
        }
        let number = order.number.clone();
        self.receipts_sent.push(SentReceipt {
            number: number.clone(),
            channel,
            to,
        });
        Ok(json!({"number": number, "channel": channel.wire(), "sent": true}))
    }

    /// The receipts sent for the order `number`.
    pub fn receipts_of(&self, number: &str) -> Vec<&SentReceipt> {
        self.receipts_sent.iter().filter(|r| r.number == number).collect()
    }
}
