//! Gift cards on the touchscreen (#24): from the payment options, a card's number typed
//! on the keypad and another scanned by a wedge scanner, each card's SMS code (a wrong
//! one told, with the tries left), the options again with what the cards leave, the
//! rest paid by a saved bank card, and the printed receipt; cards that pay it all complete the
//! order on them; offline no gift card is offered.

use super::common;
use super::harness::*;
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use instore_kiosk::ui::{EntryKind, PaymentAdapter, Screen, StepAdapter};
use slint::platform::{Key, WindowEvent};
use slint::{ComponentHandle, Model};
use std::time::{Duration, Instant};

const TWO_HUNDRED: &str = "6000100020003000";
const ONE_FIFTY: &str = "6000100020004000";

/// Taps the keypad's digits, then OK.
fn keypad(k: &Kiosk, digits: &str) {
    for digit in digits.chars() {
        ElementHandle::find_by_accessible_label(&k.window, &digit.to_string())
            .find(|e| e.accessible_role() == Some(AccessibleRole::Button))
            .unwrap_or_else(|| panic!("no key {digit}"))
            .invoke_accessible_default_action();
    }
    k.tap("OK");
}

/// A wedge scanner: the code at once, then Enter.
pub(super) fn wedge(k: &Kiosk, code: &str) {
    let press = |text: slint::SharedString| {
        k.window.window().dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
        k.window.window().dispatch_event(WindowEvent::KeyReleased { text });
    };
    for c in code.chars() {
        press(c.to_string().into());
    }
    press(Key::Return.into());
}

fn at_entry(kind: EntryKind) -> impl Fn(&instore_kiosk::ui::MainWindow) -> bool {
    move |w| kiosk_screen(w) == Screen::NumberEntry && w.global::<StepAdapter>().get_entry_kind() == kind
}

fn to_options(k: &Kiosk, codes: &[&str]) {
    for (i, code) in codes.iter().enumerate() {
        k.type_code(code);
        k.wait("the line", |w| basket_lines(w) == i + 1);
    }
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
}

#[test]
fn two_gift_cards_pay_first_and_a_saved_card_pays_the_rest() {
    use common::escpos::decode;
    let (k, sim, printer, _data) = super::devices::with_a_printer(&[]);
    to_options(&k, &["8690000010103", "8690000010059"]);
    assert!(k.window.global::<PaymentAdapter>().get_gift_cards_offered());
    assert_eq!(k.text("GiftCardRow::cards"), "Gift cards pay first; an option pays the rest.");

    // The first card typed on the keypad; a wrong code first.
    k.tap("Pay with a gift card");
    k.wait("the card's number", at_entry(EntryKind::GiftCard));
    keypad(&k, TWO_HUNDRED);
    k.wait("the card's code", at_entry(EntryKind::GiftCode));
    let step = k.window.global::<StepAdapter>();
    assert_eq!(step.get_gift_card(), "•••• 3000");
    assert_eq!(step.get_sent_to(), "532 *** ** 33");
    keypad(&k, "0000");
    k.wait("the refusal", |w| w.global::<StepAdapter>().get_step_error() != "");
    assert_eq!(step.get_step_error(), "The code is not correct.");
    assert_eq!(step.get_tries_left(), 2);
    keypad(&k, "5544");
    k.wait("the options again", |w| kiosk_screen(w) == Screen::PaymentOptions);
    assert_eq!(k.text("GiftCardRow::cards"), "Gift card •••• 3000 pays 200,00 ₺.");
    assert_eq!(k.window.global::<PaymentAdapter>().get_amount(), "378,99 ₺");

    // The second card scanned on its screen.
    k.tap("Pay with a gift card");
    k.wait("the card's number", at_entry(EntryKind::GiftCard));
    wedge(&k, ONE_FIFTY);
    k.wait("the second card's code", at_entry(EntryKind::GiftCode));
    assert_eq!(step.get_gift_card(), "•••• 4000");
    keypad(&k, "5544");
    k.wait("the options again", |w| kiosk_screen(w) == Screen::PaymentOptions);
    assert_eq!(k.text("GiftCardRow::cards"), "2 gift cards pay 350,00 ₺.");
    assert_eq!(k.window.global::<PaymentAdapter>().get_amount(), "228,99 ₺");
    assert!(!k.exists("Pay with the gift cards"), "they do not pay it all");

    // The rest on a saved bank card, in one payment.
    k.tap("Saved Card");
    k.wait("the saved cards", |w| kiosk_screen(w) == Screen::SavedCardList);
    k.tap("My Visa Card");
    k.wait("installments", |w| kiosk_screen(w) == Screen::SavedCardInstallments);
    k.tap("Advance");
    k.wait("the confirmation", |w| kiosk_screen(w) == Screen::SavedCardConfirm);
    k.tap("I have read and accept the sales agreement.");
    k.tap("Pay 228,99 ₺");
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    let order = sim.world().all_orders().last().cloned().expect("an order");
    assert_eq!(order.payment_type, "saved_card");
    assert_eq!(order.amount, common::money("228.99"));
    assert_eq!(order.gift_cards.len(), 2);
    let deadline = Instant::now() + Duration::from_secs(10);
    let text = loop {
        let printed = decode(&printer.bytes());
        if printed.cuts >= 1 {
            break printed.text();
        }
        assert!(Instant::now() < deadline, "no receipt printed");
        std::thread::sleep(Duration::from_millis(50));
    };
    for card in ["Hediye kartı **** 3000", "Hediye kartı **** 4000"] {
        assert!(text.contains(card), "{card} on {text}");
    }
    assert!(text.contains("578,99 TL"), "the whole total: {text}");
    assert!(text.contains("Kayıtlı kart"), "then the card for the rest: {text}");
}

#[test]
fn gift_cards_that_pay_it_all_complete_the_order_and_offline_none_is_offered() {
    let rt = runtime();
    let sim = sim_in(&rt, instore_kiosk::sim::Scenario::default());
    let data = tempfile::tempdir().unwrap();
    let k = Kiosk::launch_with(rt, settings_for(Some(sim.url())), Some(data.path().to_path_buf()));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    to_options(&k, &["8690000010059"]);
    k.tap("Pay with a gift card");
    k.wait("the card's number", at_entry(EntryKind::GiftCard));
    // An unknown card: the server's words, on the number's screen.
    keypad(&k, "6000100020009999");
    k.wait("the refusal", |w| w.global::<StepAdapter>().get_step_error() != "");
    assert_eq!(k.window.global::<StepAdapter>().get_step_error(), "No gift card has this number.");
    keypad(&k, TWO_HUNDRED);
    k.wait("the card's code", at_entry(EntryKind::GiftCode));
    keypad(&k, "5544");
    k.wait("the options again", |w| kiosk_screen(w) == Screen::PaymentOptions);
    assert_eq!(k.window.global::<PaymentAdapter>().get_amount(), "0,00 ₺");
    assert!(k.window.global::<PaymentAdapter>().get_gift_cards_cover());
    assert!(!k.enabled("Cash Register"), "no option is needed");
    k.tap("Pay with the gift cards");
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    let order = sim.world().all_orders().last().cloned().expect("an order");
    assert_eq!(order.payment_type, "gift_card");
    assert_eq!(sim.world().gift_card_balance(TWO_HUNDRED), Some(common::money("80.01")));

    // The line down: the offline options offer no gift card.
    k.new_sale();
    k.wait("an empty basket", |w| basket_lines(w) == 0);
    wait_for_catalog_copy(data.path());
    k.runtime.block_on(sim.stop());
    to_options(&k, &["8690000010059"]);
    assert!(!k.window.global::<PaymentAdapter>().get_gift_cards_offered());
    assert!(!k.exists("Pay with a gift card"));
    let _ = k.window.global::<PaymentAdapter>().get_gift_cards().row_count();
}

#[test]
fn a_sale_with_gift_cards_waits_for_the_server_instead_of_going_offline_at_full_price() {
    let (k, sim, data) = sold_once_online();
    let queued = queued_orders(data.path()).len();
    to_options(&k, &["8690000010103"]);
    k.tap("Pay with a gift card");
    k.wait("the card's number", at_entry(EntryKind::GiftCard));
    keypad(&k, TWO_HUNDRED);
    k.wait("the card's code", at_entry(EntryKind::GiftCode));
    keypad(&k, "5544");
    k.wait("the options again", |w| kiosk_screen(w) == Screen::PaymentOptions);
    assert_eq!(k.window.global::<PaymentAdapter>().get_amount(), "259,00 ₺");
    // The line goes; the customer picks the door for the rest.
    k.runtime.block_on(sim.stop());
    k.tap("Pay on Delivery");
    k.wait("the error screen", |w| kiosk_screen(w) == Screen::Error);
    assert!(k.window.global::<instore_kiosk::ui::KioskAdapter>().get_error_can_retry());
    assert_eq!(queued_orders(data.path()).len(), queued, "nothing taken offline at full price");
}
