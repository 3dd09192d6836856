//! The envelope every checkout answer comes in: its pages (the last is where the
//! checkout is), its `errors` (a message for the step and per field) and its
//! `pre_order`. Parsing it cannot panic: a body that is not the envelope is an error
//! string, a page this build does not know is `Page::Unknown`.

use super::{Installment, Page, PageName, PaymentOption, PaymentOptionsContext};
use crate::commerce::money::{de_opt_money, Money};
use crate::commerce::records::Basket;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The `errors` of an answer: a message for the whole step and messages per field.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CheckoutErrors {
    pub non_field: Vec<String>,
    pub fields: BTreeMap<String, Vec<String>>,
}

impl CheckoutErrors {
    /// Reads `errors`; `None` when the server said there were none.
    pub fn from_value(value: &Value) -> Option<CheckoutErrors> {
        let mut errors = CheckoutErrors::default();
        match value {
            Value::Null => return None,
            Value::Object(map) if map.is_empty() => return None,
            Value::Object(map) => {
                for (key, v) in map {
                    let messages = messages_of(v);
                    if key == "non_field_errors" || key == "__all__" || key == "detail" {
                        errors.non_field.extend(messages);
                    } else {
                        errors.fields.insert(key.clone(), messages);
                    }
                }
            }
            other => errors.non_field.extend(messages_of(other)),
        }
        Some(errors)
    }

    /// Every message without field names, as a customer reads them on the step.
    pub fn messages(&self) -> String {
        let mut parts: Vec<&str> = self.non_field.iter().map(String::as_str).collect();
        parts.extend(self.fields.values().flatten().map(String::as_str));
        parts.join(" ")
    }

    /// Every message, field messages prefixed with their field, for logs and the CLI.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = self.non_field.clone();
        for (field, messages) in &self.fields {
            parts.push(format!("{field}: {}", messages.join(" ")));
        }
        parts.join("; ")
    }
}

fn messages_of(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(messages_of).collect(),
        Value::Null => vec![],
        Value::Object(map) => map.values().flat_map(messages_of).collect(),
        other => vec![other.to_string()],
    }
}

/// The order being built, as the server sees it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct PreOrder {
    pub basket: Option<Basket>,
    pub payment_option: Option<PaymentOption>,
    pub installment: Option<Installment>,
    #[serde(deserialize_with = "de_opt_money")]
    pub total_amount: Option<Money>,
    #[serde(deserialize_with = "de_opt_money")]
    pub unpaid_amount: Option<Money>,
    #[serde(deserialize_with = "de_opt_money")]
    pub shipping_amount: Option<Money>,
    /// A fee the payment option adds (pay on delivery's service fee).
    #[serde(deserialize_with = "de_opt_money")]
    pub service_fee: Option<Money>,
    pub notes: Option<String>,
    /// Gift cards paying part of the order: the amounts above are what they leave.
    pub gift_cards: Vec<crate::commerce::records::GiftCardUse>,
}

/// What the amount due is made of: the goods, then what the steps added to them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Breakdown {
    pub goods: Money,
    pub shipping: Money,
    pub fee: Money,
    /// What paying in installments adds (the plan's total above the rest).
    pub interest: Money,
    /// What gift cards pay of it.
    pub gift_cards: Money,
}

impl Breakdown {
    /// Only the goods: nothing worth breaking down.
    pub fn is_goods_only(&self) -> bool {
        self.shipping.is_zero() && self.fee.is_zero() && self.interest.is_zero() && self.gift_cards.is_zero()
    }
}

impl PreOrder {
    /// The parts of the amount due, as far as the server names them.
    pub fn breakdown(&self) -> Breakdown {
        let goods = self.basket.as_ref().map(|b| b.total_amount).unwrap_or_default();
        let shipping = self.shipping_amount.unwrap_or_default();
        let fee = self.service_fee.unwrap_or_default();
        let gift_cards: Money = self.gift_cards.iter().map(|g| g.amount).sum();
        let base = goods + shipping + fee - gift_cards;
        let interest = match &self.installment {
            Some(plan) if plan.price_with_accrued_interest > base => plan.price_with_accrued_interest - base,
            _ => Money::ZERO,
        };
        Breakdown {
            goods,
            shipping,
            fee,
            interest,
            gift_cards,
        }
    }
}

/// One whole answer of the checkout endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckoutResponse {
    /// In the server's order; the last is the step the user is on now.
    pub pages: Vec<Page>,
    pub errors: Option<CheckoutErrors>,
    pub pre_order: Option<PreOrder>,
}

impl CheckoutResponse {
    /// Parses a body. The error says what was wrong, in words fit for a log.
    pub fn parse(body: &[u8]) -> Result<CheckoutResponse, String> {
        let root: Value = serde_json::from_slice(body).map_err(|e| format!("the answer is not JSON: {e}"))?;
        let Value::Object(root) = root else {
            return Err("the answer is not a JSON object".into());
        };
        let list = match root.get("context_list") {
            Some(Value::Array(list)) => list,
            Some(Value::Null) | None => return Err("the answer has no context_list".into()),
            Some(_) => return Err("context_list is not a list".into()),
        };
        let mut pages = Vec::with_capacity(list.len());
        for entry in list {
            let name = entry
                .get("page_name")
                .and_then(Value::as_str)
                .ok_or("a context_list entry has no page_name")?;
            let context = entry.get("page_context").cloned().unwrap_or(Value::Null);
            pages.push(Page::from_parts(name, context)?);
        }
        let errors = root.get("errors").and_then(CheckoutErrors::from_value);
        let pre_order = match root.get("pre_order") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                serde_json::from_value::<PreOrder>(v.clone())
                    .map_err(|e| format!("pre_order is not understood: {e}"))?,
            ),
        };
        if pages.is_empty() && errors.is_none() {
            return Err("the answer names no page".into());
        }
        Ok(CheckoutResponse {
            pages,
            errors,
            pre_order,
        })
    }

    /// The step the user is on now: the last page of the list.
    pub fn current(&self) -> Option<&Page> {
        self.pages.last()
    }

    /// The first page of the list with the given name.
    pub fn find(&self, name: PageName) -> Option<&Page> {
        self.pages.iter().find(|p| p.kind() == Some(name))
    }

    /// Which page the user is on now; `None` for no page or one this build does not know.
    pub fn current_kind(&self) -> Option<PageName> {
        self.current().and_then(Page::kind)
    }

    /// The payment options, wherever in the list they came.
    pub fn payment_options(&self) -> Option<&PaymentOptionsContext> {
        self.pages.iter().find_map(|p| match p {
            Page::PaymentOptionSelection(c) => Some(c),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASH_REGISTER: &str = r#"{"context_list":[{"page_context":{"barcode":"iVBo","number":9922111123321,"seconds":5},
        "page_name":"CashRegisterCompletePage","page_slug":"cashregistercompletepage"}],
        "template_name":"orders/checkout.html","errors":null,
        "pre_order":{"total_amount":"100.00","unpaid_amount":100}}"#;

    #[test]
    fn cash_register_page_parses_with_number_as_text() {
        let r = CheckoutResponse::parse(CASH_REGISTER.as_bytes()).unwrap();
        match r.current().unwrap() {
            Page::CashRegisterComplete(c) => {
                assert_eq!(c.number.as_ref().unwrap().0, "9922111123321");
                assert_eq!(c.seconds, Some(5));
            }
            other => panic!("unexpected {other:?}"),
        }
        let pre = r.pre_order.unwrap();
        assert_eq!(pre.total_amount, Some(Money::new(100, 0)));
        assert_eq!(pre.unpaid_amount, Some(Money::new(100, 0)));
    }

    #[test]
    fn unknown_page_is_a_value_not_an_error() {
        let body = r#"{"context_list":[{"page_name":"CryptoWalletPage","page_context":{"x":1}}],"errors":null}"#;
        let r = CheckoutResponse::parse(body.as_bytes()).unwrap();
        assert_eq!(r.current().unwrap().name(), "CryptoWalletPage");
        assert!(matches!(r.current().unwrap(), Page::Unknown { .. }));
    }

    #[test]
    fn errors_parse_as_message_and_fields() {
        let body = r#"{"context_list":[{"page_name":"FundsTransferPage","page_context":{}}],
            "errors":{"non_field_errors":"Basket changed","installment":["This field is required."]}}"#;
        let r = CheckoutResponse::parse(body.as_bytes()).unwrap();
        let e = r.errors.unwrap();
        assert_eq!(e.non_field, vec!["Basket changed"]);
        assert_eq!(e.fields["installment"], vec!["This field is required."]);
    }

    #[test]
    fn loyalty_alias_maps_to_the_reference_page() {
        let body = r#"{"context_list":[{"page_name":"LoyaltyPaymentSelectedPage","page_context":null}]}"#;
        let r = CheckoutResponse::parse(body.as_bytes()).unwrap();
        assert!(matches!(r.current().unwrap(), Page::LoyaltyMoney(_)));
    }

    #[test]
    fn malformed_bodies_are_errors_never_panics() {
        let bad: &[&[u8]] = &[
            b"",
            b"null",
            b"[]",
            b"{\"context_list\": 5}",
            b"{\"context_list\": [{}]}",
            b"{\"context_list\": [{\"page_name\": 7}]}",
            b"{\"context_list\": [{\"page_name\": \"CashRegisterCompletePage\", \"page_context\": {\"seconds\": \"soon\"}}]}",
            b"{\"context_list\": [{\"page_name\": \"ThankYouPage\", \"page_context\": []}]}",
            b"{\"context_list\": [], \"pre_order\": {\"total_amount\": \"lots\"}}",
            b"\xff\xfe garbage",
        ];
        for body in bad {
            assert!(
                CheckoutResponse::parse(body).is_err(),
                "accepted {:?}",
                String::from_utf8_lossy(body)
            );
        }
        // Every prefix of a valid answer is either a valid answer or an error.
        for cut in 0..CASH_REGISTER.len() {
            let _ = CheckoutResponse::parse(&CASH_REGISTER.as_bytes()[..cut]);
        }
    }

    #[test]
    fn the_amount_due_breaks_down_into_goods_shipping_fee_and_interest() {
        let body = br#"{
            "basket": {"pk": 1, "basketitem_set": [], "total_amount": "2499.00", "total_quantity": 1},
            "installment": {"pk": 3, "installment_count": 3, "label": "3", "price_with_accrued_interest": "2600.00",
                            "monthly_price_with_accrued_interest": "866.67"},
            "total_amount": "2600.00", "shipping_amount": "29.90", "service_fee": "9.90"}"#;
        let parts = serde_json::from_slice::<PreOrder>(body).unwrap().breakdown();
        let m = |s: &str| s.parse::<Money>().unwrap();
        assert_eq!(parts.goods, m("2499.00"));
        assert_eq!(parts.shipping, m("29.90"));
        assert_eq!(parts.fee, m("9.90"));
        assert_eq!(
            parts.interest,
            m("61.20"),
            "the plan's total above goods, shipping and fee"
        );
        assert!(!parts.is_goods_only());
        let plain = br#"{
            "basket": {"pk": 1, "basketitem_set": [], "total_amount": "99.00", "total_quantity": 1},
            "total_amount": "99.00"}"#;
        let parts = serde_json::from_slice::<PreOrder>(plain).unwrap().breakdown();
        assert!(parts.is_goods_only(), "{parts:?}");
    }
}
