//! The checkout's calls: the step the checkout is at, a step posted with its form
//! fields, a step read with GET (the reference's "Fetch Saved Cards"), and any step as
//! raw JSON for support and conformance. An answer with `errors` may come as HTTP 400
//! in the usual envelope: it is read, not refused.
//!
//! Not here: which step to post next (`crate::checkout`).

use super::client::{http_error, parse_json, urlencode, Body, CommerceClient};
use super::error::{CommerceError, Result};
use super::pages::{CheckoutResponse, PageName};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::time::Instant;

impl CommerceClient {
    /// Re-reads the current checkout step.
    pub async fn checkout(&self) -> Result<CheckoutResponse> {
        self.checkout_call(Method::GET, "orders/checkout/".to_string(), Body::Empty, "checkout")
            .await
    }

    /// Posts one checkout step with its form fields.
    pub async fn post_step(&self, page: PageName, fields: &[(&str, &str)]) -> Result<CheckoutResponse> {
        let form = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        self.checkout_call(
            Method::POST,
            format!("orders/checkout/?page={}", urlencode(page.as_str())),
            Body::Form(form),
            page.as_str(),
        )
        .await
    }

    /// Reads a checkout step with GET (the reference's "Fetch Saved Cards").
    pub async fn get_step(&self, page: PageName) -> Result<CheckoutResponse> {
        self.checkout_call(
            Method::GET,
            format!("orders/checkout/?page={}", urlencode(page.as_str())),
            Body::Empty,
            page.as_str(),
        )
        .await
    }

    /// Posts (or with no `method`, reads) a step and returns the answer as raw JSON,
    /// for support dumps and conformance checks. The page is any text, known or not.
    pub async fn step_raw(&self, method: Method, page: &str, fields: &[(&str, &str)]) -> Result<Value> {
        let path = format!("orders/checkout/?page={}", urlencode(page));
        let body = if method == Method::GET {
            Body::Empty
        } else {
            Body::Form(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
        };
        let bytes = self.call(method, &path, body, page).await?;
        parse_json(&bytes, page)
    }

    async fn checkout_call(&self, method: Method, path: String, body: Body, what: &str) -> Result<CheckoutResponse> {
        let started = Instant::now();
        let (status, bytes) = self.send(method, &path, body, what).await?;
        // An answer with errors may come as 400 with the usual envelope.
        if !status.is_success() && status != StatusCode::BAD_REQUEST {
            return Err(http_error(status, what, &bytes));
        }
        let response = CheckoutResponse::parse(&bytes).map_err(|detail| {
            if status.is_success() {
                CommerceError::Malformed {
                    what: what.to_string(),
                    detail,
                }
            } else {
                http_error(status, what, &bytes)
            }
        })?;
        tracing::debug!(step = what, answer = ?response.current().map(|p| p.name()), errors = response.errors.is_some(),
            ms = started.elapsed().as_millis() as u64, "checkout");
        Ok(response)
    }
}
