//! The offline queue's soak: N orders taken offline, then drained through a lossy TCP
//! proxy in front of the simulator (which names every link by an internal address, as
//! a misconfigured proxy makes a server do) while the drainers are killed with SIGKILL
//! at random moments; once with one drainer at a time, once with two at once. It
//! prints, for each: orders queued, orders on the server, duplicates, orders left
//! unsent or stuck, kills, and the time to drain.
//!
//! `cargo bench --bench soak` (release build). ORDERS (default 60), LOSS (share of
//! answers the proxy cuts, default 0.08) and SEED change it. Every drainer is killed
//! at a random moment 5 to 150 ms after it starts unless it ended first; the kills
//! printed are those that found it still running.

#[path = "../tests/common/proxy.rs"]
mod proxy;

use instore_kiosk::offline::queue::{self, Limits, NewOrder, QueuedLine, State, StuckRule};
use instore_kiosk::offline::Store;
use instore_kiosk::sim::{Scenario, Simulator};
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_instore-kiosk");
const EMAIL: &str = "demo@instore.test";
const PASSWORD: &str = "demo1234";

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn socks() -> NewOrder {
    NewOrder {
        payment_type: "pay_later".into(),
        option_name: None,
        choice: None,
        contact: None,
        customer: None,
        lines: vec![QueuedLine {
            product: "105".into(),
            code: "SCK-030".into(),
            name: "Çorap 3'lü Paket".into(),
            quantity: 1,
            unit_price: "119.99".parse().unwrap(),
        }],
    }
}

struct Run {
    drainers: usize,
    queued: usize,
    on_server: usize,
    duplicates: usize,
    unsent: usize,
    stuck: usize,
    kills: usize,
    drains: usize,
    seconds: f64,
    lost: u32,
}

fn drainer(data: &Path, config: &Path) -> Child {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .arg("--config")
        .arg(config)
        .args(["queue", "drain"])
        .env("INSTORE_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the kiosk binary runs")
}

fn soak(runtime: &tokio::runtime::Runtime, drainers: usize, orders: usize, loss: f64, seed: u64) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut scenario = Scenario::default();
    scenario.faults.links_origin = Some("https://commerce.internal:8443".into());
    let sim = runtime
        .block_on(Simulator::start(scenario, "127.0.0.1:0".parse().unwrap()))
        .unwrap();
    sim.world().restock(10_000);
    let proxy = proxy::Proxy::start(sim.addr(), seed);
    let config = dir.path().join("settings.toml");
    std::fs::write(
        &config,
        format!(
            "[commerce]\nurl = \"{}\"\nemail = \"{EMAIL}\"\npassword = \"{PASSWORD}\"\nrequest_timeout_ms = 1000\nconnect_timeout_ms = 500\n",
            proxy.url()
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    // The orders, taken while the line was down.
    let references: Vec<String> = {
        let mut store = Store::open(&data).unwrap();
        let limits = Limits {
            max_order_amount: "100000".parse().unwrap(),
            max_waiting_amount: "100000000".parse().unwrap(),
            max_waiting_count: u32::MAX,
            max_age: Duration::from_secs(86_400),
        };
        (0..orders)
            .map(|_| queue::enqueue(&mut store, &socks(), &limits).unwrap().reference)
            .collect()
    };
    proxy.lose_answers(loss);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let started = Instant::now();
    let (mut kills, mut drains) = (0, 0);
    let unsent = |data: &Path| {
        queue::list(&Store::open(data).unwrap())
            .unwrap()
            .iter()
            .filter(|o| o.state != State::Sent)
            .count()
    };
    // Drainers killed at random moments while orders are left, each soon after it
    // starts (most mid-order), until every order is sent or ten minutes have passed.
    let mut drained_at = None;
    while started.elapsed() < Duration::from_secs(600) {
        let mut children: Vec<Child> = (0..drainers).map(|_| drainer(&data, &config)).collect();
        drains += children.len();
        std::thread::sleep(Duration::from_millis(rng.random_range(5..150)));
        for child in &mut children {
            if child.try_wait().unwrap().is_none() {
                child.kill().unwrap();
                kills += 1;
            }
        }
        for child in &mut children {
            child.wait().unwrap();
        }
        if unsent(&data) == 0 {
            drained_at = Some(started.elapsed());
            break;
        }
    }
    let seconds = drained_at.unwrap_or(started.elapsed()).as_secs_f64();
    let mut by_note: HashMap<String, usize> = HashMap::new();
    for order in sim.world().all_orders() {
        *by_note.entry(order.notes.clone().unwrap_or_default()).or_default() += 1;
    }
    let store = Store::open(&data).unwrap();
    Run {
        drainers,
        queued: references.len(),
        on_server: references.iter().filter(|r| by_note.contains_key(*r)).count(),
        duplicates: references
            .iter()
            .map(|r| by_note.get(r).copied().unwrap_or(0).saturating_sub(1))
            .sum(),
        unsent: unsent(&data),
        stuck: queue::stuck(&store, &StuckRule::default()).unwrap().len(),
        kills,
        drains,
        seconds,
        lost: proxy.answers_lost(),
    }
}

fn main() {
    let orders = env("ORDERS", 60usize);
    let loss = env("LOSS", 0.08f64);
    let seed = env("SEED", 20261202u64);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    println!(
        "machine: {} cores, {}; {orders} orders, the proxy cuts {:.0} % of answers, seed {seed}",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        std::env::consts::ARCH,
        loss * 100.0
    );
    for drainers in [1, 2] {
        let run = soak(&runtime, drainers, orders, loss, seed + drainers as u64);
        println!(
            "{} drainer{}: queued {}, on the server {}, duplicates {}, unsent {}, stuck {}, kills {} of {} drains, answers cut {}, drained in {:.1} s",
            run.drainers,
            if run.drainers == 1 { "" } else { "s at once" },
            run.queued,
            run.on_server,
            run.duplicates,
            run.unsent,
            run.stuck,
            run.kills,
            run.drains,
            run.lost,
            run.seconds
        );
    }
}
