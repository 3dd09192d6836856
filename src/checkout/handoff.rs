//! Payments the customer finishes on their phone, at a payment service: redirection,
//! credit payment, Garanti Pay, and the wallets whose reference flow runs the service's
//! script in a browser (BKM Express, Masterpass).
//!
//! The kiosk shows the service's address as a QR code and watches the outcome. It
//! posts to the checkout only what the service gave back (its `return_form`), never a
//! verdict of its own. Both the touchscreen and the `checkout` command use this.

use crate::commerce::links::Links;
use crate::commerce::pages::{Page, PageName};
use crate::commerce::CommerceClient;
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
/// redirecting page whose address is missing (the caller says so). A page on the
/// commerce server (a path, or an address the server was seen to name itself by) is
/// addressed on the configured server (`links.rs`); a payment service's stays its own.
pub fn handoff(page: &Page, links: &Links, templates: &Templates, wallet: &WalletContext) -> Option<Handoff> {
    let commerce = links.base().as_str().trim_end_matches('/');
    let absolute = |url: &str| links.any(url).ok().map(|resolved| resolved.url().to_string());
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
            absolute(ctx.redirect_url.as_deref()?)?,
            PageName::RedirectionPageComplete,
        ),
        Page::CreditPaymentConfirmation(ctx) => {
            (absolute(ctx.redirect_url.as_deref()?)?, PageName::CreditPaymentComplete)
        }
        Page::GPayComplete(ctx) => (absolute(ctx.redirect_url.as_deref()?)?, PageName::GPayComplete),
        Page::BexNonce(_) => (absolute(&fill(&templates.bkm_express))?, PageName::BexNonce),
        Page::MasterpassComplete(_) => (absolute(&fill(&templates.masterpass))?, PageName::MasterpassComplete),
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

/// The service page's address as the phone and the watcher should use it. A page the
/// server named by an address this device cannot reach (a proxy's internal host, say)
/// and that answers as a service page at the same path on the configured server is the
/// server's own: that address is learnt as one of its names and the configured one
/// used. Any other page stays as the server gave it; a payment service gets no cookie.
pub async fn locate(client: &CommerceClient, url: &str) -> String {
    let Some(on_server) = client.links().on_server(url) else {
        return url.to_string();
    };
    let probe = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(3))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default();
    match probe.get(url).query(&[("format", "json")]).send().await {
        Err(e) if e.is_connect() => {}
        _ => return url.to_string(),
    }
    match status(&probe, on_server.as_str()).await {
        Ok(Status::Waiting | Status::Decided { .. }) => {
            tracing::warn!(url, %on_server, "a service page named by an address this device cannot reach answers on the commerce server; using that");
            client.learn_alias(url);
            on_server.to_string()
        }
        _ => url.to_string(),
    }
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
        let links = |base: &str| Links::new(url::Url::parse(base).unwrap());
        let bkm = handoff(
            &Page::BexNonce(Default::default()),
            &links("http://127.0.0.1:9/"),
            &templates,
            &wallet,
        )
        .unwrap();
        assert_eq!(bkm.url, "http://127.0.0.1:9/_sim/pay/T1/");
        assert_eq!(bkm.complete, PageName::BexNonce);
        let redirect = Page::RedirectionPageComplete(RedirectContext {
            redirect_url: Some("/_sim/pay/abc/".into()),
        });
        let r = handoff(&redirect, &links("https://shop.example"), &templates, &wallet).unwrap();
        assert_eq!(r.url, "https://shop.example/_sim/pay/abc/");
        let none = Page::RedirectionPageComplete(RedirectContext { redirect_url: None });
        assert_eq!(
            handoff(&none, &links("https://shop.example"), &templates, &wallet),
            None
        );
        let bank = Page::RedirectionPageComplete(RedirectContext {
            redirect_url: Some("https://3rd-party-payment.com/pay/XASiso-daaskA12-1".into()),
        });
        assert_eq!(
            handoff(&bank, &links("https://shop.example"), &templates, &wallet)
                .unwrap()
                .url,
            "https://3rd-party-payment.com/pay/XASiso-daaskA12-1",
            "a payment service's page stays its own"
        );
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
