//! What the kiosk keeps of returns: each refund it made (the day's close counts them,
//! a cash refund out of the till), and the orders a clerk noted for a return while the
//! server was away (a return needs the server: nothing is refunded without it).
//!
//! Not here: the returns themselves (`crate::commerce::returns`), the close's figures
//! (`close.rs`).

use super::store::{Result as StoreResult, Store};
use crate::commerce::Money;
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// A refund made at this kiosk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundNote {
    /// The server's refund number.
    pub number: String,
    pub order: String,
    /// RFC 3339, UTC.
    pub made_at: String,
    pub amount: Money,
    /// `cash`, `card`, `loyalty_money`, `store_credit`, or the server's own.
    pub refund_type: String,
}

pub fn note_refund(store: &mut Store, refund: &RefundNote) -> StoreResult<()> {
    store.write(|tx| {
        tx.execute(
            "INSERT OR REPLACE INTO refunds (number, order_number, made_at, amount, refund_type)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                refund.number,
                refund.order,
                refund.made_at,
                refund.amount.to_string(),
                refund.refund_type
            ],
        )?;
        // The order was dealt with: a note for later is done.
        tx.execute("DELETE FROM return_notes WHERE number = ?1", params![refund.order])?;
        Ok(())
    })
}

/// The refunds made since `since` (all of them without it), oldest first.
pub fn refunds_since(store: &Store, since: Option<&str>) -> StoreResult<Vec<RefundNote>> {
    store.read(|conn| {
        let mut statement = conn.prepare(
            "SELECT number, order_number, made_at, amount, refund_type FROM refunds
             WHERE ?1 IS NULL OR made_at > ?1 ORDER BY made_at",
        )?;
        let rows = statement.query_map(params![since], |row| {
            Ok(RefundNote {
                number: row.get(0)?,
                order: row.get(1)?,
                made_at: row.get(2)?,
                amount: row.get::<_, String>(3)?.parse().unwrap_or_default(),
                refund_type: row.get(4)?,
            })
        })?;
        rows.collect()
    })
}

/// Notes an order number for a return once the server is back (again: kept once).
pub fn note_for_later(store: &mut Store, number: &str, at: &str) -> StoreResult<()> {
    store.write(|tx| {
        tx.execute(
            "INSERT OR IGNORE INTO return_notes (number, noted_at) VALUES (?1, ?2)",
            params![number, at],
        )?;
        Ok(())
    })
}

/// The order numbers noted for later, oldest first.
pub fn noted_for_later(store: &Store) -> StoreResult<Vec<String>> {
    store.read(|conn| {
        let mut statement = conn.prepare("SELECT number FROM return_notes ORDER BY noted_at, number")?;
        let rows = statement.query_map([], |row| row.get(0))?;
        rows.collect()
    })
}
