//! Card wallets run by a payment service's script: BKM Express and Masterpass (card
//! BIN, installments, the service's tokens). The script's part is played by the
//! service page (`services.rs`): BexNoncePage takes only the nonce it issued for the
//! transaction, and MasterpassCompletePage (an empty post, as the reference sends it)
//! completes only after the service approved.

use super::services::ServiceKind;
use super::{field_error, required, step_error, Checkout, Form, Next, World};
use crate::commerce::pages::PageName as P;
use serde_json::{json, Value};

impl World {
    /// The context of one of these pages, from the checkout's state.
    pub(super) fn render_wallets(&self, email: &str, ck: &Checkout, page: P) -> Value {
        let base = self.base_amount(email, ck);
        match page {
            P::BexBinNumber => {
                json!({"path": format!("{}/_sim/bkm/ticket?type=payment", self.base_url),
                                         "token": ck.bex_token, "transaction_id": ck.txn})
            }
            P::BexInstallmentSelection | P::MasterpassInstallment => {
                json!({
                "installments": self.installments_json(base, 1), "card_type": Self::card_type_json(),
                "installment_messages": []})
            }
            P::MasterpassComplete => {
                json!({"msisdn": self.accounts[email].phone, "order_no": ck.cash_number,
                "token": ck.txn, "direct_token": ck.bex_token, "three_d": false, "extras": {"merchant": "instore-demo"}})
            }
            _ => json!({}),
        }
    }

    /// The rules of one of these steps.
    pub(super) fn step_wallets(&mut self, email: &str, ck: &mut Checkout, page: P, form: &Form) -> Result<Next, Value> {
        match page {
            P::BexSelection => {
                ck.txn = Some(self.token(32));
                ck.bex_token = Some(self.token(18).to_uppercase());
                Ok(Next::to(P::BexBinNumber))
            }
            P::BexBinNumber | P::MasterpassBinNumber => {
                let bin = required(form, "bin_number")?;
                if bin.len() != 6 || !bin.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(field_error("bin_number", "Enter the first six digits of the card."));
                }
                ck.card = Some(bin.to_string());
                Ok(Next::to(if page == P::BexBinNumber {
                    P::BexInstallmentSelection
                } else {
                    P::MasterpassInstallment
                }))
            }
            P::BexInstallmentSelection => {
                self.installment_step(email, ck, form, &[1])?;
                let txn = ck.txn.clone().unwrap_or_default();
                self.open_service(email, ck, ServiceKind::BkmExpress, &txn);
                Ok(Next::to(P::BexNonce))
            }
            P::BexNonce => {
                let nonce = required(form, "order_id")?;
                if Some(required(form, "transaction_id")?) != ck.txn.as_deref() {
                    return Err(field_error(
                        "transaction_id",
                        "The BKM Express transaction does not match.",
                    ));
                }
                let service = ck.txn.as_deref().and_then(|t| self.service(t));
                match service.map(|s| (s.decision, s.issued.as_deref())) {
                    Some((Some(false), _)) => {
                        return Err(step_error(
                            "BKM Express declined the payment. Choose another payment option.",
                        ))
                    }
                    Some((Some(true), Some(issued))) if issued == nonce => {}
                    Some((None, _)) => return Err(step_error("BKM Express has not confirmed this payment yet.")),
                    _ => return Err(field_error("order_id", "BKM Express did not issue this nonce.")),
                }
                if let Some(data) = form.get("data").filter(|d| !d.trim().is_empty()) {
                    let parsed: Value =
                        serde_json::from_str(data).map_err(|_| field_error("data", "BKM Express data is not JSON."))?;
                    if parsed.get("paymentPurchased") == Some(&Value::Bool(false)) {
                        return Err(step_error("BKM Express reports that the payment was not made."));
                    }
                }
                Ok(Next::to(P::BexComplete))
            }
            P::BexComplete => self.complete(email, ck),
            P::MasterpassInstallment => {
                self.installment_step(email, ck, form, &[1])?;
                Ok(Next::to(P::MasterpassOrderNo))
            }
            P::MasterpassOrderNo => {
                let txn = self.token(24);
                ck.txn = Some(txn.clone());
                ck.bex_token = Some(self.token(24));
                ck.cash_number = Some(self.new_order_number());
                self.open_service(email, ck, ServiceKind::Masterpass, &txn);
                Ok(Next::to(P::MasterpassComplete))
            }
            P::MasterpassComplete => {
                // The reference posts nothing here: only the service's approval counts.
                match self.service_decision(ck) {
                    Some(true) => {}
                    Some(false) => {
                        return Err(step_error(
                            "Masterpass declined the payment. Choose another payment option.",
                        ))
                    }
                    None => return Err(step_error("Masterpass has not confirmed this payment yet.")),
                }
                ck.cash_number = None;
                self.complete(email, ck)
            }
            other => Err(super::not_served(other)),
        }
    }
}
