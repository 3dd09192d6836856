//! What the kiosk does with nobody's touch, at every tick: opens the queue's database,
//! looks at the line, refreshes the catalog copy and sends waiting orders while no sale
//! is in progress (replay rebuilds the account's basket, so it must never run under a
//! customer's sale). It reports what it found; the sale acts on it in `mod.rs`.
//!
//! Not here: how orders are sent (`crate::offline::replay`) or what a reconnect does to
//! the sale on screen.

use super::{Controller, Drain, Intent, Sale};
use crate::commerce::CommerceClient;
use crate::offline::remembered;
use crate::offline::replay::Outcome;
use crate::ui::view::Update;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// The pause before the next drain after one in which an order failed: the tick's own
/// at first, doubling to five minutes, back to none after a drain without a failure. A
/// server behind a proxy that answers 502/503 in bursts is asked less and less often,
/// never given up on.
#[derive(Debug, Default)]
pub(super) struct Backoff {
    pause: std::time::Duration,
    until: Option<Instant>,
}

impl Backoff {
    const LONGEST: std::time::Duration = std::time::Duration::from_secs(300);

    fn ready(&self) -> bool {
        self.until.is_none_or(|until| Instant::now() >= until)
    }

    fn failed(&mut self, first: std::time::Duration) {
        self.pause = (self.pause * 2).clamp(first, Self::LONGEST);
        self.until = Some(Instant::now() + self.pause);
        tracing::info!(
            pause_s = self.pause.as_secs_f32(),
            "queued orders are sent again after a pause"
        );
    }

    fn succeeded(&mut self) {
        *self = Backoff::default();
    }
}

/// What housekeeping found.
pub(super) enum Found {
    /// The kiosk has not signed in yet.
    SignedOut,
    /// The server answers.
    LineUp,
    /// The server still cannot be reached.
    LineDown,
}

impl Controller {
    pub(super) async fn housekeeping(&mut self) -> Found {
        self.open_store();
        self.prune();
        let Some(client) = self.client.clone() else {
            return Found::SignedOut;
        };
        let idle = self.is_idle();
        let waiting = self.waiting_orders();
        // A drain is the look at the line when one is due; otherwise a basket read is.
        let drain_due = waiting > 0 && idle && self.drain_backoff.ready();
        if self.line_down && !drain_due {
            self.line_down = match client.basket().await {
                Err(e) if e.is_connectivity() => {
                    self.line_problem = crate::ui::view::line_problem(&e);
                    true
                }
                _ => false,
            };
            if !self.line_down {
                // The line is back: waiting orders go now, not after the pause.
                self.drain_backoff.succeeded();
            }
        }
        let stale = self
            .catalog_synced
            .is_none_or(|at| at.elapsed() >= self.config.catalog_every);
        if stale && !self.line_down && self.catalog_refresh.is_none() {
            self.catalog_refresh = self.start_catalog_refresh(client.clone());
        }
        if drain_due && self.drain.is_none() {
            self.drain = self.start_drain(client);
        }
        if self.line_down {
            Found::LineDown
        } else {
            Found::LineUp
        }
    }

    /// Refreshes the catalog copy on a task of its own (up to 1,000 pages of catalog: a
    /// tap never waits behind it); its end comes back as `Intent::CatalogRefreshed`.
    fn start_catalog_refresh(&self, client: CommerceClient) -> Option<tokio::task::JoinHandle<()>> {
        let dir = self.config.data_dir.clone().filter(|_| self.store.is_some())?;
        let tx = self.tx.clone();
        Some(tokio::spawn(async move {
            let refreshed = match crate::offline::Store::open(&dir) {
                Ok(mut store) => crate::offline::catalog::sync(&client, &mut store)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            let _ = tx.send(Intent::CatalogRefreshed(refreshed));
        }))
    }

    /// Sends waiting orders on a task of its own, between sales; a tap that starts a
    /// sale stops it after the order in hand (`stop_drain`). Its end comes back as
    /// `Intent::Drained`.
    fn start_drain(&self, client: CommerceClient) -> Option<Drain> {
        let dir = self.config.data_dir.clone().filter(|_| self.store.is_some())?;
        let tx = self.tx.clone();
        let policy = crate::offline::replay::Policy {
            tolerance_percent: self.config.price_tolerance_percent,
            pickup_store: self.config.settings.kiosk.store.clone(),
        };
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let task = tokio::spawn(async move {
            let drained = match crate::offline::Store::open(&dir) {
                Ok(mut store) => {
                    crate::offline::replay::drain_while(&client, &mut store, policy, || !stopped.load(Ordering::SeqCst))
                        .await
                }
                Err(e) => Err(e),
            };
            let (line, failed) = match drained {
                Ok(report) => {
                    for (reference, outcome) in &report.outcomes {
                        tracing::info!(reference, ?outcome, "queued order");
                    }
                    let line = report.outcomes.iter().find_map(|(_, o)| match o {
                        Outcome::Failed { error } if error.is_connectivity() => {
                            Some(crate::ui::view::line_problem(error))
                        }
                        _ => None,
                    });
                    let failed = report.outcomes.iter().any(|(_, o)| matches!(o, Outcome::Failed { .. }));
                    (line, failed)
                }
                Err(e) => {
                    tracing::error!(error = %e, "the offline queue could not be read");
                    (None, true)
                }
            };
            let _ = tx.send(Intent::Drained { line, failed });
        });
        Some(Drain { stop, task })
    }

    /// Before a tap is handled: a running drain stops after the order in hand, and the
    /// tap waits for that one order, never for the whole queue.
    pub(super) async fn stop_drain(&mut self) {
        if let Some(drain) = self.drain.take() {
            drain.stop.store(true, Ordering::SeqCst);
            let _ = drain.task.await;
        }
    }

    /// A drain ended: the line as it found it, and an empty basket for the next sale
    /// (replay used the account's basket) when no sale has started meanwhile.
    pub(super) async fn drained(&mut self, line: Option<crate::ui::LineProblem>, failed: bool) {
        self.drain = None;
        if let Some(problem) = line {
            self.line_problem = problem;
        }
        let line_down = line.is_some();
        if failed {
            self.drain_backoff.failed(self.config.tick_every);
        } else {
            self.drain_backoff.succeeded();
        }
        self.line_down |= line_down;
        if !self.line_down && self.is_idle() && !self.sale.is_local() {
            if let Some(client) = self.client.clone() {
                match client.clear_basket().await {
                    Ok(basket) => self.emit_basket(&basket),
                    Err(e) => tracing::info!(error = %e, "the basket could not be emptied after sending orders"),
                }
            }
        }
        self.emit_queue();
    }

    /// A catalog refresh ended.
    pub(super) fn catalog_refreshed(&mut self, refreshed: Result<usize, String>) {
        self.catalog_refresh = None;
        match refreshed {
            Ok(count) => {
                tracing::info!(count, "catalog copy refreshed");
                self.catalog_synced = Some(Instant::now());
            }
            Err(e) => tracing::warn!(error = %e, "catalog copy not refreshed"),
        }
    }

    /// Once a day: sent orders past their retention leave the queue.
    fn prune(&mut self) {
        const DAY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
        if self.pruned.is_some_and(|at| at.elapsed() < DAY) {
            return;
        }
        let Some(store) = self.store.as_mut() else { return };
        match crate::offline::queue::prune_sent(store, self.config.retention) {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "sent orders past their retention removed"),
            Err(e) => tracing::warn!(error = %e, "sent orders could not be pruned"),
        }
        self.pruned = Some(Instant::now());
    }

    /// No sale is in progress: no step open and an empty basket on screen.
    fn is_idle(&self) -> bool {
        let server_basket_empty = || self.server_basket.as_ref().is_none_or(|b| b.basketitem_set.is_empty());
        match self.sale.beneath() {
            Sale::Basket | Sale::ThankYou { local: None, .. } => server_basket_empty(),
            Sale::Local { sale, .. } => sale.lines.is_empty(),
            Sale::ThankYou { local: Some(_), .. } => true,
            Sale::Step(_)
            | Sale::Register { .. }
            | Sale::Handoff { .. }
            | Sale::Failed { .. }
            | Sale::Orders { .. }
            | Sale::Staff { .. }
            | Sale::Diagnostics { .. }
            | Sale::DayClose { .. }
            | Sale::Return { .. }
            | Sale::GiftCard { .. }
            | Sale::Customers { .. }
            | Sale::Identify { .. }
            | Sale::NewAddress { .. } => false,
        }
    }

    /// Opens the queue's database once; a damaged one is reported and left alone.
    pub(super) fn open_store(&mut self) {
        if self.store.is_some() || self.store_problem.is_some() {
            return;
        }
        let Some(dir) = &self.config.data_dir else { return };
        match crate::offline::Store::open(dir) {
            Ok(store) => self.store = Some(store),
            Err(e) => {
                tracing::error!(error = %e, "the offline queue is unavailable; selling online only");
                self.store_problem = Some(e.to_string());
            }
        }
    }

    fn waiting_orders(&self) -> u32 {
        self.store
            .as_ref()
            .and_then(|s| crate::offline::queue::waiting(s).ok())
            .map(|(n, _)| n)
            .unwrap_or(0)
    }

    /// The banner's facts: orders waiting, whether the line is down, a storage problem,
    /// orders stuck unconfirmed, and a device clock that disagrees with the server's.
    pub(super) fn emit_queue(&self) {
        let rule = crate::offline::queue::StuckRule::from(&self.config.settings.offline);
        let stuck = self
            .store
            .as_ref()
            .and_then(|s| crate::offline::queue::stuck(s, &rule).ok())
            .map(|stuck| stuck.len())
            .unwrap_or(0);
        let skew = crate::commerce::clock::skew().map(|s| s.num_minutes()).unwrap_or(0);
        self.emit(Update::Queue {
            waiting: self.waiting_orders() as i32,
            line_down: self.line_down,
            store_problem: self.store_problem.clone().unwrap_or_default(),
            stuck: i32::try_from(stuck).unwrap_or(i32::MAX),
            clock_skew_minutes: skew.clamp(i32::MIN as i64 + 1, i32::MAX as i64) as i32,
            line_problem: self.line_problem,
        });
    }

    /// Keeps a checkout fact for offline sales; failing to is logged, never a sale's end.
    pub(super) fn remember<T: serde::Serialize>(&mut self, key: &str, value: &T) {
        self.open_store();
        if let Some(store) = self.store.as_mut() {
            if let Err(e) = remembered::save(store, key, value) {
                tracing::warn!(key, error = %e, "not remembered for offline sales");
            }
        }
    }
}
