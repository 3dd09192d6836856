//! The clerk's day's close (#24), through the real screens against the simulator: the
//! server's figures by payment type, the queue's waiting order apart and asked about
//! first, the cash counted typed on the keypad and the difference said, the Z report
//! printed and the close kept; the next close starts where this one ended.

use super::common;
use super::harness::*;
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use instore_kiosk::ui::{CashDifference, DayCloseAdapter, Screen};
use slint::{ComponentHandle, Model};
use std::time::{Duration, Instant};

/// Taps the button labelled `label` (not a title that reads the same).
fn tap_button(k: &Kiosk, label: &str) {
    ElementHandle::find_by_accessible_label(&k.window, label)
        .find(|e| e.accessible_role() == Some(AccessibleRole::Button))
        .unwrap_or_else(|| panic!("no button {label:?} on {:?}", k.screen()))
        .invoke_accessible_default_action();
}

fn rows(k: &Kiosk) -> Vec<(String, i32, String)> {
    k.window
        .global::<DayCloseAdapter>()
        .get_sales()
        .iter()
        .map(|r| (r.name.to_string(), r.count, r.amount.to_string()))
        .collect()
}

fn open_close(k: &Kiosk) {
    k.tap("Orders");
    k.wait("the orders", |w| kiosk_screen(w) == Screen::Orders);
    tap_button(k, "Close the day");
    k.wait("the day's close", |w| kiosk_screen(w) == Screen::DayClose);
}

#[test]
fn the_day_closes_on_the_servers_figures_with_the_cash_difference_and_a_printed_z_report() {
    use common::escpos::decode;
    let (k, sim, printer, data) = super::devices::with_a_printer(&[]);
    // One sale paid at the register, one on delivery.
    let number = k.socks_to_the_register();
    let paid = k.runtime.block_on(common::pay_at_register(&sim.url(), &number));
    assert!(paid.is_success());
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    k.new_sale();
    k.wait("an empty basket", |w| basket_lines(w) == 0);
    k.sell_socks_on_delivery();
    k.new_sale();
    k.wait("an empty basket", |w| basket_lines(w) == 0);
    // A sale in progress (so no drain sends the queue now) and an order taken offline.
    k.type_code("8690000010011");
    k.wait("one line", |w| basket_lines(w) == 1);
    queue_socks_sale(data.path());

    open_close(&k);
    let close = k.window.global::<DayCloseAdapter>();
    assert_eq!(close.get_since(), "", "the first close counts from the first sale");
    assert_eq!(
        rows(&k),
        [
            ("Paid at the register".to_string(), 1, "119,99 ₺".to_string()),
            ("Pay on delivery".to_string(), 1, "129,89 ₺".to_string())
        ]
    );
    assert_eq!(close.get_sold(), "249,88 ₺");
    assert_eq!(close.get_expected(), "119,99 ₺", "only the register's money is in the till");
    assert_eq!(close.get_waiting(), 1);
    assert_eq!(close.get_waiting_amount(), "119,99 ₺");

    // 110,00 counted, typed with the kuruş last.
    for digit in "11000".chars() {
        tap_button(&k, &digit.to_string());
    }
    assert_eq!(k.text("Count::counted"), "110,00 ₺");
    // The queue's order is asked about before the close.
    tap_button(&k, "Close the day");
    k.pump();
    assert!(!close.get_closed(), "the first tap asks");
    tap_button(&k, "Close without them");
    k.wait("the close", |w| w.global::<DayCloseAdapter>().get_closed());
    assert_eq!(close.get_outcome(), CashDifference::Short);
    assert_eq!(k.text("Count::difference"), "The till is 9,99 ₺ short.");

    // Kept, as shown and counted.
    let store = instore_kiosk::offline::Store::open(data.path()).unwrap();
    let kept = instore_kiosk::offline::close::last_close(&store).unwrap().expect("the close is kept");
    assert_eq!(kept.counted, common::money("110.00"));
    assert_eq!(kept.difference, common::money("-9.99"));
    assert_eq!(kept.report.waiting.len(), 1);

    // The Z report, in the receipt's language.
    let deadline = Instant::now() + Duration::from_secs(10);
    let slip = loop {
        let printed = decode(&printer.bytes());
        let text = printed.text();
        if text.contains("GÜN SONU") {
            break text;
        }
        assert!(Instant::now() < deadline, "no Z report printed: {text}");
        std::thread::sleep(Duration::from_millis(50));
    };
    for line in ["Kasada ödeme x1", "Kapıda ödeme x1", "Beklenen nakit", "Sayılan nakit"] {
        assert!(slip.contains(line), "{line:?} in {slip}");
    }
    let difference = slip.lines().find(|l| l.starts_with("Fark")).unwrap_or_default();
    assert!(difference.trim_end().ends_with("-9,99 TL"), "{slip}");

    // The next close starts at this one: nothing sold since.
    tap_button(&k, "Back to basket");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    open_close(&k);
    assert_ne!(close.get_since(), "");
    assert!(rows(&k).is_empty());
    assert_eq!(close.get_expected(), "0,00 ₺");
    assert!(!close.get_closed(), "a new close, not the last one shown again");
}

#[test]
fn a_customer_at_a_self_service_kiosk_cannot_close_the_day() {
    let rt = runtime();
    let sim = sim_in(&rt, instore_kiosk::sim::Scenario::default());
    let mut settings = settings_for(Some(sim.url()));
    settings.kiosk.mode = instore_kiosk::settings::Mode::SelfService;
    let data = tempfile::tempdir().unwrap();
    let k = Kiosk::launch_with(rt, settings, Some(data.path().to_path_buf()));
    k.wait("the welcome", |w| kiosk_screen(w) == Screen::Welcome);
    // A forged tap: the controller asks for the clerk's PIN and closes nothing.
    k.send(instore_kiosk::ui::controller::Intent::CloseDay("100".into()));
    k.send(instore_kiosk::ui::controller::Intent::DayClose);
    k.wait("the PIN pad", |w| kiosk_screen(w) == Screen::NumberEntry);
    let store = instore_kiosk::offline::Store::open(data.path()).unwrap();
    assert!(instore_kiosk::offline::close::last_close(&store).unwrap().is_none());
}
