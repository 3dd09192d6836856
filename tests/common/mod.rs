//! Shared set-up for the end-to-end tests: a real simulator on a free loopback port and
//! a real client talking HTTP to it.
#![allow(dead_code)]

pub mod escpos;
pub mod printer;
pub mod proxy;

use instore_kiosk::checkout::{run_checkout, Choices, Completed, Event, ServiceAction};
use instore_kiosk::commerce::{ClientConfig, CommerceClient, Money};
use instore_kiosk::sim::catalog::default_catalog;
use instore_kiosk::sim::{Scenario, Simulator};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const EMAIL: &str = "demo@instore.test";
pub const PASSWORD: &str = "demo1234";

/// The default scenario with a one-second register poll, so tests wait little.
pub fn quick_scenario() -> Scenario {
    Scenario {
        cash_register_poll_seconds: 1,
        ..Scenario::default()
    }
}

pub async fn start_sim(scenario: Scenario) -> Simulator {
    Simulator::start(scenario, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("the simulator starts")
}

pub fn client_for(sim: &Simulator, request_timeout: Duration) -> CommerceClient {
    let mut config = ClientConfig::new(&sim.url()).unwrap();
    config.connect_timeout = Duration::from_secs(2);
    config.request_timeout = request_timeout;
    CommerceClient::new(config).unwrap()
}

pub async fn logged_in(sim: &Simulator) -> CommerceClient {
    let client = client_for(sim, Duration::from_secs(10));
    client.login(EMAIL, PASSWORD).await.expect("the demo account logs in");
    client
}

/// Adds one of each code to an empty basket; returns what the catalog says it costs.
pub async fn fill_basket(client: &CommerceClient, codes: &[&str]) -> Money {
    client.clear_basket().await.unwrap();
    let mut expected = Money::ZERO;
    for code in codes {
        let product = client
            .product_by_code(code)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{code} is in the catalog"));
        client.add_to_basket(&product.pk, 1).await.unwrap();
        expected += catalog_price(code);
    }
    expected
}

/// The catalog's own price of a code, read from the catalog data, not from the server.
pub fn catalog_price(code: &str) -> Money {
    default_catalog()
        .into_iter()
        .find(|p| p.barcode == code || p.sku == code)
        .expect("known code")
        .price
}

/// Puts products (by sku) in an account's own basket on the simulator, as its web shop
/// would before the customer comes to the store.
pub fn fill_web_basket(sim: &instore_kiosk::sim::Simulator, email: &str, lines: &[(&str, u32)]) {
    let mut world = sim.world();
    for (sku, quantity) in lines {
        let pk = default_catalog()
            .into_iter()
            .find(|p| p.sku == *sku)
            .expect("known sku")
            .pk;
        world
            .basket_change(email, &serde_json::json!({"product": pk, "quantity": quantity}), true)
            .expect("in stock");
    }
}

/// An account's basket on the simulator, as (sku, quantity).
pub fn basket_on_sim(sim: &instore_kiosk::sim::Simulator, email: &str) -> Vec<(String, u32)> {
    let basket = sim.world().basket_json(email);
    basket["basket"]["basketitem_set"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|line| {
            let sku = line["product"]["sku"].as_str().unwrap_or_default().to_string();
            (sku, line["quantity"].as_u64().unwrap_or_default() as u32)
        })
        .collect()
}

pub fn money(text: &str) -> Money {
    text.parse().unwrap()
}

/// Pays a cash-register number at the simulated register, as the cashier would.
pub async fn pay_at_register(base_url: &str, number: &str) -> reqwest::StatusCode {
    reqwest::Client::new()
        .post(format!("{base_url}_sim/cash-register/{number}/pay"))
        .send()
        .await
        .expect("the simulator answers the cashier")
        .status()
}

/// Runs a checkout; a cash-register barcode is paid at the register as soon as it shows.
pub async fn checkout_paying_register(
    client: &CommerceClient,
    sim_url: &str,
    choices: Choices,
) -> (Completed, Vec<Event>) {
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let seen = events.clone();
    let url = sim_url.to_string();
    let mut on_event = move |event: Event| {
        if let Event::Barcode { number, .. } = &event {
            let (url, number) = (url.clone(), number.clone());
            tokio::spawn(async move { pay_at_register(&url, &number).await });
        }
        seen.lock().unwrap().push(event);
    };
    let done = run_checkout(client, &choices, &mut on_event)
        .await
        .expect("the checkout completes");
    let events = events.lock().unwrap().clone();
    (done, events)
}

pub fn approve() -> ServiceAction {
    ServiceAction::Approve
}

/// A command that runs `program` so that file modes apply to it. Tests run as root on
/// CI, and root ignores modes (CAP_DAC_OVERRIDE); `setpriv` (util-linux) starts the
/// program without the capabilities that bypass them. As another user, it runs as is.
pub fn honouring_file_modes(program: &std::path::Path) -> std::process::Command {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root = status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .and_then(|l| l.split_whitespace().nth(2))
        == Some("0");
    if root {
        let mut command = std::process::Command::new("setpriv");
        command
            .args([
                "--bounding-set=-dac_override,-dac_read_search,-fowner",
                "--inh-caps=-all",
                "--",
            ])
            .arg(program);
        command
    } else {
        std::process::Command::new(program)
    }
}

/// Makes a data directory and its files read-only.
pub fn make_read_only(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
}

/// A loopback address nobody listens on: the listener is bound, then dropped.
pub fn free_loopback_port() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// Queues one pay-later sale of socks in the data directory's offline queue, as the
/// kiosk does offline; returns its reference.
pub fn queue_socks_sale(data: &std::path::Path) -> String {
    use instore_kiosk::offline::queue;
    let mut store = instore_kiosk::offline::Store::open(data).unwrap();
    let order = queue::NewOrder {
        payment_type: "pay_later".into(),
        option_name: None,
        choice: None,
        contact: None,
        customer: None,
        lines: vec![queue::QueuedLine {
            product: "105".into(),
            code: "SCK-030".into(),
            name: "Çorap 3'lü Paket".into(),
            quantity: 1,
            unit_price: "119.99".parse().unwrap(),
        }],
    };
    let limits = queue::Limits::from(&instore_kiosk::settings::Settings::default().offline);
    queue::enqueue(&mut store, &order, &limits).unwrap().reference
}
