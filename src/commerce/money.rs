//! Money as `rust_decimal::Decimal`, end to end.
//!
//! The server sends amounts as decimal strings (`"105.00"`) in `pre_order` and as JSON
//! numbers in the reference's examples. Both parse here without passing through binary
//! floating point where that can be avoided: a JSON number is read from its own text.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};
use std::str::FromStr;

pub use rust_decimal::Decimal as Money;

/// Parses `"105.00"`, `105`, `105.5` or `null`/missing (as zero) into a decimal.
pub fn de_money<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    Ok(de_opt_money(d)?.unwrap_or_default())
}

/// Like [`de_money`] but keeps "absent" apart from zero.
pub fn de_opt_money<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    parse_money_value(&value).map_err(serde::de::Error::custom)
}

/// Reads a money value out of loose JSON.
pub fn parse_money_value(value: &serde_json::Value) -> Result<Option<Decimal>, String> {
    match value {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) if s.trim().is_empty() => Ok(None),
        serde_json::Value::String(s) => parse_money_text(s).map(Some),
        serde_json::Value::Number(n) => parse_money_text(&n.to_string()).map(Some),
        other => Err(format!("expected an amount, found {other}")),
    }
}

fn parse_money_text(text: &str) -> Result<Decimal, String> {
    let text = text.trim();
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .map_err(|_| format!("{text:?} is not an amount"))
}

/// Formats an amount for the wire and for logs: two decimal places, dot separator.
/// The largest price the kiosk computes with: a trillion lira. A line's total and a
/// basket's sum of prices this size stay far inside what `Decimal` holds, so the
/// kiosk's own arithmetic on them cannot overflow (and panic).
pub const MAX_PRICE: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// A price the kiosk can sell at: not negative, at most [`MAX_PRICE`].
pub fn plausible_price(price: Decimal) -> bool {
    price >= Decimal::ZERO && price <= MAX_PRICE
}

pub fn wire(amount: Decimal) -> String {
    format!("{:.2}", round_cents(amount))
}

/// Rounds to whole kuruş the way a receipt does (half away from zero).
pub fn round_cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// Formats an amount as a Turkish customer reads it: `1.234,50 ₺`.
pub fn format_try(amount: Decimal) -> String {
    let rounded = round_cents(amount);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let text = format!("{:.2}", rounded.abs());
    let (int_part, frac) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, ch) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(ch);
    }
    format!("{}{grouped},{frac} ₺", if negative { "-" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_price_is_a_trillion_lira() {
        assert_eq!(MAX_PRICE, Decimal::new(1_000_000_000_000, 0));
        assert!(plausible_price(MAX_PRICE) && !plausible_price(MAX_PRICE + Decimal::ONE));
        assert!(!plausible_price(Decimal::NEGATIVE_ONE) && plausible_price(Decimal::ZERO));
        // A basket of the largest prices in the largest quantities still adds up.
        let line = MAX_PRICE.checked_mul(Decimal::from(u32::MAX)).unwrap();
        assert!(line.checked_mul(Decimal::from(1000)).is_some());
    }
    use rust_decimal_macros_free::dec;

    mod rust_decimal_macros_free {
        macro_rules! dec {
            ($s:literal) => {
                rust_decimal::Decimal::from_str_exact($s).unwrap()
            };
        }
        pub(crate) use dec;
    }

    #[test]
    fn strings_and_numbers_parse_to_the_same_amount() {
        let a: serde_json::Value = serde_json::json!("105.00");
        let b: serde_json::Value = serde_json::json!(105);
        let c: serde_json::Value = serde_json::json!(105.0);
        for v in [a, b, c] {
            assert_eq!(parse_money_value(&v).unwrap(), Some(dec!("105")));
        }
        assert_eq!(parse_money_value(&serde_json::json!(0.1)).unwrap(), Some(dec!("0.1")));
        assert!(parse_money_value(&serde_json::json!("abc")).is_err());
        assert!(parse_money_value(&serde_json::json!([1])).is_err());
    }

    #[test]
    fn turkish_format_groups_thousands_with_dots() {
        assert_eq!(format_try(dec!("1234.5")), "1.234,50 ₺");
        assert_eq!(format_try(dec!("999")), "999,00 ₺");
        assert_eq!(format_try(dec!("1000000")), "1.000.000,00 ₺");
        assert_eq!(format_try(dec!("-12.345")), "-12,35 ₺");
        assert_eq!(wire(dec!("12.3")), "12.30");
    }
}
