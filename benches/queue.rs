//! Prints the offline queue's numbers on this machine's disk:
//! - the time to commit one queued order durably (WAL, synchronous=FULL): median and
//!   99th percentile over many orders;
//! - the replay rate: queued orders sent per second to the local simulator.
//!
//! `cargo bench --bench queue` (release build). ORDERS sets how many (default 500).

use instore_kiosk::commerce::{ClientConfig, CommerceClient};
use instore_kiosk::offline::queue::{self, Limits, NewOrder, QueuedLine};
use instore_kiosk::offline::{replay, Store};
use instore_kiosk::sim::{Scenario, Simulator};
use std::time::{Duration, Instant};

fn main() {
    let orders: usize = std::env::var("ORDERS").ok().and_then(|s| s.parse().ok()).unwrap_or(500);
    // On the disk the data directory lives on, not on a RAM-backed /tmp.
    let base = std::env::var("BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::env::current_dir().unwrap());
    let dir = tempfile::tempdir_in(base).unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let limits = Limits {
        max_order_amount: "100000".parse().unwrap(),
        max_waiting_amount: "100000000".parse().unwrap(),
        max_waiting_count: u32::MAX,
        max_age: Duration::from_secs(86_400),
    };
    let order = NewOrder {
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
    };
    let mut times = Vec::with_capacity(orders);
    for _ in 0..orders {
        let started = Instant::now();
        queue::enqueue(&mut store, &order, &limits).unwrap();
        times.push(started.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0;
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        std::env::consts::ARCH
    );
    println!(
        "queue commit, {} orders in {}: median {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        orders,
        dir.path().display(),
        at(0.5),
        at(0.99),
        at(1.0)
    );

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let sim = Simulator::start(Scenario::default(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        sim.world().restock(1_000_000);
        let client = CommerceClient::new(ClientConfig::new(&sim.url()).unwrap()).unwrap();
        client.login("demo@instore.test", "demo1234").await.unwrap();
        let started = Instant::now();
        let report = replay::drain(
            &client,
            &mut store,
            "5".parse::<instore_kiosk::commerce::Money>().unwrap(),
        )
        .await
        .unwrap();
        let seconds = started.elapsed().as_secs_f64();
        let sent = report
            .outcomes
            .iter()
            .filter(|(_, o)| matches!(o, replay::Outcome::Sent { .. }))
            .count();
        println!(
            "replay to the local simulator: {sent} orders in {seconds:.2} s, {:.1} orders/s",
            sent as f64 / seconds
        );
    });
}
