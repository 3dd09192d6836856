//! What the checkout's pages list: banks and their installments, payment options and
//! bank accounts, pay-on-delivery choices, credit options, cards (saved, the register's,
//! MobilExpress's), delivery options.

use crate::commerce::money::{de_money, Money};
use crate::commerce::records::{de_count, Pk};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Bank {
    pub pk: Pk,
    pub name: String,
    pub slug: String,
    pub logo: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct CardType {
    pub name: String,
    pub slug: String,
    pub logo: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Installment {
    pub pk: Pk,
    #[serde(deserialize_with = "de_count")]
    pub installment_count: u32,
    pub label: String,
    #[serde(deserialize_with = "de_money")]
    pub price_with_accrued_interest: Money,
    #[serde(deserialize_with = "de_money")]
    pub monthly_price_with_accrued_interest: Money,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct PaymentOption {
    pub pk: Pk,
    pub name: String,
    pub slug: String,
    pub payment_type: String,
    pub payment_type_label: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct BankAccount {
    pub pk: Pk,
    pub iban: String,
    pub holder_name: String,
    pub description: String,
    pub sort_order: Option<i64>,
    pub bank: Bank,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct PaymentChoice {
    pub label: String,
    /// The service fee of this choice.
    #[serde(deserialize_with = "de_money")]
    pub price: Money,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct CreditPaymentOption {
    pub pk: Pk,
    pub name: String,
    pub slug: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct CashRegisterCard {
    pub card_payment_type: String,
    pub installments: Vec<Installment>,
    pub bank: Bank,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct SavedCard {
    pub name: String,
    pub masked_card_number: String,
    pub token: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MobilExpressCard {
    pub card_id: String,
    pub masked_card_no: String,
    pub alias: String,
    pub card_brand: String,
    pub is_default: bool,
    pub is_expired: bool,
    pub card_type: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct DeliveryOption {
    pub pk: Pk,
    pub name: String,
    /// `customer` (ship to an address) or `retail_store` (pick up in a store).
    pub delivery_option_type: String,
}
