//! Orders taken while the server is away: kept in SQLite, committed durably before the
//! customer is told the order is accepted, and sent later by `replay`.
//!
//! Each order's state, its journal of every step, and whether its fate is in doubt
//! (and for how long: stuck orders). What the queue accepts is `limits.rs`.

use super::limits::over_limits;
pub use super::limits::{waiting, Limits, Refusal};
use super::store::{Result as StoreResult, Store, StoreError};
use crate::commerce::money::{format_try, wire};
use crate::commerce::Money;
use rand::Rng;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// One line as the customer saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedLine {
    pub product: String,
    pub code: String,
    pub name: String,
    pub quantity: u32,
    pub unit_price: Money,
}

/// Adds one scanned unit of a product from the catalog copy to `lines`: a product
/// already there gets one more, a new one a line of its own with the code it was
/// scanned by.
pub fn add_scanned(lines: &mut Vec<QueuedLine>, product: &super::catalog::LocalProduct, code: &str) {
    match lines.iter_mut().find(|l| l.product == product.pk.0) {
        Some(line) => line.quantity += 1,
        None => lines.push(QueuedLine {
            product: product.pk.0.clone(),
            code: code.to_string(),
            name: product.name.clone(),
            quantity: 1,
            unit_price: product.price,
        }),
    }
}

/// Why a sale could not be taken into the queue from a shell.
#[derive(Debug, thiserror::Error)]
pub enum OfflineSaleError {
    #[error("{payment_type} cannot be taken offline; offline.payment_types allows {allowed:?}")]
    NotAllowed { payment_type: String, allowed: Vec<String> },
    #[error("no product has the code {0:?} in the local catalog (run 'catalog sync' while online)")]
    UnknownCode(String),
    #[error("{name} ({code}) was sold out when the catalog was last synced; it cannot be sold offline")]
    SoldOut { code: String, name: String },
    #[error("the offline sale is refused: {0}")]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Takes a sale into the queue, each code priced from the catalog copy. `order.lines`
/// is ignored: the lines come from `codes`.
pub fn enqueue_codes(
    store: &mut Store,
    order: NewOrder,
    codes: &[String],
    allowed: &[String],
    limits: &Limits,
) -> Result<QueuedOrder, OfflineSaleError> {
    if !allowed.contains(&order.payment_type) {
        return Err(OfflineSaleError::NotAllowed {
            payment_type: order.payment_type,
            allowed: allowed.to_vec(),
        });
    }
    let mut lines = Vec::new();
    for code in codes {
        let product =
            super::catalog::lookup(store, code)?.ok_or_else(|| OfflineSaleError::UnknownCode(code.clone()))?;
        if product.sold_out {
            return Err(OfflineSaleError::SoldOut {
                code: code.clone(),
                name: product.name,
            });
        }
        add_scanned(&mut lines, &product, code);
    }
    match enqueue(store, &NewOrder { lines, ..order }, limits) {
        Ok(queued) => Ok(queued),
        Err(QueueError::Refused(why)) => Err(OfflineSaleError::Refused(why)),
        Err(QueueError::Store(e)) => Err(e.into()),
    }
}

/// An order to queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewOrder {
    pub payment_type: String,
    pub option_name: Option<String>,
    pub choice: Option<String>,
    pub contact: Option<String>,
    /// The customer the sale was for (the server's pk): replayed on their account.
    /// `contact` then holds their name, for the slip and the clerk's list.
    #[serde(default)]
    pub customer: Option<String>,
    pub lines: Vec<QueuedLine>,
}

impl NewOrder {
    pub fn amount(&self) -> Money {
        self.lines.iter().map(|l| l.unit_price * Money::from(l.quantity)).sum()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Waiting,
    Sending,
    Sent,
    SetAside,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Waiting => "waiting",
            State::Sending => "sending",
            State::Sent => "sent",
            State::SetAside => "set_aside",
        }
    }
    fn parse(text: &str) -> State {
        match text {
            "sending" => State::Sending,
            "sent" => State::Sent,
            "set_aside" => State::SetAside,
            _ => State::Waiting,
        }
    }
}

/// Why an order cannot be sent as sold: facts, so the clerk's screen says it in its own
/// language; `Display` is the English sentence for the command line and the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SetAsideReason {
    #[error("{product} can no longer be sold as sold: {message}")]
    Unavailable { product: String, message: String },
    #[error("{product} is missing from the rebuilt basket")]
    Missing { product: String },
    #[error("the price of {product} changed from {} to {}", format_try(*from), format_try(*to))]
    PriceChanged { product: String, from: Money, to: Money },
    #[error("{what} is no longer offered")]
    NotOffered { what: String },
    #[error("{detail}")]
    Other { detail: String },
}

/// A queued order as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueuedOrder {
    pub reference: String,
    pub state: State,
    #[serde(flatten)]
    pub order: NewOrder,
    pub amount: Money,
    pub created_at: String,
    pub updated_at: String,
    pub attempts: u32,
    pub order_number: Option<String>,
    pub reason: Option<String>,
    /// The facts of `reason` while the order is set aside.
    pub why: Option<SetAsideReason>,
    /// Since when the server's word on the order is owed: an attempt that may have
    /// placed it went unanswered, or a lookup failed, and no lookup settled it since.
    pub doubt_since: Option<String>,
    /// Lookups that failed since then although an answer came (not counting those
    /// the line lost).
    pub failed_lookups: u32,
}

/// When an order in doubt is stuck and someone must be told: in doubt longer than
/// `after`, or through `lookups` failed lookups (the settings' `[offline]`).
#[derive(Debug, Clone, PartialEq)]
pub struct StuckRule {
    pub after: Duration,
    pub lookups: u32,
}

impl From<&crate::settings::OfflineSettings> for StuckRule {
    fn from(settings: &crate::settings::OfflineSettings) -> StuckRule {
        StuckRule {
            after: Duration::from_secs(settings.stuck_after_minutes * 60),
            lookups: settings.stuck_after_lookups.min(u64::from(u32::MAX)) as u32,
        }
    }
}

impl Default for StuckRule {
    fn default() -> StuckRule {
        StuckRule::from(&crate::settings::OfflineSettings::default())
    }
}

impl QueuedOrder {
    /// How long the server's word on this order has been owed, if it is.
    pub fn in_doubt_for(&self) -> Option<Duration> {
        if !matches!(self.state, State::Waiting | State::Sending) {
            return None;
        }
        self.doubt_since.as_deref().and_then(crate::commerce::clock::age_of)
    }

    /// It could be neither confirmed nor refuted for too long: support must look.
    pub fn is_stuck(&self, rule: &StuckRule) -> bool {
        self.in_doubt_for()
            .is_some_and(|doubt| doubt >= rule.after || self.failed_lookups >= rule.lookups)
    }
}

/// One journalled step of sending an order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalEntry {
    pub at: String,
    pub step: String,
    pub detail: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("{0}")]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Now, as the server would date it (`clock.rs`): a device whose clock is years off
/// still dates its orders right once it has heard from the server.
fn now() -> String {
    crate::commerce::clock::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A kiosk's own reference for an order: `K<date>-<six letters or digits>`.
pub fn new_reference() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let tail: String = (0..6)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("K{}-{tail}", crate::commerce::clock::now().format("%Y%m%d"))
}

/// Checks the limits and commits the order; it is durable when this returns.
pub fn enqueue(store: &mut Store, order: &NewOrder, limits: &Limits) -> Result<QueuedOrder, QueueError> {
    if order.lines.is_empty() {
        return Err(QueueError::Refused(Refusal::Empty));
    }
    let amount = order.amount();
    if amount > limits.max_order_amount {
        return Err(QueueError::Refused(Refusal::OrderOverLimit {
            amount,
            max: limits.max_order_amount,
        }));
    }
    let lines = serde_json::to_string(&order.lines).expect("plain data serialises");
    let stamp = now();
    let reference = store
        .write(|tx| {
            // The limits are checked in the transaction that inserts: two kiosks (or a kiosk
            // and a shell) cannot both pass them with the last place in the queue.
            if let Some(refusal) = over_limits(tx, amount, limits)? {
                return Ok(Err(refusal));
            }
            // A reference is random; on the rare clash, draw again.
            for _ in 0..10 {
                let reference = new_reference();
                let inserted = tx.execute(
                    "INSERT OR IGNORE INTO orders (reference, state, payment_type, option_name, choice, lines, amount,
                    contact, created_at, updated_at, customer) VALUES (?1, 'waiting', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
                    params![
                        reference,
                        order.payment_type,
                        order.option_name,
                        order.choice,
                        lines,
                        wire(amount),
                        order.contact,
                        stamp,
                        order.customer
                    ],
                )?;
                if inserted == 1 {
                    tx.execute(
                        "INSERT INTO journal (reference, at, step, detail) VALUES (?1, ?2, 'queued', ?3)",
                        params![reference, stamp, format!("{} {}", order.payment_type, wire(amount))],
                    )?;
                    return Ok(Ok(reference));
                }
            }
            Err(rusqlite::Error::QueryReturnedNoRows)
        })?
        .map_err(QueueError::Refused)?;
    Ok(show(store, &reference)?.expect("just inserted"))
}

fn row_to_order(row: &rusqlite::Row) -> rusqlite::Result<QueuedOrder> {
    let lines: String = row.get("lines")?;
    let amount: String = row.get("amount")?;
    Ok(QueuedOrder {
        reference: row.get("reference")?,
        state: State::parse(&row.get::<_, String>("state")?),
        order: NewOrder {
            payment_type: row.get("payment_type")?,
            option_name: row.get("option_name")?,
            choice: row.get("choice")?,
            contact: row.get("contact")?,
            customer: row.get("customer")?,
            lines: serde_json::from_str(&lines).unwrap_or_default(),
        },
        amount: amount.parse().unwrap_or_default(),
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
        attempts: row.get("attempts")?,
        order_number: row.get("order_number")?,
        reason: row.get("reason")?,
        why: row
            .get::<_, Option<String>>("why")?
            .and_then(|json| serde_json::from_str(&json).ok()),
        doubt_since: row.get("doubt_since")?,
        failed_lookups: row.get::<_, i64>("failed_lookups")?.clamp(0, i64::from(u32::MAX)) as u32,
    })
}

/// The orders waiting to be sent that are stuck by `rule`, oldest first.
pub fn stuck(store: &Store, rule: &StuckRule) -> StoreResult<Vec<QueuedOrder>> {
    let in_doubt = store.read(|db| {
        let mut query = db.prepare(
            "SELECT * FROM orders WHERE doubt_since IS NOT NULL AND state IN ('waiting', 'sending')
             ORDER BY created_at, reference",
        )?;
        let rows = query.query_map([], row_to_order)?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
    })?;
    Ok(in_doubt.into_iter().filter(|o| o.is_stuck(rule)).collect())
}

/// Every order, oldest first.
pub fn list(store: &Store) -> StoreResult<Vec<QueuedOrder>> {
    store.read(|db| {
        let mut query = db.prepare("SELECT * FROM orders ORDER BY created_at, reference")?;
        let rows = query.query_map([], row_to_order)?;
        rows.collect()
    })
}

/// One page of the clerk's list: newest first, with the counts of the whole queue.
#[derive(Debug, Clone, Default)]
pub struct ListPage {
    pub orders: Vec<QueuedOrder>,
    /// This page's number, from 0 (the newest orders).
    pub number: usize,
    /// How many pages the queue fills (at least 1).
    pub pages: usize,
    /// Orders waiting or being sent, sent, and set aside, in the whole queue.
    pub waiting: usize,
    pub sent: usize,
    pub set_aside: usize,
}

/// Orders on a screen page: a month of a busy kiosk's offline orders stays readable.
pub const PAGE_SIZE: usize = 20;

/// Page `number` of the queue, newest first, `size` orders per page. A number past
/// the end gives the last page.
pub fn page(store: &Store, number: usize, size: usize) -> StoreResult<ListPage> {
    let size = size.max(1);
    store.read(|db| {
        let (mut waiting, mut sent, mut set_aside) = (0usize, 0usize, 0usize);
        let mut counts = db.prepare("SELECT state, COUNT(*) FROM orders GROUP BY state")?;
        let mut rows = counts.query([])?;
        while let Some(row) = rows.next()? {
            let n = row.get::<_, i64>(1)?.max(0) as usize;
            match State::parse(&row.get::<_, String>(0)?) {
                State::Waiting | State::Sending => waiting += n,
                State::Sent => sent += n,
                State::SetAside => set_aside += n,
            }
        }
        let total = waiting + sent + set_aside;
        let pages = total.div_ceil(size).max(1);
        let number = number.min(pages - 1);
        let mut query = db.prepare("SELECT * FROM orders ORDER BY created_at DESC, rowid DESC LIMIT ?1 OFFSET ?2")?;
        let orders = query
            .query_map([size as i64, (number * size) as i64], row_to_order)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ListPage {
            orders,
            number,
            pages,
            waiting,
            sent,
            set_aside,
        })
    })
}

pub fn show(store: &Store, reference: &str) -> StoreResult<Option<QueuedOrder>> {
    store.read(|db| {
        db.query_row("SELECT * FROM orders WHERE reference = ?1", [reference], row_to_order)
            .optional()
    })
}

pub fn journal(store: &Store, reference: &str) -> StoreResult<Vec<JournalEntry>> {
    store.read(|db| {
        let mut query = db.prepare("SELECT at, step, detail FROM journal WHERE reference = ?1 ORDER BY id")?;
        let rows = query.query_map([reference], |row| {
            Ok(JournalEntry {
                at: row.get(0)?,
                step: row.get(1)?,
                detail: row.get(2)?,
            })
        })?;
        rows.collect()
    })
}

/// Moves an order to `state` and journals why, in one transaction.
pub fn record(
    store: &mut Store,
    reference: &str,
    state: State,
    step: &str,
    detail: Option<&str>,
    order_number: Option<&str>,
) -> StoreResult<()> {
    let stamp = now();
    store.write(|tx| {
        let attempt = i64::from(step == "attempt");
        // The server's word is owed after an attempt that may have placed the order
        // or a lookup that failed; a lookup that answered (or the order's end) settles it.
        let doubt = match step {
            "unanswered" | "lookup-lost" => 1,
            "lookup-failed" => 2,
            "found" | "not-found" | "sent" | "set-aside" | "retry" => 0,
            _ => -1,
        };
        tx.execute(
            "UPDATE orders SET state = ?2, updated_at = ?3, attempts = attempts + ?4,
                order_number = COALESCE(?5, order_number),
                reason = CASE WHEN ?2 IN ('set_aside', 'waiting', 'sending') THEN COALESCE(?6, reason) ELSE NULL END,
                why = CASE WHEN ?2 = 'set_aside' THEN why ELSE NULL END,
                doubt_since = CASE WHEN ?7 > 0 THEN COALESCE(doubt_since, ?3) WHEN ?7 = 0 THEN NULL ELSE doubt_since END,
                failed_lookups = CASE WHEN ?7 = 2 THEN failed_lookups + 1 WHEN ?7 = 0 THEN 0 ELSE failed_lookups END
             WHERE reference = ?1",
            params![reference, state.as_str(), stamp, attempt, order_number, detail, doubt],
        )?;
        tx.execute(
            "INSERT INTO journal (reference, at, step, detail) VALUES (?1, ?2, ?3, ?4)",
            params![reference, stamp, step, detail],
        )?;
        Ok(())
    })
}

/// Claims an order for an attempt: moves it to `sending` and journals the attempt, only
/// if it is still waiting or sending. `false` when another process sent it or set it
/// aside since it was listed.
pub fn claim(store: &mut Store, reference: &str) -> StoreResult<bool> {
    let stamp = now();
    store.write(|tx| {
        let claimed = tx.execute(
            "UPDATE orders SET state = 'sending', updated_at = ?2, attempts = attempts + 1, why = NULL
             WHERE reference = ?1 AND state IN ('waiting', 'sending')",
            params![reference, stamp],
        )? == 1;
        if claimed {
            tx.execute(
                "INSERT INTO journal (reference, at, step, detail) VALUES (?1, ?2, 'attempt', NULL)",
                params![reference, stamp],
            )?;
        }
        Ok(claimed)
    })
}

/// Removes the orders sent longer than `older_than` ago, with their journal, so the
/// database does not grow forever; waiting and set-aside orders are never removed.
/// Returns how many orders went.
pub fn prune_sent(store: &mut Store, older_than: Duration) -> StoreResult<usize> {
    let cutoff = chrono::Utc::now() - chrono::Duration::from_std(older_than).unwrap_or(chrono::Duration::MAX);
    let cutoff = cutoff.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    store.write(|tx| {
        tx.execute(
            "DELETE FROM journal WHERE reference IN
                (SELECT reference FROM orders WHERE state = 'sent' AND updated_at < ?1)",
            params![cutoff],
        )?;
        tx.execute(
            "DELETE FROM orders WHERE state = 'sent' AND updated_at < ?1",
            params![cutoff],
        )
    })
}

/// Sets an order aside for a clerk, with its reason as words and as facts.
pub fn set_aside(store: &mut Store, reference: &str, why: &SetAsideReason) -> StoreResult<()> {
    let sentence = why.to_string();
    record(store, reference, State::SetAside, "set-aside", Some(&sentence), None)?;
    let facts = serde_json::to_string(why).expect("plain data serialises");
    store.write(|tx| {
        tx.execute(
            "UPDATE orders SET why = ?2 WHERE reference = ?1",
            params![reference, facts],
        )?;
        Ok(())
    })
}

/// Everything, for support: orders with their journals.
pub fn export(store: &Store) -> StoreResult<serde_json::Value> {
    let orders = list(store)?;
    let mut out = Vec::with_capacity(orders.len());
    for order in orders {
        let journal = journal(store, &order.reference)?;
        let mut value = serde_json::to_value(&order).unwrap_or_default();
        value["journal"] = serde_json::to_value(journal).unwrap_or_default();
        out.push(value);
    }
    Ok(serde_json::json!({ "exported_at": now(), "orders": out }))
}
