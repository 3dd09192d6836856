//! What the offline queue accepts, as store-and-forward payment terminals do: a maximum
//! per order, a maximum amount and count waiting, and a maximum age of the oldest
//! waiting order; past one, the sale is refused with the reason as facts.
//!
//! Not here: the queue itself (`queue.rs`), which checks these in the transaction that
//! inserts.

use super::store::Result as StoreResult;
use super::Store;
use crate::commerce::money::format_try;
use crate::commerce::Money;
use std::time::Duration;

/// What the queue accepts; from the settings' `[offline]` section.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    pub max_order_amount: Money,
    pub max_waiting_amount: Money,
    pub max_waiting_count: u32,
    pub max_age: Duration,
}

impl From<&crate::settings::OfflineSettings> for Limits {
    fn from(settings: &crate::settings::OfflineSettings) -> Limits {
        Limits {
            max_order_amount: settings.max_order_amount,
            max_waiting_amount: settings.max_waiting_amount,
            max_waiting_count: settings.max_waiting_count,
            max_age: Duration::from_secs(settings.max_age_hours * 3600),
        }
    }
}

/// Why an offline sale is refused: facts, so a screen can say it in its own language;
/// `Display` is the English sentence for the command line and the logs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error("the basket is empty")]
    Empty,
    #[error("{} is more than the {} an order may be while offline", format_try(*amount), format_try(*max))]
    OrderOverLimit { amount: Money, max: Money },
    #[error("{count} orders are already waiting to be sent, the most allowed")]
    TooManyWaiting { count: u32 },
    #[error("orders waiting would come to {}, more than the {} allowed while offline", format_try(*total), format_try(*max))]
    WaitingOverLimit { total: Money, max: Money },
    #[error("an order has waited {hours} hours; no more are taken offline until it is sent")]
    OldestTooOld { hours: u64 },
}

/// The number and amount of orders waiting to be sent.
pub fn waiting(store: &Store) -> StoreResult<(u32, Money)> {
    store.read(waiting_in)
}

fn waiting_in(db: &rusqlite::Connection) -> rusqlite::Result<(u32, Money)> {
    let mut query = db.prepare("SELECT amount FROM orders WHERE state IN ('waiting', 'sending')")?;
    let amounts: Vec<String> = query
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok((
        amounts.len() as u32,
        amounts.iter().filter_map(|a| a.parse::<Money>().ok()).sum(),
    ))
}

/// Why the queue as it stands cannot take `amount` more, if it cannot.
pub(super) fn over_limits(
    db: &rusqlite::Connection,
    amount: Money,
    limits: &Limits,
) -> rusqlite::Result<Option<Refusal>> {
    let (count, total) = waiting_in(db)?;
    if count >= limits.max_waiting_count {
        return Ok(Some(Refusal::TooManyWaiting { count }));
    }
    if total + amount > limits.max_waiting_amount {
        return Ok(Some(Refusal::WaitingOverLimit {
            total: total + amount,
            max: limits.max_waiting_amount,
        }));
    }
    let oldest: Option<String> = db.query_row(
        "SELECT MIN(created_at) FROM orders WHERE state IN ('waiting', 'sending')",
        [],
        |row| row.get(0),
    )?;
    if let Some(age) = oldest.as_deref().and_then(crate::commerce::clock::age_of) {
        if age > limits.max_age {
            return Ok(Some(Refusal::OldestTooOld {
                hours: age.as_secs() / 3600,
            }));
        }
    }
    Ok(None)
}
