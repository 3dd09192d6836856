//! Touch only: every field typed on the on-screen keyboard, taps only (pointer presses
//! on the keys and fields, no key event from the test itself): a customer found by name,
//! a new customer with a Turkish name and an e-mail, a new address, and Setup filled and
//! saved; Backspace held repeats; each field gets the keys it needs.

use super::common::{EMAIL, PASSWORD};
use super::harness::*;
use instore_kiosk::settings::Settings;
use instore_kiosk::sim::Scenario;
use instore_kiosk::ui::{
    BasketAdapter, CustomerAdapter, DeliveryAdapter, KeyboardAdapter, KeyboardLayout, KioskAdapter, MainWindow, Screen,
    SetupAdapter,
};
use slint::{ComponentHandle, Model};
use std::time::{Duration, Instant};

#[test]
fn a_customer_is_found_by_name_on_the_turkish_keys() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.tap("Türkçe");
    k.wait("Turkish", |w| {
        w.global::<KioskAdapter>().get_language() == instore_kiosk::ui::Language::Tr
    });
    k.tap("Müşteri");
    k.wait("the customer search", |w| kiosk_screen(w) == Screen::CustomerSearch);
    assert!(keyboard_up(&k.window), "the search opens on its field, the keyboard up");
    assert_eq!(k.window.global::<KeyboardAdapter>().get_layout(), KeyboardLayout::Text);
    // Turkish Q: ş and ı where a Turkish keyboard has them; a slip of the finger is
    // taken back with Backspace.
    k.type_keys("yılmx");
    k.key("Geri sil");
    k.type_keys("az");
    assert_eq!(k.window.global::<CustomerAdapter>().get_search(), "yılmaz");
    k.key("Enter");
    k.wait("the results", |w| w.global::<CustomerAdapter>().get_searched());
    let found: Vec<String> = k
        .window
        .global::<CustomerAdapter>()
        .get_results()
        .iter()
        .map(|c| c.name.to_string())
        .collect();
    assert!(found.iter().any(|n| n == "Ayşe Yılmaz"), "{found:?}");
    k.tap("Ayşe Yılmaz");
    k.wait("her basket", |w| kiosk_screen(w) == Screen::Basket);
    assert!(!keyboard_up(&k.window), "the keyboard goes with the field");
}

#[test]
fn a_new_customer_with_a_turkish_name_and_an_e_mail_is_opened_by_touch() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.tap("Türkçe");
    k.wait("Turkish", |w| {
        w.global::<KioskAdapter>().get_language() == instore_kiosk::ui::Language::Tr
    });
    k.taps.set(0);
    k.tap("Müşteri");
    k.wait("the customer search", |w| kiosk_screen(w) == Screen::CustomerSearch);
    k.tap("Yeni müşteri");
    k.wait("the form", |w| kiosk_screen(w) == Screen::CustomerNew);
    // The form opens on the first name, its keyboard up: no tap on the field.
    assert!(keyboard_up(&k.window));
    // Shift knows Turkish capitals: İ from i, I from ı.
    k.type_keys("İlkçağ");
    k.key("Enter");
    assert_eq!(k.window.global::<KioskAdapter>().get_screen(), Screen::CustomerNew);
    k.type_keys("Işık");
    k.key("Enter");
    // The phone takes digits only; the e-mail an address's keys.
    assert_eq!(
        k.window.global::<KeyboardAdapter>().get_layout(),
        KeyboardLayout::Numbers
    );
    assert!(!k.exists("q"), "no letters on a phone's keys");
    k.type_keys("5321234567");
    k.key("Enter");
    assert_eq!(k.window.global::<KeyboardAdapter>().get_layout(), KeyboardLayout::Email);
    assert!(!k.exists("Space"), "no space bar in an e-mail");
    k.type_keys("ilkcag");
    k.key("@");
    k.type_keys("ornek");
    k.key(".com.tr");
    let form = k.window.global::<CustomerAdapter>();
    assert_eq!(
        (
            form.get_first_name().to_string(),
            form.get_last_name().to_string(),
            form.get_phone().to_string(),
            form.get_email().to_string()
        ),
        (
            "İlkçağ".into(),
            "Işık".into(),
            "5321234567".into(),
            "ilkcag@ornek.com.tr".into()
        )
    );
    k.key("Klavyeyi gizle");
    assert!(!keyboard_up(&k.window));
    k.tap("KVKK aydınlatma metnini okudum ve anladım. (zorunlu)");
    k.tap("Hesabı aç");
    k.wait("the new customer's basket", |w| kiosk_screen(w) == Screen::Basket);
    // A measure, not a check: what the closing note reports.
    println!(
        "taps to open a new customer account on the on-screen keys: {}",
        k.taps.get()
    );
    assert_eq!(
        k.window.global::<CustomerAdapter>().get_name(),
        "İlkçağ Işık",
        "the sale is hers"
    );
    let on_server = sim
        .world()
        .customers_search("demo@instore.test", "ilkcag@ornek.com.tr")
        .unwrap();
    assert_eq!(on_server["count"], 1, "{on_server}");
}

#[test]
fn a_new_address_is_typed_on_the_keys_and_the_field_stays_above_them() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.tap("Customer");
    k.wait("the customer search", |w| kiosk_screen(w) == Screen::CustomerSearch);
    // The search opens on its field: typed at once.
    k.type_keys("ayse");
    k.key("Enter");
    k.wait("the results", |w| {
        w.global::<CustomerAdapter>().get_results().row_count() > 0
    });
    k.tap("Ayşe Yılmaz");
    k.wait("her basket", |w| kiosk_screen(w) == Screen::Basket);
    k.type_code("8690000010059");
    k.wait("one line", |w| basket_lines(w) == 1);
    k.tap("Pay");
    k.wait("the delivery screen", |w| kiosk_screen(w) == Screen::Delivery);
    scroll_to(&k.window, "+ A new address");
    k.tap("+ A new address");
    k.wait("the address form", |w| kiosk_screen(w) == Screen::AddressNew);
    k.pick("City", "İzmir");
    k.wait("İzmir's districts", |w| {
        w.global::<DeliveryAdapter>().get_districts().row_count() > 0
    });
    // Under the keyboard the name's field brought up: scrolled to, as a person would.
    scroll_to(&k.window, "District");
    k.pick("District", "Konak");
    k.tap_field("Name of the address");
    k.type_keys("Home");
    k.key("Enter");
    // The street, below the name: still in sight above the keyboard.
    let street = i_slint_backend_testing::ElementHandle::find_by_accessible_label(&k.window, "Street, building, door")
        .next()
        .unwrap();
    let keyboard = i_slint_backend_testing::ElementHandle::find_by_accessible_label(&k.window, "On-screen keyboard")
        .next()
        .unwrap();
    assert!(
        street.absolute_position().y + street.size().height <= keyboard.absolute_position().y,
        "the field at {:?} is under the keyboard at {:?}",
        street.absolute_position(),
        keyboard.absolute_position()
    );
    k.type_keys("Kordon Boyu");
    k.key("Digits and symbols");
    k.type_keys(" 12/3");
    k.key("Letters");
    k.key("Enter");
    k.wait("the shipping options", |w| kiosk_screen(w) == Screen::ChoiceList);
    let addresses = sim.world().addresses_json("ayse.yilmaz@example.com");
    assert!(addresses.to_string().contains("Kordon Boyu 12/3"), "{addresses}");
}

#[test]
fn backspace_held_repeats_and_a_pin_field_shows_digits_only() {
    platform();
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("settings.toml");
    let window = setup_window(&rt, &target, dir.path());
    tap_field(&window, "Password");
    for _ in 0..4 {
        on_screen_key(&window, "Enter");
    }
    assert_eq!(window.global::<KeyboardAdapter>().get_layout(), KeyboardLayout::Numbers);
    for digit in "975319".chars() {
        on_screen_key(&window, &digit.to_string());
    }
    assert_eq!(window.global::<SetupAdapter>().get_technician_pin(), "975319");
    // Held for a second and a half, Backspace takes the whole PIN.
    let backspace = i_slint_backend_testing::ElementHandle::find_by_accessible_label(&window, "Backspace")
        .max_by(|a, b| a.absolute_position().y.total_cmp(&b.absolute_position().y))
        .unwrap();
    let at = backspace.absolute_position();
    let size = backspace.size();
    let position = slint::LogicalPosition::new(at.x + size.width / 2.0, at.y + size.height / 2.0);
    window
        .window()
        .dispatch_event(slint::platform::WindowEvent::PointerPressed {
            position,
            button: slint::platform::PointerEventButton::Left,
        });
    for _ in 0..15 {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(100));
    }
    window
        .window()
        .dispatch_event(slint::platform::WindowEvent::PointerReleased {
            position,
            button: slint::platform::PointerEventButton::Left,
        });
    assert_eq!(
        window.global::<SetupAdapter>().get_technician_pin(),
        "",
        "held, it repeated"
    );
    drop(sim);
}

#[test]
fn the_keypads_backspace_takes_one_digit_and_held_takes_the_code() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    for digit in "8690".chars() {
        let key = i_slint_backend_testing::ElementHandle::find_by_accessible_label(&k.window, &digit.to_string())
            .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button))
            .unwrap_or_else(|| panic!("no key {digit}"));
        key.mock_single_click(slint::platform::PointerEventButton::Left);
    }
    let code = || k.window.global::<BasketAdapter>().get_code().to_string();
    assert_eq!(code(), "8690");
    let backspace = i_slint_backend_testing::ElementHandle::find_by_accessible_label(&k.window, "backspace")
        .next()
        .expect("the keypad's backspace");
    // A tap takes the last digit only: a clerk who mistyped one keeps the rest.
    backspace.mock_single_click(slint::platform::PointerEventButton::Left);
    assert_eq!(code(), "869");
    // Held, it takes the whole code, and its release takes nothing more.
    let at = backspace.absolute_position();
    let size = backspace.size();
    let position = slint::LogicalPosition::new(at.x + size.width / 2.0, at.y + size.height / 2.0);
    let press = slint::platform::WindowEvent::PointerPressed {
        position,
        button: slint::platform::PointerEventButton::Left,
    };
    k.window.window().dispatch_event(press);
    for _ in 0..8 {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(100));
    }
    assert_eq!(code(), "", "held, it cleared before the finger lifted");
    k.window
        .window()
        .dispatch_event(slint::platform::WindowEvent::PointerReleased {
            position,
            button: slint::platform::PointerEventButton::Left,
        });
    assert_eq!(code(), "");
    drop(sim);
}

/// The Setup screen on a window of its own, its keyboard wired, as a device's first
/// start shows it.
fn setup_window(rt: &tokio::runtime::Runtime, target: &std::path::Path, data: &std::path::Path) -> MainWindow {
    let window = MainWindow::new().unwrap();
    let mut shown = Settings::default();
    shown.kiosk.language = "en".into();
    instore_kiosk::ui::prepare_window(&window, &shown);
    instore_kiosk::ui::setup::show(&window, &shown, false);
    instore_kiosk::ui::setup::wire(
        &window,
        rt.handle().clone(),
        Settings::default(),
        target.to_path_buf(),
        data.to_path_buf(),
        |_| {},
    );
    instore_kiosk::ui::keyboard::wire(&window);
    window.show().unwrap();
    window
}

#[test]
fn setup_is_filled_and_saved_on_the_keys() {
    platform();
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("etc").join("settings.toml");
    let window = setup_window(&rt, &target, dir.path());
    let url = sim.url();
    tap_field(&window, "Store server");
    assert_eq!(window.global::<KeyboardAdapter>().get_layout(), KeyboardLayout::Url);
    let port = url.trim_start_matches("http://127.0.0.1:").trim_end_matches('/');
    for key in [
        "h", "t", "t", "p", ":", "/", "/", "1", "2", "7", ".", "0", ".", "0", ".", "1", ":",
    ] {
        on_screen_key(&window, key);
    }
    for digit in port.chars() {
        on_screen_key(&window, &digit.to_string());
    }
    on_screen_key(&window, "/");
    assert_eq!(window.global::<SetupAdapter>().get_url(), url.as_str());
    on_screen_key(&window, "Enter");
    assert_eq!(window.global::<KeyboardAdapter>().get_layout(), KeyboardLayout::Email);
    for key in [
        "d", "e", "m", "o", "@", "i", "n", "s", "t", "o", "r", "e", ".", "t", "e", "s", "t",
    ] {
        on_screen_key(&window, key);
    }
    assert_eq!(window.global::<SetupAdapter>().get_email(), EMAIL);
    on_screen_key(&window, "Enter");
    assert_eq!(window.global::<KeyboardAdapter>().get_layout(), KeyboardLayout::Text);
    for c in PASSWORD.chars() {
        if c.is_ascii_digit() && !window.global::<KeyboardAdapter>().get_symbols() {
            on_screen_key(&window, "Digits and symbols");
        } else if c.is_ascii_alphabetic() && window.global::<KeyboardAdapter>().get_symbols() {
            on_screen_key(&window, "Letters");
        }
        on_screen_key(&window, &c.to_string());
    }
    assert_eq!(window.global::<SetupAdapter>().get_password(), PASSWORD);
    // Enter goes down the form, each field scrolled into sight above the keys: the
    // printer and scanner (none here), then the PINs on the digits alone.
    for _ in 0..3 {
        on_screen_key(&window, "Enter");
    }
    assert_eq!(window.global::<KeyboardAdapter>().get_layout(), KeyboardLayout::Numbers);
    on_screen_key(&window, "Enter");
    for digit in "97531".chars() {
        on_screen_key(&window, &digit.to_string());
    }
    // Enter on the last field is the form's main button: Save and start.
    on_screen_key(&window, "Enter");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !target.exists() {
        assert!(
            Instant::now() < deadline,
            "the settings were not written: {}",
            window.global::<SetupAdapter>().get_message()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let loaded = Settings::load(Some(&target), instore_kiosk::devices::check_settings).unwrap();
    assert_eq!(loaded.commerce.url.as_deref(), Some(url.as_str()));
    assert_eq!(loaded.commerce.email.as_deref(), Some(EMAIL));
    assert!(loaded.pins.technician.is_some());
}
