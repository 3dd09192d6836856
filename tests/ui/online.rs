//! Selling on the server: the three flows (cash register, pay on delivery, saved card),
//! their errors, the register poller, language, self-service and start-up.

use super::common::free_loopback_port;
use super::harness::*;
use instore_kiosk::settings::Mode;
use instore_kiosk::sim::{Scenario, Simulator};
use instore_kiosk::ui::{BasketAdapter, CashRegisterAdapter, KioskAdapter, NoticeKind, PaymentAdapter, Screen};
use slint::{ComponentHandle, Model};
use std::time::Duration;

#[test]
fn cash_register_sale_in_demo_mode_with_installments() {
    let k = Kiosk::start(runtime(), settings_for(None));
    let status = k.text("Header::status");
    assert!(
        status.starts_with("Demo mode · demo@instore.test · http://127.0.0.1:"),
        "{status}"
    );

    // A code nobody sells: said under the field, the basket unchanged.
    k.type_code("123");
    k.wait("the not-found message", |w| {
        w.global::<BasketAdapter>().get_notice_kind() != NoticeKind::None
    });
    assert_eq!(k.text("CodeEntry::message"), "No product has the code 123.");
    assert_eq!(basket_lines(&k.window), 0);
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
    // Every option the server offers, in its order.
    assert_eq!(names.len(), 16);
    assert_eq!(
        names[..4],
        [
            "Cash Register",
            "Cash Register (installments)",
            "Pay on Delivery",
            "Saved Card"
        ]
    );
    assert!(k.enabled("Garanti Pay"), "a wallet is on screen too");

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
    assert_eq!(k.text("OrderCard::order-number"), number);
    assert_eq!(
        k.text("OrderCard::order-summary"),
        "524,79 ₺  ·  Cash Register (installments)"
    );

    k.new_sale();
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
    assert!(k
        .text("Header::status")
        .starts_with("Store server · demo@instore.test · http://127.0.0.1:"));
    k.type_code("8690000010059");
    k.wait("one line", |w| w.global::<BasketAdapter>().get_lines().row_count() == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Pay on Delivery");
    k.wait("pay on delivery", |w| kiosk_screen(w) == Screen::PayOnDelivery);
    assert!(k.exists("Cash on delivery") && k.exists("Card on delivery"));
    assert!(k.exists("Service fee 9,90 ₺"));
    assert!(!k.enabled("Place order"), "nothing chosen yet");
    k.tap("Cash on delivery");
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
    assert_eq!(k.text("OrderCard::order-summary"), "129,89 ₺  ·  Pay on Delivery");
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
    assert_eq!(k.text("OrderCard::order-summary"), "979,91 ₺  ·  Saved Card");
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

    // Back stops polling.
    k.tap("Back to payment options");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    let stopped_at = polls(&sim);
    std::thread::sleep(Duration::from_millis(2_500));
    assert_eq!(polls(&sim), stopped_at, "no poll after Back");

    // A new barcode, paid at the register: ThankYou, and no poll after it.
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
    let free = free_loopback_port();
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

/// Every request asks the server's labels in the kiosk's language, and a switch on
/// screen changes the next answer: pay on delivery's choices in English, then Turkish.
#[test]
fn the_servers_labels_come_in_the_language_on_the_screen() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.type_code("8690000010059");
    k.wait("one line", |w| w.global::<BasketAdapter>().get_lines().row_count() == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Pay on Delivery");
    k.wait("pay on delivery", |w| kiosk_screen(w) == Screen::PayOnDelivery);
    assert!(k.exists("Cash on delivery") && !k.exists("Kapıda nakit"));
    k.tap("Türkçe");
    k.tap("Ödeme seçeneklerine dön");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Pay on Delivery");
    k.wait("pay on delivery", |w| kiosk_screen(w) == Screen::PayOnDelivery);
    assert!(k.exists("Kapıda nakit") && k.exists("Kapıda kredi kartı"));
    assert!(!k.exists("Cash on delivery"));
    let without: Vec<String> = sim.world().without_language.clone();
    assert!(without.is_empty(), "requests without Accept-Language: {without:?}");
}

#[test]
fn the_customer_switches_to_turkish() {
    let k = Kiosk::start(runtime(), settings_for(None));
    assert!(k.exists("Pay"));
    k.tap("Türkçe");
    assert_eq!(
        k.window.global::<KioskAdapter>().get_language(),
        instore_kiosk::ui::Language::Tr
    );
    assert!(k.exists("Öde"), "the Pay button reads Öde");
    assert!(k.exists("Ekle"));
    assert!(!k.exists("Pay"));
    // Sentences composed from the server's data switch too.
    assert!(
        k.text("Header::status").starts_with("Demo modu · "),
        "{}",
        k.text("Header::status")
    );
    k.tap("English");
    assert!(k.exists("Pay"));
    assert!(k.text("Header::status").starts_with("Demo mode · "));
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
    // This store lets guests pay on delivery (the default does not).
    settings.kiosk.guest_payment_types.push("pay_on_delivery".into());
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

/// The account's basket may hold lines this kiosk did not put there (a replay cut short,
/// a sale a restart interrupted): the first sale does not start on them.
#[test]
fn the_first_sale_starts_on_an_empty_basket() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    rt.block_on(async {
        let client = super::common::logged_in(&sim).await;
        super::common::fill_basket(&client, &["8690000010011", "8690000010059"]).await;
    });
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    assert_eq!(basket_lines(&k.window), 0);
    k.type_code("8690000010035");
    k.wait("one line", |w| basket_lines(w) == 1);
    assert_eq!(k.text("TotalAndPay::total"), "899,00 ₺");
}

#[test]
fn the_demo_cashiers_tap_shows_at_once_and_the_kiosk_asks_the_register_then() {
    // A register that asks only every five minutes: only asking at once after the
    // cashier's tap brings the thank-you in time.
    let mut settings = settings_for(None);
    settings.demo.cash_register_poll_seconds = 300;
    let k = Kiosk::start(runtime(), settings);
    k.type_code("8690000010011");
    k.wait("one line", |w| w.global::<BasketAdapter>().get_lines().row_count() == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Cash Register");
    k.wait("the barcode", |w| kiosk_screen(w) == Screen::CashRegisterBarcode);
    k.wait("a countdown", |w| {
        w.global::<CashRegisterAdapter>().get_seconds_left() > 200
    });
    k.tap("Demo: cashier takes payment");
    // Before any answer: the tap was taken, and the button cannot be tapped twice.
    assert!(k.window.global::<CashRegisterAdapter>().get_checking());
    assert_eq!(
        k.text("CashRegisterBarcodePage::register-status"),
        "Checking with the register…"
    );
    assert!(!k.enabled("Demo: cashier takes payment"));
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
}
