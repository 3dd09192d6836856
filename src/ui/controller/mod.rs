//! The sale controller: taps become intents, intents become requests, answers become
//! screens. It runs on the tokio side and talks to the UI thread only through
//! [`Update`]s, so the screen never waits on the network.
//!
//! One intent is handled at a time, in order: a double tap cannot send two requests,
//! and the buttons are disabled (the `busy` overlay) from the tap until the answer.
//!
//! The sale in progress is one [`Sale`] value, and [`Controller::handle`] routes each
//! intent by it. One file per concern, each adding to the one `Controller`:
//! `online.rs` (the server's basket and checkout steps), `local.rs` (the sale made
//! without the server), `register.rs` (the cash-register poller), `housekeeping.rs`
//! (the queue's database, reconnecting, catalog copy and replay) and `printing.rs`.
//!
//! Not here: how a screen looks (`ui/*.slint`, `super::view`), how a request travels
//! (`crate::commerce`).

mod customer;
mod delivery;
mod housekeeping;
mod local;
mod online;
mod printing;
mod register;
mod staff;
mod strategies;

pub use customer::{masked_email, masked_phone};
pub use delivery::AddressForm;
pub use staff::DEMO_PIN;

use super::view::{basket_update, Busy, Notice, ScreenError, Sent, Update, View};
use crate::commerce::pages::{CheckoutResponse, PaymentOption, SavedCard};
use crate::commerce::records::Basket;
use crate::commerce::{CommerceClient, CommerceError, Money};
use crate::offline::queue::Limits;
use crate::settings::Settings;
use crate::sim::Simulator;
use local::{LocalSale, LocalStep};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

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
    /// A person ends a sale whose payment step was never answered (the unconfirmed
    /// screen), after the server was asked once more.
    EndUnconfirmed,
    /// A row of a choice list (a bank account, a credit option, a MobilExpress card).
    Choose(String),
    /// The confirmation screen's button, with the agreement as ticked.
    Confirm {
        agreed: bool,
    },
    /// The keypad's number: a phone, a code sent by SMS, a card's first digits.
    Number(String),
    /// Demo mode: the simulated payment service approves, as the customer's phone would.
    ApproveOnPhone,
    /// The hand-off watcher saw the checkout move on.
    HandoffAnswer(Box<CheckoutResponse>),
    /// The hand-off ended without an order: declined, timed out, or failed.
    HandoffEnded(strategies::HandoffEnd),
    /// Demo mode: the simulated register takes the payment now.
    PayAtRegister,
    /// The register poller saw the checkout move on.
    RegisterAnswer(Box<CheckoutResponse>),
    RegisterFailed(String),
    /// Time to look at the line and the offline queue.
    Tick,
    /// The clerk's list of offline orders, from its newest page.
    ShowOrders,
    /// Another page of that list (0 is the newest).
    OrdersPage(usize),
    /// A code from the barcode scanner: added to the basket when the basket is up.
    Scanned(String),
    /// The clerk asks for the last receipt again.
    ReprintLast,
    /// The background drain ended; whether it found the line down, and whether an
    /// order failed in it (the next drain then waits longer: `housekeeping.rs`).
    Drained {
        line: Option<crate::ui::LineProblem>,
        failed: bool,
    },
    /// The background catalog refresh ended: how many products, or why not.
    CatalogRefreshed(Result<usize, String>),
    /// The hidden gesture: the staff's PIN pad.
    Staff,
    /// A PIN typed on the pad.
    Pin(String),
    /// The technician's checks, again.
    ShowDiagnostics,
    /// The technician's export for support.
    ExportDiagnostics,
    /// The technician reopens setup.
    OpenSetup,
    /// The clerk's Customer button: the search.
    FindCustomer,
    SearchCustomers(String),
    /// A customer of the search's results, by pk: the sale is theirs from now on.
    ChooseCustomer(String),
    NewCustomerForm,
    CreateCustomer(Box<crate::commerce::customers::NewCustomer>),
    /// Self-service: the customer says who they are with their phone and a code.
    Identify,
    /// Delivery: collect in this store.
    Collect,
    /// Delivery: ship to this address of the customer's (pk).
    ShipTo(String),
    NewAddressForm,
    /// A city chosen on the new address's form (its index in the list shown).
    CityChosen(i32),
    SaveAddress(AddressForm),
    /// From the new address's form back to the delivery screen.
    BackToDelivery,
}

impl Intent {
    /// Intents of the part of a sale before payment, which can go on without the server.
    fn sells_offline(&self) -> bool {
        matches!(
            self,
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

    /// Intents nobody tapped: they change no button and show no busy overlay.
    fn is_quiet(&self) -> bool {
        matches!(
            self,
            Intent::RegisterAnswer(_)
                | Intent::RegisterFailed(_)
                | Intent::PayAtRegister
                | Intent::ApproveOnPhone
                | Intent::HandoffAnswer(_)
                | Intent::HandoffEnded(_)
                | Intent::Tick
                | Intent::Drained { .. }
                | Intent::CatalogRefreshed(_)
        )
    }
}

/// Where the commerce server is and who the kiosk signs in as.
#[derive(Clone)]
pub enum Backend {
    /// Start the built-in simulator with this scenario and sign in as its demo account.
    Demo(Box<crate::sim::Scenario>),
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
    pub tick_every: Duration,
    pub price_tolerance_percent: Money,
    /// How often the local catalog copy is refreshed while online.
    pub catalog_every: Duration,
    /// Sent orders older than this leave the queue (checked once a day).
    pub retention: Duration,
    /// Strategies that may be sold while the server cannot be reached.
    pub offline_payment_types: Vec<String>,
    /// Self-service: the payment types customers may choose, in this order (empty: all).
    pub self_service_payment_types: Vec<String>,
    /// Hand-off page addresses of the wallets (BKM Express, Masterpass).
    pub handoff: crate::settings::HandoffSettings,
    /// How long the kiosk waits for a payment on the customer's phone.
    pub handoff_wait: Duration,
    pub limits: Limits,
    /// The whole settings and their file, for the technician's checks; the staff's PINs.
    pub settings: Settings,
    pub settings_file: Option<std::path::PathBuf>,
    pub pins: crate::settings::PinSettings,
    /// The receipt printer; `None` prints nothing. Needs `data_dir` (jobs live there).
    pub printer: Option<crate::settings::PrinterSettings>,
    pub scanner: Option<crate::settings::ScannerSettings>,
    pub receipt: crate::settings::ReceiptSettings,
    /// End the process when the controller fails, so the device's service manager
    /// starts the kiosk again (the kiosk's own run; tests and screenshots keep going).
    pub exit_on_panic: bool,
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
    let every = config.tick_every;
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
    let printer = printing::start_printer(&config, &sink);
    if let Some(scanner) = &config.scanner {
        let scans = tx.clone();
        crate::devices::scanner::spawn(
            scanner.clone(),
            Arc::new(move |code| {
                let _ = scans.send(Intent::Scanned(code));
            }),
        );
    }
    let (sink_for_panic, exit_on_panic) = (sink.clone(), config.exit_on_panic);
    let controller = Controller {
        printer,
        config,
        sink,
        tx,
        client: None,
        sim: None,
        sale: Sale::Basket,
        offered: None,
        server_basket: None,
        logos: Default::default(),
        store: None,
        store_problem: None,
        line_down: false,
        catalog_synced: None,
        pruned: None,
        drain: None,
        drain_backoff: Default::default(),
        line_problem: crate::ui::LineProblem::Unreachable,
        catalog_refresh: None,
        role: staff::Role::Customer,
        pin_pad: Default::default(),
        after_pin: None,
        acting: None,
        put_back_later: Vec::new(),
        delivery_options: Vec::new(),
    };
    let mut controller = controller;
    controller.role = controller.default_role();
    tokio::spawn(supervise(controller.run(rx), sink_for_panic, exit_on_panic));
    handle.send(Intent::Connect);
    handle
}

/// Runs the controller. If it panics, the screen says the kiosk is restarting (never a
/// frozen "please wait") and, on a device, the process ends a moment later so that its
/// service manager starts it again.
async fn supervise(run: impl std::future::Future<Output = ()> + Send + 'static, sink: Sink, exit: bool) {
    let Err(failure) = tokio::spawn(run).await else { return };
    if !failure.is_panic() {
        return;
    }
    tracing::error!("the sale controller failed; the kiosk restarts");
    sink(Update::Restarting);
    if exit {
        tokio::time::sleep(Duration::from_secs(3)).await;
        std::process::exit(70);
    }
}

/// Where the sale in progress stands. One value at a time, so that a poller without its
/// barcode on screen, a local basket at a server step or a thank-you screen with a step
/// still open cannot be written; what is on screen follows from it.
enum Sale {
    /// The server's basket is the sale: the basket (or the welcome screen) is up.
    Basket,
    /// At a server checkout step, shown on screen.
    Step(Step),
    /// The customer pays on their phone: the QR is up; dropping the watcher stops it.
    Handoff {
        step: Step,
        /// Held for its `Drop`, which stops the task.
        #[allow(dead_code)]
        watcher: register::Poller,
        /// The service's page, for the demo's approval.
        url: String,
    },
    /// The cash-register barcode is up; dropping the poller stops it.
    Register {
        step: Step,
        number: String,
        /// Held for its `Drop`, which stops the task.
        #[allow(dead_code)]
        poller: register::Poller,
    },
    /// Sold without the server (`local.rs`): a basket from the catalog copy, ending in
    /// the queue.
    Local { sale: LocalSale, at: LocalStep },
    /// The thank-you screen is up: a reconnect must not take it away. An order taken
    /// offline keeps its local sale (the choices last seen) for the next customer.
    ThankYou { local: Option<LocalSale> },
    /// The error screen is up over the sale, which is kept. `retry` is what Retry
    /// does again; `None` offers no Retry.
    Failed { retry: Option<Intent>, under: Box<Sale> },
    /// The clerk's list of offline orders is up over the sale.
    Orders { under: Box<Sale> },
    /// The staff's PIN pad is up over the sale.
    Staff { under: Box<Sale> },
    /// The technician's diagnostics are up over the sale.
    Diagnostics { under: Box<Sale> },
    /// The clerk looks for the customer (or opens an account), over the basket: the
    /// search's last results.
    Customers {
        results: Vec<crate::commerce::customers::Customer>,
    },
    /// A self-service customer identifies: their phone once the code was sent, and
    /// the wrong codes so far.
    Identify { phone: Option<String>, wrong: u32 },
    /// A new delivery address's form, over the delivery step: the server's cities and
    /// the chosen city's districts.
    NewAddress {
        step: Step,
        cities: Vec<crate::commerce::customers::Named>,
        districts: Vec<crate::commerce::customers::Named>,
    },
}

/// A server checkout step, and what the next screens need of the steps before it.
struct Step {
    /// The server's last answer: the step it is on.
    answer: CheckoutResponse,
    chosen: Chosen,
}

/// What the customer chose on the steps so far.
#[derive(Default, Clone)]
struct Chosen {
    /// The payment option, named on the thank-you screen.
    option: Option<PaymentOption>,
    /// The saved cards listed, and the chosen one's name for the next screens.
    cards: Vec<SavedCard>,
    card_name: String,
    /// A step that can place the order was sent (see [`Sale::payment_step_sent`]).
    payment_sent: bool,
    /// What the wallets' pages gave that their hand-off address needs.
    wallet: crate::checkout::handoff::WalletContext,
    /// Funds transfer: the accounts listed, the one chosen, the reference to quote.
    banks: Vec<crate::commerce::pages::BankAccount>,
    bank: Option<crate::commerce::pages::BankAccount>,
    reference: Option<String>,
    /// MobilExpress: the cards registered to the phone.
    phone_cards: Vec<crate::commerce::pages::MobilExpressCard>,
    /// Wrong codes typed on this step.
    wrong_codes: u32,
    /// How the goods reach the customer: shipped (true) or collected, and where.
    delivery: Option<(bool, String)>,
}

impl Sale {
    /// The sale under an error or orders screen.
    fn beneath(&self) -> &Sale {
        match self {
            Sale::Failed { under, .. }
            | Sale::Orders { under }
            | Sale::Staff { under }
            | Sale::Diagnostics { under } => under.beneath(),
            sale => sale,
        }
    }

    fn beneath_mut(&mut self) -> &mut Sale {
        match self {
            Sale::Failed { under, .. }
            | Sale::Orders { under }
            | Sale::Staff { under }
            | Sale::Diagnostics { under } => under.beneath_mut(),
            sale => sale,
        }
    }

    fn into_beneath(self) -> Sale {
        match self {
            Sale::Failed { under, .. }
            | Sale::Orders { under }
            | Sale::Staff { under }
            | Sale::Diagnostics { under } => under.into_beneath(),
            sale => sale,
        }
    }

    /// The server step the sale is at, under any error screen.
    fn step(&self) -> Option<&Step> {
        match self.beneath() {
            Sale::Step(step) | Sale::Register { step, .. } | Sale::Handoff { step, .. } => Some(step),
            _ => None,
        }
    }

    /// A step that can place the order was sent (a barcode issued to the register, an
    /// agreement or a card confirmation posted): the order may exist on the server, so
    /// the sale can end only by the server's answer, never in the offline queue.
    fn payment_step_sent(&self) -> bool {
        match self.beneath() {
            Sale::Register { .. } | Sale::Handoff { .. } => true,
            Sale::Step(step) => step.chosen.payment_sent,
            _ => false,
        }
    }

    /// What was sent, where a payment step was sent: what the unconfirmed screen says.
    fn unconfirmed(&self) -> Option<Sent> {
        if !self.payment_step_sent() {
            return None;
        }
        let step = self.step()?;
        let service = || step.chosen.option.as_ref().map(|o| o.name.clone()).unwrap_or_default();
        if matches!(self.beneath(), Sale::Handoff { .. }) || step.answer.current().is_some_and(strategies::is_handoff) {
            return Some(Sent::Phone(service()));
        }
        Some(match (self.beneath(), step.answer.current()) {
            (Sale::Register { number, .. }, _) => Sent::Register(number.clone()),
            (_, Some(crate::commerce::pages::Page::CashRegisterComplete(ctx))) => {
                Sent::Register(ctx.number.as_ref().map(|n| n.0.clone()).unwrap_or_default())
            }
            (_, Some(crate::commerce::pages::Page::SavedCardConfirmation(_))) => {
                Sent::Card(step.chosen.card_name.clone())
            }
            _ => Sent::Agreement,
        })
    }

    /// Stops a register poller and keeps what is known of the step, for a request that
    /// leaves the barcode screen: until the server answers, the sale is still at it.
    fn stop_register(&mut self) {
        let sale = self.beneath_mut();
        if !matches!(sale, Sale::Register { .. } | Sale::Handoff { .. }) {
            return;
        }
        if let Sale::Register { step, .. } | Sale::Handoff { step, .. } = std::mem::replace(sale, Sale::Basket) {
            *sale = Sale::Step(Step {
                answer: step.answer,
                chosen: Chosen {
                    payment_sent: true,
                    ..step.chosen
                },
            });
        }
    }

    /// The sale is carried on without the server.
    fn is_local(&self) -> bool {
        matches!(self.beneath(), Sale::Local { .. } | Sale::ThankYou { local: Some(_) })
    }

    /// Scanned codes are taken only while the basket (or the welcome screen) is up.
    fn takes_scans(&self) -> bool {
        matches!(
            self,
            Sale::Basket
                | Sale::Local {
                    at: LocalStep::Basket,
                    ..
                }
        )
    }
}

struct Controller {
    config: ControllerConfig,
    sink: Sink,
    tx: mpsc::UnboundedSender<Intent>,
    client: Option<CommerceClient>,
    sim: Option<Simulator>,
    sale: Sale,
    /// The answer that listed the payment options, kept while the basket is unchanged:
    /// after a cancel the server stays on the strategy, and the list is needed again.
    offered: Option<CheckoutResponse>,
    /// The server's basket as last read, carried on locally if the line goes down.
    server_basket: Option<Basket>,
    /// Bank logos by address; `None` where one could not be fetched or read.
    logos: std::collections::HashMap<String, Option<super::view::Pixels>>,
    /// The offline queue's database, opened at the first tick.
    store: Option<crate::offline::Store>,
    /// Why the database cannot be used; the kiosk sells online without it.
    store_problem: Option<String>,
    /// The last request failed on the line.
    line_down: bool,
    /// When the local catalog copy was last refreshed by this kiosk.
    catalog_synced: Option<Instant>,
    /// When sent orders past their retention were last removed.
    pruned: Option<Instant>,
    /// Queued orders being sent in the background, between sales.
    drain: Option<Drain>,
    /// How long after a failed drain the next one waits.
    drain_backoff: housekeeping::Backoff,
    /// Why the line went down, for the banner.
    line_problem: crate::ui::LineProblem,
    /// The catalog copy being refreshed in the background.
    catalog_refresh: Option<tokio::task::JoinHandle<()>>,
    /// Who is at the kiosk (see `staff.rs`), and the PIN pad's wrong tries.
    role: staff::Role,
    pin_pad: staff::PinPad,
    /// What asked for the PIN pad: done once the PIN proves the role it needs.
    after_pin: Option<Intent>,
    printer: Option<crate::devices::printer::PrinterHandle>,
    /// The customer the sale is for, and the session on their behalf (`customer.rs`).
    /// `client` stays the kiosk's own session.
    acting: Option<customer::Acting>,
    /// Customers' sales that ended offline, whose own baskets go back when the line does.
    put_back_later: Vec<customer::Acting>,
    /// The server's delivery options, as last listed.
    delivery_options: Vec<crate::commerce::pages::DeliveryOption>,
}

/// The background drain: its stop flag (read before each order) and its task.
struct Drain {
    stop: Arc<std::sync::atomic::AtomicBool>,
    task: tokio::task::JoinHandle<()>,
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
            match &intent {
                // A card token, a phone number, a code and a whole checkout answer stay
                // out of the logs.
                Intent::SavedCard(_) => tracing::debug!("intent SavedCard(…)"),
                Intent::Number(_) => tracing::debug!("intent Number(…)"),
                Intent::Pin(_) => tracing::debug!("intent Pin(…)"),
                // Who the customer is stays out of the logs.
                Intent::SearchCustomers(_) => tracing::debug!("intent SearchCustomers(…)"),
                Intent::CreateCustomer(_) => tracing::debug!("intent CreateCustomer(…)"),
                Intent::SaveAddress(_) => tracing::debug!("intent SaveAddress(…)"),
                Intent::RegisterAnswer(answer) | Intent::HandoffAnswer(answer) => {
                    tracing::debug!(page = ?answer.current_kind(), "intent answer")
                }
                intent => tracing::debug!(?intent, "intent"),
            }
            let quiet = intent.is_quiet();
            if !quiet {
                // A tap may use the account's basket: a background drain stops first.
                self.stop_drain().await;
                self.emit(Update::Busy(Some(if matches!(intent, Intent::Connect) {
                    Busy::Connecting
                } else {
                    Busy::Working
                })));
            }
            let mut outcome = self.handle(intent.clone()).await;
            if let Err(Failure::Commerce(e)) = &outcome {
                if e.is_connectivity() {
                    self.line_problem = crate::ui::view::line_problem(e);
                }
                if e.is_connectivity() && self.carry_on_locally(&intent) {
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
    }

    /// Routes an intent by the state of the sale.
    async fn handle(&mut self, intent: Intent) -> Result<(), Failure> {
        let local_too = matches!(intent, Intent::PayOnDelivery { .. } | Intent::Retry);
        if self.sale.is_local() && (intent.sells_offline() || local_too) {
            return self.handle_local(intent).await;
        }
        match intent {
            Intent::Connect => self.connect().await,
            Intent::Start => {
                self.show(Sale::Basket, View::Basket);
                Ok(())
            }
            Intent::AddCode(code) => self.add_code(code.trim()).await,
            Intent::ChangeQuantity(product, delta) => self.change_quantity(&product, delta).await,
            Intent::Remove(product) => self.remove(&product).await,
            Intent::Pay => self.pay().await,
            Intent::ChooseOption(pk) => self.choose_option(&pk).await,
            Intent::CashRegisterInstallment(pk) => self.cash_register_installment(&pk).await,
            Intent::PayOnDelivery { choice, agreed } => self.pay_on_delivery(&choice, agreed).await,
            Intent::SavedCard(token) => self.saved_card(&token).await,
            Intent::SavedCardInstallment(pk) => self.saved_card_installment(&pk).await,
            Intent::SavedCardConfirm { agreed } => self.saved_card_confirm(agreed).await,
            Intent::Cancel => self.cancel().await,
            Intent::NewSale => self.new_sale().await,
            Intent::Retry => self.retry().await,
            // Ending a sale whose payment is unknown is staff's decision.
            Intent::EndUnconfirmed if self.role < staff::Role::Clerk => self.ask_pin_for(Intent::EndUnconfirmed),
            Intent::EndUnconfirmed => self.end_unconfirmed().await,
            Intent::PayAtRegister => {
                self.pay_at_register();
                Ok(())
            }
            Intent::Choose(key) => self.choose(&key).await,
            Intent::Confirm { agreed } => self.confirm(agreed).await,
            Intent::Number(digits) if matches!(self.sale, Sale::Identify { .. }) => self.identify_number(&digits).await,
            Intent::Number(digits) => self.number(&digits).await,
            Intent::ApproveOnPhone => {
                self.approve_on_phone();
                Ok(())
            }
            Intent::HandoffAnswer(answer) => {
                if !matches!(self.sale, Sale::Handoff { .. }) {
                    return Ok(());
                }
                self.show_answer(*answer).await
            }
            Intent::HandoffEnded(end) => self.handoff_ended(end).await,
            Intent::RegisterAnswer(answer) => self.show_answer(*answer).await,
            Intent::RegisterFailed(message) => Err(Failure::Other(message)),
            Intent::Tick => {
                self.tick().await;
                Ok(())
            }
            Intent::Drained { line, failed } => {
                self.drained(line, failed).await;
                Ok(())
            }
            Intent::CatalogRefreshed(refreshed) => {
                self.catalog_refreshed(refreshed);
                Ok(())
            }
            Intent::Scanned(code) => {
                // The scanner works, whatever the screen: the technician's checks say when.
                let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                self.remember(crate::offline::remembered::LAST_SCAN, &now);
                if !self.sale.takes_scans() {
                    tracing::info!(%code, "scan ignored: the sale is past the basket");
                    return Ok(());
                }
                if self.config.self_service {
                    self.emit(Update::Show(View::Basket));
                }
                if self.sale.is_local() {
                    return self.handle_local(Intent::AddCode(code)).await;
                }
                self.add_code(code.trim()).await
            }
            // The clerk's and the technician's intents need the role, whatever the screen.
            Intent::ReprintLast | Intent::ShowOrders | Intent::OrdersPage(_) if self.role < staff::Role::Clerk => {
                self.ask_pin_for(intent)
            }
            Intent::ShowDiagnostics | Intent::ExportDiagnostics | Intent::OpenSetup
                if self.role < staff::Role::Technician =>
            {
                self.ask_pin_for(intent)
            }
            Intent::OpenSetup => {
                self.emit(Update::Setup(Box::new(self.config.settings.clone())));
                Ok(())
            }
            Intent::ReprintLast => self.reprint_last(),
            Intent::ShowOrders => self.show_orders(0),
            Intent::OrdersPage(number) => self.show_orders(number),
            Intent::Staff => self.ask_pin(),
            Intent::Pin(pin) => self.pin(&pin).await,
            Intent::ShowDiagnostics => self.show_diagnostics(None).await,
            Intent::ExportDiagnostics => self.export_diagnostics().await,
            intent @ (Intent::FindCustomer
            | Intent::SearchCustomers(_)
            | Intent::ChooseCustomer(_)
            | Intent::NewCustomerForm
            | Intent::CreateCustomer(_)
            | Intent::Identify
            | Intent::Collect
            | Intent::ShipTo(_)
            | Intent::NewAddressForm
            | Intent::CityChosen(_)
            | Intent::SaveAddress(_)
            | Intent::BackToDelivery) => self.handle_customer(intent).await,
        }
    }

    /// A page of the clerk's list of offline orders, over the sale (which is kept).
    fn show_orders(&mut self, number: usize) -> Result<(), Failure> {
        self.open_store();
        let page = match &self.store {
            Some(store) => crate::offline::queue::page(store, number, crate::offline::queue::PAGE_SIZE)
                .map_err(|e| Failure::Other(e.to_string()))?,
            None => Default::default(),
        };
        let under = std::mem::replace(&mut self.sale, Sale::Basket).into_beneath();
        let stuck = crate::offline::queue::StuckRule::from(&self.config.settings.offline);
        self.show(Sale::Orders { under: Box::new(under) }, View::Orders { page, stuck });
        Ok(())
    }

    /// Housekeeping found what it found; the sale acts on it here.
    async fn tick(&mut self) {
        match self.housekeeping().await {
            housekeeping::Found::SignedOut => {
                if self.connect().await.is_ok() {
                    self.line_down = false;
                }
            }
            // The line is back under the unconfirmed screen: the server's answer ends it.
            housekeeping::Found::LineUp
                if matches!(self.sale, Sale::Failed { .. }) && self.sale.payment_step_sent() =>
            {
                if let Err(Failure::Commerce(e)) = self.retry().await {
                    tracing::info!(error = %e, "the payment is still unconfirmed");
                }
            }
            housekeeping::Found::LineUp if self.sale.is_local() => {
                if let Err(Failure::Commerce(e)) = self.leave_local().await {
                    tracing::info!(error = %e, "not back yet");
                }
            }
            housekeeping::Found::LineUp | housekeeping::Found::LineDown => {}
        }
        self.emit_queue();
    }

    /// Moves the sale on and shows its screen: the one place both change together.
    /// Leaving the staff's screens ends their role.
    fn show(&mut self, sale: Sale, view: View) {
        if !matches!(
            sale,
            Sale::Orders { .. } | Sale::Staff { .. } | Sale::Diagnostics { .. }
        ) {
            self.role = self.default_role();
        }
        self.sale = sale;
        self.emit(Update::Show(view));
    }

    fn emit(&self, update: Update) {
        (self.sink)(update);
    }

    /// The sale's session: the customer's when selling for one, else the kiosk's.
    fn client(&self) -> Result<&CommerceClient, Failure> {
        if let Some(acting) = &self.acting {
            return Ok(&acting.client);
        }
        self.client
            .as_ref()
            .ok_or(Failure::Commerce(CommerceError::SessionExpired))
    }

    /// Shows the error screen over the sale; over a sale whose payment step was sent and
    /// not answered, the unconfirmed screen, which says what is known.
    fn fail(&mut self, intent: Intent, failure: Failure) {
        // A Retry that failed keeps what the error screen would do again.
        let intent = match (&intent, &self.sale) {
            (
                Intent::Retry,
                Sale::Failed {
                    retry: Some(before), ..
                },
            ) => before.clone(),
            _ => intent,
        };
        if let Some(sent) = self.sale.unconfirmed() {
            let detail = match &failure {
                Failure::Commerce(CommerceError::LoginRejected(_)) | Failure::Unsupported(_) => None,
                Failure::Commerce(e) => {
                    if e.is_connectivity() {
                        self.line_problem = crate::ui::view::line_problem(e);
                        self.line_down = true;
                        self.emit_queue();
                    }
                    Some(e.to_string())
                }
                Failure::Other(message) => Some(message.clone()),
            };
            if let Some(detail) = detail {
                tracing::warn!(error = %detail, ?sent, "a payment step is unconfirmed");
                let amount = self.sale.step().map(|s| online::amount(&s.answer)).unwrap_or_default();
                let under = std::mem::replace(&mut self.sale, Sale::Basket).into_beneath();
                let retry = Some(intent);
                self.show(
                    Sale::Failed {
                        retry,
                        under: Box::new(under),
                    },
                    View::Unconfirmed { sent, amount, detail },
                );
                return;
            }
        }
        let (error, retry) = match failure {
            // Selling for a customer, their session ended: nothing works until New sale.
            Failure::Commerce(CommerceError::SessionExpired) if self.acting.is_some() => {
                tracing::warn!("the session on the customer's behalf ended");
                (ScreenError::CustomerSession, None)
            }
            Failure::Commerce(CommerceError::LoginRejected(message)) => {
                (ScreenError::Login(message), Some(Intent::Connect))
            }
            Failure::Commerce(e) if e.is_connectivity() || self.client.is_none() => {
                tracing::warn!(error = %e, "request failed");
                self.line_problem = crate::ui::view::line_problem(&e);
                self.line_down = true;
                self.emit_queue();
                // Basket taps stay on the basket with a message; anything else offers Retry.
                if matches!(
                    intent,
                    Intent::AddCode(_) | Intent::ChangeQuantity(..) | Intent::Remove(_)
                ) {
                    self.emit(Update::BasketNotice(Notice::Failed(e.to_string())));
                    return;
                }
                let retry = if self.client.is_none() { Intent::Connect } else { intent };
                (ScreenError::Network(e.to_string()), Some(retry))
            }
            Failure::Commerce(e) => {
                tracing::warn!(error = %e, "request refused");
                (ScreenError::Other(e.to_string()), Some(intent))
            }
            Failure::Unsupported(page) => (ScreenError::Unsupported(page), None),
            Failure::Other(message) => (ScreenError::Other(message), None),
        };
        let can_retry = retry.is_some();
        let under = std::mem::replace(&mut self.sale, Sale::Basket).into_beneath();
        self.show(
            Sale::Failed {
                retry,
                under: Box::new(under),
            },
            View::Error { error, can_retry },
        );
    }

    fn emit_basket(&mut self, basket: &Basket) {
        self.server_basket = Some(basket.clone());
        self.emit(basket_update(basket));
    }

    /// The screen a sale starts on.
    fn home(&self) -> View {
        if self.config.self_service {
            View::Welcome
        } else {
            View::Basket
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_controller_that_panics_says_the_kiosk_is_restarting() {
        let said = Arc::new(std::sync::Mutex::new(Vec::new()));
        let heard = said.clone();
        let sink: Sink = Arc::new(move |update| heard.lock().unwrap().push(update));
        supervise(async { panic!("a bug") }, sink.clone(), false).await;
        assert!(matches!(said.lock().unwrap()[..], [Update::Restarting]));
        supervise(async {}, sink, false).await;
        assert_eq!(said.lock().unwrap().len(), 1, "a controller that ends says nothing");
    }
}
