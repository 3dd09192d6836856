//! The server's basket: signing in (the kiosk's account, or the built-in simulator in
//! demo mode), and the basket's taps: a code added, a quantity changed, a line removed.
//!
//! Not here: the basket sold without the server (`local.rs`), the basket's screen data
//! (`crate::ui::view`), the checkout after Pay (`steps.rs`).

use super::{Controller, Failure, Sale};
use crate::commerce::{ClientConfig, CommerceClient, CommerceError};
use crate::sim::Simulator;
use crate::ui::view::{Notice, Update};

impl Controller {
    pub(super) async fn connect(&mut self) -> Result<(), Failure> {
        let (url, email, password, demo) = match &self.config.backend {
            super::Backend::Demo(scenario) => {
                if self.sim.is_none() {
                    let sim =
                        Simulator::start((**scenario).clone(), "127.0.0.1:0".parse().expect("a loopback address"))
                            .await
                            .map_err(|e| Failure::Other(format!("the demo simulator could not start: {e}")))?;
                    tracing::info!(url = %sim.url(), "demo mode: no commerce server configured, using the built-in simulator");
                    self.sim = Some(sim);
                }
                let sim = self.sim.as_ref().expect("started above");
                (
                    sim.url(),
                    scenario.demo_email.clone(),
                    scenario.demo_password.clone(),
                    true,
                )
            }
            super::Backend::Server { url, email, password } => (url.clone(), email.clone(), password.clone(), false),
        };
        let mut config = ClientConfig::new(&url)?;
        config.connect_timeout = self.config.connect_timeout;
        config.request_timeout = self.config.request_timeout;
        let client = CommerceClient::new(config)?;
        client.set_language(&self.language);
        client.login(&email, &password).await?;
        // A sale starts on a basket this kiosk built: what the account's basket holds
        // now (a replay cut short, a sale a restart interrupted) is emptied first. A sale
        // carried on locally keeps its lines; they go to the server at its Pay.
        let basket = if self.sale.is_local() {
            None
        } else {
            Some(client.clear_basket().await?)
        };
        if basket.is_some() {
            if let Some(acting) = self.acting.take() {
                // Signed in afresh: the sale starts over on the kiosk's own account.
                self.put_back(acting).await;
                self.emit(Update::Customer(None));
            }
        }
        self.client = Some(client);
        self.emit(Update::Status {
            demo,
            server: url.trim_end_matches('/').to_string(),
            user: email,
        });
        let Some(basket) = basket else {
            // Back after selling offline: the sale on screen stays the customer's.
            self.line_down = false;
            return self.leave_local().await;
        };
        self.emit_basket(&basket);
        self.put_back_orphans().await;
        let home = self.home();
        self.show(Sale::Basket, home);
        Ok(())
    }

    pub(super) async fn add_code(&mut self, code: &str) -> Result<(), Failure> {
        if code.is_empty() {
            return Ok(());
        }
        let client = self.client()?.clone();
        let Some(product) = client.product_by_code(code).await? else {
            self.emit(Update::BasketNotice(Notice::NotFound(code.to_string())));
            return Ok(());
        };
        match client.add_to_basket(&product.pk, 1).await {
            Ok(basket) => {
                self.offered = None;
                self.emit_basket(&basket);
                self.emit(Update::BasketNotice(Notice::Added(product.name)));
            }
            // Out of stock and the like: the server's words, under the code field.
            Err(CommerceError::Http { message, .. }) => self.emit(Update::StepError(message)),
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    pub(super) async fn change_quantity(&mut self, product: &str, delta: i32) -> Result<(), Failure> {
        let client = self.client()?.clone();
        let basket = client.basket().await?;
        let Some(current) = basket
            .basketitem_set
            .iter()
            .find(|l| l.product.pk.0 == product)
            .map(|l| l.quantity)
        else {
            return Ok(());
        };
        let wanted = (i64::from(current) + i64::from(delta)).max(0) as u32;
        match client.set_quantity(&product.into(), wanted).await {
            Ok(basket) => {
                self.offered = None;
                self.emit_basket(&basket);
                self.emit(Update::BasketNotice(Notice::Clear));
            }
            Err(CommerceError::Http { message, .. }) => self.emit(Update::StepError(message)),
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    pub(super) async fn remove(&mut self, product: &str) -> Result<(), Failure> {
        let basket = self.client()?.remove_from_basket(&product.into()).await?;
        self.offered = None;
        self.emit_basket(&basket);
        Ok(())
    }
}
