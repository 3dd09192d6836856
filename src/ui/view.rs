//! What the screens show, as plain data the tokio side can build and send to the UI
//! thread, and how it lands in the Slint adapters.
//!
//! Slint's `Image` and models are not `Send`; everything here is, and becomes Slint
//! values only inside `apply`, on the UI thread.

use super::{
    BankInstallments, BasketAdapter, BasketLine, BusyKind, CardItem, CashRegisterAdapter, ChoiceItem, ErrorKind,
    InstallmentItem, KioskAdapter, LineProblem, MainWindow, NoticeKind, OrderState, OrdersAdapter,
    PayOnDeliveryAdapter, PaymentAdapter, PaymentKind, PaymentOptionItem, PrinterProblem, QueuedOrderItem, RefusalKind,
    SavedCardAdapter, Screen, SentKind, SetAsideKind, ThankYouAdapter, UnconfirmedAdapter,
};
use super::{ChoiceKind, ChoiceRow, ConfirmKind, EntryKind, Fact, FactKind, HandoffAdapter, StepAdapter};
use super::{CustomerAdapter, DeliveryAdapter, PickLetter};
use crate::commerce::money::format_try;
use crate::commerce::pages::Installment;
use crate::commerce::records::Basket;
use slint::{ComponentHandle, Model, ModelRc, SharedPixelBuffer, SharedString, VecModel};

/// Why the kiosk is busy; each has its own sentence on the overlay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Busy {
    Connecting,
    Working,
}

/// What the error screen says went wrong, in words chosen (and translated) on the UI side.
#[derive(Debug, Clone, PartialEq)]
pub enum ScreenError {
    /// The server cannot be reached or failed; the detail is for staff.
    Network(String),
    /// The server refused the login.
    Login(String),
    /// The server asked for a step this kiosk cannot show.
    Unsupported(String),
    /// The session on a customer's behalf ended: New sale, and choose them again.
    CustomerSession,
    /// Anything else, with the server's or client's words.
    Other(String),
}

/// How an order was paid: the receipt's words for it, shown on the thank-you screen.
pub use crate::devices::receipt::Paid;

/// One row of a choice list.
#[derive(Debug, Clone, Default)]
pub struct Choice {
    /// What is posted when it is chosen.
    pub key: String,
    pub title: String,
    pub detail: String,
    /// Large digits (an IBAN grouped in fours); empty for none.
    pub extra: String,
    pub logo: Option<Pixels>,
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

/// A line under the code field after a scan.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Added(String),
    NotFound(String),
    Failed(String),
    /// Offline, and the kiosk has no catalog copy to price a scan from.
    NoCatalog,
    /// Offline, and the product was sold out at the last sync: not sold.
    SoldOut(String),
    /// The customer's own basket held items: set aside, put back after the sale.
    SetAside,
    Clear,
}

/// One screen's content.
#[derive(Debug, Clone)]
pub enum View {
    Welcome,
    Basket,
    PaymentOptions {
        options: Vec<PaymentOptionItem>,
        amount: String,
        error: String,
    },
    CashRegisterInstallments {
        banks: Vec<(String, Option<Pixels>, Vec<InstallmentItem>)>,
        error: String,
    },
    CashRegisterBarcode {
        number: String,
        amount: String,
        barcode: Option<Pixels>,
        seconds: u32,
    },
    PayOnDelivery {
        choices: Vec<ChoiceItem>,
        amount: String,
        error: String,
    },
    SavedCardList {
        cards: Vec<CardItem>,
        amount: String,
        error: String,
    },
    SavedCardInstallments {
        card_name: String,
        installments: Vec<InstallmentItem>,
        error: String,
    },
    SavedCardConfirm {
        card: String,
        count: i32,
        total: String,
        amount: String,
        error: String,
    },
    ThankYou {
        order_number: String,
        amount: String,
        method: String,
        reset_in: i32,
        /// Taken offline: the number is the kiosk's own reference, sent later.
        pending: bool,
        /// How it was paid, beyond the option's name.
        paid: Paid,
    },
    Error {
        error: ScreenError,
        can_retry: bool,
    },
    /// A step that picks one thing (a bank account, a credit option, a card).
    Choices {
        kind: ChoiceKind,
        rows: Vec<Choice>,
        amount: String,
        error: String,
    },
    /// The last look before a strategy pays: facts, the agreement (with its text).
    Confirm {
        kind: ConfirmKind,
        facts: Vec<(FactKind, String)>,
        /// The agreement's title and text, where the server gives them.
        terms: Option<(String, String)>,
        needs_agreement: bool,
        amount: String,
        error: String,
    },
    /// A number on the keypad: a phone, a code, a card's first digits.
    NumberEntry {
        kind: EntryKind,
        min_digits: i32,
        max_digits: i32,
        /// For a code: how many more tries before the kiosk gives up; 0 for none.
        tries_left: i32,
        /// Demo mode: the code the simulator accepts, told on screen.
        demo_code: String,
        amount: String,
        error: String,
    },
    /// The customer pays on their phone at a payment service.
    Handoff {
        kind: PaymentKind,
        name: String,
        url: String,
        qr: Pixels,
        amount: String,
        seconds: u32,
    },
    /// The technician's checks.
    Diagnostics {
        checks: Vec<(crate::diagnostics::Level, String, String)>,
        version: String,
        /// The device's address toward the server.
        addresses: String,
        /// Where the last Export wrote, or why it could not.
        exported: String,
    },
    /// A payment step was sent and never answered: what the kiosk knows of it.
    Unconfirmed {
        sent: Sent,
        amount: String,
        /// Why no answer came, for staff.
        detail: String,
    },
    /// A page of the clerk's list of offline orders, newest first, and when one whose
    /// fate the server has not told counts as stuck.
    Orders {
        page: crate::offline::queue::ListPage,
        stuck: crate::offline::queue::StuckRule,
    },
    /// The clerk looks for the customer the sale is for.
    CustomerSearch {
        results: Vec<super::CustomerCard>,
        searched: bool,
    },
    /// A new customer's form, empty, with the consents the server asks for.
    CustomerNew(Vec<crate::commerce::customers::Consent>),
    /// How the goods reach the customer.
    Delivery(DeliveryView),
    /// A new address to ship to: the server's cities; the form empty.
    AddressNew {
        cities: Vec<String>,
    },
}

/// What the delivery screen offers.
#[derive(Debug, Clone, Default)]
pub struct DeliveryView {
    pub store_name: String,
    pub store_address: String,
    /// Every line is on this store's shelves.
    pub can_collect: bool,
    pub addresses: Vec<super::AddressCard>,
    pub amount: String,
    pub error: String,
}

/// A change to what is on screen.
#[derive(Debug, Clone)]
pub enum Update {
    Show(View),
    /// Keeps the screen, shows the step's error on it.
    StepError(String),
    Busy(Option<Busy>),
    Status {
        demo: bool,
        server: String,
        user: String,
    },
    Basket {
        lines: Vec<BasketLine>,
        total: String,
        count: i32,
    },
    BasketNotice(Notice),
    Register {
        seconds_left: i32,
        reconnecting: bool,
        call_staff: bool,
    },
    /// The kiosk's own word on the payment options, in the screen's language.
    OptionsNotice(super::OptionsNotice),
    /// The technician reopened setup: the form, filled from these settings.
    Setup(Box<crate::settings::Settings>),
    /// No staff PIN is set on this kiosk: the pad says how to set one.
    PinNoneSet,
    /// A wrong staff PIN: tries left before the pad locks.
    PinWrong(i32),
    /// The PIN pad is locked for this many seconds.
    PinLocked(i32),
    /// The hand-off's countdown.
    Handoff {
        seconds_left: i32,
        reconnecting: bool,
    },
    /// The receipt printer's state, after each change.
    Printer(crate::devices::printer::Report),
    /// The sale controller failed; the kiosk is restarting.
    Restarting,
    /// The offline queue refused the sale; the screen says why in its language.
    OfflineRefused(crate::offline::queue::Refusal),
    /// Whose sale it is: a customer's name, or `None` for the kiosk's own account.
    Customer(Option<String>),
    /// The new customer's form has a problem (the server's words for `Server`).
    CustomerProblem(super::CustomerProblem, String),
    /// The keypad's number was not taken: the phone is nobody's, or the code is wrong.
    EntryProblem(super::EntryProblem),
    /// The districts of the city chosen on the new address's form.
    Districts(Vec<String>),
    /// The new address has a problem (the server's words for `Server`).
    AddressProblem(super::AddressProblem, String),
    /// The offline banner: orders waiting, whether the line is down, a storage problem.
    Queue {
        waiting: i32,
        line_down: bool,
        store_problem: String,
        /// Why the line is down (when it is).
        line_problem: LineProblem,
        /// Orders neither confirmed nor refuted for too long (support must look).
        stuck: i32,
        /// How far the device's clock is from the server's, in minutes (0: it agrees).
        clock_skew_minutes: i32,
    },
}

/// What the offline banner says of a failure on the line.
pub fn line_problem(error: &crate::commerce::CommerceError) -> LineProblem {
    use crate::commerce::CommerceError as E;
    match error {
        E::Timeout { .. } => LineProblem::NoAnswer,
        E::NameNotFound { .. } => LineProblem::NameNotFound,
        E::Untrusted { .. } => LineProblem::Certificate,
        E::Server { status: 502..=504 } => LineProblem::Proxy,
        _ => LineProblem::Unreachable,
    }
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

pub fn basket_update(basket: &Basket) -> Update {
    let lines = basket
        .basketitem_set
        .iter()
        .map(|item| BasketLine {
            product: item.product.pk.0.clone().into(),
            name: item.product.name.clone().into(),
            code: item
                .product
                .barcode
                .clone()
                .unwrap_or_else(|| item.product.sku.clone())
                .into(),
            unit_price: format_try(item.unit_price).into(),
            quantity: item.quantity as i32,
            total: format_try(item.total_amount).into(),
            // The store's shelves hold fewer than the line: the warehouse ships it.
            shipped: item.product.stock.is_some_and(|stock| stock < i64::from(item.quantity)),
        })
        .collect();
    Update::Basket {
        lines,
        total: format_try(basket.total_amount),
        count: basket.total_quantity as i32,
    }
}

fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(items))
}

/// The initial letters of a list to pick from, each with its first item's index, in the
/// list's order; "izmir" and "İzmir" are under one letter, the Turkish capital İ.
fn letters(names: &[String]) -> Vec<PickLetter> {
    let mut letters: Vec<PickLetter> = Vec::new();
    for (index, name) in names.iter().enumerate() {
        let Some(first) = name.trim().chars().next() else {
            continue;
        };
        let letter: String = match first {
            'i' => "İ".into(),
            'ı' => "I".into(),
            other => other.to_uppercase().collect(),
        };
        if !letters.iter().any(|known| known.letter == letter.as_str()) {
            letters.push(PickLetter {
                letter: letter.into(),
                first: index as i32,
            });
        }
    }
    letters
}

/// The error screen's kind (which sentence the screen shows) and the detail for staff.
fn error_parts(error: &ScreenError) -> (ErrorKind, &str) {
    match error {
        ScreenError::Network(detail) => (ErrorKind::Network, detail),
        ScreenError::Login(detail) => (ErrorKind::Login, detail),
        ScreenError::Unsupported(page) => (ErrorKind::Unsupported, page),
        ScreenError::CustomerSession => (ErrorKind::CustomerSession, ""),
        ScreenError::Other(detail) => (ErrorKind::Other, detail),
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

/// Applies one update to the adapters. Runs on the UI thread.
pub fn apply(window: &MainWindow, update: Update) {
    let kiosk = window.global::<KioskAdapter>();
    match update {
        Update::Busy(busy) => {
            kiosk.set_busy_kind(if busy == Some(Busy::Connecting) {
                BusyKind::Connecting
            } else {
                BusyKind::Working
            });
            kiosk.set_busy(busy.is_some());
        }
        Update::Status { demo, server, user } => {
            kiosk.set_demo_mode(demo);
            kiosk.set_user(user.into());
            kiosk.set_server(server.into());
        }
        Update::Basket { lines, total, count } => {
            let adapter = window.global::<BasketAdapter>();
            adapter.set_lines(model(lines));
            adapter.set_total(total.into());
            adapter.set_item_count(count);
        }
        Update::BasketNotice(notice) => {
            // A scan is someone at the kiosk, as a touch is: the idle timer starts over.
            if matches!(notice, Notice::Added(_) | Notice::NotFound(_)) {
                window.global::<super::Activity>().invoke_touched();
            }
            let adapter = window.global::<BasketAdapter>();
            let (kind, text) = match notice {
                Notice::Added(name) => (NoticeKind::Added, name),
                Notice::NotFound(code) => (NoticeKind::NotFound, code),
                Notice::Failed(detail) => (NoticeKind::Failed, detail),
                Notice::NoCatalog => (NoticeKind::NoCatalog, String::new()),
                Notice::SoldOut(name) => (NoticeKind::SoldOut, name),
                Notice::SetAside => (NoticeKind::SetAside, String::new()),
                Notice::Clear => (NoticeKind::None, String::new()),
            };
            adapter.set_notice_kind(kind);
            adapter.set_notice_text(text.into());
        }
        Update::StepError(text) => {
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
                    adapter.set_problem(super::AddressProblem::Server);
                    adapter.set_problem_detail(text);
                }
                Screen::CustomerNew => {
                    let adapter = window.global::<CustomerAdapter>();
                    adapter.set_problem(super::CustomerProblem::Server);
                    adapter.set_problem_detail(text);
                }
                _ => {
                    let adapter = window.global::<BasketAdapter>();
                    adapter.set_notice_kind(NoticeKind::Server);
                    adapter.set_notice_text(text);
                }
            }
        }
        Update::Setup(settings) => super::setup::show(window, &settings),
        Update::PinNoneSet => window.global::<StepAdapter>().set_pin_none_set(true),
        Update::PinWrong(left) => {
            let step = window.global::<StepAdapter>();
            step.set_pin_tries_left(left);
            step.set_pin_locked_seconds(0);
        }
        Update::PinLocked(seconds) => {
            let step = window.global::<StepAdapter>();
            step.set_pin_locked_seconds(seconds);
            step.set_digits(SharedString::new());
        }
        Update::OptionsNotice(notice) => window.global::<PaymentAdapter>().set_notice(notice),
        Update::Handoff {
            seconds_left,
            reconnecting,
        } => {
            let adapter = window.global::<HandoffAdapter>();
            adapter.set_seconds_left(seconds_left);
            adapter.set_reconnecting(reconnecting);
        }
        Update::Register {
            seconds_left,
            reconnecting,
            call_staff,
        } => {
            let adapter = window.global::<CashRegisterAdapter>();
            adapter.set_seconds_left(seconds_left);
            adapter.set_reconnecting(reconnecting);
            adapter.set_call_staff(call_staff);
        }
        Update::Queue {
            waiting,
            line_down,
            store_problem,
            stuck,
            clock_skew_minutes,
            line_problem,
        } => {
            kiosk.set_waiting_orders(waiting);
            kiosk.set_offline(line_down);
            kiosk.set_line_problem(line_problem);
            kiosk.set_store_problem(store_problem.into());
            kiosk.set_stuck_orders(stuck);
            kiosk.set_clock_skew_minutes(clock_skew_minutes.saturating_abs());
        }
        Update::OfflineRefused(refusal) => {
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
        Update::Printer(report) => {
            use crate::devices::printer::Problem;
            let (kind, detail) = match &report.problem {
                Some(Problem::Unreachable(detail)) => (PrinterProblem::Unreachable, detail.clone()),
                Some(Problem::Storage(detail)) => (PrinterProblem::Storage, detail.clone()),
                Some(Problem::PaperOut) => (PrinterProblem::PaperOut, String::new()),
                Some(Problem::CoverOpen) => (PrinterProblem::CoverOpen, String::new()),
                Some(Problem::Offline) => (PrinterProblem::Offline, String::new()),
                None => (PrinterProblem::None, String::new()),
            };
            kiosk.set_printer_problem(kind);
            kiosk.set_printer_detail(detail.into());
            kiosk.set_print_jobs_waiting(report.waiting as i32);
        }
        Update::Show(view) => show(window, view),
        Update::Restarting => kiosk.set_restarting(true),
        Update::Customer(name) => {
            window
                .global::<CustomerAdapter>()
                .set_name(name.unwrap_or_default().into());
        }
        Update::CustomerProblem(problem, detail) => {
            let adapter = window.global::<CustomerAdapter>();
            adapter.set_problem(problem);
            adapter.set_problem_detail(detail.into());
        }
        Update::EntryProblem(problem) => {
            let adapter = window.global::<StepAdapter>();
            adapter.set_entry_problem(problem);
            adapter.set_digits(SharedString::new());
        }
        Update::Districts(names) => {
            let adapter = window.global::<DeliveryAdapter>();
            adapter.set_district_index(-1);
            adapter.set_district_letters(model(letters(&names)));
            adapter.set_districts(model(names.into_iter().map(SharedString::from).collect()));
        }
        Update::AddressProblem(problem, detail) => {
            let adapter = window.global::<DeliveryAdapter>();
            adapter.set_problem(problem);
            adapter.set_problem_detail(detail.into());
        }
    }
}

fn show(window: &MainWindow, view: View) {
    let kiosk = window.global::<KioskAdapter>();
    let screen = match view {
        View::Welcome => Screen::Welcome,
        View::Basket => Screen::Basket,
        View::PaymentOptions { options, amount, error } => {
            let adapter = window.global::<PaymentAdapter>();
            adapter.set_options(model(options));
            adapter.set_amount(amount.into());
            adapter.set_step_error(error.into());
            adapter.set_notice(super::OptionsNotice::None);
            Screen::PaymentOptions
        }
        View::CashRegisterInstallments { banks, error } => {
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
        View::CashRegisterBarcode {
            number,
            amount,
            barcode,
            seconds,
        } => {
            let adapter = window.global::<CashRegisterAdapter>();
            adapter.set_number(number.into());
            adapter.set_amount(amount.into());
            adapter.set_seconds_left(seconds as i32);
            adapter.set_reconnecting(false);
            adapter.set_call_staff(false);
            adapter.set_step_error(SharedString::new());
            // Without a readable image the number alone still lets the cashier type it.
            adapter.set_barcode(barcode.as_ref().map(to_slint_image).unwrap_or_default());
            Screen::CashRegisterBarcode
        }
        View::PayOnDelivery { choices, amount, error } => {
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
                adapter.set_agreed(false);
            }
            adapter.set_choices(model(choices));
            adapter.set_amount(amount.into());
            adapter.set_step_error(error.into());
            adapter.set_refusal_kind(RefusalKind::None);
            Screen::PayOnDelivery
        }
        View::SavedCardList { cards, amount, error } => {
            let adapter = window.global::<SavedCardAdapter>();
            adapter.set_cards(model(cards));
            adapter.set_amount(amount.into());
            adapter.set_step_error(error.into());
            adapter.set_agreed(false);
            Screen::SavedCardList
        }
        View::SavedCardInstallments {
            card_name,
            installments,
            error,
        } => {
            let adapter = window.global::<SavedCardAdapter>();
            adapter.set_card_name(card_name.into());
            adapter.set_installments(model(installments));
            adapter.set_step_error(error.into());
            Screen::SavedCardInstallments
        }
        View::SavedCardConfirm {
            card,
            count,
            total,
            amount,
            error,
        } => {
            let adapter = window.global::<SavedCardAdapter>();
            adapter.set_card_name(card.into());
            adapter.set_installment_count(count);
            adapter.set_total(total.into());
            adapter.set_amount(amount.into());
            adapter.set_step_error(error.into());
            Screen::SavedCardConfirm
        }
        View::ThankYou {
            order_number,
            amount,
            method,
            reset_in,
            pending,
            paid,
        } => {
            let adapter = window.global::<ThankYouAdapter>();
            adapter.set_pending(pending);
            adapter.set_card(if paid.bank.is_empty() { paid.card } else { paid.bank }.into());
            adapter.set_installments(paid.installments as i32);
            adapter.set_iban(paid.iban.into());
            adapter.set_reference(paid.reference.into());
            adapter.set_delivery(paid.delivery.into());
            adapter.set_shipped(paid.shipped);
            adapter.set_order_number(order_number.into());
            adapter.set_amount(amount.into());
            adapter.set_method(method.into());
            adapter.set_reset_in(reset_in);
            Screen::ThankYou
        }
        View::Orders { page, stuck } => {
            use crate::offline::queue::State;
            let adapter = window.global::<OrdersAdapter>();
            let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
            adapter.set_waiting(count(page.waiting));
            adapter.set_sent(count(page.sent));
            adapter.set_set_aside(count(page.set_aside));
            adapter.set_page(count(page.number));
            adapter.set_pages(count(page.pages));
            let items: Vec<QueuedOrderItem> = page
                .orders
                .iter()
                .map(|o| {
                    use crate::offline::queue::SetAsideReason as Why;
                    let (kind, product, from, to, detail) = match &o.why {
                        Some(Why::Unavailable { product, message }) => (
                            SetAsideKind::Unavailable,
                            product.clone(),
                            String::new(),
                            String::new(),
                            message.clone(),
                        ),
                        Some(Why::Missing { product }) => (
                            SetAsideKind::Missing,
                            product.clone(),
                            String::new(),
                            String::new(),
                            String::new(),
                        ),
                        Some(Why::PriceChanged { product, from, to }) => (
                            SetAsideKind::PriceChanged,
                            product.clone(),
                            format_try(*from),
                            format_try(*to),
                            String::new(),
                        ),
                        Some(Why::NotOffered { what }) => (
                            SetAsideKind::NotOffered,
                            what.clone(),
                            String::new(),
                            String::new(),
                            String::new(),
                        ),
                        Some(Why::Other { detail }) => (
                            SetAsideKind::None,
                            String::new(),
                            String::new(),
                            String::new(),
                            detail.clone(),
                        ),
                        // Sent: the server's number. Waiting: the last failure, for staff.
                        None => (
                            SetAsideKind::None,
                            String::new(),
                            String::new(),
                            String::new(),
                            o.order_number.clone().or_else(|| o.reason.clone()).unwrap_or_default(),
                        ),
                    };
                    let doubt_minutes = o.in_doubt_for().map(|d| d.as_secs() / 60).unwrap_or_default();
                    QueuedOrderItem {
                        reference: o.reference.clone().into(),
                        state: match o.state {
                            _ if o.is_stuck(&stuck) => OrderState::Unconfirmed,
                            State::Waiting => OrderState::Waiting,
                            State::Sending => OrderState::Sending,
                            State::Sent => OrderState::Sent,
                            State::SetAside => OrderState::SetAside,
                        },
                        doubt_minutes: i32::try_from(doubt_minutes).unwrap_or(i32::MAX),
                        amount: format_try(o.amount).into(),
                        payment: o.order.option_name.clone().unwrap_or_default().into(),
                        payment_kind: payment_kind(&o.order.payment_type),
                        payment_type: o.order.payment_type.clone().into(),
                        created: local_time(&o.created_at).into(),
                        // The name a sale for a customer keeps beside their pk.
                        customer: o
                            .order
                            .contact
                            .clone()
                            .filter(|_| o.order.customer.is_some())
                            .unwrap_or_default()
                            .into(),
                        why: kind,
                        product: product.into(),
                        price_from: from.into(),
                        price_to: to.into(),
                        detail: detail.into(),
                    }
                })
                .collect();
            adapter.set_orders(model(items));
            Screen::Orders
        }
        View::CustomerSearch { results, searched } => {
            let adapter = window.global::<CustomerAdapter>();
            if !searched {
                adapter.set_search(SharedString::new());
            }
            adapter.set_results(model(results));
            adapter.set_searched(searched);
            Screen::CustomerSearch
        }
        View::CustomerNew(consents) => {
            let adapter = window.global::<CustomerAdapter>();
            for set in [
                CustomerAdapter::set_first_name,
                CustomerAdapter::set_last_name,
                CustomerAdapter::set_phone,
                CustomerAdapter::set_email,
            ] {
                set(&adapter, SharedString::new());
            }
            let rows: Vec<super::ConsentRow> = consents
                .into_iter()
                .map(|c| super::ConsentRow {
                    key: c.key.into(),
                    label: c.label.into(),
                    required: c.required,
                    checked: false,
                })
                .collect();
            adapter.set_consents(model(rows));
            adapter.set_problem(super::CustomerProblem::None);
            Screen::CustomerNew
        }
        View::Delivery(delivery) => {
            let adapter = window.global::<DeliveryAdapter>();
            adapter.set_store_name(delivery.store_name.into());
            adapter.set_store_address(delivery.store_address.into());
            adapter.set_can_collect(delivery.can_collect);
            adapter.set_addresses(model(delivery.addresses));
            adapter.set_amount(delivery.amount.into());
            adapter.set_step_error(delivery.error.into());
            Screen::Delivery
        }
        View::AddressNew { cities } => {
            let adapter = window.global::<DeliveryAdapter>();
            adapter.set_city_letters(model(letters(&cities)));
            adapter.set_cities(model(cities.into_iter().map(SharedString::from).collect()));
            adapter.set_districts(model(Vec::new()));
            adapter.set_district_letters(model(Vec::new()));
            adapter.set_city_index(-1);
            adapter.set_district_index(-1);
            adapter.set_title(SharedString::new());
            adapter.set_line(SharedString::new());
            adapter.set_problem(super::AddressProblem::None);
            adapter.set_picking(super::AddressPicking::None);
            Screen::AddressNew
        }
        View::Choices {
            kind,
            rows,
            amount,
            error,
        } => {
            let adapter = window.global::<StepAdapter>();
            adapter.set_choice_kind(kind);
            let rows: Vec<ChoiceRow> = rows
                .iter()
                .map(|row| ChoiceRow {
                    key: row.key.clone().into(),
                    title: row.title.clone().into(),
                    detail: row.detail.clone().into(),
                    extra: row.extra.clone().into(),
                    has_logo: row.logo.is_some(),
                    logo: row.logo.as_ref().map(to_slint_image).unwrap_or_default(),
                })
                .collect();
            adapter.set_choices(model(rows));
            adapter.set_amount(amount.into());
            adapter.set_step_error(error.into());
            Screen::ChoiceList
        }
        View::Confirm {
            kind,
            facts,
            terms,
            needs_agreement,
            amount,
            error,
        } => {
            let adapter = window.global::<StepAdapter>();
            adapter.set_confirm_kind(kind);
            let facts: Vec<Fact> = facts
                .into_iter()
                .map(|(kind, value)| Fact {
                    kind,
                    value: value.into(),
                })
                .collect();
            adapter.set_facts(model(facts));
            let (title, text) = terms.unwrap_or_default();
            adapter.set_terms_title(title.into());
            adapter.set_terms_text(text.into());
            adapter.set_needs_agreement(needs_agreement);
            adapter.set_agreed(false);
            adapter.set_amount(amount.into());
            adapter.set_step_error(error.into());
            Screen::Confirm
        }
        View::NumberEntry {
            kind,
            min_digits,
            max_digits,
            tries_left,
            demo_code,
            amount,
            error,
        } => {
            let adapter = window.global::<StepAdapter>();
            adapter.set_entry_kind(kind);
            adapter.set_min_digits(min_digits);
            adapter.set_max_digits(max_digits);
            adapter.set_tries_left(tries_left);
            adapter.set_demo_code(demo_code.into());
            adapter.set_pin_tries_left(0);
            adapter.set_pin_locked_seconds(0);
            adapter.set_pin_none_set(false);
            adapter.set_entry_problem(super::EntryProblem::None);
            adapter.set_digits(SharedString::new());
            adapter.set_amount(amount.into());
            adapter.set_step_error(error.into());
            Screen::NumberEntry
        }
        View::Handoff {
            kind,
            name,
            url,
            qr,
            amount,
            seconds,
        } => {
            let adapter = window.global::<HandoffAdapter>();
            adapter.set_kind(kind);
            adapter.set_name(name.into());
            adapter.set_url(url.into());
            adapter.set_qr(to_slint_image(&qr));
            adapter.set_amount(amount.into());
            adapter.set_seconds_left(seconds as i32);
            adapter.set_reconnecting(false);
            Screen::Handoff
        }
        View::Diagnostics {
            checks,
            version,
            addresses,
            exported,
        } => {
            use crate::diagnostics::Level;
            let adapter = window.global::<super::DiagnosticsAdapter>();
            let rows: Vec<super::CheckRow> = checks
                .into_iter()
                .map(|(level, name, detail)| super::CheckRow {
                    level: match level {
                        Level::Ok => super::CheckLevel::Ok,
                        Level::Warn => super::CheckLevel::Warn,
                        Level::Fail => super::CheckLevel::Fail,
                    },
                    name: name.into(),
                    detail: detail.into(),
                })
                .collect();
            adapter.set_checks(model(rows));
            adapter.set_version(version.into());
            adapter.set_addresses(addresses.into());
            adapter.set_exported(exported.into());
            Screen::Diagnostics
        }
        View::Unconfirmed { sent, amount, detail } => {
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
        View::Error { error, can_retry } => {
            let (kind, detail) = error_parts(&error);
            kiosk.set_error_kind(kind);
            kiosk.set_error_detail(detail.into());
            kiosk.set_error_can_retry(can_retry);
            Screen::Error
        }
    };
    kiosk.set_screen(screen);
    // A tapped widget may have taken the focus: keys go to the kiosk's handler again.
    window.invoke_focus_keys();
}

/// A stored UTC time as the store's clock shows it.
fn local_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&chrono::Local).format("%d.%m.%Y %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// A QR code of `text` as pixels, dark on white with a quiet zone, `scale` pixels a
/// module: what a phone's camera reads off the screen.
pub fn qr_pixels(text: &str, scale: u32) -> Result<Pixels, String> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| e.to_string())?;
    let modules = code.width() as u32;
    let quiet = 4;
    let side = (modules + 2 * quiet) * scale;
    let colors = code.to_colors();
    let mut rgba = vec![255u8; (side * side * 4) as usize];
    for (i, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i as u32 % modules, i as u32 / modules);
        for dy in 0..scale {
            for dx in 0..scale {
                let (x, y) = ((mx + quiet) * scale + dx, (my + quiet) * scale + dy);
                let at = ((y * side + x) * 4) as usize;
                rgba[at..at + 3].copy_from_slice(&[0, 0, 0]);
            }
        }
    }
    Ok((side, side, rgba))
}

/// How the keypad's digits look: a phone grouped as `5XX XXX XX XX`, a code masked, a
/// card's first digits as typed.
pub fn shown_digits(digits: &str, kind: EntryKind) -> String {
    match kind {
        EntryKind::Otp | EntryKind::Pin | EntryKind::MyCode => "•".repeat(digits.chars().count()),
        EntryKind::Phone | EntryKind::MyPhone => {
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if matches!(i, 3 | 6 | 8) {
                    out.push(' ');
                }
                out.push(c);
            }
            out
        }
        EntryKind::Bin => digits.to_string(),
    }
}

/// An IBAN in groups of four, as printed on a bank's papers.
pub fn grouped_iban(iban: &str) -> String {
    let compact: String = iban.chars().filter(|c| !c.is_whitespace()).collect();
    compact
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Decoded pixels: width, height, RGBA bytes. Plain data, so it can cross threads.
pub type Pixels = (u32, u32, Vec<u8>);

/// Decodes a PNG or JPEG (the cash-register barcode, a bank's logo) for the screen. A
/// picture larger than any screen is refused before it is decoded: a few KiB of PNG can
/// declare gigabytes of pixels.
pub fn decode_image(bytes: &[u8]) -> Result<Pixels, String> {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(4096);
    limits.max_image_height = Some(4096);
    limits.max_alloc = Some(64 << 20);
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    reader.limits(limits);
    let image = reader.decode().map_err(|e| e.to_string())?.to_rgba8();
    Ok((image.width(), image.height(), image.into_raw()))
}

fn to_slint_image((width, height, rgba): &Pixels) -> slint::Image {
    slint::Image::from_rgba8(SharedPixelBuffer::<slint::Rgba8Pixel>::clone_from_slice(
        rgba, *width, *height,
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_lists_letters_point_at_each_letters_first_item_turkish_capitals_included() {
        let names: Vec<String> = ["Adana", "Ağrı", "Iğdır", "İstanbul", "izmir", "Çorum", ""]
            .into_iter()
            .map(String::from)
            .collect();
        let letters: Vec<(String, i32)> = super::letters(&names)
            .into_iter()
            .map(|l| (l.letter.to_string(), l.first))
            .collect();
        assert_eq!(
            letters,
            [("A".into(), 0), ("I".into(), 2), ("İ".into(), 3), ("Ç".into(), 5)]
        );
    }

    use super::*;

    #[test]
    fn a_picture_larger_than_a_screen_is_refused_before_decoding() {
        let png = |width: u32, height: u32| {
            let mut out = Vec::new();
            let mut encoder = png::Encoder::new(&mut out, width, height);
            encoder.set_color(png::ColorType::Grayscale);
            let mut writer = encoder.write_header().unwrap();
            writer.write_image_data(&vec![0; (width * height) as usize]).unwrap();
            drop(writer);
            out
        };
        assert_eq!(decode_image(&png(3, 2)).unwrap().0, 3);
        let tall = png(1, 5000);
        assert!(tall.len() < 10_000, "a small file");
        assert!(decode_image(&tall).is_err());
    }
}
