//! Payments the customer finishes on their phone, at a payment service: redirection,
//! credit payment, Garanti Pay, and the wallets whose reference flow runs the service's
//! script in a browser (BKM Express, Masterpass).
//!
//! The kiosk shows the service's address as a QR code and watches the outcome. It
//! posts to the checkout only what the service gave back (its `return_form`), never a
//! verdict of its own. Both the touchscreen and the `checkout` command use this.

use crate::commerce::pages::{Page, PageName};
use serde_json::Value;
use std::time::Duration;

/// Hand-off page addresses of the wallets, from the settings' `[handoff]`.
pub use crate::settings::HandoffSettings as Templates;

/// What a wallet's earlier pages gave that its hand-off address needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WalletContext {
    pub transaction_id: String,
    pub token: String,
    pub order_no: String,
    pub msisdn: String,
}

impl WalletContext {
    /// Keeps what a page gives (BKM Express's BIN page, Masterpass's complete page).
    pub fn learn(&mut self, page: &Page) {
        match page {
            Page::BexBinNumber(ctx) => {
                self.transaction_id = ctx.transaction_id.clone();
                self.token = ctx.token.clone();
            }
            Page::MasterpassComplete(ctx) => {
                self.token = ctx.token.clone();
                self.order_no = ctx.order_no.clone();
                self.msisdn = ctx.msisdn.clone();
            }
            _ => {}
        }
    }
}

/// A step that waits for the customer at a payment service.
#[derive(Debug, Clone, PartialEq)]
pub struct Handoff {
    /// The address the customer opens on the phone.
    pub url: String,
    /// The checkout page that takes the service's answer.
    pub complete: PageName,
}

/// The hand-off of `page`, if it is one: `redirect_url` where the server gives it, a
/// template for BKM Express and Masterpass. `None` for any other page, and for a
/// redirecting page whose address is missing (the caller says so).
pub fn handoff(page: &Page, commerce: &str, templates: &Templates, wallet: &WalletContext) -> Option<Handoff> {
    let commerce = commerce.trim_end_matches('/');
    let absolute = |url: &str| {
        if url.starts_with("http://") || url.starts_with("https://") {
            url.to_string()
        } else {
            format!("{commerce}/{}", url.trim_start_matches('/'))
        }
    };
    let fill = |template: &str| {
        template
            .replace("{commerce}", commerce)
            .replace("{transaction_id}", &wallet.transaction_id)
            .replace("{token}", &wallet.token)
            .replace("{order_no}", &wallet.order_no)
            .replace("{msisdn}", &wallet.msisdn)
    };
    let (url, complete) = match page {
        Page::RedirectionPageComplete(ctx) => (
            absolute(ctx.redirect_url.as_deref()?),
            PageName::RedirectionPageComplete,
        ),
        Page::CreditPaymentConfirmation(ctx) => {
            (absolute(ctx.redirect_url.as_deref()?), PageName::CreditPaymentComplete)
        }
        Page::GPayComplete(ctx) => (absolute(ctx.redirect_url.as_deref()?), PageName::GPayComplete),
        Page::BexNonce(_) => (fill(&templates.bkm_express), PageName::BexNonce),
        Page::MasterpassComplete(_) => (fill(&templates.masterpass), PageName::MasterpassComplete),
        _ => return None,
    };
    Some(Handoff { url, complete })
}

/// What the service says about the payment.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// The customer has not decided yet.
    Waiting,
    /// Decided: approved or not, and the fields the service sends back to the checkout.
    Decided {
        approved: bool,
        form: Vec<(String, String)>,
    },
    /// The service does not say (not a status the kiosk can read): learn the outcome by
    /// posting the completion page instead.
    Silent,
}

/// Asks the service page for its state (`?format=json`). A page that answers anything
/// but that JSON is [`Status::Silent`]; a request that fails is an error (try again).
pub async fn status(http: &reqwest::Client, url: &str) -> Result<Status, String> {
    let answer = http
        .get(url)
        .query(&[("format", "json")])
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if answer.status().is_server_error() {
        return Err(format!("the payment service answered {}", answer.status()));
    }
    let Ok(body) = answer.json::<Value>().await else {
        return Ok(Status::Silent);
    };
    Ok(read_status(&body))
}

fn read_status(body: &Value) -> Status {
    match body.get("decision") {
        Some(Value::Null) => Status::Waiting,
        Some(Value::String(decision)) => Status::Decided {
            approved: decision == "approve",
            form: return_form(body),
        },
        _ => Status::Silent,
    }
}

/// The fields a service's answer sends back to the checkout, as text.
pub fn return_form(body: &Value) -> Vec<(String, String)> {
    body.get("return_form")
        .and_then(Value::as_object)
        .map(|form| {
            form.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// An HTTP client for the service pages, bounded like every request the kiosk makes.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commerce::pages::RedirectContext;
    use serde_json::json;

    #[test]
    fn a_wallet_address_is_filled_from_its_pages_and_a_redirect_is_made_absolute() {
        let wallet = WalletContext {
            transaction_id: "T1".into(),
            token: "K2".into(),
            ..Default::default()
        };
        let templates = Templates::default();
        let bkm = handoff(
            &Page::BexNonce(Default::default()),
            "http://127.0.0.1:9/",
            &templates,
            &wallet,
        )
        .unwrap();
        assert_eq!(bkm.url, "http://127.0.0.1:9/_sim/pay/T1/");
        assert_eq!(bkm.complete, PageName::BexNonce);
        let redirect = Page::RedirectionPageComplete(RedirectContext {
            redirect_url: Some("/_sim/pay/abc/".into()),
        });
        let r = handoff(&redirect, "https://shop.example", &templates, &wallet).unwrap();
        assert_eq!(r.url, "https://shop.example/_sim/pay/abc/");
        let none = Page::RedirectionPageComplete(RedirectContext { redirect_url: None });
        assert_eq!(handoff(&none, "https://shop.example", &templates, &wallet), None);
    }

    #[test]
    fn only_the_services_words_count() {
        assert_eq!(read_status(&json!({"decision": null})), Status::Waiting);
        assert_eq!(
            read_status(&json!({"decision": "approve", "return_form": {"success": "true", "n": 3}})),
            Status::Decided {
                approved: true,
                form: vec![("n".into(), "3".into()), ("success".into(), "true".into())]
            }
        );
        assert_eq!(read_status(&json!({"ok": true})), Status::Silent);
    }
}
