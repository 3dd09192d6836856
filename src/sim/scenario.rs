//! What the simulator offers and how badly it behaves: payment options and their
//! branches, saved cards, cash-register automation, latency and injected faults.
//!
//! A scenario comes from a TOML file (`instore-kiosk sim --scenario FILE`), from flags,
//! or from [`Scenario::default`], which offers every strategy of the reference.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// One payment option the simulator lists on `PaymentOptionSelectionPage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSpec {
    pub name: String,
    pub payment_type: String,
    /// Cash register: ask for an installment before the barcode.
    #[serde(default)]
    pub is_installment_active: bool,
    /// Confirmation (Paycell): show terms and ask for agreement first.
    #[serde(default)]
    pub agreement_required: bool,
    /// MobilExpress: verify the phone with an OTP before listing cards.
    #[serde(default)]
    pub otp_required: bool,
}

impl OptionSpec {
    fn new(name: &str, payment_type: &str) -> Self {
        OptionSpec {
            name: name.into(),
            payment_type: payment_type.into(),
            is_installment_active: false,
            agreement_required: false,
            otp_required: false,
        }
    }

    pub fn slug(&self) -> String {
        self.name
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("-")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedCardSpec {
    pub name: String,
    pub masked_card_number: String,
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MobilExpressCardSpec {
    pub card_id: String,
    pub masked_card_no: String,
    pub alias: String,
}

/// A voucher code the basket takes (`PATCH /baskets/basket/`, README "Vouchers").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoucherSpec {
    pub code: String,
    /// What the basket's discount line says (Turkish; `server/language.rs` has its English).
    pub description: String,
    /// Per cent off the goods, or
    #[serde(default)]
    pub percent: Option<u32>,
    /// an amount off them (never more than they come to).
    #[serde(default)]
    pub amount: Option<crate::commerce::Money>,
    /// The least the goods must come to.
    #[serde(default)]
    pub minimum: Option<crate::commerce::Money>,
    /// The last day it may be used, `YYYY-MM-DD`.
    #[serde(default)]
    pub valid_until: Option<String>,
    /// Spent by the first order placed with it.
    #[serde(default)]
    pub single_use: bool,
}

impl VoucherSpec {
    fn new(code: &str, description: &str) -> Self {
        VoucherSpec {
            code: code.into(),
            description: description.into(),
            percent: None,
            amount: None,
            minimum: None,
            valid_until: None,
            single_use: false,
        }
    }

    /// Its last day, when it has one.
    pub fn last_day(&self) -> Option<chrono::NaiveDate> {
        self.valid_until
            .as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
    }
}

/// The demo's vouchers: one of each kind a store prints.
fn default_vouchers() -> Vec<VoucherSpec> {
    let spring = VoucherSpec {
        percent: Some(10),
        ..VoucherSpec::new("BAHAR10", "Bahar indirimi %10")
    };
    let welcome = VoucherSpec {
        amount: Some(50.into()),
        minimum: Some(250.into()),
        ..VoucherSpec::new("HOSGELDIN50", "Hoş geldin indirimi")
    };
    let new_year = VoucherSpec {
        percent: Some(20),
        valid_until: Some("2025-12-31".into()),
        ..VoucherSpec::new("YILBASI25", "Yılbaşı indirimi %20")
    };
    let once = VoucherSpec {
        amount: Some(100.into()),
        single_use: true,
        ..VoucherSpec::new("TEKSEFER100", "Tek kullanımlık 100 TL")
    };
    vec![spring, welcome, new_year, once]
}

/// A gift card the checkout takes (README, "Gift cards"): its number, what is left on
/// it, and the phone its SMS code goes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GiftCardSpec {
    pub number: String,
    pub balance: crate::commerce::Money,
    pub phone: String,
}

/// The demo's gift cards: two with money on them, one spent.
fn default_gift_cards() -> Vec<GiftCardSpec> {
    let card = |number: &str, balance: i64| GiftCardSpec {
        number: number.into(),
        balance: balance.into(),
        phone: "5321112233".into(),
    };
    vec![
        card("6000100020003000", 200),
        card("6000100020004000", 150),
        card("6000100020005000", 0),
    ]
}

/// Faults injected into the commerce endpoints (never into `/_sim/` or the payment pages).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Share of requests answered 503 before anything is done.
    pub server_error_rate: f64,
    /// Share of requests whose connection is closed before anything is done.
    pub drop_rate: f64,
    /// Share of answers whose body is replaced by broken JSON (after processing).
    pub malformed_rate: f64,
    /// Share of requests processed and then left unanswered (connection closed).
    pub lose_answer_rate: f64,
    /// A session ends after this many requests (the next one gets 401).
    pub session_expiry_after: Option<u32>,
    /// Checkout steps posted to this page are processed only after `late_ms`, whether
    /// or not the client still waits: a server that answers after the client gave up.
    pub late_page: Option<String>,
    pub late_ms: u64,
    /// Requests whose path starts with one of these are answered 503, unprocessed.
    pub unavailable_paths: Vec<String>,
    /// Every link the server gives (a list's `next` and `previous`, a placed order's
    /// page, service pages, logos) names this address instead of the one the request
    /// came to, e.g. `https://commerce.internal:8443`: a proxy that passes neither the
    /// Host nor the scheme on, seen from the server behind it.
    pub links_origin: Option<String>,
    /// The next commerce requests are answered with these statuses, one each, with a
    /// proxy's HTML page and unprocessed: a load balancer's burst of 502/503/504.
    pub proxy_errors: Vec<u16>,
    /// How a request on an ended session is answered.
    pub signed_out_answer: SignedOutAnswer,
    /// The server's clock this many seconds from the machine's, in every answer's
    /// `Date`: a device whose clock is that far off, seen from the server.
    pub clock_offset_seconds: i64,
    /// Product searches whose text is one of these (as typed) are answered this many
    /// milliseconds late: a slow search the kiosk must let a newer one overtake.
    pub slow_searches: Vec<SlowSearch>,
}

/// One slow product search (`Faults::slow_searches`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlowSearch {
    pub text: String,
    pub delay_ms: u64,
}

/// How the server says the session is gone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignedOutAnswer {
    /// 401 with a JSON `detail`, as the API does.
    #[default]
    Unauthorized,
    /// 302 to the login page, as a server's web front does.
    Redirect,
    /// 200 with the HTML login page.
    LoginPage,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    pub options: Vec<OptionSpec>,
    pub saved_cards: Vec<SavedCardSpec>,
    pub mobilexpress_cards: Vec<MobilExpressCardSpec>,
    /// The voucher codes the basket takes.
    pub vouchers: Vec<VoucherSpec>,
    /// The gift cards the checkout takes; their SMS code is `otp`.
    pub gift_cards: Vec<GiftCardSpec>,
    /// The OTP every OTP step accepts.
    pub otp: String,
    /// `seconds` of CashRegisterCompletePage: how often the kiosk should poll.
    pub cash_register_poll_seconds: u32,
    /// Take the cash-register payment by itself after this many polls.
    pub cash_register_auto_pay_after_polls: Option<u32>,
    /// Added to every commerce answer.
    pub latency_ms: u64,
    pub faults: Faults,
    /// Seed of the fault dice, so a failing run can be repeated.
    pub seed: u64,
    pub demo_email: String,
    pub demo_password: String,
    /// The cash register's integration credentials (`/hooks/cash_register/…`).
    pub register_username: String,
    pub register_password: String,
}

impl Default for Scenario {
    fn default() -> Self {
        let mut cash_installments = OptionSpec::new("Cash Register (installments)", "cash_register");
        cash_installments.is_installment_active = true;
        let mut paycell_terms = OptionSpec::new("Paycell (with agreement)", "confirmation");
        paycell_terms.agreement_required = true;
        let mut mobilexpress_otp = OptionSpec::new("MobilExpress (phone verification)", "mobilexpress");
        mobilexpress_otp.otp_required = true;
        Scenario {
            options: vec![
                OptionSpec::new("Cash Register", "cash_register"),
                cash_installments,
                OptionSpec::new("Pay on Delivery", "pay_on_delivery"),
                OptionSpec::new("Saved Card", "saved_card"),
                OptionSpec::new("Funds Transfer", "funds_transfer"),
                OptionSpec::new("Loyalty Money", "loyalty_money"),
                OptionSpec::new("Pay Later", "pay_later"),
                OptionSpec::new("Redirection", "redirection"),
                OptionSpec::new("Shopping Credit", "credit_payment"),
                OptionSpec::new("BKM Express", "bkm_express"),
                OptionSpec::new("Garanti Pay", "gpay"),
                OptionSpec::new("Paycell", "confirmation"),
                paycell_terms,
                OptionSpec::new("Masterpass", "masterpass"),
                OptionSpec::new("MobilExpress", "mobilexpress"),
                mobilexpress_otp,
            ],
            saved_cards: vec![
                SavedCardSpec {
                    name: "My Visa Card".into(),
                    masked_card_number: "4355 08** **** **17".into(),
                    token: "my-visa-card".into(),
                },
                SavedCardSpec {
                    name: "Bonus Card".into(),
                    masked_card_number: "5555 55** **** **92".into(),
                    token: "bonus-card".into(),
                },
            ],
            mobilexpress_cards: vec![MobilExpressCardSpec {
                card_id: "6f08f86f-0343-4e9e-a3e2-656a3facf79b".into(),
                masked_card_no: "454671******7894".into(),
                alias: "MAXIMUM".into(),
            }],
            vouchers: default_vouchers(),
            gift_cards: default_gift_cards(),
            otp: "5544".into(),
            cash_register_poll_seconds: 5,
            cash_register_auto_pay_after_polls: None,
            latency_ms: 0,
            faults: Faults::default(),
            seed: 7,
            demo_email: "demo@instore.test".into(),
            demo_password: "demo1234".into(),
            register_username: "register".into(),
            register_password: "register-secret".into(),
        }
    }
}

impl Scenario {
    /// Reads a scenario file; fields left out keep their defaults.
    pub fn from_file(path: &Path) -> Result<Scenario, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let scenario: Scenario = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        scenario.validate().map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(scenario)
    }

    pub fn validate(&self) -> Result<(), String> {
        let f = &self.faults;
        for (name, rate) in [
            ("faults.server_error_rate", f.server_error_rate),
            ("faults.drop_rate", f.drop_rate),
            ("faults.malformed_rate", f.malformed_rate),
            ("faults.lose_answer_rate", f.lose_answer_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{name} must be between 0 and 1, not {rate}"));
            }
        }
        if let Some(origin) = &f.links_origin {
            let parsed = url::Url::parse(origin).map_err(|e| format!("faults.links_origin {origin:?}: {e}"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(format!(
                    "faults.links_origin {origin:?} must start with http:// or https://"
                ));
            }
        }
        if let Some(status) = f.proxy_errors.iter().find(|s| !(500..=599).contains(*s)) {
            return Err(format!("faults.proxy_errors must be 5xx statuses, not {status}"));
        }
        if self.cash_register_poll_seconds == 0 {
            return Err("cash_register_poll_seconds must be at least 1".into());
        }
        for voucher in &self.vouchers {
            if voucher.percent.is_some() == voucher.amount.is_some() {
                return Err(format!("vouchers {:?}: give either percent or amount", voucher.code));
            }
            if voucher.percent.is_some_and(|p| p == 0 || p > 100) {
                return Err(format!("vouchers {:?}: percent must be 1 to 100", voucher.code));
            }
            if voucher.valid_until.is_some() && voucher.last_day().is_none() {
                return Err(format!("vouchers {:?}: valid_until must be YYYY-MM-DD", voucher.code));
            }
        }
        if self.options.is_empty() {
            return Err("options must list at least one payment option".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_file_overrides_only_what_it_names() {
        let text = r#"
            cash_register_auto_pay_after_polls = 3
            [faults]
            server_error_rate = 0.25
            session_expiry_after = 50
            [[options]]
            name = "Cash Register (installments)"
            payment_type = "cash_register"
            is_installment_active = true
        "#;
        let scenario: Scenario = toml::from_str(text).unwrap();
        scenario.validate().unwrap();
        assert_eq!(scenario.cash_register_auto_pay_after_polls, Some(3));
        assert_eq!(scenario.faults.server_error_rate, 0.25);
        assert_eq!(scenario.faults.session_expiry_after, Some(50));
        assert_eq!(scenario.options.len(), 1);
        assert!(scenario.options[0].is_installment_active);
        assert_eq!(scenario.otp, "5544", "unnamed fields keep their defaults");
        assert_eq!(scenario.saved_cards.len(), 2);
    }

    #[test]
    fn a_bad_scenario_names_the_field() {
        let bad: Scenario = toml::from_str("[faults]\ndrop_rate = 2.0\n").unwrap();
        assert!(bad.validate().unwrap_err().contains("faults.drop_rate"));
        assert!(toml::from_str::<Scenario>("colour = 1")
            .unwrap_err()
            .to_string()
            .contains("colour"));
    }
}
