//! Which pages the simulator serves and which module's rules serve each: a page of the
//! `pages!` table or one no client knows, the strategy a page belongs to, and what an
//! accepted step answers.

use crate::commerce::pages::PageName as P;
use serde_json::Value;

/// A page as the simulator serves it: one of the `pages!` table's, or one that no client
/// knows (the first page of a payment type the scenario made up), so that clients can be
/// tested against an unknown page.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum SimPage {
    Known(P),
    Unknown(String),
}

impl Default for SimPage {
    /// Where every checkout starts.
    fn default() -> SimPage {
        SimPage::Known(P::DeliveryOptionSelection)
    }
}

impl SimPage {
    /// A page name from a request, aliases included.
    pub(super) fn parse(name: &str) -> SimPage {
        P::parse(name).map_or_else(|| SimPage::Unknown(name.to_string()), SimPage::Known)
    }

    pub(super) fn name(&self) -> &str {
        match self {
            SimPage::Known(page) => page.as_str(),
            SimPage::Unknown(name) => name,
        }
    }
}

impl From<P> for SimPage {
    fn from(page: P) -> SimPage {
        SimPage::Known(page)
    }
}

impl PartialEq<P> for SimPage {
    fn eq(&self, other: &P) -> bool {
        *self == SimPage::Known(*other)
    }
}

impl std::fmt::Display for SimPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The refusal of a page that the checkout's rules do not serve.
pub(super) fn not_served(page: impl std::fmt::Display) -> Value {
    super::step_error(&format!("{page} is not supported by this server."))
}

/// The first page of a strategy; an unknown type gets a page no client knows.
pub(super) fn first_page(payment_type: &str) -> SimPage {
    SimPage::Known(match payment_type {
        "funds_transfer" => P::FundsTransferChoice,
        "loyalty_money" => P::LoyaltyMoney,
        "pay_later" => P::PayLaterComplete,
        "pay_on_delivery" => P::PayOnDeliveryPaymentChoice,
        "redirection" => P::RedirectionPaymentSelected,
        "credit_payment" => P::CreditPaymentSelection,
        "cash_register" => P::CashRegister,
        "bkm_express" => P::BexSelection,
        "gpay" => P::GPaySelection,
        "confirmation" => P::ConfirmationPaymentAgreementCheck,
        "saved_card" => P::SavedCardSelection,
        "masterpass" => P::MasterpassBinNumber,
        "mobilexpress" => P::MobilExpressSelection,
        other => {
            let camel: String = other
                .split('_')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                })
                .collect();
            return SimPage::Unknown(format!("{camel}Page"));
        }
    })
}

/// Which module's rules serve a page: every page of the table belongs to one, so a page
/// added to `pages!` does not compile until it is given its rules.
#[derive(Clone, Copy)]
pub(super) enum Strategy {
    /// `checkout.rs`
    Checkout,
    /// `transfer.rs`
    Transfer,
    /// `register.rs`
    Register,
    /// `services.rs`
    Services,
    /// `wallets.rs`
    Wallets,
    /// `saved_card.rs`
    SavedCard,
    /// `otp.rs`
    Otp,
}

impl Strategy {
    pub(super) fn of(page: P) -> Strategy {
        match page {
            P::Index
            | P::DeliveryOptionSelection
            | P::RetailStoreSelection
            | P::AddressSelection
            | P::ShippingOptionSelection
            | P::PaymentOptionSelection
            | P::OrderNote
            | P::ThankYou => Strategy::Checkout,
            P::FundsTransferChoice
            | P::FundsTransfer
            | P::LoyaltyMoney
            | P::PayLaterComplete
            | P::PayOnDeliveryPaymentChoice
            | P::PayOnDelivery => Strategy::Transfer,
            P::CashRegister | P::CashRegisterInstallmentSelection | P::CashRegisterComplete => Strategy::Register,
            P::RedirectionPaymentSelected
            | P::RedirectionPageComplete
            | P::CreditPaymentSelection
            | P::CreditPaymentConfirmation
            | P::CreditPaymentComplete
            | P::GPaySelection
            | P::GPayRedirect
            | P::GPayComplete => Strategy::Services,
            P::BexSelection
            | P::BexBinNumber
            | P::BexInstallmentSelection
            | P::BexNonce
            | P::BexComplete
            | P::MasterpassBinNumber
            | P::MasterpassInstallment
            | P::MasterpassOrderNo
            | P::MasterpassComplete => Strategy::Wallets,
            P::SavedCardSelection | P::SavedCardInstallmentSelection | P::SavedCardConfirmation => Strategy::SavedCard,
            P::ConfirmationPaymentAgreementCheck
            | P::ConfirmationPaymentAgreementConfirm
            | P::ConfirmationPaymentSelected
            | P::ConfirmationPaymentQuery
            | P::ConfirmationPaymentComplete
            | P::MobilExpressSelection
            | P::MobilExpressCardFoundOtpRequiredPhone
            | P::MobilExpressCardFoundOtpRequiredOtp
            | P::MobilExpressCardList
            | P::MobilExpressInstallmentSelection
            | P::MobilExpressTryPayment => Strategy::Otp,
        }
    }
}

/// The result of one accepted step: the pages to answer with (last = new current
/// step) and the pages that may be posted next.
pub(super) struct Next {
    pub(super) pages: Vec<SimPage>,
    pub(super) accepts: Vec<SimPage>,
}

impl Next {
    pub(super) fn to(page: P) -> Next {
        Next {
            pages: vec![page.into()],
            accepts: vec![page.into()],
        }
    }
    pub(super) fn show_then_accept(page: P, accept: &[P]) -> Next {
        Next {
            pages: vec![page.into()],
            accepts: accept.iter().map(|&p| p.into()).collect(),
        }
    }
}
