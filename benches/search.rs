//! From a typed character to the product search's results on the window, against the
//! built-in simulator on loopback holding a store-sized catalog (the demo's products
//! and 5,000 more, filed in its categories by their kind): the real controller and
//! search task, results applied to the real window's adapters (Slint's testing
//! backend, so without the frame's pixels).
//!
//! Two ways of typing, each character set in the field and sent as the field's change
//! does (`SearchAdapter.changed`):
//! - slowly (350 ms a character, past the pause the search waits for): every
//!   character's results show; each is timed;
//! - quickly (80 ms a character): only the word's last character is answered (the
//!   earlier queries are dropped); the time from that character is timed.
//!
//! Both include the pause in the typing the search waits before asking
//! (`DEBOUNCE`, printed); the time the request itself takes is printed apart.
//!
//! Then what the pictures add to the process's memory: those of 200 results of one
//! query, and after browsing every category (each one's every page).
//!
//! Run: `cargo bench --bench search` (a release build; `-- ROUNDS` for more rounds).

use instore_kiosk::settings::Settings;
use instore_kiosk::sim::catalog::SimProduct;
use instore_kiosk::sim::{Scenario, Simulator};
use instore_kiosk::ui::controller::{self, Intent, Sink};
use instore_kiosk::ui::view::{apply, Update};
use instore_kiosk::ui::{prepare_window, MainWindow, SearchAdapter, SearchState};
use slint::ComponentHandle;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const WORDS: [&str; 6] = ["tişört", "kazak", "yün", "ipek", "ayakkabı", "çorap"];

/// A store-sized catalog: names made of the demo's words, colours and sizes.
fn catalog(count: u64) -> Vec<SimProduct> {
    let kinds = [
        "Tişört",
        "Kazak",
        "Pantolon",
        "Ayakkabı",
        "Çorap",
        "Gömlek",
        "Etek",
        "Ceket",
    ];
    let stuff = ["Pamuklu", "Yün", "İpek", "Keten", "Deri", "Örgü"];
    let colours = ["Beyaz", "Siyah", "Lacivert", "Gri", "Bordo", "Haki", "Bej"];
    // Each kind's SKU prefix, which files it in the simulator's categories.
    let prefixes = ["TSH", "SWT", "JNS", "SHO", "SCK", "TSH", "JNS", "COA"];
    (0..count)
        .map(|i| SimProduct {
            pk: 10_000 + i,
            sku: format!("{}-GEN-{i:05}", prefixes[(i as usize / stuff.len()) % kinds.len()]),
            name: format!(
                "{} {} {} {}",
                stuff[i as usize % stuff.len()],
                kinds[(i as usize / stuff.len()) % kinds.len()],
                colours[(i as usize / 7) % colours.len()],
                i
            ),
            barcode: instore_kiosk::sim::catalog::ean13(&format!("8691{i:08}")),
            price: "199.90".parse().unwrap(),
            stock: (i % 9) as i64,
            warehouse: 0,
            size_of: None,
        })
        .collect()
}

struct Kiosk {
    window: MainWindow,
    updates: mpsc::Receiver<Update>,
    handle: controller::ControllerHandle,
}

impl Kiosk {
    /// Types `query` as the field does: sets it and sends its change.
    fn set(&self, query: &str) {
        let search = self.window.global::<SearchAdapter>();
        search.set_query(query.into());
        search.set_state(SearchState::Searching);
        self.handle.send(Intent::SearchProducts(query.into()));
    }

    /// Applies updates for `wait`, or until the results of what the field holds show.
    fn apply_for(&self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.updates.recv_timeout(left) {
                Ok(update) => apply(&self.window, update),
                Err(_) => return false,
            }
            if self.window.global::<SearchAdapter>().get_state() == SearchState::Done {
                return true;
            }
        }
    }
}

fn print(what: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{what:<44} {:>4} results  median {:>6.1} ms  worst {:>6.1} ms",
        times.len(),
        times[times.len() / 2].as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3
    );
}

/// The process's proportional set size, in KiB.
fn pss_kib() -> u64 {
    let rollup = std::fs::read_to_string("/proc/self/smaps_rollup").unwrap_or_default();
    rollup
        .lines()
        .find_map(|l| l.strip_prefix("Pss:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// What the pictures add: 200 results of one query, page by page, every picture in.
fn pictures(k: &Kiosk, data: &std::path::Path) {
    k.set("");
    k.apply_for(Duration::from_millis(100));
    let before = pss_kib();
    k.set("pamuklu");
    k.apply_for(Duration::from_secs(5));
    let search = k.window.global::<SearchAdapter>();
    while search.get_results().row_count() < 200 && search.get_more() {
        search.set_state(SearchState::Searching);
        k.handle.send(Intent::MoreProducts);
        k.apply_for(Duration::from_secs(5));
    }
    let shown = search.get_results().row_count();
    let deadline = Instant::now() + Duration::from_secs(60);
    use slint::Model;
    while search.get_results().iter().any(|c| !c.has_picture) && Instant::now() < deadline {
        if let Ok(update) = k.updates.recv_timeout(Duration::from_millis(200)) {
            apply(&k.window, update);
        }
    }
    let with_picture = search.get_results().iter().filter(|c| c.has_picture).count();
    let on_disk: u64 = std::fs::read_dir(data.join("pictures"))
        .map(|d| d.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum())
        .unwrap_or(0);
    println!(
        "pictures: {with_picture} of {shown} results shown with theirs; the process's PSS grew by {:.1} MiB; {:.1} MiB kept on disk",
        pss_kib().saturating_sub(before) as f64 / 1024.0,
        on_disk as f64 / (1024.0 * 1024.0)
    );
}

/// Waits until every card shown has its picture (or a minute has passed).
fn pictures_in(k: &Kiosk) {
    use slint::Model;
    let search = k.window.global::<SearchAdapter>();
    let deadline = Instant::now() + Duration::from_secs(60);
    while (search.get_results().iter().any(|c| !c.has_picture)
        || search.get_categories().iter().any(|c| !c.has_picture))
        && Instant::now() < deadline
    {
        if let Ok(update) = k.updates.recv_timeout(Duration::from_millis(200)) {
            apply(&k.window, update);
        }
    }
}

/// What the pictures add after browsing every category as a customer does: the
/// categories, then each category's products, every page of it, every picture in.
fn browse_every_category(k: &Kiosk, data: &std::path::Path) {
    use instore_kiosk::ui::ProductsView;
    use slint::Model;
    let search = k.window.global::<SearchAdapter>();
    search.set_results(Default::default());
    k.set("");
    k.apply_for(Duration::from_millis(100));
    let before = pss_kib();
    let mut peak = before;
    search.set_view(ProductsView::Categories);
    search.set_state(SearchState::Searching);
    k.handle.send(Intent::BrowseCategories);
    k.apply_for(Duration::from_secs(5));
    pictures_in(k);
    let categories: Vec<_> = search.get_categories().iter().collect();
    let (mut products, mut with_picture) = (0, 0);
    for category in &categories {
        search.set_category_pk(category.pk.clone());
        search.set_results(Default::default());
        search.set_view(ProductsView::Category);
        search.set_state(SearchState::Searching);
        k.handle.send(Intent::OpenCategory(category.pk.to_string()));
        k.apply_for(Duration::from_secs(5));
        while search.get_more() {
            search.set_state(SearchState::Searching);
            k.handle.send(Intent::MoreProducts);
            k.apply_for(Duration::from_secs(5));
        }
        pictures_in(k);
        products += search.get_results().row_count();
        with_picture += search.get_results().iter().filter(|c| c.has_picture).count();
        peak = peak.max(pss_kib());
        // Back to the categories, as the button does.
        search.set_view(ProductsView::Categories);
    }
    let at_end = pss_kib();
    // Put away, as Back to basket does: what stays is what the process keeps.
    let at = Instant::now();
    instore_kiosk::ui::view::put_search_away(&k.window);
    let put_away_in = at.elapsed();
    std::thread::sleep(Duration::from_millis(500));
    let put_away = pss_kib();
    let on_disk: u64 = std::fs::read_dir(data.join("pictures"))
        .map(|d| d.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum())
        .unwrap_or(0);
    let mib = |kib: u64| kib.saturating_sub(before) as f64 / 1024.0;
    println!(
        "browsing every category: {} categories, {products} products, {with_picture} shown with their pictures; the process's PSS grew by {:.1} MiB at the end (the categories shown, the last category's grid held), {:.1} MiB at most, {:.1} MiB once the search is put away (in {:.1} ms, the freed heap given back); {:.1} MiB kept on disk",
        categories.len(),
        mib(at_end),
        mib(peak),
        mib(put_away),
        put_away_in.as_secs_f64() * 1e3,
        on_disk as f64 / (1024.0 * 1024.0)
    );
}

fn main() {
    let rounds: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(3);
    i_slint_backend_testing::init_no_event_loop();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let scenario = Scenario::default();
    let sim = runtime
        .block_on(Simulator::start(scenario.clone(), "127.0.0.1:0".parse().unwrap()))
        .unwrap();
    sim.world().add_products(catalog(5_000));
    let mut settings = Settings::default();
    settings.kiosk.language = "en".into();
    settings.commerce.url = Some(sim.url());
    settings.commerce.email = Some(scenario.demo_email.clone());
    settings.commerce.password = Some(scenario.demo_password.clone());
    let window = MainWindow::new().unwrap();
    prepare_window(&window, &settings);
    let (tx, updates) = mpsc::channel();
    let sink: Sink = std::sync::Arc::new(move |update| {
        let _ = tx.send(update);
    });
    let mut config = instore_kiosk::ui::controller_config(&settings, None);
    config.tick_every = Duration::from_secs(3600);
    // Pictures are kept on disk there, as on a device.
    let data = tempfile::tempdir().unwrap();
    config.data_dir = Some(data.path().to_path_buf());
    let handle = {
        let _guard = runtime.enter();
        controller::spawn(config, sink)
    };
    let k = Kiosk {
        window,
        updates,
        handle,
    };
    // Connected once the header names the server.
    while k
        .window
        .global::<instore_kiosk::ui::KioskAdapter>()
        .get_server()
        .is_empty()
    {
        let update = k.updates.recv_timeout(Duration::from_secs(20)).expect("connected");
        apply(&k.window, update);
    }
    // The search panel open, as 'Find a product by name' opens it: a closed one shows
    // no answer.
    k.window.global::<SearchAdapter>().set_open(true);
    let pause = instore_kiosk::ui::controller::SEARCH_DEBOUNCE;
    println!(
        "typed character to results, {rounds} rounds of {} words, {} products on the simulator on loopback; the search waits {} ms after the typing pauses",
        WORDS.len(),
        sim.world().catalog().len(),
        pause.as_millis()
    );

    let (mut slowly, mut quickly, mut missed) = (Vec::new(), Vec::new(), 0);
    for _ in 0..rounds {
        for word in WORDS {
            let mut typed = String::new();
            for c in word.chars() {
                typed.push(c);
                let at = Instant::now();
                k.set(&typed);
                if k.apply_for(Duration::from_millis(350)) {
                    slowly.push(at.elapsed());
                    std::thread::sleep(Duration::from_millis(350).saturating_sub(at.elapsed()));
                } else {
                    missed += 1;
                }
            }
            k.set("");
            k.apply_for(Duration::from_millis(50));
            let mut typed = String::new();
            let mut last = Instant::now();
            for c in word.chars() {
                typed.push(c);
                last = Instant::now();
                k.set(&typed);
                // Results of a query typed over show only if it won the race.
                k.apply_for(Duration::from_millis(80));
            }
            if k.window.global::<SearchAdapter>().get_state() == SearchState::Done
                || k.apply_for(Duration::from_secs(5))
            {
                quickly.push(last.elapsed());
            } else {
                missed += 1;
            }
            k.set("");
            k.apply_for(Duration::from_millis(50));
        }
    }
    print("typed slowly: every character", slowly.clone());
    print("typed quickly: the word's last character", quickly);
    print(
        "the same, less the pause: the request and the screen",
        slowly.iter().map(|t| t.saturating_sub(pause)).collect(),
    );
    pictures(&k, data.path());
    browse_every_category(&k, data.path());
    if missed > 0 {
        println!("{missed} characters gave no results within 350 ms (slowly) or 5 s (quickly)");
    }
}
