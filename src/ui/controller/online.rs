//! The sale on the server: signing in, the server's basket, the checkout steps of the
//! strategies the touchscreen runs, and each answer turned into a screen.
//!
//! Not here: the sale without the server (`local.rs`) or the register's poller
//! (`register.rs`).

use super::strategies::Next;
use super::{Chosen, Controller, Failure, Sale, Step};
use crate::checkout::walk_to_payment;
use crate::commerce::money::format_try;
use crate::commerce::pages::{CheckoutResponse, Page, PageName};
use crate::commerce::{ClientConfig, CommerceClient, CommerceError, Money};
use crate::offline::remembered::{self, KnownChoice, KnownOption};
use crate::sim::Simulator;
use crate::ui::view::{installment_item, Notice, Update, View};
use crate::ui::{CardItem, PaymentOptionItem};

/// The payment types of the reference: the touchscreen runs every one.
pub const SCREEN_PAYMENT_TYPES: &[&str] = &[
    "cash_register",
    "pay_on_delivery",
    "saved_card",
    "funds_transfer",
    "loyalty_money",
    "pay_later",
    "redirection",
    "credit_payment",
    "bkm_express",
    "gpay",
    "confirmation",
    "masterpass",
    "mobilexpress",
];

/// The payment types that spend what the account holds: a customer's, never a guest's.
pub const ACCOUNT_PAYMENT_TYPES: &[&str] = &["saved_card", "loyalty_money"];

impl Controller {
    pub(super) async fn connect(&mut self) -> Result<(), Failure> {
        let (url, email, password, demo) = match &self.config.backend {
            super::Backend::Demo(scenario) => {
                if self.sim.is_none() {
                    let sim =
                        Simulator::start((**scenario).clone(), "127.0.0.1:0".parse().expect("a loopback address"))
                            .await
                            .map_err(|e| Failure::Other(format!("the demo simulator could not start: {e}")))?;
                    tracing::info!(url = %sim.url(), "demo mode: no commerce server configured, using the built-in simulator");
                    self.sim = Some(sim);
                }
                let sim = self.sim.as_ref().expect("started above");
                (
                    sim.url(),
                    scenario.demo_email.clone(),
                    scenario.demo_password.clone(),
                    true,
                )
            }
            super::Backend::Server { url, email, password } => (url.clone(), email.clone(), password.clone(), false),
        };
        let mut config = ClientConfig::new(&url)?;
        config.connect_timeout = self.config.connect_timeout;
        config.request_timeout = self.config.request_timeout;
        let client = CommerceClient::new(config)?;
        client.login(&email, &password).await?;
        // A sale starts on a basket this kiosk built: what the account's basket holds
        // now (a replay cut short, a sale a restart interrupted) is emptied first. A sale
        // carried on locally keeps its lines; they go to the server at its Pay.
        let basket = if self.sale.is_local() {
            None
        } else {
            Some(client.clear_basket().await?)
        };
        if basket.is_some() {
            if let Some(acting) = self.acting.take() {
                // Signed in afresh: the sale starts over on the kiosk's own account.
                self.put_back(acting).await;
                self.emit(Update::Customer(None));
            }
        }
        self.client = Some(client);
        self.emit(Update::Status {
            demo,
            server: url.trim_end_matches('/').to_string(),
            user: email,
        });
        let Some(basket) = basket else {
            // Back after selling offline: the sale on screen stays the customer's.
            self.line_down = false;
            return self.leave_local().await;
        };
        self.emit_basket(&basket);
        self.put_back_orphans().await;
        let home = self.home();
        self.show(Sale::Basket, home);
        Ok(())
    }

    pub(super) async fn add_code(&mut self, code: &str) -> Result<(), Failure> {
        if code.is_empty() {
            return Ok(());
        }
        let client = self.client()?.clone();
        let Some(product) = client.product_by_code(code).await? else {
            self.emit(Update::BasketNotice(Notice::NotFound(code.to_string())));
            return Ok(());
        };
        match client.add_to_basket(&product.pk, 1).await {
            Ok(basket) => {
                self.offered = None;
                self.emit_basket(&basket);
                self.emit(Update::BasketNotice(Notice::Added(product.name)));
            }
            // Out of stock and the like: the server's words, under the code field.
            Err(CommerceError::Http { message, .. }) => self.emit(Update::StepError(message)),
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    pub(super) async fn change_quantity(&mut self, product: &str, delta: i32) -> Result<(), Failure> {
        let client = self.client()?.clone();
        let basket = client.basket().await?;
        let Some(current) = basket
            .basketitem_set
            .iter()
            .find(|l| l.product.pk.0 == product)
            .map(|l| l.quantity)
        else {
            return Ok(());
        };
        let wanted = (i64::from(current) + i64::from(delta)).max(0) as u32;
        match client.set_quantity(&product.into(), wanted).await {
            Ok(basket) => {
                self.offered = None;
                self.emit_basket(&basket);
                self.emit(Update::BasketNotice(Notice::Clear));
            }
            Err(CommerceError::Http { message, .. }) => self.emit(Update::StepError(message)),
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    pub(super) async fn remove(&mut self, product: &str) -> Result<(), Failure> {
        let basket = self.client()?.remove_from_basket(&product.into()).await?;
        self.offered = None;
        self.emit_basket(&basket);
        Ok(())
    }

    /// Walks the steps before payment (store pickup) and shows the payment options;
    /// selling for a customer, the delivery screen first.
    pub(super) async fn pay(&mut self) -> Result<(), Failure> {
        if self.acting.is_some() {
            return self.delivery().await;
        }
        let client = self.client()?.clone();
        self.sale = Sale::Basket;
        let store = self.config.settings.kiosk.store.clone();
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
        let option = self
            .sale
            .step()
            .and_then(|s| s.answer.payment_options())
            .and_then(|p| p.payment_options.iter().find(|o| o.pk.0 == pk).cloned());
        if let Sale::Step(step) = &mut self.sale {
            step.chosen.option = option;
        }
        self.post(PageName::PaymentOptionSelection, &[("payment_option", pk)])
            .await
    }

    pub(super) async fn cash_register_installment(&mut self, pk: &str) -> Result<(), Failure> {
        self.post(PageName::CashRegisterInstallmentSelection, &[("installment", pk)])
            .await
    }

    pub(super) async fn pay_on_delivery(&mut self, choice: &str, agreed: bool) -> Result<(), Failure> {
        // Two steps; after a failure between them, the server is already on the second.
        let at = self.sale.step().and_then(|s| s.answer.current_kind());
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
            .filter(|p| super::strategies::installment_page(*p))
            .unwrap_or(PageName::SavedCardInstallmentSelection);
        self.post(page, &[("installment", pk)]).await
    }

    pub(super) async fn saved_card_confirm(&mut self, agreed: bool) -> Result<(), Failure> {
        self.mark_payment_sent();
        self.post(PageName::SavedCardConfirmation, &[("agreement", flag(agreed))])
            .await
    }

    /// Back to the basket once the server answers; a register poller stops at once.
    pub(super) async fn cancel(&mut self) -> Result<(), Failure> {
        self.leave_step();
        if self.placed_meanwhile().await? {
            return Ok(());
        }
        self.sale = Sale::Basket;
        let basket = self.client()?.basket().await?;
        self.emit_basket(&basket);
        self.show(Sale::Basket, View::Basket);
        Ok(())
    }

    pub(super) async fn new_sale(&mut self) -> Result<(), Failure> {
        self.leave_step();
        if self.placed_meanwhile().await? {
            return Ok(());
        }
        self.sale = Sale::Basket;
        match self.client()?.clear_basket().await {
            Ok(basket) => self.emit_basket(&basket),
            // The customer's session ended on the server: their sale ends here anyway.
            Err(e) if self.acting.is_some() && !e.is_connectivity() => {
                tracing::warn!(error = %e, "the customer's basket could not be emptied; their session ended");
            }
            Err(e) => return Err(e.into()),
        }
        self.offered = None;
        // A sale for a customer ends: the next is the kiosk's own.
        self.end_customer().await?;
        self.emit(Update::BasketNotice(Notice::Clear));
        let home = self.home();
        self.show(Sale::Basket, home);
        Ok(())
    }

    /// Retry on the error screen. Never resends a step blindly: where a step was sent,
    /// it reads where the server is and shows that. A person who was leaving the sale
    /// (Cancel, New sale) leaves it, unless the server says the order was placed.
    pub(super) async fn retry(&mut self) -> Result<(), Failure> {
        let retry = match &self.sale {
            Sale::Failed { retry, .. } => retry.clone(),
            _ => None,
        };
        match retry {
            None | Some(super::Intent::Connect) if self.client.is_none() => self.connect().await,
            Some(super::Intent::Cancel) if self.sale.step().is_some() => self.cancel().await,
            Some(super::Intent::NewSale | super::Intent::EndUnconfirmed) if self.sale.step().is_some() => {
                self.new_sale().await
            }
            _ if self.sale.step().is_some() => {
                let answer = self.client()?.checkout().await?;
                self.show_answer(answer).await
            }
            Some(super::Intent::Pay) => self.pay().await,
            // Looking for a customer or opening the form: the same again, where it was.
            Some(
                intent @ (super::Intent::FindCustomer
                | super::Intent::SearchCustomers(_)
                | super::Intent::NewCustomerForm),
            ) if matches!(self.sale.beneath(), Sale::Basket | Sale::Customers { .. }) => {
                self.sale = std::mem::replace(&mut self.sale, Sale::Basket).into_beneath();
                let result = self.handle_customer(intent.clone()).await;
                if result.is_err() {
                    // Failed again: the error screen's Try again still means this.
                    let under = std::mem::replace(&mut self.sale, Sale::Basket);
                    self.sale = Sale::Failed {
                        retry: Some(intent),
                        under: Box::new(under),
                    };
                }
                result
            }
            _ => {
                let basket = self.client()?.basket().await?;
                self.emit_basket(&basket);
                self.show(Sale::Basket, View::Basket);
                Ok(())
            }
        }
    }

    /// Where a payment step was sent, the server's answer decides how the sale ends: an
    /// order placed meanwhile shows its thank-you screen (true) instead of what was asked.
    pub(super) async fn placed_meanwhile(&mut self) -> Result<bool, Failure> {
        if !self.sale.payment_step_sent() {
            return Ok(false);
        }
        let answer = self.client()?.checkout().await?;
        if answer.current_kind() == Some(PageName::ThankYou) {
            self.show_answer(answer).await?;
            return Ok(true);
        }
        Ok(false)
    }

    /// A person ends a sale whose payment step was never answered. The server is asked
    /// once more; when it still cannot say, the person's decision stands: the sale ends
    /// without an order on this kiosk (never in the offline queue), and the kiosk signs
    /// in again, which empties the account's basket before the next sale uses it.
    pub(super) async fn end_unconfirmed(&mut self) -> Result<(), Failure> {
        self.sale.stop_register();
        match self.new_sale().await {
            Err(Failure::Commerce(e)) if self.sale.payment_step_sent() => {
                let sent = self.sale.unconfirmed();
                tracing::warn!(?sent, error = %e, "staff ended a sale whose payment is unconfirmed");
                self.sale = Sale::Basket;
                self.client = None;
                self.server_basket = None;
                self.offered = None;
                self.emit(crate::ui::view::basket_update(&Default::default()));
                self.emit(Update::BasketNotice(Notice::Clear));
                let home = self.home();
                self.show(Sale::Basket, home);
                let _ = self.tx.send(super::Intent::Connect);
                Ok(())
            }
            other => other,
        }
    }

    /// Leaves the step for a request that ends it. A step that can have placed the order
    /// stays known (its poller stopped) until the server answers, so that a failure
    /// shows Retry, which reads the checkout; any other step is left at once.
    fn leave_step(&mut self) {
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
            let amount = amount(&answer);
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
                Page::ShippingOptionSelection(ctx) => Self::shipping_view(&ctx, &amount),
                Page::PaymentOptionSelection(ctx) => {
                    self.offered = Some(answer.clone());
                    let known: Vec<KnownOption> = ctx
                        .payment_options
                        .iter()
                        .map(|o| KnownOption {
                            pk: o.pk.0.clone(),
                            name: o.name.clone(),
                            payment_type: o.payment_type.clone(),
                        })
                        .collect();
                    self.remember(remembered::PAYMENT_OPTIONS, &known);
                    View::PaymentOptions {
                        options: online_options(
                            &known,
                            self.config.self_service,
                            &self.config.self_service_payment_types,
                            self.acting.is_none(),
                        ),
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
                        choices: super::local::choice_items(&known),
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
                    self.show(Sale::ThankYou { local: None }, view);
                    return Ok(());
                }
                other => match self.strategy_page(&other, &answer, &mut chosen, &amount).await? {
                    Some(Next::Show(view)) => view,
                    Some(Next::Post(page, fields)) => {
                        if super::strategies::places_order(page) {
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

    /// The order placed: read back, its receipt printed, the basket shown empty.
    async fn thank_you(
        &mut self,
        ctx: &crate::commerce::pages::ThankYouContext,
        chosen: &Chosen,
        answer: &CheckoutResponse,
        agreed: Option<Money>,
    ) -> Result<View, Failure> {
        let order = match self.client()?.completed_order(&ctx.redirect_url).await {
            Ok(order) => order,
            Err(e) => {
                // The order is placed: its slip is printed from what the kiosk knows,
                // never skipped (a reprint would then give the previous customer's).
                tracing::warn!(error = %e, "order placed; reading it back failed");
                self.known_order(ctx, chosen, answer, agreed)
            }
        };
        let (number, total) = (order.number.clone(), format_try(order.amount));
        let method = chosen.option.as_ref().map(|o| o.name.clone()).unwrap_or_default();
        tracing::info!(order = %number, %method, "sale completed");
        let link = self
            .client()?
            .own_link(&ctx.redirect_url, crate::commerce::links::Own::CompletedOrder)
            .ok()
            .map(|u| u.to_string());
        let paid = crate::ui::view::Paid {
            card: chosen.card_name.clone(),
            installments: order.installment_count.unwrap_or(1),
            bank: chosen.bank.as_ref().map(|b| b.bank.name.clone()).unwrap_or_default(),
            iban: chosen
                .bank
                .as_ref()
                .map(|b| crate::ui::view::grouped_iban(&b.iban))
                .unwrap_or_default(),
            reference: chosen
                .reference
                .clone()
                .filter(|_| chosen.bank.is_some())
                .unwrap_or_default(),
            // The server's word on the delivery, else what was chosen here.
            delivery: order
                .delivery
                .as_ref()
                .and_then(|d| d.describe())
                .or_else(|| chosen.delivery.as_ref().map(|d| d.1.clone()))
                .unwrap_or_default(),
            shipped: order
                .delivery
                .as_ref()
                .map(|d| d.shipped())
                .or_else(|| chosen.delivery.as_ref().map(|d| d.0))
                .unwrap_or_default(),
            customer: self.acting.as_ref().map(|a| a.customer.name()).unwrap_or_default(),
        };
        let receipt = crate::devices::receipt::for_order(&order, link, &self.config.receipt, &paid);
        self.print(receipt);
        if let Ok(basket) = self.client()?.basket().await {
            self.emit_basket(&basket);
        }
        self.emit(Update::BasketNotice(Notice::Clear));
        Ok(View::ThankYou {
            order_number: number,
            amount: total,
            method,
            reset_in: self.config.thank_you_seconds as i32,
            pending: false,
            paid,
        })
    }

    /// The order as the kiosk knows it when the server's record cannot be read: the
    /// basket it paid for, the amount the server last said, the option chosen.
    fn known_order(
        &self,
        ctx: &crate::commerce::pages::ThankYouContext,
        chosen: &Chosen,
        answer: &CheckoutResponse,
        agreed: Option<Money>,
    ) -> crate::commerce::OrderRecord {
        let pre_order = answer.pre_order.as_ref();
        let items = self
            .server_basket
            .iter()
            .flat_map(|b| &b.basketitem_set)
            .map(|item| crate::commerce::OrderLine {
                sku: item.product.sku.clone(),
                name: item.product.name.clone(),
                quantity: item.quantity,
                unit_price: item.unit_price,
                total_amount: item.total_amount,
            })
            .collect();
        crate::commerce::OrderRecord {
            number: ctx.order_id.0.clone(),
            amount: agreed.or_else(|| due(answer)).unwrap_or_default(),
            payment_type: chosen
                .option
                .as_ref()
                .map(|o| o.payment_type.clone())
                .unwrap_or_default(),
            payment_option: chosen.option.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
            installment_count: pre_order
                .and_then(|p| p.installment.as_ref())
                .map(|i| i.installment_count),
            items,
            created_date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ..Default::default()
        }
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

/// The options a customer sees online, in the server's order: every option, greyed with
/// the reason where it cannot be chosen here. At a self-service kiosk with
/// `kiosk.payment_types`, those come first in that order and the rest are for staff.
pub fn online_options(
    options: &[KnownOption],
    self_service: bool,
    kiosk_types: &[String],
    guest: bool,
) -> Vec<PaymentOptionItem> {
    use crate::ui::Unavailable;
    let item = |o: &KnownOption, why: Unavailable| PaymentOptionItem {
        pk: o.pk.clone().into(),
        name: o.name.clone().into(),
        kind: crate::ui::view::payment_kind(&o.payment_type),
        available: why == Unavailable::None,
        why,
    };
    // A type this build does not know stays on screen, greyed. A self-service guest
    // never sees the account's own (the kiosk's saved cards and loyalty money).
    let takeable = |o: &KnownOption| {
        if !SCREEN_PAYMENT_TYPES.contains(&o.payment_type.as_str()) {
            Unavailable::Unsupported
        } else if self_service && guest && ACCOUNT_PAYMENT_TYPES.contains(&o.payment_type.as_str()) {
            Unavailable::IdentifyFirst
        } else {
            Unavailable::None
        }
    };
    if !self_service || kiosk_types.is_empty() {
        return options.iter().map(|o| item(o, takeable(o))).collect();
    }
    let mut items: Vec<PaymentOptionItem> = kiosk_types
        .iter()
        .flat_map(|t| options.iter().filter(move |o| &o.payment_type == t))
        .map(|o| item(o, takeable(o)))
        .collect();
    items.extend(
        options
            .iter()
            .filter(|o| !kiosk_types.contains(&o.payment_type))
            .map(|o| item(o, Unavailable::StaffOnly)),
    );
    items
}

/// The amount due as the server last said it.
fn due(answer: &CheckoutResponse) -> Option<Money> {
    answer
        .pre_order
        .as_ref()
        .and_then(|p| p.total_amount.or(p.unpaid_amount))
}

/// The amount due as the server last said it, for the screen.
pub(super) fn amount(answer: &CheckoutResponse) -> String {
    format_try(due(answer).unwrap_or_default())
}

pub(super) fn flag(yes: bool) -> &'static str {
    if yes {
        "true"
    } else {
        "false"
    }
}

fn base64_png(text: &str) -> Result<crate::ui::view::Pixels, String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| e.to_string())?;
    crate::ui::view::decode_image(&bytes)
}
