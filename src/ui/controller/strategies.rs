//! The strategies beyond the cash register, pay on delivery and saved cards, on screen.
//! Each page of the reference picks one of four screen families: a choice list, a
//! confirmation (facts, the agreement and its text), a keypad, or a hand-off to the
//! customer's phone; pages that need nothing from the customer are answered at once.
//! Each family's tap posts to the page the sale is at, with that page's field names
//! (`fields`): the screens know no page names.
//!
//! Not here: what a hand-off's address is and how a service's answer is read
//! (`crate::checkout::handoff`, shared with the `checkout` command).

use super::options::{is_handoff, places_order};
use super::{Controller, Failure, Sale};
use crate::checkout::handoff::{self, Handoff};
use crate::commerce::pages::{CheckoutResponse, Page, PageName};
use crate::ui::view::{grouped_iban, installment_item, Choice, Update, View};
use crate::ui::{ChoiceKind, ConfirmKind, EntryKind, FactKind, OptionsNotice};

/// Wrong codes a customer may type on one step before the kiosk goes back to the options.
pub const CODE_TRIES: u32 = 3;

/// What a strategy page needs.
pub(super) enum Next {
    /// Nothing from the customer: post this at once.
    Post(PageName, Vec<(&'static str, String)>),
    /// A screen.
    Show(View),
    /// The customer pays on their phone.
    Handoff(Handoff),
}

pub(super) fn entry(kind: EntryKind, tries_left: u32, amount: &str, error: String, demo_code: &str) -> View {
    let (min, max) = match kind {
        EntryKind::Phone | EntryKind::MyPhone => (10, 10),
        EntryKind::Bin => (6, 6),
        EntryKind::Otp | EntryKind::Pin | EntryKind::MyCode | EntryKind::GiftCode => (4, 8),
        EntryKind::GiftCard => (12, 19),
    };
    View::NumberEntry {
        kind,
        min_digits: min,
        max_digits: max,
        tries_left: tries_left as i32,
        demo_code: if matches!(kind, EntryKind::Otp | EntryKind::MyCode | EntryKind::GiftCode) {
            demo_code.to_string()
        } else {
            String::new()
        },
        amount: amount.to_string(),
        error,
    }
}

fn confirm(kind: ConfirmKind, facts: Vec<(FactKind, String)>, amount: &str) -> View {
    View::Confirm {
        kind,
        facts,
        terms: None,
        needs_agreement: true,
        amount: amount.to_string(),
        error: String::new(),
    }
}

/// A mobile number as the customer typed it is ten digits starting with 5.
pub fn valid_mobile(digits: &str) -> bool {
    digits.len() == 10 && digits.starts_with('5') && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The title and text of an agreement the server gives (`terms_and_conditions`): an
/// object with `title` and `text` (or `content`), or plain text.
fn terms_of(value: &serde_json::Value) -> Option<(String, String)> {
    match value {
        serde_json::Value::String(text) if !text.trim().is_empty() => Some((String::new(), text.clone())),
        serde_json::Value::Object(o) => {
            let text = o.get("text").or_else(|| o.get("content")).and_then(|t| t.as_str())?;
            let title = o.get("title").and_then(|t| t.as_str()).unwrap_or_default();
            Some((title.to_string(), text.to_string()))
        }
        _ => None,
    }
}

impl Controller {
    /// The screen (or request, or hand-off) of a strategy page; `None` for a page this
    /// module does not run.
    pub(super) async fn strategy_page(
        &mut self,
        page: &Page,
        answer: &CheckoutResponse,
        chosen: &mut super::Chosen,
        amount: &str,
    ) -> Result<Option<Next>, Failure> {
        use PageName as P;
        chosen.wallet.learn(page);
        let post = |page: PageName| Ok(Some(Next::Post(page, Vec::new())));
        let view = match page {
            Page::BexSelection(_) => return post(P::BexSelection),
            Page::GPaySelection(_) => return post(P::GPaySelection),
            Page::GPayRedirect(_) => return post(P::GPayRedirect),
            Page::ConfirmationPaymentAgreementCheck(_) => return post(P::ConfirmationPaymentAgreementCheck),
            Page::ConfirmationPaymentComplete(_) => return post(P::ConfirmationPaymentComplete),
            Page::MasterpassOrderNo(_) => return post(P::MasterpassOrderNo),
            Page::BexComplete(_) => return post(P::BexComplete),
            Page::CreditPaymentComplete(_) => return post(P::CreditPaymentComplete),
            Page::MobilExpressSelection(_) => {
                return Ok(Some(Next::Post(
                    P::MobilExpressSelection,
                    vec![("clear", "false".into())],
                )))
            }
            page if is_handoff(page) => {
                let client = self.client()?;
                let mut handoff = handoff::handoff(page, &client.links(), &self.config.handoff, &chosen.wallet)
                    .ok_or_else(|| Failure::Other("the server gave no payment address".into()))?;
                handoff.url = handoff::locate(client, &handoff.url).await;
                return Ok(Some(Next::Handoff(handoff)));
            }
            Page::FundsTransferChoice(ctx) => {
                let mut banks = ctx.bank_accounts.clone();
                if banks.is_empty() {
                    // The reference lists them with the payment options.
                    banks = self
                        .offered
                        .as_ref()
                        .and_then(|o| o.payment_options())
                        .map(|p| p.bank_accounts.clone())
                        .unwrap_or_default();
                }
                let mut rows = Vec::new();
                for account in &banks {
                    let logo = match &account.bank.logo {
                        Some(url) if !url.is_empty() => self.logo(url).await,
                        _ => None,
                    };
                    rows.push(Choice {
                        key: account.pk.0.clone(),
                        title: account.bank.name.clone(),
                        detail: account.holder_name.clone(),
                        extra: grouped_iban(&account.iban),
                        logo,
                    });
                }
                chosen.banks = banks;
                View::Choices {
                    kind: ChoiceKind::BankAccount,
                    chosen: String::new(),
                    rows,
                    amount: amount.to_string(),
                    error: String::new(),
                }
            }
            Page::FundsTransfer(_) => {
                let reference = chosen
                    .reference
                    .get_or_insert_with(crate::offline::queue::new_reference)
                    .clone();
                let mut facts = Vec::new();
                if let Some(bank) = &chosen.bank {
                    facts.push((FactKind::Bank, bank.bank.name.clone()));
                    facts.push((FactKind::Iban, grouped_iban(&bank.iban)));
                    facts.push((FactKind::Holder, bank.holder_name.clone()));
                }
                facts.push((FactKind::Reference, reference));
                confirm(ConfirmKind::FundsTransfer, facts, amount)
            }
            // The balance where the server tells it (the simulator does; the reference not).
            Page::LoyaltyMoney(ctx) => confirm(
                ConfirmKind::LoyaltyMoney,
                ctx.balance
                    .map(|b| vec![(FactKind::Balance, crate::commerce::money::format_try(b))])
                    .unwrap_or_default(),
                amount,
            ),
            Page::PayLaterComplete(_) => confirm(ConfirmKind::PayLater, Vec::new(), amount),
            Page::RedirectionPaymentSelected(_) => confirm(ConfirmKind::Redirection, Vec::new(), amount),
            Page::CreditPaymentSelection(ctx) => View::Choices {
                chosen: String::new(),
                kind: ChoiceKind::CreditOption,
                rows: ctx
                    .credit_payment_options
                    .iter()
                    .map(|o| Choice {
                        key: o.pk.0.clone(),
                        title: o.name.clone(),
                        ..Default::default()
                    })
                    .collect(),
                amount: amount.to_string(),
                error: String::new(),
            },
            Page::CreditPaymentConfirmation(_) => confirm(ConfirmKind::CreditPayment, Vec::new(), amount),
            Page::ConfirmationPaymentAgreementConfirm(ctx) => View::Confirm {
                kind: ConfirmKind::PaycellTerms,
                facts: Vec::new(),
                terms: terms_of(&ctx.terms_and_conditions),
                needs_agreement: true,
                amount: amount.to_string(),
                error: String::new(),
            },
            Page::ConfirmationPaymentSelected(_) => confirm(ConfirmKind::Paycell, Vec::new(), amount),
            Page::ConfirmationPaymentQuery(_) | Page::MobilExpressCardFoundOtpRequiredOtp(_) => entry(
                EntryKind::Otp,
                CODE_TRIES - chosen.wrong_codes,
                amount,
                String::new(),
                &self.demo_code(),
            ),
            Page::MobilExpressCardFoundOtpRequiredPhone(_) => entry(EntryKind::Phone, 0, amount, String::new(), ""),
            Page::BexBinNumber(_) | Page::MasterpassBinNumber(_) => entry(EntryKind::Bin, 0, amount, String::new(), ""),
            Page::MobilExpressCardList(ctx) => {
                chosen.phone_cards = ctx.cards.clone();
                View::Choices {
                    kind: ChoiceKind::MobilexpressCard,
                    chosen: String::new(),
                    rows: ctx
                        .cards
                        .iter()
                        .filter(|c| !c.is_expired)
                        .map(|c| Choice {
                            key: c.card_id.clone(),
                            title: c.alias.clone(),
                            detail: c.masked_card_no.clone(),
                            ..Default::default()
                        })
                        .collect(),
                    amount: amount.to_string(),
                    error: String::new(),
                }
            }
            Page::BexInstallmentSelection(ctx)
            | Page::MasterpassInstallment(ctx)
            | Page::MobilExpressInstallmentSelection(ctx) => View::SavedCardInstallments {
                card_name: if chosen.card_name.is_empty() {
                    chosen.option.as_ref().map(|o| o.name.clone()).unwrap_or_default()
                } else {
                    chosen.card_name.clone()
                },
                installments: ctx.installments.iter().map(installment_item).collect(),
                error: String::new(),
            },
            Page::MobilExpressTryPayment(_) => {
                let mut facts = vec![(FactKind::Card, chosen.card_name.clone())];
                if let Some(plan) = answer.pre_order.as_ref().and_then(|p| p.installment.as_ref()) {
                    facts.push((FactKind::Installments, plan.installment_count.to_string()));
                }
                confirm(ConfirmKind::Mobilexpress, facts, amount)
            }
            _ => return Ok(None),
        };
        Ok(Some(Next::Show(view)))
    }

    /// A row of a choice list was tapped.
    pub(super) async fn choose(&mut self, key: &str) -> Result<(), Failure> {
        let Some(step) = self.sale.step() else { return Ok(()) };
        let page = step.answer.current_kind();
        let (page, fields): (PageName, Vec<(&str, String)>) = match page {
            Some(PageName::FundsTransferChoice) => {
                let bank = step.chosen.banks.iter().find(|b| b.pk.0 == key).cloned();
                if let Sale::Step(step) = &mut self.sale {
                    step.chosen.bank = bank;
                }
                (PageName::FundsTransferChoice, vec![("bank_account", key.to_string())])
            }
            Some(PageName::CreditPaymentSelection) => (
                PageName::CreditPaymentSelection,
                vec![("credit_payment_option", key.to_string())],
            ),
            Some(PageName::ShippingOptionSelection) => return self.choose_shipping(key).await,
            Some(PageName::MobilExpressCardList) => {
                let card = step.chosen.phone_cards.iter().find(|c| c.card_id == key).cloned();
                let masked = card.as_ref().map(|c| c.masked_card_no.clone()).unwrap_or_default();
                if let (Sale::Step(step), Some(card)) = (&mut self.sale, &card) {
                    step.chosen.card_name = format!("{} {}", card.alias, card.masked_card_no);
                }
                (
                    PageName::MobilExpressCardList,
                    vec![("card_token", key.to_string()), ("masked_card_number", masked)],
                )
            }
            _ => return Ok(()),
        };
        self.post_fields(page, &fields).await
    }

    /// The confirmation screen's button.
    pub(super) async fn confirm(&mut self, agreed: bool) -> Result<(), Failure> {
        let Some(step) = self.sale.step() else { return Ok(()) };
        let Some(page) = step.answer.current_kind() else {
            return Ok(());
        };
        if page == PageName::FundsTransfer {
            // The reference the customer quotes in the transfer goes into the order.
            if let Some(reference) = step.chosen.reference.clone() {
                let noted = self
                    .client()?
                    .post_step(PageName::OrderNote, &[("notes", &reference)])
                    .await?;
                if noted.errors.is_some() {
                    return self.show_answer(noted).await;
                }
            }
        }
        self.post_fields(page, &[("agreement", super::options::flag(agreed).to_string())])
            .await
    }

    /// The keypad's number.
    pub(super) async fn number(&mut self, digits: &str) -> Result<(), Failure> {
        let Some(step) = self.sale.step() else { return Ok(()) };
        let Some(page) = step.answer.current_kind() else {
            return Ok(());
        };
        let amount = self.amount_due(&step.answer);
        let digits = digits.trim();
        let fields: Vec<(&str, String)> = match page {
            PageName::MobilExpressCardFoundOtpRequiredPhone => {
                if !valid_mobile(digits) {
                    // Checked before sending: a customer's typo costs no request.
                    self.emit(Update::Show(entry(EntryKind::Phone, 0, &amount, String::new(), "")));
                    self.emit(Update::StepError(String::new()));
                    return Ok(());
                }
                vec![("phone_number", digits.to_string())]
            }
            PageName::ConfirmationPaymentQuery | PageName::MobilExpressCardFoundOtpRequiredOtp => {
                vec![("otp", digits.to_string())]
            }
            PageName::BexBinNumber => vec![("bin_number", digits.to_string())],
            PageName::MasterpassBinNumber => vec![
                ("is_masterpass_stored_card", "true".to_string()),
                ("bin_number", digits.to_string()),
            ],
            _ => return Ok(()),
        };
        let is_code = matches!(
            page,
            PageName::ConfirmationPaymentQuery | PageName::MobilExpressCardFoundOtpRequiredOtp
        );
        let answer = self.client()?.post_step(page, &refs(&fields)).await?;
        let Some(errors) = answer.errors.as_ref().filter(|_| is_code) else {
            return self.show_answer(answer).await;
        };
        // A wrong code stays on the step with the server's words, a few times.
        let message = errors.messages();
        let wrong = match &mut self.sale {
            Sale::Step(step) => {
                step.chosen.wrong_codes += 1;
                step.chosen.wrong_codes
            }
            _ => CODE_TRIES,
        };
        tracing::info!(wrong, "a wrong code");
        if wrong >= CODE_TRIES {
            self.pay().await?;
            self.emit(Update::OptionsNotice(OptionsNotice::TooManyCodes));
            return Ok(());
        }
        let demo_code = self.demo_code();
        self.emit(Update::Show(entry(
            EntryKind::Otp,
            CODE_TRIES - wrong,
            &amount,
            message,
            &demo_code,
        )));
        Ok(())
    }

    /// Posts a strategy step; a step that can place the order is marked first.
    async fn post_fields(&mut self, page: PageName, fields: &[(&str, String)]) -> Result<(), Failure> {
        if places_order(page) {
            self.mark_payment_sent();
        }
        let answer = self.client()?.post_step(page, &refs(fields)).await?;
        self.show_answer(answer).await
    }

    /// Demo mode: the code the simulator's SMS steps accept; empty on a real server.
    pub(super) fn demo_code(&self) -> String {
        match &self.config.backend {
            super::Backend::Demo(scenario) => scenario.otp.clone(),
            super::Backend::Server { .. } => String::new(),
        }
    }
}

fn refs<'a>(fields: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mobile_number_is_ten_digits_starting_with_5() {
        assert!(valid_mobile("5321234567"));
        assert!(!valid_mobile("532123456"), "nine digits");
        assert!(!valid_mobile("4321234567"), "not a mobile");
        assert!(!valid_mobile("53212345a7"));
    }

    #[test]
    fn terms_come_as_an_object_or_as_text() {
        let object = serde_json::json!({"title": "Koşullar", "text": "Kabul ediyorum."});
        assert_eq!(terms_of(&object), Some(("Koşullar".into(), "Kabul ediyorum.".into())));
        assert_eq!(
            terms_of(&serde_json::json!("Metin")),
            Some((String::new(), "Metin".into()))
        );
        assert_eq!(terms_of(&serde_json::json!({})), None);
    }
}
