//! A sale made while the commerce server cannot be reached: the basket lives on the
//! kiosk, priced from the local catalog copy at the prices last seen, and ends in the
//! offline queue. Plain data and rules; the controller decides when a sale is local.

use super::view::{Update, View};
use super::{BasketLine, ChoiceItem, PaymentOptionItem};
use crate::commerce::money::format_try;
use crate::commerce::pages::Basket;
use crate::commerce::Money;
use crate::offline::catalog::LocalProduct;
use crate::offline::queue::QueuedLine;
use crate::offline::remembered::{KnownChoice, KnownOption};

/// The pay-on-delivery payment type, the one strategy the touchscreen can take offline.
pub const PAY_ON_DELIVERY: &str = "pay_on_delivery";

#[derive(Debug, Default)]
pub struct LocalSale {
    pub lines: Vec<QueuedLine>,
    /// The option the customer chose on the offline payment screen.
    pub option: Option<KnownOption>,
    /// The pay-on-delivery choices last seen on the server, with their fees.
    pub choices: Vec<KnownChoice>,
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
        match self.lines.iter_mut().find(|l| l.product == product.pk.0) {
            Some(line) => line.quantity += 1,
            None => self.lines.push(QueuedLine {
                product: product.pk.0.clone(),
                code: code.to_string(),
                name: product.name.clone(),
                quantity: 1,
                unit_price: product.price,
            }),
        }
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
                })
                .collect(),
            total: format_try(self.total()),
            count: self.lines.iter().map(|l| l.quantity as i32).sum(),
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
            choices: choice_items(&self.choices),
            amount: format_try(self.total()),
            error: String::new(),
        }
    }
}

/// Pay-on-delivery choices as the screen lists them, online or offline.
pub fn choice_items(choices: &[KnownChoice]) -> Vec<ChoiceItem> {
    choices
        .iter()
        .map(|c| ChoiceItem {
            value: c.value.clone().into(),
            label: c.label.clone().into(),
            fee: format_try(c.fee).into(),
        })
        .collect()
}

/// The options to show offline: those the server last offered that this screen runs,
/// each available only when its strategy may be taken offline. A kiosk that never saw
/// the list still offers pay on delivery when the settings allow it.
pub fn offline_options(known: &[KnownOption], screen_types: &[&str], offline_types: &[String]) -> Vec<KnownOption> {
    let mut options: Vec<KnownOption> = known
        .iter()
        .filter(|o| screen_types.contains(&o.payment_type.as_str()))
        .cloned()
        .collect();
    let pay_on_delivery_allowed = offline_types.iter().any(|t| t == PAY_ON_DELIVERY);
    if pay_on_delivery_allowed && !options.iter().any(|o| o.payment_type == PAY_ON_DELIVERY) {
        options.push(KnownOption {
            pk: PAY_ON_DELIVERY.into(),
            name: String::new(),
            payment_type: PAY_ON_DELIVERY.into(),
        });
    }
    options
}

pub fn option_items(options: &[KnownOption], offline_types: &[String]) -> Vec<PaymentOptionItem> {
    options
        .iter()
        .map(|o| PaymentOptionItem {
            pk: o.pk.clone().into(),
            name: o.name.clone().into(),
            kind: o.payment_type.clone().into(),
            available: offline_types.contains(&o.payment_type),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let summary: Vec<(String, bool)> = items.iter().map(|i| (i.kind.to_string(), i.available)).collect();
        assert_eq!(
            summary,
            [
                ("cash_register".to_string(), false),
                ("saved_card".to_string(), false),
                ("pay_on_delivery".to_string(), true)
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
            pk: crate::commerce::pages::Pk("5".into()),
            sku: "SOCK".into(),
            name: "Socks".into(),
            price: Money::new(11999, 2),
            synced_at: String::new(),
        };
        let mut sale = LocalSale::default();
        sale.add(&socks, "8690000010059");
        sale.add(&socks, "8690000010059");
        assert_eq!(sale.total(), Money::new(23998, 2));
        sale.change("5", -2);
        assert!(sale.lines.is_empty());
    }
}
