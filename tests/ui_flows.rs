//! The touchscreen, driven through its real Slint components with Slint's testing
//! backend, against the simulator over real HTTP: the three flows (cash register, pay on
//! delivery, saved card), their errors, the register poller, language and start-up.
//!
//! Each test owns its thread's Slint platform (`init_no_event_loop`); updates from the
//! controller arrive on a channel and are applied on the test thread, as the window's
//! event loop would apply them.

mod common;

use common::{start_sim, EMAIL, PASSWORD};
use i_slint_backend_testing::ElementHandle;
use instore_kiosk::settings::{Mode, Settings};
use instore_kiosk::sim::{Scenario, Simulator};
use instore_kiosk::ui::controller::{self, ControllerHandle, Sink};
use instore_kiosk::ui::view::{apply, Update};
use instore_kiosk::ui::{
    prepare_window, wire, BasketAdapter, CashRegisterAdapter, KioskAdapter, MainWindow, NoticeKind, PaymentAdapter,
    PrinterProblem, RefusalKind, Screen,
};
use slint::{ComponentHandle, Model};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Kiosk {
    window: MainWindow,
    updates: mpsc::Receiver<Update>,
    seen: std::cell::RefCell<Vec<Update>>,
    _handle: ControllerHandle,
    runtime: tokio::runtime::Runtime,
}

fn settings_for(url: Option<String>) -> Settings {
    let mut settings = Settings::default();
    settings.kiosk.language = "en".into();
    settings.commerce.url = url;
    settings.commerce.email = Some(EMAIL.into());
    settings.commerce.password = Some(PASSWORD.into());
    settings.commerce.request_timeout_ms = 3_000;
    settings.commerce.connect_timeout_ms = 1_000;
    settings.demo.cash_register_poll_seconds = 1;
    settings.demo.cash_register_auto_pay_after_polls = 1_000;
    settings
}

impl Kiosk {
    /// Builds the window and starts the controller; nothing awaited yet.
    fn launch(runtime: tokio::runtime::Runtime, settings: Settings) -> Kiosk {
        Kiosk::launch_with(runtime, settings, None)
    }

    /// With a data directory for the offline queue, looked at every 300 ms.
    fn launch_with(
        runtime: tokio::runtime::Runtime,
        settings: Settings,
        data_dir: Option<std::path::PathBuf>,
    ) -> Kiosk {
        i_slint_backend_testing::init_no_event_loop();
        let window = MainWindow::new().unwrap();
        prepare_window(&window, &settings);
        let (tx, updates) = mpsc::channel();
        let sink: Sink = std::sync::Arc::new(move |update| {
            let _ = tx.send(update);
        });
        let mut config = instore_kiosk::ui::controller_config(&settings, None);
        config.data_dir = data_dir;
        config.tick_every = Duration::from_millis(300);
        let handle = {
            let _guard = runtime.enter();
            controller::spawn(config, sink)
        };
        wire(&window, &handle, &settings);
        Kiosk {
            window,
            updates,
            seen: Default::default(),
            _handle: handle,
            runtime,
        }
    }

    fn start(runtime: tokio::runtime::Runtime, settings: Settings) -> Kiosk {
        let kiosk = Kiosk::launch(runtime, settings);
        // Connected once the header names the server.
        kiosk.wait("the first screen after connecting", |w| {
            !w.global::<KioskAdapter>().get_server().is_empty()
        });
        kiosk
    }

    /// Applies updates until `done` holds and the kiosk is not busy.
    fn wait(&self, what: &str, done: impl Fn(&MainWindow) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            while let Ok(update) = self.updates.try_recv() {
                self.seen.borrow_mut().push(update.clone());
                apply(&self.window, update);
            }
            if done(&self.window) && !self.window.global::<KioskAdapter>().get_busy() {
                return;
            }
            let kiosk = self.window.global::<KioskAdapter>();
            assert!(
                Instant::now() < deadline,
                "waited 20 s for {what}; screen {:?}, busy {}, basket message {:?}, error {:?}",
                kiosk_screen(&self.window),
                kiosk.get_busy(),
                self.window.global::<BasketAdapter>().get_notice_text(),
                kiosk.get_error_detail()
            );
            if Instant::now() + Duration::from_secs(1) > deadline {
                eprintln!(
                    "updates so far: {:#?}",
                    self.seen.borrow().iter().rev().take(8).collect::<Vec<_>>()
                );
            }
            if let Ok(update) = self.updates.recv_timeout(Duration::from_millis(50)) {
                self.seen.borrow_mut().push(update.clone());
                apply(&self.window, update);
            }
        }
    }

    fn find(&self, label: &str) -> ElementHandle {
        let found: Vec<ElementHandle> = ElementHandle::find_by_accessible_label(&self.window, label).collect();
        assert!(
            !found.is_empty(),
            "nothing labelled {label:?} on {:?}",
            kiosk_screen(&self.window)
        );
        found.into_iter().next().unwrap()
    }

    fn exists(&self, label: &str) -> bool {
        ElementHandle::find_by_accessible_label(&self.window, label)
            .next()
            .is_some()
    }

    fn enabled(&self, label: &str) -> bool {
        self.find(label).accessible_enabled().unwrap_or(true)
    }

    fn tap(&self, label: &str) {
        let element = self.find(label);
        assert!(element.accessible_enabled().unwrap_or(true), "{label:?} is disabled");
        element.invoke_accessible_default_action();
    }

    /// What a text element shows, by its element id (`Component::id`).
    fn text(&self, id: &str) -> String {
        let element = ElementHandle::find_by_element_id(&self.window, id)
            .next()
            .unwrap_or_else(|| panic!("no element {id} on {:?}", kiosk_screen(&self.window)));
        element.accessible_label().unwrap_or_default().to_string()
    }

    fn type_code(&self, code: &str) {
        for digit in code.chars() {
            // The keypad's key, not a basket line's quantity that reads the same.
            let key = ElementHandle::find_by_accessible_label(&self.window, &digit.to_string())
                .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button))
                .unwrap_or_else(|| panic!("no key {digit}"));
            key.invoke_accessible_default_action();
        }
        self.tap("Add");
    }

    fn screen(&self) -> Screen {
        kiosk_screen(&self.window)
    }

    /// A whole sale from the basket screen: socks, pay on delivery in cash, to thank-you.
    fn sell_socks_on_delivery(&self) {
        self.type_code("8690000010059");
        self.wait("one line", |w| w.global::<BasketAdapter>().get_lines().row_count() == 1);
        self.tap("Pay");
        self.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
        self.tap("Pay on Delivery");
        self.wait("pay on delivery", |w| kiosk_screen(w) == Screen::PayOnDelivery);
        self.tap("Kapıda nakit");
        self.tap("I have read and accept the sales agreement.");
        self.tap("Place order");
        self.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    }
}

fn kiosk_screen(window: &MainWindow) -> Screen {
    window.global::<KioskAdapter>().get_screen()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn sim_in(runtime: &tokio::runtime::Runtime, scenario: Scenario) -> Simulator {
    runtime.block_on(start_sim(scenario))
}

fn basket_lines(k: &Kiosk) -> usize {
    k.window.global::<BasketAdapter>().get_lines().row_count()
}

#[test]
fn cash_register_sale_in_demo_mode_with_installments() {
    let k = Kiosk::start(runtime(), settings_for(None));
    let status = k.text("Header::status");
    assert!(
        status.starts_with("Demo mode: built-in simulator at http://127.0.0.1:"),
        "{status}"
    );

    // A code nobody sells: said under the field, the basket unchanged.
    k.type_code("123");
    k.wait("the not-found message", |w| {
        w.global::<BasketAdapter>().get_notice_kind() != NoticeKind::None
    });
    assert_eq!(k.text("CodeEntry::message"), "No product has the code 123.");
    assert_eq!(basket_lines(&k), 0);
    assert!(!k.enabled("Pay"), "Pay is disabled on an empty basket");

    k.type_code("8690000010011");
    k.wait("one line", |w| w.global::<BasketAdapter>().get_lines().row_count() == 1);
    assert_eq!(k.text("CodeEntry::message"), "Added: Pamuklu Tişört Beyaz");
    assert_eq!(k.text("TotalAndPay::total"), "249,90 ₺");
    k.tap("One more Pamuklu Tişört Beyaz");
    k.wait("two of it", |w| w.global::<BasketAdapter>().get_total() == "499,80 ₺");
    assert_eq!(k.text("TotalAndPay::total"), "499,80 ₺");

    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    let names: Vec<String> = k
        .window
        .global::<PaymentAdapter>()
        .get_options()
        .iter()
        .map(|o| o.name.to_string())
        .collect();
    // Only what this kiosk can run is offered.
    assert_eq!(
        names,
        [
            "Cash Register",
            "Cash Register (installments)",
            "Pay on Delivery",
            "Saved Card"
        ]
    );
    assert!(!k.exists("Garanti Pay"));

    k.tap("Cash Register (installments)");
    k.wait("the installment picker", |w| {
        kiosk_screen(w) == Screen::CashRegisterInstallments
    });
    let banks: Vec<String> = k
        .window
        .global::<CashRegisterAdapter>()
        .get_banks()
        .iter()
        .map(|b| b.bank.to_string())
        .collect();
    assert_eq!(banks, ["Akbank", "Garanti BBVA"]);
    // Each bank's logo, fetched from the address the server gave, is on screen.
    assert!(k
        .window
        .global::<CashRegisterAdapter>()
        .get_banks()
        .iter()
        .all(|b| b.has_logo && b.logo.size().width == 120));
    assert!(k.exists("Akbank logo"));
    k.tap("3 Installments");
    k.wait("the barcode", |w| kiosk_screen(w) == Screen::CashRegisterBarcode);
    let number = k.text("CashRegisterBarcodePage::number");
    assert_eq!(number.len(), 13, "{number}");
    assert!(number.chars().all(|c| c.is_ascii_digit()));
    assert!(k.exists("Pay 524,79 ₺ at the register"));
    let barcode = k.window.global::<CashRegisterAdapter>().get_barcode();
    assert!(barcode.size().width > 200, "the barcode image is shown");
    k.wait("a countdown", |w| {
        w.global::<CashRegisterAdapter>().get_seconds_left() >= 1
    });
    assert!(k
        .text("CashRegisterBarcodePage::register-status")
        .starts_with("Waiting for the register. Checking again in"));

    // The demo's cashier takes the payment; the next poll sees it.
    k.tap("Demo: cashier takes payment");
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    assert_eq!(k.text("ThankYouPage::order-number"), number);
    assert_eq!(
        k.text("ThankYouPage::order-summary"),
        "524,79 ₺  ·  Cash Register (installments)"
    );

    k.tap("New sale");
    k.wait("an empty basket", |w| {
        kiosk_screen(w) == Screen::Basket && w.global::<BasketAdapter>().get_lines().row_count() == 0
    });
    assert_eq!(k.text("TotalAndPay::total"), "0,00 ₺");
}

#[test]
fn pay_on_delivery_needs_a_choice_and_the_agreement_and_survives_a_server_failure() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    assert!(k.text("Header::status").starts_with("Store server http://127.0.0.1:"));
    k.type_code("8690000010059");
    k.wait("one line", |w| w.global::<BasketAdapter>().get_lines().row_count() == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Pay on Delivery");
    k.wait("pay on delivery", |w| kiosk_screen(w) == Screen::PayOnDelivery);
    assert!(k.exists("Kapıda nakit") && k.exists("Kapıda kredi kartı"));
    assert!(k.exists("Service fee 9,90 ₺"));
    assert!(!k.enabled("Place order"), "nothing chosen yet");
    k.tap("Kapıda nakit");
    assert!(!k.enabled("Place order"), "the agreement is not ticked");
    k.tap("I have read and accept the sales agreement.");
    assert_eq!(
        k.find("I have read and accept the sales agreement.")
            .accessible_checked(),
        Some(true)
    );
    assert!(k.enabled("Place order"));

    // The server fails on the order: an error screen with Retry, and nothing lost.
    sim.world().scenario.faults.server_error_rate = 1.0;
    k.tap("Place order");
    k.wait("the error screen", |w| kiosk_screen(w) == Screen::Error);
    assert_eq!(k.text("ErrorPage::error-title"), "No connection to the store server");
    assert!(k.text("ErrorPage::error-message").contains("HTTP 503"));
    sim.world().scenario.faults.server_error_rate = 0.0;
    k.tap("Try again");
    k.wait("pay on delivery again", |w| kiosk_screen(w) == Screen::PayOnDelivery);
    assert!(k.enabled("Place order"), "the customer's choices are kept");
    // A double tap: the second finds the button disabled, and one order is placed.
    let place = k.find("Place order");
    place.invoke_accessible_default_action();
    place.invoke_accessible_default_action();
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    assert_eq!(k.text("ThankYouPage::order-summary"), "129,89 ₺  ·  Pay on Delivery");
    assert_eq!(sim.world().all_orders().len(), 1, "exactly one order");
}

#[test]
fn saved_card_shows_masked_cards_installments_and_the_servers_errors() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.type_code("8690000010035");
    k.wait("one line", |w| w.global::<BasketAdapter>().get_lines().row_count() == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Saved Card");
    k.wait("the saved cards", |w| kiosk_screen(w) == Screen::SavedCardList);
    assert!(k.exists("My Visa Card") && k.exists("Bonus Card"));
    assert!(k.exists("4355 08** **** **17"), "masked numbers only");

    // The card was removed on the server meanwhile: its words, on this step.
    let cards = std::mem::take(&mut sim.world().scenario.saved_cards);
    k.tap("My Visa Card");
    k.wait("the step error", |w| {
        w.global::<instore_kiosk::ui::SavedCardAdapter>().get_step_error() != ""
    });
    assert_eq!(k.screen(), Screen::SavedCardList);
    assert_eq!(k.text("StepError::label"), "This card is not on file.");
    sim.world().scenario.saved_cards = cards;

    k.tap("My Visa Card");
    k.wait("installments", |w| kiosk_screen(w) == Screen::SavedCardInstallments);
    assert!(k.exists("Single payment") && k.exists("6 installments"));
    k.tap("6 Installments");
    k.wait("the confirmation", |w| kiosk_screen(w) == Screen::SavedCardConfirm);
    assert!(k.exists("My Visa Card 4355 08** **** **17, 6 installments, 979,91 ₺ in total"));
    assert!(!k.enabled("Pay 979,91 ₺"), "the agreement is not ticked");
    k.tap("I have read and accept the sales agreement.");
    k.tap("Pay 979,91 ₺");
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    assert_eq!(k.text("ThankYouPage::order-summary"), "979,91 ₺  ·  Saved Card");
    let orders = sim.world().all_orders().to_vec();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].installment_count, Some(6));
}

#[test]
fn the_register_poller_keeps_its_interval_one_request_at_a_time_and_stops() {
    let rt = runtime();
    let mut scenario = Scenario {
        cash_register_poll_seconds: 1,
        ..Scenario::default()
    };
    // Slow answers: a poller that did not wait for each answer would overlap requests.
    scenario.latency_ms = 300;
    let sim = sim_in(&rt, scenario);
    let mut settings = settings_for(Some(sim.url()));
    settings.kiosk.call_staff_after_seconds = 6;
    let k = Kiosk::start(rt, settings);
    k.type_code("8690000010059");
    k.wait("one line", |w| w.global::<BasketAdapter>().get_lines().row_count() == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Cash Register");
    k.wait("the barcode", |w| kiosk_screen(w) == Screen::CashRegisterBarcode);
    let number = k.text("CashRegisterBarcodePage::number");
    assert!(
        !k.exists("Demo: cashier takes payment"),
        "the cashier control is for demo mode only"
    );
    sim.world().max_in_flight = 0;
    let polls = |sim: &Simulator| sim.world().poll_times.get(&number).map(Vec::len).unwrap_or(0);
    k.wait("three polls", |_| polls(&sim) >= 3);

    // The line drops for a while: "reconnecting", then it carries on.
    sim.world().scenario.faults.drop_rate = 1.0;
    k.wait("the reconnecting state", |w| {
        w.global::<CashRegisterAdapter>().get_reconnecting()
    });
    assert_eq!(
        k.text("CashRegisterBarcodePage::register-status"),
        "Connection lost. Reconnecting…"
    );
    sim.world().scenario.faults.drop_rate = 0.0;
    let before = polls(&sim);
    k.wait("polls after reconnecting", |w| {
        polls(&sim) > before && !w.global::<CashRegisterAdapter>().get_reconnecting()
    });

    // Waiting too long: the customer is told to call staff, and polling goes on.
    k.wait("the call-staff state", |w| {
        w.global::<CashRegisterAdapter>().get_call_staff()
    });
    assert_eq!(
        k.text("CashRegisterBarcodePage::register-status"),
        "This is taking longer than usual. Please call a member of staff."
    );
    let before = polls(&sim);
    k.wait("a poll after call-staff", |_| polls(&sim) > before);

    {
        let world = sim.world();
        let times = &world.poll_times[&number];
        for pair in times.windows(2) {
            assert!(
                pair[1] - pair[0] >= Duration::from_secs(1),
                "polled sooner than the server's `seconds`"
            );
        }
        assert_eq!(world.max_in_flight, 1, "never two requests in flight");
    }

    // Cancel stops polling.
    k.tap("Cancel");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    let stopped_at = polls(&sim);
    std::thread::sleep(Duration::from_millis(2_500));
    assert_eq!(polls(&sim), stopped_at, "no poll after cancel");

    // A new barcode, paid at the register: ThankYou, and no poll after it.
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Cash Register");
    k.wait("the barcode", |w| kiosk_screen(w) == Screen::CashRegisterBarcode);
    let number = k.text("CashRegisterBarcodePage::number");
    sim.world().cash_register_pay(&number).unwrap();
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    let done_at = sim.world().poll_times[&number].len();
    std::thread::sleep(Duration::from_millis(2_500));
    assert_eq!(sim.world().poll_times[&number].len(), done_at, "no poll after ThankYou");
}

#[test]
fn an_unreachable_server_shows_an_error_with_retry_that_recovers() {
    let rt = runtime();
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let k = Kiosk::start_expecting_error(rt, settings_for(Some(format!("http://{free}/"))));
    assert_eq!(k.text("ErrorPage::error-title"), "No connection to the store server");
    assert!(k.text("ErrorPage::error-message").contains("cannot be reached"));
    // The server comes up where it was expected; Retry connects.
    let sim = k.runtime.block_on(Simulator::start(Scenario::default(), free)).unwrap();
    k.tap("Try again");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    assert!(k
        .text("Header::status")
        .contains(&sim.url().trim_end_matches('/').to_string()));
}

#[test]
fn the_customer_switches_to_turkish() {
    let k = Kiosk::start(runtime(), settings_for(None));
    assert!(k.exists("Pay"));
    k.tap("Türkçe");
    assert_eq!(k.window.global::<KioskAdapter>().get_language(), "tr");
    assert!(k.exists("Öde"), "the Pay button reads Öde");
    assert!(k.exists("Ekle"));
    assert!(!k.exists("Pay"));
    // Sentences composed from the server's data switch too.
    assert!(
        k.text("Header::status").starts_with("Demo modu: "),
        "{}",
        k.text("Header::status")
    );
    k.tap("English");
    assert!(k.exists("Pay"));
    assert!(k.text("Header::status").starts_with("Demo mode: "));
}

impl Kiosk {
    fn start_expecting_error(runtime: tokio::runtime::Runtime, settings: Settings) -> Kiosk {
        let kiosk = Kiosk::launch(runtime, settings);
        kiosk.wait("the error screen", |w| kiosk_screen(w) == Screen::Error);
        kiosk
    }
}

#[test]
fn self_service_starts_at_welcome_asks_if_still_there_and_clears_the_sale() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let mut settings = settings_for(Some(sim.url()));
    settings.kiosk.mode = Mode::SelfService;
    settings.kiosk.idle_prompt_after_seconds = 3;
    settings.kiosk.idle_reset_after_seconds = 2;
    settings.kiosk.thank_you_seconds = 2;
    let k = Kiosk::start(rt, settings);
    let tick = |seconds: u64| {
        for _ in 0..seconds {
            i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
        }
    };
    assert_eq!(k.screen(), Screen::Welcome);
    tick(10);
    assert!(!k.exists("Are you still there?"), "the start screen never times out");
    k.tap("Tap to start");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.type_code("8690000010059");
    k.wait("one line", |w| w.global::<BasketAdapter>().get_lines().row_count() == 1);

    tick(2);
    assert!(!k.exists("Are you still there?"));
    tick(1);
    assert!(k.exists("Are you still there?"));
    assert!(k.exists("The basket will be cleared in 2 s."));
    k.tap("I'm still here");
    assert!(!k.exists("Are you still there?"));
    // A tap on any button counts as activity too.
    tick(2);
    k.tap("One more Çorap 3'lü Paket");
    k.wait("two of it", |w| w.global::<BasketAdapter>().get_total() == "239,98 ₺");
    tick(2);
    assert!(!k.exists("Are you still there?"), "the tap restarted the idle time");

    tick(1);
    assert!(k.exists("Are you still there?"));
    tick(2);
    k.wait("a cleared sale back at Welcome", |w| {
        kiosk_screen(w) == Screen::Welcome && w.global::<BasketAdapter>().get_lines().row_count() == 0
    });
    assert!(!k.exists("Are you still there?"));
    assert!(sim.world().all_orders().is_empty());

    // After a sale, the thank-you screen returns to Welcome by itself.
    k.tap("Tap to start");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.sell_socks_on_delivery();
    assert!(k.exists("Returning to the start in 2 s"));
    tick(2);
    k.wait("Welcome again", |w| kiosk_screen(w) == Screen::Welcome);
    assert_eq!(sim.world().all_orders().len(), 1);
}

fn queue_socks_sale(data: &std::path::Path) -> String {
    use instore_kiosk::offline::queue;
    let mut store = instore_kiosk::offline::Store::open(data).unwrap();
    let order = queue::NewOrder {
        payment_type: "pay_later".into(),
        option_name: None,
        choice: None,
        contact: None,
        lines: vec![queue::QueuedLine {
            product: "105".into(),
            code: "SCK-030".into(),
            name: "Çorap 3'lü Paket".into(),
            quantity: 1,
            unit_price: "119.99".parse().unwrap(),
        }],
    };
    let limits = Settings::default().offline.limits();
    queue::enqueue(&mut store, &order, &limits).unwrap().reference
}

#[test]
fn orders_taken_offline_are_sent_when_the_server_comes_back_with_no_touch() {
    let rt = runtime();
    let data = tempfile::tempdir().unwrap();
    let references = [queue_socks_sale(data.path()), queue_socks_sale(data.path())];
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let k = Kiosk::launch_with(
        rt,
        settings_for(Some(format!("http://{free}/"))),
        Some(data.path().to_path_buf()),
    );
    k.wait("the error screen", |w| kiosk_screen(w) == Screen::Error);
    k.wait("the offline banner", |w| {
        let kiosk = w.global::<KioskAdapter>();
        kiosk.get_offline() && kiosk.get_waiting_orders() == 2
    });
    assert_eq!(
        k.text("OfflineBanner::banner"),
        "Offline: the store server cannot be reached. Orders waiting to be sent: 2"
    );

    // The server comes back. Nobody touches the kiosk.
    let sim = k.runtime.block_on(Simulator::start(Scenario::default(), free)).unwrap();
    k.wait("the basket, by itself", |w| kiosk_screen(w) == Screen::Basket);
    k.wait("an empty queue", |w| {
        let kiosk = w.global::<KioskAdapter>();
        !kiosk.get_offline() && kiosk.get_waiting_orders() == 0
    });
    let orders = sim.world().all_orders().to_vec();
    assert_eq!(orders.len(), 2);
    // Online again, the kiosk also refreshed its catalog copy by itself.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let store = instore_kiosk::offline::Store::open(data.path()).unwrap();
        if instore_kiosk::offline::catalog::summary(&store).unwrap().0 == 12 {
            break;
        }
        assert!(Instant::now() < deadline, "the catalog copy was not refreshed");
        std::thread::sleep(Duration::from_millis(100));
    }
    for reference in &references {
        assert_eq!(
            orders
                .iter()
                .filter(|o| o.notes.as_deref() == Some(reference.as_str()))
                .count(),
            1
        );
    }
}

#[test]
fn a_damaged_database_is_reported_and_the_kiosk_still_sells_online() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("kiosk.db"), b"not a database at all").unwrap();
    let k = Kiosk::launch_with(rt, settings_for(Some(sim.url())), Some(data.path().to_path_buf()));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.wait("the storage warning", |w| {
        w.global::<KioskAdapter>().get_store_problem() != ""
    });
    let banner = k.text("OfflineBanner::banner");
    assert!(
        banner.starts_with("Offline sales are unavailable: the local database"),
        "{banner}"
    );
    assert!(banner.contains("is damaged"), "{banner}");

    k.sell_socks_on_delivery();
    assert_eq!(sim.world().all_orders().len(), 1);
    assert_eq!(
        std::fs::read(data.path().join("kiosk.db")).unwrap(),
        b"not a database at all",
        "left for support"
    );
}

#[test]
fn the_clerk_sees_waiting_sent_and_set_aside_orders() {
    use instore_kiosk::offline::queue::{self, State};
    let rt = runtime();
    let data = tempfile::tempdir().unwrap();
    let waiting = queue_socks_sale(data.path());
    let sent = queue_socks_sale(data.path());
    let aside = queue_socks_sale(data.path());
    {
        let mut store = instore_kiosk::offline::Store::open(data.path()).unwrap();
        queue::record(
            &mut store,
            &sent,
            State::Sent,
            "sent",
            Some("1234567890123"),
            Some("1234567890123"),
        )
        .unwrap();
        let why = queue::SetAsideReason::PriceChanged {
            product: "Çorap 3'lü Paket".into(),
            from: "119.99".parse().unwrap(),
            to: "149.99".parse().unwrap(),
        };
        queue::set_aside(&mut store, &aside, &why).unwrap();
        let stored = queue::show(&store, &aside).unwrap().unwrap();
        assert_eq!(stored.state, State::SetAside);
        assert_eq!(
            stored.reason.as_deref(),
            Some("the price of Çorap 3'lü Paket changed from 119,99 ₺ to 149,99 ₺"),
            "the command line's words"
        );
    }
    // The server is away, so nothing is sent while the clerk looks.
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let k = Kiosk::launch_with(
        rt,
        settings_for(Some(format!("http://{free}/"))),
        Some(data.path().to_path_buf()),
    );
    k.wait("the error screen", |w| kiosk_screen(w) == Screen::Error);
    k.tap("Orders");
    k.wait("the orders", |w| kiosk_screen(w) == Screen::Orders);
    assert!(k.exists("1 waiting, 1 sent, 1 set aside"));
    let listed: Vec<String> = k
        .window
        .global::<instore_kiosk::ui::OrdersAdapter>()
        .get_orders()
        .iter()
        .map(|o| o.reference.to_string())
        .collect();
    assert_eq!(listed, [aside.clone(), sent.clone(), waiting.clone()], "newest first");
    assert!(k.exists("1234567890123"), "a sent order shows its number");
    assert!(
        k.exists("The price of Çorap 3'lü Paket changed from 119,99 ₺ to 149,99 ₺."),
        "a set-aside order says why"
    );
    assert!(k.exists("Set aside") && k.exists("Sent") && k.exists("Waiting"));
    // In the clerk's language, composed on screen from the facts.
    k.tap("Türkçe");
    k.wait("Turkish", |w| w.global::<KioskAdapter>().get_language() == "tr");
    assert!(
        k.exists("Çorap 3'lü Paket ürününün fiyatı 119,99 ₺ iken 149,99 ₺ oldu."),
        "the reason in Turkish"
    );
    k.tap("English");
    k.wait("English", |w| w.global::<KioskAdapter>().get_language() == "en");
    k.tap("Back to basket");
    k.wait("the basket", |w| kiosk_screen(w) != Screen::Orders);
}

/// Fills a data directory's catalog copy from a simulator that is then stopped.
fn catalog_copy_in(data: &std::path::Path) {
    let rt = runtime();
    rt.block_on(async {
        let sim = start_sim(Scenario::default()).await;
        let client = common::logged_in(&sim).await;
        let mut store = instore_kiosk::offline::Store::open(data).unwrap();
        assert_eq!(
            instore_kiosk::offline::catalog::sync(&client, &mut store)
                .await
                .unwrap(),
            12
        );
        sim.stop().await;
    });
}

fn queued_orders(data: &std::path::Path) -> Vec<instore_kiosk::offline::queue::QueuedOrder> {
    let store = instore_kiosk::offline::Store::open(data).unwrap();
    instore_kiosk::offline::queue::list(&store).unwrap()
}

fn free_loopback_port() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

#[test]
fn the_line_drops_mid_sale_and_the_customer_still_pays_on_delivery() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let data = tempfile::tempdir().unwrap();
    let k = Kiosk::launch_with(rt, settings_for(Some(sim.url())), Some(data.path().to_path_buf()));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    // One sale online: the kiosk learns the options and the pay-on-delivery fees, and
    // copies the catalog by itself.
    k.sell_socks_on_delivery();
    k.tap("New sale");
    k.wait("an empty basket", |w| {
        kiosk_screen(w) == Screen::Basket && basket_lines_of(w) == 0
    });
    wait_for_catalog_copy(data.path());

    // A line in the basket, then the line to the server goes.
    k.type_code("8690000010011");
    k.wait("one line", |w| basket_lines_of(w) == 1);
    sim.world().scenario.faults.drop_rate = 1.0;
    k.type_code("8690000010059");
    k.wait("two lines, priced offline", |w| basket_lines_of(w) == 2);
    assert_eq!(k.text("CodeEntry::message"), "Added: Çorap 3'lü Paket");
    assert_eq!(k.text("TotalAndPay::total"), "369,89 ₺");
    assert!(k.window.global::<KioskAdapter>().get_offline());
    assert!(k
        .text("OfflineBanner::banner")
        .starts_with("Offline: the store server cannot be reached."));

    k.tap("Pay");
    k.wait("the offline payment options", |w| {
        kiosk_screen(w) == Screen::PaymentOptions
    });
    let options: Vec<(String, bool)> = k
        .window
        .global::<PaymentAdapter>()
        .get_options()
        .iter()
        .map(|o| (o.name.to_string(), o.available))
        .collect();
    assert_eq!(
        options,
        [
            ("Cash Register".to_string(), false),
            ("Cash Register (installments)".to_string(), false),
            ("Pay on Delivery".to_string(), true),
            ("Saved Card".to_string(), false),
        ]
    );
    assert!(!k.enabled("Cash Register"), "a card strategy cannot be chosen offline");
    k.find("Cash Register").invoke_accessible_default_action();
    k.wait("nothing", |w| kiosk_screen(w) == Screen::PaymentOptions);
    assert!(k.exists("Unavailable while offline: this payment needs the payment network, which cannot be reached."));

    k.tap("Pay on Delivery");
    k.wait("pay on delivery, offline", |w| kiosk_screen(w) == Screen::PayOnDelivery);
    // The fees last seen on the server.
    assert!(k.exists("Kapıda kredi kartı"));
    k.tap("Kapıda kredi kartı");
    k.tap("I have read and accept the sales agreement.");
    k.tap("Place order");
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    let reference = k.text("ThankYouPage::order-number");
    assert!(reference.starts_with('K') && reference.len() == 16, "{reference}");
    assert_eq!(k.text("ThankYouPage::order-summary"), "384,79 ₺  ·  Pay on Delivery");
    assert!(k.exists("Offline reference"));
    assert!(k
        .text("ThankYouPage::pending-note")
        .contains("will be sent as soon as the line returns"));

    // Committed before the customer saw that screen.
    let queued = queued_orders(data.path());
    let order = queued.iter().find(|o| o.reference == reference).expect("queued");
    assert_eq!(order.order.choice.as_deref(), Some("credit_card"));
    assert_eq!(order.order.lines.len(), 2);
    assert_eq!(sim.world().all_orders().len(), 1, "only the online sale so far");

    // The line comes back; nobody touches the kiosk; the thank-you screen stays.
    sim.world().scenario.faults.drop_rate = 0.0;
    k.wait("the order sent", |w| {
        let kiosk = w.global::<KioskAdapter>();
        !kiosk.get_offline() && kiosk.get_waiting_orders() == 0
    });
    assert_eq!(k.screen(), Screen::ThankYou);
    let orders = sim.world().all_orders().to_vec();
    let sent: Vec<_> = orders
        .iter()
        .filter(|o| o.notes.as_deref() == Some(reference.as_str()))
        .collect();
    assert_eq!(sent.len(), 1, "exactly once");
    assert_eq!(sent[0].payment_type, "pay_on_delivery");
    assert_eq!(
        sent[0].amount,
        "384.79".parse().unwrap(),
        "goods and the card-at-the-door fee"
    );

    // The next sale is online again, with every option.
    k.tap("New sale");
    k.wait("an empty basket", |w| {
        kiosk_screen(w) == Screen::Basket && basket_lines_of(w) == 0
    });
    k.type_code("8690000010011");
    k.wait("one line", |w| basket_lines_of(w) == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    assert!(k
        .window
        .global::<PaymentAdapter>()
        .get_options()
        .iter()
        .all(|o| o.available));
    assert_eq!(sim.world().all_orders().len(), 2);
}

/// The kiosk copies the catalog by itself once online; offline sales need that copy.
fn wait_for_catalog_copy(data: &std::path::Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while instore_kiosk::offline::catalog::summary(&instore_kiosk::offline::Store::open(data).unwrap())
        .unwrap()
        .0
        < 12
    {
        assert!(Instant::now() < deadline, "the catalog copy was not made");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn basket_lines_of(w: &MainWindow) -> usize {
    w.global::<BasketAdapter>().get_lines().row_count()
}

#[test]
fn a_kiosk_that_starts_offline_sells_from_its_catalog_copy() {
    let data = tempfile::tempdir().unwrap();
    catalog_copy_in(data.path());
    let free = free_loopback_port();
    let k = Kiosk::launch_with(
        runtime(),
        settings_for(Some(format!("http://{free}/"))),
        Some(data.path().to_path_buf()),
    );
    // Not an error screen: the basket, with the offline banner.
    k.wait("the basket, offline", |w| {
        kiosk_screen(w) == Screen::Basket && w.global::<KioskAdapter>().get_offline()
    });
    k.type_code("999");
    k.wait("the not-found message", |w| {
        w.global::<BasketAdapter>().get_notice_kind() == NoticeKind::NotFound
    });
    k.type_code("8690000010059");
    k.wait("one line", |w| basket_lines_of(w) == 1);
    k.tap("One more Çorap 3'lü Paket");
    k.wait("two of it", |w| w.global::<BasketAdapter>().get_total() == "239,98 ₺");

    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    // It never heard the server's list: pay on delivery, under the kiosk's own name.
    let options = k.window.global::<PaymentAdapter>().get_options();
    assert_eq!(options.row_count(), 1);
    k.tap("Pay on delivery");
    k.wait("pay on delivery", |w| kiosk_screen(w) == Screen::PayOnDelivery);
    assert!(k.exists("You agree with the courier how to pay at the door."));
    assert!(!k.enabled("Place order"), "the agreement comes first");
    k.tap("I have read and accept the sales agreement.");
    k.tap("Place order");
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    let reference = k.text("ThankYouPage::order-number");
    assert_eq!(k.text("ThankYouPage::order-summary"), "239,98 ₺");
    assert_eq!(queued_orders(data.path())[0].reference, reference);

    // The server appears; the order is sent by itself with the server's own choice.
    let sim = k.runtime.block_on(Simulator::start(Scenario::default(), free)).unwrap();
    k.wait("the order sent", |w| {
        w.global::<KioskAdapter>().get_waiting_orders() == 0
    });
    let orders = sim.world().all_orders().to_vec();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].notes.as_deref(), Some(reference.as_str()));
    assert_eq!(orders[0].items.len(), 1);
    // The thank-you screen was not taken away; New sale is online.
    assert_eq!(k.screen(), Screen::ThankYou);
    k.tap("New sale");
    k.wait("an empty basket, online", |w| {
        kiosk_screen(w) == Screen::Basket && !w.global::<KioskAdapter>().get_offline()
    });
}

#[test]
fn an_offline_sale_over_the_limit_is_refused_and_nothing_is_queued() {
    let data = tempfile::tempdir().unwrap();
    catalog_copy_in(data.path());
    let mut settings = settings_for(Some(format!("http://{}/", free_loopback_port())));
    settings.offline.max_order_amount = "200".parse().unwrap();
    let k = Kiosk::launch_with(runtime(), settings, Some(data.path().to_path_buf()));
    k.wait("the basket, offline", |w| {
        kiosk_screen(w) == Screen::Basket && w.global::<KioskAdapter>().get_offline()
    });
    k.type_code("8690000010011");
    k.wait("one line", |w| basket_lines_of(w) == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Pay on delivery");
    k.wait("pay on delivery", |w| kiosk_screen(w) == Screen::PayOnDelivery);
    k.tap("I have read and accept the sales agreement.");
    k.tap("Place order");
    k.wait("the refusal", |w| {
        w.global::<instore_kiosk::ui::PayOnDeliveryAdapter>().get_refusal_kind() != RefusalKind::None
    });
    assert_eq!(k.screen(), Screen::PayOnDelivery, "the customer is not sent anywhere");
    assert!(k.exists(
        "This order cannot be taken while offline: 249,90 ₺ is more than the 200,00 ₺ allowed for one order. Please ask a member of staff."
    ));
    assert!(queued_orders(data.path()).is_empty());
    // Back in the basket, the line is still there to change.
    k.tap("Cancel");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    assert_eq!(basket_lines_of(&k.window), 1);
}

/// Run in a child process that cannot write the data directory (see the test below).
fn read_only_child(data: &str) {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::launch_with(rt, settings_for(Some(sim.url())), Some(data.into()));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.wait("the storage warning", |w| {
        w.global::<KioskAdapter>().get_store_problem() != ""
    });
    let banner = k.text("OfflineBanner::banner");
    assert!(
        banner.starts_with("Offline sales are unavailable: the local database")
            && banner.contains("kiosk.db cannot be written"),
        "{banner}"
    );
    k.sell_socks_on_delivery();
    assert_eq!(sim.world().all_orders().len(), 1);
}

#[test]
fn a_read_only_database_is_reported_and_the_kiosk_still_sells_online() {
    const CHILD: &str = "INSTORE_TEST_READ_ONLY_DATA_DIR";
    if let Ok(data) = std::env::var(CHILD) {
        return read_only_child(&data);
    }
    let data = tempfile::tempdir().unwrap();
    drop(instore_kiosk::offline::Store::open(data.path()).unwrap());
    common::make_read_only(data.path());
    let output = common::honouring_file_modes(&std::env::current_exe().unwrap())
        .args([
            "a_read_only_database_is_reported_and_the_kiosk_still_sells_online",
            "--exact",
            "--nocapture",
        ])
        .env(CHILD, data.path())
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{said}");
    assert!(said.contains("1 passed"), "the child ran the sale: {said}");
    // Let the temporary directory be removed.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(data.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_code_from_the_serial_scanner_lands_in_the_basket_on_the_server_and_noise_changes_nothing() {
    use std::io::Write;
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let (mut master, device) = serialport::TTYPort::pair().unwrap();
    let path = serialport::SerialPort::name(&device).unwrap();
    drop(device); // the kiosk locks the port, as it does a real one
    let mut settings = settings_for(Some(sim.url()));
    settings.scanner.port = path;
    let k = Kiosk::start(rt, settings);
    let server_lines = |sim: &Simulator| {
        sim.world().basket_json(EMAIL)["basket"]["basketitem_set"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|l| {
                        (
                            l["product"]["sku"].as_str().unwrap_or("").to_string(),
                            l["quantity"].as_u64().unwrap_or(0),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };

    // Noise first: control bytes, a line too long, a line never finished.
    let deadline = Instant::now() + Duration::from_secs(10);
    while master.write_all(b"\x00\x1b\xfe\xff\r").is_err() {
        assert!(Instant::now() < deadline, "the kiosk never opened the scanner's port");
        std::thread::sleep(Duration::from_millis(100));
    }
    master.write_all(&[b'7'; 200]).unwrap();
    master.write_all(b"\r869000").unwrap();
    std::thread::sleep(Duration::from_millis(1600));
    assert_eq!(basket_lines(&k), 0);
    assert!(server_lines(&sim).is_empty(), "garbage changed nothing");

    // A real code, twice within the repeat window: one T-shirt, on the server too.
    master.write_all(b"8690000010011\r8690000010011\r").unwrap();
    k.wait("the scanned line", |w| basket_lines_of(w) == 1);
    assert_eq!(k.text("CodeEntry::message"), "Added: Pamuklu Tişört Beyaz");
    std::thread::sleep(Duration::from_millis(500));
    k.wait("settled", |_| true);
    assert_eq!(server_lines(&sim), [("TSH-001".to_string(), 1)]);

    // Past the window, the same code again is a second one.
    std::thread::sleep(Duration::from_millis(1200));
    master.write_all(b"8690000010011\r").unwrap();
    k.wait("two of it", |w| w.global::<BasketAdapter>().get_total() == "499,80 ₺");
    assert_eq!(server_lines(&sim), [("TSH-001".to_string(), 2)]);

    // On the payment screen a scan is not taken: the sale is past the basket.
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    master.write_all(b"8690000010059\r").unwrap();
    std::thread::sleep(Duration::from_millis(800));
    k.wait("settled", |_| true);
    assert_eq!(k.screen(), Screen::PaymentOptions);
    assert_eq!(server_lines(&sim), [("TSH-001".to_string(), 2)]);
}

#[test]
fn each_sale_prints_a_receipt_offline_slips_say_pending_and_the_clerk_can_reprint() {
    use common::escpos::decode;
    use common::printer::{answering, terminal, FakePrinter};
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let data = tempfile::tempdir().unwrap();
    let (master, path) = terminal();
    let printer = FakePrinter::start(master, answering());
    let mut settings = settings_for(Some(sim.url()));
    settings.printer.port = path;
    settings.receipt.header = vec!["Kadıköy Şubesi".into()];
    let k = Kiosk::launch_with(rt, settings, Some(data.path().to_path_buf()));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    let receipts = || {
        let bytes = printer.bytes();
        let printed = decode(&bytes);
        (printed.cuts, printed)
    };

    k.sell_socks_on_delivery();
    let number = k.text("ThankYouPage::order-number");
    let deadline = Instant::now() + Duration::from_secs(10);
    while receipts().0 < 1 {
        assert!(Instant::now() < deadline, "no receipt printed");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (_, first) = receipts();
    let text = first.text();
    assert!(
        text.contains("Kadıköy Şubesi") && text.contains("Çorap 3'lü Paket"),
        "{text}"
    );
    assert!(
        text.contains("Hizmet bedeli") && text.contains("9,90 TL"),
        "the fee: {text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("TOPLAM") && l.ends_with("129,89 TL")),
        "{text}"
    );
    assert_eq!(
        first.barcodes,
        std::slice::from_ref(&number),
        "the order number as a barcode"
    );
    assert_eq!(first.qr_codes.len(), 1);
    assert!(first.qr_codes[0].starts_with(&sim.url()) && first.qr_codes[0].contains("/orders/completed/"));
    assert!(!text.contains("BEKLEMEDE"));

    // Offline: the slip carries the local reference and says it is pending.
    k.tap("New sale");
    k.wait("an empty basket", |w| {
        kiosk_screen(w) == Screen::Basket && basket_lines_of(w) == 0
    });
    wait_for_catalog_copy(data.path());
    sim.world().scenario.faults.drop_rate = 1.0;
    k.sell_socks_on_delivery();
    let reference = k.text("ThankYouPage::order-number");
    let deadline = Instant::now() + Duration::from_secs(10);
    while receipts().0 < 2 {
        assert!(Instant::now() < deadline, "no slip printed offline");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (_, both) = receipts();
    assert_eq!(both.barcodes, [number.clone(), reference.clone()]);
    let slip = both.text();
    let slip = &slip[slip.rfind("Kadıköy Şubesi").unwrap()..];
    assert!(slip.contains("ÇEVRİMDIŞI, BEKLEMEDE"), "{slip}");
    assert_eq!(
        both.qr_codes.len(),
        1,
        "no receipt link before the server has the order"
    );

    // The clerk reprints the last one.
    k.tap("New sale");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.tap("Orders");
    k.wait("the orders", |w| kiosk_screen(w) == Screen::Orders);
    k.tap("Reprint last receipt");
    let deadline = Instant::now() + Duration::from_secs(10);
    while receipts().0 < 3 {
        assert!(Instant::now() < deadline, "no reprint");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(receipts().1.barcodes, [number, reference.clone(), reference]);
}

#[test]
fn a_printer_that_cannot_be_reached_is_shown_and_the_receipt_waits() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let data = tempfile::tempdir().unwrap();
    let mut settings = settings_for(Some(sim.url()));
    settings.printer.port = data.path().join("no-printer-here").display().to_string();
    let k = Kiosk::launch_with(rt, settings, Some(data.path().to_path_buf()));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.sell_socks_on_delivery();
    k.wait("the printer banner", |w| {
        w.global::<KioskAdapter>().get_printer_problem() == PrinterProblem::Unreachable
    });
    assert_eq!(
        k.text("PrinterBanner::printer-banner"),
        "The receipt printer cannot be reached (unplugged or switched off?). Receipts waiting: 1. They print when it is back."
    );
    let store = instore_kiosk::offline::Store::open(data.path()).unwrap();
    assert_eq!(
        instore_kiosk::devices::printer::waiting(&store).unwrap(),
        1,
        "the receipt is kept"
    );
}
