//! The offline queue: real SQLite files, the real client, the simulator over real HTTP,
//! and the command line in child processes, some killed with SIGKILL mid-work.

mod common;

use common::*;
use instore_kiosk::offline::queue::{self, Limits, NewOrder, QueuedLine, State};
use instore_kiosk::offline::replay::{self, Outcome};
use instore_kiosk::offline::{catalog, Store};
use instore_kiosk::sim::{OptionSpec, Scenario, Simulator};
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_instore-kiosk");

fn limits() -> Limits {
    Limits {
        max_order_amount: money("5000"),
        max_waiting_amount: money("20000"),
        max_waiting_count: 500,
        max_age: Duration::from_secs(3600),
    }
}

fn socks_order(payment_type: &str, quantity: u32) -> NewOrder {
    NewOrder {
        payment_type: payment_type.into(),
        option_name: None,
        choice: None,
        contact: None,
        customer: None,
        lines: vec![QueuedLine {
            product: "105".into(),
            code: "SCK-030".into(),
            name: "Çorap 3'lü Paket".into(),
            quantity,
            unit_price: money("119.99"),
        }],
    }
}

/// Server orders by their note (the queue's reference).
fn server_orders_by_note(sim: &Simulator) -> HashMap<String, Vec<String>> {
    let mut by_note: HashMap<String, Vec<String>> = HashMap::new();
    for order in sim.world().all_orders() {
        by_note
            .entry(order.notes.clone().unwrap_or_default())
            .or_default()
            .push(order.number.clone());
    }
    by_note
}

#[test]
fn limits_refuse_an_offline_sale_with_a_clear_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let tight = Limits {
        max_order_amount: money("300"),
        max_waiting_amount: money("500"),
        max_waiting_count: 3,
        ..limits()
    };
    let refused = |r: Result<_, queue::QueueError>| match r {
        Err(queue::QueueError::Refused(why)) => why.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    };
    let why = refused(queue::enqueue(&mut store, &socks_order("pay_later", 3), &tight));
    assert!(why.contains("359,97 ₺") && why.contains("300,00 ₺"), "{why}");
    queue::enqueue(&mut store, &socks_order("pay_later", 2), &tight).unwrap();
    queue::enqueue(&mut store, &socks_order("pay_later", 1), &tight).unwrap();
    let why = refused(queue::enqueue(&mut store, &socks_order("pay_later", 2), &tight));
    assert!(why.contains("599,95 ₺"), "the waiting total is named: {why}");
    queue::enqueue(&mut store, &socks_order("pay_later", 1), &tight).unwrap();
    let why = refused(queue::enqueue(&mut store, &socks_order("pay_later", 1), &tight));
    assert!(why.contains("3 orders are already waiting"), "{why}");
    let old = Limits {
        max_age: Duration::ZERO,
        ..limits()
    };
    std::thread::sleep(Duration::from_millis(1100));
    let why = refused(queue::enqueue(&mut store, &socks_order("pay_later", 1), &old));
    assert!(why.contains("has waited"), "{why}");
    assert_eq!(queue::list(&store).unwrap().len(), 3, "refused sales are not kept");
}

#[tokio::test]
async fn an_order_that_cannot_be_sent_as_sold_is_set_aside_then_retried() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let mut scenario = quick_scenario();
    scenario.options.retain(|o| o.payment_type != "pay_later");
    let sim = start_sim(scenario).await;
    let client = logged_in(&sim).await;
    let gone = queue::enqueue(&mut store, &socks_order("pay_later", 1), &limits()).unwrap();
    let pricey = queue::enqueue(&mut store, &socks_order("pay_on_delivery", 1), &limits()).unwrap();
    sim.world().set_price("SCK-030", money("149.99"));

    let report = replay::drain(&client, &mut store, money("5")).await.unwrap();
    assert_eq!(report.waiting, 0);
    assert_eq!(report.set_aside, 2);
    let gone = queue::show(&store, &gone.reference).unwrap().unwrap();
    assert_eq!(gone.state, State::SetAside);
    // The price check runs first; restore the price to reach the option check.
    assert!(gone
        .reason
        .unwrap()
        .contains("price of Çorap 3'lü Paket changed from 119,99 ₺ to 149,99 ₺"));
    sim.world().set_price("SCK-030", money("119.99"));
    queue::record(&mut store, &gone.reference, State::Waiting, "retry", None, None).unwrap();
    let outcome = replay::replay_one(&client, &mut store, &gone.reference, money("5"))
        .await
        .unwrap();
    assert!(
        matches!(outcome, Outcome::SetAside { ref reason } if reason.contains("pay_later is no longer offered")),
        "{outcome:?}"
    );

    // Pay on delivery is still offered: retried at the old price, it goes through.
    queue::record(&mut store, &pricey.reference, State::Waiting, "retry", None, None).unwrap();
    let outcome = replay::replay_one(&client, &mut store, &pricey.reference, money("5"))
        .await
        .unwrap();
    let Outcome::Sent { number } = outcome else {
        panic!("not sent: {outcome:?}")
    };
    assert_eq!(server_orders_by_note(&sim)[&pricey.reference], vec![number]);
    let steps: Vec<String> = queue::journal(&store, &pricey.reference)
        .unwrap()
        .into_iter()
        .map(|e| e.step)
        .collect();
    assert_eq!(steps.first().map(String::as_str), Some("queued"));
    assert!(
        steps.contains(&"set-aside".to_string()) && steps.last().map(String::as_str) == Some("sent"),
        "{steps:?}"
    );
}

#[tokio::test]
async fn lost_answers_never_make_a_second_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let mut scenario = quick_scenario();
    // A seed whose lost answers include one after an order was placed (asserted below).
    scenario.seed = 12;
    let sim = start_sim(scenario).await;
    let client = client_for(&sim, Duration::from_secs(1));
    client.login(EMAIL, PASSWORD).await.unwrap();
    let mut references = Vec::new();
    for _ in 0..8 {
        references.push(
            queue::enqueue(&mut store, &socks_order("pay_later", 1), &limits())
                .unwrap()
                .reference,
        );
    }
    // One answer in six is lost after the server acted on the request.
    sim.world().scenario.faults.lose_answer_rate = 0.15;
    for _ in 0..200 {
        let report = replay::drain(&client, &mut store, money("5")).await.unwrap();
        if report.waiting == 0 {
            break;
        }
        // An order whose answer was lost is looked up once the server's time to answer
        // (the client's 1 s timeout) has passed.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    sim.world().scenario.faults.lose_answer_rate = 0.0;
    let by_note = server_orders_by_note(&sim);
    for reference in &references {
        let order = queue::show(&store, reference).unwrap().unwrap();
        assert_eq!(order.state, State::Sent, "{reference}");
        assert_eq!(
            by_note.get(reference).map(Vec::len),
            Some(1),
            "{reference} is on the server exactly once"
        );
        assert_eq!(by_note[reference][0], order.order_number.unwrap());
    }
    assert_eq!(
        sim.world().all_orders().len(),
        references.len(),
        "no order without a reference"
    );
    // At least one order was placed with its answer lost, then found by its reference.
    let found = references
        .iter()
        .any(|r| queue::journal(&store, r).unwrap().iter().any(|e| e.step == "found"));
    assert!(found, "the lost-answer path was exercised");
}

/// An order whose answer was lost may be far down a busy account's order list: the
/// lookup reads the pages the server gives (`next`) until it finds it, and the order
/// is not placed a second time.
#[tokio::test]
async fn an_attempted_order_is_found_on_a_later_page_of_a_busy_account() {
    use instore_kiosk::checkout::{run_checkout, Choices};
    let sim = start_sim(quick_scenario()).await;
    sim.world().restock(100);
    let client = logged_in(&sim).await;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let reference = queue::enqueue(&mut store, &socks_order("pay_later", 1), &limits())
        .unwrap()
        .reference;
    // An attempt placed it on the server, with the reference in its note, and its
    // answer was lost; the account then sold 25 more orders.
    queue::record(&mut store, &reference, State::Sending, "attempt", None, None).unwrap();
    let with_note = Choices {
        notes: Some(reference.clone()),
        ..Choices::pay("pay_later")
    };
    fill_basket(&client, &["SCK-030"]).await;
    run_checkout(&client, &with_note, &mut |_| {}).await.unwrap();
    for _ in 0..25 {
        fill_basket(&client, &["SCK-030"]).await;
        run_checkout(&client, &Choices::pay("pay_later"), &mut |_| {})
            .await
            .unwrap();
    }
    let first_page = client.orders().await.unwrap();
    assert_eq!(first_page.len(), 10, "the server pages its order list");
    assert!(!first_page
        .iter()
        .any(|o| o.notes.as_deref().is_some_and(|n| n.contains(&reference))));

    let report = replay::drain(&client, &mut store, money("5")).await.unwrap();
    assert_eq!(report.waiting, 0);
    let order = queue::show(&store, &reference).unwrap().unwrap();
    assert_eq!(order.state, State::Sent);
    let by_note = server_orders_by_note(&sim);
    assert_eq!(by_note[&reference].len(), 1, "placed once");
    assert_eq!(order.order_number.as_deref(), Some(by_note[&reference][0].as_str()));
    assert!(queue::journal(&store, &reference)
        .unwrap()
        .iter()
        .any(|e| e.step == "found"));
    assert_eq!(sim.world().all_orders().len(), 26);
}

/// A replay that stops (here: the strategy is no longer offered) leaves the account's
/// basket empty, so the next sale on that account does not start with its items.
#[tokio::test]
async fn a_replay_that_stops_leaves_the_basket_empty() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let mut scenario = quick_scenario();
    scenario.options.retain(|o| o.payment_type != "pay_later");
    let sim = start_sim(scenario).await;
    let client = logged_in(&sim).await;
    queue::enqueue(&mut store, &socks_order("pay_later", 2), &limits()).unwrap();
    let report = replay::drain(&client, &mut store, money("5")).await.unwrap();
    assert_eq!(report.set_aside, 1);
    assert!(
        client.basket().await.unwrap().basketitem_set.is_empty(),
        "the basket holds the order's items"
    );
}

/// One order the server answers badly must not hold up the rest of the queue: only a
/// failure of the line or the account stops a drain. Every order still reaches the
/// server exactly once.
#[tokio::test]
async fn a_bad_answer_for_one_order_does_not_stall_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let sim = start_sim(quick_scenario()).await;
    let client = client_for(&sim, Duration::from_millis(300));
    client.login(EMAIL, PASSWORD).await.unwrap();
    let references: Vec<String> = (0..3)
        .map(|_| {
            queue::enqueue(&mut store, &socks_order("pay_later", 1), &limits())
                .unwrap()
                .reference
        })
        .collect();
    sim.world().scenario.faults.malformed_rate = 1.0;
    let report = replay::drain(&client, &mut store, money("5")).await.unwrap();
    assert_eq!(report.outcomes.len(), 3, "every order was tried: {:?}", report.outcomes);
    sim.world().scenario.faults.malformed_rate = 0.0;
    // A bad answer may hide a placed order: each is looked up after the 300 ms timeout.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let report = replay::drain(&client, &mut store, money("5")).await.unwrap();
    assert_eq!(report.waiting, 0, "{:?}", report.outcomes);
    let by_note = server_orders_by_note(&sim);
    for reference in &references {
        assert_eq!(by_note.get(reference).map(Vec::len), Some(1), "{reference} once");
    }
}

/// While one process drives the account's basket (the kiosk selling), `queue drain`
/// from a shell says who holds it and sends nothing; once it is free, the order goes.
#[test]
fn a_second_drainer_is_told_who_holds_the_account_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(start_sim(quick_scenario()));
    let url = sim.url();
    let mut store = Store::open(&data).unwrap();
    let reference = queue::enqueue(&mut store, &socks_order("pay_later", 1), &limits())
        .unwrap()
        .reference;
    let server = ["--commerce-url", url.as_str(), "--email", EMAIL, "--password", PASSWORD];

    let held = instore_kiosk::offline::lock::lock_account(&data, "the kiosk").unwrap();
    let output = kiosk(&data, &["queue", "drain"]).args(server).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("the kiosk (pid") && stderr.contains("account.lock"),
        "{stderr}"
    );
    assert!(sim.world().all_orders().is_empty(), "nothing was sent");
    assert_eq!(queue::show(&store, &reference).unwrap().unwrap().attempts, 0);

    drop(held);
    let output = kiosk(&data, &["queue", "drain"]).args(server).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(server_orders_by_note(&sim)[&reference].len(), 1);
}

/// Two processes taking orders at once cannot both take the last place the limits
/// allow: the check and the insert are one transaction.
#[test]
fn two_writers_never_pass_the_queue_limits_together() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).unwrap());
    let tight = Limits {
        max_waiting_count: 6,
        ..limits()
    };
    let writers: Vec<_> = (0..3)
        .map(|_| {
            let (path, tight) = (dir.path().to_path_buf(), tight.clone());
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                (0..6)
                    .filter(|_| queue::enqueue(&mut store, &socks_order("pay_later", 1), &tight).is_ok())
                    .count()
            })
        })
        .collect();
    let taken: usize = writers.into_iter().map(|w| w.join().unwrap()).sum();
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(queue::waiting(&store).unwrap().0, 6);
    assert_eq!(taken, 6);
}

/// A step the server completes after the client gave up: the next drain must not look
/// (and post again) while the server may still be acting; once the server's time to
/// answer has passed, the order is found and recorded, never sent twice.
#[tokio::test]
async fn a_step_answered_after_the_client_gave_up_is_looked_up_before_any_new_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let sim = start_sim(quick_scenario()).await;
    let client = client_for(&sim, Duration::from_millis(800));
    client.login(EMAIL, PASSWORD).await.unwrap();
    let reference = queue::enqueue(&mut store, &socks_order("pay_later", 1), &limits())
        .unwrap()
        .reference;
    {
        let mut world = sim.world();
        world.scenario.faults.late_page = Some("PayLaterCompletePage".into());
        world.scenario.faults.late_ms = 1_200;
    }
    let report = replay::drain(&client, &mut store, money("5")).await.unwrap();
    assert!(
        matches!(&report.outcomes[..], [(_, Outcome::Failed { error })] if error.may_have_been_processed()),
        "{:?}",
        report.outcomes
    );
    sim.world().scenario.faults.late_page = None;

    // At once, as the kiosk's next tick would: the server is still at it.
    let report = replay::drain(&client, &mut store, money("5")).await.unwrap();
    assert!(
        matches!(&report.outcomes[..], [(_, Outcome::Settling { .. })]),
        "{:?}",
        report.outcomes
    );
    let attempts = |store: &Store| {
        queue::journal(store, &reference)
            .unwrap()
            .iter()
            .filter(|e| e.step == "attempt")
            .count()
    };
    assert_eq!(
        attempts(&store),
        1,
        "not attempted again while the server may be acting"
    );

    // Once the server's time to answer has passed: looked up first, then (the late step
    // found the basket emptied after the stopped attempt, and placed nothing) sent.
    tokio::time::sleep(Duration::from_millis(900)).await;
    let report = replay::drain(&client, &mut store, money("5")).await.unwrap();
    assert_eq!(report.waiting, 0, "{:?}", report.outcomes);
    let order = queue::show(&store, &reference).unwrap().unwrap();
    assert_eq!(
        server_orders_by_note(&sim)[&reference],
        vec![order.order_number.unwrap()],
        "placed once"
    );
    let steps: Vec<String> = queue::journal(&store, &reference)
        .unwrap()
        .into_iter()
        .map(|e| e.step)
        .collect();
    let unanswered = steps.iter().position(|s| s == "unanswered").unwrap();
    assert_eq!(
        steps[unanswered + 1],
        "not-found",
        "looked up before any new attempt: {steps:?}"
    );
}

/// Sent orders past the retention period leave the queue with their journal; waiting
/// and set-aside orders stay, however old.
#[test]
fn sent_orders_past_their_retention_are_pruned_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let mut take = || {
        queue::enqueue(&mut store, &socks_order("pay_later", 1), &limits())
            .unwrap()
            .reference
    };
    let (old_sent, new_sent, old_waiting, old_aside) = (take(), take(), take(), take());
    queue::record(&mut store, &old_sent, State::Sent, "sent", Some("1001"), Some("1001")).unwrap();
    queue::record(&mut store, &new_sent, State::Sent, "sent", Some("1002"), Some("1002")).unwrap();
    queue::set_aside(
        &mut store,
        &old_aside,
        &queue::SetAsideReason::Other {
            detail: "a clerk looks".into(),
        },
    )
    .unwrap();
    let long_ago = (chrono::Utc::now() - chrono::Duration::days(40)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    store
        .write(|tx| {
            for reference in [&old_sent, &old_waiting, &old_aside] {
                tx.execute(
                    "UPDATE orders SET created_at = ?2, updated_at = ?2 WHERE reference = ?1",
                    rusqlite::params![reference, long_ago],
                )?;
            }
            Ok(())
        })
        .unwrap();

    let removed = queue::prune_sent(&mut store, Duration::from_secs(30 * 24 * 3600)).unwrap();
    assert_eq!(removed, 1);
    let left: Vec<String> = queue::list(&store).unwrap().into_iter().map(|o| o.reference).collect();
    assert!(!left.contains(&old_sent));
    for kept in [&new_sent, &old_waiting, &old_aside] {
        assert!(left.contains(kept), "{kept} was removed");
    }
    assert!(
        queue::journal(&store, &old_sent).unwrap().is_empty(),
        "its journal went too"
    );
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

#[test]
fn sales_taken_offline_reach_the_server_once_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(start_sim(quick_scenario()));
    let (addr, url) = (sim.addr(), sim.url());
    let server = ["--commerce-url", url.as_str(), "--email", EMAIL, "--password", PASSWORD];
    assert!(kiosk(&data, &["catalog", "sync"])
        .args(server)
        .output()
        .unwrap()
        .status
        .success());
    runtime.block_on(sim.stop());

    let mut references = Vec::new();
    for (code, pay) in [("SCK-030", "pay_later"), ("8690000010035", "pay_on_delivery")] {
        let output = kiosk(
            &data,
            &[
                "checkout",
                "--scan",
                code,
                "--pay",
                pay,
                "--contact",
                "+90 555 000 11 22",
            ],
        )
        .args(server)
        .output()
        .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}");
        assert!(stdout.contains("taking the order offline"), "{stdout}");
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
    // A card-free strategy only: the cash register needs the register's network.
    let output = kiosk(&data, &["checkout", "--scan", "SCK-030", "--pay", "cash_register"])
        .args(server)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    // While the server is away, a drain says how many wait and fails.
    let output = kiosk(&data, &["queue", "drain"]).args(server).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("2 orders wait"));

    let sim = runtime.block_on(Simulator::start(Scenario::default(), addr)).unwrap();
    let output = kiosk(&data, &["queue", "drain"]).args(server).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("0 waiting, 0 set aside"));
    let by_note = server_orders_by_note(&sim);
    for reference in &references {
        assert_eq!(by_note.get(reference).map(Vec::len), Some(1), "{reference}");
    }
    let listed = kiosk(&data, &["queue", "list", "--json"]).output().unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(
        listed[0]["contact"], "+90 555 000 11 22",
        "the customer's contact is kept"
    );
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["state"] == "sent" && o["order_number"].is_string()));
}

#[test]
fn killed_at_random_points_the_queue_still_sends_every_accepted_order_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut scenario = Scenario {
        cash_register_poll_seconds: 1,
        ..Scenario::default()
    };
    scenario.options.push(OptionSpec {
        name: "Pay Later".into(),
        payment_type: "pay_later".into(),
        is_installment_active: false,
        agreement_required: false,
        otp_required: false,
    });
    // The server also loses answers after acting on them.
    scenario.faults.lose_answer_rate = 0.15;
    let sim = runtime.block_on(start_sim(scenario));
    let url = sim.url();
    // A short request timeout: an order whose answer was lost waits that long before
    // it is looked up.
    let config = dir.path().join("settings.toml");
    std::fs::write(&config, "[commerce]\nrequest_timeout_ms = 1000\n").unwrap();
    let config = config.to_str().unwrap().to_string();
    let server = [
        "--commerce-url",
        url.as_str(),
        "--email",
        EMAIL,
        "--password",
        PASSWORD,
        "--config",
        config.as_str(),
    ];
    sim.world().scenario.faults.lose_answer_rate = 0.0;
    assert!(kiosk(&data, &["catalog", "sync"])
        .args(server)
        .output()
        .unwrap()
        .status
        .success());
    sim.world().scenario.faults.lose_answer_rate = 0.15;

    let seed: u64 = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261127);
    println!("crash seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut printed = Vec::new();
    let mut kills = 0;
    for round in 0..60 {
        // A sale taken into the queue and a drain, each killed at a random moment.
        let mut sale = kiosk(
            &data,
            &["checkout", "--queue", "--scan", "SCK-030", "--pay", "pay_later"],
        )
        .args(server)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
        let mut drain = kiosk(&data, &["queue", "drain"])
            .args(server)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(0..120)));
        for child in [&mut sale, &mut drain] {
            if child.try_wait().unwrap().is_none() {
                child.kill().unwrap();
                kills += 1;
            }
        }
        let output = sale.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        if let Some(reference) = stdout.lines().find_map(|l| l.strip_prefix("queued ")) {
            printed.push(reference.to_string());
        }
        drain.wait().unwrap();
        if round % 10 == 9 {
            println!("round {round}: {kills} kills, {} sales acknowledged", printed.len());
        }
    }
    // Kill plain drains too until at least a hundred processes died mid-work.
    while kills < 100 {
        let mut drain = kiosk(&data, &["queue", "drain"])
            .args(server)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(0..150)));
        if drain.try_wait().unwrap().is_none() {
            drain.kill().unwrap();
            kills += 1;
        }
        drain.wait().unwrap();
    }
    println!("{kills} processes killed mid-work");

    // The line settles; drains run to the end.
    sim.world().scenario.faults.lose_answer_rate = 0.0;
    let mut drained = false;
    for _ in 0..20 {
        if kiosk(&data, &["queue", "drain"])
            .args(server)
            .output()
            .unwrap()
            .status
            .success()
        {
            drained = true;
            break;
        }
        // Orders whose last answer was lost wait out the 1 s request timeout.
        std::thread::sleep(Duration::from_millis(600));
    }
    let store = Store::open(&data).unwrap();
    let orders = queue::list(&store).unwrap();
    let by_note = server_orders_by_note(&sim);
    assert!(
        drained,
        "the queue did not empty: {:?}",
        orders
            .iter()
            .map(|o| (&o.reference, o.state, &o.reason))
            .collect::<Vec<_>>()
    );
    // Every sale the kiosk acknowledged was committed; every committed order is on the
    // server exactly once, under its reference; nothing is on the server twice or unasked.
    for reference in &printed {
        assert!(
            orders.iter().any(|o| &o.reference == reference),
            "acknowledged {reference} is not in the queue"
        );
    }
    for order in &orders {
        assert_eq!(order.state, State::Sent, "{} {:?}", order.reference, order.reason);
        assert_eq!(
            by_note.get(&order.reference).map(Vec::len),
            Some(1),
            "{} on the server",
            order.reference
        );
    }
    assert_eq!(sim.world().all_orders().len(), orders.len());
    assert!(orders.len() >= printed.len() && !printed.is_empty());
    let _ = catalog::summary(&store).unwrap();
}

/// A queued order is collected in the kiosk's own store (`kiosk.store`), and one sold
/// for a customer lands on the customer's account.
#[tokio::test]
async fn replay_collects_in_the_kiosks_store_and_on_the_customers_account() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    let own = queue::enqueue(&mut store, &socks_order("pay_later", 1), &limits()).unwrap();
    let for_ayse = NewOrder {
        contact: Some("Ayşe Yılmaz".into()),
        customer: Some("2".into()),
        ..socks_order("pay_later", 2)
    };
    let theirs = queue::enqueue(&mut store, &for_ayse, &limits()).unwrap();
    let policy = replay::Policy {
        tolerance_percent: money("5"),
        pickup_store: Some("INSTORE DEMO NIŞANTAŞI".into()),
    };
    let report = replay::drain(&client, &mut store, policy).await.unwrap();
    assert_eq!((report.waiting, report.set_aside), (0, 0), "{report:?}");
    let orders = sim.world().all_orders().to_vec();
    let by_note = |reference: &str| orders.iter().find(|o| o.notes.as_deref() == Some(reference)).unwrap();
    assert_eq!(by_note(&own.reference).email, EMAIL);
    assert_eq!(by_note(&theirs.reference).email, "ayse.yilmaz@example.com");
    for reference in [&own.reference, &theirs.reference] {
        assert_eq!(
            by_note(reference).delivery["retail_store"]["name"],
            "Instore Demo Nişantaşı",
            "the kiosk's store, not the server's first"
        );
    }
    // The kiosk's session stayed its own: its basket is empty and it still sees staff pages.
    assert!(client.basket().await.unwrap().basketitem_set.is_empty());
    assert!(client.search_customers("Demir").await.is_ok());
}

/// A customer's order replayed on their account leaves their own basket as it was: a
/// web shop basket is put back after the order, and the sale's own lines a kiosk left
/// there before a restart are not.
#[tokio::test]
async fn replay_for_a_customer_puts_their_own_basket_back() {
    const AYSE: &str = "ayse.yilmaz@example.com";
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    let for_ayse = |quantity| NewOrder {
        contact: Some("Ayşe Yılmaz".into()),
        customer: Some("2".into()),
        ..socks_order("pay_later", quantity)
    };
    // Her web basket: a cap.
    fill_web_basket(&sim, AYSE, &[("CAP-060", 1)]);
    let first = queue::enqueue(&mut store, &for_ayse(2), &limits()).unwrap();
    let report = replay::drain(&client, &mut store, money("5")).await.unwrap();
    assert_eq!((report.waiting, report.set_aside), (0, 0), "{report:?}");
    let orders = sim.world().all_orders().to_vec();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].items.len(), 1, "the socks only: {:?}", orders[0].items);
    assert_eq!(
        basket_on_sim(&sim, AYSE),
        [("CAP-060".to_string(), 1)],
        "her cap is back"
    );

    // A kiosk put the sale's socks in her basket, then restarted before the order: after
    // the replay her basket holds her cap, not socks she has now bought.
    sim.world().basket_clear(AYSE);
    fill_web_basket(&sim, AYSE, &[("CAP-060", 1), ("SCK-030", 3)]);
    let second = queue::enqueue(&mut store, &for_ayse(3), &limits()).unwrap();
    let report = replay::drain(&client, &mut store, money("5")).await.unwrap();
    assert_eq!((report.waiting, report.set_aside), (0, 0), "{report:?}");
    assert_eq!(sim.world().all_orders().len(), 2);
    assert_eq!(basket_on_sim(&sim, AYSE), [("CAP-060".to_string(), 1)]);
    assert_ne!(first.reference, second.reference);
}
