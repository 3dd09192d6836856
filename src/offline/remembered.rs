//! Checkout facts last seen on the server, kept so a kiosk that loses the line (or
//! starts without it) can still offer what the server offered: the payment options and
//! the pay-on-delivery choices with their fees. Stored as JSON under a key; replaced
//! whole each time the server shows them again.

use super::store::{Result, Store};
use crate::commerce::Money;
use rusqlite::{params, OptionalExtension};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// A payment option as the server last listed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnownOption {
    pub pk: String,
    pub name: String,
    pub payment_type: String,
}

/// A pay-on-delivery choice as the server last listed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnownChoice {
    pub value: String,
    pub label: String,
    pub fee: Money,
}

pub const PAYMENT_OPTIONS: &str = "payment_options";
pub const PAY_ON_DELIVERY_CHOICES: &str = "pay_on_delivery_choices";
/// When the last code came from a scanner (RFC 3339), for the technician's checks.
pub const LAST_SCAN: &str = "last_scan";
/// Customers' own baskets set aside for a sale on this kiosk and not yet put back
/// (customer pk → lines): a restart, a crash or a power cut must not lose them.
pub const SET_ASIDE_BASKETS: &str = "set_aside_baskets";

/// Keeps `value` under `key`, replacing what was there.
pub fn save<T: Serialize>(store: &mut Store, key: &str, value: &T) -> Result<()> {
    let json = serde_json::to_string(value).expect("plain data serialises");
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    store.write(|tx| {
        tx.execute(
            "INSERT INTO remembered (key, value, saved_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, saved_at = excluded.saved_at",
            params![key, json, now],
        )?;
        Ok(())
    })
}

/// What was kept under `key`; `None` when nothing was, or when it no longer reads as a
/// `T` (written by another version): forgetting a hint is safer than failing a sale.
pub fn load<T: DeserializeOwned>(store: &Store, key: &str) -> Result<Option<T>> {
    let json: Option<String> = store.read(|db| {
        db.query_row("SELECT value FROM remembered WHERE key = ?1", [key], |row| row.get(0))
            .optional()
    })?;
    Ok(json.and_then(|j| {
        serde_json::from_str(&j)
            .map_err(|e| tracing::warn!(key, error = %e, "a remembered value is unreadable; ignored"))
            .ok()
    }))
}
