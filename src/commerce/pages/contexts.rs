//! The context of each page of the `pages!` table: what the kiosk reads of it.

use super::items::*;
use crate::commerce::money::{de_opt_money, Money};
use crate::commerce::records::{de_flag, de_opt_count, Address, Pk, RetailStore, ShippingOption};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Loyalty money: the simulator also tells the account's balance (the reference gives
/// no context; a server without it leaves it `None`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct LoyaltyContext {
    #[serde(deserialize_with = "de_opt_money")]
    pub balance: Option<Money>,
}

/// A page whose context the kiosk does not read.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct NoContext {}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct IndexContext {
    pub user_email: Option<String>,
    pub phone_number: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct DeliveryOptionsContext {
    pub delivery_options: Vec<DeliveryOption>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct RetailStoresContext {
    pub retail_stores: Vec<RetailStore>,
    pub addresses: Vec<Address>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct AddressesContext {
    pub addresses: Vec<Address>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct ShippingOptionsContext {
    pub shipping_options: Vec<ShippingOption>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct PaymentOptionsContext {
    pub payment_options: Vec<PaymentOption>,
    pub bank_accounts: Vec<BankAccount>,
    pub credit_payment_options: Vec<CreditPaymentOption>,
    pub payment_choices: Vec<PaymentChoice>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct BankAccountsContext {
    pub bank_accounts: Vec<BankAccount>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct PaymentChoicesContext {
    pub payment_choices: Vec<PaymentChoice>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct CreditOptionsContext {
    pub credit_payment_options: Vec<CreditPaymentOption>,
}

/// Any page whose only use is to send the customer elsewhere.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct RedirectContext {
    pub redirect_url: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct CashRegisterInstallmentsContext {
    pub cards: Vec<CashRegisterCard>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct CashRegisterCompleteContext {
    /// Base64 PNG of the barcode the register scans.
    pub barcode: Option<String>,
    /// The order number the barcode encodes.
    pub number: Option<Pk>,
    /// How often to ask whether the register has taken the payment.
    #[serde(deserialize_with = "de_opt_count")]
    pub seconds: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct CardInstallmentsContext {
    pub installments: Vec<Installment>,
    pub card_type: Option<CardType>,
    pub installment_messages: Vec<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct BexBinNumberContext {
    pub path: String,
    pub token: String,
    pub transaction_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct TermsContext {
    pub terms_and_conditions: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct SavedCardsContext {
    pub cards: Vec<SavedCard>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct MasterpassCompleteContext {
    pub msisdn: String,
    pub order_no: String,
    pub token: String,
    pub direct_token: String,
    #[serde(deserialize_with = "de_flag")]
    pub three_d: bool,
    pub extras: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct PhoneContext {
    pub phone_number: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct MobilExpressCardsContext {
    pub cards: Vec<MobilExpressCard>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct OrderNoteContext {
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct ThankYouContext {
    /// The order's receipt path, `/orders/completed/<signed token>/`.
    pub redirect_url: String,
    pub order_id: Pk,
    #[serde(deserialize_with = "de_flag")]
    pub new_user: bool,
    pub token: String,
    pub campaigns: Vec<Value>,
}
