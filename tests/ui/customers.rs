//! Selling for a customer (#13): the clerk finds or opens the customer's account, the
//! delivery screen (collect here, or ship to an address), a self-service customer who
//! identifies by phone and code or shops as a guest, and a customer's sale taken
//! offline and replayed on their account.

use super::common::{basket_on_sim, fill_web_basket};
use super::harness::*;
use instore_kiosk::sim::Scenario;
use instore_kiosk::ui::{
    BasketAdapter, CustomerAdapter, CustomerProblem, DeliveryAdapter, KioskAdapter, PaymentAdapter, SavedCardAdapter,
    Screen, StepAdapter,
};
use slint::{ComponentHandle, Model};

fn customer_name(k: &Kiosk) -> String {
    k.window.global::<CustomerAdapter>().get_name().to_string()
}

/// Customer, search, choose: the sale is the customer's, the basket kept.
pub(super) fn choose_customer(k: &Kiosk, search: &str, name: &str) {
    k.tap("Customer");
    k.wait("the customer search", |w| kiosk_screen(w) == Screen::CustomerSearch);
    k.window.global::<CustomerAdapter>().set_search(search.into());
    k.tap("Search");
    k.wait("the results", |w| w.global::<CustomerAdapter>().get_searched());
    k.tap(name);
    k.wait("the customer's basket", |w| kiosk_screen(w) == Screen::Basket);
    assert_eq!(customer_name(k), name);
}

fn options(k: &Kiosk) -> Vec<(String, bool)> {
    k.window
        .global::<PaymentAdapter>()
        .get_options()
        .iter()
        .map(|o| (o.name.to_string(), o.available))
        .collect()
}

#[test]
fn the_clerk_finds_a_customer_and_sells_with_their_saved_card() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    assert_eq!(customer_name(&k), "", "the kiosk's own sale at first");
    k.type_code("8690000010059");
    k.wait("one line", |w| basket_lines(w) == 1);

    k.tap("Customer");
    k.wait("the customer search", |w| kiosk_screen(w) == Screen::CustomerSearch);
    k.window.global::<CustomerAdapter>().set_search("nobody".into());
    k.tap("Search");
    k.wait("no results", |w| w.global::<CustomerAdapter>().get_searched());
    assert!(k.exists("Nobody found. Check the spelling, or open a new customer account."));
    k.window.global::<CustomerAdapter>().set_search("yılmaz".into());
    k.tap("Search");
    k.wait("a result", |w| {
        w.global::<CustomerAdapter>().get_results().row_count() == 1
    });
    let found = k.window.global::<CustomerAdapter>().get_results().row_data(0).unwrap();
    assert_eq!(
        (found.phone.as_str(), found.email.as_str()),
        ("532 *** ** 33", "ay***@example.com"),
        "masked on the card"
    );
    k.tap("Ayşe Yılmaz");
    k.wait("the customer's basket", |w| kiosk_screen(w) == Screen::Basket);
    assert_eq!(customer_name(&k), "Ayşe Yılmaz");
    assert!(k.exists("For Ayşe Yılmaz"), "the header says whose sale it is");
    assert_eq!(basket_lines(&k.window), 1, "the socks scanned before came along");

    k.tap("Pay");
    k.wait("the delivery screen", |w| kiosk_screen(w) == Screen::Delivery);
    let delivery = k.window.global::<DeliveryAdapter>();
    assert_eq!(delivery.get_store_name(), "Instore Demo Kadıköy");
    let addresses: Vec<String> = delivery.get_addresses().iter().map(|a| a.title.to_string()).collect();
    assert_eq!(
        addresses,
        ["Home", "Work"],
        "the customer's own addresses, in the kiosk's language"
    );
    k.tap("Take it now, in this store");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Saved Card");
    k.wait("the customer's cards", |w| kiosk_screen(w) == Screen::SavedCardList);
    let cards: Vec<String> = k
        .window
        .global::<SavedCardAdapter>()
        .get_cards()
        .iter()
        .map(|c| c.name.to_string())
        .collect();
    assert_eq!(cards, ["Ayşe'nin Bonus kartı"], "hers, not the kiosk's");
    k.tap("Ayşe'nin Bonus kartı");
    k.wait("installments", |w| kiosk_screen(w) == Screen::SavedCardInstallments);
    k.tap("Advance");
    k.wait("the confirmation", |w| kiosk_screen(w) == Screen::SavedCardConfirm);
    k.tap("I have read and accept the sales agreement.");
    k.tap("Pay 119,99 ₺");
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    assert_eq!(
        k.text("OrderCard::delivery-note"),
        "Collect in the store: Instore Demo Kadıköy"
    );
    let orders = sim.world().all_orders().to_vec();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].email, "ayse.yilmaz@example.com", "on her account");

    k.new_sale();
    k.wait("the kiosk's own sale again", |w| {
        kiosk_screen(w) == Screen::Basket && w.global::<CustomerAdapter>().get_name().is_empty()
    });
    k.type_code("8690000010059");
    k.wait("one line", |w| basket_lines(w) == 1);
    k.tap("Pay");
    k.wait("the payment options, straight", |w| {
        kiosk_screen(w) == Screen::PaymentOptions
    });
    k.tap("Saved Card");
    k.wait("the kiosk's cards", |w| kiosk_screen(w) == Screen::SavedCardList);
    assert!(k.exists("My Visa Card") && !k.exists("Ayşe'nin Bonus kartı"));
}

#[test]
fn a_new_customer_pays_on_delivery_shipped_to_a_new_address() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    // The coat is not in the store: it can only be shipped.
    k.type_code("8690000010134");
    k.wait("one line", |w| basket_lines(w) == 1);
    let line = k.window.global::<BasketAdapter>().get_lines().row_data(0).unwrap();
    assert!(line.shipped);
    assert!(k.exists("Not in this store: shipped to the customer"));

    k.tap("Customer");
    k.wait("the customer search", |w| kiosk_screen(w) == Screen::CustomerSearch);
    k.tap("New customer");
    k.wait("the form", |w| kiosk_screen(w) == Screen::CustomerNew);
    let form = k.window.global::<CustomerAdapter>();
    form.set_first_name("Zeynep".into());
    form.set_last_name("Kaya".into());
    form.set_phone("0212 555 12 12".into());
    form.set_email("zeynep@example".into());
    k.tap("Open the account");
    k.wait("the phone refused here", |w| {
        w.global::<CustomerAdapter>().get_problem() == CustomerProblem::Phone
    });
    assert!(k.exists("A Turkish mobile number: ten digits starting with 5."));
    form.set_phone("0530 123 45 67".into());
    k.tap("Open the account");
    k.wait("the e-mail refused", |w| {
        w.global::<CustomerAdapter>().get_problem() == CustomerProblem::Email
    });
    form.set_email("ayse.yilmaz@example.com".into());
    k.tap("Open the account");
    k.wait("the consent asked for", |w| {
        w.global::<CustomerAdapter>().get_problem() == CustomerProblem::Consent
    });
    // The server's consents, in its words; the privacy notice is required.
    let consents: Vec<String> = form.get_consents().iter().map(|c| c.label.to_string()).collect();
    assert_eq!(consents.len(), 3, "{consents:?}");
    k.tap("KVKK aydınlatma metnini okudum ve anladım. (required)");
    k.tap("Open the account");
    k.wait("the server's refusal", |w| {
        w.global::<CustomerAdapter>().get_problem() == CustomerProblem::Server
    });
    assert!(
        form.get_problem_detail()
            .contains("A customer with this e-mail already exists."),
        "{}",
        form.get_problem_detail()
    );
    form.set_email("zeynep@example.com".into());
    k.tap("Open the account");
    k.wait("the new customer's basket", |w| kiosk_screen(w) == Screen::Basket);
    assert_eq!(customer_name(&k), "Zeynep Kaya");

    k.tap("Pay");
    k.wait("the delivery screen", |w| kiosk_screen(w) == Screen::Delivery);
    assert!(!k.window.global::<DeliveryAdapter>().get_can_collect());
    assert!(!k.enabled("Take it now, in this store"), "the coat is not here");
    assert_eq!(k.window.global::<DeliveryAdapter>().get_addresses().row_count(), 0);
    k.tap("+ A new address");
    k.wait("the address form", |w| kiosk_screen(w) == Screen::AddressNew);
    let delivery = k.window.global::<DeliveryAdapter>();
    let cities: Vec<String> = delivery.get_cities().iter().map(|c| c.to_string()).collect();
    assert_eq!(cities.len(), 81, "the server's list of provinces");
    assert_eq!(
        k.picker("District").accessible_enabled(),
        Some(false),
        "no district before the city"
    );
    delivery.set_line("Kıbrıs Şehitleri Cad. 7".into());
    k.tap("Ship here");
    k.wait("the city asked for", |w| {
        w.global::<DeliveryAdapter>().get_problem() == instore_kiosk::ui::AddressProblem::City
    });
    // Ankara first, then the clerk thinks better of it: the district list follows.
    k.pick("City", "Ankara");
    k.wait("Ankara's districts", |w| {
        w.global::<DeliveryAdapter>().get_districts().row_count() == 2
    });
    k.pick("District", "Keçiören");
    k.pick("City", "İzmir");
    k.wait("İzmir's districts", |w| {
        w.global::<DeliveryAdapter>()
            .get_districts()
            .iter()
            .any(|d| d == "Konak")
    });
    assert_eq!(
        k.picker("District").accessible_value().unwrap_or_default(),
        "",
        "Keçiören is not in İzmir"
    );
    k.pick("District", "Konak");
    assert_eq!(k.picker("City").accessible_value().unwrap_or_default(), "İzmir");
    delivery.set_title("Yazlık".into());
    k.tap("Ship here");
    k.wait("the shipping options", |w| kiosk_screen(w) == Screen::ChoiceList);
    assert!(k.exists("Standard shipping") && k.exists("Express shipping"));
    assert!(k.exists("29,90 ₺"), "with their fees");
    assert!(
        k.exists("Ship to: Kıbrıs Şehitleri Cad. 7, Konak/İzmir"),
        "the options repeat the address they ship to"
    );
    assert!(!k.exists("Goods 2.499,00 ₺"), "nothing added to the goods yet");
    k.tap("Standard shipping");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    assert!(k.exists("Amount due: 2.528,90 ₺"));
    assert!(
        k.exists("Goods 2.499,00 ₺ + shipping 29,90 ₺"),
        "the amount due says what it is made of"
    );
    k.pay_on_delivery_in_cash();
    assert_eq!(
        k.text("OrderCard::delivery-note"),
        "Shipped: Standard shipping → Kıbrıs Şehitleri Cad. 7, Konak/İzmir"
    );
    let orders = sim.world().all_orders().to_vec();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].email, "zeynep@example.com");
    assert_eq!(orders[0].delivery["shipping_address"]["title"], "Yazlık");
    // The coat, shipping and the cash-at-the-door fee.
    assert_eq!(orders[0].amount, "2538.80".parse().unwrap());
}

#[test]
fn a_self_service_customer_identifies_and_a_guest_never_sees_saved_cards() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let mut settings = settings_for(Some(sim.url()));
    settings.kiosk.mode = instore_kiosk::settings::Mode::SelfService;
    // This store lets guests pay on delivery (the default does not).
    settings.kiosk.guest_payment_types.push("pay_on_delivery".into());
    let k = Kiosk::start(rt, settings);
    k.wait("the welcome screen", |w| kiosk_screen(w) == Screen::Welcome);
    assert!(!k.exists("Customer"), "no customer search for customers");

    // A guest.
    k.tap("Tap to start");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.type_code("8690000010059");
    k.wait("one line", |w| basket_lines(w) == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    let guest = options(&k);
    for account_own in ["Saved Card", "Loyalty Money"] {
        assert!(
            guest.iter().any(|(name, available)| name == account_own && !available),
            "{account_own} greyed for a guest: {guest:?}"
        );
    }
    assert!(k.exists("Sign in with your phone number first."));
    k.find("Saved Card").invoke_accessible_default_action();
    k.wait("nothing", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.pay_on_delivery_in_cash();
    assert_eq!(sim.world().all_orders()[0].email, common_email());
    k.tap("Done");
    k.wait("the welcome screen", |w| kiosk_screen(w) == Screen::Welcome);

    // A customer with an account.
    k.tap("I have an account: use my phone number");
    k.wait("the phone keypad", |w| kiosk_screen(w) == Screen::NumberEntry);
    let type_digits = |digits: &str| {
        k.window.global::<StepAdapter>().set_digits(digits.into());
        k.tap("OK");
    };
    type_digits("5009998877");
    k.wait("nobody has it", |w| {
        w.global::<StepAdapter>().get_entry_problem() == instore_kiosk::ui::EntryProblem::UnknownPhone
    });
    assert!(k.exists("No account has this number. Check it, or tap Cancel to shop as a guest."));
    type_digits("5334445566");
    k.wait("the code keypad", |w| {
        w.global::<StepAdapter>().get_entry_kind() == instore_kiosk::ui::EntryKind::MyCode
    });
    type_digits("0000");
    k.wait("a wrong code", |w| {
        w.global::<StepAdapter>().get_entry_problem() == instore_kiosk::ui::EntryProblem::WrongCode
    });
    assert!(k.exists("That code is not right. Tries left: 2."));
    type_digits("5544");
    k.wait("his basket", |w| kiosk_screen(w) == Screen::Basket);
    assert_eq!(customer_name(&k), "Mehmet Demir");
    assert!(k.exists("Welcome, Mehmet Demir"));
    k.type_code("8690000010059");
    k.wait("one line", |w| basket_lines(w) == 1);
    k.pay_and_collect_here();
    assert!(
        options(&k)
            .iter()
            .any(|(name, available)| name == "Saved Card" && *available),
        "his own cards"
    );
    k.tap("Saved Card");
    k.wait("his cards", |w| kiosk_screen(w) == Screen::SavedCardList);
    assert!(k.exists("Mehmet'in kartı") && !k.exists("My Visa Card"));

    // His loyalty balance is his, and it does not cover the socks.
    k.tap("Back to payment options");
    k.wait("his payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Loyalty Money");
    k.wait("the loyalty confirmation", |w| kiosk_screen(w) == Screen::Confirm);
    let facts: Vec<String> = k
        .window
        .global::<StepAdapter>()
        .get_facts()
        .iter()
        .map(|f| f.value.to_string())
        .collect();
    assert_eq!(facts, ["40,00 ₺"], "his balance");
}

#[test]
fn a_customers_sale_taken_offline_is_replayed_on_their_account() {
    let (k, sim, data) = sold_once_online();
    fill_web_basket(&sim, "mehmet.demir@example.com", &[("CAP-060", 1)]);
    choose_customer(&k, "5334445566", "Mehmet Demir");
    k.type_code("8690000010059");
    k.wait("one line", |w| basket_lines(w) == 1);
    sim.world().scenario.faults.drop_rate = 1.0;
    k.tap("Pay");
    k.wait("the offline payment options", |w| {
        kiosk_screen(w) == Screen::PaymentOptions && w.global::<KioskAdapter>().get_offline()
    });
    k.pay_on_delivery_in_cash();
    let reference = k.text("OrderCard::order-number");
    let queued = queued_orders(data.path());
    let order = queued.iter().find(|o| o.reference == reference).expect("queued");
    assert_eq!(
        order.order.customer.as_deref(),
        Some("3"),
        "Mehmet's pk stays on the order"
    );
    assert_eq!(order.order.contact.as_deref(), Some("Mehmet Demir"));
    k.new_sale();
    k.wait("the kiosk's own sale", |w| {
        w.global::<CustomerAdapter>().get_name().is_empty()
    });
    // The clerk's list says whose order it is.
    k.tap("Orders");
    k.wait("the orders", |w| kiosk_screen(w) == Screen::Orders);
    let listed = k
        .window
        .global::<instore_kiosk::ui::OrdersAdapter>()
        .get_orders()
        .iter()
        .find(|o| o.reference == reference.as_str())
        .expect("listed");
    assert_eq!(listed.customer, "Mehmet Demir");
    k.tap("Back to basket");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);

    sim.world().scenario.faults.drop_rate = 0.0;
    k.wait("the order sent", |w| {
        let kiosk = w.global::<KioskAdapter>();
        !kiosk.get_offline() && kiosk.get_waiting_orders() == 0
    });
    let orders = sim.world().all_orders().to_vec();
    let sent: Vec<_> = orders
        .iter()
        .filter(|o| o.notes.as_deref() == Some(reference.as_str()))
        .collect();
    assert_eq!(sent.len(), 1, "exactly once");
    assert_eq!(
        sent[0].email, "mehmet.demir@example.com",
        "on his account, not the kiosk's"
    );
    assert_eq!(sent[0].items.len(), 1, "the socks only");
    // His web shop basket, set aside when the sale became his, is his again once the
    // line is back, though the sale ended offline.
    k.wait("his own basket back", |_| {
        basket_on_sim(&sim, "mehmet.demir@example.com") == [("CAP-060".to_string(), 1)]
    });
}

fn common_email() -> &'static str {
    super::common::EMAIL
}

/// The server ends the session on the customer's behalf mid-sale: the screen says so,
/// and New sale goes back to the kiosk's own account.
#[test]
fn a_customers_ended_session_is_said_and_new_sale_recovers() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    choose_customer(&k, "Demir", "Mehmet Demir");
    sim.world().end_sessions_of("mehmet.demir@example.com");
    k.type_code("8690000010059");
    k.wait("the error screen", |w| kiosk_screen(w) == Screen::Error);
    assert_eq!(
        k.window.global::<KioskAdapter>().get_error_kind(),
        instore_kiosk::ui::ErrorKind::CustomerSession
    );
    assert!(k.exists("The customer's session has ended"));
    k.new_sale();
    k.wait("the kiosk's own basket", |w| {
        kiosk_screen(w) == Screen::Basket && w.global::<CustomerAdapter>().get_name().is_empty()
    });
    k.type_code("8690000010059");
    k.wait("one line, on the kiosk's account", |w| basket_lines(w) == 1);
}

/// A customer's sale carried on offline goes back to the customer's basket when the
/// line returns, and Pay then opens their delivery screen.
#[test]
fn a_customers_sale_carried_offline_returns_to_their_basket() {
    let (k, sim, _data) = sold_once_online();
    choose_customer(&k, "5321112233", "Ayşe Yılmaz");
    sim.world().scenario.faults.drop_rate = 1.0;
    k.type_code("8690000010059");
    k.wait("a line priced offline", |w| {
        basket_lines(w) == 1 && w.global::<KioskAdapter>().get_offline()
    });
    sim.world().scenario.faults.drop_rate = 0.0;
    k.wait("back online", |w| !w.global::<KioskAdapter>().get_offline());
    k.pay_and_collect_here();
    k.pay_on_delivery_in_cash();
    let orders = sim.world().all_orders().to_vec();
    let last = orders.last().unwrap();
    assert_eq!(last.email, "ayse.yilmaz@example.com", "on her account");
    assert_eq!(last.items.len(), 1);
}

#[test]
fn a_customers_online_basket_is_set_aside_for_the_sale_and_put_back_after() {
    const MEHMET: &str = "mehmet.demir@example.com";
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    // What Mehmet left in the web shop's basket before coming to the store.
    let online = [("CAP-060".to_string(), 1), ("GLV-090".to_string(), 2)];
    fill_web_basket(&sim, MEHMET, &[("CAP-060", 1), ("GLV-090", 2)]);
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.type_code("8690000010059");
    k.wait("the socks", |w| basket_lines(w) == 1);
    choose_customer(&k, "Demir", "Mehmet Demir");
    assert_eq!(basket_lines(&k.window), 1, "only what was scanned is sold");
    assert_eq!(
        k.window.global::<BasketAdapter>().get_notice_kind(),
        instore_kiosk::ui::NoticeKind::SetAside
    );
    assert!(k.exists(
        "The customer's online basket is set aside: it is not in this sale, and comes back when the sale ends."
    ));
    k.pay_and_collect_here();
    k.pay_on_delivery_in_cash();
    let orders = sim.world().all_orders().to_vec();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].email, MEHMET);
    assert_eq!(orders[0].items.len(), 1, "the socks only: {:?}", orders[0].items);
    k.new_sale();
    k.wait("the kiosk's own sale again", |w| {
        kiosk_screen(w) == Screen::Basket && w.global::<CustomerAdapter>().get_name().is_empty()
    });
    assert_eq!(basket_on_sim(&sim, MEHMET), online, "his online basket is back");

    // A sale for him abandoned half-way: his basket holds what it held, not the scarf.
    choose_customer(&k, "Demir", "Mehmet Demir");
    assert_eq!(basket_lines(&k.window), 0);
    k.type_code("8690000010103");
    k.wait("the scarf", |w| basket_lines(w) == 1);
    k.new_sale();
    k.wait("the kiosk's own sale again", |w| {
        kiosk_screen(w) == Screen::Basket && w.global::<CustomerAdapter>().get_name().is_empty()
    });
    assert_eq!(basket_on_sim(&sim, MEHMET), online);
    assert_eq!(sim.world().all_orders().len(), 1);
}

/// A garbled answer while looking for a customer is an error on the screen, not a
/// panic or a frozen screen, and the clerk carries on once the server answers well.
#[test]
fn a_garbled_answer_during_a_customer_search_is_an_error_the_clerk_recovers_from() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.type_code("8690000010059");
    k.wait("the socks", |w| basket_lines(w) == 1);
    k.tap("Customer");
    k.wait("the customer search", |w| kiosk_screen(w) == Screen::CustomerSearch);
    sim.world().scenario.faults.malformed_rate = 1.0;
    k.window.global::<CustomerAdapter>().set_search("Demir".into());
    k.tap("Search");
    k.wait("the error", |w| kiosk_screen(w) == Screen::Error);
    let kiosk = k.window.global::<KioskAdapter>();
    assert!(kiosk.get_error_can_retry());
    assert!(
        kiosk.get_error_detail().contains("customer search could not be read"),
        "{}",
        kiosk.get_error_detail()
    );
    // Still garbled: Try again says so again, and nothing else moves.
    k.tap("Try again");
    k.wait("the error again", |w| {
        kiosk_screen(w) == Screen::Error && !w.global::<KioskAdapter>().get_busy()
    });
    sim.world().scenario.faults.malformed_rate = 0.0;
    k.tap("Try again");
    k.wait("the search, answered", |w| {
        kiosk_screen(w) == Screen::CustomerSearch && w.global::<CustomerAdapter>().get_results().row_count() == 1
    });
    k.tap("Mehmet Demir");
    k.wait("his basket", |w| kiosk_screen(w) == Screen::Basket);
    assert_eq!(basket_lines(&k.window), 1, "the socks scanned before are still there");
}

/// A kiosk that stops mid-sale (a crash, a power cut) has set a customer's own basket
/// aside: the store keeps what it held, and the next run puts it back on sign-in.
#[test]
fn a_basket_set_aside_before_a_restart_is_put_back_by_the_next_run() {
    const MEHMET: &str = "mehmet.demir@example.com";
    let simulator_runtime = runtime();
    let sim = sim_in(&simulator_runtime, Scenario::default());
    fill_web_basket(&sim, MEHMET, &[("CAP-060", 1)]);
    let data = tempfile::tempdir().unwrap();
    let first = Kiosk::launch_with(
        runtime(),
        settings_for(Some(sim.url())),
        Some(data.path().to_path_buf()),
    );
    first.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    choose_customer(&first, "Demir", "Mehmet Demir");
    first.type_code("8690000010059");
    first.wait("the socks", |w| basket_lines(w) == 1);
    drop(first);
    assert_eq!(
        basket_on_sim(&sim, MEHMET),
        [("SCK-030".to_string(), 1)],
        "the sale's socks in his basket, his cap set aside"
    );

    let second = Kiosk::launch_with(
        runtime(),
        settings_for(Some(sim.url())),
        Some(data.path().to_path_buf()),
    );
    second.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    second.wait("his cap back", |_| {
        basket_on_sim(&sim, MEHMET) == [("CAP-060".to_string(), 1)]
    });
    // Crossed out once put back: a third run leaves his basket alone.
    let set_aside_book = || {
        use instore_kiosk::offline::remembered;
        let store = instore_kiosk::offline::Store::open(data.path()).unwrap();
        let book: Option<std::collections::BTreeMap<String, serde_json::Value>> =
            remembered::load(&store, remembered::SET_ASIDE_BASKETS).unwrap();
        book.unwrap_or_default()
    };
    second.wait("the set-aside book empty", |_| set_aside_book().is_empty());
    assert_eq!(
        customer_name(&second),
        "",
        "the new run sells on the kiosk's own account"
    );
}

/// A self-service customer who signed in with their phone and walked away: the idle
/// reset ends their sale, and the next person is a guest who never sees their cards.
#[test]
fn an_identified_customer_who_walks_away_leaves_a_guest_kiosk_behind() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    fill_web_basket(&sim, "mehmet.demir@example.com", &[("CAP-060", 1)]);
    let mut settings = settings_for(Some(sim.url()));
    settings.kiosk.mode = instore_kiosk::settings::Mode::SelfService;
    settings.kiosk.idle_prompt_after_seconds = 3;
    settings.kiosk.idle_reset_after_seconds = 2;
    let k = Kiosk::start(rt, settings);
    k.wait("the welcome screen", |w| kiosk_screen(w) == Screen::Welcome);
    k.tap("I have an account: use my phone number");
    k.wait("the phone keypad", |w| kiosk_screen(w) == Screen::NumberEntry);
    k.window.global::<StepAdapter>().set_digits("5334445566".into());
    k.tap("OK");
    k.wait("the code keypad", |w| {
        w.global::<StepAdapter>().get_entry_kind() == instore_kiosk::ui::EntryKind::MyCode
    });
    k.window.global::<StepAdapter>().set_digits("5544".into());
    k.tap("OK");
    k.wait("his basket", |w| kiosk_screen(w) == Screen::Basket);
    assert_eq!(customer_name(&k), "Mehmet Demir");
    k.type_code("8690000010059");
    k.wait("one line", |w| basket_lines(w) == 1);

    for _ in 0..5 {
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_secs(1));
    }
    k.wait("the welcome screen, his sale ended", |w| {
        kiosk_screen(w) == Screen::Welcome && w.global::<CustomerAdapter>().get_name().is_empty()
    });
    assert_eq!(
        basket_on_sim(&sim, "mehmet.demir@example.com"),
        [("CAP-060".to_string(), 1)],
        "his own basket as he left it, without the socks"
    );
    k.tap("Tap to start");
    k.wait("an empty basket", |w| {
        kiosk_screen(w) == Screen::Basket && basket_lines(w) == 0
    });
    assert!(!k.exists("Welcome, Mehmet Demir"));
    k.type_code("8690000010059");
    k.wait("one line", |w| basket_lines(w) == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    assert!(
        options(&k)
            .iter()
            .any(|(name, available)| name == "Saved Card" && !*available),
        "a guest: saved cards greyed"
    );
    assert!(sim.world().all_orders().is_empty());
}

/// The clerk chose the wrong customer: a tap on the name in the header opens the search
/// again; the lines scanned follow to the right customer, and the first one's basket is
/// theirs again, as it was.
#[test]
fn the_clerk_changes_a_wrongly_chosen_customer_and_the_lines_follow() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.type_code("8690000010059");
    k.wait("the socks", |w| basket_lines(w) == 1);
    choose_customer(&k, "Yılmaz", "Ayşe Yılmaz");
    assert!(k.exists("For Ayşe Yılmaz"));

    // Changed his mind: back from the search keeps her sale as it was.
    k.tap("Change the customer");
    k.wait("the customer search", |w| kiosk_screen(w) == Screen::CustomerSearch);
    k.tap("Back");
    k.wait("her basket", |w| kiosk_screen(w) == Screen::Basket);
    assert_eq!(customer_name(&k), "Ayşe Yılmaz");
    assert_eq!(basket_lines(&k.window), 1);

    choose_customer_again(&k, "Demir", "Mehmet Demir");
    assert_eq!(basket_lines(&k.window), 1, "the socks came along");
    assert!(k.exists("For Mehmet Demir"));
    assert_eq!(
        basket_on_sim(&sim, "ayse.yilmaz@example.com"),
        [],
        "her basket as it was: empty, not the socks"
    );
    assert_eq!(
        basket_on_sim(&sim, "mehmet.demir@example.com"),
        [("SCK-030".to_string(), 1)]
    );
}

/// From a customer's basket: the name in the header, search, choose.
fn choose_customer_again(k: &Kiosk, search: &str, name: &str) {
    k.tap("Change the customer");
    k.wait("the customer search", |w| kiosk_screen(w) == Screen::CustomerSearch);
    k.window.global::<CustomerAdapter>().set_search(search.into());
    k.tap("Search");
    k.wait("the results", |w| w.global::<CustomerAdapter>().get_searched());
    k.tap(name);
    k.wait("the customer's basket", |w| kiosk_screen(w) == Screen::Basket);
    assert_eq!(customer_name(k), name);
}
