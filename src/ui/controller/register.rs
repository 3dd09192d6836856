//! The cash register's side of a sale: the poller that asks the server whether the
//! register took the payment, and the demo's "pay at the register" button.
//!
//! Not here: the barcode screen itself (`steps.rs` shows it when the server gives the
//! number).

use super::{Controller, Failure, Intent, Sale};
use crate::commerce::pages::{Page, PageName};
use crate::ui::view::Update;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// The running poller of a barcode on screen. Dropping it stops the task, so leaving
/// `Sale::Register` in any way (cancel, thank-you, offline, a new barcode) ends it.
pub(super) struct Poller {
    task: tokio::task::JoinHandle<()>,
    /// Wakes the countdown to ask the server at once (the demo's register just paid).
    now: Arc<Notify>,
}

impl Poller {
    /// Runs `work` on a task that ends when the returned value is dropped.
    pub(super) fn spawn(work: impl std::future::Future<Output = ()> + Send + 'static) -> Poller {
        Poller {
            task: tokio::spawn(work),
            now: Arc::new(Notify::new()),
        }
    }

    /// Ends the countdown now: the next request leaves at once.
    pub(super) fn check_now(&self) {
        self.now.notify_one();
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Controller {
    /// Asks the server every `seconds` whether the register took the payment: one
    /// request at a time, through network failures, until the checkout moves on (then
    /// `Intent::RegisterAnswer`) or the poller is dropped.
    pub(super) fn start_poller(&self, seconds: u32) -> Result<Poller, Failure> {
        let client = self.client()?.clone();
        let sink = self.sink.clone();
        let tx = self.tx.clone();
        let call_staff_after = self.config.call_staff_after;
        let now = Arc::new(Notify::new());
        let woken = now.clone();
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let mut reconnecting = false;
            loop {
                let call_staff = started.elapsed() >= call_staff_after;
                for left in (1..=seconds).rev() {
                    sink(Update::Register {
                        seconds_left: left as i32,
                        checking: false,
                        reconnecting,
                        call_staff,
                    });
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = woken.notified() => break,
                    }
                }
                // The request is out: the screen says so until its answer.
                sink(Update::Register {
                    seconds_left: 0,
                    checking: true,
                    reconnecting,
                    call_staff,
                });
                match client.post_step(PageName::CashRegisterComplete, &[]).await {
                    Ok(answer)
                        if answer.errors.is_none()
                            && matches!(answer.current(), Some(Page::CashRegisterComplete(_))) =>
                    {
                        reconnecting = false;
                    }
                    Ok(answer) => {
                        let _ = tx.send(Intent::RegisterAnswer(Box::new(answer)));
                        return;
                    }
                    Err(e) if e.is_connectivity() => {
                        tracing::info!(error = %e, "register check failed; retrying");
                        reconnecting = true;
                    }
                    Err(e) => {
                        let _ = tx.send(Intent::RegisterFailed(e.to_string()));
                        return;
                    }
                }
            }
        });
        Ok(Poller { task, now })
    }

    /// Demo mode: the simulated register takes the payment of the barcode on screen,
    /// and the kiosk asks the server at once rather than at the end of its countdown.
    pub(super) fn pay_at_register(&self) {
        if let (Some(sim), Sale::Register { number, poller, .. }) = (&self.sim, self.sale.beneath()) {
            match sim.world().cash_register_pay(number) {
                Ok(()) => poller.check_now(),
                Err(e) => tracing::info!(error = %e, "demo register"),
            }
        }
    }
}
