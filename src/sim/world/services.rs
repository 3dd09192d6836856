//! Payments made at a third-party service page: redirection, credit payment, Garanti
//! Pay, and the wallets' scripts (BKM Express, Masterpass). The service page
//! (`/_sim/pay/<txn>/`) records the customer's decision here, and says it as JSON
//! (`?format=json`) with the fields the service sends back to the checkout: the kiosk
//! posts only those, never a verdict of its own.

use super::{agreed, field_error, required, step_error, Checkout, Form, Next, World};
use crate::commerce::pages::PageName as P;
use crate::commerce::Money;
use serde_json::{json, Value};

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum ServiceKind {
    Redirection,
    Credit,
    GarantiPay,
    /// BKM Express's script: approval issues the `order_id` (nonce) BexNoncePage takes.
    BkmExpress,
    /// Masterpass's script: approval lets the empty MasterpassCompletePage complete.
    Masterpass,
}

/// A payment waiting at a third-party service page.
#[derive(Clone, Debug)]
pub struct ThirdParty {
    pub kind: ServiceKind,
    pub email: String,
    pub amount: Money,
    pub decision: Option<bool>,
    /// What the service sends back once decided (BKM Express: the nonce it issued).
    pub issued: Option<String>,
}

/// What the service page tells the customer's browser after a decision.
pub struct ServiceReturn {
    pub return_url: String,
    pub form: Vec<(String, String)>,
}

impl World {
    /// The context of one of these pages, from the checkout's state.
    pub(super) fn render_services(&self, _email: &str, ck: &Checkout, page: P) -> Value {
        match page {
            P::CreditPaymentSelection => {
                json!({"credit_payment_options": Self::credit_options_json()})
            }
            P::RedirectionPageComplete | P::CreditPaymentConfirmation | P::GPayComplete => match &ck.txn {
                Some(txn) if ck.accepts.iter().any(|a| a.name().ends_with("CompletePage")) => {
                    json!({"redirect_url": format!("{}/_sim/pay/{txn}/", self.base_url)})
                }
                _ => json!({}),
            },
            _ => json!({}),
        }
    }

    /// The rules of one of these steps.
    pub(super) fn step_services(
        &mut self,
        email: &str,
        ck: &mut Checkout,
        page: P,
        form: &Form,
    ) -> Result<Next, Value> {
        match page {
            P::RedirectionPaymentSelected => {
                agreed(form)?;
                ck.txn = Some(self.new_service(email, ck, ServiceKind::Redirection));
                Ok(Next::to(P::RedirectionPageComplete))
            }
            P::RedirectionPageComplete | P::CreditPaymentComplete => match self.service_decision(ck) {
                Some(true) => self.complete(email, ck),
                Some(false) => Err(step_error("The payment was declined. Choose another payment option.")),
                None => Err(step_error("The payment has not been approved yet.")),
            },
            P::CreditPaymentSelection => {
                if required(form, "credit_payment_option")? != "1" {
                    return Err(field_error("credit_payment_option", "Select a valid credit option."));
                }
                Ok(Next::to(P::CreditPaymentConfirmation))
            }
            P::CreditPaymentConfirmation => {
                agreed(form)?;
                ck.txn = Some(self.new_service(email, ck, ServiceKind::Credit));
                Ok(Next::show_then_accept(
                    P::CreditPaymentConfirmation,
                    &[P::CreditPaymentComplete],
                ))
            }
            P::GPaySelection => Ok(Next::to(P::GPayRedirect)),
            P::GPayRedirect => {
                ck.txn = Some(self.new_service(email, ck, ServiceKind::GarantiPay));
                Ok(Next::to(P::GPayComplete))
            }
            P::GPayComplete => {
                let success = form
                    .get("success")
                    .map(|s| s.trim().eq_ignore_ascii_case("true"))
                    .unwrap_or(false);
                if !success {
                    return Err(step_error(
                        "Garanti Pay declined the payment. Choose another payment option.",
                    ));
                }
                if self.service_decision(ck) != Some(true) {
                    return Err(step_error("Garanti Pay has not confirmed this payment."));
                }
                if let Some(count) = form.get("gpinstallment").and_then(|c| c.trim().parse::<u32>().ok()) {
                    let base = self.base_amount(email, ck);
                    let plan = self
                        .installments_json(base, 1)
                        .into_iter()
                        .find(|v| v["installment_count"] == count);
                    if let Some(plan) = plan {
                        let total = plan["price_with_accrued_interest"]
                            .as_str()
                            .and_then(|s| s.parse().ok());
                        ck.installment = Some((plan["pk"].to_string(), count, total.unwrap_or(base)));
                    }
                }
                self.complete(email, ck)
            }
            other => Err(super::not_served(other)),
        }
    }

    fn new_service(&mut self, email: &str, ck: &Checkout, kind: ServiceKind) -> String {
        let txn = self.token(16);
        self.open_service(email, ck, kind, &txn);
        txn
    }

    /// Opens a payment at the service under `txn` (a wallet's own transaction id).
    pub(super) fn open_service(&mut self, email: &str, ck: &Checkout, kind: ServiceKind, txn: &str) {
        let amount = self.amount_due(email, ck);
        self.services.insert(
            txn.to_string(),
            ThirdParty {
                kind,
                email: email.to_string(),
                amount,
                decision: None,
                issued: None,
            },
        );
    }

    pub(super) fn service_decision(&self, ck: &Checkout) -> Option<bool> {
        ck.txn
            .as_ref()
            .and_then(|t| self.services.get(t))
            .and_then(|s| s.decision)
    }

    pub fn service(&self, txn: &str) -> Option<&ThirdParty> {
        self.services.get(txn)
    }

    /// The customer approves or declines on the service page.
    pub fn service_decide(&mut self, txn: &str, approve: bool) -> Result<ServiceReturn, String> {
        let nonce = self.token(20);
        let service = self.services.get_mut(txn).ok_or("this payment is unknown")?;
        if service.decision.is_some() {
            return Err("this payment has already been decided".into());
        }
        service.decision = Some(approve);
        if approve && service.kind == ServiceKind::BkmExpress {
            service.issued = Some(nonce);
        }
        self.service_return(txn).ok_or_else(|| "this payment is unknown".into())
    }

    /// Where the service sends the customer back, and with what, once decided.
    pub fn service_return(&self, txn: &str) -> Option<ServiceReturn> {
        let service = self.services.get(txn)?;
        let approve = service.decision?;
        let (page, form) = match service.kind {
            ServiceKind::Redirection => (P::RedirectionPageComplete, vec![]),
            ServiceKind::Credit => (P::CreditPaymentComplete, vec![]),
            ServiceKind::GarantiPay => (
                P::GPayComplete,
                vec![
                    ("gpay".to_string(), "true".to_string()),
                    ("success".to_string(), approve.to_string()),
                    ("gpinstallment".to_string(), "1".to_string()),
                ],
            ),
            ServiceKind::BkmExpress => (
                P::BexNonce,
                vec![
                    ("order_id".to_string(), service.issued.clone().unwrap_or_default()),
                    ("transaction_id".to_string(), txn.to_string()),
                    (
                        "data".to_string(),
                        json!({"status": if approve {"ok"} else {"fail"}, "paymentPurchased": approve}).to_string(),
                    ),
                ],
            ),
            ServiceKind::Masterpass => (P::MasterpassComplete, vec![]),
        };
        Some(ServiceReturn {
            return_url: format!("/orders/checkout/?page={page}"),
            form,
        })
    }
}
