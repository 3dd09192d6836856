//! The staff's roles on the real window: the hidden gesture, the PIN pad and its lock,
//! the clerk's and the technician's screens, and a controller that refuses their
//! intents without the role.

use super::harness::*;
use instore_kiosk::sim::Scenario;
use instore_kiosk::ui::controller::Intent;
use instore_kiosk::ui::{
    CheckLevel, DiagnosticsAdapter, EntryKind, KioskAdapter, Language, Screen, SetupAdapter, StepAdapter,
};
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition, Model};
use std::time::Duration;

const CLERK: &str = "2580";
const TECHNICIAN: &str = "97531";

fn self_service_with_pins() -> (Kiosk, instore_kiosk::sim::Simulator, tempfile::TempDir) {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let data = tempfile::tempdir().unwrap();
    let mut settings = settings_for(Some(sim.url()));
    settings.kiosk.mode = instore_kiosk::settings::Mode::SelfService;
    settings.kiosk.export_dir = Some(data.path().join("usb").display().to_string());
    settings.pins.clerk = Some(instore_kiosk::pins::hash(CLERK).unwrap());
    settings.pins.technician = Some(instore_kiosk::pins::hash(TECHNICIAN).unwrap());
    let k = Kiosk::launch_with(rt, settings, Some(data.path().to_path_buf()));
    k.wait("the welcome screen", |w| kiosk_screen(w) == Screen::Welcome);
    (k, sim, data)
}

/// Holds a finger on the header's name for two seconds (Slint's mock clock).
fn long_press_logo(k: &Kiosk) {
    let at = LogicalPosition::new(60.0, 35.0);
    let window = k.window.window();
    window.dispatch_event(WindowEvent::PointerPressed {
        position: at,
        button: PointerEventButton::Left,
    });
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(2100));
    window.dispatch_event(WindowEvent::PointerReleased {
        position: at,
        button: PointerEventButton::Left,
    });
}

fn pin_pad(w: &instore_kiosk::ui::MainWindow) -> bool {
    kiosk_screen(w) == Screen::NumberEntry && w.global::<StepAdapter>().get_entry_kind() == EntryKind::Pin
}

fn type_pin(k: &Kiosk, pin: &str) {
    k.window.global::<StepAdapter>().set_digits(pin.into());
    k.tap("OK");
}

#[test]
fn the_hidden_gesture_opens_the_pin_pad_and_wrong_pins_lock_it() {
    let (k, _sim, _data) = self_service_with_pins();
    assert!(!k.exists("Orders"), "customers see no staff button");
    long_press_logo(&k);
    k.wait("the PIN pad", pin_pad);
    type_pin(&k, "1111");
    k.wait("one wrong", |w| w.global::<StepAdapter>().get_pin_tries_left() == 2);
    assert!(k.exists("Wrong PIN. Tries left: 2."));
    type_pin(&k, "2222");
    k.wait("two wrong", |w| w.global::<StepAdapter>().get_pin_tries_left() == 1);
    type_pin(&k, "3333");
    k.wait("locked", |w| w.global::<StepAdapter>().get_pin_locked_seconds() > 0);
    // Locked: even the right PIN does not open anything now.
    type_pin(&k, CLERK);
    k.wait("still locked", |w| {
        w.global::<StepAdapter>().get_pin_locked_seconds() > 0 && pin_pad(w)
    });
    k.tap("Cancel");
    k.wait("the customer's screen", |w| kiosk_screen(w) != Screen::NumberEntry);
}

#[test]
fn the_clerks_pin_opens_the_orders_and_the_role_ends_with_the_screen() {
    let (k, _sim, _data) = self_service_with_pins();
    // A forged intent is refused without the role: the PIN pad, not the orders.
    k.send(Intent::ShowOrders);
    k.wait("the PIN pad", pin_pad);
    type_pin(&k, CLERK);
    k.wait("the orders", |w| kiosk_screen(w) == Screen::Orders);
    // The clerk's PIN does not open the technician's screen.
    k.send(Intent::ShowDiagnostics);
    k.wait("the PIN pad again", pin_pad);
    // Cancel goes back to the screen under the staff's: the stand's welcome.
    k.tap("Cancel");
    k.wait("the welcome screen", |w| kiosk_screen(w) == Screen::Welcome);
    k.send(Intent::ReprintLast);
    k.wait("the PIN pad: the role ended", pin_pad);
}

#[test]
fn the_technicians_pin_opens_diagnostics_and_export_writes_the_report() {
    let (k, _sim, data) = self_service_with_pins();
    // Without the role, setup is refused like every technician's intent.
    k.send(Intent::OpenSetup);
    k.wait("the PIN pad", pin_pad);
    k.tap("Cancel");
    k.wait("the customer's screen", |w| !pin_pad(w));
    // A customer scans (a keyboard-wedge burst): the checks will say when.
    k.send(Intent::Scanned("8690000010059".into()));
    k.wait("the scan taken", |w| {
        kiosk_screen(w) == Screen::Basket && basket_lines(w) == 1
    });
    long_press_logo(&k);
    k.wait("the PIN pad", pin_pad);
    type_pin(&k, TECHNICIAN);
    k.wait("the diagnostics", |w| kiosk_screen(w) == Screen::Diagnostics);
    let checks: Vec<(String, CheckLevel)> = k
        .window
        .global::<DiagnosticsAdapter>()
        .get_checks()
        .iter()
        .map(|c| (c.name.to_string(), c.level))
        .collect();
    assert!(checks.contains(&("login".to_string(), CheckLevel::Ok)), "{checks:?}");
    assert!(checks.contains(&("database".to_string(), CheckLevel::Ok)), "{checks:?}");
    let scanner = k
        .window
        .global::<DiagnosticsAdapter>()
        .get_checks()
        .iter()
        .find(|c| c.name == "scanner")
        .map(|c| c.detail.to_string())
        .unwrap();
    assert!(scanner.contains("last scan just now"), "{scanner}");
    assert_eq!(
        k.window.global::<DiagnosticsAdapter>().get_version(),
        env!("CARGO_PKG_VERSION")
    );
    k.tap("Export");
    k.wait("exported", |w| {
        !w.global::<DiagnosticsAdapter>().get_exported().is_empty()
    });
    let folder = std::path::PathBuf::from(k.window.global::<DiagnosticsAdapter>().get_exported().to_string());
    assert!(folder.starts_with(data.path().join("usb")), "{}", folder.display());
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("doctor.json")).unwrap()).unwrap();
    assert!(report["checks"].as_array().unwrap().len() > 5);
    assert!(folder.join("queue.json").exists());
    assert!(folder.join("logs.txt").exists(), "the logs, or why there are none");

    // Setup reopens behind the same PIN, filled with the kiosk's settings.
    k.tap("Setup");
    k.wait("setup", |w| kiosk_screen(w) == Screen::Setup);
    assert_eq!(
        k.window.global::<instore_kiosk::ui::SetupAdapter>().get_url(),
        _sim.url().as_str()
    );
    assert!(k.exists("Cancel"), "a running kiosk's setup has a way back");
}

/// A kiosk with no settings file, its customer switched to English: setup offers
/// English, the language on the screen, not the defaults' Turkish.
#[test]
fn setup_without_a_settings_file_offers_the_language_on_the_screen() {
    let (k, _sim, _data) = self_service_with_pins();
    k.window.global::<KioskAdapter>().invoke_set_language(Language::Tr);
    k.window.global::<KioskAdapter>().invoke_set_language(Language::En);
    k.send(Intent::OpenSetup);
    k.wait("the PIN pad", pin_pad);
    type_pin(&k, TECHNICIAN);
    k.wait("setup", |w| kiosk_screen(w) == Screen::Setup);
    assert_eq!(k.window.global::<SetupAdapter>().get_language(), Language::En);
    k.window.global::<KioskAdapter>().invoke_set_language(Language::Tr);
    k.send(Intent::OpenSetup);
    k.wait("setup in Turkish", |w| {
        w.global::<SetupAdapter>().get_language() == Language::Tr
    });
}

/// A staff screen's way back names the screen under it and goes there: the start from
/// the welcome screen; the sale from a register barcode, which is still up (its poller
/// running: the register's payment still ends the sale).
#[test]
fn the_staff_screens_way_back_names_where_it_goes_and_goes_there() {
    let (k, sim, _data) = self_service_with_pins();
    long_press_logo(&k);
    k.wait("the PIN pad", pin_pad);
    type_pin(&k, TECHNICIAN);
    k.wait("the diagnostics", |w| kiosk_screen(w) == Screen::Diagnostics);
    k.tap("Back to the start");
    k.wait("the welcome screen", |w| kiosk_screen(w) == Screen::Welcome);

    k.tap("Tap to start");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    let number = k.socks_to_the_register();
    k.send(Intent::ShowDiagnostics);
    k.wait("the PIN pad", pin_pad);
    type_pin(&k, TECHNICIAN);
    k.wait("the diagnostics", |w| kiosk_screen(w) == Screen::Diagnostics);
    assert!(!k.exists("Back to the start"));
    k.tap("Back to the sale");
    k.wait("the barcode again", |w| kiosk_screen(w) == Screen::CashRegisterBarcode);
    assert_eq!(k.text("CashRegisterBarcodePage::number"), number);
    sim.world().cash_register_pay(&number).unwrap();
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
}

/// A kiosk on a real server with no PINs set: nothing can open the staff's screens, and
/// the pad says how PINs are set instead of counting wrong tries.
#[test]
fn without_pins_the_pad_says_how_to_set_them() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.send(Intent::ShowDiagnostics);
    k.wait("the pad, saying so", |w| {
        pin_pad(w) && w.global::<StepAdapter>().get_pin_none_set()
    });
    type_pin(&k, "0000");
    k.wait("still the pad", pin_pad);
    assert_ne!(kiosk_screen(&k.window), Screen::Diagnostics);
}

/// At a self-service kiosk, ending a sale whose payment is unknown is the staff's
/// decision: "End this sale" asks for a PIN first, then does what was asked.
#[test]
fn a_customer_cannot_end_an_unconfirmed_sale_without_a_staff_pin() {
    let (k, sim, data) = self_service_with_pins();
    k.tap("Tap to start");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.type_code("8690000010059");
    k.wait("one line", |w| basket_lines(w) == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Cash Register");
    k.wait("the barcode", |w| kiosk_screen(w) == Screen::CashRegisterBarcode);
    sim.world().scenario.faults.drop_rate = 1.0;
    k.tap("Back to payment options");
    k.wait("the unconfirmed screen", |w| kiosk_screen(w) == Screen::Unconfirmed);
    k.tap("End this sale");
    k.wait("the PIN pad", pin_pad);
    type_pin(&k, CLERK);
    k.wait("the sale ended", |w| {
        !matches!(
            kiosk_screen(w),
            Screen::NumberEntry | Screen::Unconfirmed | Screen::CashRegisterBarcode
        )
    });
    assert!(queued_orders(data.path()).is_empty(), "nothing was queued");
    assert!(sim.world().all_orders().is_empty());
}
