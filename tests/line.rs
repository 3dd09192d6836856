//! The line between the kiosk and the commerce server as a real store has it: a proxy
//! or load balancer in front of the server (links naming another address, answers lost
//! after the server acted, bursts of 502/503/504, a login page where data was
//! expected), a server that accepts and never answers, a certificate the device does
//! not trust, a name DNS cannot find. Real HTTP on loopback (through a real TCP proxy
//! where a proxy is the point), real SQLite files, the real binary.

mod common;

use common::proxy::Proxy;
use common::*;
use instore_kiosk::checkout::{run_checkout, Choices};
use instore_kiosk::commerce::{ClientConfig, CommerceClient, CommerceError};
use instore_kiosk::offline::queue::{self, Limits, NewOrder, QueuedLine, State};
use instore_kiosk::offline::{replay, Store};
use instore_kiosk::sim::scenario::SignedOutAnswer;
use instore_kiosk::sim::Simulator;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_instore-kiosk");

fn limits() -> Limits {
    Limits {
        max_order_amount: money("5000"),
        max_waiting_amount: money("50000"),
        max_waiting_count: 500,
        max_age: Duration::from_secs(3600),
    }
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
            unit_price: money("119.99"),
        }],
    }
}

fn client_at(url: &str, timeout: Duration) -> CommerceClient {
    let mut config = ClientConfig::new(url).unwrap();
    config.connect_timeout = Duration::from_secs(2);
    config.request_timeout = timeout;
    CommerceClient::new(config).unwrap()
}

/// Server orders by their note (the queue's reference).
fn by_note(sim: &Simulator) -> HashMap<String, usize> {
    let mut found = HashMap::new();
    for order in sim.world().all_orders() {
        *found.entry(order.notes.clone().unwrap_or_default()).or_default() += 1;
    }
    found
}

/// `n` pay-later orders of socks on the account: a busy account's order list.
async fn sell(client: &CommerceClient, n: usize, note: Option<&str>) {
    for _ in 0..n {
        fill_basket(client, &["SCK-030"]).await;
        let choices = Choices {
            notes: note.map(str::to_string),
            ..Choices::pay("pay_later")
        };
        run_checkout(client, &choices, &mut |_| {}).await.unwrap();
    }
}

/// A settings file as `provision` leaves it: owner-only, for it holds the password.
fn write_private(path: &std::path::Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

fn kiosk(data: &std::path::Path, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("INSTORE_LOG", "error");
    command
}

/// A listener that notes what each request says and answers a two-byte 200.
struct Capture {
    addr: std::net::SocketAddr,
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Capture {
    fn start() -> Capture {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen: std::sync::Arc<std::sync::Mutex<Vec<String>>> = Default::default();
        let noted = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut buffer = [0u8; 8192];
                let n = stream.read(&mut buffer).unwrap_or(0);
                noted
                    .lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&buffer[..n]).to_string());
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            }
        });
        Capture { addr, seen }
    }

    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// A busy account whose order list names another host, another port or another scheme
/// than the one the kiosk dialled (a proxy that does not pass the Host on, or ends
/// TLS): the lookup follows each `next` on the configured server, finds the order on a
/// later page, and never places it twice.
#[tokio::test]
async fn the_lookup_follows_next_pages_that_name_another_host_port_or_scheme() {
    for other in [
        "http://commerce.internal:{port}",
        "http://127.0.0.1:1",
        "https://127.0.0.1:{port}",
    ] {
        let sim = start_sim(quick_scenario()).await;
        sim.world().restock(100);
        let other = other.replace("{port}", &sim.addr().port().to_string());
        sim.world().scenario.faults.links_origin = Some(other.clone());
        let client = logged_in(&sim).await;
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let reference = queue::enqueue(&mut store, &socks(), &limits()).unwrap().reference;
        // Placed by an attempt whose answer was lost; 25 more orders since.
        queue::record(&mut store, &reference, State::Sending, "attempt", None, None).unwrap();
        sell(&client, 1, Some(&reference)).await;
        sell(&client, 25, None).await;

        let report = replay::drain(&client, &mut store, money("5")).await.unwrap();
        assert_eq!(report.waiting, 0, "{other}: {:?}", report.outcomes);
        let order = queue::show(&store, &reference).unwrap().unwrap();
        assert_eq!(order.state, State::Sent, "{other}");
        assert_eq!(by_note(&sim)[&reference], 1, "{other}: placed once");
        assert!(
            queue::journal(&store, &reference)
                .unwrap()
                .iter()
                .any(|e| e.step == "found"),
            "{other}: found on a later page"
        );
    }
}

/// The session's cookies go to the commerce server only: a `next` that leads to
/// another page of another site is refused with both addresses named, a `next` naming
/// another address for the orders list is read on the configured server, and a picture
/// on another site (here another port of the same host, where a cookie jar would send
/// the session) is fetched without cookies.
#[tokio::test]
async fn no_cookie_leaves_for_another_origin() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    let elsewhere = Capture::start();
    let error = client
        .orders_page(Some(&format!("http://{}/collect/?page=2", elsewhere.addr)))
        .await
        .unwrap_err();
    assert!(matches!(error, CommerceError::ForeignLink { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains(&elsewhere.addr.to_string()) && text.contains(&sim.url()),
        "{text}"
    );
    client
        .orders_page(Some(&format!("http://{}/users/orders/?page=1", elsewhere.addr)))
        .await
        .expect("the orders list, read on the configured server");
    assert!(elsewhere.requests().is_empty(), "{:?}", elsewhere.requests());

    let cdn = Capture::start();
    let bytes = client
        .fetch_asset(&format!("http://{}/logo.png", cdn.addr))
        .await
        .unwrap();
    assert_eq!(bytes, b"ok");
    let request = cdn.requests().pop().expect("the picture was asked for");
    assert!(!request.to_ascii_lowercase().contains("cookie:"), "{request}");
    assert!(!request.contains("osessionid"), "{request}");
}

/// The whole path as a store has it: sales taken offline while the proxy in front of
/// the server is down, then drains through the proxy while it loses one answer in twelve
/// after the server acted, and while the server names every link by its
/// internal address. Every sale reaches the server exactly once; none is left stuck.
#[test]
fn offline_sales_drain_through_a_lossy_proxy_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(start_sim(quick_scenario()));
    sim.world().restock(200);
    sim.world().scenario.faults.links_origin = Some("https://commerce.internal:8443".into());
    let mut proxy = Proxy::start(sim.addr(), 18);
    let url = proxy.url();
    // A busy account: the lookups page through its order list.
    runtime.block_on(async {
        let client = client_at(&url, Duration::from_secs(10));
        client.login(EMAIL, PASSWORD).await.unwrap();
        sell(&client, 25, None).await;
    });
    let config = dir.path().join("settings.toml");
    std::fs::write(
        &config,
        "[commerce]\nrequest_timeout_ms = 1000\nconnect_timeout_ms = 500\n",
    )
    .unwrap();
    let config = config.to_str().unwrap().to_string();
    let server = [
        "--config",
        config.as_str(),
        "--commerce-url",
        url.as_str(),
        "--email",
        EMAIL,
        "--password",
        PASSWORD,
    ];
    assert!(kiosk(&data, &["catalog", "sync"])
        .args(server)
        .output()
        .unwrap()
        .status
        .success());

    proxy.stop();
    let mut references = Vec::new();
    for _ in 0..15 {
        let output = kiosk(&data, &["checkout", "--scan", "SCK-030", "--pay", "pay_later"])
            .args(server)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}");
        references.push(
            stdout
                .lines()
                .last()
                .unwrap()
                .strip_prefix("queued ")
                .unwrap()
                .to_string(),
        );
    }

    proxy.resume();
    proxy.lose_answers(0.08);
    let mut drained = false;
    for _ in 0..200 {
        let output = kiosk(&data, &["queue", "drain"]).args(server).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("could not be confirmed"), "{stderr}");
        if output.status.success() {
            drained = true;
            break;
        }
        // An order whose answer was lost waits out the 1 s request timeout.
        std::thread::sleep(Duration::from_millis(300));
    }
    let store = Store::open(&data).unwrap();
    let orders = queue::list(&store).unwrap();
    assert!(
        drained,
        "{:?}",
        orders
            .iter()
            .map(|o| (&o.reference, o.state, &o.reason))
            .collect::<Vec<_>>()
    );
    assert!(proxy.answers_lost() > 0, "the proxy lost answers");
    let on_server = by_note(&sim);
    for reference in &references {
        assert_eq!(on_server.get(reference), Some(&1), "{reference}");
    }
    assert_eq!(sim.world().all_orders().len(), 25 + references.len());
}

/// An order the server can neither confirm nor refute (every lookup fails) raises its
/// hand after `offline.stuck_after_lookups` drains: `queue drain` and `queue list` say
/// so with the reason and its age, `doctor` fails naming it, and it is never posted
/// again meanwhile.
#[test]
fn an_order_that_cannot_be_confirmed_is_said_to_be_stuck_and_never_sent_again_blindly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(start_sim(quick_scenario()));
    let url = sim.url();
    let reference = {
        let mut store = Store::open(&data).unwrap();
        let reference = queue::enqueue(&mut store, &socks(), &limits()).unwrap().reference;
        // An attempt went out; its answer never came.
        queue::claim(&mut store, &reference).unwrap();
        queue::record(
            &mut store,
            &reference,
            State::Sending,
            "unanswered",
            Some("no answer"),
            None,
        )
        .unwrap();
        reference
    };
    // The order list is down behind the proxy: every lookup fails.
    sim.world().scenario.faults.unavailable_paths = vec!["/users/orders/".into()];
    let config = dir.path().join("settings.toml");
    write_private(
        &config,
        &format!(
            "[commerce]\nurl = \"{url}\"\nemail = \"{EMAIL}\"\npassword = \"{PASSWORD}\"\nrequest_timeout_ms = 200\n\
             [offline]\nstuck_after_lookups = 3\n"
        ),
    );
    let config = config.to_str().unwrap().to_string();
    std::thread::sleep(Duration::from_millis(250));
    for round in 1..=3 {
        let output = kiosk(&data, &["--config", &config, "queue", "drain"]).output().unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stderr.contains("could not be confirmed: call support"),
            round == 3,
            "round {round}: {stderr}"
        );
        if round == 3 {
            assert!(stderr.contains(&reference), "{stderr}");
        }
    }
    let listed = kiosk(&data, &["--config", &config, "queue", "list"]).output().unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout);
    let line = listed.lines().find(|l| l.starts_with(&reference)).unwrap();
    assert!(
        line.contains("STUCK") && line.contains("unconfirmed for") && line.contains("503"),
        "{line}"
    );
    assert!(line.contains(" s old") || line.contains(" min old"), "its age: {line}");

    let doctor = kiosk(&data, &["--config", &config, "doctor"]).output().unwrap();
    let doctor = String::from_utf8_lossy(&doctor.stdout);
    let queue_line = doctor.lines().find(|l| l.contains("offline queue")).unwrap();
    assert!(
        queue_line.contains("FAIL") && queue_line.contains(&reference),
        "{doctor}"
    );
    assert_eq!(by_note(&sim).get(&reference), None, "never posted without a lookup");

    // The order list answers again: the lookup proves it was not placed, and it goes once.
    sim.world().scenario.faults.unavailable_paths.clear();
    let output = kiosk(&data, &["--config", &config, "queue", "drain"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(by_note(&sim).get(&reference), Some(&1));
}

/// A server that takes the connection and never answers: the request gives up after
/// the request timeout with a message that says so, and `doctor` says what it means.
#[test]
fn a_server_that_never_answers_times_out_with_a_clear_message() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(start_sim(quick_scenario()));
    let proxy = Proxy::start(sim.addr(), 1);
    proxy.hang(true);
    let started = std::time::Instant::now();
    let error = runtime
        .block_on(client_at(&proxy.url(), Duration::from_millis(700)).login(EMAIL, PASSWORD))
        .unwrap_err();
    assert!(matches!(error, CommerceError::Timeout { .. }), "{error:?}");
    assert!(error.to_string().contains("did not answer within"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5));

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("settings.toml");
    write_private(
        &config,
        &format!(
            "[commerce]\nurl = \"{}\"\nemail = \"{EMAIL}\"\npassword = \"x\"\nrequest_timeout_ms = 700\n",
            proxy.url()
        ),
    );
    let doctor = kiosk(
        &dir.path().join("data"),
        &["--config", config.to_str().unwrap(), "doctor"],
    )
    .output()
    .unwrap();
    let doctor = String::from_utf8_lossy(&doctor.stdout);
    let login = doctor.lines().find(|l| l.contains("login")).unwrap();
    assert!(
        login.contains("FAIL") && login.contains("accepts connections but sent no answer"),
        "{doctor}"
    );
}

/// A TLS server whose certificate the device does not trust (self-signed here): the
/// kiosk says so, and never tries plain http instead.
#[tokio::test]
async fn an_untrusted_certificate_is_named_and_never_worked_around() {
    use rustls_pki_types::pem::PemObject;
    use std::sync::Arc;
    use tokio_rustls::rustls;
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");
    let certs = rustls_pki_types::CertificateDer::pem_file_iter(format!("{data}untrusted-cert.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = rustls_pki_types::PrivateKeyDer::from_pem_file(format!("{data}untrusted-key.pem")).unwrap();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let plain_requests = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let counted = plain_requests.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let mut first = [0u8; 1];
            // A TLS client opens with a handshake record (0x16); anything else is plain.
            // (A bare connect and close, as `doctor`'s tcp check does, sends nothing.)
            if matches!(stream.peek(&mut first).await, Ok(1)) && first[0] != 0x16 {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            let _ = acceptor.accept(stream).await;
        }
    });
    let client = client_at(&format!("https://127.0.0.1:{}/", addr.port()), Duration::from_secs(3));
    let error = client.login(EMAIL, PASSWORD).await.unwrap_err();
    assert!(matches!(error, CommerceError::Untrusted { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("does not trust") && text.contains("never falls back"),
        "{text}"
    );
    assert!(error.is_connectivity(), "the sale may go on offline");
    assert!(!error.may_have_been_processed(), "nothing reached the server");
    assert_eq!(plain_requests.load(std::sync::atomic::Ordering::SeqCst), 0);
    // `doctor` says the same to the technician.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("settings.toml");
    write_private(
        &config,
        &format!(
            "[commerce]\nurl = \"https://127.0.0.1:{}/\"\nemail = \"{EMAIL}\"\npassword = \"x\"\nrequest_timeout_ms = 3000\n",
            addr.port()
        ),
    );
    let output = tokio::task::spawn_blocking(move || {
        kiosk(
            &dir.path().join("data"),
            &["--config", config.to_str().unwrap(), "doctor"],
        )
        .output()
        .unwrap()
    })
    .await
    .unwrap();
    let doctor = String::from_utf8_lossy(&output.stdout);
    let tls = doctor.lines().find(|l| l.contains(" tls ")).unwrap_or_default();
    assert!(tls.starts_with("FAIL") && tls.contains("does not trust"), "{doctor}");
    assert_eq!(
        plain_requests.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "doctor tried no plain http"
    );
}

/// A name DNS cannot find: said as such, nothing was sent, the sale may go offline.
#[tokio::test]
async fn a_name_dns_cannot_find_is_said_as_such() {
    let client = client_at("http://commerce.kiosk-test.invalid/", Duration::from_secs(5));
    let error = client.login(EMAIL, PASSWORD).await.unwrap_err();
    assert!(matches!(error, CommerceError::NameNotFound { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("commerce.kiosk-test.invalid") && text.contains("DNS"),
        "{text}"
    );
    assert!(error.is_connectivity() && !error.may_have_been_processed());
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("settings.toml");
    write_private(
        &config,
        &format!("[commerce]\nurl = \"https://commerce.kiosk-test.invalid/\"\nemail = \"{EMAIL}\"\npassword = \"x\"\n"),
    );
    let output = tokio::task::spawn_blocking(move || {
        kiosk(
            &dir.path().join("data"),
            &["--config", config.to_str().unwrap(), "doctor"],
        )
        .output()
        .unwrap()
    })
    .await
    .unwrap();
    let doctor = String::from_utf8_lossy(&output.stdout);
    let dns = doctor.lines().find(|l| l.contains(" dns ")).unwrap_or_default();
    assert!(
        dns.starts_with("FAIL") && dns.contains("commerce.kiosk-test.invalid"),
        "{doctor}"
    );
}

/// A proxy's burst of 502, 503 and 504: reads are asked again after growing pauses and
/// succeed; a queued order meeting the burst is tried again later, never set aside as
/// a refusal, and placed once.
#[tokio::test]
async fn a_burst_of_proxy_errors_is_ridden_out_and_never_refuses_an_order() {
    let sim = start_sim(quick_scenario()).await;
    // A short timeout: a step met by the burst may have been acted on behind the proxy,
    // so its order is looked up once that time has passed.
    let client = client_for(&sim, Duration::from_millis(300));
    client.login(EMAIL, PASSWORD).await.unwrap();
    sim.world().scenario.faults.proxy_errors = vec![502, 503, 504];
    let found = client
        .product_by_code("SCK-030")
        .await
        .expect("asked again until answered");
    assert_eq!(found.unwrap().sku, "SCK-030");
    assert!(sim.world().scenario.faults.proxy_errors.is_empty(), "the burst was met");

    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let reference = queue::enqueue(&mut store, &socks(), &limits()).unwrap().reference;
    // A longer burst than the client rides out: the drain stops, the order waits.
    sim.world().scenario.faults.proxy_errors = vec![503; 12];
    let mut outcomes = Vec::new();
    for _ in 0..10 {
        let report = replay::drain(&client, &mut store, money("5")).await.unwrap();
        outcomes.extend(report.outcomes);
        assert_eq!(report.set_aside, 0, "a proxy's failure is no refusal: {outcomes:?}");
        if report.waiting == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        outcomes
            .iter()
            .any(|(_, o)| matches!(o, replay::Outcome::Failed { .. })),
        "the burst was met: {outcomes:?}"
    );
    assert_eq!(
        queue::show(&store, &reference).unwrap().unwrap().state,
        State::Sent,
        "{outcomes:?}"
    );
    assert_eq!(by_note(&sim).get(&reference), Some(&1));
    // A burst longer than the login's patience: `doctor` says a proxy answers for the server.
    sim.world().scenario.faults.proxy_errors = vec![502; 40];
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("settings.toml");
    write_private(
        &config,
        &format!(
            "[commerce]\nurl = \"{}\"\nemail = \"{EMAIL}\"\npassword = \"{PASSWORD}\"\n",
            sim.url()
        ),
    );
    let output = tokio::task::spawn_blocking(move || {
        kiosk(
            &dir.path().join("data"),
            &["--config", config.to_str().unwrap(), "doctor"],
        )
        .output()
        .unwrap()
    })
    .await
    .unwrap();
    let doctor = String::from_utf8_lossy(&output.stdout);
    let login = doctor.lines().find(|l| l.contains(" login ")).unwrap_or_default();
    assert!(
        login.starts_with("FAIL") && login.contains("proxy or load balancer"),
        "{doctor}"
    );
}

/// A server's web front that answers an ended session with a redirect to its login
/// page, or with the login page itself: the kiosk signs in again and carries on, as it
/// does on a 401; any other web page where data was expected is a clear error.
#[tokio::test]
async fn a_login_page_or_a_redirect_to_one_signs_in_again() {
    for answer in [SignedOutAnswer::Redirect, SignedOutAnswer::LoginPage] {
        let mut scenario = quick_scenario();
        scenario.faults.session_expiry_after = Some(3);
        scenario.faults.signed_out_answer = answer;
        let sim = start_sim(scenario).await;
        let client = logged_in(&sim).await;
        for _ in 0..3 {
            fill_basket(&client, &["SCK-030"]).await;
            let done = run_checkout(&client, &Choices::pay("pay_later"), &mut |_| {})
                .await
                .unwrap_or_else(|e| panic!("{answer:?}: {e}"));
            assert!(done.order.is_some(), "{answer:?}");
        }
    }
    // A captive portal or a maintenance page: a web page, said as such.
    let page = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = page.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in page.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 30\r\nConnection: close\r\n\r\n<h1>Down for maintenance</h1>\n",
            );
        }
    });
    let error = client_at(&format!("http://{addr}/"), Duration::from_secs(2))
        .login(EMAIL, PASSWORD)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("a web page came where data was expected"),
        "{error}"
    );
}

/// Every link of the server names an internal address this device cannot reach, a
/// service page included: the hand-off finds the page on the configured server (its
/// path and query there), the customer's phone is given that address, and the order
/// placed is read back through its page on the configured server too.
#[tokio::test]
async fn a_service_page_named_by_an_unreachable_internal_address_is_found_on_the_server() {
    let sim = start_sim(quick_scenario()).await;
    sim.world().scenario.faults.links_origin = Some("http://commerce-internal.invalid:8000".into());
    let client = logged_in(&sim).await;
    fill_basket(&client, &["SCK-030"]).await;
    let choices = Choices {
        service: approve(),
        wait_limit: Duration::from_secs(20),
        ..Choices::pay("redirection")
    };
    let mut shown = Vec::new();
    let done = run_checkout(&client, &choices, &mut |event| {
        if let instore_kiosk::checkout::Event::Service { url } = event {
            shown.push(url);
        }
    })
    .await
    .expect("paid at the service page, found on the server");
    assert_eq!(shown.len(), 1);
    assert!(shown[0].starts_with(&sim.url()), "the phone is given {}", shown[0]);
    let order = done.order.expect("read back through its page on the configured server");
    assert_eq!(order.amount, catalog_price("SCK-030"));
}
