//! `[offline]`: selling while the server is away: what may be sold, the queue's limits,
//! the price tolerance of a replay, the catalog copy's refresh, retention, and when an
//! order the server has not confirmed counts as stuck.

use serde::{Deserialize, Serialize};

/// Selling while the server is away.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OfflineSettings {
    /// Strategies that need nothing from a payment network at the moment of sale.
    pub payment_types: Vec<String>,
    /// Amounts are decimal strings, e.g. "5000.00".
    pub max_order_amount: rust_decimal::Decimal,
    pub max_waiting_amount: rust_decimal::Decimal,
    pub max_waiting_count: u32,
    pub max_age_hours: u64,
    /// A queued order whose price changed by more than this share is set aside.
    pub price_tolerance_percent: rust_decimal::Decimal,
    /// The local catalog copy is refreshed this often while online.
    pub catalog_refresh_minutes: u64,
    /// Orders sent longer ago than this leave the queue, with their journal.
    pub retention_days: u64,
    /// An order whose fate the server has not told (its attempt went unanswered, or
    /// looking it up fails) for this long is stuck: the clerk and support are told.
    pub stuck_after_minutes: u64,
    /// … or after this many lookups failed although the server (or its proxy)
    /// answered, whichever comes first; lookups the line lost count only by time.
    pub stuck_after_lookups: u64,
}

impl Default for OfflineSettings {
    fn default() -> Self {
        OfflineSettings {
            payment_types: vec!["pay_on_delivery".into(), "pay_later".into()],
            max_order_amount: rust_decimal::Decimal::new(5_000, 0),
            max_waiting_amount: rust_decimal::Decimal::new(50_000, 0),
            max_waiting_count: 200,
            max_age_hours: 72,
            price_tolerance_percent: rust_decimal::Decimal::new(5, 0),
            catalog_refresh_minutes: 30,
            retention_days: 30,
            stuck_after_minutes: 15,
            stuck_after_lookups: 5,
        }
    }
}

impl OfflineSettings {
    /// The section's own rules: a price tolerance in percent, and every duration and
    /// count in range.
    pub(super) fn check(&self) -> Result<(), String> {
        let o = self;
        if !(rust_decimal::Decimal::ZERO..=rust_decimal::Decimal::ONE_HUNDRED).contains(&o.price_tolerance_percent) {
            return Err(format!(
                "offline.price_tolerance_percent: {} is out of range; use 0 to 100",
                o.price_tolerance_percent
            ));
        }
        for (name, value, max) in [
            ("offline.max_age_hours", o.max_age_hours, 24 * 365),
            ("offline.retention_days", o.retention_days, 3650),
            ("offline.stuck_after_minutes", o.stuck_after_minutes, 7 * 24 * 60),
            ("offline.stuck_after_lookups", o.stuck_after_lookups, 1000),
            (
                "offline.catalog_refresh_minutes",
                o.catalog_refresh_minutes,
                7 * 24 * 60,
            ),
        ] {
            if !(1..=max).contains(&value) {
                return Err(format!("{name}: {value} is out of range; use 1 to {max}"));
            }
        }
        Ok(())
    }
}
