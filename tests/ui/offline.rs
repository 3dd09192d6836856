//! Selling without the server: the queue drained with no touch, the clerk's orders,
//! a line that drops mid-sale, a kiosk that starts offline, the queue's limits, and a
//! database that is damaged or read-only.

use super::common::{self, free_loopback_port, EMAIL};
use super::harness::*;
use instore_kiosk::sim::{Scenario, Simulator};
use instore_kiosk::ui::{BasketAdapter, KioskAdapter, NoticeKind, PaymentAdapter, RefusalKind, Screen};
use slint::{ComponentHandle, Model};
use std::time::{Duration, Instant};

#[test]
fn orders_taken_offline_are_sent_when_the_server_comes_back_with_no_touch() {
    let rt = runtime();
    let data = tempfile::tempdir().unwrap();
    let references = [queue_socks_sale(data.path()), queue_socks_sale(data.path())];
    let free = free_loopback_port();
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
        if instore_kiosk::offline::catalog::summary(&store).unwrap().0 == 14 {
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
    let free = free_loopback_port();
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
    k.wait("Turkish", |w| {
        w.global::<KioskAdapter>().get_language() == instore_kiosk::ui::Language::Tr
    });
    assert!(
        k.exists("Çorap 3'lü Paket ürününün fiyatı 119,99 ₺ iken 149,99 ₺ oldu."),
        "the reason in Turkish"
    );
    k.tap("English");
    k.wait("English", |w| {
        w.global::<KioskAdapter>().get_language() == instore_kiosk::ui::Language::En
    });
    // Back to the error screen the orders were opened from.
    k.tap("Back to the sale");
    k.wait("the error screen", |w| kiosk_screen(w) == Screen::Error);
}

#[test]
fn the_line_drops_mid_sale_and_the_customer_still_pays_on_delivery() {
    let (k, sim, data) = sold_once_online();

    // A line in the basket, then the line to the server goes.
    k.type_code("8690000010011");
    k.wait("one line", |w| basket_lines(w) == 1);
    sim.world().scenario.faults.drop_rate = 1.0;
    k.type_code("8690000010059");
    k.wait("two lines, priced offline", |w| basket_lines(w) == 2);
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
    assert_eq!(options.len(), 16, "every option the server last listed stays on screen");
    let available: Vec<&str> = options.iter().filter(|(_, a)| *a).map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        available,
        ["Pay on Delivery", "Pay Later"],
        "only what needs no payment network"
    );
    assert!(!k.enabled("Cash Register"), "a card strategy cannot be chosen offline");
    k.find("Cash Register").invoke_accessible_default_action();
    k.wait("nothing", |w| kiosk_screen(w) == Screen::PaymentOptions);
    assert!(k.exists("Needs the network."), "a greyed option says why");

    k.tap("Pay on Delivery");
    k.wait("pay on delivery, offline", |w| kiosk_screen(w) == Screen::PayOnDelivery);
    // The fees last seen on the server.
    assert!(k.exists("Card on delivery"));
    k.tap("Card on delivery");
    k.tap("I have read and accept the sales agreement.");
    k.tap("Place order");
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    let reference = k.text("OrderCard::order-number");
    assert!(reference.starts_with('K') && reference.len() == 16, "{reference}");
    assert_eq!(k.text("OrderCard::order-summary"), "384,79 ₺  ·  Pay on Delivery");
    assert!(k.exists("Offline reference"));
    assert!(k
        .text("OrderCard::pending-note")
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
    k.new_sale();
    k.wait("an empty basket", |w| {
        kiosk_screen(w) == Screen::Basket && basket_lines(w) == 0
    });
    k.type_code("8690000010011");
    k.wait("one line", |w| basket_lines(w) == 1);
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
    k.wait("one line", |w| basket_lines(w) == 1);
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
    let reference = k.text("OrderCard::order-number");
    // A kiosk that never heard the server's name for it names it itself.
    assert_eq!(k.text("OrderCard::order-summary"), "239,98 ₺  ·  Pay on delivery");
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
    k.new_sale();
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
    k.wait("one line", |w| basket_lines(w) == 1);
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
    // Back one step, the offline options; back again, the basket, with the line
    // still there to change.
    k.tap("Back to payment options");
    k.wait("the offline options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    assert!(k.exists("Pay on delivery"));
    k.tap("Back to basket");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    assert_eq!(basket_lines(&k.window), 1);
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
            "offline::a_read_only_database_is_reported_and_the_kiosk_still_sells_online",
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

/// A month of offline orders stays readable: the clerk's list shows a page at a time,
/// newest first, with the whole queue's counts, and pages back to the oldest.
#[test]
fn the_clerk_pages_through_a_long_queue() {
    let data = tempfile::tempdir().unwrap();
    let queued: Vec<String> = (0..45).map(|_| queue_socks_sale(data.path())).collect();
    let free = free_loopback_port();
    let k = Kiosk::launch_with(
        runtime(),
        settings_for(Some(format!("http://{free}/"))),
        Some(data.path().to_path_buf()),
    );
    k.wait("the error screen", |w| kiosk_screen(w) == Screen::Error);
    k.tap("Orders");
    k.wait("the orders", |w| kiosk_screen(w) == Screen::Orders);
    let listed = |k: &Kiosk| -> Vec<String> {
        k.window
            .global::<instore_kiosk::ui::OrdersAdapter>()
            .get_orders()
            .iter()
            .map(|o| o.reference.to_string())
            .collect()
    };
    assert!(k.exists("45 waiting, 0 sent, 0 set aside"), "the whole queue's counts");
    assert_eq!(k.text("OrdersPage::page-of"), "Page 1 of 3");
    assert!(!k.enabled("Newer"), "nothing newer than the first page");
    let newest: Vec<String> = queued.iter().rev().take(20).cloned().collect();
    assert_eq!(listed(&k), newest, "the 20 newest, newest first");

    k.tap("Older");
    k.wait("page 2", |w| {
        w.global::<instore_kiosk::ui::OrdersAdapter>().get_page() == 1
    });
    assert_eq!(
        listed(&k),
        queued.iter().rev().skip(20).take(20).cloned().collect::<Vec<_>>()
    );
    k.tap("Older");
    k.wait("page 3", |w| {
        w.global::<instore_kiosk::ui::OrdersAdapter>().get_page() == 2
    });
    assert_eq!(k.text("OrdersPage::page-of"), "Page 3 of 3");
    assert!(!k.enabled("Older"), "nothing older than the last page");
    assert_eq!(listed(&k).last(), queued.first(), "the oldest order last");
    assert_eq!(listed(&k).len(), 5);
    k.tap("Newer");
    k.wait("page 2 again", |w| {
        w.global::<instore_kiosk::ui::OrdersAdapter>().get_page() == 1
    });
}

/// Once the register's barcode is on screen the register may take the money at any
/// moment: with the line down, Back must not turn the sale into an offline order
/// that the customer pays a second time. A screen says what is known; when the line
/// returns, the kiosk asks the server with no touch and carries out the Back.
#[test]
fn a_sale_whose_barcode_was_shown_never_goes_to_the_queue() {
    let (k, sim, data) = sold_once_online();
    let number = barcode_for_socks(&k);

    sim.world().scenario.faults.drop_rate = 1.0;
    k.tap("Back to payment options");
    k.wait("the unconfirmed screen", |w| kiosk_screen(w) == Screen::Unconfirmed);
    assert_eq!(
        k.text("UnconfirmedPage::known"),
        format!(
            "Barcode {number} for 249,90 ₺ was given to the cash register. The store server has not said \
             whether the register took the payment."
        )
    );
    k.tap("Check again");
    k.wait("the unconfirmed screen still", |w| {
        kiosk_screen(w) == Screen::Unconfirmed
    });
    assert!(queued_orders(data.path()).is_empty(), "nothing was queued");
    assert!(!k.exists("Place order"), "no offline pay-on-delivery screen");

    // The line returns: the kiosk reads where the server is (not paid) and leaves the
    // sale as the customer asked, with no touch.
    sim.world().scenario.faults.drop_rate = 0.0;
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    assert_eq!(basket_lines(&k.window), 1, "the customer's basket, not paid");
    assert!(queued_orders(data.path()).is_empty());
    assert_eq!(sim.world().all_orders().len(), 1, "only the first sale");
}

/// Puts socks in the basket and chooses the cash register: the barcode's number.
fn barcode_for_socks(k: &Kiosk) -> String {
    k.type_code("8690000010011");
    k.wait("one line", |w| basket_lines(w) == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Cash Register");
    k.wait("the barcode", |w| kiosk_screen(w) == Screen::CashRegisterBarcode);
    k.text("CashRegisterBarcodePage::number")
}

/// A card payment whose answer was lost may have gone through: nothing may turn it into
/// an offline order. When the line returns, the kiosk reads the checkout by itself and
/// shows the order the server placed, once.
#[test]
fn a_card_payment_whose_answer_was_lost_is_read_back_not_sold_again() {
    let (k, sim, data) = sold_once_online();

    k.type_code("8690000010035");
    k.wait("one line", |w| basket_lines(w) == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Saved Card");
    k.wait("the saved cards", |w| kiosk_screen(w) == Screen::SavedCardList);
    k.tap("My Visa Card");
    k.wait("installments", |w| kiosk_screen(w) == Screen::SavedCardInstallments);
    k.tap("6 Installments");
    k.wait("the confirmation", |w| kiosk_screen(w) == Screen::SavedCardConfirm);
    k.tap("I have read and accept the sales agreement.");

    // The server takes the payment; its answers are lost on the way back.
    sim.world().scenario.faults.lose_answer_rate = 1.0;
    k.tap("Pay 979,91 ₺");
    k.wait("the unconfirmed screen", |w| kiosk_screen(w) == Screen::Unconfirmed);
    let known = k.text("UnconfirmedPage::known");
    assert!(
        known.starts_with("The payment of 979,91 ₺ with the card My Visa Card 4355 08** **** **17 was sent."),
        "{known}"
    );
    assert_eq!(sim.world().all_orders().len(), 2, "the card payment went through");
    assert!(queued_orders(data.path()).is_empty(), "nothing was queued");

    sim.world().scenario.faults.lose_answer_rate = 0.0;
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    assert_eq!(k.text("OrderCard::order-summary"), "979,91 ₺  ·  Saved Card");
    assert_eq!(sim.world().all_orders().len(), 2, "placed once");
    assert!(queued_orders(data.path()).is_empty());
}

/// The clerk asked at the register: the customer did not pay. "End this sale" with the
/// line still down ends it without an order (none queued); the next customer starts on
/// an empty basket, and when the line returns the account's basket is emptied before
/// it is used again.
#[test]
fn staff_end_a_sale_whose_payment_is_unconfirmed() {
    let (k, sim, data) = sold_once_online();
    barcode_for_socks(&k);

    sim.world().scenario.faults.drop_rate = 1.0;
    k.tap("Cancel sale");
    k.confirm("Cancel sale");
    k.wait("the unconfirmed screen", |w| kiosk_screen(w) == Screen::Unconfirmed);
    k.tap("End this sale");
    k.wait("an empty basket", |w| {
        kiosk_screen(w) == Screen::Basket && basket_lines(w) == 0
    });
    assert!(queued_orders(data.path()).is_empty(), "nothing was queued");

    sim.world().scenario.faults.drop_rate = 0.0;
    k.wait("back online", |w| !w.global::<KioskAdapter>().get_offline());
    let basket = k.runtime.block_on(async {
        let client = instore_kiosk::commerce::CommerceClient::new(
            instore_kiosk::commerce::ClientConfig::new(&sim.url()).unwrap(),
        )
        .unwrap();
        client.login(EMAIL, common::PASSWORD).await.unwrap();
        client.basket().await.unwrap()
    });
    assert!(basket.basketitem_set.is_empty(), "the account's basket was emptied");
    assert_eq!(sim.world().all_orders().len(), 1, "only the first sale");
}

/// A product the server said was sold out at the last catalog sync is not sold offline:
/// the order would be set aside later, after the customer left believing it was taken.
#[test]
fn a_product_sold_out_at_the_last_sync_is_not_sold_offline() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    assert!(sim.world().set_stock("SCK-030", 0));
    let data = tempfile::tempdir().unwrap();
    let k = Kiosk::launch_with(rt, settings_for(Some(sim.url())), Some(data.path().to_path_buf()));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    wait_for_catalog_copy(data.path());

    sim.world().scenario.faults.drop_rate = 1.0;
    k.type_code("8690000010011");
    k.wait("one line, priced offline", |w| basket_lines(w) == 1);
    k.type_code("8690000010059");
    k.wait("the notice", |w| {
        w.global::<BasketAdapter>().get_notice_kind() == NoticeKind::SoldOut
    });
    assert_eq!(
        k.text("CodeEntry::message"),
        "Çorap 3'lü Paket: sold out at the last update, not sold offline."
    );
    assert_eq!(basket_lines(&k.window), 1, "not added");
}

/// Sending a long queue never makes a customer wait for all of it: the kiosk sends on a
/// task of its own, a tap stops it after the order in hand, and the sale has the
/// account's basket to itself. Once the basket is empty again the queue goes on, each
/// order sent once.
#[test]
fn a_tap_during_a_long_drain_waits_for_one_order_not_all() {
    let rt = runtime();
    let scenario = Scenario {
        latency_ms: 40,
        ..Scenario::default()
    };
    let sim = sim_in(&rt, scenario);
    sim.world().restock(1000);
    let data = tempfile::tempdir().unwrap();
    let references: Vec<String> = (0..20).map(|_| queue_socks_sale(data.path())).collect();
    let k = Kiosk::launch_with(rt, settings_for(Some(sim.url())), Some(data.path().to_path_buf()));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    let deadline = Instant::now() + Duration::from_secs(20);
    while sim.world().all_orders().is_empty() {
        assert!(Instant::now() < deadline, "the kiosk did not start sending");
        std::thread::sleep(Duration::from_millis(20));
    }

    k.type_code("8690000010011");
    k.wait("the customer's line", |w| basket_lines(w) == 1);
    let unsent = || {
        queued_orders(data.path())
            .iter()
            .filter(|o| o.state != instore_kiosk::offline::queue::State::Sent)
            .count()
    };
    assert!(unsent() > 0, "the tap waited for the whole queue");
    let lines = sim.world().basket_json(EMAIL)["basket"]["basketitem_set"].clone();
    assert_eq!(
        lines.as_array().map(Vec::len),
        Some(1),
        "only the customer's line: {lines}"
    );

    k.tap("Remove Pamuklu Tişört Beyaz");
    k.wait("an empty basket", |w| basket_lines(w) == 0);
    let deadline = Instant::now() + Duration::from_secs(30);
    while unsent() > 0 {
        assert!(Instant::now() < deadline, "the queue did not go on after the sale");
        std::thread::sleep(Duration::from_millis(50));
    }
    let orders = sim.world().all_orders().to_vec();
    for reference in &references {
        let placed = orders
            .iter()
            .filter(|o| o.notes.as_deref() == Some(reference.as_str()))
            .count();
        assert_eq!(placed, 1, "{reference}");
    }
}

/// An order the server has neither confirmed nor refuted for too long: the clerk's
/// banner says to call support on every screen, and the Orders screen says why for it.
#[test]
fn an_order_that_cannot_be_confirmed_is_on_the_clerks_banner_and_orders_screen() {
    use instore_kiosk::offline::queue::{self, State};
    let rt = runtime();
    let data = tempfile::tempdir().unwrap();
    let stuck = queue_socks_sale(data.path());
    let fine = queue_socks_sale(data.path());
    {
        let mut store = instore_kiosk::offline::Store::open(data.path()).unwrap();
        queue::claim(&mut store, &stuck).unwrap();
        let why = "the server's next page of orders link http://10.0.0.5/x leads away from the commerce server";
        queue::record(&mut store, &stuck, State::Sending, "lookup-failed", Some(why), None).unwrap();
    }
    let free = free_loopback_port();
    let mut settings = settings_for(Some(format!("http://{free}/")));
    settings.offline.stuck_after_lookups = 1;
    let k = Kiosk::launch_with(rt, settings, Some(data.path().to_path_buf()));
    k.wait("the banner", |w| w.global::<KioskAdapter>().get_stuck_orders() == 1);
    assert_eq!(
        k.text("AttentionBanner::attention"),
        "1 order could not be confirmed: call support."
    );
    k.tap("Türkçe");
    k.wait("Turkish", |w| {
        w.global::<KioskAdapter>().get_language() == instore_kiosk::ui::Language::Tr
    });
    assert_eq!(
        k.text("AttentionBanner::attention"),
        "1 sipariş doğrulanamadı: destek hattını arayın.",
        "a plural in the clerk's language"
    );
    k.tap("English");
    k.wait("English", |w| {
        w.global::<KioskAdapter>().get_language() == instore_kiosk::ui::Language::En
    });
    k.tap("Orders");
    k.wait("the orders", |w| kiosk_screen(w) == Screen::Orders);
    let orders: Vec<_> = k
        .window
        .global::<instore_kiosk::ui::OrdersAdapter>()
        .get_orders()
        .iter()
        .map(|o| (o.reference.to_string(), o.state))
        .collect();
    assert!(
        orders.contains(&(stuck.clone(), instore_kiosk::ui::OrderState::Unconfirmed)),
        "{orders:?}"
    );
    assert!(
        orders.contains(&(fine.clone(), instore_kiosk::ui::OrderState::Waiting)),
        "{orders:?}"
    );
    assert!(k.exists("Not confirmed"));
    assert!(k.exists(
        "Not confirmed for 0 minutes: the server's next page of orders link http://10.0.0.5/x leads away from the commerce server. \
         It is not sent again until the server says it does not have it: call support."
    ));
}

/// The server (or the proxy in front of it) takes the connection and never answers,
/// mid-sale: the scan waits out the request timeout, then the sale goes on from the
/// catalog copy, and the banner says the server does not answer.
#[test]
fn a_server_that_stops_answering_mid_sale_is_waited_out_and_the_sale_goes_on_offline() {
    use super::common::proxy::Proxy;
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let proxy = Proxy::start(sim.addr(), 3);
    let data = tempfile::tempdir().unwrap();
    let k = Kiosk::launch_with(rt, settings_for(Some(proxy.url())), Some(data.path().to_path_buf()));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.sell_socks_on_delivery();
    k.new_sale();
    k.wait("an empty basket", |w| {
        kiosk_screen(w) == Screen::Basket && basket_lines(w) == 0
    });
    wait_for_catalog_copy(data.path());

    proxy.hang(true);
    let started = Instant::now();
    k.type_code("8690000010059");
    k.wait("the line, priced offline", |w| basket_lines(w) == 1);
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "the 3 s request timeout was waited out"
    );
    assert_eq!(k.text("CodeEntry::message"), "Added: Çorap 3'lü Paket");
    assert!(
        k.text("OfflineBanner::banner")
            .starts_with("Offline: the store server does not answer."),
        "{}",
        k.text("OfflineBanner::banner")
    );
    proxy.hang(false);
    k.wait("online again", |w| !w.global::<KioskAdapter>().get_offline());
}
