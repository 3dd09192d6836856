//! The cash register: installments when the option offers them, a barcode and
//! number for the register, polls until the cashier takes the payment; and the
//! register's own calls (`protocol.md`): reading the order by its number, and
//! confirming the payment with the register's transaction and the exact amount due.
//! The demo cashier and the `/_sim/` shortcut go through the same rules.

use super::{step_error, Checkout, Form, Next, World, BANKS};
use crate::commerce::pages::PageName as P;
use base64::Engine;
use serde_json::{json, Value};

/// A barcode the register may take the payment of.
pub(super) struct CashRegisterTxn {
    pub(super) email: String,
    pub(super) paid: bool,
    pub(super) polls: u32,
    /// The basket's version when the number was issued: a basket changed since is refused.
    pub(super) basket_version: u64,
    /// The register's transaction that paid it.
    pub(super) transaction: Option<String>,
}

/// A refusal of the register's calls: the code and message it answers with HTTP 200.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterRefusal {
    pub code: &'static str,
    pub message: String,
}

fn refuse(code: &'static str, message: impl Into<String>) -> RegisterRefusal {
    RegisterRefusal {
        code,
        message: message.into(),
    }
}

/// The register's confirmation of a payment.
#[derive(Debug, Clone, Default)]
pub struct RegisterPayment {
    pub username: String,
    pub password: String,
    pub order_number: String,
    pub transaction_id: String,
    pub amount: String,
    pub terminal_id: Option<String>,
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
        let basket_version = ck.basket_version;
        self.registers.insert(
            number.clone(),
            CashRegisterTxn {
                email: email.to_string(),
                paid: false,
                polls: 0,
                basket_version,
                transaction: None,
            },
        );
        ck.cash_number = Some(number);
        Ok(Next::to(P::CashRegisterComplete))
    }

    /// The register reads the order of a number: its `pre_order`, or a refusal.
    pub fn register_pre_order(
        &mut self,
        username: &str,
        password: &str,
        number: &str,
    ) -> Result<Value, RegisterRefusal> {
        let (email, ck) = self.register_order(username, password, number)?;
        Ok(json!({"pre_order": self.pre_order_json(&email, &ck)}))
    }

    /// The register confirms it took the money: its transaction and the exact amount due.
    pub fn register_confirm(&mut self, payment: &RegisterPayment) -> Result<(), RegisterRefusal> {
        let (email, ck) = self.register_order(&payment.username, &payment.password, &payment.order_number)?;
        let due = self.amount_due(&email, &ck);
        let amount: crate::commerce::Money = payment
            .amount
            .trim()
            .parse()
            .map_err(|_| refuse("412", "The amount is not a number."))?;
        if amount != due {
            return Err(refuse(
                "412",
                format!(
                    "The amount {amount} is not the balance due ({}).",
                    crate::commerce::money::wire(due)
                ),
            ));
        }
        if payment.transaction_id.trim().is_empty() {
            return Err(refuse("413", "The register's transaction_id is required."));
        }
        let txn = self.registers.get_mut(&payment.order_number).expect("checked above");
        txn.paid = true;
        txn.transaction = Some(payment.transaction_id.clone());
        tracing::info!(number = %payment.order_number, transaction = %payment.transaction_id, "the register took the payment");
        Ok(())
    }

    /// The cashier takes the payment of a number (the demo's cashier and the `/_sim/`
    /// shortcut): the register's own confirmation, with the amount due.
    pub fn cash_register_pay(&mut self, number: &str) -> Result<(), String> {
        let (username, password) = (
            self.scenario.register_username.clone(),
            self.scenario.register_password.clone(),
        );
        let due = match self.register_order(&username, &password, number) {
            Ok((email, ck)) => self.amount_due(&email, &ck),
            Err(refusal) => return Err(format!("{} {}", refusal.code, refusal.message)),
        };
        let transaction_id = format!("sim-{}", self.token(8));
        self.register_confirm(&RegisterPayment {
            username,
            password,
            order_number: number.to_string(),
            transaction_id,
            amount: crate::commerce::money::wire(due),
            terminal_id: None,
        })
        .map_err(|refusal| format!("{} {}", refusal.code, refusal.message))
    }

    /// The checks every register call makes, in the documented order.
    fn register_order(
        &mut self,
        username: &str,
        password: &str,
        number: &str,
    ) -> Result<(String, Checkout), RegisterRefusal> {
        if username != self.scenario.register_username || password != self.scenario.register_password {
            return Err(refuse("403", "The integration credentials are not valid."));
        }
        let number = number.trim();
        if number.is_empty() {
            return Err(refuse("409", "The order number is required."));
        }
        let Some(txn) = self.registers.get(number) else {
            return Err(refuse("410", "No order has this number."));
        };
        if txn.paid {
            return Err(refuse("414", "This number is already paid."));
        }
        let (email, issued) = (txn.email.clone(), txn.basket_version);
        let Some(ck) = self.checkouts.get(&email).cloned() else {
            return Err(refuse("411", "There is no checkout session for this number."));
        };
        let Some(option) = self.option(&ck) else {
            return Err(refuse("407", "No payment option was chosen."));
        };
        if option.payment_type != "cash_register" {
            return Err(refuse("408", "The payment option is not the cash register."));
        }
        if self.cart(&email).version != issued || ck.cash_number.as_deref() != Some(number) {
            return Err(refuse("402", "The basket changed after this number was issued."));
        }
        Ok((email, ck))
    }
}
