//! The steps where a checkout waits for someone else: the cashier at the register, or
//! the customer at a third-party payment service page.

use super::{CheckoutError, Event, ServiceAction, Walk};
use crate::checkout::handoff;
use crate::commerce::pages::{CheckoutResponse, Page, PageName};
use crate::commerce::CommerceError;
use std::time::{Duration, Instant};

impl Walk<'_> {
    /// Shows the barcode and asks the server every `seconds` whether the register has
    /// taken the payment; one request at a time, through short network failures.
    pub(super) async fn wait_for_register(
        &mut self,
        number: Option<String>,
        seconds: Option<u32>,
    ) -> Result<CheckoutResponse, CheckoutError> {
        let mut number = number;
        let mut seconds = seconds.unwrap_or(5).max(1);
        if let Some(n) = &number {
            (self.events)(Event::Barcode {
                number: n.clone(),
                seconds,
            });
        }
        let waiting_since = Instant::now();
        let mut polls = 0u32;
        loop {
            if waiting_since.elapsed() > self.choices.wait_limit {
                return Err(CheckoutError::GaveUp(
                    self.choices.wait_limit,
                    "the register has not taken the payment".into(),
                ));
            }
            // Without a number (an empty context) ask at once; otherwise wait the server's interval.
            if number.is_some() {
                tokio::time::sleep(Duration::from_secs(u64::from(seconds))).await;
            }
            polls += 1;
            let response = match self.client.post_step(PageName::CashRegisterComplete, &[]).await {
                Ok(response) => response,
                Err(e) if e.is_connectivity() => {
                    (self.events)(Event::Reconnecting(e.to_string()));
                    if number.is_none() {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            if let Some(errors) = &response.errors {
                return Err(CheckoutError::Rejected {
                    page: PageName::CashRegisterComplete.to_string(),
                    message: errors.summary(),
                });
            }
            match response.current() {
                Some(Page::CashRegisterComplete(ctx)) => {
                    if let (None, Some(n)) = (&number, &ctx.number) {
                        seconds = ctx.seconds.unwrap_or(seconds).max(1);
                        number = Some(n.0.clone());
                        (self.events)(Event::Barcode {
                            number: n.0.clone(),
                            seconds,
                        });
                    } else {
                        (self.events)(Event::Polling { polls });
                    }
                }
                _ => return Ok(response),
            }
        }
    }

    /// A payment finished at a payment service, then confirmed on the checkout with
    /// only the fields the service gave back.
    pub(super) async fn third_party(&mut self, page: &Page) -> Result<CheckoutResponse, CheckoutError> {
        let handoff =
            handoff::handoff(page, &self.client.links(), &self.choices.handoff, &self.wallet).ok_or_else(|| {
                CheckoutError::Rejected {
                    page: page.name().to_string(),
                    message: "the server gave no payment address".into(),
                }
            })?;
        let url = handoff::locate(self.client, &handoff.url).await;
        let complete_page = handoff.complete;
        (self.events)(Event::Service { url: url.clone() });
        if self.choices.service != ServiceAction::Wait {
            let approve = self.choices.service == ServiceAction::Approve;
            decide_at_service(&url, approve).await?;
        }
        // Learn the outcome from the service, as the kiosk does: its status, or where it
        // says nothing, posting the completion page until the server accepts it.
        let http = handoff::http_client();
        let since = Instant::now();
        let mut first = true;
        loop {
            if !first {
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            first = false;
            let fields = match handoff::status(&http, &url).await {
                Ok(handoff::Status::Waiting) => None,
                Ok(handoff::Status::Decided { approved: false, form }) => {
                    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                    return match self.post(complete_page, &fields).await {
                        Err(CheckoutError::Rejected { message, .. }) => Err(CheckoutError::Declined(message)),
                        Ok(_) => Err(CheckoutError::Declined("the payment service declined".into())),
                        Err(e) => Err(e),
                    };
                }
                Ok(handoff::Status::Decided { approved: true, form }) => Some(form),
                Ok(handoff::Status::Silent) => Some(Vec::new()),
                Err(e) => {
                    (self.events)(Event::Reconnecting(e));
                    None
                }
            };
            if let Some(form) = fields {
                let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                match self.client.post_step(complete_page, &fields).await {
                    Ok(response) if response.errors.is_none() => return Ok(response),
                    Ok(_) => {}
                    Err(e) if e.is_connectivity() => (self.events)(Event::Reconnecting(e.to_string())),
                    Err(e) => return Err(e.into()),
                }
            }
            if since.elapsed() > self.choices.wait_limit {
                return Err(CheckoutError::GaveUp(
                    self.choices.wait_limit,
                    "the payment service has not confirmed".into(),
                ));
            }
        }
    }
}

/// Plays the customer's phone at a payment service page: posts the decision there.
async fn decide_at_service(url: &str, approve: bool) -> Result<(), CheckoutError> {
    let unreachable = |e: reqwest::Error| {
        CheckoutError::Commerce(CommerceError::Unreachable {
            url: url.to_string(),
            detail: e.to_string(),
        })
    };
    // Like every request the kiosk makes, this one gives up in bounded time.
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(unreachable)?;
    client
        .post(url)
        .header("Accept", "application/json")
        .form(&[("decision", if approve { "approve" } else { "decline" })])
        .send()
        .await
        .map_err(unreachable)?
        .error_for_status()
        .map_err(unreachable)?;
    Ok(())
}
