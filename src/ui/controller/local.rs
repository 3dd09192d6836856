//! The sale made while the commerce server cannot be reached: the basket lives on the
//! kiosk, priced from the local catalog copy at the prices last seen, and ends in the
//! offline queue. `LocalSale` is its plain data and rules; the `Controller` methods here
//! decide when a sale goes local, what each tap does to it, and how it goes back to the
//! server when the line returns.
//!
//! Not here: the queue's storage and replay (`crate::offline`).

use super::options::{choice_items, offline_options, option_items, PAY_ON_DELIVERY};
use super::{Backend, Controller, Failure, Intent, Sale};
use crate::commerce::money::format_try;
use crate::commerce::records::Basket;
use crate::commerce::CommerceError;
use crate::commerce::Money;
use crate::offline::catalog::LocalProduct;
use crate::offline::queue::QueuedLine;
use crate::offline::queue::{self, QueueError};
use crate::offline::remembered;
use crate::offline::remembered::{KnownChoice, KnownOption};
use crate::ui::view::{Notice, Update, View};
use crate::ui::BasketLine;

#[derive(Debug, Default)]
pub struct LocalSale {
    pub lines: Vec<QueuedLine>,
    /// The pay-on-delivery choices last seen on the server, with their fees.
    pub choices: Vec<KnownChoice>,
}

/// Which screen of the local sale is up.
pub(super) enum LocalStep {
    /// The basket (or the welcome screen).
    Basket,
    /// The payment options as offline selling offers them.
    Options,
    /// Pay on delivery, with the option chosen.
    PayOnDelivery(KnownOption),
}

impl LocalSale {
    /// Carries on with the basket the customer saw when the line went down.
    pub fn from_basket(basket: Option<&Basket>) -> LocalSale {
        let lines = basket
            .map(|b| {
                b.basketitem_set
                    .iter()
                    .map(|item| QueuedLine {
                        product: item.product.pk.0.clone(),
                        code: item.product.barcode.clone().unwrap_or_else(|| item.product.sku.clone()),
                        name: item.product.name.clone(),
                        quantity: item.quantity,
                        unit_price: item.unit_price,
                    })
                    .collect()
            })
            .unwrap_or_default();
        LocalSale {
            lines,
            ..Default::default()
        }
    }

    pub fn add(&mut self, product: &LocalProduct, code: &str) {
        queue::add_scanned(&mut self.lines, product, code);
    }

    /// Changes a line's quantity; at zero the line goes.
    pub fn change(&mut self, product: &str, delta: i32) {
        if let Some(line) = self.lines.iter_mut().find(|l| l.product == product) {
            line.quantity = (i64::from(line.quantity) + i64::from(delta)).max(0) as u32;
        }
        self.lines.retain(|l| l.quantity > 0);
    }

    pub fn remove(&mut self, product: &str) {
        self.lines.retain(|l| l.product != product);
    }

    pub fn total(&self) -> Money {
        self.lines.iter().map(|l| l.unit_price * Money::from(l.quantity)).sum()
    }

    pub fn basket_update(&self) -> Update {
        Update::Basket {
            lines: self
                .lines
                .iter()
                .map(|l| BasketLine {
                    product: l.product.clone().into(),
                    name: l.name.clone().into(),
                    code: l.code.clone().into(),
                    unit_price: format_try(l.unit_price).into(),
                    quantity: l.quantity as i32,
                    total: format_try(l.unit_price * Money::from(l.quantity)).into(),
                    // Offline, only what was on the shelves at the last sync is sold.
                    shipped: false,
                })
                .collect(),
            total: format_try(self.total()),
            count: self.lines.iter().map(|l| l.quantity as i32).sum(),
            voucher: None,
        }
    }

    /// The fee of the chosen pay-on-delivery choice, when the server told it.
    pub fn fee(&self, choice: &str) -> Money {
        self.choices
            .iter()
            .find(|c| c.value == choice)
            .map(|c| c.fee)
            .unwrap_or_default()
    }

    pub fn pay_on_delivery_view(&self) -> View {
        View::PayOnDelivery {
            choices: choice_items(&self.choices, Some(self.total())),
            amount: format_try(self.total()),
            error: String::new(),
        }
    }
}

impl Sale {
    /// The local sale, under any error screen and through its thank-you screen.
    fn local_mut(&mut self) -> Option<&mut LocalSale> {
        match self.beneath_mut() {
            Sale::Local { sale, .. } | Sale::ThankYou { local: Some(sale), .. } => Some(sale),
            _ => None,
        }
    }

    fn local(&self) -> Option<&LocalSale> {
        match self.beneath() {
            Sale::Local { sale, .. } | Sale::ThankYou { local: Some(sale), .. } => Some(sale),
            _ => None,
        }
    }
}

impl Controller {
    /// After `intent` failed on the line: whether the sale goes on without the server.
    /// Only before payment (nothing can have been paid yet), and only with a queue to
    /// keep the order and a catalog copy to price it from.
    pub(super) fn carry_on_locally(&mut self, intent: &Intent) -> bool {
        let starting = matches!(intent, Intent::Connect | Intent::Retry) && self.client.is_none();
        if self.sale.is_local() || !(intent.sells_offline() || starting) || self.config.offline_payment_types.is_empty()
        {
            return false;
        }
        let gift_cards = self
            .sale
            .step()
            .and_then(|s| s.answer.pre_order.as_ref())
            .is_some_and(|p| !p.gift_cards.is_empty());
        if gift_cards {
            // The cards are the server's to honour: offline the sale would be all at
            // full price. It waits for the line (Retry), the cards still on the order.
            tracing::warn!("gift cards pay part of this sale; it waits for the server instead of going offline");
            return false;
        }
        if self.sale.payment_step_sent() {
            // The order may exist on the server (the register may have taken the money):
            // only the server's answer, read when the line is back, ends this sale.
            tracing::warn!("a payment step was sent; the sale waits for the server instead of going offline");
            return false;
        }
        self.open_store();
        let Some(store) = &self.store else { return false };
        if !crate::offline::catalog::summary(store).is_ok_and(|(products, _)| products > 0) {
            tracing::warn!("no catalog copy: offline sales are impossible until one is synced");
            return false;
        }
        let mut sale = LocalSale::from_basket(self.server_basket.as_ref());
        sale.choices = remembered::load(store, remembered::PAY_ON_DELIVERY_CHOICES)
            .ok()
            .flatten()
            .unwrap_or_default();
        // The screen stays where the tap was: the options list, or the basket.
        let at = if self.sale.step().is_some() {
            LocalStep::Options
        } else {
            LocalStep::Basket
        };
        self.sale = Sale::Local { sale, at };
        self.line_down = true;
        self.emit_queue();
        // Only the server can honour a voucher: the customer hears it is not in this sale.
        if let Some(code) = self.server_basket.as_ref().and_then(|b| b.voucher_code.clone()) {
            self.voucher_panel = false;
            self.emit(Update::Voucher(crate::ui::view::VoucherNote::Offline));
            self.emit(Update::BasketNotice(Notice::VoucherOffline(code)));
        }
        true
    }

    /// Moves the local sale to `at`; a sale that went back to the server meanwhile stays
    /// the server's.
    fn local_at(&mut self, at: LocalStep) {
        self.sale = match std::mem::replace(&mut self.sale, Sale::Basket).into_beneath() {
            Sale::Local { sale, .. } | Sale::ThankYou { local: Some(sale), .. } => Sale::Local { sale, at },
            other => other,
        };
    }

    fn show_local(&mut self, at: LocalStep, view: View) {
        self.local_at(at);
        // Offline the amount is the local basket's: the goods, nothing to break down.
        self.emit(Update::Due(Default::default()));
        self.emit(Update::Show(view));
    }

    fn emit_local_basket(&self) {
        if let Some(sale) = self.sale.local() {
            self.emit(sale.basket_update());
        }
    }

    /// The options shown offline: the server's last list, offline strategies available.
    fn offline_options(&self) -> Vec<KnownOption> {
        let known: Vec<KnownOption> = self
            .store
            .as_ref()
            .and_then(|s| remembered::load(s, remembered::PAYMENT_OPTIONS).ok().flatten())
            .unwrap_or_default();
        offline_options(
            &known,
            super::options::SCREEN_PAYMENT_TYPES,
            &self.config.offline_payment_types,
        )
    }

    /// The payment options as offline selling offers them, for the local basket.
    fn show_local_options(&mut self, offline_types: &[String]) {
        let options = self.offline_options();
        let amount = self.sale.local().map(|s| format_try(s.total())).unwrap_or_default();
        // A gift card's money is the server's to tell: none offline.
        self.emit(Update::GiftCards(None));
        self.show_local(
            LocalStep::Options,
            View::PaymentOptions {
                options: option_items(&options, offline_types),
                amount,
                error: String::new(),
            },
        );
    }

    /// The sale while the server cannot be reached: the basket from the catalog copy,
    /// pay on delivery into the offline queue.
    pub(super) async fn handle_local(&mut self, intent: Intent) -> Result<(), Failure> {
        // A self-service guest takes offline only what a guest may take online too.
        let mut offline_types = self.config.offline_payment_types.clone();
        if self.config.self_service && self.acting.is_none() {
            offline_types.retain(|t| self.config.settings.kiosk.guest_payment_types.contains(t));
        }
        match intent {
            Intent::Connect | Intent::Retry => {
                if let Backend::Server { url, email, .. } = &self.config.backend {
                    self.emit(Update::Status {
                        demo: false,
                        server: url.trim_end_matches('/').to_string(),
                        user: email.clone(),
                    });
                }
                self.emit_local_basket();
                let home = self.home();
                self.show_local(LocalStep::Basket, home);
            }
            // Back from pay on delivery: the offline options again.
            Intent::Back
                if matches!(
                    self.sale,
                    Sale::Local {
                        at: LocalStep::PayOnDelivery(_),
                        ..
                    }
                ) =>
            {
                self.show_local_options(&offline_types);
            }
            Intent::Start | Intent::Cancel | Intent::Back => {
                self.emit_local_basket();
                self.show_local(LocalStep::Basket, View::Basket);
            }
            Intent::AddCode(code) => {
                let code = code.trim();
                if code.is_empty() {
                    return Ok(());
                }
                let store = self
                    .store
                    .as_ref()
                    .ok_or_else(|| Failure::Other("no offline store".into()))?;
                let notice = match crate::offline::catalog::lookup(store, code) {
                    // The server said it was sold out: an offline order for it would be
                    // set aside later, after the customer left believing it was taken.
                    Ok(Some(product)) if product.sold_out => Notice::SoldOut(product.name),
                    Ok(Some(product)) => {
                        if let Some(sale) = self.sale.local_mut() {
                            sale.add(&product, code);
                        }
                        self.emit_local_basket();
                        Notice::Added(product.name)
                    }
                    Ok(None) if crate::offline::catalog::summary(store).is_ok_and(|(n, _)| n == 0) => Notice::NoCatalog,
                    Ok(None) => Notice::NotFound(code.to_string()),
                    Err(e) => Notice::Failed(e.to_string()),
                };
                self.emit(Update::BasketNotice(notice));
            }
            Intent::ChangeQuantity(product, delta) => {
                if let Some(sale) = self.sale.local_mut() {
                    sale.change(&product, delta);
                }
                self.emit_local_basket();
                self.emit(Update::BasketNotice(Notice::Clear));
            }
            Intent::Remove(product) => {
                if let Some(sale) = self.sale.local_mut() {
                    sale.remove(&product);
                }
                self.emit_local_basket();
            }
            Intent::Pay => {
                if self.sale.local().is_none_or(|s| s.lines.is_empty()) {
                    return Ok(());
                }
                if self.client.is_some() && !self.line_down {
                    match self.resume_online().await {
                        Ok(true) => return self.pay().await,
                        Ok(false) => return Ok(()),
                        Err(e) if e.is_connectivity() => {
                            tracing::info!(error = %e, "still offline");
                            self.line_problem = crate::ui::view::line_problem(&e);
                            self.line_down = true;
                            self.emit_queue();
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                self.show_local_options(&offline_types);
            }
            Intent::ChooseOption(pk) => {
                let chosen = self.offline_options().into_iter().find(|o| o.pk == pk);
                let Some(option) =
                    chosen.filter(|o| o.payment_type == PAY_ON_DELIVERY && offline_types.contains(&o.payment_type))
                else {
                    // The screen offers only what can be sold offline; nothing to do.
                    return Ok(());
                };
                if let Some(view) = self.sale.local().map(LocalSale::pay_on_delivery_view) {
                    self.show_local(LocalStep::PayOnDelivery(option), view);
                }
            }
            Intent::PayOnDelivery { choice, agreed } => {
                if agreed {
                    self.queue_pay_on_delivery(choice)?;
                }
            }
            Intent::NewSale => {
                self.local_at(LocalStep::Basket);
                if let Some(sale) = self.sale.local_mut() {
                    sale.lines.clear();
                }
                // The next sale is the kiosk's own; the customer's stays on their order, and
                // their own basket goes back once the line does (`leave_local`).
                if let Some(acting) = self.acting.take() {
                    self.put_back_later.push(acting);
                    self.emit(Update::Customer(None));
                }
                if self.client.is_some() && !self.line_down {
                    self.leave_local().await?;
                } else {
                    self.emit_local_basket();
                }
                self.emit(Update::BasketNotice(Notice::Clear));
                let home = self.home();
                self.show_local(LocalStep::Basket, home);
            }
            other => return Err(Failure::Other(format!("{other:?} cannot be done offline"))),
        }
        Ok(())
    }

    /// Commits the offline sale to the queue before the customer is told it is accepted.
    fn queue_pay_on_delivery(&mut self, choice: String) -> Result<(), Failure> {
        let option_name = match self.sale.beneath() {
            Sale::Local {
                at: LocalStep::PayOnDelivery(option),
                ..
            } => Some(option.name.clone()).filter(|n| !n.is_empty()),
            _ => None,
        };
        let (Some(store), Some(sale)) = (self.store.as_mut(), self.sale.local_mut()) else {
            return Err(Failure::Other("the offline queue is unavailable".into()));
        };
        let choice = Some(choice).filter(|c| !c.is_empty());
        let order = queue::NewOrder {
            payment_type: PAY_ON_DELIVERY.into(),
            option_name: option_name.clone(),
            choice: choice.clone(),
            // A sale for a customer is replayed on their account.
            contact: self.acting.as_ref().map(|a| a.customer.name()),
            customer: self.acting.as_ref().map(|a| a.customer.pk.0.clone()),
            lines: sale.lines.clone(),
        };
        match queue::enqueue(store, &order, &self.config.limits) {
            Ok(queued) => {
                let fee = choice.as_ref().map(|c| sale.fee(c)).unwrap_or_default();
                let label = choice
                    .as_ref()
                    .and_then(|c| sale.choices.iter().find(|k| k.value == *c))
                    .map(|k| k.label.clone());
                tracing::info!(reference = %queued.reference, amount = %queued.amount, "sale taken offline");
                let receipt = crate::devices::receipt::for_queued(&queued, (fee, label.clone()), &self.config.receipt);
                sale.lines.clear();
                let basket = sale.basket_update();
                let done = match std::mem::replace(&mut self.sale, Sale::Basket).into_beneath() {
                    Sale::Local { sale, .. } => Sale::ThankYou {
                        local: Some(sale),
                        receipt: None,
                    },
                    other => other,
                };
                self.sale = done;
                self.emit(basket);
                self.emit(Update::BasketNotice(Notice::Clear));
                self.emit_queue();
                self.print(receipt);
                self.emit(Update::Show(View::ThankYou {
                    order_number: queued.reference,
                    amount: format_try(queued.amount + fee),
                    // The server's name last seen, else the kiosk's own in the screens' language.
                    method: option_name
                        .or_else(|| {
                            crate::devices::receipt::payment_name(PAY_ON_DELIVERY, &self.language).map(str::to_string)
                        })
                        .unwrap_or_default(),
                    reset_in: self.config.thank_you_seconds as i32,
                    pending: true,
                    paid: crate::ui::view::Paid {
                        choice: label.unwrap_or_default(),
                        fee: Some(fee).filter(|f| !f.is_zero()).map(format_try).unwrap_or_default(),
                        ..Default::default()
                    },
                    receipt: None,
                }));
            }
            Err(QueueError::Refused(refusal)) => {
                tracing::info!(%refusal, "offline sale refused");
                self.emit(Update::OfflineRefused(refusal));
            }
            Err(QueueError::Store(e)) => {
                tracing::error!(error = %e, "the offline sale could not be saved");
                self.emit(Update::StepError(e.to_string()));
            }
        }
        Ok(())
    }

    /// The line is back mid-sale: puts the local basket on the server. `Ok(false)` when
    /// the server refused a line (its words are on the basket screen).
    async fn resume_online(&mut self) -> Result<bool, CommerceError> {
        // The sale's session: a customer's sale goes back to their basket.
        let client = match &self.acting {
            Some(acting) => acting.client.clone(),
            None => self.client.clone().ok_or(CommerceError::SessionExpired)?,
        };
        let lines = self.sale.local().map(|s| s.lines.clone()).unwrap_or_default();
        client.clear_basket().await?;
        let mut refused = None;
        for line in &lines {
            let product = crate::commerce::records::Pk(line.product.clone());
            match client.add_to_basket(&product, line.quantity).await {
                Ok(_) => {}
                Err(CommerceError::Http { message, .. }) => {
                    refused.get_or_insert(format!("{}: {message}", line.name));
                }
                Err(e) => return Err(e),
            }
        }
        let basket = client.basket().await?;
        tracing::info!(lines = lines.len(), "back online; the offline basket is on the server");
        self.sale = Sale::Basket;
        self.offered = None;
        self.emit_basket(&basket);
        self.emit_queue();
        if let Some(message) = refused {
            self.show(Sale::Basket, View::Basket);
            self.emit(Update::StepError(message));
            return Ok(false);
        }
        Ok(true)
    }

    /// The line is back: leaves offline selling once no sale is on screen. A sale in
    /// progress stays local until its Pay (which moves it to the server) or New sale.
    pub(super) async fn leave_local(&mut self) -> Result<(), Failure> {
        self.put_back_pending().await;
        self.put_back_orphans().await;
        let in_sale = match self.sale.beneath() {
            Sale::Local { sale, .. } => !sale.lines.is_empty(),
            Sale::ThankYou { local: Some(_), .. } => true,
            _ => false,
        };
        if !in_sale {
            // The server's basket may still hold the lines of the sale the cut interrupted.
            let basket = self.client()?.clear_basket().await?;
            *self.sale.beneath_mut() = Sale::Basket;
            self.offered = None;
            self.emit_basket(&basket);
        }
        self.emit_queue();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::PaymentKind;

    fn option(pk: &str, kind: &str) -> KnownOption {
        KnownOption {
            pk: pk.into(),
            name: format!("{kind} option"),
            payment_type: kind.into(),
        }
    }

    #[test]
    fn only_offline_strategies_are_available_and_pay_on_delivery_is_never_missing() {
        let offline = vec!["pay_on_delivery".to_string(), "pay_later".to_string()];
        let screen = &["cash_register", "pay_on_delivery", "saved_card"];
        let known = [
            option("1", "cash_register"),
            option("2", "funds_transfer"),
            option("3", "saved_card"),
        ];
        let options = offline_options(&known, screen, &offline);
        let items = option_items(&options, &offline);
        let summary: Vec<(PaymentKind, bool)> = items.iter().map(|i| (i.kind, i.available)).collect();
        assert_eq!(
            summary,
            [
                (PaymentKind::CashRegister, false),
                (PaymentKind::SavedCard, false),
                (PaymentKind::PayOnDelivery, true)
            ]
        );
        // Without pay on delivery in the settings, nothing can be sold offline here.
        assert!(offline_options(&known, screen, &["pay_later".to_string()])
            .iter()
            .all(|o| o.payment_type != "pay_on_delivery"));
    }

    #[test]
    fn quantities_merge_and_reach_zero() {
        let socks = LocalProduct {
            pk: crate::commerce::records::Pk("5".into()),
            sku: "SOCK".into(),
            name: "Socks".into(),
            price: Money::new(11999, 2),
            sold_out: false,
            synced_at: String::new(),
            picture: None,
            variants: Vec::new(),
        };
        let mut sale = LocalSale::default();
        sale.add(&socks, "8690000010059");
        sale.add(&socks, "8690000010059");
        assert_eq!(sale.total(), Money::new(23998, 2));
        sale.change("5", -2);
        assert!(sale.lines.is_empty());
    }
}
