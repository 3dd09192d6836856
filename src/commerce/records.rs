//! The records the server keeps, as the client reads them: keys, products, the basket,
//! users and completed orders, with the lenient decoders their fields need (counts
//! and flags that some servers send as strings).
//!
//! Not here: the checkout's pages (`pages/`), which name some of these records, or money
//! (`money.rs`).

use super::money::{de_money, de_opt_money, Money};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::fmt;

/// A primary key or token as the server sent it (number or string), kept as text
/// because it is only ever posted back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(transparent)]
pub struct Pk(pub String);

impl fmt::Display for Pk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Pk {
    fn from(s: &str) -> Self {
        Pk(s.to_string())
    }
}

impl<'de> Deserialize<'de> for Pk {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Pk(s)),
            Value::Number(n) => Ok(Pk(n.to_string())),
            Value::Null => Ok(Pk::default()),
            other => Err(serde::de::Error::custom(format!("expected an id, found {other}"))),
        }
    }
}

/// A whole number that some servers send as a string.
pub(super) fn de_count<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    Ok(de_opt_count(d)?.unwrap_or_default())
}

pub(super) fn de_opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_u64()
            .and_then(|v| u32::try_from(v).ok())
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("{n} is not a count"))),
        Value::String(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("{s:?} is not a count"))),
        other => Err(serde::de::Error::custom(format!("expected a count, found {other}"))),
    }
}

/// `true`, `"true"`, `1`, `"on"` and friends.
pub(super) fn de_flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::Number(n) => n.as_f64().is_some_and(|v| v != 0.0),
        Value::String(s) => matches!(s.to_ascii_lowercase().as_str(), "true" | "1" | "on" | "yes"),
        _ => false,
    })
}

/// The basket line as the server reports it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct BasketItem {
    pub pk: Pk,
    pub product: Product,
    #[serde(deserialize_with = "de_count")]
    pub quantity: u32,
    #[serde(deserialize_with = "de_money")]
    pub unit_price: Money,
    #[serde(deserialize_with = "de_money")]
    pub total_amount: Money,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Basket {
    pub pk: Pk,
    pub basketitem_set: Vec<BasketItem>,
    #[serde(deserialize_with = "de_money")]
    pub total_amount: Money,
    #[serde(deserialize_with = "de_count")]
    pub total_quantity: u32,
    /// The voucher code on the basket, when there is one.
    pub voucher_code: Option<String>,
    /// What takes money off the goods (the voucher's line), each with its amount.
    pub discounts: Vec<BasketDiscount>,
}

/// A gift card paying part of an order: its number as shown (the last four) and how much.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct GiftCardUse {
    pub number: String,
    #[serde(deserialize_with = "de_money")]
    pub amount: Money,
}

/// A discount on the basket: what it is and how much it takes off.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct BasketDiscount {
    pub description: String,
    #[serde(deserialize_with = "de_money")]
    pub discount: Money,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Product {
    pub pk: Pk,
    pub sku: String,
    pub name: String,
    #[serde(deserialize_with = "de_money")]
    pub price: Money,
    #[serde(deserialize_with = "de_opt_money")]
    pub retail_price: Option<Money>,
    pub stock: Option<i64>,
    #[serde(deserialize_with = "de_flag")]
    pub in_stock: bool,
    /// The EAN-13 printed on the product (an extra attribute of the simulator's catalog).
    pub barcode: Option<String>,
    /// Its pictures' addresses, the first the one to show.
    pub productimage_set: Vec<ProductImage>,
    /// The categories it is filed in.
    pub category_ids: Vec<Pk>,
    /// What tells a variant apart from its siblings (`{"size": "42"}`).
    pub attributes: std::collections::BTreeMap<String, Value>,
    /// Its sizes or colours, each sold by its own code: a product that has them is not
    /// sold itself, a customer chooses one.
    pub variants: Vec<Product>,
}

impl Product {
    /// A variant's name among its siblings: its attributes' values ("42", "42 · Siyah").
    pub fn variant_label(&self) -> String {
        let values: Vec<String> = self
            .attributes
            .values()
            .filter_map(|v| match v {
                Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect();
        if values.is_empty() {
            self.name.clone()
        } else {
            values.join(" · ")
        }
    }
}

/// One store of the chain with its units of a product.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct StoreStock {
    pub pk: Pk,
    pub name: String,
    pub address: String,
    pub stock: Option<i64>,
    /// The store hands it over to a customer who comes for it (click and collect).
    #[serde(deserialize_with = "de_flag")]
    pub click_and_collect: bool,
}

/// A category of the store's catalog, as its menu lists it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Category {
    pub pk: Pk,
    pub name: String,
    /// Its picture's address, where it has one.
    pub image: Option<String>,
    #[serde(deserialize_with = "de_opt_count")]
    pub product_count: Option<u32>,
}

impl Product {
    /// The address of the picture to show, where it has one.
    pub fn picture(&self) -> Option<&str> {
        self.productimage_set
            .iter()
            .map(|i| i.image.trim())
            .find(|url| !url.is_empty())
    }
}

/// One picture of a product.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct ProductImage {
    pub image: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct User {
    pub pk: Pk,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
}

/// A line of a completed order.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct OrderLine {
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    #[serde(deserialize_with = "de_money")]
    pub unit_price: Money,
    #[serde(deserialize_with = "de_money")]
    pub total_amount: Money,
}

/// A completed order as the server reports it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct OrderRecord {
    pub number: String,
    #[serde(deserialize_with = "de_money")]
    pub amount: Money,
    pub payment_type: String,
    /// The payment option's name.
    pub payment_option: String,
    pub installment_count: Option<u32>,
    #[serde(deserialize_with = "de_opt_money")]
    pub service_fee: Option<Money>,
    pub items: Vec<OrderLine>,
    pub notes: Option<String>,
    pub status: String,
    pub created_date: String,
    #[serde(deserialize_with = "de_opt_money")]
    pub shipping_amount: Option<Money>,
    /// How the goods reach the customer; `None` where the server does not say.
    pub delivery: Option<OrderDelivery>,
    /// The gift cards that paid part of it (masked numbers); `amount` is the rest.
    pub gift_cards: Vec<GiftCardUse>,
    /// The voucher the order was placed with, and what it took off the goods.
    pub voucher_code: Option<String>,
    #[serde(deserialize_with = "de_opt_money")]
    pub discount_amount: Option<Money>,
    /// The money given back since it was placed, oldest first.
    pub refunds: Vec<OrderRefund>,
}

/// Money an order gave back: how much, which way (`cash`, `card`, …) and when.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct OrderRefund {
    pub number: String,
    #[serde(deserialize_with = "de_money")]
    pub amount: Money,
    pub refund_type: String,
    pub created_date: String,
}

/// An order's delivery: collected in a store, or shipped to an address.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct OrderDelivery {
    /// `retail_store` or `customer`.
    pub delivery_option_type: String,
    pub retail_store: Option<RetailStore>,
    pub shipping_address: Option<Address>,
    pub shipping_option: Option<ShippingOption>,
}

impl OrderDelivery {
    /// What a receipt and the thank-you screen say, in the receipt's words (Turkish on
    /// the slip): `Mağazadan teslim: STORE` or `Kargo (OPTION): ADDRESS`.
    pub fn describe(&self) -> Option<String> {
        match (&self.retail_store, &self.shipping_address) {
            (_, Some(address)) => Some(match &self.shipping_option {
                Some(option) => format!("{} → {}", option.name, address.one_line()),
                None => address.one_line(),
            }),
            (Some(store), None) => Some(store.name.clone()),
            (None, None) => None,
        }
    }

    pub fn shipped(&self) -> bool {
        self.delivery_option_type == "customer" || self.shipping_address.is_some()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct RetailStore {
    pub pk: Pk,
    pub name: String,
    pub address: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Address {
    pub pk: Pk,
    pub title: String,
    pub line: String,
    pub city: Place,
    pub district: Place,
}

impl Address {
    /// One line a person reads: `Moda Cad. 12, Kadıköy/İstanbul`.
    pub fn one_line(&self) -> String {
        let place = [&self.district.name, &self.city.name]
            .iter()
            .filter(|n| !n.is_empty())
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join("/");
        [self.line.trim(), &place]
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A city or district: servers send its name, or `{pk, name}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Place {
    pub pk: Option<Pk>,
    pub name: String,
}

impl<'de> Deserialize<'de> for Place {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Name(String),
            Full {
                #[serde(default)]
                pk: Option<Pk>,
                #[serde(default)]
                name: String,
            },
            Nothing(()),
        }
        Ok(match Either::deserialize(d)? {
            Either::Name(name) => Place { pk: None, name },
            Either::Full { pk, name } => Place { pk, name },
            Either::Nothing(()) => Place::default(),
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct ShippingOption {
    pub pk: Pk,
    pub name: String,
    #[serde(deserialize_with = "de_money")]
    pub shipping_amount: Money,
}
