//! The store cash register's side of a cash-register payment (`protocol.md`): it reads
//! the order of the kiosk's number with integration credentials, then confirms that it
//! took the exact amount due with its own transaction. The kiosk never makes these
//! calls; `instore-kiosk register` does, so a register integrator can test their side
//! against the simulator.
//!
//! The confirmation's path is not public in the platform's documentation; the
//! simulator's choice, `/hooks/cash_register/complete/`, is used here and in README.

use super::error::CommerceError;
use super::money::Money;
use super::pages::PreOrder;
use serde_json::{json, Value};
use std::time::Duration;

type Result<T> = std::result::Result<T, CommerceError>;

pub const PRE_ORDER_PATH: &str = "hooks/cash_register/pre_order/";
pub const COMPLETE_PATH: &str = "hooks/cash_register/complete/";

/// A refusal: the code and message the server answers with HTTP 200.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let meaning = match self.code.as_str() {
            "402" => "the basket changed after the number was issued",
            "403" => "the integration credentials were refused",
            "407" => "no payment option was chosen",
            "408" => "the payment option is not the cash register",
            "409" => "the order number is missing",
            "410" => "no order has this number",
            "411" => "there is no checkout session for this number",
            _ => "refused",
        };
        write!(f, "error {} ({meaning}): {}", self.code, self.message)
    }
}

/// A register with its integration credentials.
pub struct RegisterClient {
    http: reqwest::Client,
    base: url::Url,
    username: String,
    password: String,
}

impl RegisterClient {
    pub fn new(base_url: &str, username: &str, password: &str) -> Result<RegisterClient> {
        let config = super::ClientConfig::new(base_url)?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| CommerceError::BadUrl(base_url.to_string(), e.to_string()))?;
        Ok(RegisterClient {
            http,
            base: config.base_url,
            username: username.to_string(),
            password: password.to_string(),
        })
    }

    /// Reads the order of `number`: its `pre_order`, or the server's refusal.
    pub async fn pre_order(&self, number: &str) -> Result<std::result::Result<PreOrder, Refusal>> {
        let answer = self
            .call(
                PRE_ORDER_PATH,
                json!({"username": self.username, "password": self.password, "order_number": number}),
            )
            .await?;
        if let Some(refusal) = refusal_of(&answer) {
            return Ok(Err(refusal));
        }
        let pre_order = answer.get("pre_order").cloned().unwrap_or(answer);
        serde_json::from_value(pre_order)
            .map(Ok)
            .map_err(|e| CommerceError::Malformed {
                what: "the register's pre_order".into(),
                detail: e.to_string(),
            })
    }

    /// Confirms the register took `amount` for `number` with its `transaction_id`.
    pub async fn confirm(
        &self,
        number: &str,
        transaction_id: &str,
        amount: Money,
        terminal_id: Option<&str>,
    ) -> Result<std::result::Result<(), Refusal>> {
        let answer = self
            .call(
                COMPLETE_PATH,
                json!({"username": self.username, "password": self.password, "order_number": number,
                       "transaction_id": transaction_id, "amount": super::money::wire(amount),
                       "terminal_id": terminal_id}),
            )
            .await?;
        Ok(match refusal_of(&answer) {
            Some(refusal) => Err(refusal),
            None => Ok(()),
        })
    }

    async fn call(&self, path: &str, body: Value) -> Result<Value> {
        let url = self
            .base
            .join(path)
            .map_err(|e| CommerceError::BadUrl(path.to_string(), e.to_string()))?;
        let answer = self.http.post(url.clone()).json(&body).send().await.map_err(|e| {
            if e.is_timeout() {
                CommerceError::Timeout { seconds: 30.0 }
            } else {
                CommerceError::Unreachable {
                    url: url.to_string(),
                    detail: e.to_string(),
                }
            }
        })?;
        let status = answer.status();
        if status.is_server_error() {
            return Err(CommerceError::Server {
                status: status.as_u16(),
            });
        }
        let text = answer
            .text()
            .await
            .map_err(|e| CommerceError::ConnectionLost(e.to_string()))?;
        if !status.is_success() {
            return Err(CommerceError::Http {
                status: status.as_u16(),
                what: path.to_string(),
                message: text.chars().take(200).collect(),
            });
        }
        serde_json::from_str(&text).map_err(|e| CommerceError::Malformed {
            what: path.to_string(),
            detail: e.to_string(),
        })
    }
}

/// `{"error_code", "error_message"}` (or a `result` other than "0") is a refusal.
fn refusal_of(answer: &Value) -> Option<Refusal> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    let code = answer
        .get("error_code")
        .map(text)
        .filter(|c| !c.is_empty())
        .or_else(|| answer.get("result").map(text).filter(|r| r != "0"))?;
    Some(Refusal {
        code,
        message: answer.get("error_message").map(text).unwrap_or_default(),
    })
}
