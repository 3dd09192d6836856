//! Products without a barcode: found by name from the basket, typed on the on-screen
//! keys, results as one types (Turkish letters folded the Turkish way by the server),
//! a slow answer overtaken by a newer query, paging, a tap that adds, and offline from
//! the catalog copy. Browsing: from the self-service welcome or the search, the
//! categories with their pictures, a category's products, Back, and offline.

use super::common::free_loopback_port;
use super::harness::*;
use instore_kiosk::sim::{Scenario, SlowSearch};
use instore_kiosk::ui::{
    BasketAdapter, ElsewhereState, KioskAdapter, Language, ProductsView, Screen, SearchAdapter, SearchState, StockHere,
};
use slint::{ComponentHandle, Model};
use std::time::{Duration, Instant};

/// The names the search shows now.
fn shown(w: &instore_kiosk::ui::MainWindow) -> Vec<String> {
    w.global::<SearchAdapter>()
        .get_results()
        .iter()
        .map(|c| c.name.to_string())
        .collect()
}

/// A kiosk whose server cannot be reached, with the catalog copy of an earlier sync, on
/// its basket with the offline banner.
fn offline_with_a_catalog_copy() -> (tempfile::TempDir, Kiosk) {
    let data = tempfile::tempdir().unwrap();
    catalog_copy_in(data.path());
    let free = free_loopback_port();
    let k = Kiosk::launch_with(
        runtime(),
        settings_for(Some(format!("http://{free}/"))),
        Some(data.path().to_path_buf()),
    );
    k.wait("the basket, offline", |w| {
        kiosk_screen(w) == Screen::Basket && w.global::<KioskAdapter>().get_offline()
    });
    (data, k)
}

fn results_for(k: &Kiosk, query: &str) -> Vec<String> {
    k.wait(&format!("the results of {query:?}"), |w| {
        let search = w.global::<SearchAdapter>();
        search.get_query() == query && search.get_state() == SearchState::Done
    });
    shown(&k.window)
}

#[test]
fn a_product_without_its_barcode_is_found_by_name_on_the_turkish_keys_and_added() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.tap("Türkçe");
    k.wait("Turkish", |w| w.global::<KioskAdapter>().get_language() == Language::Tr);
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.tap("Ürünü adıyla bul");
    assert!(k.window.global::<SearchAdapter>().get_open());
    assert!(keyboard_up(&k.window), "the search opens on its field, the keyboard up");

    // Capital İ on the Turkish keys is Shift + i: it finds "İpek", as "ipek" does.
    k.type_keys("İPEK");
    assert_eq!(k.window.global::<SearchAdapter>().get_query(), "İPEK");
    // A query on its way shows at once. On a loaded machine the four taps can outlast
    // the pause and the answer: then its results are already there, and nothing else.
    let state = k.window.global::<SearchAdapter>().get_state();
    assert!(
        state == SearchState::Searching || (state == SearchState::Done && shown(&k.window) == ["İpek Eşarp Desenli"]),
        "a query on its way shows at once, not {state:?}"
    );
    assert_eq!(results_for(&k, "İPEK"), ["İpek Eşarp Desenli"]);
    let card = k.window.global::<SearchAdapter>().get_results().row_data(0).unwrap();
    assert_eq!(
        (card.price.as_str(), card.stock, card.units),
        ("459,00 ₺", StockHere::InStock, 10)
    );
    assert!(k.exists("1 ürün bulundu"));

    // Dotless ı is another letter: "IPEK" (I is the capital of ı) finds nothing.
    for _ in 0..4 {
        k.key("Geri sil");
    }
    k.type_keys("yün");
    assert_eq!(results_for(&k, "yün"), ["Yün Eldiven Bordo", "Yün Kaban Deve Tüyü"]);
    // The coat is on no shelf of this store: the result says so before it is tapped.
    let coat = k.window.global::<SearchAdapter>().get_results().row_data(1).unwrap();
    assert_eq!(coat.stock, StockHere::Out);
    assert!(k.exists("Bu mağazanın raflarında yok"));

    k.tap("Yün Eldiven Bordo ekle");
    k.wait("the gloves in the basket", |w| basket_lines(w) == 1);
    assert!(!k.window.global::<SearchAdapter>().get_open(), "the search is put away");
    assert_eq!(
        k.window.global::<BasketAdapter>().get_lines().row_data(0).unwrap().name,
        "Yün Eldiven Bordo"
    );
    assert_eq!(k.window.global::<BasketAdapter>().get_total(), "159,90 ₺");
    assert!(!keyboard_up(&k.window), "the keyboard goes with the search");

    // Opened again, it starts empty; Back to basket leaves the basket as it was.
    k.tap("Ürünü adıyla bul");
    assert_eq!(k.window.global::<SearchAdapter>().get_query(), "");
    assert!(shown(&k.window).is_empty());
    k.tap("Sepete dön");
    assert!(!k.window.global::<SearchAdapter>().get_open());
    assert_eq!(basket_lines(&k.window), 1);
}

#[test]
fn a_slow_answer_is_overtaken_by_the_newer_query_and_never_shows() {
    let rt = runtime();
    let mut scenario = Scenario::default();
    scenario.faults.slow_searches = vec![SlowSearch {
        text: "kazak".into(),
        delay_ms: 1_500,
    }];
    let sim = sim_in(&rt, scenario);
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.tap("Find a product by name");
    k.type_keys("kazak");
    // Past the pause in the typing: the slow question is out.
    let sent = Instant::now();
    std::thread::sleep(Duration::from_millis(500));
    k.pump();
    assert_eq!(k.window.global::<SearchAdapter>().get_state(), SearchState::Searching);
    // The customer changes their mind.
    for _ in 0..5 {
        k.key("Backspace");
    }
    k.type_keys("haki");
    assert_eq!(results_for(&k, "haki"), ["Şapka Haki"]);
    // Well past the slow answer's time: the sweater never shows.
    while sent.elapsed() < Duration::from_millis(2_500) {
        k.pump();
        assert_eq!(shown(&k.window), ["Şapka Haki"], "an older query's results showed");
        std::thread::sleep(Duration::from_millis(100));
    }
    k.tap("Add Şapka Haki");
    k.wait("the hat in the basket", |w| basket_lines(w) == 1);
}

#[test]
fn the_whole_catalog_comes_page_by_page_and_nothing_found_says_so() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    // Thirty products without a barcode: more than a page holds.
    {
        let mut world = sim.world();
        let extra: Vec<_> = (0..30)
            .map(|i| instore_kiosk::sim::catalog::SimProduct {
                pk: 500 + i,
                sku: format!("TSH-{i:03}X"),
                name: format!("Basic Tişört {i:02}"),
                barcode: String::new(),
                price: "99.90".parse().unwrap(),
                stock: 5,
                warehouse: 0,
                size_of: None,
            })
            .collect();
        world.add_products(extra);
    }
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.tap("Find a product by name");
    k.type_keys("basic");
    let first = results_for(&k, "basic");
    assert_eq!(first.len(), 20, "a page of the server's: {first:?}");
    assert!(k.exists("30 products found"));
    assert!(k.window.global::<SearchAdapter>().get_more());
    scroll_to(&k.window, "More results");
    k.tap("More results");
    k.wait("the second page", |w| shown(w).len() == 30);
    assert!(!k.window.global::<SearchAdapter>().get_more());
    // A product with no barcode is added by its SKU.
    scroll_to(&k.window, "Add Basic Tişört 29");
    k.tap("Add Basic Tişört 29");
    k.wait("it is in the basket", |w| basket_lines(w) == 1);
    assert_eq!(
        k.window.global::<BasketAdapter>().get_lines().row_data(0).unwrap().code,
        "TSH-029X"
    );

    k.tap("Find a product by name");
    k.type_keys("zzz");
    assert!(results_for(&k, "zzz").is_empty());
    assert!(k.exists("Nothing matches “zzz”. Check the spelling, or try fewer letters."));
}

#[test]
fn offline_the_catalog_copy_answers_with_the_offline_banner() {
    let (_data, k) = offline_with_a_catalog_copy();
    k.tap("Find a product by name");
    k.type_keys("pamuklu");
    assert_eq!(
        results_for(&k, "pamuklu"),
        ["Pamuklu Tişört Beyaz", "Pamuklu Tişört Siyah"]
    );
    assert!(k.window.global::<SearchAdapter>().get_from_copy());
    assert!(k.exists("2 products found in this kiosk's catalog copy: the store server cannot be reached."));
    assert!(
        k.window.global::<KioskAdapter>().get_offline(),
        "the offline banner stays"
    );
    k.tap("Add Pamuklu Tişört Siyah");
    k.wait("it is in the offline basket", |w| basket_lines(w) == 1);
    assert_eq!(k.window.global::<BasketAdapter>().get_total(), "249,90 ₺");
}

/// The colour in the middle of a result's picture, once it came.
fn middle_of_picture(w: &instore_kiosk::ui::MainWindow, row: usize) -> Option<[u8; 3]> {
    let card = w.global::<SearchAdapter>().get_results().row_data(row)?;
    if !card.has_picture {
        return None;
    }
    let pixels = card.picture.to_rgba8()?;
    let (width, height) = (pixels.width() as usize, pixels.height() as usize);
    let p = pixels.as_slice()[(height / 2) * width + width / 2];
    Some([p.r, p.g, p.b])
}

#[test]
fn each_result_shows_its_own_picture_kept_on_disk_for_when_the_line_is_down() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let data = tempfile::tempdir().unwrap();
    let k = Kiosk::launch_with(rt, settings_for(Some(sim.url())), Some(data.path().to_path_buf()));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    wait_for_catalog_copy(data.path());
    k.tap("Find a product by name");
    k.type_keys("pamuklu");
    assert_eq!(
        results_for(&k, "pamuklu"),
        ["Pamuklu Tişört Beyaz", "Pamuklu Tişört Siyah"]
    );
    k.wait("both pictures", |w| {
        middle_of_picture(w, 0).is_some() && middle_of_picture(w, 1).is_some()
    });
    // Each its own: the white one white, the black one black (the simulator draws them).
    assert_eq!(middle_of_picture(&k.window, 0), Some([245, 245, 240]));
    assert_eq!(middle_of_picture(&k.window, 1), Some([35, 35, 40]));
    let kept = std::fs::read_dir(data.path().join("pictures")).unwrap().count();
    assert_eq!(kept, 2, "each picture kept once on disk");

    // The line goes; the catalog copy answers, and the kept pictures show again.
    k.tap("Back to basket");
    k.runtime.block_on(sim.stop());
    k.tap("Find a product by name");
    k.type_keys("pamuklu");
    assert_eq!(
        results_for(&k, "pamuklu"),
        ["Pamuklu Tişört Beyaz", "Pamuklu Tişört Siyah"]
    );
    assert!(k.window.global::<SearchAdapter>().get_from_copy());
    k.wait("the kept pictures", |w| middle_of_picture(w, 1) == Some([35, 35, 40]));
}

/// The categories on screen, each with how many products it holds.
fn shelves(w: &instore_kiosk::ui::MainWindow) -> Vec<(String, i32)> {
    w.global::<SearchAdapter>()
        .get_categories()
        .iter()
        .map(|c| (c.name.to_string(), c.products))
        .collect()
}

fn self_service_kiosk(rt: tokio::runtime::Runtime, url: String) -> Kiosk {
    let mut settings = settings_for(Some(url));
    settings.kiosk.mode = instore_kiosk::settings::Mode::SelfService;
    Kiosk::start(rt, settings)
}

#[test]
fn a_customer_browses_from_the_welcome_into_a_category_and_back_and_adds_a_product() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = self_service_kiosk(rt, sim.url());
    k.wait("the welcome", |w| kiosk_screen(w) == Screen::Welcome);
    k.tap("Browse products");
    k.wait("the categories", |w| {
        let search = w.global::<SearchAdapter>();
        search.get_view() == ProductsView::Categories && search.get_state() == SearchState::Done
    });
    assert_eq!(kiosk_screen(&k.window), Screen::Basket, "browsing is a sale begun");
    assert!(!keyboard_up(&k.window), "no field to type in, no keyboard");
    // In the kiosk's language, as the server names them, in its menu's order.
    let tops = ("Tops".to_string(), 4);
    assert_eq!(
        shelves(&k.window),
        [
            tops.clone(),
            ("Bottoms".into(), 1),
            ("Shoes".into(), 2),
            ("Bags".into(), 1),
            ("Accessories".into(), 6)
        ]
    );
    // Each category's picture comes, the simulator's drawing of its first kind.
    k.wait("the categories' pictures", |w| {
        w.global::<SearchAdapter>()
            .get_categories()
            .iter()
            .all(|c| c.has_picture)
    });

    k.tap("Accessories");
    k.wait("the accessories", |w| shown(w).len() == 6);
    assert!(k.exists("6 products found"));
    assert!(shown(&k.window).contains(&"Katlanır Şemsiye".to_string()));
    // Back returns to the categories, as they were.
    k.tap("Back to categories");
    assert_eq!(k.window.global::<SearchAdapter>().get_view(), ProductsView::Categories);
    assert_eq!(shelves(&k.window)[0], tops);

    k.tap("Tops");
    k.wait("the tops", |w| shown(w).len() == 4);
    assert_eq!(
        shown(&k.window),
        [
            "Pamuklu Tişört Beyaz",
            "Pamuklu Tişört Siyah",
            "Örgü Kazak Lacivert",
            "Yün Kaban Deve Tüyü"
        ]
    );
    assert!(k.exists("Tops"), "the category's name is the title");
    assert!(k.exists("Tap a product to add it to the basket."));
    k.tap("Add Örgü Kazak Lacivert");
    k.wait("the sweater in the basket", |w| basket_lines(w) == 1);
    assert!(!k.window.global::<SearchAdapter>().get_open(), "browsing is put away");
    assert_eq!(k.window.global::<BasketAdapter>().get_total(), "749,50 ₺");

    // From the basket, the search's other way is browsing; Back to basket leaves it.
    k.tap("Find a product by name");
    k.tap("Browse categories");
    k.wait("the categories again", |w| shelves(w).len() == 5);
    k.tap("Back to basket");
    assert!(!k.window.global::<SearchAdapter>().get_open());
    assert_eq!(basket_lines(&k.window), 1);
}

#[test]
fn offline_the_catalog_copy_is_browsed_by_category() {
    let (_data, k) = offline_with_a_catalog_copy();
    k.tap("Find a product by name");
    k.tap("Browse categories");
    k.wait("the copy's categories", |w| shelves(w).len() == 5);
    assert!(k.window.global::<SearchAdapter>().get_from_copy());
    assert!(k.exists("From this kiosk's catalog copy: the store server cannot be reached."));
    // The copy was made in the server's Turkish.
    assert_eq!(shelves(&k.window)[3], ("Çanta".to_string(), 1));
    k.tap("Çanta");
    k.wait("the bags", |w| shown(w) == ["Deri Çanta Taba"]);
    k.tap("Add Deri Çanta Taba");
    k.wait("it is in the offline basket", |w| basket_lines(w) == 1);
    assert_eq!(k.window.global::<BasketAdapter>().get_total(), "1.899,00 ₺");
}

/// The sizes the choice shows now: each one's label and stock here.
fn options(w: &instore_kiosk::ui::MainWindow) -> Vec<(String, StockHere, i32)> {
    w.global::<SearchAdapter>()
        .get_chosen()
        .variants
        .iter()
        .map(|v| (v.label.to_string(), v.stock, v.units))
        .collect()
}

#[test]
fn boots_ask_for_their_size_each_with_its_stock_and_the_size_chosen_is_added() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.tap("Find a product by name");
    k.type_keys("bot");
    // The boots are one result, not one a size.
    assert_eq!(results_for(&k, "bot"), ["Deri Bot Siyah"]);
    assert!(k.exists("4 options: tap to choose"));
    assert!(k.exists("In stock here: 10"), "the sizes' stock together");
    k.tap("Choose an option of Deri Bot Siyah");
    assert!(k.window.global::<SearchAdapter>().get_choosing());
    assert!(!keyboard_up(&k.window), "the keys make way for the choice");
    assert_eq!(
        options(&k.window),
        [
            ("39".to_string(), StockHere::InStock, 3),
            ("40".to_string(), StockHere::Out, 0),
            ("41".to_string(), StockHere::InStock, 5),
            ("42".to_string(), StockHere::InStock, 2),
        ]
    );
    assert!(k.exists("Not on this store's shelves"), "the 40s are not here");
    // The 40s: which other stores have them.
    k.tap("Other stores for Deri Bot Siyah in 40");
    k.wait("the stores that have the 40s", |w| {
        w.global::<SearchAdapter>().get_elsewhere_state() == ElsewhereState::Done
    });
    assert_eq!(other_stores(&k.window), [("Instore Demo Nişantaşı".to_string(), 1)]);
    assert!(k.exists("Deri Bot Siyah 40"), "the size is the title");
    // Back returns to the results as they were.
    k.tap("Back to the results");
    assert!(!k.window.global::<SearchAdapter>().get_choosing());
    assert!(!k.window.global::<SearchAdapter>().get_elsewhere_open());
    assert_eq!(shown(&k.window), ["Deri Bot Siyah"]);
    k.tap("Choose an option of Deri Bot Siyah");
    k.tap("Add Deri Bot Siyah in 42");
    k.wait("the 42s in the basket", |w| basket_lines(w) == 1);
    let line = k.window.global::<BasketAdapter>().get_lines().row_data(0).unwrap();
    assert_eq!(line.name, "Deri Bot Siyah 42");
    assert_eq!(k.window.global::<BasketAdapter>().get_total(), "2.199,00 ₺");
    assert!(!k.window.global::<SearchAdapter>().get_open(), "the search is put away");
    assert!(!k.window.global::<SearchAdapter>().get_choosing());

    // Browsing: the boots in Shoes ask the same.
    k.tap("Find a product by name");
    k.tap("Browse categories");
    k.wait("the categories", |w| shelves(w).len() == 5);
    assert_eq!(shelves(&k.window)[2], ("Shoes".to_string(), 2), "the boots count once");
    k.tap("Shoes");
    k.wait("the shoes", |w| shown(w) == ["Spor Ayakkabı Gri", "Deri Bot Siyah"]);
    k.tap("Choose an option of Deri Bot Siyah");
    k.tap("Add Deri Bot Siyah in 39");
    k.wait("the 39s too", |w| basket_lines(w) == 2);
}

#[test]
fn offline_the_catalog_copy_keeps_the_sizes_and_their_stock() {
    let (_data, k) = offline_with_a_catalog_copy();
    k.tap("Find a product by name");
    k.type_keys("bot");
    assert_eq!(results_for(&k, "bot"), ["Deri Bot Siyah"]);
    assert!(k.window.global::<SearchAdapter>().get_from_copy());
    k.tap("Choose an option of Deri Bot Siyah");
    // The copy knows only whether a size was sold out.
    assert_eq!(
        options(&k.window),
        [
            ("39".to_string(), StockHere::Unknown, -1),
            ("40".to_string(), StockHere::Out, 0),
            ("41".to_string(), StockHere::Unknown, -1),
            ("42".to_string(), StockHere::Unknown, -1),
        ]
    );
    k.tap("Add Deri Bot Siyah in 41");
    k.wait("the 41s in the offline basket", |w| basket_lines(w) == 1);
    let line = k.window.global::<BasketAdapter>().get_lines().row_data(0).unwrap();
    assert_eq!(line.name, "Deri Bot Siyah 41");
}

/// From the basket: finds the coat by name and asks which other stores have it, until
/// the panel shows the answer in `state`.
fn ask_other_stores_for_the_coat(k: &Kiosk, state: ElsewhereState) {
    k.tap("Find a product by name");
    k.type_keys("kaban");
    assert_eq!(results_for(k, "kaban"), ["Yün Kaban Deve Tüyü"]);
    k.tap("Other stores for Yün Kaban Deve Tüyü");
    assert!(k.window.global::<SearchAdapter>().get_elsewhere_open());
    k.wait("the other stores' answer", |w| {
        w.global::<SearchAdapter>().get_elsewhere_state() == state
    });
}

/// The other stores the panel lists now: each one's name and units.
fn other_stores(w: &instore_kiosk::ui::MainWindow) -> Vec<(String, i32)> {
    w.global::<SearchAdapter>()
        .get_elsewhere()
        .iter()
        .map(|s| (s.name.to_string(), s.units))
        .collect()
}

#[test]
fn a_coat_on_no_shelf_here_shows_the_stores_that_have_it_and_is_sold_shipped() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    ask_other_stores_for_the_coat(&k, ElsewhereState::Done);
    // This kiosk's store (the server's first, none set) is not among them.
    assert_eq!(other_stores(&k.window), [("Instore Demo Nişantaşı".to_string(), 3)]);
    assert!(k.exists("These stores have it:"));
    assert!(k.exists("3 in stock"));
    assert!(k.exists("Teşvikiye Cad. 20, Şişli/İstanbul"), "where that store is");
    k.tap("Back to the results");
    assert!(!k.window.global::<SearchAdapter>().get_elsewhere_open());
    assert_eq!(shown(&k.window), ["Yün Kaban Deve Tüyü"]);

    k.tap("Other stores for Yün Kaban Deve Tüyü");
    k.wait("the answer again", |w| {
        w.global::<SearchAdapter>().get_elsewhere_state() == ElsewhereState::Done
    });
    k.tap("Sell it shipped");
    k.wait("the coat in the basket", |w| basket_lines(w) == 1);
    assert_eq!(
        k.window.global::<BasketAdapter>().get_lines().row_data(0).unwrap().name,
        "Yün Kaban Deve Tüyü"
    );
    assert!(!k.window.global::<SearchAdapter>().get_open(), "the search is put away");

    // A product no other store has says so.
    k.tap("Find a product by name");
    k.type_keys("katlan");
    assert_eq!(results_for(&k, "katlan"), ["Katlanır Şemsiye"]);
    k.tap("Other stores for Katlanır Şemsiye");
    k.wait("the umbrella's stores", |w| {
        w.global::<SearchAdapter>().get_elsewhere_state() == ElsewhereState::Done
    });
    assert!(other_stores(&k.window).is_empty());
    assert!(k.exists("No other store has it. It can still be sold shipped if the warehouse has some."));
}

#[test]
fn offline_other_stores_stock_is_the_servers_to_tell() {
    let (_data, k) = offline_with_a_catalog_copy();
    ask_other_stores_for_the_coat(&k, ElsewhereState::Offline);
    assert!(other_stores(&k.window).is_empty());
    assert!(k.exists(
        "The store server cannot be reached: only it knows the other stores' stock. It can still be sold shipped."
    ));
    k.tap("Back to the results");
    assert_eq!(shown(&k.window), ["Yün Kaban Deve Tüyü"]);
}

#[test]
fn a_coat_sold_for_collection_at_the_store_that_has_it_is_ordered_for_pickup_there() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    ask_other_stores_for_the_coat(&k, ElsewhereState::Done);
    k.tap("Collect there");
    k.wait("the coat in the basket", |w| basket_lines(w) == 1);
    assert!(k.exists("Total (1 items), to collect at Instore Demo Nişantaşı"));
    // The line is taller than this small window's list: a finger scrolls to its end.
    scroll_to(&k.window, "Collected at Instore Demo Nişantaşı");
    assert!(
        k.exists("Collected at Instore Demo Nişantaşı"),
        "not 'shipped': the line says where"
    );

    // Collected at Nişantaşı, which has it: this store's shelves, which do not, are not asked.
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.pay_on_delivery_in_cash();
    let orders = sim.world().all_orders().to_vec();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].delivery["retail_store"]["name"], "Instore Demo Nişantaşı");

    // The next sale is collected here again.
    k.new_sale();
    k.wait("an empty basket", |w| basket_lines(w) == 0);
    assert!(!k.window.global::<BasketAdapter>().get_collects_elsewhere());

    // Selling for a customer, the delivery screen names the store that has it.
    k.tap("Customer");
    k.wait("the customer search", |w| kiosk_screen(w) == Screen::CustomerSearch);
    k.window
        .global::<instore_kiosk::ui::CustomerAdapter>()
        .set_search("Demir".into());
    k.tap("Search");
    k.wait("the results", |w| {
        w.global::<instore_kiosk::ui::CustomerAdapter>().get_searched()
    });
    k.tap("Mehmet Demir");
    k.wait("his basket", |w| kiosk_screen(w) == Screen::Basket);
    ask_other_stores_for_the_coat(&k, ElsewhereState::Done);
    k.tap("Collect there");
    k.wait("the coat in his basket", |w| basket_lines(w) == 1);
    k.tap("Pay");
    k.wait("the delivery screen", |w| kiosk_screen(w) == Screen::Delivery);
    assert!(k.exists("Instore Demo Nişantaşı  ·  Teşvikiye Cad. 20, Şişli/İstanbul"));
    k.tap("Collect at the store that has it");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.pay_on_delivery_in_cash();
    let orders = sim.world().all_orders().to_vec();
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[1].delivery["retail_store"]["name"], "Instore Demo Nişantaşı");
    assert_eq!(orders[1].email, "mehmet.demir@example.com");
    k.new_sale();
    k.wait("an empty basket", |w| basket_lines(w) == 0);
    assert!(!k.window.global::<BasketAdapter>().get_collects_elsewhere());
}
