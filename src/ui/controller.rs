//! The sale controller: taps become intents, intents become requests, answers become
//! screens. It runs on the tokio side and talks to the UI thread only through
//! [`Update`]s, so the screen never waits on the network.
//!
//! One intent is handled at a time, in order: a double tap cannot send two requests,
//! and the buttons are disabled (the `busy` overlay) from the tap until the answer.

use super::local::{self, LocalSale};
use super::view::{basket_update, installment_item, Busy, Notice, Trouble, Update, View};
use super::{CardItem, PaymentOptionItem};
use crate::checkout::walk_to_payment;
use crate::commerce::money::format_try;
use crate::commerce::pages::{Basket, CheckoutResponse, Page, PageName, PaymentOption, SavedCard};
use crate::commerce::{ClientConfig, CommerceClient, CommerceError, Money};
use crate::offline::queue::{self, Limits, QueueError};
use crate::offline::remembered::{self, KnownChoice, KnownOption};
use crate::sim::Simulator;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// The payment types the touchscreen can run; other options are not shown.
pub const SCREEN_PAYMENT_TYPES: &[&str] = &["cash_register", "pay_on_delivery", "saved_card"];

/// Something the person at the kiosk asked for, or an answer that arrived.
#[derive(Debug, Clone)]
pub enum Intent {
    Connect,
    Start,
    AddCode(String),
    ChangeQuantity(String, i32),
    Remove(String),
    Pay,
    ChooseOption(String),
    CashRegisterInstallment(String),
    PayOnDelivery {
        choice: String,
        agreed: bool,
    },
    SavedCard(String),
    SavedCardInstallment(String),
    SavedCardConfirm {
        agreed: bool,
    },
    Cancel,
    NewSale,
    Retry,
    /// Demo mode: the simulated register takes the payment now.
    PayAtRegister,
    /// The register poller saw the checkout move on.
    RegisterAnswer(Box<CheckoutResponse>),
    RegisterFailed(String),
    /// Time to look at the line and the offline queue.
    Tick,
    /// The clerk's list of offline orders.
    ShowOrders,
    /// A code from the barcode scanner: added to the basket when the basket is up.
    Scanned(String),
    /// The clerk asks for the last receipt again.
    ReprintLast,
}

/// Where the commerce server is and who the kiosk signs in as.
#[derive(Clone)]
pub enum Backend {
    /// Start the built-in simulator with this scenario and sign in as its demo account.
    Demo(crate::sim::Scenario),
    Server {
        url: String,
        email: String,
        password: String,
    },
}

#[derive(Clone)]
pub struct ControllerConfig {
    pub backend: Backend,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub call_staff_after: Duration,
    pub self_service: bool,
    pub thank_you_seconds: u32,
    /// Where the offline queue lives; `None` runs without one.
    pub data_dir: Option<std::path::PathBuf>,
    /// How often to look at the line and the queue, and send waiting orders.
    pub outbox_every: Duration,
    pub price_tolerance_percent: Money,
    /// How often the local catalog copy is refreshed while online.
    pub catalog_every: Duration,
    /// Strategies that may be sold while the server cannot be reached.
    pub offline_payment_types: Vec<String>,
    pub limits: Limits,
    /// The receipt printer; `None` prints nothing. Needs `data_dir` (jobs live there).
    pub printer: Option<crate::settings::PrinterSettings>,
    pub scanner: Option<crate::settings::ScannerSettings>,
    pub receipt: crate::settings::ReceiptSettings,
}

/// Sends updates to the screen. On a real window it hops to the UI thread; in tests
/// it may deliver them anywhere.
pub type Sink = Arc<dyn Fn(Update) + Send + Sync>;

/// The handle the UI keeps: send intents here.
#[derive(Clone)]
pub struct ControllerHandle {
    tx: mpsc::UnboundedSender<Intent>,
}

impl ControllerHandle {
    pub fn send(&self, intent: Intent) {
        // Only fails when the runtime is shutting down; nothing left to do then.
        let _ = self.tx.send(intent);
    }
}

/// Starts the controller on the current tokio runtime; it begins by connecting.
pub fn spawn(config: ControllerConfig, sink: Sink) -> ControllerHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let handle = ControllerHandle { tx: tx.clone() };
    let ticks = tx.clone();
    let every = config.outbox_every;
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        interval.tick().await;
        loop {
            interval.tick().await;
            if ticks.send(Intent::Tick).is_err() {
                break;
            }
        }
    });
    let printer = match (&config.printer, &config.data_dir) {
        (Some(settings), Some(dir)) => {
            let sink = sink.clone();
            let report: crate::devices::printer::Reporter = Arc::new(move |r| sink(Update::Printer(r)));
            Some(crate::devices::printer::spawn(settings.clone(), dir.clone(), report))
        }
        (Some(_), None) => {
            tracing::warn!("a printer is set but there is no data directory for its jobs; not printing");
            None
        }
        _ => None,
    };
    if let Some(scanner) = &config.scanner {
        let scans = tx.clone();
        crate::devices::scanner::spawn(
            scanner.clone(),
            Arc::new(move |code| {
                let _ = scans.send(Intent::Scanned(code));
            }),
        );
    }
    let controller = Controller {
        printer,
        on_basket: std::cell::Cell::new(false),
        config,
        sink,
        tx,
        client: None,
        sim: None,
        response: None,
        option: None,
        options_answer: None,
        saved_cards: Vec::new(),
        saved_card_name: String::new(),
        logos: Default::default(),
        register_number: None,
        poller: None,
        failed: None,
        store: None,
        store_problem: None,
        offline: false,
        basket_lines: std::cell::Cell::new(0),
        catalog_synced: None,
        local: None,
        last_basket: None,
        thank_you_shown: false,
    };
    tokio::spawn(controller.run(rx));
    handle.send(Intent::Connect);
    handle
}

struct Controller {
    config: ControllerConfig,
    sink: Sink,
    tx: mpsc::UnboundedSender<Intent>,
    client: Option<CommerceClient>,
    sim: Option<Simulator>,
    /// The last checkout answer: the step the server is on.
    response: Option<CheckoutResponse>,
    option: Option<PaymentOption>,
    /// The answer that listed the payment options, kept while the basket is unchanged:
    /// after a cancel the server stays on the strategy, and the list is needed again.
    options_answer: Option<CheckoutResponse>,
    /// The cards last shown, to name the chosen one on the next screens.
    saved_cards: Vec<SavedCard>,
    saved_card_name: String,
    /// Bank logos by address; `None` where one could not be fetched or read.
    logos: std::collections::HashMap<String, Option<super::view::Pixels>>,
    register_number: Option<String>,
    poller: Option<tokio::task::JoinHandle<()>>,
    /// The intent that failed on the network, for Retry.
    failed: Option<Intent>,
    /// The offline queue's database, opened at the first tick.
    store: Option<crate::offline::Store>,
    /// Why the database cannot be used; the kiosk sells online without it.
    store_problem: Option<String>,
    /// The last request failed on the line.
    offline: bool,
    /// Lines in the basket as last shown: replay waits for an empty basket.
    basket_lines: std::cell::Cell<usize>,
    /// When the local catalog copy was last refreshed by this kiosk.
    catalog_synced: Option<Instant>,
    /// The sale is being made without the server (`crate::ui::local`).
    local: Option<LocalSale>,
    /// The server's basket as last shown, carried on locally if the line goes down.
    last_basket: Option<Basket>,
    /// A thank-you screen is up: a reconnect must not take it away from the customer.
    thank_you_shown: bool,
    printer: Option<crate::devices::printer::PrinterHandle>,
    /// The basket (or welcome) screen is up: scans go to the basket only then.
    on_basket: std::cell::Cell<bool>,
}

/// How an intent ended when it did not end well.
enum Failure {
    Commerce(CommerceError),
    Unsupported(String),
    Other(String),
}

impl From<CommerceError> for Failure {
    fn from(e: CommerceError) -> Self {
        Failure::Commerce(e)
    }
}

impl Controller {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Intent>) {
        while let Some(intent) = rx.recv().await {
            tracing::debug!(?intent, "intent");
            let quiet = matches!(
                intent,
                Intent::RegisterAnswer(_) | Intent::RegisterFailed(_) | Intent::PayAtRegister | Intent::Tick
            );
            if !quiet {
                self.emit(Update::Busy(Some(if matches!(intent, Intent::Connect) {
                    Busy::Connecting
                } else {
                    Busy::Working
                })));
            }
            let mut outcome = self.handle(intent.clone()).await;
            if let Err(Failure::Commerce(e)) = &outcome {
                if e.is_connectivity() && self.carry_on_offline(&intent) {
                    tracing::warn!(error = %e, "the server cannot be reached; selling offline");
                    outcome = self.handle_local(intent.clone()).await;
                }
            }
            if let Err(failure) = outcome {
                self.fail(intent, failure);
            }
            if !quiet {
                self.emit(Update::Busy(None));
            }
        }
        self.stop_poller();
    }

    fn emit(&self, update: Update) {
        match &update {
            Update::Basket { lines, .. } => self.basket_lines.set(lines.len()),
            Update::Show(view) => self.on_basket.set(matches!(view, View::Basket | View::Welcome)),
            _ => {}
        }
        (self.sink)(update);
    }

    fn client(&self) -> Result<&CommerceClient, Failure> {
        self.client
            .as_ref()
            .ok_or(Failure::Commerce(CommerceError::SessionExpired))
    }

    fn fail(&mut self, intent: Intent, failure: Failure) {
        match failure {
            Failure::Commerce(CommerceError::LoginRejected(message)) => {
                self.failed = Some(Intent::Connect);
                self.emit(Update::Show(View::Error {
                    trouble: Trouble::Login(message),
                    can_retry: true,
                }));
            }
            Failure::Commerce(e) if e.is_connectivity() || self.client.is_none() => {
                tracing::warn!(error = %e, "request failed");
                self.offline = true;
                self.emit_outbox();
                // Basket taps stay on the basket with a message; anything else offers Retry.
                if matches!(
                    intent,
                    Intent::AddCode(_) | Intent::ChangeQuantity(..) | Intent::Remove(_)
                ) {
                    self.emit(Update::BasketNotice(Notice::Failed(e.to_string())));
                } else {
                    self.failed = Some(if self.client.is_none() { Intent::Connect } else { intent });
                    self.emit(Update::Show(View::Error {
                        trouble: Trouble::Network(e.to_string()),
                        can_retry: true,
                    }));
                }
            }
            Failure::Commerce(e) => {
                tracing::warn!(error = %e, "request refused");
                self.failed = Some(intent);
                self.emit(Update::Show(View::Error {
                    trouble: Trouble::Other(e.to_string()),
                    can_retry: true,
                }));
            }
            Failure::Unsupported(page) => {
                self.emit(Update::Show(View::Error {
                    trouble: Trouble::Unsupported(page),
                    can_retry: false,
                }));
            }
            Failure::Other(message) => {
                self.emit(Update::Show(View::Error {
                    trouble: Trouble::Other(message),
                    can_retry: false,
                }));
            }
        }
    }

    async fn handle(&mut self, intent: Intent) -> Result<(), Failure> {
        let local_too = matches!(intent, Intent::PayOnDelivery { .. } | Intent::Retry);
        if self.local.is_some() && (sells_offline(&intent) || local_too) {
            return self.handle_local(intent).await;
        }
        match intent {
            Intent::Connect => self.connect().await,
            Intent::Start => {
                self.emit(Update::Show(View::Basket));
                Ok(())
            }
            Intent::AddCode(code) => self.add_code(code.trim()).await,
            Intent::ChangeQuantity(product, delta) => {
                let client = self.client()?.clone();
                let basket = client.basket().await?;
                let current = basket
                    .basketitem_set
                    .iter()
                    .find(|l| l.product.pk.0 == product)
                    .map(|l| l.quantity);
                let Some(current) = current else {
                    return Ok(());
                };
                let wanted = (i64::from(current) + i64::from(delta)).max(0) as u32;
                match client.set_quantity(&product.as_str().into(), wanted).await {
                    Ok(basket) => {
                        self.options_answer = None;
                        self.emit_basket(&basket);
                        self.emit(Update::BasketNotice(Notice::Clear));
                    }
                    Err(CommerceError::Http { message, .. }) => self.emit(Update::StepError(message)),
                    Err(e) => return Err(e.into()),
                }
                Ok(())
            }
            Intent::Remove(product) => {
                let basket = self.client()?.remove_from_basket(&product.as_str().into()).await?;
                self.options_answer = None;
                self.emit_basket(&basket);
                Ok(())
            }
            Intent::Pay => self.pay().await,
            Intent::ChooseOption(pk) => {
                self.option = self
                    .response
                    .as_ref()
                    .and_then(|r| r.payment_options())
                    .and_then(|p| p.payment_options.iter().find(|o| o.pk.0 == pk).cloned());
                let answer = self
                    .client()?
                    .post_step(PageName::PaymentOptionSelection, &[("payment_option", &pk)])
                    .await?;
                self.show(answer).await
            }
            Intent::CashRegisterInstallment(pk) => {
                self.post(PageName::CashRegisterInstallmentSelection, &[("installment", &pk)])
                    .await
            }
            Intent::PayOnDelivery { choice, agreed } => {
                // Two steps; after a failure between them, the server is already on the second.
                if self.current_kind() != Some(PageName::PayOnDelivery) {
                    let answer = self
                        .client()?
                        .post_step(PageName::PayOnDeliveryPaymentChoice, &[("payment_choice", &choice)])
                        .await?;
                    if answer.errors.is_some() || answer.current_kind() != Some(PageName::PayOnDelivery) {
                        return self.show(answer).await;
                    }
                    self.response = Some(answer);
                }
                self.post(
                    PageName::PayOnDelivery,
                    &[("agreement", if agreed { "true" } else { "false" })],
                )
                .await
            }
            Intent::SavedCard(token) => {
                self.saved_card_name = self
                    .saved_cards
                    .iter()
                    .find(|c| c.token == token)
                    .map(|c| format!("{} {}", c.name, c.masked_card_number))
                    .unwrap_or_default();
                self.post(PageName::SavedCardSelection, &[("card", &token)]).await
            }
            Intent::SavedCardInstallment(pk) => {
                self.post(PageName::SavedCardInstallmentSelection, &[("installment", &pk)])
                    .await
            }
            Intent::SavedCardConfirm { agreed } => {
                self.post(
                    PageName::SavedCardConfirmation,
                    &[("agreement", if agreed { "true" } else { "false" })],
                )
                .await
            }
            Intent::Cancel => {
                self.stop_poller();
                self.response = None;
                self.option = None;
                let basket = self.client()?.basket().await?;
                self.emit_basket(&basket);
                self.emit(Update::Show(View::Basket));
                Ok(())
            }
            Intent::NewSale => {
                self.thank_you_shown = false;
                self.stop_poller();
                self.response = None;
                self.option = None;
                let basket = self.client()?.clear_basket().await?;
                self.options_answer = None;
                self.emit_basket(&basket);
                self.emit(Update::BasketNotice(Notice::Clear));
                self.emit(Update::Show(if self.config.self_service {
                    View::Welcome
                } else {
                    View::Basket
                }));
                Ok(())
            }
            Intent::Retry => self.retry().await,
            Intent::PayAtRegister => {
                if let (Some(sim), Some(number)) = (&self.sim, &self.register_number) {
                    if let Err(e) = sim.world().cash_register_pay(number) {
                        tracing::info!(error = %e, "demo register");
                    }
                }
                Ok(())
            }
            Intent::RegisterAnswer(answer) => {
                self.poller = None;
                self.show(*answer).await
            }
            Intent::RegisterFailed(message) => Err(Failure::Other(message)),
            Intent::Tick => {
                self.tick().await;
                Ok(())
            }
            Intent::Scanned(code) => {
                if !self.on_basket.get() {
                    tracing::info!(%code, "scan ignored: the sale is past the basket");
                    return Ok(());
                }
                if self.config.self_service {
                    self.emit(Update::Show(View::Basket));
                }
                if self.local.is_some() {
                    return self.handle_local(Intent::AddCode(code)).await;
                }
                self.add_code(code.trim()).await
            }
            Intent::ReprintLast => {
                self.open_store();
                let queued = match self.store.as_mut() {
                    Some(store) => {
                        crate::devices::printer::reprint_last(store).map_err(|e| Failure::Other(e.to_string()))?
                    }
                    None => None,
                };
                match (&self.printer, queued) {
                    (Some(printer), Some(_)) => printer.nudge(),
                    _ => tracing::info!("nothing to reprint, or no printer"),
                }
                Ok(())
            }
            Intent::ShowOrders => {
                self.open_store();
                let orders = match &self.store {
                    Some(store) => crate::offline::queue::list(store).map_err(|e| Failure::Other(e.to_string()))?,
                    None => Vec::new(),
                };
                self.emit(Update::Show(View::Orders(orders)));
                Ok(())
            }
        }
    }

    async fn connect(&mut self) -> Result<(), Failure> {
        let (url, email, password, demo) = match &self.config.backend {
            Backend::Demo(scenario) => {
                if self.sim.is_none() {
                    let sim = Simulator::start(scenario.clone(), "127.0.0.1:0".parse().expect("a loopback address"))
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
            Backend::Server { url, email, password } => (url.clone(), email.clone(), password.clone(), false),
        };
        let mut config = ClientConfig::new(&url)?;
        config.connect_timeout = self.config.connect_timeout;
        config.request_timeout = self.config.request_timeout;
        let client = CommerceClient::new(config)?;
        client.login(&email, &password).await?;
        let basket = client.basket().await?;
        self.client = Some(client);
        self.emit(Update::Status {
            demo,
            server: url.trim_end_matches('/').to_string(),
            user: email,
        });
        if self.local.is_some() {
            // Back after selling offline: the sale on screen stays the customer's.
            self.offline = false;
            return self.leave_local().await;
        }
        self.emit_basket(&basket);
        self.emit(Update::Show(if self.config.self_service {
            View::Welcome
        } else {
            View::Basket
        }));
        Ok(())
    }

    async fn add_code(&mut self, code: &str) -> Result<(), Failure> {
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
                self.options_answer = None;
                self.emit_basket(&basket);
                self.emit(Update::BasketNotice(Notice::Added(product.name)));
            }
            // Out of stock and the like: the server's words, under the code field.
            Err(CommerceError::Http { message, .. }) => self.emit(Update::StepError(message)),
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    /// Walks the steps before payment (store pickup) and shows the payment options.
    async fn pay(&mut self) -> Result<(), Failure> {
        let client = self.client()?.clone();
        self.option = None;
        let answer = match walk_to_payment(&client).await {
            Ok(answer) => answer,
            Err(crate::checkout::CheckoutError::Commerce(e)) => return Err(e.into()),
            Err(crate::checkout::CheckoutError::Rejected { message, .. }) => {
                self.emit(Update::StepError(message));
                return Ok(());
            }
            Err(e) => return Err(Failure::Other(e.to_string())),
        };
        // The server may still be on a strategy the customer left: offer the list again.
        match (answer.payment_options().is_some(), self.options_answer.clone()) {
            (false, Some(mut options)) if answer.errors.is_none() => {
                options.pre_order = answer.pre_order.or(options.pre_order);
                self.show(options).await
            }
            _ => self.show(answer).await,
        }
    }

    async fn retry(&mut self) -> Result<(), Failure> {
        match self.failed.take() {
            None | Some(Intent::Connect) if self.client.is_none() => self.connect().await,
            // Never resend a step blindly: read where the server is, then show that.
            _ if self.response.is_some() => {
                let answer = self.client()?.checkout().await?;
                self.show(answer).await
            }
            Some(Intent::Pay) => self.pay().await,
            _ => {
                let basket = self.client()?.basket().await?;
                self.emit_basket(&basket);
                self.emit(Update::Show(View::Basket));
                Ok(())
            }
        }
    }

    fn current_kind(&self) -> Option<PageName> {
        self.response.as_ref().and_then(CheckoutResponse::current_kind)
    }

    async fn post(&mut self, page: PageName, fields: &[(&str, &str)]) -> Result<(), Failure> {
        let answer = self.client()?.post_step(page, fields).await?;
        self.show(answer).await
    }

    fn amount(&self, answer: &CheckoutResponse) -> String {
        let amount: Money = answer
            .pre_order
            .as_ref()
            .and_then(|p| p.total_amount.or(p.unpaid_amount))
            .unwrap_or_default();
        format_try(amount)
    }

    /// Turns the server's current step into a screen. Steps that need nothing from the
    /// customer are answered at once.
    async fn show(&mut self, mut answer: CheckoutResponse) -> Result<(), Failure> {
        for _ in 0..8 {
            if let Some(errors) = &answer.errors {
                tracing::info!(errors = %errors.summary(), "the server refused the step");
                let message = errors.messages();
                self.response = Some(answer);
                self.emit(Update::StepError(message));
                return Ok(());
            }
            let page = answer
                .current()
                .cloned()
                .ok_or_else(|| Failure::Other("the server named no step".into()))?;
            let amount = self.amount(&answer);
            let view = match page {
                Page::CashRegister(_) => {
                    answer = self.client()?.post_step(PageName::CashRegister, &[]).await?;
                    continue;
                }
                Page::PaymentOptionSelection(ctx) if answer.current().is_some() => {
                    self.options_answer = Some(answer.clone());
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
                        options: ctx
                            .payment_options
                            .iter()
                            .filter(|o| SCREEN_PAYMENT_TYPES.contains(&o.payment_type.as_str()))
                            .map(|o| PaymentOptionItem {
                                pk: o.pk.0.clone().into(),
                                name: o.name.clone().into(),
                                kind: o.payment_type.clone().into(),
                                available: true,
                            })
                            .collect(),
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
                    self.register_number = Some(number.0.clone());
                    self.emit(Update::Show(View::CashRegisterBarcode {
                        number: number.0.clone(),
                        amount,
                        barcode: image.ok(),
                        seconds,
                    }));
                    self.start_poller(seconds);
                    self.response = Some(answer);
                    return Ok(());
                }
                Page::PayOnDeliveryPaymentChoice(ctx) => {
                    let known: Vec<KnownChoice> = ctx
                        .payment_choices
                        .iter()
                        .map(|c| KnownChoice {
                            value: c.value.clone(),
                            label: c.label.clone(),
                            fee: c.price,
                        })
                        .collect();
                    self.remember(remembered::PAY_ON_DELIVERY_CHOICES, &known);
                    View::PayOnDelivery {
                        choices: local::choice_items(&known),
                        amount,
                        error: String::new(),
                    }
                }
                Page::SavedCardSelection(ctx) => {
                    self.saved_cards = ctx.cards.clone();
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
                    card_name: self.saved_card_name.clone(),
                    installments: ctx.installments.iter().map(installment_item).collect(),
                    error: String::new(),
                },
                Page::SavedCardConfirmation(_) => {
                    let installment = answer.pre_order.as_ref().and_then(|p| p.installment.clone());
                    View::SavedCardConfirm {
                        card: self.saved_card_name.clone(),
                        count: installment.as_ref().map(|i| i.installment_count as i32).unwrap_or(1),
                        total: amount.clone(),
                        amount,
                        error: String::new(),
                    }
                }
                Page::ThankYou(ctx) => {
                    self.stop_poller();
                    let order = self.client()?.completed_order(&ctx.redirect_url).await;
                    let (number, total) = match &order {
                        Ok(order) => (order.number.clone(), format_try(order.amount)),
                        Err(e) => {
                            tracing::warn!(error = %e, "order placed; reading it back failed");
                            (ctx.order_id.0.clone(), amount)
                        }
                    };
                    let method = self.option.as_ref().map(|o| o.name.clone()).unwrap_or_default();
                    tracing::info!(order = %number, %method, "sale completed");
                    if let Ok(order) = &order {
                        let link = self.client()?.url(&ctx.redirect_url).ok().map(|u| u.to_string());
                        let receipt = crate::devices::receipt::for_order(order, link, &self.config.receipt);
                        self.print(receipt);
                    }
                    self.response = None;
                    if let Ok(basket) = self.client()?.basket().await {
                        self.emit_basket(&basket);
                    }
                    self.thank_you_shown = true;
                    self.emit(Update::BasketNotice(Notice::Clear));
                    self.emit(Update::Show(View::ThankYou {
                        order_number: number,
                        amount: total,
                        method,
                        reset_in: self.config.thank_you_seconds as i32,
                        pending: false,
                    }));
                    return Ok(());
                }
                other => return Err(Failure::Unsupported(other.name().to_string())),
            };
            self.response = Some(answer);
            self.emit(Update::Show(view));
            return Ok(());
        }
        Err(Failure::Other(
            "the server kept answering steps that need no input".into(),
        ))
    }

    /// A bank's logo, fetched once; a missing or unreadable logo leaves just the name.
    async fn logo(&mut self, url: &str) -> Option<super::view::Pixels> {
        if let Some(known) = self.logos.get(url) {
            return known.clone();
        }
        let client = self.client.clone()?;
        let logo = match client.fetch_asset(url).await {
            Ok(bytes) => super::view::decode_image(&bytes)
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

    /// Opens the queue's database once; a damaged one is reported and left alone.
    fn open_store(&mut self) {
        if self.store.is_some() || self.store_problem.is_some() {
            return;
        }
        let Some(dir) = &self.config.data_dir else { return };
        match crate::offline::Store::open(dir) {
            Ok(store) => self.store = Some(store),
            Err(e) => {
                tracing::error!(error = %e, "the offline queue is unavailable; selling online only");
                self.store_problem = Some(e.to_string());
            }
        }
    }

    fn waiting_orders(&self) -> u32 {
        self.store
            .as_ref()
            .and_then(|s| crate::offline::queue::waiting(s).ok())
            .map(|(n, _)| n)
            .unwrap_or(0)
    }

    fn emit_outbox(&self) {
        self.emit(Update::Outbox {
            waiting: self.waiting_orders() as i32,
            offline: self.offline,
            problem: self.store_problem.clone().unwrap_or_default(),
        });
    }

    /// Nobody's touch needed: reconnects when the line comes back, and sends waiting
    /// orders while no sale is in progress (replay rebuilds the account's basket, so it
    /// must never run under a customer's sale).
    async fn tick(&mut self) {
        self.open_store();
        if self.client.is_none() {
            if self.connect().await.is_ok() {
                self.offline = false;
                self.failed = None;
            }
            self.emit_outbox();
            return;
        }
        let idle = self.response.is_none() && self.poller.is_none() && self.basket_lines.get() == 0;
        let waiting = self.waiting_orders();
        if self.offline && (waiting == 0 || !idle) {
            if let Some(client) = self.client.clone() {
                self.offline = client.basket().await.is_err_and(|e| e.is_connectivity());
            }
        }
        let stale = self
            .catalog_synced
            .is_none_or(|at| at.elapsed() >= self.config.catalog_every);
        if stale && !self.offline {
            if let (Some(client), Some(store)) = (self.client.clone(), self.store.as_mut()) {
                match crate::offline::catalog::sync(&client, store).await {
                    Ok(count) => {
                        tracing::info!(count, "catalog copy refreshed");
                        self.catalog_synced = Some(Instant::now());
                    }
                    Err(e) => tracing::warn!(error = %e, "catalog copy not refreshed"),
                }
            }
        }
        if waiting > 0 && idle {
            if let (Some(client), Some(store)) = (self.client.clone(), self.store.as_mut()) {
                match crate::offline::replay::drain(&client, store, self.config.price_tolerance_percent).await {
                    Ok(report) => {
                        for (reference, outcome) in &report.outcomes {
                            tracing::info!(reference, ?outcome, "queued order");
                        }
                        self.offline = report
                            .outcomes
                            .iter()
                            .any(|(_, o)| matches!(o, crate::offline::replay::Outcome::Failed { error } if error.is_connectivity()));
                    }
                    Err(e) => tracing::error!(error = %e, "the offline queue could not be read"),
                }
            }
        }
        if !self.offline && self.local.is_some() {
            if let Err(Failure::Commerce(e)) = self.leave_local().await {
                tracing::info!(error = %e, "not back yet");
            }
        }
        self.emit_outbox();
    }

    /// Keeps the receipt as a print job and wakes the printer; a failure is logged and
    /// the sale stands (the clerk can reprint).
    fn print(&mut self, receipt: crate::devices::receipt::Receipt) {
        let (Some(settings), Some(printer)) = (self.config.printer.clone(), self.printer.clone()) else {
            return;
        };
        let bytes = match crate::devices::receipt::encode(&receipt, &settings) {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::error!(error = %e, "the receipt could not be made");
                return;
            }
        };
        self.open_store();
        let Some(store) = self.store.as_mut() else { return };
        match crate::devices::printer::enqueue(store, "receipt", &receipt.order_number, &bytes) {
            Ok(_) => printer.nudge(),
            Err(e) => tracing::error!(error = %e, "the receipt could not be queued for printing"),
        }
    }

    fn emit_basket(&mut self, basket: &Basket) {
        self.last_basket = Some(basket.clone());
        self.emit(basket_update(basket));
    }

    fn home(&self) -> View {
        if self.config.self_service {
            View::Welcome
        } else {
            View::Basket
        }
    }

    /// Keeps a checkout fact for offline sales; failing to is logged, never a sale's end.
    fn remember<T: serde::Serialize>(&mut self, key: &str, value: &T) {
        self.open_store();
        if let Some(store) = self.store.as_mut() {
            if let Err(e) = remembered::save(store, key, value) {
                tracing::warn!(key, error = %e, "not remembered for offline sales");
            }
        }
    }

    /// After `intent` failed on the line: whether the sale goes on without the server.
    /// Only before payment (nothing can have been paid yet), and only with a queue to
    /// keep the order and a catalog copy to price it from.
    fn carry_on_offline(&mut self, intent: &Intent) -> bool {
        let starting = matches!(intent, Intent::Connect | Intent::Retry) && self.client.is_none();
        if self.local.is_some() || !(sells_offline(intent) || starting) || self.config.offline_payment_types.is_empty()
        {
            return false;
        }
        self.open_store();
        let Some(store) = &self.store else { return false };
        if !crate::offline::catalog::summary(store).is_ok_and(|(products, _)| products > 0) {
            tracing::warn!("no catalog copy: offline sales are impossible until one is synced");
            return false;
        }
        let mut sale = LocalSale::from_basket(self.last_basket.as_ref());
        sale.choices = remembered::load(store, remembered::PAY_ON_DELIVERY_CHOICES)
            .ok()
            .flatten()
            .unwrap_or_default();
        self.stop_poller();
        self.response = None;
        self.option = None;
        self.offline = true;
        self.local = Some(sale);
        self.emit_outbox();
        true
    }

    fn emit_local_basket(&self) {
        if let Some(sale) = &self.local {
            self.emit(sale.basket_update());
        }
    }

    /// The options shown offline: the server's last list, offline strategies available.
    fn offline_options(&self) -> Vec<KnownOption> {
        let known: Vec<KnownOption> = self
            .store
            .as_ref()
            .and_then(|s| remembered::load(s, remembered::PAYMENT_OPTIONS).ok().flatten())
            .unwrap_or_default();
        local::offline_options(&known, SCREEN_PAYMENT_TYPES, &self.config.offline_payment_types)
    }

    /// The sale while the server cannot be reached: the basket from the catalog copy,
    /// pay on delivery into the offline queue.
    async fn handle_local(&mut self, intent: Intent) -> Result<(), Failure> {
        let offline_types = self.config.offline_payment_types.clone();
        match intent {
            Intent::Connect | Intent::Retry => {
                if let Backend::Server { url, email, .. } = &self.config.backend {
                    self.emit(Update::Status {
                        demo: false,
                        server: url.trim_end_matches('/').to_string(),
                        user: email.clone(),
                    });
                }
                self.emit_local_basket();
                self.emit(Update::Show(self.home()));
            }
            Intent::Start | Intent::Cancel => {
                self.emit_local_basket();
                self.emit(Update::Show(View::Basket));
            }
            Intent::AddCode(code) => {
                let code = code.trim();
                if code.is_empty() {
                    return Ok(());
                }
                let store = self
                    .store
                    .as_ref()
                    .ok_or_else(|| Failure::Other("no offline store".into()))?;
                let notice = match crate::offline::catalog::lookup(store, code) {
                    Ok(Some(product)) => {
                        if let Some(sale) = self.local.as_mut() {
                            sale.add(&product, code);
                        }
                        self.emit_local_basket();
                        Notice::Added(product.name)
                    }
                    Ok(None) if crate::offline::catalog::summary(store).is_ok_and(|(n, _)| n == 0) => Notice::NoCatalog,
                    Ok(None) => Notice::NotFound(code.to_string()),
                    Err(e) => Notice::Failed(e.to_string()),
                };
                self.emit(Update::BasketNotice(notice));
            }
            Intent::ChangeQuantity(product, delta) => {
                if let Some(sale) = self.local.as_mut() {
                    sale.change(&product, delta);
                }
                self.emit_local_basket();
                self.emit(Update::BasketNotice(Notice::Clear));
            }
            Intent::Remove(product) => {
                if let Some(sale) = self.local.as_mut() {
                    sale.remove(&product);
                }
                self.emit_local_basket();
            }
            Intent::Pay => {
                let Some(sale) = &self.local else { return Ok(()) };
                if sale.lines.is_empty() {
                    return Ok(());
                }
                if self.client.is_some() && !self.offline {
                    match self.resume_online().await {
                        Ok(true) => return self.pay().await,
                        Ok(false) => return Ok(()),
                        Err(e) if e.is_connectivity() => {
                            tracing::info!(error = %e, "still offline");
                            self.offline = true;
                            self.emit_outbox();
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                let options = self.offline_options();
                let amount = self.local.as_ref().map(|s| format_try(s.total())).unwrap_or_default();
                self.emit(Update::Show(View::PaymentOptions {
                    options: local::option_items(&options, &offline_types),
                    amount,
                    error: String::new(),
                }));
            }
            Intent::ChooseOption(pk) => {
                let chosen = self.offline_options().into_iter().find(|o| o.pk == pk);
                let Some(option) = chosen
                    .filter(|o| o.payment_type == local::PAY_ON_DELIVERY && offline_types.contains(&o.payment_type))
                else {
                    // The screen offers only what can be sold offline; nothing to do.
                    return Ok(());
                };
                if let Some(sale) = self.local.as_mut() {
                    sale.option = Some(option);
                    let view = sale.pay_on_delivery_view();
                    self.emit(Update::Show(view));
                }
            }
            Intent::PayOnDelivery { choice, agreed } => {
                if agreed {
                    self.queue_pay_on_delivery(choice)?;
                }
            }
            Intent::NewSale => {
                self.thank_you_shown = false;
                if let Some(sale) = self.local.as_mut() {
                    sale.lines.clear();
                    sale.option = None;
                }
                if self.client.is_some() && !self.offline {
                    self.leave_local().await?;
                } else {
                    self.emit_local_basket();
                }
                self.emit(Update::BasketNotice(Notice::Clear));
                self.emit(Update::Show(self.home()));
            }
            other => return Err(Failure::Other(format!("{other:?} cannot be done offline"))),
        }
        Ok(())
    }

    /// Commits the offline sale to the queue before the customer is told it is accepted.
    fn queue_pay_on_delivery(&mut self, choice: String) -> Result<(), Failure> {
        let (Some(store), Some(sale)) = (self.store.as_mut(), self.local.as_mut()) else {
            return Err(Failure::Other("the offline queue is unavailable".into()));
        };
        let option_name = sale.option.as_ref().map(|o| o.name.clone()).filter(|n| !n.is_empty());
        let choice = Some(choice).filter(|c| !c.is_empty());
        let order = queue::NewOrder {
            payment_type: local::PAY_ON_DELIVERY.into(),
            option_name: option_name.clone(),
            choice: choice.clone(),
            contact: None,
            lines: sale.lines.clone(),
        };
        match queue::enqueue(store, &order, &self.config.limits) {
            Ok(queued) => {
                let fee = choice.map(|c| sale.fee(&c)).unwrap_or_default();
                tracing::info!(reference = %queued.reference, amount = %queued.amount, "sale taken offline");
                let receipt = crate::devices::receipt::for_queued(&queued, fee, &self.config.receipt);
                sale.lines.clear();
                sale.option = None;
                let basket = sale.basket_update();
                self.thank_you_shown = true;
                self.emit(basket);
                self.emit(Update::BasketNotice(Notice::Clear));
                self.emit_outbox();
                self.print(receipt);
                self.emit(Update::Show(View::ThankYou {
                    order_number: queued.reference,
                    amount: format_try(queued.amount + fee),
                    method: option_name.unwrap_or_default(),
                    reset_in: self.config.thank_you_seconds as i32,
                    pending: true,
                }));
            }
            Err(QueueError::Refused(refusal)) => {
                tracing::info!(%refusal, "offline sale refused");
                self.emit(Update::OfflineRefused(refusal));
            }
            Err(QueueError::Store(e)) => {
                tracing::error!(error = %e, "the offline sale could not be saved");
                self.emit(Update::StepError(e.to_string()));
            }
        }
        Ok(())
    }

    /// The line is back mid-sale: puts the local basket on the server. `Ok(false)` when
    /// the server refused a line (its words are on the basket screen).
    async fn resume_online(&mut self) -> Result<bool, CommerceError> {
        let client = self.client.clone().ok_or(CommerceError::SessionExpired)?;
        let lines = self.local.as_ref().map(|s| s.lines.clone()).unwrap_or_default();
        client.clear_basket().await?;
        let mut refused = None;
        for line in &lines {
            let product = crate::commerce::pages::Pk(line.product.clone());
            match client.add_to_basket(&product, line.quantity).await {
                Ok(_) => {}
                Err(CommerceError::Http { message, .. }) => {
                    refused.get_or_insert(format!("{}: {message}", line.name));
                }
                Err(e) => return Err(e),
            }
        }
        let basket = client.basket().await?;
        tracing::info!(lines = lines.len(), "back online; the offline basket is on the server");
        self.local = None;
        self.options_answer = None;
        self.emit_basket(&basket);
        self.emit_outbox();
        if let Some(message) = refused {
            self.emit(Update::Show(View::Basket));
            self.emit(Update::StepError(message));
            return Ok(false);
        }
        Ok(true)
    }

    /// The line is back: leaves offline selling once no sale is on screen. A sale in
    /// progress stays local until its Pay (which moves it to the server) or New sale.
    async fn leave_local(&mut self) -> Result<(), Failure> {
        let in_sale = self.local.as_ref().is_some_and(|s| !s.lines.is_empty()) || self.thank_you_shown;
        if !in_sale {
            // The server's basket may still hold the lines of the sale the cut interrupted.
            let basket = self.client()?.clear_basket().await?;
            self.local = None;
            self.options_answer = None;
            self.emit_basket(&basket);
        }
        self.emit_outbox();
        Ok(())
    }

    fn stop_poller(&mut self) {
        if let Some(poller) = self.poller.take() {
            poller.abort();
        }
        self.register_number = None;
    }

    /// Asks the server every `seconds` whether the register took the payment: one
    /// request at a time, through network failures, until the checkout moves on or the
    /// sale is cancelled (which aborts this task).
    fn start_poller(&mut self, seconds: u32) {
        self.stop_poller_task_only();
        let Ok(client) = self.client().cloned() else {
            return;
        };
        let sink = self.sink.clone();
        let tx = self.tx.clone();
        let call_staff_after = self.config.call_staff_after;
        self.poller = Some(tokio::spawn(async move {
            let started = Instant::now();
            let mut reconnecting = false;
            loop {
                let call_staff = started.elapsed() >= call_staff_after;
                for left in (1..=seconds).rev() {
                    sink(Update::Register {
                        seconds_left: left as i32,
                        reconnecting,
                        call_staff,
                    });
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                match client.post_step(PageName::CashRegisterComplete, &[]).await {
                    Ok(answer)
                        if answer.errors.is_none()
                            && matches!(answer.current(), Some(Page::CashRegisterComplete(_))) =>
                    {
                        reconnecting = false;
                    }
                    Ok(answer) => {
                        let _ = tx.send(Intent::RegisterAnswer(Box::new(answer)));
                        return;
                    }
                    Err(e) if e.is_connectivity() => {
                        tracing::info!(error = %e, "register check failed; retrying");
                        reconnecting = true;
                    }
                    Err(e) => {
                        let _ = tx.send(Intent::RegisterFailed(e.to_string()));
                        return;
                    }
                }
            }
        }));
    }

    fn stop_poller_task_only(&mut self) {
        if let Some(poller) = self.poller.take() {
            poller.abort();
        }
    }
}

/// Intents of the part of a sale before payment, which can go on without the server.
fn sells_offline(intent: &Intent) -> bool {
    matches!(
        intent,
        Intent::Start
            | Intent::AddCode(_)
            | Intent::ChangeQuantity(..)
            | Intent::Remove(_)
            | Intent::Pay
            | Intent::ChooseOption(_)
            | Intent::Cancel
            | Intent::NewSale
    )
}

fn base64_png(text: &str) -> Result<(u32, u32, Vec<u8>), String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| e.to_string())?;
    super::view::decode_image(&bytes)
}
