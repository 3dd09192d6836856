//! A keyboard and a keyboard-wedge scanner on the real window: key events through
//! Slint's testing backend, the controller against the simulator.

use super::harness::*;
use instore_kiosk::sim::Scenario;
use instore_kiosk::ui::{BasketAdapter, PaymentAdapter, Screen, StepAdapter};
use slint::platform::{Key, WindowEvent};
use slint::ComponentHandle;
use std::time::Duration;

fn key(k: &Kiosk, text: &str) {
    let text: slint::SharedString = text.into();
    k.window
        .window()
        .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
    k.window.window().dispatch_event(WindowEvent::KeyReleased { text });
}

fn special(k: &Kiosk, which: Key) {
    key(k, slint::SharedString::from(which).as_str());
}

/// A person at a keyboard: characters well apart.
fn typed(k: &Kiosk, text: &str) {
    for c in text.chars() {
        key(k, &c.to_string());
        std::thread::sleep(Duration::from_millis(60));
    }
}

/// A wedge scanner: the whole code at once, then Enter.
fn scanned(k: &Kiosk, code: &str) {
    for c in code.chars() {
        key(k, &c.to_string());
    }
    special(k, Key::Return);
}

#[test]
fn typing_on_the_basket_fills_the_code_field_and_enter_adds() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    typed(&k, "86900000100599");
    special(&k, Key::Backspace);
    assert_eq!(
        k.window.global::<BasketAdapter>().get_code(),
        "8690000010059",
        "Backspace took one"
    );
    special(&k, Key::Return);
    k.wait("the socks", |w| basket_lines(w) == 1);
    assert_eq!(k.window.global::<BasketAdapter>().get_code(), "", "the field empties");

    // Escape on the options goes back; Enter where nothing is the default does nothing.
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    special(&k, Key::Escape);
    k.wait("the basket again", |w| kiosk_screen(w) == Screen::Basket);
    assert_eq!(basket_lines(&k.window), 1);
}

#[test]
fn a_wedge_burst_is_a_scan_even_on_the_welcome_screen_and_slow_typing_is_not() {
    let mut settings = settings_for(None);
    settings.kiosk.mode = instore_kiosk::settings::Mode::SelfService;
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    settings.commerce.url = Some(sim.url());
    let k = Kiosk::start(rt, settings);
    k.wait("the welcome screen", |w| kiosk_screen(w) == Screen::Welcome);
    scanned(&k, "8690000010059");
    k.wait("the basket with the socks", |w| {
        kiosk_screen(w) == Screen::Basket && basket_lines(w) == 1
    });

    // On the options, a person's slow digits and Enter are not a scan.
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    typed(&k, "8690000010103");
    special(&k, Key::Return);
    std::thread::sleep(Duration::from_millis(300));
    k.wait("still the options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    assert_eq!(k.window.global::<PaymentAdapter>().get_step_error(), "");

    // The keypad screen takes digits from the keyboard; Enter sends them.
    k.tap("Paycell");
    k.wait("the SMS confirmation", |w| kiosk_screen(w) == Screen::Confirm);
    k.tap("I have read and accept the sales agreement.");
    special(&k, Key::Return);
    k.wait("the code", |w| kiosk_screen(w) == Screen::NumberEntry);
    typed(&k, "5544");
    assert_eq!(k.window.global::<StepAdapter>().get_digits(), "5544");
    special(&k, Key::Return);
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    assert_eq!(sim.world().all_orders().len(), 1);
    assert_eq!(sim.world().all_orders()[0].items.len(), 1, "only the scanned socks");
    special(&k, Key::Return);
    k.wait("a new sale", |w| kiosk_screen(w) == Screen::Welcome);
}

/// Escape on a form goes back one step: the new customer's form to the search, the
/// new address to the delivery screen.
#[test]
fn escape_on_a_form_goes_back_one_step() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.tap("Customer");
    k.wait("the search", |w| kiosk_screen(w) == Screen::CustomerSearch);
    k.tap("New customer");
    k.wait("the form", |w| kiosk_screen(w) == Screen::CustomerNew);
    special(&k, Key::Escape);
    k.wait("the search again", |w| kiosk_screen(w) == Screen::CustomerSearch);
    // Typed straight away, with no tap on the field first; a slip taken back.
    typed(&k, "Demirx");
    special(&k, Key::Backspace);
    let customers = k.window.global::<instore_kiosk::ui::CustomerAdapter>();
    assert_eq!(customers.get_search(), "Demir", "the search field shows what was typed");
    special(&k, Key::Return);
    k.wait("a result", |w| {
        w.global::<instore_kiosk::ui::CustomerAdapter>().get_searched()
    });
    k.tap("Mehmet Demir");
    k.wait("his basket", |w| kiosk_screen(w) == Screen::Basket);
    scanned(&k, "8690000010059");
    k.wait("the socks", |w| basket_lines(w) == 1);
    k.tap("Pay");
    k.wait("the delivery screen", |w| kiosk_screen(w) == Screen::Delivery);
    k.tap("+ A new address");
    k.wait("the address form", |w| kiosk_screen(w) == Screen::AddressNew);
    // The city list first: Escape closes it and keeps the form and what it holds.
    let delivery = k.window.global::<instore_kiosk::ui::DeliveryAdapter>();
    delivery.set_line("Bağdat Cad. 10".into());
    k.picker("City").invoke_accessible_default_action();
    assert!(k.exists("Choose the city"), "the list of cities");
    special(&k, Key::Escape);
    assert!(!k.exists("Choose the city"), "the list closed");
    assert_eq!(kiosk_screen(&k.window), Screen::AddressNew);
    assert_eq!(delivery.get_line(), "Bağdat Cad. 10");
    special(&k, Key::Escape);
    k.wait("the delivery screen again", |w| kiosk_screen(w) == Screen::Delivery);
    assert!(k.exists("Home"), "his address still listed");
}
