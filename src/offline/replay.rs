//! Sending queued orders, exactly once.
//!
//! Each attempt logs in (the client's session), rebuilds the basket, walks the checkout
//! and writes the order's local reference into it with OrderNotePage before the final
//! step. Every step's outcome is journalled. An order that has been attempted before is
//! first looked for among the user's orders by its reference: if the server placed it
//! and the answer was lost (timeout, crash, power cut), it is recorded, never posted
//! again.

use super::queue::{self, QueuedOrder, SetAsideReason, State};
use super::store::{Result as StoreResult, Store};
use crate::checkout::{run_checkout, CheckoutError, Choices, ServiceAction};
use crate::commerce::customers::SetAside;
use crate::commerce::records::Pk;
use crate::commerce::{CommerceClient, CommerceError, Money};
use std::time::Duration;

/// How queued orders are sent: how far a price may have moved before an order is set
/// aside, and the store the goods are collected in (the kiosk's `kiosk.store`; the
/// server's first store when `None`). A bare percentage is a policy with no store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policy {
    pub tolerance_percent: Money,
    pub pickup_store: Option<String>,
}

impl From<Money> for Policy {
    fn from(tolerance_percent: Money) -> Policy {
        Policy {
            tolerance_percent,
            pickup_store: None,
        }
    }
}

/// How one order's attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Sent {
        number: String,
    },
    /// It cannot be sent as sold; a clerk must look at it.
    SetAside {
        reason: String,
    },
    /// The line or the server failed; try again later.
    Failed {
        error: CommerceError,
    },
    /// Its last attempt went unanswered and the server may still be acting on it: it is
    /// looked up again (never posted) once the server's time to answer has passed.
    Settling {
        wait: Duration,
    },
}

/// How much longer an order whose last attempt went unanswered must wait before it is
/// looked up: a request the client gave up on may still complete on the server, so the
/// lookup waits one more request timeout after the failure, and would miss it sooner.
fn settling(store: &Store, reference: &str, timeout: Duration) -> StoreResult<Option<Duration>> {
    let last = queue::journal(store, reference)?.pop();
    let Some(last) = last.filter(|entry| entry.step == "unanswered") else {
        return Ok(None);
    };
    let Some(since) = crate::commerce::clock::age_of(&last.at) else {
        return Ok(None);
    };
    Ok(timeout.checked_sub(since).filter(|left| !left.is_zero()))
}

/// How many pages of the user's orders a lookup reads at the most.
const LOOKUP_PAGES: usize = 100;

/// How far before the order's creation (by the kiosk's clock) a lookup still reads: the
/// server's clock may disagree with the kiosk's.
const CLOCK_SLACK_HOURS: i64 = 24;

/// The order the server holds with this reference in its notes. It reads the user's
/// orders page by page, newest first, until one older than `created_at` (less a day of
/// clock slack) or the last page; a list too long to reach that point is an error, so
/// that an order that may exist is never posted again.
pub async fn find_by_reference(
    client: &CommerceClient,
    reference: &str,
    created_at: &str,
) -> Result<Option<String>, CommerceError> {
    // An order dated ahead of the server's time was dated by a wrong clock (before the
    // kiosk heard from the server): its date says nothing, so every page is read.
    let since = chrono::DateTime::parse_from_rfc3339(created_at)
        .ok()
        .map(|t| t - chrono::Duration::hours(CLOCK_SLACK_HOURS))
        .filter(|since| *since <= crate::commerce::clock::now());
    let mut next = None;
    for _ in 0..LOOKUP_PAGES {
        let page = client.orders_page(next.as_deref()).await?;
        if let Some(order) = page
            .results
            .iter()
            .find(|o| o.notes.as_deref().is_some_and(|n| n.contains(reference)))
        {
            return Ok(Some(order.number.clone()));
        }
        let past_creation = since.is_some_and(|since| {
            page.results
                .last()
                .and_then(|o| chrono::DateTime::parse_from_rfc3339(&o.created_date).ok())
                .is_some_and(|oldest| oldest < since)
        });
        match page.next {
            Some(url) if !past_creation && !page.results.is_empty() => next = Some(url),
            _ => return Ok(None),
        }
    }
    Err(CommerceError::Malformed {
        what: "order list".into(),
        detail: format!(
            "{LOOKUP_PAGES} pages of orders were read without reaching the order's creation; \
             it is not sent again until it can be looked up"
        ),
    })
}

/// A customer's basket set aside for a replay goes back, less what the order `sold`.
/// Best effort: the order's fate does not depend on it, so a failure is logged.
async fn put_back(client: &CommerceClient, set_aside: Option<SetAside>, sold: &[(Pk, u32)], reference: &str) {
    let Some(set_aside) = set_aside.filter(|s| !s.is_empty()) else {
        return;
    };
    if let Err(e) = client.put_back(&set_aside, sold).await {
        tracing::warn!(reference, error = %e, lines = ?set_aside.lines,
            "the customer's own basket could not be put back after the replay");
    }
}

enum AttemptError {
    SetAside(SetAsideReason),
    Commerce(CommerceError),
}

async fn attempt(client: &CommerceClient, order: &QueuedOrder, policy: &Policy) -> Result<String, AttemptError> {
    let tolerance_percent = policy.tolerance_percent;
    let commerce = AttemptError::Commerce;
    client.clear_basket().await.map_err(commerce)?;
    let mut basket = None;
    for line in &order.order.lines {
        match client.add_to_basket(&Pk(line.product.clone()), line.quantity).await {
            Ok(b) => basket = Some(b),
            Err(CommerceError::Http {
                status: 400 | 404,
                message,
                ..
            }) => {
                return Err(AttemptError::SetAside(SetAsideReason::Unavailable {
                    product: line.name.clone(),
                    message,
                }));
            }
            Err(e) => return Err(commerce(e)),
        }
    }
    let basket = basket.ok_or_else(|| {
        AttemptError::SetAside(SetAsideReason::Other {
            detail: "the order has no lines".into(),
        })
    })?;
    for line in &order.order.lines {
        let Some(item) = basket.basketitem_set.iter().find(|i| i.product.pk.0 == line.product) else {
            return Err(AttemptError::SetAside(SetAsideReason::Missing {
                product: line.name.clone(),
            }));
        };
        let allowed = line.unit_price * tolerance_percent / Money::ONE_HUNDRED;
        // Checked: the server's price may be anything; a difference too large to compute
        // is a changed price like any other.
        let changed = item
            .unit_price
            .checked_sub(line.unit_price)
            .is_none_or(|difference| difference.abs() > allowed);
        if changed {
            return Err(AttemptError::SetAside(SetAsideReason::PriceChanged {
                product: line.name.clone(),
                from: line.unit_price,
                to: item.unit_price,
            }));
        }
    }
    let choices = Choices {
        option_name: order.order.option_name.clone(),
        choice: order.order.choice.clone(),
        notes: Some(order.reference.clone()),
        store: policy.pickup_store.clone(),
        service: ServiceAction::Wait,
        wait_limit: Duration::from_secs(30),
        ..Choices::pay(&order.order.payment_type)
    };
    match run_checkout(client, &choices, &mut |_| {}).await {
        Ok(done) => match done.order {
            Some(placed) => Ok(placed.number),
            // Placed, but the receipt could not be read: the reference finds it.
            None => match find_by_reference(client, &order.reference, &order.created_at).await {
                Ok(Some(number)) => Ok(number),
                Ok(None) => Ok(done.thank_you.order_id.0),
                Err(e) => Err(commerce(e)),
            },
        },
        Err(CheckoutError::Commerce(e)) => Err(commerce(e)),
        Err(CheckoutError::GaveUp(_, why)) => Err(commerce(CommerceError::ConnectionLost(why))),
        Err(CheckoutError::NotOffered(what)) => Err(AttemptError::SetAside(SetAsideReason::NotOffered { what })),
        Err(other) => Err(AttemptError::SetAside(SetAsideReason::Other {
            detail: other.to_string(),
        })),
    }
}

/// Sends one order if it is not sent yet. Every outcome is journalled before this
/// returns.
pub async fn replay_one(
    client: &CommerceClient,
    store: &mut Store,
    reference: &str,
    policy: impl Into<Policy>,
) -> StoreResult<Outcome> {
    let policy = policy.into();
    let Some(order) = queue::show(store, reference)? else {
        return Ok(Outcome::SetAside {
            reason: format!("no queued order {reference}"),
        });
    };
    if let (State::Sent, Some(number)) = (order.state, &order.order_number) {
        return Ok(Outcome::Sent { number: number.clone() });
    }
    // A sale for a customer is replayed on their account, on a session of its own: the
    // kiosk's session (and the orders behind this one) stay the kiosk's.
    let acting;
    let client = match &order.order.customer {
        None => client,
        Some(customer) => match client.session_for(&Pk(customer.clone())).await {
            Ok((session, _)) => {
                acting = session;
                &acting
            }
            Err(CommerceError::Http { status: 404, .. }) => {
                let why = SetAsideReason::Other {
                    detail: format!("the customer {customer} it was sold for is not on the server"),
                };
                queue::set_aside(store, reference, &why)?;
                return Ok(Outcome::SetAside {
                    reason: why.to_string(),
                });
            }
            Err(error) => return Ok(Outcome::Failed { error }),
        },
    };
    // An earlier attempt may have placed it with its answer lost: look before posting,
    // once the server has had the time to finish what it was doing.
    if let Some(wait) = settling(store, reference, client.request_timeout())? {
        return Ok(Outcome::Settling { wait });
    }
    if order.attempts > 0 || order.state == State::Sending {
        match find_by_reference(client, reference, &order.created_at).await {
            Ok(Some(number)) => {
                queue::record(store, reference, State::Sent, "found", Some(&number), Some(&number))?;
                return Ok(Outcome::Sent { number });
            }
            Ok(None) => queue::record(store, reference, order.state, "not-found", None, None)?,
            Err(error) => {
                // A lookup the line lost counts only by time; one the server (or a proxy)
                // answered and still failed counts as a failed lookup too.
                let step = if error.is_transport() {
                    "lookup-lost"
                } else {
                    "lookup-failed"
                };
                queue::record(store, reference, order.state, step, Some(&error.to_string()), None)?;
                return Ok(Outcome::Failed { error });
            }
        }
    }
    // A customer's own basket (a web shop basket) is set aside for the attempt and put
    // back after it, less this order's lines: before a restart the kiosk may have left
    // them there itself.
    let set_aside = match &order.order.customer {
        None => None,
        Some(_) => match client.borrow_basket().await {
            Ok(set_aside) => Some(set_aside),
            Err(error) => return Ok(Outcome::Failed { error }),
        },
    };
    if !queue::claim(store, reference)? {
        put_back(client, set_aside, &[], reference).await;
        // Sent or set aside by another process since it was read: nothing to do here.
        let now = queue::show(store, reference)?;
        return Ok(match now {
            Some(QueuedOrder {
                order_number: Some(number),
                state: State::Sent,
                ..
            }) => Outcome::Sent { number },
            other => Outcome::SetAside {
                reason: other
                    .and_then(|o| o.reason)
                    .unwrap_or_else(|| format!("{reference} is no longer waiting")),
            },
        });
    }
    let outcome = attempt(client, &order, &policy).await;
    if outcome.is_err() {
        // The attempt stopped with the order's lines in the account's basket: empty it,
        // so the kiosk's next sale (or a retry) never starts on them. If the line is
        // down this fails too; the kiosk empties the basket before its next sale.
        if let Err(e) = client.clear_basket().await {
            tracing::info!(reference, error = %e, "the basket could not be emptied after a stopped attempt");
        }
    }
    let sold: Vec<(Pk, u32)> = order
        .order
        .lines
        .iter()
        .map(|l| (Pk(l.product.clone()), l.quantity))
        .collect();
    put_back(client, set_aside, &sold, reference).await;
    Ok(match outcome {
        Ok(number) => {
            queue::record(store, reference, State::Sent, "sent", Some(&number), Some(&number))?;
            Outcome::Sent { number }
        }
        Err(AttemptError::SetAside(why)) => {
            queue::set_aside(store, reference, &why)?;
            Outcome::SetAside {
                reason: why.to_string(),
            }
        }
        // The server refused this order outright (not the line, not the account): a
        // clerk looks at it, and the orders behind it go on.
        Err(AttemptError::Commerce(error @ CommerceError::Http { status, .. }))
            if (400..500).contains(&status) && !matches!(status, 401 | 403 | 408 | 429) =>
        {
            let why = SetAsideReason::Other {
                detail: error.to_string(),
            };
            queue::set_aside(store, reference, &why)?;
            Outcome::SetAside {
                reason: why.to_string(),
            }
        }
        Err(AttemptError::Commerce(error)) => {
            queue::record(
                store,
                reference,
                State::Sending,
                if error.may_have_been_processed() {
                    "unanswered"
                } else {
                    "failed"
                },
                Some(&error.to_string()),
                None,
            )?;
            Outcome::Failed { error }
        }
    })
}

/// What a drain did.
#[derive(Debug, Default)]
pub struct DrainReport {
    pub outcomes: Vec<(String, Outcome)>,
    /// Orders still waiting (or mid-send) when the drain stopped.
    pub waiting: usize,
    pub set_aside: usize,
}

/// Whether a failure stops a drain: the line or the account failed, so the orders
/// behind this one would fail the same way. Anything else is this order's alone.
fn stops_the_drain(error: &CommerceError) -> bool {
    error.is_connectivity()
        || matches!(
            error,
            CommerceError::LoginRejected(_) | CommerceError::SessionExpired | CommerceError::BadUrl(..)
        )
}

/// Sends every waiting order, oldest first, until none is left or the line fails. An
/// order refused or answered badly does not hold up the ones behind it.
pub async fn drain(client: &CommerceClient, store: &mut Store, policy: impl Into<Policy>) -> StoreResult<DrainReport> {
    drain_while(client, store, policy, || true).await
}

/// [`drain`], asking `go_on` before each order: a drain the kiosk runs between sales
/// stops after the order in hand when a customer starts one.
pub async fn drain_while(
    client: &CommerceClient,
    store: &mut Store,
    policy: impl Into<Policy>,
    go_on: impl Fn() -> bool,
) -> StoreResult<DrainReport> {
    let policy = policy.into();
    let mut report = DrainReport::default();
    let pending: Vec<String> = queue::list(store)?
        .into_iter()
        .filter(|o| matches!(o.state, State::Waiting | State::Sending))
        .map(|o| o.reference)
        .collect();
    for reference in pending {
        if !go_on() {
            break;
        }
        let outcome = replay_one(client, store, &reference, policy.clone()).await?;
        let stop = matches!(&outcome, Outcome::Failed { error } if stops_the_drain(error));
        report.outcomes.push((reference, outcome));
        if stop {
            break;
        }
    }
    for order in queue::list(store)? {
        match order.state {
            State::Waiting | State::Sending => report.waiting += 1,
            State::SetAside => report.set_aside += 1,
            State::Sent => {}
        }
    }
    Ok(report)
}
