//! The status endpoint a fleet's Prometheus scrapes: real HTTP on loopback, the facts
//! from the updates a screen is sent and from a real SQLite file.

mod common;

use instore_kiosk::devices::printer::{Problem, Report};
use instore_kiosk::status::{self, Shared};
use instore_kiosk::ui::metrics;
use instore_kiosk::ui::view::{Paid, Update, View};
use std::sync::{Arc, Mutex};

fn metric(text: &str, name: &str) -> Option<String> {
    text.lines()
        .find(|l| !l.starts_with('#') && l.starts_with(name))
        .and_then(|l| l.rsplit(' ').next())
        .map(str::to_string)
}

#[tokio::test]
async fn metrics_say_the_queue_the_printer_and_the_last_sale() {
    let data = tempfile::tempdir().unwrap();
    let references: Vec<String> = (0..2).map(|_| common::queue_socks_sale(data.path())).collect();
    // One of them cannot be confirmed: its lookup failed although the server answered.
    {
        use instore_kiosk::offline::queue;
        let mut store = instore_kiosk::offline::Store::open(data.path()).unwrap();
        queue::claim(&mut store, &references[0]).unwrap();
        queue::record(
            &mut store,
            &references[0],
            queue::State::Sending,
            "lookup-failed",
            Some("HTTP 500"),
            None,
        )
        .unwrap();
    }
    let facts = Shared::default();
    // What the screen is told passes through the status endpoint's watch.
    let shown = Arc::new(Mutex::new(0));
    let counted = shown.clone();
    let sink = metrics::watching(Arc::new(move |_| *counted.lock().unwrap() += 1), facts.clone());
    sink(Update::Printer(Report {
        problem: Some(Problem::PaperOut),
        waiting: 1,
    }));
    sink(Update::Show(View::ThankYou {
        order_number: "1".into(),
        amount: "1".into(),
        method: String::new(),
        reset_in: 15,
        pending: false,
        paid: Paid::default(),
        receipt: None,
    }));
    sink(Update::Queue {
        waiting: 2,
        line_down: false,
        store_problem: String::new(),
        line_problem: instore_kiosk::ui::LineProblem::Unreachable,
        stuck: 1,
        clock_skew_minutes: -5,
    });
    sink(Update::StaffCalled(true));
    assert_eq!(*shown.lock().unwrap(), 4, "the screen still gets every update");

    let stuck = instore_kiosk::offline::queue::StuckRule {
        after: std::time::Duration::from_secs(900),
        lookups: 1,
    };
    let bound = status::serve(
        "127.0.0.1:0".parse().unwrap(),
        facts,
        Some(data.path().to_path_buf()),
        stuck,
    )
    .await
    .unwrap();
    let text = reqwest::get(format!("http://{bound}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        metric(&text, "instore_queue_waiting_orders").as_deref(),
        Some("2"),
        "{text}"
    );
    assert_eq!(
        metric(&text, "instore_queue_waiting_amount_try").as_deref(),
        Some("239.98"),
        "{text}"
    );
    assert_eq!(
        metric(&text, "instore_printer_ok{problem=\"paper_out\"}").as_deref(),
        Some("0"),
        "{text}"
    );
    assert_eq!(metric(&text, "instore_line_up").as_deref(), Some("1"));
    assert_eq!(metric(&text, "instore_queue_stuck").as_deref(), Some("1"), "{text}");
    assert_eq!(
        metric(&text, "instore_staff_called").as_deref(),
        Some("1"),
        "a customer waits for staff"
    );
    assert_eq!(
        metric(&text, "instore_clock_skew_seconds").as_deref(),
        Some("-300"),
        "{text}"
    );
    let last: u64 = metric(&text, "instore_last_sale_timestamp_seconds")
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(now - last < 60, "the sale just now");
    assert!(text.contains(&format!(
        "instore_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    )));
}

#[test]
fn the_status_endpoint_listens_only_on_loopback() {
    let mut settings = instore_kiosk::settings::Settings::default();
    settings.status.listen = Some("0.0.0.0:9464".into());
    assert!(settings
        .status
        .address()
        .unwrap_err()
        .contains("not a loopback address"));
    settings.status.listen = Some("127.0.0.1:9464".into());
    assert!(settings.status.address().unwrap().is_some());
    settings.status.listen = None;
    assert_eq!(settings.status.address().unwrap(), None, "off by default");
}
