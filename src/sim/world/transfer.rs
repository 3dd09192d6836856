//! Payments without a card: funds transfer to a bank account, loyalty money, pay
//! later, and pay on delivery with its choice and service fee.

use super::{agreed, field_error, required, step_error, Checkout, Form, Next, World};
use crate::commerce::money::wire;
use crate::commerce::pages::PageName as P;
use crate::commerce::Money;
use serde_json::{json, Value};

impl World {
    /// The context of one of these pages, from the checkout's state.
    pub(super) fn render_transfer(&self, email: &str, _ck: &Checkout, page: P) -> Value {
        match page {
            P::LoyaltyMoney => json!({"balance": wire(self.accounts[email].loyalty)}),
            P::FundsTransferChoice => json!({"bank_accounts": self.bank_accounts_json()}),
            P::PayOnDeliveryPaymentChoice => {
                json!({"payment_choices": Self::payment_choices_json()})
            }
            _ => json!({}),
        }
    }

    /// The rules of one of these steps.
    pub(super) fn step_transfer(
        &mut self,
        email: &str,
        ck: &mut Checkout,
        page: P,
        form: &Form,
    ) -> Result<Next, Value> {
        match page {
            P::FundsTransferChoice => {
                let account = required(form, "bank_account")?;
                if !matches!(account, "1" | "2") {
                    return Err(field_error("bank_account", "Select a valid bank account."));
                }
                ck.card = Some(account.to_string());
                Ok(Next::to(P::FundsTransfer))
            }
            P::LoyaltyMoney => {
                agreed(form)?;
                let (due, balance) = (self.amount_due(email, ck), self.accounts[email].loyalty);
                if due > balance {
                    return Err(step_error(&format!(
                        "The loyalty balance ({} TRY) does not cover {} TRY.",
                        wire(balance),
                        wire(due)
                    )));
                }
                let next = self.complete(email, ck)?;
                if let Some(account) = self.accounts.get_mut(email) {
                    account.loyalty -= due;
                }
                Ok(next)
            }
            P::FundsTransfer | P::PayLaterComplete | P::PayOnDelivery => {
                agreed(form)?;
                self.complete(email, ck)
            }
            P::PayOnDeliveryPaymentChoice => {
                let choice = required(form, "payment_choice")?;
                let fee = Self::payment_choices_json()
                    .into_iter()
                    .find(|c| c["value"] == choice)
                    .and_then(|c| c["price"].as_str().and_then(|p| p.parse::<Money>().ok()))
                    .ok_or_else(|| field_error("payment_choice", "Select a valid payment choice."))?;
                ck.service_fee = fee;
                ck.payment_choice = Some(choice.to_string());
                Ok(Next::to(P::PayOnDelivery))
            }
            other => Err(super::not_served(other)),
        }
    }
}
