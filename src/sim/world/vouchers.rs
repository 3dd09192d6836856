//! Voucher codes on the basket (`PATCH /baskets/basket/`, the simulator's contract in
//! README, "Vouchers"): one code per basket, its discount a line of the basket and
//! taken off its total (so off the checkout's amount and the order's), refused with the
//! reason a customer can act on (unknown, expired, spent, the basket under its minimum).
//! A basket that falls under a voucher's minimum loses the voucher; an order placed with
//! a single-use voucher spends it.

use super::{field_error, World};
use crate::commerce::money::{format_try, round_cents};
use crate::commerce::Money;
use crate::sim::scenario::VoucherSpec;
use serde_json::Value;

impl World {
    /// The scenario's voucher of this code (case and spaces aside).
    fn voucher_spec(&self, code: &str) -> Option<&VoucherSpec> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        self.scenario
            .vouchers
            .iter()
            .find(|v| v.code.eq_ignore_ascii_case(&code))
    }

    /// The basket's voucher and its discount (never more than the goods).
    pub(super) fn discount(&self, email: &str) -> Option<(VoucherSpec, Money)> {
        let code = self.carts.get(email)?.voucher.as_deref()?;
        let spec = self.voucher_spec(code)?.clone();
        let goods = self.goods_total(email);
        let off = match (spec.percent, spec.amount) {
            (Some(percent), _) => round_cents(goods * Money::from(percent) / Money::from(100)),
            (None, Some(amount)) => amount,
            (None, None) => Money::ZERO,
        };
        Some((spec, off.min(goods)))
    }

    /// Why this voucher cannot go on this basket now, in the server's words (Turkish,
    /// or English when the request asks for it).
    fn voucher_refusal(&self, email: &str, spec: &VoucherSpec, english: bool) -> Option<String> {
        let say = |tr: String, en: String| Some(if english { en } else { tr });
        let goods = self.goods_total(email);
        if goods.is_zero() {
            return say(
                "Kupondan önce sepete bir ürün ekleyin.".into(),
                "Add a product to the basket before a voucher.".into(),
            );
        }
        if let Some(last) = spec.last_day().filter(|last| self.now().date_naive() > *last) {
            let day = last.format("%d.%m.%Y");
            return say(
                format!("Bu kuponun süresi {day} tarihinde doldu."),
                format!("This voucher expired on {day}."),
            );
        }
        if spec.single_use && self.vouchers_spent.contains(&spec.code) {
            return say(
                "Bu kupon daha önce kullanıldı.".into(),
                "This voucher has already been used.".into(),
            );
        }
        if let Some(minimum) = spec.minimum.filter(|m| goods < *m) {
            let least = format_try(minimum);
            return say(
                format!("Bu kupon için sepet en az {least} olmalı."),
                format!("This voucher needs a basket of at least {least}."),
            );
        }
        None
    }

    /// `PATCH /baskets/basket/`: `{"voucher_code": "…"}` applies a code (replacing any
    /// other), `{"remove_voucher_code": true}` takes it off. Refusals are
    /// `{"voucher_code": ["…"]}`.
    pub fn basket_voucher(&mut self, email: &str, body: &Value, english: bool) -> Result<Value, Value> {
        let remove = body
            .get("remove_voucher_code")
            .is_some_and(|v| v.as_bool() == Some(true) || v.as_str().is_some_and(|s| s == "true"));
        if remove {
            let cart = self.cart(email);
            if cart.voucher.take().is_some() {
                cart.version += 1;
            }
            return Ok(self.basket_json(email));
        }
        let code = body
            .get("voucher_code")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| field_error("voucher_code", "This field is required."))?;
        let unknown = if english {
            format!("No voucher has the code {code}.")
        } else {
            format!("{code} kodlu bir kupon yok.")
        };
        let spec = self
            .voucher_spec(code)
            .cloned()
            .ok_or_else(|| field_error("voucher_code", &unknown))?;
        if let Some(why) = self.voucher_refusal(email, &spec, english) {
            return Err(field_error("voucher_code", &why));
        }
        let cart = self.cart(email);
        cart.voucher = Some(spec.code);
        cart.version += 1;
        Ok(self.basket_json(email))
    }

    /// After the basket changed: a voucher it no longer meets comes off.
    pub(super) fn recheck_voucher(&mut self, email: &str) {
        let Some((spec, _)) = self.discount(email) else { return };
        if self.voucher_refusal(email, &spec, false).is_some() {
            let cart = self.cart(email);
            cart.voucher = None;
            cart.version += 1;
        }
    }

    /// An order placed: the voucher's code and discount for its record; a single-use
    /// voucher is spent.
    pub(super) fn spend_voucher(&mut self, email: &str) -> Option<(String, Money)> {
        let (spec, discount) = self.discount(email)?;
        if spec.single_use {
            self.vouchers_spent.push(spec.code.clone());
        }
        Some((spec.code, discount))
    }
}
