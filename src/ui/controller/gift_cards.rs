//! Gift cards from the payment options: a card's number (typed, or scanned while its
//! screen is up), the code the server sends to the card's phone (three tries), then the
//! options again with what the cards leave; the order completed on the cards when they
//! pay it all. Online only: the server alone knows a card's money.
//!
//! Not here: the protocol (`crate::commerce::gift_cards`), the options' screen
//! (`steps.rs`).

use super::sale::{GiftAsked, Step};
use super::strategies::entry;
use super::{options, Controller, Failure, Sale};
use crate::commerce::pages::{CheckoutResponse, PageName, PaymentOption};
use crate::ui::view::{GiftCardsView, Update};
use crate::ui::EntryKind;

/// Wrong codes before the card's screen gives up and the options come back.
const CODE_TRIES: u32 = 3;

/// The gift cards of a checkout answer, for the options' screen.
pub(super) fn gift_cards_view(answer: &CheckoutResponse) -> GiftCardsView {
    use crate::commerce::money::format_try;
    let cards = answer.pre_order.as_ref().map(|p| p.gift_cards.clone()).unwrap_or_default();
    let due = options::due(answer).unwrap_or_default();
    GiftCardsView {
        total: format_try(cards.iter().map(|c| c.amount).sum()),
        cover: !cards.is_empty() && due.is_zero(),
        cards: cards.into_iter().map(|c| (c.number, format_try(c.amount))).collect(),
    }
}

impl Controller {
    /// The payment options' Gift card: the card's number on the keypad.
    pub(super) fn open_gift_card(&mut self) -> Result<(), Failure> {
        let at_options = matches!(&self.sale, Sale::Step(step)
            if step.answer.current_kind() == Some(PageName::PaymentOptionSelection));
        if !at_options {
            return Ok(());
        }
        let Sale::Step(step) = std::mem::replace(&mut self.sale, Sale::Basket) else {
            return Ok(());
        };
        let amount = self.amount_due(&step.answer);
        self.sale = Sale::GiftCard { step, asked: None };
        self.emit(Update::Show(entry(EntryKind::GiftCard, 0, &amount, String::new(), "")));
        Ok(())
    }

    /// The keypad's number on the gift card's screen: the card's number, then its code.
    pub(super) async fn gift_card_digits(&mut self, digits: &str) -> Result<(), Failure> {
        let client = self.client()?.clone();
        let Sale::GiftCard { step, asked } = &mut self.sale else {
            return Ok(());
        };
        let amount = options::amount(&step.answer);
        let Some(asked) = asked.as_mut() else {
            return match client.gift_card_code(digits).await? {
                Ok(sent) => {
                    self.emit(Update::GiftCardAsked {
                        number: sent.number.clone(),
                        phone: sent.phone.clone(),
                    });
                    if let Sale::GiftCard { asked, .. } = &mut self.sale {
                        *asked = Some(GiftAsked {
                            digits: digits.to_string(),
                            shown: sent.number,
                            wrong: 0,
                        });
                    }
                    let demo = self.demo_code();
                    self.emit(Update::Show(entry(EntryKind::GiftCode, CODE_TRIES, &amount, String::new(), &demo)));
                    Ok(())
                }
                // The server's words; the number stays to be corrected.
                Err(why) => {
                    self.emit(Update::Show(entry(EntryKind::GiftCard, 0, &amount, why, "")));
                    Ok(())
                }
            };
        };
        let card = asked.digits.clone();
        match client.gift_card_redeem(&card, digits).await? {
            Ok(_) => self.options_again(String::new()).await,
            Err(why) => {
                asked.wrong += 1;
                if asked.wrong >= CODE_TRIES {
                    let shown = asked.shown.clone();
                    return self
                        .options_again(format!("{why} ({shown})"))
                        .await;
                }
                let left = CODE_TRIES - asked.wrong;
                let demo = self.demo_code();
                self.emit(Update::Show(entry(EntryKind::GiftCode, left, &amount, why, &demo)));
                Ok(())
            }
        }
    }

    /// The options again, read from the server: what the cards leave, the cards listed.
    pub(super) async fn options_again(&mut self, error: String) -> Result<(), Failure> {
        let answer = self.client()?.checkout().await?;
        let chosen = match std::mem::replace(&mut self.sale, Sale::Basket) {
            Sale::GiftCard { step, .. } | Sale::Step(step) => step.chosen,
            other => {
                self.sale = other;
                return Ok(());
            }
        };
        self.sale = Sale::Step(Step {
            answer: answer.clone(),
            chosen,
        });
        self.show_answer(answer).await?;
        if !error.is_empty() {
            self.emit(Update::StepError(error));
        }
        Ok(())
    }

    /// The ✕ beside the cards: every card comes off the order.
    pub(super) async fn remove_gift_cards(&mut self) -> Result<(), Failure> {
        if !matches!(self.sale, Sale::Step(_)) {
            return Ok(());
        }
        self.client()?.gift_cards_clear().await?;
        self.options_again(String::new()).await
    }

    /// The cards pay it all: the order is placed on them. A failure after this is sent
    /// is the unconfirmed screen's, as for any step that can place an order.
    pub(super) async fn complete_on_gift_cards(&mut self) -> Result<(), Failure> {
        let Sale::Step(step) = &mut self.sale else {
            return Ok(());
        };
        let name = crate::devices::receipt::payment_name("gift_card", &self.language).unwrap_or("Gift card");
        step.chosen.option = Some(PaymentOption {
            name: name.to_string(),
            payment_type: "gift_card".into(),
            ..Default::default()
        });
        self.mark_payment_sent();
        let answer = self.client()?.gift_cards_complete().await?;
        self.show_answer(answer).await
    }
}
