//! Gift cards as a payment (README, "Gift cards"; the platform's calls are not in the
//! reference): the card's number asks for an SMS code to the card's phone, the code
//! takes what is left on the card up to the amount still due, more than one card an
//! order; the payment option chosen then pays the rest (every amount of the checkout is
//! what the cards leave), or, when the cards cover it all, the order completes on them.
//! A card pays only when its order is placed.

use super::page::Next;
use super::{field_error, step_error, Checkout, World};
use crate::commerce::money::{format_try, wire};
use crate::commerce::Money;
use serde_json::{json, Value};

/// A card's number as screens and receipts show it: its last four.
pub fn masked(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    let last: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("•••• {last}")
}

/// A phone as the SMS line shows it: `532 *** ** 33`.
fn masked_phone(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 5 {
        return "***".into();
    }
    format!("{} *** ** {}", &digits[..3], &digits[digits.len() - 2..])
}

/// The cards an order uses, for its JSON and the checkout's `pre_order`.
pub(super) fn uses_json(uses: &[(String, Money)]) -> Value {
    Value::from(
        uses.iter()
            .map(|(number, amount)| json!({"number": masked(number), "amount": wire(*amount)}))
            .collect::<Vec<_>>(),
    )
}

fn digits_of(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect()
}

impl World {
    /// What the cards taken so far pay.
    fn gift_paid(ck: &Checkout) -> Money {
        ck.gift_cards.iter().map(|(_, amount)| *amount).sum()
    }

    /// `POST /orders/checkout/gift_cards/` `{"number"}`: the card is known and has money
    /// left, and the order still has something to pay: its SMS code is sent.
    pub fn gift_card_ask(&mut self, email: &str, body: &Value) -> Result<Value, Value> {
        let number = digits_of(body.get("number").and_then(Value::as_str).unwrap_or_default());
        if number.is_empty() {
            return Err(field_error("number", "This field is required."));
        }
        let mut ck = self.checkout_of(email);
        if !ck.payment_reached {
            return Err(step_error("Choose how the order is delivered before paying."));
        }
        let card = self
            .scenario
            .gift_cards
            .iter()
            .find(|c| c.number == number)
            .cloned()
            .ok_or_else(|| field_error("number", "No gift card has this number."))?;
        if self.gift_balances.get(&number).is_none_or(|b| b.is_zero()) {
            return Err(field_error("number", "This gift card has no money left on it."));
        }
        if ck.gift_cards.iter().any(|(n, _)| *n == number) {
            return Err(field_error("number", "This gift card already pays for this order."));
        }
        if self.amount_due(email, &ck).is_zero() {
            return Err(step_error("The gift cards already pay the whole order."));
        }
        ck.gift_pending = Some(number.clone());
        self.checkouts.insert(email.to_string(), ck);
        Ok(json!({"number": masked(&number), "phone": masked_phone(&card.phone), "sms_sent": true}))
    }

    /// `POST /orders/checkout/gift_cards/redeem/` `{"number", "code"}`: the right code
    /// takes what is left on the card, up to the amount still due.
    pub fn gift_card_redeem(&mut self, email: &str, body: &Value) -> Result<Value, Value> {
        let number = digits_of(body.get("number").and_then(Value::as_str).unwrap_or_default());
        let code = body.get("code").and_then(Value::as_str).unwrap_or_default().trim().to_string();
        let mut ck = self.checkout_of(email);
        if ck.gift_pending.as_deref() != Some(number.as_str()) {
            return Err(field_error("number", "Ask for this card's code first."));
        }
        if code != self.scenario.otp {
            return Err(field_error("code", "The code is not correct."));
        }
        let left = self.gift_balances.get(&number).copied().unwrap_or_default();
        let due = self.amount_due(email, &ck);
        let amount = left.min(due);
        ck.gift_pending = None;
        ck.gift_cards.push((number, amount));
        self.checkouts.insert(email.to_string(), ck.clone());
        Ok(self.gift_cards_json(email, &ck))
    }

    /// `DELETE /orders/checkout/gift_cards/`: every card comes off the order.
    pub fn gift_cards_clear(&mut self, email: &str) -> Value {
        let mut ck = self.checkout_of(email);
        ck.gift_cards.clear();
        ck.gift_pending = None;
        self.checkouts.insert(email.to_string(), ck.clone());
        self.gift_cards_json(email, &ck)
    }

    fn gift_cards_json(&self, email: &str, ck: &Checkout) -> Value {
        json!({"gift_cards": uses_json(&ck.gift_cards), "gift_card_amount": wire(Self::gift_paid(ck)),
               "amount_due": wire(self.amount_due(email, ck))})
    }

    /// `POST /orders/checkout/gift_cards/complete/`: the cards pay it all, the order is
    /// placed on them; the checkout's answer (its thank-you page).
    pub fn gift_cards_complete(&mut self, email: &str) -> Value {
        let mut ck = self.checkout_of(email);
        let due = self.amount_due(email, &ck);
        let outcome = if ck.gift_cards.is_empty() {
            Err(step_error("No gift card pays for this order."))
        } else if !due.is_zero() {
            Err(step_error(&format!(
                "The gift cards leave {} to pay: choose a payment option for it.",
                format_try(due)
            )))
        } else {
            self.complete_on_gift_cards(email, &mut ck)
        };
        self.respond(email, ck, outcome)
    }

    fn complete_on_gift_cards(&mut self, email: &str, ck: &mut Checkout) -> Result<Next, Value> {
        ck.option = None;
        self.complete_as(email, ck, ("gift_card", "Gift Card"))
    }

    /// An order placed: what each card paid comes off it.
    pub(super) fn spend_gift_cards(&mut self, ck: &Checkout) -> Vec<(String, Money)> {
        for (number, amount) in &ck.gift_cards {
            if let Some(left) = self.gift_balances.get_mut(number) {
                *left = (*left - *amount).max(Money::ZERO);
            }
        }
        ck.gift_cards
            .iter()
            .map(|(number, amount)| (masked(number), *amount))
            .collect()
    }

    /// What is left on a card, for tests and people.
    pub fn gift_card_balance(&self, number: &str) -> Option<Money> {
        self.gift_balances.get(number).copied()
    }
}
