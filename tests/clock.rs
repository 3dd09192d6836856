//! A device whose clock is years off. The kiosk corrects it by the commerce server's
//! time, once for the process (`commerce/clock.rs`), so these checks have a test
//! binary of their own and run in one test, one after the other.

#[path = "common/mod.rs"]
mod common;
#[path = "ui/harness.rs"]
#[allow(dead_code)]
mod harness;

use common::*;
use instore_kiosk::commerce::clock;
use instore_kiosk::offline::queue::{self, Limits, State};
use instore_kiosk::offline::{replay, Store};

const THREE_YEARS: i64 = 3 * 365 * 24 * 3600;

/// The device's clock runs three years ahead of the server's: the kiosk says so (the
/// staff's banner, `doctor`), dates a queued order by the server's time, and the
/// lookup that keeps it from being placed twice still finds it on a later page.
#[test]
fn a_clock_years_off_is_said_and_no_order_is_dated_by_it() {
    let runtime = harness::runtime();
    let mut scenario = quick_scenario();
    scenario.faults.clock_offset_seconds = -THREE_YEARS;
    let sim = runtime.block_on(start_sim(scenario));
    sim.world().restock(100);
    assert_eq!(clock::skew(), None, "nothing is known before the server answers");
    let client = runtime.block_on(logged_in(&sim));
    let skew = clock::skew().expect("the server's Date disagrees");
    assert!(
        (skew + chrono::Duration::seconds(THREE_YEARS)).num_seconds().abs() < 60,
        "{skew:?}"
    );
    assert!(
        clock::describe(skew).starts_with("3 years"),
        "{}",
        clock::describe(skew)
    );

    // A queued order is dated as the server dates its orders.
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let limits = Limits::from(&instore_kiosk::settings::Settings::default().offline);
    let reference = queue::enqueue(&mut store, &socks(), &limits).unwrap().reference;
    let order = queue::show(&store, &reference).unwrap().unwrap();
    let created = chrono::DateTime::parse_from_rfc3339(&order.created_at).unwrap();
    let server_now = sim.world().now();
    assert!(
        (server_now - created.with_timezone(&chrono::Utc)).num_seconds().abs() < 60,
        "dated {created}, the server says {server_now}"
    );
    assert!(
        reference.starts_with(&format!("K{}", server_now.format("%Y%m%d"))),
        "{reference}"
    );

    // Placed by an attempt whose answer was lost, with 25 orders after it: the lookup
    // reads back past it by the server's dates and finds it.
    queue::record(&mut store, &reference, State::Sending, "attempt", None, None).unwrap();
    runtime.block_on(async {
        let note = instore_kiosk::checkout::Choices {
            notes: Some(reference.clone()),
            ..instore_kiosk::checkout::Choices::pay("pay_later")
        };
        fill_basket(&client, &["SCK-030"]).await;
        instore_kiosk::checkout::run_checkout(&client, &note, &mut |_| {})
            .await
            .unwrap();
        for _ in 0..25 {
            fill_basket(&client, &["SCK-030"]).await;
            let pay_later = instore_kiosk::checkout::Choices::pay("pay_later");
            instore_kiosk::checkout::run_checkout(&client, &pay_later, &mut |_| {})
                .await
                .unwrap();
        }
        let report = replay::drain(&client, &mut store, money("5")).await.unwrap();
        assert_eq!(report.waiting, 0, "{:?}", report.outcomes);
    });
    let placed = sim
        .world()
        .all_orders()
        .iter()
        .filter(|o| o.notes.as_deref() == Some(reference.as_str()))
        .count();
    assert_eq!(placed, 1, "found, not placed again");

    // `doctor` (a process of its own, which learns the skew from its own sign-in).
    let data = tempfile::tempdir().unwrap();
    let settings = data.path().join("settings.toml");
    std::fs::write(
        &settings,
        format!(
            "[commerce]\nurl = \"{}\"\nemail = \"{EMAIL}\"\npassword = \"{PASSWORD}\"\n",
            sim.url()
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&settings, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_instore-kiosk"))
        .arg("--config")
        .arg(&settings)
        .arg("--data-dir")
        .arg(data.path().join("data"))
        .arg("doctor")
        .env("INSTORE_LOG", "error")
        .output()
        .unwrap();
    let doctor = String::from_utf8_lossy(&output.stdout);
    let line = doctor.lines().find(|l| l.contains("server clock")).unwrap_or_default();
    assert!(
        line.starts_with("FAIL") && line.contains("3 years") && line.contains("ahead of"),
        "{doctor}"
    );

    // The clerk's screen says it.
    let kiosk = harness::Kiosk::launch_with(
        runtime,
        harness::settings_for(Some(sim.url())),
        Some(data.path().join("kiosk")),
    );
    kiosk.wait("the clock's warning", |w| {
        use slint::ComponentHandle;
        w.global::<instore_kiosk::ui::KioskAdapter>().get_clock_skew_minutes() > 365 * 24 * 60
    });
    let banner = kiosk.text("AttentionBanner::attention");
    assert!(
        banner.contains("days off") && banner.contains("dated by the server's time"),
        "{banner}"
    );
}

fn socks() -> queue::NewOrder {
    queue::NewOrder {
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
            unit_price: money("119.99"),
        }],
    }
}
