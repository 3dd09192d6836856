//! The harness: the kiosk's real window on Slint's testing backend, its controller
//! against a simulator over real HTTP, and one helper for each thing the tests do.
//!
//! Each test owns its thread's Slint platform (`init_no_event_loop`); updates from the
//! controller arrive on a channel and are applied on the test thread, as the window's
//! event loop would apply them.

use super::common::{self, start_sim, EMAIL, PASSWORD};
use i_slint_backend_testing::ElementHandle;
use instore_kiosk::settings::Settings;
use instore_kiosk::sim::{Scenario, Simulator};
use instore_kiosk::ui::controller::{self, ControllerHandle, Sink};
use instore_kiosk::ui::view::{apply, Update};
use instore_kiosk::ui::{prepare_window, wire, BasketAdapter, KioskAdapter, MainWindow, Screen};
use slint::{ComponentHandle, Model};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The kiosk's real window on Slint's testing backend, its controller on `runtime`.
pub struct Kiosk {
    pub window: MainWindow,
    updates: mpsc::Receiver<Update>,
    seen: std::cell::RefCell<Vec<Update>>,
    /// Taps made so far: buttons, keys and fields (what a person's finger did).
    pub taps: std::cell::Cell<usize>,
    _handle: ControllerHandle,
    pub runtime: tokio::runtime::Runtime,
}

/// Slint's testing platform, once per thread: a test may start a second window.
pub fn platform() {
    thread_local!(static PLATFORM: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if !PLATFORM.with(|p| p.replace(true)) {
        i_slint_backend_testing::init_no_event_loop();
    }
}

pub fn settings_for(url: Option<String>) -> Settings {
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
    pub fn launch(runtime: tokio::runtime::Runtime, settings: Settings) -> Kiosk {
        Kiosk::launch_with(runtime, settings, None)
    }

    /// With a data directory for the offline queue, looked at every 300 ms.
    pub fn launch_with(
        runtime: tokio::runtime::Runtime,
        settings: Settings,
        data_dir: Option<std::path::PathBuf>,
    ) -> Kiosk {
        Kiosk::launch_configured(runtime, settings, data_dir, false)
    }

    /// As the kiosk's own run starts: in demo mode (no `commerce.url`) with the virtual
    /// printer and scanner it makes then, on pseudo-terminals. (Used by the demo's own
    /// test binary, which shares this file.)
    #[allow(dead_code)]
    pub fn launch_as_demo(runtime: tokio::runtime::Runtime, settings: Settings, data_dir: std::path::PathBuf) -> Kiosk {
        Kiosk::launch_configured(runtime, settings, Some(data_dir), true)
    }

    fn launch_configured(
        runtime: tokio::runtime::Runtime,
        settings: Settings,
        data_dir: Option<std::path::PathBuf>,
        virtual_devices: bool,
    ) -> Kiosk {
        platform();
        let window = MainWindow::new().unwrap();
        prepare_window(&window, &settings);
        let (tx, updates) = mpsc::channel();
        let sink: Sink = std::sync::Arc::new(move |update| {
            let _ = tx.send(update);
        });
        let mut config = instore_kiosk::ui::controller_config(&settings, None);
        if let (true, Some(dir)) = (virtual_devices, &data_dir) {
            let (mut printer, mut scanner) = (settings.printer.clone(), settings.scanner.clone());
            instore_kiosk::devices::virtual_devices::attach(&mut printer, &mut scanner, dir, true);
            config.printer = Some(printer).filter(|p| !p.port.is_empty());
            config.scanner = Some(scanner).filter(|s| !s.port.is_empty());
        }
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
            taps: Default::default(),
            _handle: handle,
            runtime,
        }
    }

    pub fn start(runtime: tokio::runtime::Runtime, settings: Settings) -> Kiosk {
        let kiosk = Kiosk::launch(runtime, settings);
        // Connected once the header names the server.
        kiosk.wait("the first screen after connecting", |w| {
            !w.global::<KioskAdapter>().get_server().is_empty()
        });
        kiosk
    }

    /// Applies updates until `done` holds and the kiosk is not busy.
    pub fn wait(&self, what: &str, done: impl Fn(&MainWindow) -> bool) {
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

    pub fn find(&self, label: &str) -> ElementHandle {
        let found: Vec<ElementHandle> = ElementHandle::find_by_accessible_label(&self.window, label).collect();
        assert!(
            !found.is_empty(),
            "nothing labelled {label:?} on {:?}",
            kiosk_screen(&self.window)
        );
        found.into_iter().next().unwrap()
    }

    pub fn exists(&self, label: &str) -> bool {
        ElementHandle::find_by_accessible_label(&self.window, label)
            .next()
            .is_some()
    }

    pub fn enabled(&self, label: &str) -> bool {
        self.find(label).accessible_enabled().unwrap_or(true)
    }

    pub fn tap(&self, label: &str) {
        self.taps.set(self.taps.get() + 1);
        let element = self.find(label);
        assert!(element.accessible_enabled().unwrap_or(true), "{label:?} is disabled");
        element.invoke_accessible_default_action();
    }

    /// The header's (or the thank-you screen's) New sale, answering yes when it asks
    /// first (the basket has lines).
    pub fn new_sale(&self) {
        self.tap("New sale");
        self.pump();
        if self.window.global::<KioskAdapter>().get_confirming() != instore_kiosk::ui::Confirming::None {
            self.confirm("New sale");
        }
    }

    /// Taps the question's yes (named as the button it asks about, which the prompt
    /// covers): the sale ends.
    pub fn confirm(&self, label: &str) {
        self.taps.set(self.taps.get() + 1);
        let element = ElementHandle::find_by_element_id(&self.window, "ConfirmPrompt::confirm")
            .next()
            .expect("the question is on screen");
        assert_eq!(element.accessible_label().unwrap_or_default(), label);
        element.invoke_accessible_default_action();
    }

    /// Picks `item` from the list behind a picker field (`PickerButton`), by taps: the
    /// field, then the item's button on the list shown in the form's place.
    pub fn pick(&self, field: &str, item: &str) {
        let picker = self.picker(field);
        assert!(picker.accessible_enabled().unwrap_or(true), "{field:?} is disabled");
        picker.invoke_accessible_default_action();
        let button = |label: &str| {
            ElementHandle::find_by_accessible_label(&self.window, label)
                .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button))
        };
        // Below the fold, as a person would: the item's initial letter scrolls to it.
        if button(item).is_none() {
            let initial: String = item.chars().take(1).collect();
            button(&initial)
                .unwrap_or_else(|| panic!("neither {item:?} nor its letter on the list of {field:?}"))
                .invoke_accessible_default_action();
        }
        button(item)
            .unwrap_or_else(|| panic!("no {item:?} on the list of {field:?}"))
            .invoke_accessible_default_action();
        assert_eq!(
            self.window.global::<instore_kiosk::ui::DeliveryAdapter>().get_picking(),
            instore_kiosk::ui::AddressPicking::None,
            "the list closes once {item:?} is picked"
        );
    }

    /// A picker field (`PickerButton`) by its label: its value is what is picked.
    pub fn picker(&self, field: &str) -> ElementHandle {
        ElementHandle::find_by_accessible_label(&self.window, field)
            .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Combobox))
            .unwrap_or_else(|| panic!("no picker {field:?} on {:?}", kiosk_screen(&self.window)))
    }

    /// What a text element shows, by its element id (`Component::id`).
    pub fn text(&self, id: &str) -> String {
        let element = ElementHandle::find_by_element_id(&self.window, id)
            .next()
            .unwrap_or_else(|| panic!("no element {id} on {:?}", kiosk_screen(&self.window)));
        element.accessible_label().unwrap_or_default().to_string()
    }

    pub fn type_code(&self, code: &str) {
        for digit in code.chars() {
            // The keypad's key, not a basket line's quantity that reads the same.
            let key = ElementHandle::find_by_accessible_label(&self.window, &digit.to_string())
                .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button))
                .unwrap_or_else(|| panic!("no key {digit}"));
            key.invoke_accessible_default_action();
        }
        self.tap("Add");
    }

    /// Taps a key of the on-screen keyboard by its label ("a", "Shift", "Enter"), as a
    /// finger would: a pointer press and release on it. The keyboard is the lowest
    /// thing on the screen, so of several buttons so labelled its is the lowest.
    pub fn key(&self, label: &str) {
        self.taps.set(self.taps.get() + 1);
        on_screen_key(&self.window, label);
        self.pump();
    }

    /// Taps each character's key; a capital letter taps Shift first (the shifted keys
    /// are labelled by what they type then), a space the space bar.
    pub fn type_keys(&self, text: &str) {
        for c in text.chars() {
            let turkish = self.window.global::<KioskAdapter>().get_language() == instore_kiosk::ui::Language::Tr;
            if c == ' ' {
                self.key(if turkish { "Boşluk" } else { "Space" });
                continue;
            }
            if c.is_uppercase() {
                self.key(if turkish { "Büyük harf" } else { "Shift" });
            }
            self.key(&c.to_string());
        }
    }

    /// Taps a text field by its label, as a finger would: it takes the focus.
    pub fn tap_field(&self, label: &str) {
        self.taps.set(self.taps.get() + 1);
        tap_field(&self.window, label);
        self.pump();
    }

    /// Applies what the controller sent so far.
    pub fn pump(&self) {
        while let Ok(update) = self.updates.try_recv() {
            self.seen.borrow_mut().push(update.clone());
            apply(&self.window, update);
        }
    }

    /// Sends an intent as if a screen had sent it: what a forged tap would do.
    pub fn send(&self, intent: instore_kiosk::ui::controller::Intent) {
        self._handle.send(intent);
    }

    pub fn screen(&self) -> Screen {
        kiosk_screen(&self.window)
    }

    /// A whole sale from the basket screen: socks, pay on delivery in cash, to thank-you.
    pub fn sell_socks_on_delivery(&self) {
        self.type_code("8690000010059");
        self.wait("one line", |w| w.global::<BasketAdapter>().get_lines().row_count() == 1);
        self.tap("Pay");
        self.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
        self.pay_on_delivery_in_cash();
    }

    /// Socks to the cash register's barcode; the register's number.
    pub fn socks_to_the_register(&self) -> String {
        self.type_code("8690000010059");
        self.wait("one line", |w| basket_lines(w) == 1);
        self.tap("Pay");
        self.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
        self.tap("Cash Register");
        self.wait("the barcode", |w| kiosk_screen(w) == Screen::CashRegisterBarcode);
        self.text("CashRegisterBarcodePage::number")
    }

    /// From the payment options: pay on delivery in cash, to the thank-you screen.
    pub fn pay_on_delivery_in_cash(&self) {
        self.tap("Pay on Delivery");
        self.wait("pay on delivery", |w| kiosk_screen(w) == Screen::PayOnDelivery);
        self.tap("Cash on delivery");
        self.tap("I have read and accept the sales agreement.");
        self.tap("Place order");
        self.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    }

    /// Selling for a customer, from the basket: Pay, then collect in this store.
    pub fn pay_and_collect_here(&self) {
        self.tap("Pay");
        self.wait("the delivery screen", |w| kiosk_screen(w) == Screen::Delivery);
        self.tap("Take it now, in this store");
        self.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    }
}

pub fn kiosk_screen(window: &MainWindow) -> Screen {
    window.global::<KioskAdapter>().get_screen()
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

pub fn sim_in(runtime: &tokio::runtime::Runtime, scenario: Scenario) -> Simulator {
    runtime.block_on(start_sim(scenario))
}

impl Kiosk {
    pub fn start_expecting_error(runtime: tokio::runtime::Runtime, settings: Settings) -> Kiosk {
        let kiosk = Kiosk::launch(runtime, settings);
        kiosk.wait("the error screen", |w| kiosk_screen(w) == Screen::Error);
        kiosk
    }
}

pub fn queue_socks_sale(data: &std::path::Path) -> String {
    common::queue_socks_sale(data)
}

/// Fills a data directory's catalog copy from a simulator that is then stopped.
pub fn catalog_copy_in(data: &std::path::Path) {
    let rt = runtime();
    rt.block_on(async {
        let sim = start_sim(Scenario::default()).await;
        let client = common::logged_in(&sim).await;
        let mut store = instore_kiosk::offline::Store::open(data).unwrap();
        assert_eq!(
            instore_kiosk::offline::catalog::sync(&client, &mut store)
                .await
                .unwrap(),
            14
        );
        sim.stop().await;
    });
}

pub fn queued_orders(data: &std::path::Path) -> Vec<instore_kiosk::offline::queue::QueuedOrder> {
    let store = instore_kiosk::offline::Store::open(data).unwrap();
    instore_kiosk::offline::queue::list(&store).unwrap()
}

/// The kiosk copies the catalog by itself once online; offline sales need that copy.
pub fn wait_for_catalog_copy(data: &std::path::Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while instore_kiosk::offline::catalog::summary(&instore_kiosk::offline::Store::open(data).unwrap())
        .unwrap()
        .0
        < 13
    {
        assert!(Instant::now() < deadline, "the catalog copy was not made");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Lines in the basket on screen.
pub fn basket_lines(w: &MainWindow) -> usize {
    w.global::<BasketAdapter>().get_lines().row_count()
}

/// A kiosk with a data directory that has sold once online (pay on delivery), so it
/// could sell offline: it knows the payment options and the pay-on-delivery fees, and
/// holds a catalog copy. Back on an empty basket.
pub fn sold_once_online() -> (Kiosk, Simulator, tempfile::TempDir) {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let data = tempfile::tempdir().unwrap();
    let k = Kiosk::launch_with(rt, settings_for(Some(sim.url())), Some(data.path().to_path_buf()));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.sell_socks_on_delivery();
    k.new_sale();
    k.wait("an empty basket", |w| {
        kiosk_screen(w) == Screen::Basket && basket_lines(w) == 0
    });
    wait_for_catalog_copy(data.path());
    (k, sim, data)
}

/// Taps the on-screen keyboard's key labelled `label` on `window` (see `Kiosk::key`).
pub fn on_screen_key(window: &MainWindow, label: &str) {
    // A finger's taps are a tenth of a second apart at the fastest: what slides (the
    // keyboard coming up) is there by then.
    // (Twice: a change's handlers run with the first step, what they start with the second.)
    for _ in 0..2 {
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(150));
    }
    let key = ElementHandle::find_by_accessible_label(window, label)
        .filter(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button))
        .max_by(|a, b| a.absolute_position().y.total_cmp(&b.absolute_position().y))
        .unwrap_or_else(|| panic!("no key {label:?} on the on-screen keyboard"));
    key.mock_single_click(slint::platform::PointerEventButton::Left);
}

/// Taps the text field labelled `label` on `window`.
pub fn tap_field(window: &MainWindow, label: &str) {
    let field = ElementHandle::find_by_accessible_label(window, label)
        .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::TextInput))
        .or_else(|| ElementHandle::find_by_accessible_label(window, label).next())
        .unwrap_or_else(|| panic!("no field {label:?}"));
    field.mock_single_click(slint::platform::PointerEventButton::Left);
    // The keyboard slides up in 120 ms; a finger waits for it to be there.
    for _ in 0..2 {
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(150));
    }
}

/// Whether the on-screen keyboard is up.
pub fn keyboard_up(window: &MainWindow) -> bool {
    // The window keeps `up` in a change handler, which runs with the next frame's work.
    i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(1));
    window.global::<instore_kiosk::ui::KeyboardAdapter>().get_up()
}

/// Scrolls the screen's lists down, as a finger swipes, until `label` is in sight.
pub fn scroll_to(window: &MainWindow, label: &str) {
    for _ in 0..20 {
        if ElementHandle::find_by_accessible_label(window, label).next().is_some() {
            return;
        }
        for flickable in ElementHandle::find_by_element_type_name(window, "Flickable") {
            flickable.scroll(0.0, -200.0);
        }
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(50));
    }
    panic!("{label:?} did not come into sight");
}
