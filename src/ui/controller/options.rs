//! What the online sale (`steps.rs`), the sale without the server (`local.rs`) and the
//! other strategies (`strategies.rs`) all need to know of payment options and pages: the
//! payment types this screen runs, the option lists as each sale shows them, the amount
//! due, and which pages place an order, hand off to a phone or list installments. Here
//! so that none of those three imports another.
//!
//! Not here: the options' screens themselves (`crate::ui::view`).

use crate::commerce::money::format_try;
use crate::commerce::pages::{CheckoutResponse, Page, PageName};
use crate::commerce::Money;
use crate::offline::remembered::{KnownChoice, KnownOption};
use crate::ui::{ChoiceItem, PaymentOptionItem};

/// The payment types of the reference: the touchscreen runs every one.
pub const SCREEN_PAYMENT_TYPES: &[&str] = &[
    "cash_register",
    "pay_on_delivery",
    "saved_card",
    "funds_transfer",
    "loyalty_money",
    "pay_later",
    "redirection",
    "credit_payment",
    "bkm_express",
    "gpay",
    "confirmation",
    "masterpass",
    "mobilexpress",
];

/// The pay-on-delivery payment type, the one strategy the touchscreen can take offline.
pub const PAY_ON_DELIVERY: &str = "pay_on_delivery";

/// Who chooses at a self-service stand, and what `[kiosk]` lets them take.
pub struct SelfService<'a> {
    /// `kiosk.payment_types`: the types customers may choose, in this order (empty: all).
    pub types: &'a [String],
    /// `kiosk.guest_payment_types`: what a guest may take.
    pub guest_types: &'a [String],
    /// Nobody signed in with their phone.
    pub guest: bool,
}

/// The options a customer sees online, in the server's order: every option, greyed with
/// the reason where it cannot be chosen here. At a self-service kiosk with
/// `kiosk.payment_types`, those come first in that order and the rest are for staff; a
/// guest is asked to sign in for the types `kiosk.guest_payment_types` leaves out.
pub fn online_options(options: &[KnownOption], self_service: Option<&SelfService>) -> Vec<PaymentOptionItem> {
    use crate::ui::Unavailable;
    let item = |o: &KnownOption, why: Unavailable| PaymentOptionItem {
        pk: o.pk.clone().into(),
        name: o.name.clone().into(),
        kind: crate::ui::view::payment_kind(&o.payment_type),
        available: why == Unavailable::None,
        why,
    };
    // A type this build does not know stays on screen, greyed. A self-service guest
    // never takes the account's own (the kiosk's saved cards and loyalty money), nor
    // what the kiosk's settings keep for signed-in customers.
    let takeable = |o: &KnownOption| {
        let for_guest = |s: &SelfService| {
            s.guest_types.contains(&o.payment_type)
                && !crate::settings::ACCOUNT_PAYMENT_TYPES.contains(&o.payment_type.as_str())
        };
        if !SCREEN_PAYMENT_TYPES.contains(&o.payment_type.as_str()) {
            Unavailable::Unsupported
        } else if self_service.is_some_and(|s| s.guest && !for_guest(s)) {
            Unavailable::IdentifyFirst
        } else {
            Unavailable::None
        }
    };
    let kiosk_types = match self_service {
        Some(s) if !s.types.is_empty() => s.types,
        _ => return options.iter().map(|o| item(o, takeable(o))).collect(),
    };
    let mut items: Vec<PaymentOptionItem> = kiosk_types
        .iter()
        .flat_map(|t| options.iter().filter(move |o| &o.payment_type == t))
        .map(|o| item(o, takeable(o)))
        .collect();
    items.extend(
        options
            .iter()
            .filter(|o| !kiosk_types.contains(&o.payment_type))
            .map(|o| item(o, Unavailable::StaffOnly)),
    );
    items
}

/// Pay-on-delivery choices as the screen lists them, online or offline.
/// Pay on delivery's choices, each with its fee and what is due with it (`due`: the
/// amount before any choice; unknown, no total is shown).
pub fn choice_items(choices: &[KnownChoice], due: Option<Money>) -> Vec<ChoiceItem> {
    choices
        .iter()
        .map(|c| ChoiceItem {
            value: c.value.clone().into(),
            label: c.label.clone().into(),
            fee: format_try(c.fee).into(),
            total: due.map(|due| format_try(due + c.fee)).unwrap_or_default().into(),
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
            kind: crate::ui::view::payment_kind(&o.payment_type),
            available: offline_types.contains(&o.payment_type),
            why: if offline_types.contains(&o.payment_type) {
                crate::ui::Unavailable::None
            } else {
                crate::ui::Unavailable::Offline
            },
        })
        .collect()
}

/// The amount due as the server last said it.
pub fn due(answer: &CheckoutResponse) -> Option<Money> {
    answer
        .pre_order
        .as_ref()
        .and_then(|p| p.total_amount.or(p.unpaid_amount))
}

/// The amount due as the server last said it, for the screen.
pub fn amount(answer: &CheckoutResponse) -> String {
    format_try(due(answer).unwrap_or_default())
}

pub fn flag(yes: bool) -> &'static str {
    if yes {
        "true"
    } else {
        "false"
    }
}

/// The pages where the customer finishes at a payment service.
pub fn is_handoff(page: &Page) -> bool {
    matches!(
        page,
        Page::RedirectionPageComplete(_) | Page::GPayComplete(_) | Page::BexNonce(_) | Page::MasterpassComplete(_)
    ) || matches!(page, Page::CreditPaymentConfirmation(ctx) if ctx.redirect_url.is_some())
}

/// Pages whose post can place the order: once one is sent, the sale ends only by the
/// server's answer (see `Sale::payment_step_sent`).
pub fn places_order(page: PageName) -> bool {
    use PageName as P;
    matches!(
        page,
        P::FundsTransfer
            | P::LoyaltyMoney
            | P::PayLaterComplete
            | P::PayOnDelivery
            | P::SavedCardConfirmation
            | P::CashRegisterComplete
            | P::RedirectionPageComplete
            | P::CreditPaymentComplete
            | P::GPayComplete
            | P::BexNonce
            | P::BexComplete
            | P::MasterpassComplete
            | P::ConfirmationPaymentComplete
            | P::MobilExpressTryPayment
    )
}

/// The card's installment pages, which share the saved card's installment screen.
pub fn installment_page(page: PageName) -> bool {
    matches!(
        page,
        PageName::SavedCardInstallmentSelection
            | PageName::BexInstallmentSelection
            | PageName::MasterpassInstallment
            | PageName::MobilExpressInstallmentSelection
    )
}
