//! The checkout's answers as typed data.
//!
//! Every `POST /orders/checkout/?page=X` answers the same envelope: a list of pages with
//! their contexts, `errors`, and the `pre_order`. This module turns that envelope into a
//! [`CheckoutResponse`] whose pages are a [`Page`] enum, one variant per page of the
//! reference (`../shared/seed/payment-strategy-api.txt`) plus the steps before payment.
//! A page this build does not know becomes [`Page::Unknown`]; a body that is not the
//! envelope becomes an error string. Nothing here can panic on server input.
//!
//! Not here: sending requests (see `client.rs`) or deciding what to post next (see
//! `crate::checkout`).

use super::money::{de_money, de_opt_money, Money};
use super::records::{de_count, de_flag, de_opt_count};
use super::records::{Basket, Pk};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

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

macro_rules! pages {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal => $ctx:ty ),* $(,)?) => {
        /// One step of the checkout, with its context.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Page {
            $( $(#[$doc])* $variant($ctx), )*
            /// A page this build does not know: shown as "not offered on this device".
            Unknown { name: String, context: Value },
        }

        /// The name of a page this build knows, for every place that sends, serves or
        /// compares one: a misspelt or renamed page is a compile error, not a blank screen.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum PageName {
            $( $(#[$doc])* $variant, )*
        }

        impl PageName {
            /// Every page this build understands, in the reference's order.
            pub const ALL: &'static [PageName] = &[ $( PageName::$variant ),* ];

            /// The `page_name` as the reference spells it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( PageName::$variant => $name, )*
                }
            }

            /// A name from the wire (aliases included); `None` for a page this build
            /// does not know.
            pub fn parse(name: &str) -> Option<PageName> {
                match canonical_page_name(name) {
                    $( $name => Some(PageName::$variant), )*
                    _ => None,
                }
            }
        }

        impl Page {
            /// Which known page this is; `None` for [`Page::Unknown`].
            pub fn kind(&self) -> Option<PageName> {
                match self {
                    $( Page::$variant(_) => Some(PageName::$variant), )*
                    Page::Unknown { .. } => None,
                }
            }

            /// The page's `page_name` as the server spells it.
            pub fn name(&self) -> &str {
                match self {
                    $( Page::$variant(_) => $name, )*
                    Page::Unknown { name, .. } => name,
                }
            }

            fn from_parts(name: &str, context: Value) -> Result<Page, String> {
                let context = if context.is_null() { Value::Object(Default::default()) } else { context };
                if !context.is_object() {
                    return Err(format!("the context of {name} is not an object"));
                }
                match canonical_page_name(name) {
                    $( $name => serde_json::from_value::<$ctx>(context)
                        .map(Page::$variant)
                        .map_err(|e| format!("the context of {name} is not understood: {e}")), )*
                    _ => Ok(Page::Unknown { name: name.to_string(), context }),
                }
            }
        }
    };
}

pages! {
    Index = "IndexPage" => IndexContext,
    DeliveryOptionSelection = "DeliveryOptionSelectionPage" => DeliveryOptionsContext,
    RetailStoreSelection = "RetailStoreSelectionPage" => RetailStoresContext,
    AddressSelection = "AddressSelectionPage" => AddressesContext,
    ShippingOptionSelection = "ShippingOptionSelectionPage" => ShippingOptionsContext,
    PaymentOptionSelection = "PaymentOptionSelectionPage" => PaymentOptionsContext,
    OrderNote = "OrderNotePage" => OrderNoteContext,
    FundsTransferChoice = "FundsTransferChoicePage" => BankAccountsContext,
    FundsTransfer = "FundsTransferPage" => NoContext,
    /// Also answers to the storefront's `LoyaltyPaymentSelectedPage`.
    LoyaltyMoney = "LoyaltyMoneyPage" => LoyaltyContext,
    PayLaterComplete = "PayLaterCompletePage" => NoContext,
    PayOnDeliveryPaymentChoice = "PayOnDeliveryPaymentChoicePage" => PaymentChoicesContext,
    PayOnDelivery = "PayOnDeliveryPage" => NoContext,
    RedirectionPaymentSelected = "RedirectionPaymentSelectedPage" => NoContext,
    RedirectionPageComplete = "RedirectionPageCompletePage" => RedirectContext,
    CreditPaymentSelection = "CreditPaymentSelectionPage" => CreditOptionsContext,
    CreditPaymentConfirmation = "CreditPaymentConfirmationPage" => RedirectContext,
    CreditPaymentComplete = "CreditPaymentCompletePage" => NoContext,
    CashRegister = "CashRegisterPage" => NoContext,
    CashRegisterInstallmentSelection = "CashRegisterInstallmentSelectionPage" => CashRegisterInstallmentsContext,
    CashRegisterComplete = "CashRegisterCompletePage" => CashRegisterCompleteContext,
    BexSelection = "BexSelectionPage" => NoContext,
    BexBinNumber = "BexBinNumberPage" => BexBinNumberContext,
    BexInstallmentSelection = "BexInstallmentSelectionPage" => CardInstallmentsContext,
    BexNonce = "BexNoncePage" => NoContext,
    BexComplete = "BexCompletePage" => NoContext,
    GPaySelection = "GPaySelectionPage" => NoContext,
    GPayRedirect = "GPayRedirectPage" => NoContext,
    GPayComplete = "GPayCompletePage" => RedirectContext,
    ConfirmationPaymentAgreementCheck = "ConfirmationPaymentAgreementCheckPage" => NoContext,
    ConfirmationPaymentAgreementConfirm = "ConfirmationPaymentAgreementConfirmPage" => TermsContext,
    ConfirmationPaymentSelected = "ConfirmationPaymentSelectedPage" => NoContext,
    ConfirmationPaymentQuery = "ConfirmationPaymentQueryPage" => NoContext,
    ConfirmationPaymentComplete = "ConfirmationPaymentCompletePage" => NoContext,
    SavedCardSelection = "SavedCardSelectionPage" => SavedCardsContext,
    SavedCardInstallmentSelection = "SavedCardInstallmentSelectionPage" => CardInstallmentsContext,
    SavedCardConfirmation = "SavedCardConfirmationPage" => NoContext,
    MasterpassBinNumber = "MasterpassBinNumberPage" => NoContext,
    MasterpassInstallment = "MasterpassInstallmentPage" => CardInstallmentsContext,
    MasterpassOrderNo = "MasterpassOrderNoPage" => NoContext,
    MasterpassComplete = "MasterpassCompletePage" => MasterpassCompleteContext,
    MobilExpressSelection = "MobilExpressSelectionPage" => NoContext,
    MobilExpressCardFoundOtpRequiredPhone = "MobilExpressCardFoundOtpRequiredPhonePage" => PhoneContext,
    MobilExpressCardFoundOtpRequiredOtp = "MobilExpressCardFoundOtpRequiredOtpPage" => PhoneContext,
    MobilExpressCardList = "MobilExpressCardListPage" => MobilExpressCardsContext,
    MobilExpressInstallmentSelection = "MobilExpressInstallmentSelectionPage" => CardInstallmentsContext,
    MobilExpressTryPayment = "MobilExpressTryPaymentPage" => NoContext,
    ThankYou = "ThankYouPage" => ThankYouContext,
}

/// The reference and the storefront client disagree on a few names; map them to one.
pub fn canonical_page_name(name: &str) -> &str {
    match name {
        "LoyaltyPaymentSelectedPage" => "LoyaltyMoneyPage",
        other => other,
    }
}

impl fmt::Display for PageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Page {
    /// `redirect_url` on any page means "leave the checkout and go there".
    pub fn redirect_url(&self) -> Option<&str> {
        match self {
            Page::RedirectionPageComplete(c) | Page::CreditPaymentConfirmation(c) | Page::GPayComplete(c) => {
                c.redirect_url.as_deref()
            }
            Page::ThankYou(c) => Some(c.redirect_url.as_str()),
            Page::Unknown { context, .. } => context.get("redirect_url").and_then(Value::as_str),
            _ => None,
        }
    }
}

/// The `errors` of an answer: a message for the whole step and messages per field.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CheckoutErrors {
    pub non_field: Vec<String>,
    pub fields: BTreeMap<String, Vec<String>>,
}

impl CheckoutErrors {
    /// Reads `errors`; `None` when the server said there were none.
    pub fn from_value(value: &Value) -> Option<CheckoutErrors> {
        let mut errors = CheckoutErrors::default();
        match value {
            Value::Null => return None,
            Value::Object(map) if map.is_empty() => return None,
            Value::Object(map) => {
                for (key, v) in map {
                    let messages = messages_of(v);
                    if key == "non_field_errors" || key == "__all__" || key == "detail" {
                        errors.non_field.extend(messages);
                    } else {
                        errors.fields.insert(key.clone(), messages);
                    }
                }
            }
            other => errors.non_field.extend(messages_of(other)),
        }
        Some(errors)
    }

    /// Every message without field names, as a customer reads them on the step.
    pub fn messages(&self) -> String {
        let mut parts: Vec<&str> = self.non_field.iter().map(String::as_str).collect();
        parts.extend(self.fields.values().flatten().map(String::as_str));
        parts.join(" ")
    }

    /// Every message, field messages prefixed with their field, for logs and the CLI.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = self.non_field.clone();
        for (field, messages) in &self.fields {
            parts.push(format!("{field}: {}", messages.join(" ")));
        }
        parts.join("; ")
    }
}

fn messages_of(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(messages_of).collect(),
        Value::Null => vec![],
        Value::Object(map) => map.values().flat_map(messages_of).collect(),
        other => vec![other.to_string()],
    }
}

/// The order being built, as the server sees it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct PreOrder {
    pub basket: Option<Basket>,
    pub payment_option: Option<PaymentOption>,
    pub installment: Option<Installment>,
    #[serde(deserialize_with = "de_opt_money")]
    pub total_amount: Option<Money>,
    #[serde(deserialize_with = "de_opt_money")]
    pub unpaid_amount: Option<Money>,
    #[serde(deserialize_with = "de_opt_money")]
    pub shipping_amount: Option<Money>,
    pub notes: Option<String>,
}

/// One whole answer of the checkout endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckoutResponse {
    /// In the server's order; the last is the step the user is on now.
    pub pages: Vec<Page>,
    pub errors: Option<CheckoutErrors>,
    pub pre_order: Option<PreOrder>,
}

impl CheckoutResponse {
    /// Parses a body. The error says what was wrong, in words fit for a log.
    pub fn parse(body: &[u8]) -> Result<CheckoutResponse, String> {
        let root: Value = serde_json::from_slice(body).map_err(|e| format!("the answer is not JSON: {e}"))?;
        let Value::Object(root) = root else {
            return Err("the answer is not a JSON object".into());
        };
        let list = match root.get("context_list") {
            Some(Value::Array(list)) => list,
            Some(Value::Null) | None => return Err("the answer has no context_list".into()),
            Some(_) => return Err("context_list is not a list".into()),
        };
        let mut pages = Vec::with_capacity(list.len());
        for entry in list {
            let name = entry
                .get("page_name")
                .and_then(Value::as_str)
                .ok_or("a context_list entry has no page_name")?;
            let context = entry.get("page_context").cloned().unwrap_or(Value::Null);
            pages.push(Page::from_parts(name, context)?);
        }
        let errors = root.get("errors").and_then(CheckoutErrors::from_value);
        let pre_order = match root.get("pre_order") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                serde_json::from_value::<PreOrder>(v.clone())
                    .map_err(|e| format!("pre_order is not understood: {e}"))?,
            ),
        };
        if pages.is_empty() && errors.is_none() {
            return Err("the answer names no page".into());
        }
        Ok(CheckoutResponse {
            pages,
            errors,
            pre_order,
        })
    }

    /// The step the user is on now: the last page of the list.
    pub fn current(&self) -> Option<&Page> {
        self.pages.last()
    }

    /// The first page of the list with the given name.
    pub fn find(&self, name: PageName) -> Option<&Page> {
        self.pages.iter().find(|p| p.kind() == Some(name))
    }

    /// Which page the user is on now; `None` for no page or one this build does not know.
    pub fn current_kind(&self) -> Option<PageName> {
        self.current().and_then(Page::kind)
    }

    /// The payment options, wherever in the list they came.
    pub fn payment_options(&self) -> Option<&PaymentOptionsContext> {
        self.pages.iter().find_map(|p| match p {
            Page::PaymentOptionSelection(c) => Some(c),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASH_REGISTER: &str = r#"{"context_list":[{"page_context":{"barcode":"iVBo","number":9922111123321,"seconds":5},
        "page_name":"CashRegisterCompletePage","page_slug":"cashregistercompletepage"}],
        "template_name":"orders/checkout.html","errors":null,
        "pre_order":{"total_amount":"100.00","unpaid_amount":100}}"#;

    #[test]
    fn cash_register_page_parses_with_number_as_text() {
        let r = CheckoutResponse::parse(CASH_REGISTER.as_bytes()).unwrap();
        match r.current().unwrap() {
            Page::CashRegisterComplete(c) => {
                assert_eq!(c.number.as_ref().unwrap().0, "9922111123321");
                assert_eq!(c.seconds, Some(5));
            }
            other => panic!("unexpected {other:?}"),
        }
        let pre = r.pre_order.unwrap();
        assert_eq!(pre.total_amount, Some(Money::new(100, 0)));
        assert_eq!(pre.unpaid_amount, Some(Money::new(100, 0)));
    }

    #[test]
    fn unknown_page_is_a_value_not_an_error() {
        let body = r#"{"context_list":[{"page_name":"CryptoWalletPage","page_context":{"x":1}}],"errors":null}"#;
        let r = CheckoutResponse::parse(body.as_bytes()).unwrap();
        assert_eq!(r.current().unwrap().name(), "CryptoWalletPage");
        assert!(matches!(r.current().unwrap(), Page::Unknown { .. }));
    }

    #[test]
    fn errors_parse_as_message_and_fields() {
        let body = r#"{"context_list":[{"page_name":"FundsTransferPage","page_context":{}}],
            "errors":{"non_field_errors":"Basket changed","installment":["This field is required."]}}"#;
        let r = CheckoutResponse::parse(body.as_bytes()).unwrap();
        let e = r.errors.unwrap();
        assert_eq!(e.non_field, vec!["Basket changed"]);
        assert_eq!(e.fields["installment"], vec!["This field is required."]);
    }

    #[test]
    fn loyalty_alias_maps_to_the_reference_page() {
        let body = r#"{"context_list":[{"page_name":"LoyaltyPaymentSelectedPage","page_context":null}]}"#;
        let r = CheckoutResponse::parse(body.as_bytes()).unwrap();
        assert!(matches!(r.current().unwrap(), Page::LoyaltyMoney(_)));
    }

    #[test]
    fn malformed_bodies_are_errors_never_panics() {
        let bad: &[&[u8]] = &[
            b"",
            b"null",
            b"[]",
            b"{\"context_list\": 5}",
            b"{\"context_list\": [{}]}",
            b"{\"context_list\": [{\"page_name\": 7}]}",
            b"{\"context_list\": [{\"page_name\": \"CashRegisterCompletePage\", \"page_context\": {\"seconds\": \"soon\"}}]}",
            b"{\"context_list\": [{\"page_name\": \"ThankYouPage\", \"page_context\": []}]}",
            b"{\"context_list\": [], \"pre_order\": {\"total_amount\": \"lots\"}}",
            b"\xff\xfe garbage",
        ];
        for body in bad {
            assert!(
                CheckoutResponse::parse(body).is_err(),
                "accepted {:?}",
                String::from_utf8_lossy(body)
            );
        }
        // Every prefix of a valid answer is either a valid answer or an error.
        for cut in 0..CASH_REGISTER.len() {
            let _ = CheckoutResponse::parse(&CASH_REGISTER.as_bytes()[..cut]);
        }
    }
}
