//! What the simulated server offers on its pages, and the rules steps share: the
//! payment options listed, the banks and their installment plans, the store's bank
//! accounts, credit options, pay-on-delivery choices, an installment chosen and an OTP
//! checked.

use super::{field_error, required, Checkout, Form, World};
use crate::commerce::money::{round_cents, wire};
use crate::commerce::Money;
use serde_json::{json, Value};

/// Installment plans: count and the factor applied to the amount.
pub(super) const PLANS: [(u32, &str, &str); 3] = [
    (1, "Advance", "1"),
    (3, "3 Installments", "1.05"),
    (6, "6 Installments", "1.09"),
];

pub(super) const BANKS: [(u32, &str, &str); 2] = [(1, "Akbank", "akbank"), (2, "Garanti BBVA", "garanti")];

impl World {
    pub(super) fn installments_json(&self, base: Money, first_pk: u32) -> Vec<Value> {
        PLANS
            .iter()
            .enumerate()
            .map(|(i, (count, label, factor))| {
                let total = round_cents(base * factor.parse::<Money>().unwrap_or(Money::ONE));
                json!({"pk": first_pk + i as u32, "installment_count": count, "label": label,
                       "price_with_accrued_interest": wire(total),
                       "monthly_price_with_accrued_interest": wire(round_cents(total / Money::from(*count)))})
            })
            .collect()
    }

    /// Finds installment `pk` among the plans starting at the given pks.
    pub(super) fn pick_installment(&self, base: Money, first_pks: &[u32], pk: &str) -> Option<(String, u32, Money)> {
        first_pks
            .iter()
            .flat_map(|first| self.installments_json(base, *first))
            .find_map(|v| {
                (v["pk"].as_u64().map(|n| n.to_string()).as_deref() == Some(pk.trim())).then(|| {
                    let total: Money = v["price_with_accrued_interest"]
                        .as_str()
                        .and_then(|s| s.parse().ok())
                        .unwrap_or_default();
                    (
                        pk.trim().to_string(),
                        v["installment_count"].as_u64().unwrap_or(1) as u32,
                        total,
                    )
                })
            })
    }

    pub(super) fn card_type_json() -> Value {
        json!({"name": "Card Finans", "slug": "card-finans", "logo": null})
    }

    pub(super) fn bank_json(&self, bank: &(u32, &str, &str)) -> Value {
        json!({"pk": bank.0, "name": bank.1, "slug": bank.2, "logo": format!("{}/_sim/logos/{}.png", self.base_url, bank.2)})
    }

    pub(super) fn payment_options_json(&self) -> Vec<Value> {
        self.scenario
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                json!({"pk": i + 1, "name": o.name, "slug": o.slug(), "payment_type": o.payment_type,
                       "payment_type_label": o.payment_type.replace('_', " ")})
            })
            .collect()
    }

    pub(super) fn bank_accounts_json(&self) -> Vec<Value> {
        BANKS
            .iter()
            .enumerate()
            .map(|(i, bank)| {
                json!({"pk": i + 1, "iban": format!("TR{:02} 0001 0000 0000 0000 0000 {:02}", 33 + i, i + 1),
                       "holder_name": "Instore Demo A.Ş.", "description": format!("{} havale / EFT", bank.1),
                       "sort_order": i, "bank": self.bank_json(bank)})
            })
            .collect()
    }

    pub(super) fn credit_options_json() -> Vec<Value> {
        vec![json!({"pk": 1, "name": "Alışveriş Kredisi", "slug": "shopping-credit"})]
    }

    pub(super) fn payment_choices_json() -> Vec<Value> {
        vec![
            json!({"label": "Kapıda nakit", "price": "9.90", "value": "cash"}),
            json!({"label": "Kapıda kredi kartı", "price": "14.90", "value": "credit_card"}),
        ]
    }

    pub(super) fn installment_step(
        &self,
        email: &str,
        ck: &mut Checkout,
        form: &Form,
        first_pks: &[u32],
    ) -> Result<(), Value> {
        let pk = required(form, "installment")?;
        let base = self.base_amount(email, ck);
        ck.installment = Some(
            self.pick_installment(base, first_pks, pk)
                .ok_or_else(|| field_error("installment", "Select a valid installment."))?,
        );
        Ok(())
    }

    pub(super) fn check_otp(&self, form: &Form) -> Result<(), Value> {
        if required(form, "otp")? == self.scenario.otp {
            Ok(())
        } else {
            Err(field_error("otp", "The verification code is not correct."))
        }
    }
}
