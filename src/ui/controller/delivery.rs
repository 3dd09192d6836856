//! How the goods reach a customer (#13): the delivery screen, and the steps behind it.
//!
//! Selling for a customer, Pay opens the delivery screen: collect in this store (the
//! kiosk's store, from the settings), or ship to an address of the customer's (or a new
//! one, with the server's cities and districts), then the shipping options. Without a
//! customer the goods are collected here, as before: there is nothing to choose.
//!
//! Not here: finding the customer and the session on their behalf (`customer.rs`); the
//! requests themselves (`crate::commerce::customers`).

use super::{Controller, Failure, Sale, Step};
use crate::commerce::customers::Named;
use crate::commerce::pages::{CheckoutResponse, Page, PageName};
use crate::commerce::records::{Address, RetailStore};
use crate::commerce::CommerceError;
use crate::ui::view::{DeliveryView, Update, View};
use crate::ui::{AddressCard, AddressProblem};

/// A new address as typed on its form: indexes into the lists shown.
#[derive(Debug, Clone)]
pub struct AddressForm {
    pub title: String,
    pub city: i32,
    pub district: i32,
    pub line: String,
}

fn address_card(address: &Address) -> AddressCard {
    AddressCard {
        key: address.pk.0.clone().into(),
        title: address.title.clone().into(),
        line: address.one_line().into(),
    }
}

impl Controller {
    /// Pay, selling for a customer: the delivery screen. The server is asked for store
    /// pickup first, whose page lists the stores and the customer's addresses.
    pub(super) async fn delivery(&mut self) -> Result<(), Failure> {
        let client = self.client()?.clone();
        self.sale = Sale::Basket;
        let answer = client.checkout().await?;
        if let Some(errors) = &answer.errors {
            self.emit(Update::StepError(errors.messages()));
            return Ok(());
        }
        if let Some(Page::DeliveryOptionSelection(ctx)) = answer.current() {
            self.delivery_options = ctx.delivery_options.clone();
        }
        let answer = self.post_delivery_option("retail_store").await?;
        self.show_answer(answer).await
    }

    /// Posts the delivery option of this type (`retail_store` or `customer`).
    async fn post_delivery_option(&mut self, kind: &str) -> Result<CheckoutResponse, Failure> {
        let option = self
            .delivery_options
            .iter()
            .find(|o| o.delivery_option_type == kind)
            .or_else(|| self.delivery_options.first())
            .cloned()
            .ok_or_else(|| Failure::Other("the server offered no way to deliver".into()))?;
        Ok(self
            .client()?
            .post_step(PageName::DeliveryOptionSelection, &[("delivery_option", &option.pk.0)])
            .await?)
    }

    /// The store this kiosk stands in, among the server's stores.
    fn kiosk_store<'a>(&self, stores: &'a [RetailStore]) -> Option<&'a RetailStore> {
        use crate::commerce::customers::fold;
        // A sale to be collected at another store is collected there.
        let wanted = match &self.collect_at {
            Some((pk, _)) => Some(pk.0.clone()),
            None => self.config.settings.kiosk.store.as_deref().map(fold),
        };
        match wanted {
            Some(wanted) => stores
                .iter()
                .find(|s| s.pk.0 == wanted || fold(&s.name) == wanted)
                .or(stores.first()),
            None => stores.first(),
        }
    }

    /// The pk of the kiosk's store, for a sale collected here without a choice.
    pub(super) fn kiosk_store_pk(&self, stores: &[RetailStore]) -> Result<String, Failure> {
        self.kiosk_store(stores)
            .map(|s| s.pk.0.clone())
            .ok_or_else(|| Failure::Other("the server listed no store to collect in".into()))
    }

    /// The delivery screen of a delivery step the server is at.
    pub(super) fn delivery_view(&self, page: &Page, amount: &str) -> Option<View> {
        let (stores, addresses) = match page {
            Page::RetailStoreSelection(ctx) => (ctx.retail_stores.as_slice(), ctx.addresses.as_slice()),
            Page::AddressSelection(ctx) => (&[][..], ctx.addresses.as_slice()),
            _ => return None,
        };
        let store = self.kiosk_store(stores);
        let on_shelves = self
            .server_basket
            .iter()
            .flat_map(|b| &b.basketitem_set)
            .all(|l| l.product.stock.is_none_or(|s| s >= i64::from(l.quantity)));
        Some(View::Delivery(DeliveryView {
            store_name: store.map(|s| s.name.clone()).unwrap_or_default(),
            store_address: store.map(|s| s.address.clone()).unwrap_or_default(),
            // Sold for collection at another store: that store's shelves are the server's
            // to check.
            can_collect: store.is_some() && (on_shelves || self.collect_at.is_some()),
            elsewhere: self.collect_at.is_some(),
            addresses: addresses.iter().map(address_card).collect(),
            amount: amount.to_string(),
            error: String::new(),
        }))
    }

    /// The delivery page the sale is at (under the new address's form, too).
    fn delivery_page(&self) -> Option<Page> {
        let step = match &self.sale {
            Sale::NewAddress { step, .. } => step,
            sale => sale.step()?,
        };
        step.answer
            .current()
            .filter(|p| matches!(p, Page::RetailStoreSelection(_) | Page::AddressSelection(_)))
            .cloned()
    }

    /// "Take it now, in this store".
    pub(super) async fn collect(&mut self) -> Result<(), Failure> {
        let Some(page) = self.delivery_page() else {
            return Ok(());
        };
        let ctx = match page {
            Page::RetailStoreSelection(ctx) => ctx,
            _ => {
                let answer = self.post_delivery_option("retail_store").await?;
                match answer.current() {
                    Some(Page::RetailStoreSelection(ctx)) if answer.errors.is_none() => ctx.clone(),
                    _ => return self.show_answer(answer).await,
                }
            }
        };
        let store = self
            .kiosk_store(&ctx.retail_stores)
            .cloned()
            .ok_or_else(|| Failure::Other("the server listed no store to collect in".into()))?;
        let billing = ctx.addresses.first().map(|a| a.pk.0.clone()).unwrap_or_default();
        if let Sale::Step(step) = &mut self.sale {
            step.chosen.delivery = Some((false, store.name.clone()));
        }
        self.post_delivery(
            PageName::RetailStoreSelection,
            &[("retail_store", &store.pk.0), ("billing_address", &billing)],
        )
        .await
    }

    /// Ship to one of the customer's addresses.
    pub(super) async fn ship_to(&mut self, pk: &str) -> Result<(), Failure> {
        let Some(page) = self.delivery_page() else {
            return Ok(());
        };
        let addresses = match &page {
            Page::RetailStoreSelection(ctx) => ctx.addresses.clone(),
            Page::AddressSelection(ctx) => ctx.addresses.clone(),
            _ => Vec::new(),
        };
        let Some(address) = addresses.iter().find(|a| a.pk.0 == pk).cloned() else {
            return Ok(());
        };
        self.ship_to_address(page, address).await
    }

    async fn ship_to_address(&mut self, page: Page, address: Address) -> Result<(), Failure> {
        if !matches!(page, Page::AddressSelection(_)) {
            let answer = self.post_delivery_option("customer").await?;
            if answer.errors.is_some() || answer.current_kind() != Some(PageName::AddressSelection) {
                return self.show_answer(answer).await;
            }
            let chosen = self.sale.step().map(|s| s.chosen.clone()).unwrap_or_default();
            self.sale = Sale::Step(Step { answer, chosen });
        }
        if let Sale::Step(step) = &mut self.sale {
            step.chosen.delivery = Some((true, address.one_line()));
            step.chosen.address = Some(address.one_line());
        }
        let pk = address.pk.0.clone();
        self.post_delivery(
            PageName::AddressSelection,
            &[("shipping_address", &pk), ("billing_address", &pk)],
        )
        .await
    }

    /// A shipping option chosen: its name goes before the address.
    pub(super) async fn choose_shipping(&mut self, pk: &str) -> Result<(), Failure> {
        let Some(Page::ShippingOptionSelection(ctx)) = self.sale.step().and_then(|s| s.answer.current()).cloned()
        else {
            return Ok(());
        };
        let Some(option) = ctx.shipping_options.iter().find(|o| o.pk.0 == pk) else {
            return Ok(());
        };
        if let Sale::Step(step) = &mut self.sale {
            // From the address kept apart: a second choice after a refused one names
            // only itself.
            let address = step.chosen.address.clone().unwrap_or_default();
            step.chosen.delivery = Some((true, format!("{} → {address}", option.name)));
        }
        self.post_delivery(PageName::ShippingOptionSelection, &[("shipping_option", pk)])
            .await
    }

    async fn post_delivery(&mut self, page: PageName, fields: &[(&str, &str)]) -> Result<(), Failure> {
        let answer = self.client()?.post_step(page, fields).await?;
        self.show_answer(answer).await
    }

    /// The shipping options, as a choice list under the address they ship to.
    pub(super) fn shipping_view(
        ctx: &crate::commerce::pages::ShippingOptionsContext,
        amount: &str,
        address: Option<&str>,
    ) -> View {
        View::Choices {
            kind: crate::ui::ChoiceKind::ShippingOption,
            chosen: address.unwrap_or_default().to_string(),
            rows: ctx
                .shipping_options
                .iter()
                .map(|o| crate::ui::view::Choice {
                    key: o.pk.0.clone(),
                    title: o.name.clone(),
                    detail: crate::commerce::money::format_try(o.shipping_amount),
                    ..Default::default()
                })
                .collect(),
            amount: amount.to_string(),
            error: String::new(),
        }
    }

    /// "+ A new address": its form, with the server's cities.
    pub(super) async fn new_address_form(&mut self) -> Result<(), Failure> {
        if self.delivery_page().is_none() || !matches!(self.sale, Sale::Step(_)) {
            return Ok(());
        }
        let cities = self.client()?.cities().await?;
        let names = cities.iter().map(|c| c.name.clone()).collect();
        let Sale::Step(step) = std::mem::replace(&mut self.sale, Sale::Basket) else {
            unreachable!("checked above")
        };
        self.show(
            Sale::NewAddress {
                step,
                cities,
                districts: Vec::new(),
            },
            View::AddressNew { cities: names },
        );
        Ok(())
    }

    /// A city chosen on the form: its districts.
    pub(super) async fn city_chosen(&mut self, index: i32) -> Result<(), Failure> {
        let Sale::NewAddress { cities, .. } = &self.sale else {
            return Ok(());
        };
        let Some(city) = usize::try_from(index).ok().and_then(|i| cities.get(i)).cloned() else {
            return Ok(());
        };
        let found = self.client()?.districts(&city.pk).await?;
        let names = found.iter().map(|d| d.name.clone()).collect();
        if let Sale::NewAddress { districts, .. } = &mut self.sale {
            *districts = found;
        }
        self.emit(Update::Districts(names));
        Ok(())
    }

    /// "Ship here": the address saved on the customer's account, then shipped to.
    pub(super) async fn save_address(&mut self, form: AddressForm) -> Result<(), Failure> {
        let Sale::NewAddress { cities, districts, .. } = &self.sale else {
            return Ok(());
        };
        let pick = |list: &[Named], i: i32| usize::try_from(i).ok().and_then(|i| list.get(i)).cloned();
        let checked = match (pick(cities, form.city), pick(districts, form.district)) {
            (None, _) => Err(AddressProblem::City),
            (_, None) => Err(AddressProblem::District),
            _ if form.line.trim().chars().count() < 5 => Err(AddressProblem::Line),
            (Some(city), Some(district)) => Ok(crate::commerce::customers::NewAddress {
                title: form.title.trim().to_string(),
                city: city.pk,
                district: district.pk,
                line: form.line.trim().to_string(),
            }),
        };
        let new = match checked {
            Ok(new) => new,
            Err(problem) => {
                self.emit(Update::AddressProblem(problem, String::new()));
                return Ok(());
            }
        };
        let created = match self.client()?.create_address(&new).await {
            Ok(created) => created,
            Err(CommerceError::Http { message, .. }) => {
                self.emit(Update::AddressProblem(AddressProblem::Server, message));
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        tracing::info!(address = %created.pk, "a new address on the customer's account");
        let Sale::NewAddress { step, .. } = std::mem::replace(&mut self.sale, Sale::Basket) else {
            unreachable!("checked above")
        };
        let page = step.answer.current().cloned();
        self.sale = Sale::Step(step);
        match page {
            Some(page) => self.ship_to_address(page, created).await,
            None => Ok(()),
        }
    }

    /// From the new address's form back to the delivery screen.
    pub(super) fn back_to_delivery(&mut self) -> Result<(), Failure> {
        let Sale::NewAddress { step, .. } = std::mem::replace(&mut self.sale, Sale::Basket) else {
            return Ok(());
        };
        let amount = self.amount_due(&step.answer);
        let view = step.answer.current().and_then(|p| self.delivery_view(p, &amount));
        match view {
            Some(view) => self.show(Sale::Step(step), view),
            None => self.sale = Sale::Step(step),
        }
        Ok(())
    }
}
