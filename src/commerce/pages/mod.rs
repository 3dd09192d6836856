//! The checkout's answers as typed data.
//!
//! Every `POST /orders/checkout/?page=X` answers the same envelope: a list of pages with
//! their contexts, `errors`, and the `pre_order`. This module turns that envelope into a
//! [`CheckoutResponse`] whose pages are a [`Page`] enum, one variant per page of the
//! reference (`../shared/seed/payment-strategy-api.txt`) plus the steps before payment.
//! A page this build does not know becomes [`Page::Unknown`]; a body that is not the
//! envelope becomes an error string. Nothing here can panic on server input.
//!
//! This file is the `pages!` table: one row per page, its name on the wire and its
//! context, from which `Page` and `PageName` are made. The contexts are in
//! `contexts.rs`, what they list in `items.rs`, the envelope in `envelope.rs`.
//!
//! Not here: sending requests (see `client.rs`) or deciding what to post next (see
//! `crate::checkout`); the server's records a page names (stores, addresses: `records`).

mod contexts;
mod envelope;
mod items;

pub use contexts::*;
pub use envelope::{Breakdown, CheckoutErrors, CheckoutResponse, PreOrder};
pub use items::*;

use serde_json::Value;
use std::fmt;

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
