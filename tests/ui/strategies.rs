//! Every strategy of the reference sold from the screen: from the basket through the
//! real screens to thank-you, against the simulator, asserting what each screen shows;
//! and the ways a customer leaves one (a wrong code, a declined or timed-out payment on
//! the phone, Cancel) with nothing charged twice.

use super::harness::*;
use instore_kiosk::sim::{Scenario, Simulator};
use instore_kiosk::ui::{BasketAdapter, HandoffAdapter, PaymentAdapter, Screen, StepAdapter};
use slint::{ComponentHandle, Model};

const SOCKS: &str = "8690000010059"; // 119,99 ₺

/// A kiosk online with socks in the basket, on the payment options.
fn at_options_with(settings: instore_kiosk::settings::Settings, scenario: Scenario) -> (Kiosk, Simulator) {
    let rt = runtime();
    let sim = sim_in(&rt, scenario);
    let mut settings = settings;
    settings.commerce.url = Some(sim.url());
    let k = Kiosk::start(rt, settings);
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.type_code(SOCKS);
    k.wait("one line", |w| w.global::<BasketAdapter>().get_lines().row_count() == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    (k, sim)
}

fn at_options() -> (Kiosk, Simulator) {
    at_options_with(settings_for(None), Scenario::default())
}

/// Taps digits on the keypad screen.
fn key_in(k: &Kiosk, digits: &str) {
    for digit in digits.chars() {
        let key = i_slint_backend_testing::ElementHandle::find_by_accessible_label(&k.window, &digit.to_string())
            .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button))
            .unwrap_or_else(|| panic!("no key {digit}"));
        key.invoke_accessible_default_action();
    }
}

fn choose(k: &Kiosk, option: &str, screen: Screen) {
    k.tap(option);
    k.wait(option, |w| kiosk_screen(w) == screen);
}

fn agree_and(k: &Kiosk, button: &str, screen: Screen) {
    k.tap("I have read and accept the sales agreement.");
    k.tap(button);
    k.wait(button, |w| kiosk_screen(w) == screen);
}

/// The customer's phone at the service page the QR code names.
fn phone_decides(k: &Kiosk, approve: bool) -> String {
    let url = k.window.global::<HandoffAdapter>().get_url().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "a service address: {url}");
    k.runtime.block_on(async {
        reqwest::Client::new()
            .post(&url)
            .header("Accept", "application/json")
            .form(&[("decision", if approve { "approve" } else { "decline" })])
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
    });
    url
}

/// The thank-you screen names the option; the simulator has one order of that type.
fn sold_once(k: &Kiosk, sim: &Simulator, amount: &str, option: &str, payment_type: &str) {
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    assert_eq!(k.text("OrderCard::order-summary"), format!("{amount}  ·  {option}"));
    let orders = sim.world().all_orders().to_vec();
    assert_eq!(orders.len(), 1, "one order");
    assert_eq!(orders[0].payment_type, payment_type);
}

#[test]
fn every_option_of_the_server_is_listed_in_its_order() {
    let (k, _sim) = at_options();
    let options: Vec<(String, bool)> = k
        .window
        .global::<PaymentAdapter>()
        .get_options()
        .iter()
        .map(|o| (o.name.to_string(), o.available))
        .collect();
    let names: Vec<&str> = options.iter().map(|(n, _)| n.as_str()).collect();
    let expected: Vec<String> = Scenario::default().options.iter().map(|o| o.name.clone()).collect();
    assert_eq!(names, expected, "all sixteen, in the server's order");
    assert!(
        options.iter().all(|(_, available)| *available),
        "a clerk may take every one"
    );
}

/// A guest at a self-service stand (nobody signed in) is asked to sign in for what is
/// paid after the goods leave: Pay on Delivery, Pay Later, a funds transfer, and the
/// account's own; what takes the money first stays open. A tap on a greyed option
/// sends nothing. `kiosk.guest_payment_types` opens more where a store wants it.
#[test]
fn a_self_service_guest_is_asked_to_sign_in_for_what_is_paid_after_the_goods_leave() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let mut settings = settings_for(Some(sim.url()));
    settings.kiosk.mode = instore_kiosk::settings::Mode::SelfService;
    let k = Kiosk::start(rt, settings);
    k.wait("the welcome screen", |w| kiosk_screen(w) == Screen::Welcome);
    k.tap("Tap to start");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.type_code(SOCKS);
    k.wait("one line", |w| w.global::<BasketAdapter>().get_lines().row_count() == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    let options: Vec<(String, bool, instore_kiosk::ui::Unavailable)> = k
        .window
        .global::<PaymentAdapter>()
        .get_options()
        .iter()
        .map(|o| (o.name.to_string(), o.available, o.why))
        .collect();
    let of = |name: &str| options.iter().find(|o| o.0 == name).cloned().unwrap();
    for later in [
        "Pay on Delivery",
        "Pay Later",
        "Funds Transfer",
        "Saved Card",
        "Loyalty Money",
    ] {
        assert_eq!(
            of(later),
            (later.to_string(), false, instore_kiosk::ui::Unavailable::IdentifyFirst),
            "{options:?}"
        );
    }
    for first in ["Cash Register", "Garanti Pay", "Paycell", "Masterpass"] {
        assert!(of(first).1, "{first} open to a guest: {options:?}");
    }
    k.find("Pay on Delivery").invoke_accessible_default_action();
    k.wait("still the options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    assert!(sim.world().all_orders().is_empty());

    // A store that lets guests pay on delivery says so.
    let rt = runtime();
    let mut settings = settings_for(Some(sim.url()));
    settings.kiosk.mode = instore_kiosk::settings::Mode::SelfService;
    settings.kiosk.guest_payment_types.push("pay_on_delivery".into());
    let k = Kiosk::start(rt, settings);
    k.wait("the welcome screen", |w| kiosk_screen(w) == Screen::Welcome);
    k.tap("Tap to start");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.type_code(SOCKS);
    k.wait("one line", |w| w.global::<BasketAdapter>().get_lines().row_count() >= 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    assert!(k.enabled("Pay on Delivery"));
    assert!(!k.enabled("Pay Later"));
}

#[test]
fn at_a_self_service_kiosk_payment_types_choose_and_order_what_customers_take() {
    let mut settings = settings_for(None);
    settings.kiosk.mode = instore_kiosk::settings::Mode::SelfService;
    settings.kiosk.payment_types = vec!["saved_card".into(), "cash_register".into()];
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    settings.commerce.url = Some(sim.url());
    let k = Kiosk::start(rt, settings);
    k.wait("the welcome screen", |w| kiosk_screen(w) == Screen::Welcome);
    k.tap("Tap to start");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.type_code(SOCKS);
    k.wait("one line", |w| w.global::<BasketAdapter>().get_lines().row_count() == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    let options: Vec<(String, bool)> = k
        .window
        .global::<PaymentAdapter>()
        .get_options()
        .iter()
        .map(|o| (o.name.to_string(), o.available))
        .collect();
    assert_eq!(options.len(), 16, "every option stays on screen");
    assert_eq!(
        options[..3],
        [
            // A guest: saved cards are an account's, and this customer gave none.
            ("Saved Card".to_string(), false),
            ("Cash Register".to_string(), true),
            ("Cash Register (installments)".to_string(), true)
        ]
    );
    assert!(k.exists("Sign in with your phone number first."));
    assert!(
        options[3..].iter().all(|(_, available)| !available),
        "the rest are for staff"
    );
    assert!(k.exists("Ask staff for this."));
    assert!(!k.enabled("Funds Transfer"));
}

#[test]
fn funds_transfer_shows_the_iban_and_the_reference_to_quote() {
    let (k, sim) = at_options();
    choose(&k, "Funds Transfer", Screen::ChoiceList);
    let rows = k.window.global::<StepAdapter>().get_choices();
    assert!(rows.row_count() >= 2, "the store's bank accounts");
    let first = rows.row_data(0).unwrap();
    assert!(first.has_logo, "the bank's logo");
    assert_eq!(
        first.extra.split(' ').next().map(str::len),
        Some(4),
        "IBAN in groups of four: {}",
        first.extra
    );
    let bank = first.title.to_string();
    choose(&k, &bank, Screen::Confirm);
    let facts: Vec<String> = k
        .window
        .global::<StepAdapter>()
        .get_facts()
        .iter()
        .map(|f| f.value.to_string())
        .collect();
    assert_eq!(facts[0], bank);
    assert_eq!(facts[1], first.extra.to_string());
    assert_eq!(facts[2], "Instore Demo A.Ş.");
    let reference = facts[3].clone();
    assert!(reference.starts_with('K'), "the reference to quote: {reference}");
    assert!(!k.enabled("Place order"), "not before the agreement");
    agree_and(&k, "Place order", Screen::ThankYou);
    sold_once(&k, &sim, "119,99 ₺", "Funds Transfer", "funds_transfer");
    assert_eq!(
        sim.world().all_orders()[0].notes.as_deref(),
        Some(reference.as_str()),
        "the reference is on the order"
    );
}

#[test]
fn loyalty_money_and_pay_later_confirm_and_complete() {
    for (option, payment_type) in [("Loyalty Money", "loyalty_money"), ("Pay Later", "pay_later")] {
        let (k, sim) = at_options();
        choose(&k, option, Screen::Confirm);
        assert!(!k.enabled("Pay 119,99 ₺"));
        agree_and(&k, "Pay 119,99 ₺", Screen::ThankYou);
        sold_once(&k, &sim, "119,99 ₺", option, payment_type);
    }
}

#[test]
fn redirection_hands_off_to_the_phone_and_waits_for_the_service() {
    let (k, sim) = at_options();
    choose(&k, "Redirection", Screen::Confirm);
    agree_and(&k, "Continue on my phone", Screen::Handoff);
    assert_eq!(
        k.text("HandoffPage::url"),
        k.window.global::<HandoffAdapter>().get_url().as_str()
    );
    assert!(sim.world().all_orders().is_empty(), "nothing until the phone approves");
    phone_decides(&k, true);
    sold_once(&k, &sim, "119,99 ₺", "Redirection", "redirection");
}

#[test]
fn shopping_credit_picks_an_option_then_hands_off() {
    let (k, sim) = at_options();
    choose(&k, "Shopping Credit", Screen::ChoiceList);
    let option = k
        .window
        .global::<StepAdapter>()
        .get_choices()
        .row_data(0)
        .unwrap()
        .title
        .to_string();
    choose(&k, &option, Screen::Confirm);
    agree_and(&k, "Continue on my phone", Screen::Handoff);
    phone_decides(&k, true);
    sold_once(&k, &sim, "119,99 ₺", "Shopping Credit", "credit_payment");
}

#[test]
fn garanti_pay_completes_only_with_what_the_service_sent_back() {
    let (k, sim) = at_options();
    choose(&k, "Garanti Pay", Screen::Handoff);
    phone_decides(&k, true);
    sold_once(&k, &sim, "119,99 ₺", "Garanti Pay", "gpay");
}

#[test]
fn bkm_express_and_masterpass_take_the_card_bin_installments_then_the_phone() {
    for (option, payment_type) in [("BKM Express", "bkm_express"), ("Masterpass", "masterpass")] {
        let (k, sim) = at_options();
        choose(&k, option, Screen::NumberEntry);
        assert!(!k.enabled("OK"), "six digits first");
        key_in(&k, "435508");
        assert_eq!(k.text("NumberEntryPage::shown"), "435508");
        k.tap("OK");
        k.wait("installments", |w| kiosk_screen(w) == Screen::SavedCardInstallments);
        k.tap("Advance");
        k.wait("the hand-off", |w| kiosk_screen(w) == Screen::Handoff);
        let url = phone_decides(&k, true);
        assert!(url.contains("/_sim/pay/"), "the hand-off template: {url}");
        sold_once(&k, &sim, "119,99 ₺", option, payment_type);
    }
}

#[test]
fn paycell_with_and_without_its_terms() {
    // Without the agreement step: the SMS confirmation, then the code.
    let (k, sim) = at_options();
    choose(&k, "Paycell", Screen::Confirm);
    agree_and(&k, "Send the code", Screen::NumberEntry);
    key_in(&k, "5544");
    assert_eq!(k.text("NumberEntryPage::shown"), "••••", "a code is masked as typed");
    k.tap("OK");
    sold_once(&k, &sim, "119,99 ₺", "Paycell", "confirmation");

    // With it: the terms' own text in a panel, before the customer can agree.
    let (k, sim) = at_options();
    choose(&k, "Paycell (with agreement)", Screen::Confirm);
    assert_eq!(
        k.window.global::<StepAdapter>().get_terms_text(),
        "Paycell ile ödeme yapmak için kullanım koşullarını kabul ediyorum."
    );
    assert!(!k.enabled("Continue"));
    k.tap("I have read and accept these terms.");
    k.tap("Continue");
    k.wait("the SMS confirmation", |w| {
        kiosk_screen(w) == Screen::Confirm && w.global::<StepAdapter>().get_terms_text().is_empty()
    });
    agree_and(&k, "Send the code", Screen::NumberEntry);
    key_in(&k, "5544");
    k.tap("OK");
    sold_once(&k, &sim, "119,99 ₺", "Paycell (with agreement)", "confirmation");
}

#[test]
fn mobilexpress_with_and_without_the_phone_step() {
    let (k, sim) = at_options();
    choose(&k, "MobilExpress", Screen::ChoiceList);
    assert!(k.exists("MAXIMUM"));
    choose(&k, "MAXIMUM", Screen::SavedCardInstallments);
    k.tap("Advance");
    k.wait("the confirmation", |w| kiosk_screen(w) == Screen::Confirm);
    agree_and(&k, "Pay 119,99 ₺", Screen::ThankYou);
    sold_once(&k, &sim, "119,99 ₺", "MobilExpress", "mobilexpress");

    let (k, sim) = at_options();
    choose(&k, "MobilExpress (phone verification)", Screen::NumberEntry);
    key_in(&k, "4321234567");
    assert_eq!(k.text("NumberEntryPage::shown"), "432 123 45 67", "grouped as typed");
    k.tap("OK");
    k.wait("the phone refused before sending", |w| {
        kiosk_screen(w) == Screen::NumberEntry
    });
    assert_eq!(k.window.global::<StepAdapter>().get_digits(), "", "typed again");
    key_in(&k, "5321234567");
    k.tap("OK");
    k.wait("the code", |w| {
        kiosk_screen(w) == Screen::NumberEntry && w.global::<StepAdapter>().get_max_digits() == 8
    });
    key_in(&k, "5544");
    k.tap("OK");
    k.wait("the cards", |w| kiosk_screen(w) == Screen::ChoiceList);
    choose(&k, "MAXIMUM", Screen::SavedCardInstallments);
    k.tap("Advance");
    k.wait("the confirmation", |w| kiosk_screen(w) == Screen::Confirm);
    agree_and(&k, "Pay 119,99 ₺", Screen::ThankYou);
    sold_once(
        &k,
        &sim,
        "119,99 ₺",
        "MobilExpress (phone verification)",
        "mobilexpress",
    );
}

#[test]
fn a_wrong_code_stays_on_the_step_and_three_go_back_to_the_options() {
    let (k, sim) = at_options();
    choose(&k, "Paycell", Screen::Confirm);
    agree_and(&k, "Send the code", Screen::NumberEntry);
    key_in(&k, "1111");
    k.tap("OK");
    k.wait("the server's words", |w| {
        w.global::<StepAdapter>().get_step_error() != ""
    });
    assert_eq!(k.screen(), Screen::NumberEntry);
    assert_eq!(k.text("StepError::label"), "The verification code is not correct.");
    assert_eq!(k.window.global::<StepAdapter>().get_tries_left(), 2);
    for _ in 0..2 {
        key_in(&k, "2222");
        k.tap("OK");
        k.wait("the next try", |w| {
            w.global::<StepAdapter>().get_digits().is_empty() && !w.global::<StepAdapter>().get_step_error().is_empty()
                || kiosk_screen(w) == Screen::PaymentOptions
        });
    }
    k.wait("the options, with the kiosk's word", |w| {
        kiosk_screen(w) == Screen::PaymentOptions
            && w.global::<PaymentAdapter>().get_notice() == instore_kiosk::ui::OptionsNotice::TooManyCodes
    });
    assert!(k.exists("Too many wrong codes. Please choose another way to pay."));
    assert!(sim.world().all_orders().is_empty());
    // Another way to pay works from there.
    choose(&k, "Pay Later", Screen::Confirm);
    agree_and(&k, "Pay 119,99 ₺", Screen::ThankYou);
    sold_once(&k, &sim, "119,99 ₺", "Pay Later", "pay_later");
}

#[test]
fn a_declined_phone_payment_returns_to_the_options_with_the_reason() {
    let (k, sim) = at_options();
    choose(&k, "Redirection", Screen::Confirm);
    agree_and(&k, "Continue on my phone", Screen::Handoff);
    phone_decides(&k, false);
    k.wait("the options with the reason", |w| {
        kiosk_screen(w) == Screen::PaymentOptions && !w.global::<PaymentAdapter>().get_step_error().is_empty()
    });
    assert_eq!(
        k.text("StepError::label"),
        "The payment was declined. Choose another payment option."
    );
    assert!(sim.world().all_orders().is_empty(), "nothing charged");
}

#[test]
fn a_phone_payment_that_takes_too_long_is_stopped() {
    let mut settings = settings_for(None);
    settings.kiosk.handoff_wait_seconds = 10;
    let (k, sim) = at_options_with(settings, Scenario::default());
    choose(&k, "Garanti Pay", Screen::Handoff);
    k.wait("the options, with the kiosk's word", |w| {
        kiosk_screen(w) == Screen::PaymentOptions
            && w.global::<PaymentAdapter>().get_notice() == instore_kiosk::ui::OptionsNotice::PhoneTimedOut
    });
    assert!(k.exists("The payment on your phone took too long and was stopped. Please choose again."));
    assert!(sim.world().all_orders().is_empty());
}

/// Each kind of step has Back (one step: the options, the basket kept, the option can
/// be chosen again) and Cancel sale (after a question: the basket emptied); neither
/// charges anything.
#[test]
fn back_goes_one_step_and_cancel_sale_ends_the_sale_on_each_kind_of_step() {
    for (option, screen) in [
        ("Funds Transfer", Screen::ChoiceList),
        ("Loyalty Money", Screen::Confirm),
        ("BKM Express", Screen::NumberEntry),
        ("Garanti Pay", Screen::Handoff),
        ("Cash Register", Screen::CashRegisterBarcode),
        ("Pay on Delivery", Screen::PayOnDelivery),
    ] {
        let (k, sim) = at_options();
        choose(&k, option, screen);
        k.tap("Back to payment options");
        k.wait("the options", |w| kiosk_screen(w) == Screen::PaymentOptions);
        let lines = || k.window.global::<BasketAdapter>().get_lines().row_count();
        assert_eq!(lines(), 1, "{option}: the basket kept");
        choose(&k, option, screen);

        k.tap("Cancel sale");
        k.pump();
        assert_eq!(
            kiosk_screen(&k.window),
            screen,
            "{option}: a question first, nothing done yet"
        );
        k.confirm("Cancel sale");
        k.wait("an empty basket", |w| {
            kiosk_screen(w) == Screen::Basket && w.global::<BasketAdapter>().get_lines().row_count() == 0
        });
        assert!(sim.world().all_orders().is_empty(), "{option}: nothing charged");
    }
}

/// The options screen's Back goes to the basket and says so.
#[test]
fn back_from_the_options_goes_to_the_basket() {
    let (k, _sim) = at_options();
    assert!(!k.exists("Back to payment options"));
    k.tap("Back to basket");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    assert_eq!(k.window.global::<BasketAdapter>().get_lines().row_count(), 1);
}

#[test]
fn cash_register_without_installments_is_paid_through_the_registers_own_calls() {
    use instore_kiosk::commerce::register::RegisterClient;
    let (k, sim) = at_options();
    choose(&k, "Cash Register", Screen::CashRegisterBarcode);
    let number = k.text("CashRegisterBarcodePage::number");
    let register = RegisterClient::new(&sim.url(), "register", "register-secret").unwrap();
    k.runtime.block_on(async {
        let pre_order = register.pre_order(&number).await.unwrap().unwrap();
        let due = pre_order.unpaid_amount.unwrap();
        assert_eq!(due.to_string(), "119.99");
        register.confirm(&number, "POS-1", due, None).await.unwrap().unwrap();
    });
    sold_once(&k, &sim, "119,99 ₺", "Cash Register", "cash_register");
}

#[test]
fn in_demo_mode_the_code_screen_tells_the_demo_code() {
    let rt = runtime();
    let k = Kiosk::start(rt, settings_for(None));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.type_code(SOCKS);
    k.wait("one line", |w| w.global::<BasketAdapter>().get_lines().row_count() == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    choose(&k, "Paycell", Screen::Confirm);
    agree_and(&k, "Send the code", Screen::NumberEntry);
    assert!(k.exists("Demo: the code is 5544"));
    key_in(&k, "5544");
    k.tap("OK");
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
}

/// The sales agreement a customer accepts can be read first: "Read the agreement" opens
/// it over the step, scrollable, Close goes back with nothing ticked for them. A store
/// that gives its own text (`kiosk.sales_agreement_file`) has it shown instead.
#[test]
fn the_sales_agreement_opens_over_the_step_and_closes_with_nothing_ticked() {
    for own in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = settings_for(None);
        if own {
            let file = dir.path().join("agreement.txt");
            std::fs::write(&file, "Kadıköy Şubesi satış sözleşmesi.\n\nMadde 1: …\n").unwrap();
            settings.kiosk.sales_agreement_file = Some(file.display().to_string());
        }
        let (k, _sim) = at_options_with(settings, Scenario::default());
        for (option, screen) in [
            ("Pay on Delivery", Screen::PayOnDelivery),
            ("Loyalty Money", Screen::Confirm),
        ] {
            choose(&k, option, screen);
            assert!(!k.exists("AgreementPanel::agreement"));
            k.tap("Read the agreement");
            k.pump();
            let text = k.text("AgreementPanel::agreement");
            if own {
                assert_eq!(text, "Kadıköy Şubesi satış sözleşmesi.\n\nMadde 1: …", "{option}");
            } else {
                assert!(
                    text.starts_with("Distance sales agreement (summary)."),
                    "{option}: {text}"
                );
                assert!(text.contains("withdraw from the purchase within 14 days"), "{text}");
            }
            k.tap("Close");
            k.pump();
            assert!(!k.exists("AgreementPanel::agreement"), "{option}: closed");
            assert_eq!(kiosk_screen(&k.window), screen, "{option}: still on the step");
            let agreement = k.find("I have read and accept the sales agreement.");
            assert_eq!(
                agreement.accessible_checked(),
                Some(false),
                "{option}: not ticked for them"
            );
            k.tap("Back to payment options");
            k.wait("the options", |w| kiosk_screen(w) == Screen::PaymentOptions);
        }
    }
}
