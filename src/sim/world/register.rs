//! The cash register: installments when the option offers them, a barcode and
//! number for the register, polls until the cashier takes the payment.

use super::{step_error, Checkout, Form, Next, World, BANKS};
use crate::commerce::pages::PageName as P;
use base64::Engine;
use serde_json::{json, Value};

/// A barcode the register may take the payment of.
pub(super) struct CashRegisterTxn {
    pub(super) email: String,
    pub(super) paid: bool,
    pub(super) polls: u32,
}

impl World {
    /// The context of one of these pages, from the checkout's state.
    pub(super) fn render_register(&self, email: &str, ck: &Checkout, page: P) -> Value {
        let base = self.base_amount(email, ck);
        match page {
            P::CashRegisterInstallmentSelection => {
                json!({"cards": BANKS.iter().enumerate().map(|(i, bank)| json!({
                "card_payment_type": "credit",
                "installments": self.installments_json(base, 1 + 3 * i as u32),
                "bank": self.bank_json(bank)})).collect::<Vec<_>>()})
            }
            P::CashRegisterComplete => match &ck.cash_number {
                Some(number) => {
                    json!({"barcode": ck.barcode, "number": number.parse::<u64>().unwrap_or_default(),
                                       "seconds": self.scenario.cash_register_poll_seconds})
                }
                None => json!({}),
            },
            _ => json!({}),
        }
    }

    /// The rules of one of these steps.
    pub(super) fn step_register(
        &mut self,
        email: &str,
        ck: &mut Checkout,
        page: P,
        form: &Form,
    ) -> Result<Next, Value> {
        match page {
            P::CashRegister => {
                if self.option(ck).is_some_and(|o| o.is_installment_active) {
                    Ok(Next::to(P::CashRegisterInstallmentSelection))
                } else {
                    self.enter_cash_register(email, ck)
                }
            }
            P::CashRegisterInstallmentSelection => {
                self.installment_step(email, ck, form, &[1, 4])?;
                self.enter_cash_register(email, ck)
            }
            P::CashRegisterComplete => {
                let number = ck
                    .cash_number
                    .clone()
                    .ok_or_else(|| step_error("No barcode has been issued."))?;
                let auto = self.scenario.cash_register_auto_pay_after_polls;
                let txn = self
                    .registers
                    .get_mut(&number)
                    .ok_or_else(|| step_error("Unknown cash register number."))?;
                txn.polls += 1;
                self.poll_times
                    .entry(number.clone())
                    .or_default()
                    .push(std::time::Instant::now());
                if auto.is_some_and(|n| txn.polls >= n) {
                    txn.paid = true;
                }
                if txn.paid {
                    self.complete(email, ck)
                } else {
                    Ok(Next::to(P::CashRegisterComplete))
                }
            }
            other => Err(super::not_served(other)),
        }
    }

    fn enter_cash_register(&mut self, email: &str, ck: &mut Checkout) -> Result<Next, Value> {
        let number = self.new_order_number();
        ck.barcode = Some(
            crate::barcode::png(&number)
                .map(|png| base64::engine::general_purpose::STANDARD.encode(png))
                .map_err(|e| step_error(&e))?,
        );
        self.registers.insert(
            number.clone(),
            CashRegisterTxn {
                email: email.to_string(),
                paid: false,
                polls: 0,
            },
        );
        ck.cash_number = Some(number);
        Ok(Next::to(P::CashRegisterComplete))
    }

    /// The cashier takes the payment of a cash-register number.
    pub fn cash_register_pay(&mut self, number: &str) -> Result<(), String> {
        let txn = self
            .registers
            .get_mut(number)
            .ok_or_else(|| format!("number {number} is unknown"))?;
        if txn.paid {
            return Err(format!("number {number} is already paid"));
        }
        txn.paid = true;
        tracing::info!(number, email = %txn.email, "cash register took the payment");
        Ok(())
    }
}
