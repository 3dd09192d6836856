//! The ways out of a sale: a self-service customer's Start over, the clerk's New sale
//! beside the customer's name, each asking before lines are lost, and the thank-you
//! screen's last button named for who reads it.

use super::harness::*;
use instore_kiosk::sim::Scenario;
use instore_kiosk::ui::{Confirming, KioskAdapter, Screen};
use slint::ComponentHandle;

fn confirming(w: &instore_kiosk::ui::MainWindow) -> Confirming {
    w.global::<KioskAdapter>().get_confirming()
}

#[test]
fn a_self_service_customer_starts_over_after_a_question_and_is_done_at_the_end() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let mut settings = settings_for(Some(sim.url()));
    settings.kiosk.mode = instore_kiosk::settings::Mode::SelfService;
    settings.kiosk.guest_payment_types.push("pay_on_delivery".into());
    let k = Kiosk::start(rt, settings);
    k.wait("the welcome screen", |w| kiosk_screen(w) == Screen::Welcome);
    k.tap("Tap to start");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    // On an empty basket, Start over asks nothing.
    k.tap("Start over");
    k.wait("the welcome screen", |w| kiosk_screen(w) == Screen::Welcome);

    k.tap("Tap to start");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.type_code("8690000010059");
    k.wait("one line", |w| basket_lines(w) == 1);
    k.tap("Start over");
    k.wait("the question", |w| confirming(w) == Confirming::StartOver);
    assert!(k.exists("The basket is emptied and nothing is charged."));
    k.tap("Keep shopping");
    k.wait("no question", |w| confirming(w) == Confirming::None);
    assert_eq!(kiosk_screen(&k.window), Screen::Basket);
    assert_eq!(basket_lines(&k.window), 1, "nothing lost");
    k.tap("Start over");
    k.wait("the question", |w| confirming(w) == Confirming::StartOver);
    // The prompt's own button (the basket's is under the scrim, and named the same).
    k.confirm("Start over");
    k.wait("the welcome screen, the basket empty", |w| {
        kiosk_screen(w) == Screen::Welcome && basket_lines(w) == 0
    });
    let basket = sim.world().basket_json(super::common::EMAIL);
    assert_eq!(
        basket["basket"]["basketitem_set"],
        serde_json::json!([]),
        "emptied on the server"
    );

    k.tap("Tap to start");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.sell_socks_on_delivery();
    assert!(k.exists("Done"), "a customer is done, not starting a new sale");
    assert!(!k.exists("New sale"));
    k.tap("Done");
    k.wait("the welcome screen", |w| kiosk_screen(w) == Screen::Welcome);
}

#[test]
fn the_clerks_new_sale_beside_the_customers_name_asks_before_the_basket_is_emptied() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.tap("Customer");
    k.wait("the search", |w| kiosk_screen(w) == Screen::CustomerSearch);
    k.window
        .global::<instore_kiosk::ui::CustomerAdapter>()
        .set_search("Yılmaz".into());
    k.tap("Search");
    k.wait("the results", |w| {
        w.global::<instore_kiosk::ui::CustomerAdapter>().get_searched()
    });
    k.tap("Ayşe Yılmaz");
    k.wait("her basket", |w| kiosk_screen(w) == Screen::Basket);
    k.type_code("8690000010059");
    k.wait("one line", |w| basket_lines(w) == 1);
    k.tap("New sale");
    k.wait("the question", |w| confirming(w) == Confirming::NewSale);
    assert!(k.exists("The basket for Ayşe Yılmaz is emptied and nothing is charged."));
    k.tap("Keep the sale");
    k.wait("no question", |w| confirming(w) == Confirming::None);
    assert!(k.exists("For Ayşe Yılmaz"), "still her sale");
    assert_eq!(basket_lines(&k.window), 1);
    k.tap("New sale");
    k.wait("the question", |w| confirming(w) == Confirming::NewSale);
    k.confirm("New sale");
    k.wait("the kiosk's own empty basket", |w| {
        kiosk_screen(w) == Screen::Basket && basket_lines(w) == 0
    });
    assert!(!k.exists("For Ayşe Yılmaz"));
}
