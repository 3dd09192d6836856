//! The store staff's side of selling for a customer (#13's simulator contract): the
//! kiosk's account (staff) searches the store's customers, creates one, and opens a
//! session on a customer's behalf; that session's basket, checkout and orders are the
//! customer's. Only a staff account may do any of it.
//!
//! - `GET /users/customers/?search=TEXT`: customers whose phone, e-mail or full name
//!   contains TEXT (case and Turkish letters aside: "yilmaz" finds Yılmaz),
//!   `{"count", "results": [customer]}`.
//! - `GET /users/customers/consents/`: the consents a new customer is asked for,
//!   `{"results": [{key, label, required}]}`.
//! - `POST /users/customers/` JSON `{first_name, last_name, phone, email}` and each
//!   consent's key with `true` or `false`: 201 and the customer, or 400 with field errors
//!   (a Turkish mobile `5XXXXXXXXX`, an e-mail shape, an e-mail not taken, every required
//!   consent given).
//! - `POST /users/customers/<pk>/session/`: a session for that customer (the answer sets
//!   `osessionid`), or 404.
//!
//! - `POST /users/customers/identify/` JSON `{phone}`: a code goes by SMS to the customer
//!   with this phone (`{"sent": true}`), or 404; `{phone, code}`: the right code opens a
//!   session for that customer as above, a wrong one is 400 `{"code": [...]}`. This is
//!   how a customer at a self-service kiosk says who they are.
//!
//! A customer is `{pk, first_name, last_name, email, phone, last_order_date,
//! loyalty_balance}`.

use super::{field_error, Account, World};
use crate::commerce::Money;
use serde_json::{json, Value};

/// Why a staff request was refused.
#[derive(Debug, PartialEq)]
pub enum StaffRefusal {
    NotStaff,
    NotFound,
    /// The code sent by SMS was not the one typed.
    WrongCode,
}

/// The consents a new customer is asked for: (key, label, required).
const CONSENTS: [(&str, &str, bool); 3] = [
    ("kvkk_consent", "KVKK aydınlatma metnini okudum ve anladım.", true),
    (
        "email_allowed",
        "Kampanyalardan e-posta ile haberdar olmak istiyorum.",
        false,
    ),
    ("sms_allowed", "Kampanyalardan SMS ile haberdar olmak istiyorum.", false),
];

/// Text as a search compares it: lower case, Turkish letters as their plain Latin
/// look-alikes ("AYŞE YILMAZ" and "ayse yilmaz" are one name).
fn plain(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter(|c| *c != '\u{307}')
        .map(|c| match c {
            'ç' => 'c',
            'ğ' => 'g',
            'ı' => 'i',
            'ö' => 'o',
            'ş' => 's',
            'ü' => 'u',
            other => other,
        })
        .collect()
}

impl World {
    pub fn consents_json() -> Value {
        json!({"results": CONSENTS.iter()
            .map(|(key, label, required)| json!({"key": key, "label": label, "required": required}))
            .collect::<Vec<_>>()})
    }

    fn customer_json(&self, email: &str) -> Value {
        let a = &self.accounts[email];
        let last = self
            .orders
            .iter()
            .rev()
            .find(|o| o.email == email)
            .map(|o| o.created.clone());
        json!({"pk": a.pk, "first_name": a.first_name, "last_name": a.last_name, "email": email,
               "phone": a.phone, "last_order_date": last, "loyalty_balance": crate::commerce::money::wire(a.loyalty)})
    }

    fn is_staff(&self, email: &str) -> bool {
        self.accounts.get(email).is_some_and(|a| a.staff)
    }

    /// The customers matching `search`, for a staff account.
    pub fn customers_search(&self, staff: &str, search: &str) -> Result<Value, StaffRefusal> {
        if !self.is_staff(staff) {
            return Err(StaffRefusal::NotStaff);
        }
        let needle = plain(search);
        let mut found: Vec<(&String, &Account)> = self
            .accounts
            .iter()
            .filter(|(_, a)| !a.staff)
            .filter(|(email, a)| {
                let full_name = format!("{} {}", a.first_name, a.last_name);
                !needle.is_empty()
                    && [email.as_str(), &a.phone, &full_name]
                        .iter()
                        .any(|field| plain(field).contains(&needle))
            })
            .collect();
        found.sort_by_key(|(_, a)| a.pk);
        let results: Vec<Value> = found.iter().map(|(email, _)| self.customer_json(email)).collect();
        Ok(json!({"count": results.len(), "results": results}))
    }

    /// A new customer, checked as the platform would.
    pub fn customer_create(&mut self, staff: &str, form: &Value) -> Result<Result<Value, Value>, StaffRefusal> {
        if !self.is_staff(staff) {
            return Err(StaffRefusal::NotStaff);
        }
        let text = |key: &str| {
            form.get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        let (first, last, phone, email) = (text("first_name"), text("last_name"), text("phone"), text("email"));
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        let problem = if first.is_empty() {
            Some(field_error("first_name", "This field is required."))
        } else if last.is_empty() {
            Some(field_error("last_name", "This field is required."))
        } else if digits.len() != 10 || !digits.starts_with('5') {
            Some(field_error("phone", "Enter a mobile number like 5XXXXXXXXX."))
        } else if !email.contains('@') || !email.rsplit('@').next().is_some_and(|d| d.contains('.')) {
            Some(field_error("email", "Enter a valid e-mail address."))
        } else if self.accounts.contains_key(&email) {
            Some(field_error("email", "A customer with this e-mail already exists."))
        } else if let Some((key, _, _)) = CONSENTS
            .iter()
            .find(|(key, _, required)| *required && form.get(*key) != Some(&Value::Bool(true)))
        {
            Some(field_error(key, "This consent is required to open an account."))
        } else {
            None
        };
        if let Some(errors) = problem {
            return Ok(Err(errors));
        }
        let pk = self.accounts.values().map(|a| a.pk).max().unwrap_or(0) + 1;
        let password = self.token(16);
        self.accounts.insert(
            email.clone(),
            Account {
                pk,
                password,
                first_name: first,
                last_name: last,
                phone: digits,
                staff: false,
                addresses: Vec::new(),
                cards: Vec::new(),
                loyalty: Money::ZERO,
            },
        );
        Ok(Ok(self.customer_json(&email)))
    }

    /// A customer says who they are with their phone and the code sent to it: `None`
    /// when the code was sent, else the session on their behalf.
    pub fn customer_identify(
        &mut self,
        staff: &str,
        phone: &str,
        code: Option<&str>,
    ) -> Result<Option<(String, Value)>, StaffRefusal> {
        if !self.is_staff(staff) {
            return Err(StaffRefusal::NotStaff);
        }
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        let digits = digits.trim_start_matches('0').trim_start_matches("90").to_string();
        let pk = self
            .accounts
            .values()
            .find(|a| !a.staff && !digits.is_empty() && a.phone == digits)
            .map(|a| a.pk)
            .ok_or(StaffRefusal::NotFound)?;
        match code.map(str::trim) {
            None | Some("") => {
                tracing::info!(code = %self.scenario.otp, "simulator: the identification code went by SMS");
                Ok(None)
            }
            Some(code) if code == self.scenario.otp => self.customer_session(staff, pk).map(Some),
            Some(_) => Err(StaffRefusal::WrongCode),
        }
    }

    /// A session on customer `pk`'s behalf: its id.
    pub fn customer_session(&mut self, staff: &str, pk: u64) -> Result<(String, Value), StaffRefusal> {
        if !self.is_staff(staff) {
            return Err(StaffRefusal::NotStaff);
        }
        let email = self
            .accounts
            .iter()
            .find(|(_, a)| a.pk == pk && !a.staff)
            .map(|(e, _)| e.clone())
            .ok_or(StaffRefusal::NotFound)?;
        let sid = self.token(32);
        self.sessions.insert(
            sid.clone(),
            super::Session {
                email: email.clone(),
                requests: 0,
            },
        );
        tracing::info!(%staff, customer = %email, "a session on a customer's behalf");
        Ok((sid, self.customer_json(&email)))
    }
}
