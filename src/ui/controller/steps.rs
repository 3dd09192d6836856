//! The checkout steps on the server after Pay: the payment options, the cash register's
//! installments, pay on delivery, saved cards, each answer turned into its screen (the
//! other strategies' pages go to `strategies.rs`), and the banks' logos.
//!
//! Not here: signing in and the basket (`basket.rs`), the sale's end (`ending.rs`), the
//! sale without the server (`local.rs`) or the register's poller (`register.rs`).

use super::options::{due, flag, online_options, SelfService};
use super::strategies::Next;
use super::{Chosen, Controller, Failure, Sale, Step};
use crate::checkout::walk_to_payment;
use crate::commerce::pages::{CheckoutResponse, Page, PageName};
use crate::offline::remembered::{self, KnownChoice, KnownOption};
use crate::ui::view::{installment_item, Update, View};
use crate::ui::CardItem;

/// The server's options as the kiosk keeps them.
fn known_options(options: &[crate::commerce::pages::PaymentOption]) -> Vec<KnownOption> {
    options
        .iter()
        .map(|o| KnownOption {
            pk: o.pk.0.clone(),
            name: o.name.clone(),
            payment_type: o.payment_type.clone(),
        })
        .collect()
}

impl Controller {
    /// The options as this kiosk offers them to whoever is choosing.
    fn options_on_screen(&self, known: &[KnownOption]) -> Vec<crate::ui::PaymentOptionItem> {
        let kiosk = &self.config.settings.kiosk;
        let stand = SelfService {
            types: &self.config.self_service_payment_types,
            guest_types: &kiosk.guest_payment_types,
            guest: self.acting.is_none(),
        };
        online_options(known, self.config.self_service.then_some(&stand))
    }

    /// Walks the steps before payment (store pickup) and shows the payment options;
    /// selling for a customer, the delivery screen first.
    pub(super) async fn pay(&mut self) -> Result<(), Failure> {
        if self.acting.is_some() {
            return self.delivery().await;
        }
        let client = self.client()?.clone();
        self.sale = Sale::Basket;
        let store = match &self.collect_at {
            Some((pk, _)) => Some(pk.0.clone()),
            None => self.config.settings.kiosk.store.clone(),
        };
        let answer = match walk_to_payment(&client, store.as_deref()).await {
            Ok(answer) => answer,
            Err(crate::checkout::CheckoutError::Commerce(e)) => return Err(e.into()),
            Err(crate::checkout::CheckoutError::Rejected { message, .. }) => {
                self.emit(Update::StepError(message));
                return Ok(());
            }
            Err(e) => return Err(Failure::Other(e.to_string())),
        };
        // The server may still be on a strategy the customer left: offer the list again.
        match (answer.payment_options().is_some(), self.offered.clone()) {
            (false, Some(mut options)) if answer.errors.is_none() => {
                options.pre_order = answer.pre_order.or(options.pre_order);
                self.show_answer(options).await
            }
            _ => self.show_answer(answer).await,
        }
    }

    pub(super) async fn choose_option(&mut self, pk: &str) -> Result<(), Failure> {
        let listed = self.sale.step().and_then(|s| s.answer.payment_options());
        let option = listed.and_then(|p| p.payment_options.iter().find(|o| o.pk.0 == pk).cloned());
        // The screen greys what this customer may not take; the kiosk holds to it too.
        if let Some(listed) = listed {
            let items = self.options_on_screen(&known_options(&listed.payment_options));
            if items.iter().any(|i| i.pk == pk && !i.available) {
                tracing::warn!(pk, "an option this customer may not take was chosen; not sent");
                return Ok(());
            }
        }
        if let Sale::Step(step) = &mut self.sale {
            step.chosen.option = option;
        }
        self.post(PageName::PaymentOptionSelection, &[("payment_option", pk)])
            .await
    }

    pub(super) async fn cash_register_installment(&mut self, pk: &str) -> Result<(), Failure> {
        // The plan, repeated on the barcode's screen.
        if let Sale::Step(step) = &mut self.sale {
            step.chosen.plan = step.answer.pages.iter().find_map(|p| match p {
                Page::CashRegisterInstallmentSelection(ctx) => ctx.cards.iter().find_map(|card| {
                    let plan = card.installments.iter().find(|i| i.pk.0 == pk)?;
                    Some((card.bank.name.clone(), plan.clone()))
                }),
                _ => None,
            });
        }
        self.post(PageName::CashRegisterInstallmentSelection, &[("installment", pk)])
            .await
    }

    pub(super) async fn pay_on_delivery(&mut self, choice: &str, agreed: bool) -> Result<(), Failure> {
        // Two steps; after a failure between them, the server is already on the second.
        let at = self.sale.step().and_then(|s| s.answer.current_kind());
        if let Sale::Step(step) = &mut self.sale {
            let label = step.answer.pages.iter().find_map(|p| match p {
                Page::PayOnDeliveryPaymentChoice(ctx) => ctx
                    .payment_choices
                    .iter()
                    .find(|c| c.value == choice)
                    .map(|c| c.label.clone()),
                _ => None,
            });
            if label.is_some() {
                step.chosen.pay_choice = label;
            }
        }
        if at != Some(PageName::PayOnDelivery) {
            let answer = self
                .client()?
                .post_step(PageName::PayOnDeliveryPaymentChoice, &[("payment_choice", choice)])
                .await?;
            if answer.errors.is_some() || answer.current_kind() != Some(PageName::PayOnDelivery) {
                return self.show_answer(answer).await;
            }
            let chosen = self.chosen();
            self.sale = Sale::Step(Step { answer, chosen });
        }
        self.mark_payment_sent();
        self.post(PageName::PayOnDelivery, &[("agreement", flag(agreed))]).await
    }

    pub(super) async fn saved_card(&mut self, token: &str) -> Result<(), Failure> {
        if let Sale::Step(step) = &mut self.sale {
            step.chosen.card_name = step
                .chosen
                .cards
                .iter()
                .find(|c| c.token == token)
                .map(|c| format!("{} {}", c.name, c.masked_card_number))
                .unwrap_or_default();
        }
        self.post(PageName::SavedCardSelection, &[("card", token)]).await
    }

    /// An installment plan of a card: a saved card's, or a wallet's (BKM Express,
    /// Masterpass, MobilExpress), which share the screen.
    pub(super) async fn saved_card_installment(&mut self, pk: &str) -> Result<(), Failure> {
        let page = self
            .sale
            .step()
            .and_then(|s| s.answer.current_kind())
            .filter(|p| super::options::installment_page(*p))
            .unwrap_or(PageName::SavedCardInstallmentSelection);
        self.post(page, &[("installment", pk)]).await
    }

    pub(super) async fn saved_card_confirm(&mut self, agreed: bool) -> Result<(), Failure> {
        self.mark_payment_sent();
        self.post(PageName::SavedCardConfirmation, &[("agreement", flag(agreed))])
            .await
    }

    /// Leaves the step for a request that ends it. A step that can have placed the order
    /// stays known (its poller stopped) until the server answers, so that a failure
    /// shows Retry, which reads the checkout; any other step is left at once.
    pub(super) fn leave_step(&mut self) {
        self.sale.stop_register();
        if !self.sale.payment_step_sent() {
            self.sale = Sale::Basket;
        }
    }

    /// Marks the step about to be posted as one that can place the order.
    pub(super) fn mark_payment_sent(&mut self) {
        if let Sale::Step(step) = self.sale.beneath_mut() {
            step.chosen.payment_sent = true;
        }
    }

    /// What the customer chose on the steps so far, if the sale is at one.
    fn chosen(&self) -> Chosen {
        self.sale.step().map(|s| s.chosen.clone()).unwrap_or_default()
    }

    /// The amount due on `answer`, for the screen; what it is made of goes to the
    /// screen first, so the two always come from the same answer.
    pub(super) fn amount_due(&self, answer: &CheckoutResponse) -> String {
        let parts = answer.pre_order.as_ref().map(|p| p.breakdown()).unwrap_or_default();
        self.emit(Update::Due(parts));
        super::options::amount(answer)
    }

    async fn post(&mut self, page: PageName, fields: &[(&str, &str)]) -> Result<(), Failure> {
        let answer = self.client()?.post_step(page, fields).await?;
        self.show_answer(answer).await
    }

    /// Turns the server's current step into a screen. Steps that need nothing from the
    /// customer are answered at once.
    pub(super) async fn show_answer(&mut self, mut answer: CheckoutResponse) -> Result<(), Failure> {
        let mut chosen = self.chosen();
        // What the customer agreed to pay on the step just answered; the thank-you
        // answer's pre_order already describes the emptied basket.
        let agreed = self.sale.step().and_then(|s| due(&s.answer));
        for _ in 0..8 {
            if let Some(errors) = &answer.errors {
                tracing::info!(errors = %errors.summary(), "the server refused the step");
                let message = errors.messages();
                self.sale = Sale::Step(Step { answer, chosen });
                self.emit(Update::StepError(message));
                return Ok(());
            }
            let page = answer
                .current()
                .cloned()
                .ok_or_else(|| Failure::Other("the server named no step".into()))?;
            let amount = self.amount_due(&answer);
            let view = match page {
                Page::CashRegister(_) => {
                    answer = self.client()?.post_step(PageName::CashRegister, &[]).await?;
                    continue;
                }
                Page::DeliveryOptionSelection(ctx) => {
                    // Back at the start of delivery (a retry read it): store pickup first,
                    // whose page lists the stores and the customer's addresses.
                    self.delivery_options = ctx.delivery_options.clone();
                    let option = ctx
                        .delivery_options
                        .iter()
                        .find(|o| o.delivery_option_type == "retail_store")
                        .or(ctx.delivery_options.first())
                        .ok_or_else(|| Failure::Other("the server offered no way to deliver".into()))?;
                    let pk = option.pk.0.clone();
                    answer = self
                        .client()?
                        .post_step(PageName::DeliveryOptionSelection, &[("delivery_option", &pk)])
                        .await?;
                    continue;
                }
                Page::RetailStoreSelection(ref ctx) if self.acting.is_none() => {
                    // The kiosk's own sale is collected here: nothing to choose.
                    let store = self.kiosk_store_pk(&ctx.retail_stores)?;
                    let billing = ctx.addresses.first().map(|a| a.pk.0.clone()).unwrap_or_default();
                    answer = self
                        .client()?
                        .post_step(
                            PageName::RetailStoreSelection,
                            &[("retail_store", &store), ("billing_address", &billing)],
                        )
                        .await?;
                    continue;
                }
                Page::RetailStoreSelection(_) | Page::AddressSelection(_) => self
                    .delivery_view(&page, &amount)
                    .ok_or_else(|| Failure::Unsupported(page.name().to_string()))?,
                Page::ShippingOptionSelection(ctx) => Self::shipping_view(&ctx, &amount, chosen.address.as_deref()),
                Page::PaymentOptionSelection(_) if self.exchange.as_ref().is_some_and(|e| e.spent.is_none()) => {
                    self.redeem_exchange_credit().await?;
                    answer = self.client()?.checkout().await?;
                    continue;
                }
                Page::PaymentOptionSelection(ctx) => {
                    self.offered = Some(answer.clone());
                    let known = known_options(&ctx.payment_options);
                    self.remember(remembered::PAYMENT_OPTIONS, &known);
                    self.emit(Update::GiftCards(Some(super::gift_cards::gift_cards_view(&answer))));
                    View::PaymentOptions {
                        options: self.options_on_screen(&known),
                        amount,
                        error: String::new(),
                    }
                }
                Page::CashRegisterInstallmentSelection(ctx) => {
                    let mut banks = Vec::new();
                    for card in &ctx.cards {
                        let logo = match &card.bank.logo {
                            Some(url) if !url.is_empty() => self.logo(url).await,
                            _ => None,
                        };
                        banks.push((
                            card.bank.name.clone(),
                            logo,
                            card.installments.iter().map(installment_item).collect(),
                        ));
                    }
                    View::CashRegisterInstallments {
                        banks,
                        error: String::new(),
                    }
                }
                Page::CashRegisterComplete(ctx) => {
                    let (Some(number), Some(barcode)) = (ctx.number.clone(), ctx.barcode.clone()) else {
                        // The reference's empty context: ask again for the barcode.
                        answer = self.client()?.post_step(PageName::CashRegisterComplete, &[]).await?;
                        continue;
                    };
                    let seconds = ctx.seconds.unwrap_or(5).clamp(1, 600);
                    let image = base64_png(&barcode);
                    if let Err(e) = &image {
                        tracing::warn!(error = %e, "the barcode image is unreadable; showing the number only");
                    }
                    // The barcode first, then the poller's countdown over it.
                    self.emit(Update::Show(View::CashRegisterBarcode {
                        number: number.0.clone(),
                        amount,
                        barcode: image.ok(),
                        seconds,
                        plan: chosen
                            .plan
                            .as_ref()
                            .map(|(bank, i)| (bank.clone(), installment_item(i))),
                    }));
                    let poller = self.start_poller(seconds)?;
                    self.sale = Sale::Register {
                        step: Step { answer, chosen },
                        number: number.0,
                        poller,
                    };
                    return Ok(());
                }
                Page::PayOnDeliveryPaymentChoice(ctx) => {
                    let known: Vec<KnownChoice> = ctx
                        .payment_choices
                        .iter()
                        // A fee the kiosk could not add to a total is never offered.
                        .filter(|c| crate::commerce::money::plausible_price(c.price))
                        .map(|c| KnownChoice {
                            value: c.value.clone(),
                            label: c.label.clone(),
                            fee: c.price,
                        })
                        .collect();
                    self.remember(remembered::PAY_ON_DELIVERY_CHOICES, &known);
                    View::PayOnDelivery {
                        choices: super::options::choice_items(&known, due(&answer)),
                        amount,
                        error: String::new(),
                    }
                }
                Page::SavedCardSelection(ctx) => {
                    chosen.cards = ctx.cards.clone();
                    View::SavedCardList {
                        cards: ctx
                            .cards
                            .iter()
                            .map(|c| CardItem {
                                token: c.token.clone().into(),
                                name: c.name.clone().into(),
                                masked: c.masked_card_number.clone().into(),
                            })
                            .collect(),
                        amount,
                        error: String::new(),
                    }
                }
                Page::SavedCardInstallmentSelection(ctx) => View::SavedCardInstallments {
                    card_name: chosen.card_name.clone(),
                    installments: ctx.installments.iter().map(installment_item).collect(),
                    error: String::new(),
                },
                Page::SavedCardConfirmation(_) => {
                    let installment = answer.pre_order.as_ref().and_then(|p| p.installment.clone());
                    View::SavedCardConfirm {
                        card: chosen.card_name.clone(),
                        count: installment.as_ref().map(|i| i.installment_count as i32).unwrap_or(1),
                        total: amount.clone(),
                        amount,
                        error: String::new(),
                    }
                }
                Page::ThankYou(ctx) => {
                    // The checkout is over: the step (and any register poller) ends.
                    self.sale = Sale::Basket;
                    let view = self.thank_you(&ctx, &chosen, &answer, agreed).await?;
                    let receipt = Some(ctx.redirect_url.clone());
                    self.show(Sale::ThankYou { local: None, receipt }, view);
                    self.offer_credit_left();
                    return Ok(());
                }
                other => match self.strategy_page(&other, &answer, &mut chosen, &amount).await? {
                    Some(Next::Show(view)) => view,
                    Some(Next::Post(page, fields)) => {
                        if super::options::places_order(page) {
                            chosen.payment_sent = true;
                            self.mark_payment_sent();
                        }
                        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                        answer = self.client()?.post_step(page, &fields).await?;
                        continue;
                    }
                    Some(Next::Handoff(handoff)) => return self.start_handoff(handoff, answer, chosen, amount),
                    None => return Err(Failure::Unsupported(other.name().to_string())),
                },
            };
            self.show(Sale::Step(Step { answer, chosen }), view);
            return Ok(());
        }
        Err(Failure::Other(
            "the server kept answering steps that need no input".into(),
        ))
    }

    /// A bank's logo, fetched once; a missing or unreadable logo leaves just the name.
    pub(super) async fn logo(&mut self, url: &str) -> Option<crate::ui::view::Pixels> {
        if let Some(known) = self.logos.get(url) {
            return known.clone();
        }
        let client = self.client.clone()?;
        let logo = match client.fetch_asset(url).await {
            Ok(bytes) => crate::ui::view::decode_image(&bytes)
                .map_err(|e| tracing::warn!(url, error = %e, "unreadable logo"))
                .ok(),
            Err(e) => {
                tracing::warn!(url, error = %e, "logo not fetched");
                None
            }
        };
        self.logos.insert(url.to_string(), logo.clone());
        logo
    }
}

fn base64_png(text: &str) -> Result<crate::ui::view::Pixels, String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| e.to_string())?;
    crate::ui::view::decode_image(&bytes)
}
