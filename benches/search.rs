//! From a typed character to the product search's results on the window, against the
//! built-in simulator on loopback holding a store-sized catalog (the 13 demo products
//! and 5,000 more): the real controller and search task, results applied to the real
//! window's adapters (Slint's testing backend, so without the frame's pixels).
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
    (0..count)
        .map(|i| SimProduct {
            pk: 10_000 + i,
            sku: format!("GEN-{i:05}"),
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
    if missed > 0 {
        println!("{missed} characters gave no results within 350 ms (slowly) or 5 s (quickly)");
    }
}
