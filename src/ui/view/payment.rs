//! The payment steps' screen data (filled by `controller/steps.rs`): the payment
//! options, the cash register's installments and barcode, pay on delivery, saved cards,
//! the thank-you screen, the unconfirmed screen, and a step's error on whichever of them
//! is up. The other strategies' screens are in `strategies.rs`.

use super::{model, to_slint_image, Pixels};
use crate::commerce::money::format_try;
use crate::commerce::pages::{Breakdown, Installment};
use crate::ui::{
    BankInstallments, BasketAdapter, CardItem, CashRegisterAdapter, ChoiceItem, CustomerAdapter, DeliveryAdapter,
    DueParts, InstallmentItem, KioskAdapter, MainWindow, NoticeKind, PayOnDeliveryAdapter, PaymentAdapter, PaymentKind,
    PaymentOptionItem, ReceiptSent, RefusalKind, SavedCardAdapter, Screen, SentKind, StepAdapter, ThankYouAdapter,
    UnconfirmedAdapter,
};
use slint::{ComponentHandle, Model, SharedString};

/// How an order was paid: the receipt's words for it, shown on the thank-you screen.
pub use crate::devices::receipt::Paid;

/// The parts of the amount due for the screen: none where the goods are all there is.
pub(super) fn due_parts(parts: Breakdown) -> DueParts {
    if parts.is_goods_only() {
        return DueParts::default();
    }
    let shown = |m: crate::commerce::money::Money| {
        if m.is_zero() {
            SharedString::new()
        } else {
            format_try(m).into()
        }
    };
    DueParts {
        goods: format_try(parts.goods).into(),
        shipping: shown(parts.shipping),
        fee: shown(parts.fee),
        interest: shown(parts.interest),
        gift_cards: shown(parts.gift_cards),
    }
}

/// The payment step that was sent and not answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Sent {
    /// The cash register was given this number (and its barcode).
    Register(String),
    /// This saved card's payment was confirmed.
    Card(String),
    /// An order was agreed (pay on delivery and the like).
    Agreement,
    /// The customer was sent to pay on their phone at this service.
    Phone(String),
}

pub fn installment_item(i: &Installment) -> InstallmentItem {
    InstallmentItem {
        pk: i.pk.0.clone().into(),
        count: i.installment_count as i32,
        label: i.label.clone().into(),
        monthly: format_try(i.monthly_price_with_accrued_interest).into(),
        total: format_try(i.price_with_accrued_interest).into(),
    }
}

/// A payment type of the reference as the screens know it; `Other` for the rest.
pub fn payment_kind(payment_type: &str) -> PaymentKind {
    match payment_type {
        "funds_transfer" => PaymentKind::FundsTransfer,
        "loyalty_money" => PaymentKind::LoyaltyMoney,
        "pay_later" => PaymentKind::PayLater,
        "pay_on_delivery" => PaymentKind::PayOnDelivery,
        "redirection" => PaymentKind::Redirection,
        "credit_payment" => PaymentKind::CreditPayment,
        "cash_register" => PaymentKind::CashRegister,
        "bkm_express" => PaymentKind::BkmExpress,
        "gpay" => PaymentKind::Gpay,
        "confirmation" => PaymentKind::Confirmation,
        "saved_card" => PaymentKind::SavedCard,
        "masterpass" => PaymentKind::Masterpass,
        "mobilexpress" => PaymentKind::Mobilexpress,
        _ => PaymentKind::Other,
    }
}

pub(super) fn payment_options(
    window: &MainWindow,
    options: Vec<PaymentOptionItem>,
    amount: String,
    error: String,
) -> Screen {
    let adapter = window.global::<PaymentAdapter>();
    adapter.set_options(model(options));
    adapter.set_amount(amount.into());
    adapter.set_step_error(error.into());
    adapter.set_notice(crate::ui::OptionsNotice::None);
    Screen::PaymentOptions
}

/// The gift cards on the order (number as shown, amount), what they pay together, and
/// whether they pay it all.
#[derive(Debug, Clone, PartialEq)]
pub struct GiftCardsView {
    pub cards: Vec<(String, String)>,
    pub total: String,
    pub cover: bool,
}

pub(super) fn gift_cards(window: &MainWindow, cards: Option<GiftCardsView>) {
    let adapter = window.global::<PaymentAdapter>();
    adapter.set_gift_cards_offered(cards.is_some());
    let cards = cards.unwrap_or(GiftCardsView {
        cards: Vec::new(),
        total: String::new(),
        cover: false,
    });
    adapter.set_gift_cards(model(
        cards
            .cards
            .into_iter()
            .map(|(number, amount)| crate::ui::GiftCardItem {
                number: number.into(),
                amount: amount.into(),
            })
            .collect(),
    ));
    adapter.set_gift_cards_total(cards.total.into());
    adapter.set_gift_cards_cover(cards.cover);
}

pub(super) fn cash_register_installments(
    window: &MainWindow,
    banks: Vec<(String, Option<Pixels>, Vec<InstallmentItem>)>,
    error: String,
) -> Screen {
    let adapter = window.global::<CashRegisterAdapter>();
    let banks: Vec<BankInstallments> = banks
        .into_iter()
        .map(|(bank, logo, installments)| BankInstallments {
            bank: bank.into(),
            has_logo: logo.is_some(),
            logo: logo.as_ref().map(to_slint_image).unwrap_or_default(),
            installments: model(installments),
        })
        .collect();
    adapter.set_banks(model(banks));
    adapter.set_step_error(error.into());
    Screen::CashRegisterInstallments
}

pub(super) fn cash_register_barcode(
    window: &MainWindow,
    number: String,
    amount: String,
    barcode: Option<Pixels>,
    (seconds, plan): (u32, Option<(String, InstallmentItem)>),
) -> Screen {
    let adapter = window.global::<CashRegisterAdapter>();
    let (bank, plan) = plan.unwrap_or_default();
    adapter.set_plan_bank(bank.into());
    adapter.set_plan(plan);
    adapter.set_number(number.into());
    adapter.set_amount(amount.into());
    adapter.set_seconds_left(seconds as i32);
    adapter.set_checking(false);
    adapter.set_reconnecting(false);
    adapter.set_call_staff(false);
    adapter.set_step_error(SharedString::new());
    // Without a readable image the number alone still lets the cashier type it.
    adapter.set_barcode(barcode.as_ref().map(to_slint_image).unwrap_or_default());
    Screen::CashRegisterBarcode
}

pub(super) fn pay_on_delivery(window: &MainWindow, choices: Vec<ChoiceItem>, amount: String, error: String) -> Screen {
    let kiosk = window.global::<KioskAdapter>();
    let adapter = window.global::<PayOnDeliveryAdapter>();
    // Keep the customer's selection when the same choices come back (an error, a
    // retry); chosen afresh from the options (the next customer), it starts unticked.
    let same = kiosk.get_screen() != Screen::PaymentOptions
        && adapter
            .get_choices()
            .iter()
            .map(|c| c.value)
            .eq(choices.iter().map(|c| c.value.clone()));
    if !same {
        adapter.set_selected(SharedString::new());
        adapter.set_selected_fee(SharedString::new());
        adapter.set_selected_total(SharedString::new());
        adapter.set_agreed(false);
    }
    adapter.set_choices(model(choices));
    adapter.set_amount(amount.into());
    adapter.set_step_error(error.into());
    adapter.set_refusal_kind(RefusalKind::None);
    Screen::PayOnDelivery
}

pub(super) fn saved_card_list(window: &MainWindow, cards: Vec<CardItem>, amount: String, error: String) -> Screen {
    let adapter = window.global::<SavedCardAdapter>();
    adapter.set_cards(model(cards));
    adapter.set_amount(amount.into());
    adapter.set_step_error(error.into());
    adapter.set_agreed(false);
    Screen::SavedCardList
}

pub(super) fn saved_card_installments(
    window: &MainWindow,
    card_name: String,
    installments: Vec<InstallmentItem>,
    error: String,
) -> Screen {
    let adapter = window.global::<SavedCardAdapter>();
    adapter.set_card_name(card_name.into());
    adapter.set_installments(model(installments));
    adapter.set_step_error(error.into());
    Screen::SavedCardInstallments
}

pub(super) fn saved_card_confirm(
    window: &MainWindow,
    card: String,
    count: i32,
    total: String,
    amount: String,
    error: String,
) -> Screen {
    let adapter = window.global::<SavedCardAdapter>();
    adapter.set_card_name(card.into());
    adapter.set_installment_count(count);
    adapter.set_total(total.into());
    adapter.set_amount(amount.into());
    adapter.set_step_error(error.into());
    Screen::SavedCardConfirm
}

pub(super) fn thank_you(
    window: &MainWindow,
    (order_number, amount, method): (String, String, String),
    reset_in: i32,
    pending: bool,
    paid: Paid,
    receipt: Option<super::DigitalReceipt>,
) -> Screen {
    let adapter = window.global::<ThankYouAdapter>();
    // An exchange's credit left is said after, by its own update.
    adapter.set_credit_left(crate::ui::CreditLeft::None);
    adapter.set_has_receipt(receipt.is_some());
    let receipt = receipt.unwrap_or_else(|| super::DigitalReceipt {
        link: String::new(),
        qr: (0, 0, Vec::new()),
        email: String::new(),
        phone: String::new(),
    });
    adapter.set_receipt_qr(super::to_slint_image(&receipt.qr));
    adapter.set_receipt_link(receipt.link.into());
    adapter.set_can_email(!receipt.email.is_empty());
    adapter.set_can_sms(!receipt.phone.is_empty());
    adapter.set_email_to(receipt.email.into());
    adapter.set_sms_to(receipt.phone.into());
    adapter.set_sent(ReceiptSent::None);
    adapter.set_send_error("".into());
    adapter.set_emailed(false);
    adapter.set_texted(false);
    adapter.set_pending(pending);
    adapter.set_card(if paid.bank.is_empty() { paid.card } else { paid.bank }.into());
    adapter.set_installments(paid.installments as i32);
    adapter.set_iban(paid.iban.into());
    adapter.set_reference(paid.reference.into());
    adapter.set_delivery(paid.delivery.into());
    adapter.set_shipped(paid.shipped);
    adapter.set_choice(paid.choice.into());
    adapter.set_fee(paid.fee.into());
    adapter.set_order_number(order_number.into());
    adapter.set_amount(amount.into());
    adapter.set_method(method.into());
    adapter.set_reset_in(reset_in);
    Screen::ThankYou
}

/// The receipt sent to the customer, or why not, on the thank-you screen.
pub(super) fn receipt_sent(window: &MainWindow, outcome: super::ReceiptOutcome) {
    use crate::commerce::ReceiptChannel;
    let adapter = window.global::<ThankYouAdapter>();
    let (sent, detail) = match outcome {
        super::ReceiptOutcome::Sent(ReceiptChannel::Email) => (ReceiptSent::Email, String::new()),
        super::ReceiptOutcome::Sent(ReceiptChannel::Sms) => (ReceiptSent::Sms, String::new()),
        super::ReceiptOutcome::Unreachable => (ReceiptSent::Unreachable, String::new()),
        super::ReceiptOutcome::Refused(words) => (ReceiptSent::Refused, words),
    };
    // What was sent stays sent: a failed second channel keeps the first's "Sent".
    match sent {
        ReceiptSent::Email => adapter.set_emailed(true),
        ReceiptSent::Sms => adapter.set_texted(true),
        _ => {}
    }
    adapter.set_sent(sent);
    adapter.set_send_error(detail.into());
}

pub(super) fn unconfirmed(window: &MainWindow, sent: Sent, amount: String, detail: String) -> Screen {
    let adapter = window.global::<UnconfirmedAdapter>();
    let (kind, number, card) = match sent {
        Sent::Register(number) => (SentKind::Register, number, String::new()),
        Sent::Card(card) => (SentKind::Card, String::new(), card),
        Sent::Agreement => (SentKind::Agreement, String::new(), String::new()),
        Sent::Phone(service) => (SentKind::Phone, String::new(), service),
    };
    adapter.set_kind(kind);
    adapter.set_number(number.into());
    adapter.set_card(card.into());
    adapter.set_amount(amount.into());
    adapter.set_detail(detail.into());
    Screen::Unconfirmed
}

/// Keeps the screen, shows the step's error on it.
pub(super) fn step_error(window: &MainWindow, text: String) {
    let kiosk = window.global::<KioskAdapter>();
    let text: SharedString = text.into();
    match kiosk.get_screen() {
        Screen::PaymentOptions => window.global::<PaymentAdapter>().set_step_error(text),
        Screen::CashRegisterInstallments | Screen::CashRegisterBarcode => {
            window.global::<CashRegisterAdapter>().set_step_error(text)
        }
        Screen::PayOnDelivery => window.global::<PayOnDeliveryAdapter>().set_step_error(text),
        Screen::ChoiceList | Screen::Confirm | Screen::NumberEntry | Screen::Handoff => {
            window.global::<StepAdapter>().set_step_error(text)
        }
        Screen::SavedCardList | Screen::SavedCardInstallments | Screen::SavedCardConfirm => {
            window.global::<SavedCardAdapter>().set_step_error(text)
        }
        Screen::Delivery => window.global::<DeliveryAdapter>().set_step_error(text),
        Screen::AddressNew => {
            let adapter = window.global::<DeliveryAdapter>();
            adapter.set_problem(crate::ui::AddressProblem::Server);
            adapter.set_problem_detail(text);
        }
        Screen::CustomerNew => {
            let adapter = window.global::<CustomerAdapter>();
            adapter.set_problem(crate::ui::CustomerProblem::Server);
            adapter.set_problem_detail(text);
        }
        _ => {
            let adapter = window.global::<BasketAdapter>();
            adapter.set_notice_kind(NoticeKind::Server);
            adapter.set_notice_text(text);
        }
    }
}

/// The cash register's countdown.
pub(super) fn register_countdown(
    window: &MainWindow,
    seconds_left: i32,
    checking: bool,
    reconnecting: bool,
    call_staff: bool,
) {
    let adapter = window.global::<CashRegisterAdapter>();
    adapter.set_seconds_left(seconds_left);
    adapter.set_checking(checking);
    adapter.set_reconnecting(reconnecting);
    adapter.set_call_staff(call_staff);
}

/// Why the offline queue refused the sale, in the screen's language.
pub(super) fn offline_refused(window: &MainWindow, refusal: crate::offline::queue::Refusal) {
    use crate::offline::queue::Refusal;
    let adapter = window.global::<PayOnDeliveryAdapter>();
    let (kind, amount, limit, count) = match refusal {
        Refusal::Empty => (RefusalKind::Empty, None, None, 0),
        Refusal::OrderOverLimit { amount, max } => (RefusalKind::OrderOverLimit, Some(amount), Some(max), 0),
        Refusal::TooManyWaiting { count } => (RefusalKind::TooManyWaiting, None, None, count as i32),
        Refusal::WaitingOverLimit { total, max } => (RefusalKind::WaitingOverLimit, Some(total), Some(max), 0),
        Refusal::OldestTooOld { hours } => (RefusalKind::TooOld, None, None, hours as i32),
    };
    adapter.set_refusal_amount(amount.map(format_try).unwrap_or_default().into());
    adapter.set_refusal_limit(limit.map(format_try).unwrap_or_default().into());
    adapter.set_refusal_count(count);
    adapter.set_refusal_kind(kind);
}
