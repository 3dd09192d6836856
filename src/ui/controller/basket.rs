//! The server's basket: signing in (the kiosk's account, or the built-in simulator in
//! demo mode), and the basket's taps: a code added, a quantity changed, a line removed,
//! a voucher's code put on or taken off.
//!
//! Not here: the basket sold without the server (`local.rs`), the basket's screen data
//! (`crate::ui::view`), the checkout after Pay (`steps.rs`).

use super::{Controller, Failure, Sale};
use crate::commerce::{ClientConfig, CommerceClient, CommerceError};
use crate::sim::Simulator;
use crate::ui::view::{Notice, Update, VoucherNote};

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
                let notice = self.voucher_dropped(&basket).unwrap_or(Notice::Clear);
                self.emit_basket(&basket);
                self.emit(Update::BasketNotice(notice));
            }
            Err(CommerceError::Http { message, .. }) => self.emit(Update::StepError(message)),
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    pub(super) async fn remove(&mut self, product: &str) -> Result<(), Failure> {
        let basket = self.client()?.remove_from_basket(&product.into()).await?;
        self.offered = None;
        let dropped = self.voucher_dropped(&basket);
        self.emit_basket(&basket);
        if let Some(notice) = dropped {
            self.emit(Update::BasketNotice(notice));
        }
        Ok(())
    }

    /// The server took the voucher off a basket that no longer meets it (its minimum):
    /// the customer is told, not left to wonder where the discount went.
    fn voucher_dropped(&self, basket: &crate::commerce::records::Basket) -> Option<Notice> {
        let before = self.server_basket.as_ref()?.voucher_code.clone()?;
        (basket.voucher_code.is_none() && !basket.basketitem_set.is_empty()).then_some(Notice::VoucherDropped(before))
    }

    /// A voucher's code on the basket: the server decides, and says why not. Offline
    /// there is no voucher (the server alone knows whether one is valid or spent).
    pub(super) async fn apply_voucher(&mut self, scanned: &str) -> Result<(), Failure> {
        let code = voucher_code(scanned);
        if code.is_empty() {
            return Ok(());
        }
        if self.sale.is_local() {
            self.emit(Update::Voucher(VoucherNote::Offline));
            return Ok(());
        }
        if !matches!(self.sale, Sale::Basket) {
            return Ok(());
        }
        match self.client()?.clone().apply_voucher(&code).await? {
            Ok(basket) => {
                self.voucher_panel = false;
                self.offered = None;
                self.emit_basket(&basket);
                self.emit(Update::Voucher(VoucherNote::Applied));
                let applied = basket.voucher_code.unwrap_or(code);
                self.emit(Update::BasketNotice(Notice::VoucherApplied(applied)));
            }
            Err(why) => self.emit(Update::Voucher(VoucherNote::Refused(why))),
        }
        Ok(())
    }

    pub(super) async fn remove_voucher(&mut self) -> Result<(), Failure> {
        if self.sale.is_local() || !matches!(self.sale, Sale::Basket) {
            return Ok(());
        }
        let basket = self.client()?.remove_voucher().await?;
        self.offered = None;
        self.emit_basket(&basket);
        self.emit(Update::BasketNotice(Notice::Clear));
        Ok(())
    }
}

/// The code a printed voucher carries: its barcode is the code; its QR code is the code,
/// or a link whose `voucher_code` (or `code`) parameter is.
pub fn voucher_code(scanned: &str) -> String {
    let scanned = scanned.trim();
    if let Ok(url) = url::Url::parse(scanned) {
        if matches!(url.scheme(), "http" | "https") {
            let found = url
                .query_pairs()
                .find(|(key, _)| key == "voucher_code" || key == "code")
                .map(|(_, value)| value.trim().to_string());
            return found.unwrap_or_default();
        }
    }
    scanned.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::voucher_code;

    #[test]
    fn a_vouchers_code_is_read_from_its_barcode_or_its_qr_link() {
        assert_eq!(voucher_code(" BAHAR10 \r"), "BAHAR10");
        assert_eq!(voucher_code("https://shop.example/v/?voucher_code=HOSGELDIN50"), "HOSGELDIN50");
        assert_eq!(voucher_code("https://shop.example/kupon?utm=x&code=BAHAR10"), "BAHAR10");
        // A link without a code is not a voucher: nothing is sent.
        assert_eq!(voucher_code("https://shop.example/kampanya"), "");
    }
}
