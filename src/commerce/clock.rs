//! The time orders are dated by: the device's clock, corrected by the commerce server's
//! when the two disagree by more than a minute.
//!
//! Every answer of the server carries its time (the HTTP `Date` header). A device whose
//! real-time clock lost its battery may say it is 2001, or years ahead; its queued
//! orders would then be dated wrong, and the lookup that keeps an order from being
//! placed twice reads the server's order list by those dates. So the kiosk dates by the
//! server's time once it has seen one, and says its own clock is off (`skew`).
//! Within a minute the device's own clock is kept: the header's one-second steps and
//! the network's delay are not a wrong clock.
//!
//! One clock for the process, as the device has one clock.

use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

/// Below this the device's clock is taken as right.
pub const TOLERANCE: chrono::Duration = chrono::Duration::minutes(1);

/// The server's time less the device's, in milliseconds, from the last answer.
static OFFSET_MS: AtomicI64 = AtomicI64::new(0);
static SEEN: AtomicBool = AtomicBool::new(false);

/// Notes the time an answer of the server carried.
pub fn observe(server_time: DateTime<Utc>) {
    let offset = server_time.signed_duration_since(Utc::now()).num_milliseconds();
    OFFSET_MS.store(offset, Ordering::SeqCst);
    SEEN.store(true, Ordering::SeqCst);
}

/// How far the device's clock is behind the server's (negative: ahead), when that is
/// more than [`TOLERANCE`]; `None` while it agrees or no answer has been seen.
pub fn skew() -> Option<chrono::Duration> {
    if !SEEN.load(Ordering::SeqCst) {
        return None;
    }
    let offset = chrono::Duration::milliseconds(OFFSET_MS.load(Ordering::SeqCst));
    (offset.abs() > TOLERANCE).then_some(offset)
}

/// Now, as the server would say it (the device's clock when it agrees).
pub fn now() -> DateTime<Utc> {
    Utc::now() + skew().unwrap_or_default()
}

/// How long ago `stamp` (an RFC 3339 time this clock wrote) was, by this clock.
pub fn age_of(stamp: &str) -> Option<std::time::Duration> {
    let at = chrono::DateTime::parse_from_rfc3339(stamp).ok()?;
    Some(now().signed_duration_since(at).to_std().unwrap_or_default())
}

/// A skew in words for a technician: "3 years 12 days behind", "5 minutes ahead".
pub fn describe(skew: chrono::Duration) -> String {
    let side = if skew > chrono::Duration::zero() {
        "behind"
    } else {
        "ahead of"
    };
    let minutes = skew.num_minutes().unsigned_abs();
    let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let amount = if days >= 365 {
        format!("{} {}", unit(days / 365, "year"), unit(days % 365, "day"))
    } else if days > 0 {
        format!("{} {}", unit(days, "day"), unit(hours, "hour"))
    } else if hours > 0 {
        format!("{} {}", unit(hours, "hour"), unit(minutes, "minute"))
    } else {
        unit(minutes, "minute")
    };
    format!("{amount} {side} the server's")
}

fn unit(n: u64, name: &str) -> String {
    if n == 1 {
        format!("1 {name}")
    } else {
        format!("{n} {name}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_skew_is_said_in_the_largest_units_that_fit() {
        assert_eq!(
            describe(chrono::Duration::days(3 * 365 + 12)),
            "3 years 12 days behind the server's"
        );
        assert_eq!(
            describe(-chrono::Duration::minutes(5)),
            "5 minutes ahead of the server's"
        );
        assert_eq!(
            describe(chrono::Duration::hours(26)),
            "1 day 2 hours behind the server's"
        );
    }
}
