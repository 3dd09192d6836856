//! The hand-off to the customer's phone: the QR code of the service page on screen, the
//! watcher that asks the service (one request in flight, a countdown every second), and
//! how the hand-off ends: the order, a decline, the time running out. In demo mode the
//! simulated service approves as the customer's phone would.
//!
//! Not here: which pages hand off and where to (`crate::checkout::handoff`, shared with
//! the `checkout` command).

use super::{Controller, Failure, Intent, Sale, Step};
use crate::checkout::handoff::{self, Handoff};
use crate::commerce::pages::{CheckoutResponse, PageName};
use crate::ui::view::{qr_pixels, Update, View};
use crate::ui::OptionsNotice;
use std::time::{Duration, Instant};

/// How a hand-off ended without an order.
#[derive(Debug, Clone)]
pub enum HandoffEnd {
    /// The service declined, in the server's words.
    Declined(String),
    /// The wait limit passed.
    Expired,
    /// The checkout refused in a way the kiosk cannot go on from.
    Failed(String),
}

impl Controller {
    /// Shows the hand-off and starts watching the service.
    pub(super) fn start_handoff(
        &mut self,
        handoff: Handoff,
        answer: CheckoutResponse,
        mut chosen: super::Chosen,
        amount: String,
    ) -> Result<(), Failure> {
        let qr = qr_pixels(&handoff.url, 8).map_err(|e| Failure::Other(format!("the QR code: {e}")))?;
        let option = chosen.option.clone().unwrap_or_default();
        let seconds = self.config.handoff_wait.as_secs() as u32;
        self.emit(Update::Show(View::Handoff {
            kind: crate::ui::view::payment_kind(&option.payment_type),
            name: option.name,
            url: handoff.url.clone(),
            qr,
            amount,
            seconds,
        }));
        let watcher = self.watch(handoff.clone())?;
        // The customer may pay on the phone at any moment now.
        chosen.payment_sent = true;
        self.sale = Sale::Handoff {
            step: Step { answer, chosen },
            watcher,
            url: handoff.url,
        };
        Ok(())
    }

    /// Watches the payment service, one request in flight: the countdown every second,
    /// the service's status every two. Its end comes back as an intent.
    fn watch(&self, handoff: Handoff) -> Result<super::register::Poller, Failure> {
        let client = self.client()?.clone();
        let (sink, tx, limit) = (self.sink.clone(), self.tx.clone(), self.config.handoff_wait);
        Ok(super::register::Poller::spawn(async move {
            let http = handoff::http_client();
            let started = Instant::now();
            let mut reconnecting = false;
            // After a completion whose answer was lost, the checkout is read first.
            let mut unanswered = false;
            loop {
                for _ in 0..2 {
                    let left = limit.saturating_sub(started.elapsed()).as_secs() as i32;
                    sink(Update::Handoff {
                        seconds_left: left,
                        reconnecting,
                    });
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                if unanswered {
                    match client.checkout().await {
                        Ok(answer) if answer.current_kind() == Some(PageName::ThankYou) => {
                            let _ = tx.send(Intent::HandoffAnswer(Box::new(answer)));
                            return;
                        }
                        Ok(_) => unanswered = false,
                        Err(_) => continue,
                    }
                }
                if started.elapsed() >= limit {
                    let _ = tx.send(Intent::HandoffEnded(HandoffEnd::Expired));
                    return;
                }
                let (approved, form) = match handoff::status(&http, &handoff.url).await {
                    Ok(handoff::Status::Waiting) => {
                        reconnecting = false;
                        continue;
                    }
                    Ok(handoff::Status::Decided { approved, form }) => (Some(approved), form),
                    Ok(handoff::Status::Silent) => (None, Vec::new()),
                    Err(e) => {
                        tracing::info!(error = %e, "the payment service did not answer; trying again");
                        reconnecting = true;
                        continue;
                    }
                };
                reconnecting = false;
                let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                match client.post_step(handoff.complete, &fields).await {
                    Ok(answer) if answer.errors.is_none() => {
                        let _ = tx.send(Intent::HandoffAnswer(Box::new(answer)));
                        return;
                    }
                    // A service that says nothing: the checkout refuses until it is paid.
                    Ok(_) if approved.is_none() => {}
                    Ok(answer) => {
                        let why = answer.errors.map(|e| e.messages()).unwrap_or_default();
                        let _ = tx.send(Intent::HandoffEnded(HandoffEnd::Declined(why)));
                        return;
                    }
                    Err(e) if e.is_connectivity() => {
                        reconnecting = true;
                        unanswered = true;
                    }
                    Err(e) => {
                        let _ = tx.send(Intent::HandoffEnded(HandoffEnd::Failed(e.to_string())));
                        return;
                    }
                }
            }
        }))
    }

    /// The hand-off ended without an order: back to the options, with the reason.
    pub(super) async fn handoff_ended(&mut self, end: HandoffEnd) -> Result<(), Failure> {
        if !matches!(self.sale, Sale::Handoff { .. }) {
            return Ok(());
        }
        self.sale.stop_register();
        match end {
            HandoffEnd::Declined(why) => {
                tracing::info!(%why, "the payment service declined");
                self.sale = Sale::Basket;
                self.pay().await?;
                self.emit(Update::StepError(why));
                Ok(())
            }
            HandoffEnd::Expired => {
                // The server decides: an order placed at the last moment is shown.
                if self.placed_meanwhile().await? {
                    return Ok(());
                }
                self.sale = Sale::Basket;
                self.pay().await?;
                self.emit(Update::OptionsNotice(OptionsNotice::PhoneTimedOut));
                Ok(())
            }
            HandoffEnd::Failed(why) => Err(Failure::Other(why)),
        }
    }

    /// Demo mode: the simulated service approves the payment on screen.
    pub(super) fn approve_on_phone(&self) {
        let (Some(sim), Sale::Handoff { url, .. }) = (&self.sim, self.sale.beneath()) else {
            return;
        };
        let txn = url.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
        if let Err(e) = sim.world().service_decide(txn, true) {
            tracing::info!(error = %e, "demo payment service");
        }
    }
}
