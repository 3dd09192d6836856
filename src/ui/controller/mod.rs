//! The sale controller: taps become intents, intents become requests, answers become
//! screens. It runs on the tokio side and talks to the UI thread only through
//! [`Update`]s, so the screen never waits on the network.
//!
//! One intent is handled at a time, in order: a double tap cannot send two requests,
//! and the buttons are disabled (the `busy` overlay) from the tap until the answer.
//! This file holds the `Controller` itself, its start, the loop that takes intents one
//! at a time, its supervision, and the error screens. The sale in progress is one
//! `Sale` value (`sale.rs`); `intent.rs` routes each intent by it to the file of its
//! concern, each adding to the one `Controller`: `basket.rs` (signing in, the server's
//! basket), `steps.rs` (the checkout steps after Pay), `strategies.rs` and `handoff.rs`
//! (the other strategies, the customer's phone), `ending.rs` (thank-you, Cancel, New
//! sale, Retry), `local.rs` (the sale made without the server), `options.rs` (what
//! those share of payment options and pages), `customer.rs` and `delivery.rs` (selling
//! for a customer), `staff.rs` (roles, PIN pad, orders, diagnostics), `register.rs`
//! (the cash-register poller), `housekeeping.rs` (the queue's database, reconnecting,
//! catalog copy and replay), `products.rs` (the product search, on a task of its own),
//! `pictures.rs` (product pictures, kept on disk), `returns.rs` (the clerk's returns and
//! cancellations) and `printing.rs`.
//!
//! Not here: how a screen looks (`ui/*.slint`, `super::view`), how a request travels
//! (`crate::commerce`).

mod basket;
mod day_close;
mod customer;
mod delivery;
mod ending;
mod gift_cards;
mod handoff;
mod housekeeping;
mod intent;
mod local;
mod options;
mod pictures;
mod printing;
mod products;
mod register;
mod returns;
mod sale;
mod staff;
mod steps;
mod strategies;

pub use customer::{masked_email, masked_phone};
pub use delivery::AddressForm;
pub use intent::Intent;
pub use products::DEBOUNCE as SEARCH_DEBOUNCE;
pub use returns::ReturnPick;
use sale::{Chosen, Sale, Step};
pub use staff::DEMO_PIN;

use super::view::{basket_update, Busy, Notice, ScreenError, Update, View, VoucherNote};
use crate::commerce::pages::CheckoutResponse;
use crate::commerce::records::{Basket, Pk};
use crate::commerce::{CommerceClient, CommerceError, Money};
use crate::offline::queue::Limits;
use crate::settings::Settings;
use crate::sim::Simulator;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

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
    let printer_report = printing::LastReport::default();
    let printer = printing::start_printer(&config, &sink, &printer_report);
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
        printer_report,
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
        staff_called: false,
        sale_view: std::cell::RefCell::new(View::Basket),
        language: String::new(),
        product_search: Default::default(),
        collect_at: None,
        voucher_panel: false,
        exchange: None,
        pictures: pictures::PictureCache::new(None),
    };
    let mut controller = controller;
    controller.pictures = pictures::PictureCache::new(controller.config.data_dir.as_deref());
    controller.role = controller.default_role();
    controller.language = controller.config.settings.kiosk.language.clone();
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
    printer_report: printing::LastReport,
    /// The customer the sale is for, and the session on their behalf (`customer.rs`).
    /// `client` stays the kiosk's own session.
    acting: Option<customer::Acting>,
    /// Customers' sales that ended offline, whose own baskets go back when the line does.
    put_back_later: Vec<customer::Acting>,
    /// The server's delivery options, as last listed.
    delivery_options: Vec<crate::commerce::pages::DeliveryOption>,
    /// A customer called staff and nobody has come yet.
    staff_called: bool,
    /// The screens' language, asked of the server in `Accept-Language`.
    language: String,
    /// The product search in progress, its request stopped by the next query.
    product_search: products::ProductSearch,
    /// The store (pk, name) the sale is to be collected at, where a product was sold
    /// for collection at another store; the kiosk's own otherwise. Ends with the basket.
    collect_at: Option<(Pk, String)>,
    /// The basket's voucher panel is up: a scan is a voucher's code.
    voucher_panel: bool,
    /// An exchange: a return's store credit, redeemed when its sale reaches the payment
    /// options, and what it left given back at its thank-you.
    exchange: Option<returns::Exchange>,
    /// Where product pictures are kept.
    pictures: pictures::PictureCache,
    /// The last screen of the sale (not a staff screen's): where their way back goes.
    /// Kept by `emit`, which every screen passes through and which takes `&self`.
    sale_view: std::cell::RefCell<View>,
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
                // A gift card's number and code are money: out of the logs.
                Intent::Scanned(_) if matches!(self.sale, Sale::GiftCard { .. }) => tracing::debug!("intent Scanned(…)"),
                // A single-use voucher is money: its code stays out of the logs.
                Intent::ApplyVoucher(_) => tracing::debug!("intent ApplyVoucher(…)"),
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

    /// A page of the clerk's list of offline orders, over the sale (which is kept).
    fn show_orders(&mut self, number: usize) -> Result<(), Failure> {
        self.open_store();
        let page = match &self.store {
            Some(store) => crate::offline::queue::page(store, number, crate::offline::queue::PAGE_SIZE)
                .map_err(|e| Failure::Other(e.to_string()))?,
            None => Default::default(),
        };
        let under = std::mem::replace(&mut self.sale, Sale::Basket).without_staff();
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
        if sale.is_staff_screen() {
            if !self.sale.is_staff_screen() {
                self.emit(Update::BackTo(staff::back_to(&self.sale_view.borrow())));
            }
        } else {
            self.role = self.default_role();
        }
        if !matches!(sale, Sale::Basket) {
            self.voucher_panel = false;
        }
        self.sale = sale;
        self.emit(Update::Show(view));
    }

    /// Asks the server's labels in `language` from the next request on, in the kiosk's
    /// session and the customer's.
    fn set_language(&mut self, language: String) {
        for client in self.client.iter().chain(self.acting.as_ref().map(|a| &a.client)) {
            client.set_language(&language);
        }
        self.language = language;
    }

    fn emit(&self, update: Update) {
        if let Update::Show(view) = &update {
            if !staff::is_staff_view(view) {
                *self.sale_view.borrow_mut() = view.clone();
                (self.sink)(Update::StepBack(ending::step_back(view)));
            }
        }
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
                let amount = self.sale.step().map(|s| options::amount(&s.answer)).unwrap_or_default();
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
        // The voucher panel says it, and keeps the code for another try.
        if let (Intent::ApplyVoucher(_) | Intent::RemoveVoucher, Failure::Commerce(e)) = (&intent, &failure) {
            tracing::warn!(error = %e, "the voucher could not be sent");
            if e.is_connectivity() {
                self.line_problem = crate::ui::view::line_problem(e);
            }
            self.emit(match intent {
                Intent::ApplyVoucher(_) => Update::Voucher(VoucherNote::Unreachable),
                _ => Update::BasketNotice(Notice::Failed(e.to_string())),
            });
            return;
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
        if basket.basketitem_set.is_empty() && self.collect_at.take().is_some() {
            self.emit(Update::CollectAt(String::new()));
        }
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
