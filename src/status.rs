//! The kiosk's status for a fleet's monitoring: Prometheus text metrics on a
//! loopback-only address (`[status] listen`, off by default), so the Prometheus and
//! alerting a store chain already runs see every device.
//!
//! The facts come from two places: what the screen is told (the printer's state, the
//! line, the last sale, the clock), noted as it passes by `crate::ui::metrics`; and the
//! kiosk's database, read at each scrape (the queue, stuck orders, print jobs, the
//! catalog copy's age).

use crate::offline::queue::StuckRule;
use axum::routing::get;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// What the screen has been told, kept for the next scrape.
#[derive(Debug, Default, Clone)]
pub struct Facts {
    pub last_sale: Option<SystemTime>,
    /// The printer's problem by name, `None` when it prints (or no report yet).
    pub printer_problem: Option<&'static str>,
    pub printer_reported: bool,
    pub line_down: bool,
    /// When a customer called staff, while nobody has come.
    pub staff_called: Option<SystemTime>,
    /// The device's clock less the server's, in minutes (0 while they agree).
    pub clock_skew_minutes: i32,
}

pub type Shared = Arc<Mutex<Facts>>;

/// The metrics, in Prometheus's text format.
pub fn render(facts: &Facts, data_dir: Option<&std::path::Path>, stuck: &StuckRule) -> String {
    let mut out = String::new();
    let mut gauge = |name: &str, help: &str, labels: &str, value: String| {
        out.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name}{labels} {value}\n"
        ));
    };
    gauge(
        "instore_build_info",
        "The kiosk's version.",
        &format!("{{version=\"{}\"}}", env!("CARGO_PKG_VERSION")),
        "1".into(),
    );
    gauge(
        "instore_line_up",
        "1 while the commerce server answers, 0 while the kiosk sells offline.",
        "",
        if facts.line_down { "0" } else { "1" }.into(),
    );
    gauge(
        "instore_clock_skew_seconds",
        "How far the device's clock is behind the server's (negative: ahead); 0 within a minute.",
        "",
        (i64::from(facts.clock_skew_minutes) * 60).to_string(),
    );
    gauge(
        "instore_staff_called",
        "1 while a customer at this kiosk waits for staff (the Call staff button).",
        "",
        if facts.staff_called.is_some() { "1" } else { "0" }.into(),
    );
    if let Some(at) = facts
        .last_sale
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
    {
        gauge(
            "instore_last_sale_timestamp_seconds",
            "When the last sale ended on the thank-you screen.",
            "",
            at.as_secs().to_string(),
        );
    }
    if facts.printer_reported {
        gauge(
            "instore_printer_ok",
            "1 while the receipt printer can print; the label names what stops it.",
            &format!("{{problem=\"{}\"}}", facts.printer_problem.unwrap_or("none")),
            if facts.printer_problem.is_none() { "1" } else { "0" }.into(),
        );
    }
    let store = data_dir.and_then(|dir| crate::offline::Store::open(dir).ok());
    let Some(store) = store else {
        gauge(
            "instore_database_ok",
            "1 when the kiosk's database opens.",
            "",
            "0".into(),
        );
        return out;
    };
    gauge(
        "instore_database_ok",
        "1 when the kiosk's database opens.",
        "",
        "1".into(),
    );
    if let Ok((count, amount)) = crate::offline::queue::waiting(&store) {
        gauge(
            "instore_queue_waiting_orders",
            "Orders taken offline and not sent yet.",
            "",
            count.to_string(),
        );
        gauge(
            "instore_queue_waiting_amount_try",
            "Their amount, in Turkish lira.",
            "",
            amount.to_string(),
        );
    }
    if let Ok(orders) = crate::offline::queue::stuck(&store, stuck) {
        gauge(
            "instore_queue_stuck",
            "Offline orders the server has neither confirmed nor refuted for too long: call support.",
            "",
            orders.len().to_string(),
        );
    }
    if let Ok(page) = crate::offline::queue::page(&store, 0, 1) {
        gauge(
            "instore_queue_set_aside_orders",
            "Offline orders the server refused, waiting for a clerk.",
            "",
            page.set_aside.to_string(),
        );
    }
    if let Ok(jobs) = crate::devices::printer::waiting(&store) {
        gauge(
            "instore_print_jobs_waiting",
            "Receipts not printed yet.",
            "",
            jobs.to_string(),
        );
    }
    if let Ok((products, Some(synced))) = crate::offline::catalog::summary(&store) {
        if let Ok(at) = chrono::DateTime::parse_from_rfc3339(&synced) {
            let age = chrono::Utc::now().signed_duration_since(at).num_seconds().max(0);
            gauge(
                "instore_catalog_age_seconds",
                "How old the local catalog copy is.",
                "",
                age.to_string(),
            );
            gauge(
                "instore_catalog_products",
                "Products in the local catalog copy.",
                "",
                products.to_string(),
            );
        }
    }
    out
}

/// Serves `GET /metrics` on `listen` (loopback only: settings refuse anything else).
/// Returns the address bound, for a port 0 in tests.
pub async fn serve(
    listen: SocketAddr,
    facts: Shared,
    data_dir: Option<PathBuf>,
    stuck: StuckRule,
) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let bound = listener.local_addr()?;
    let app = axum::Router::new().route(
        "/metrics",
        get(move || {
            let (facts, dir, stuck) = (facts.clone(), data_dir.clone(), stuck.clone());
            async move {
                // SQLite reads block: off the async workers.
                let text = tokio::task::spawn_blocking(move || {
                    let facts = facts.lock().map(|f| f.clone()).unwrap_or_default();
                    render(&facts, dir.as_deref(), &stuck)
                })
                .await
                .unwrap_or_default();
                ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
            }
        }),
    );
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!(error = %e, "the status endpoint stopped");
        }
    });
    tracing::info!(address = %bound, "status endpoint: GET /metrics");
    Ok(bound)
}
