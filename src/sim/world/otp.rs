//! Payments verified by a code sent to the customer's phone: Paycell (the
//! `ConfirmationPayment…` pages, with an optional agreement) and MobilExpress (phone,
//! code, the cards registered to the phone, installments).

use super::{agreed, field_error, required, step_error, Checkout, Form, Next, World};
use crate::commerce::pages::PageName as P;
use serde_json::{json, Value};

impl World {
    /// The context of one of these pages, from the checkout's state.
    pub(super) fn render_otp(&self, email: &str, ck: &Checkout, page: P) -> Value {
        let base = self.base_amount(email, ck);
        match page {
            P::MobilExpressInstallmentSelection => {
                json!({"installments": self.installments_json(base, 1),
                                                             "installment_messages": []})
            }
            P::ConfirmationPaymentAgreementConfirm => json!({"terms_and_conditions": {
                "title": "Paycell Kullanım Koşulları",
                "text": "Paycell ile ödeme yapmak için kullanım koşullarını kabul ediyorum."}}),
            P::MobilExpressCardFoundOtpRequiredPhone | P::MobilExpressCardFoundOtpRequiredOtp => {
                json!({"phone_number": ck.phone.clone().unwrap_or_else(|| self.accounts[email].phone.clone())})
            }
            P::MobilExpressCardList => {
                json!({"cards": self.scenario.mobilexpress_cards.iter().enumerate().map(|(i, c)| json!({
                "cardId": c.card_id, "maskedCardNo": c.masked_card_no, "alias": c.alias, "cardBrand": c.alias,
                "isDefault": i == 0, "isExpired": false, "showEulaId": false, "isThreeDValidated": true,
                "isOTPValidated": ck.otp_ok, "activationDate": "2020-11-02 22:08:55", "cardType": "Credit"})).collect::<Vec<_>>()})
            }
            _ => json!({}),
        }
    }

    /// The rules of one of these steps.
    pub(super) fn step_otp(&mut self, email: &str, ck: &mut Checkout, page: P, form: &Form) -> Result<Next, Value> {
        match page {
            P::MobilExpressTryPayment => {
                agreed(form)?;
                self.complete(email, ck)
            }
            P::ConfirmationPaymentAgreementCheck => {
                if self.option(ck).is_some_and(|o| o.agreement_required) {
                    Ok(Next::to(P::ConfirmationPaymentAgreementConfirm))
                } else {
                    Ok(Next::to(P::ConfirmationPaymentSelected))
                }
            }
            P::ConfirmationPaymentAgreementConfirm => {
                agreed(form)?;
                Ok(Next::to(P::ConfirmationPaymentSelected))
            }
            P::ConfirmationPaymentSelected => {
                agreed(form)?;
                Ok(Next::to(P::ConfirmationPaymentQuery))
            }
            P::ConfirmationPaymentQuery => {
                self.check_otp(form)?;
                Ok(Next::to(P::ConfirmationPaymentComplete))
            }
            P::ConfirmationPaymentComplete => self.complete(email, ck),
            P::MobilExpressSelection => {
                if form.get("clear").is_some_and(|c| c.eq_ignore_ascii_case("true")) {
                    ck.card = None;
                }
                if self.option(ck).is_some_and(|o| o.otp_required) {
                    Ok(Next::to(P::MobilExpressCardFoundOtpRequiredPhone))
                } else {
                    Ok(Next::show_then_accept(
                        P::MobilExpressCardList,
                        &[P::MobilExpressCardList, P::MobilExpressCardFoundOtpRequiredOtp],
                    ))
                }
            }
            P::MobilExpressCardFoundOtpRequiredPhone => {
                let phone = required(form, "phone_number")?;
                let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
                if digits.len() != 10 || !digits.starts_with('5') {
                    return Err(field_error("phone_number", "Enter a mobile number like 5XXXXXXXXX."));
                }
                ck.phone = Some(digits);
                Ok(Next::to(P::MobilExpressCardFoundOtpRequiredOtp))
            }
            P::MobilExpressCardFoundOtpRequiredOtp | P::MobilExpressCardList => {
                // The reference posts the card to the OTP page's URL (protocol.md, 2).
                if form.contains_key("card_token") {
                    if page == P::MobilExpressCardFoundOtpRequiredOtp && ck.current != P::MobilExpressCardList {
                        return Err(step_error("Verify the phone number before choosing a card."));
                    }
                    let token = required(form, "card_token")?;
                    if !self.scenario.mobilexpress_cards.iter().any(|c| c.card_id == token) {
                        return Err(field_error(
                            "card_token",
                            "This card is not registered with MobilExpress.",
                        ));
                    }
                    ck.card = Some(token.to_string());
                    return Ok(Next::to(P::MobilExpressInstallmentSelection));
                }
                if page == P::MobilExpressCardList {
                    return Err(field_error("card_token", "This field is required."));
                }
                self.check_otp(form)?;
                ck.otp_ok = true;
                Ok(Next::show_then_accept(
                    P::MobilExpressCardList,
                    &[P::MobilExpressCardList, P::MobilExpressCardFoundOtpRequiredOtp],
                ))
            }
            P::MobilExpressInstallmentSelection => {
                self.installment_step(email, ck, form, &[1])?;
                Ok(Next::to(P::MobilExpressTryPayment))
            }
            other => Err(super::not_served(other)),
        }
    }
}
