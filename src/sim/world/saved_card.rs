//! A card on file: choose the card, an installment plan, confirm.

use super::{agreed, field_error, required, Checkout, Form, Next, World};
use crate::commerce::pages::PageName as P;
use serde_json::{json, Value};

impl World {
    /// The cards on file of an account: the store's own account has the scenario's (a
    /// test may change them while running), a customer their own.
    fn cards_of(&self, email: &str) -> &[crate::sim::scenario::SavedCardSpec] {
        match self.accounts.get(email) {
            Some(account) if !account.staff => &account.cards,
            _ => &self.scenario.saved_cards,
        }
    }

    /// The context of one of these pages, from the checkout's state.
    pub(super) fn render_saved_card(&self, email: &str, ck: &Checkout, page: P) -> Value {
        let base = self.base_amount(email, ck);
        match page {
            P::SavedCardInstallmentSelection => {
                json!({
                "installments": self.installments_json(base, 1), "card_type": Self::card_type_json(),
                "installment_messages": []})
            }
            P::SavedCardSelection => {
                json!({"cards": self.cards_of(email).iter().map(|c| json!({
                "name": c.name, "masked_card_number": c.masked_card_number, "token": c.token})).collect::<Vec<_>>()})
            }
            _ => json!({}),
        }
    }

    /// The rules of one of these steps.
    pub(super) fn step_saved_card(
        &mut self,
        email: &str,
        ck: &mut Checkout,
        page: P,
        form: &Form,
    ) -> Result<Next, Value> {
        match page {
            P::SavedCardConfirmation => {
                agreed(form)?;
                self.complete(email, ck)
            }
            P::SavedCardSelection => {
                let token = required(form, "card")?;
                if !self.cards_of(email).iter().any(|c| c.token == token) {
                    return Err(field_error("card", "This card is not on file."));
                }
                ck.card = Some(token.to_string());
                Ok(Next::to(P::SavedCardInstallmentSelection))
            }
            P::SavedCardInstallmentSelection => {
                self.installment_step(email, ck, form, &[1])?;
                Ok(Next::to(P::SavedCardConfirmation))
            }
            other => Err(super::not_served(other)),
        }
    }
}
