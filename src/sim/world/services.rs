//! Payments made at a third-party service page: redirection, credit payment and
//! Garanti Pay. The service page (`/_sim/pay/`) records the customer's decision here.

use super::{agreed, field_error, required, step_error, Checkout, Form, Next, World};
use crate::commerce::pages::PageName as P;
use crate::commerce::Money;
use serde_json::{json, Value};

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum ServiceKind {
    Redirection,
    Credit,
    GarantiPay,
}

/// A payment waiting at a third-party service page.
#[derive(Clone, Debug)]
pub struct ThirdParty {
    pub kind: ServiceKind,
    pub email: String,
    pub amount: Money,
    pub decision: Option<bool>,
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
        let amount = self.amount_due(email, ck);
        self.services.insert(
            txn.clone(),
            ThirdParty {
                kind,
                email: email.to_string(),
                amount,
                decision: None,
            },
        );
        txn
    }

    fn service_decision(&self, ck: &Checkout) -> Option<bool> {
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
        let service = self.services.get_mut(txn).ok_or("this payment is unknown")?;
        if service.decision.is_some() {
            return Err("this payment has already been decided".into());
        }
        service.decision = Some(approve);
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
        };
        Ok(ServiceReturn {
            return_url: format!("/orders/checkout/?page={page}"),
            form,
        })
    }
}
