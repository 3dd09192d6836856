//! What the screens show, as plain data the tokio side can build and send to the UI
//! thread, and how it lands in the Slint adapters.
//!
//! Slint's `Image` and models are not `Send`; everything here is, and becomes Slint
//! values only inside `apply`, on the UI thread. This file holds the two enums every
//! screen change goes through ([`View`]: a whole screen; [`Update`]: a change on the
//! screen that is up) and routes each to the file of its screen family, named as the
//! controller that fills it: `basket.rs` (the basket and the banner), `payment.rs` (the
//! payment steps, the thank-you and unconfirmed screens), `strategies.rs` (choice
//! lists, confirmations, the keypad, the hand-off), `customer.rs` (selling for a
//! customer, delivery), `products.rs` (the product search), `returns.rs` (returns and
//! cancellations) and `staff.rs` (orders, diagnostics, the PIN pad). Setup's form
//! is `super::setup`.
//!
//! Not here: which screen comes next (`super::controller`), how a screen looks
//! (`ui/pages/*.slint`).

mod basket;
mod customer;
mod payment;
mod pixels;
mod products;
mod returns;
mod staff;
mod strategies;

pub use basket::{basket_update, line_problem, BasketVoucher, Notice, VoucherNote};
pub use customer::DeliveryView;
pub use payment::{installment_item, payment_kind, GiftCardsView, Paid, Sent};
use pixels::to_slint_image;
pub use pixels::{decode_image, qr_pixels, Pixels};
pub use products::{
    close as put_search_away, Card, Elsewhere, ElsewhereProblem, Found, ProductQuery, Shelf, ShelfTile,
};
pub use returns::{chosen_total, CreditLeftState, CreditLeftView, FindProblem, ReturnView, Trouble};
pub use staff::counted_cash;
pub use strategies::{grouped_iban, shown_digits, Choice};

use super::{
    BasketLine, BusyKind, CardItem, ChoiceItem, ChoiceKind, ConfirmKind, EntryKind, ErrorKind, FactKind,
    InstallmentItem, KioskAdapter, LineProblem, MainWindow, PaymentKind, PaymentOptionItem, PrinterProblem, Screen,
};
use slint::{ComponentHandle, ModelRc, VecModel};

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

/// The order's receipt on the thank-you screen: the QR code of its page on the server,
/// and where the customer of the sale can have it sent (masked; empty for none).
#[derive(Debug, Clone)]
pub struct DigitalReceipt {
    pub link: String,
    pub qr: Pixels,
    pub email: String,
    pub phone: String,
}

/// What became of the receipt sent to the customer.
#[derive(Debug, Clone, PartialEq)]
pub enum ReceiptOutcome {
    Sent(crate::commerce::ReceiptChannel),
    /// The server could not be reached; the QR code still works.
    Unreachable,
    /// The server refused, in its words.
    Refused(String),
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
        /// In installments: the bank and the plan chosen, repeated under the amount.
        plan: Option<(String, InstallmentItem)>,
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
        /// The receipt to take without paper; `None` for an order taken offline (the
        /// server has no page of it yet).
        receipt: Option<DigitalReceipt>,
    },
    Error {
        error: ScreenError,
        can_retry: bool,
    },
    /// A step that picks one thing (a bank account, a credit option, a card).
    Choices {
        kind: ChoiceKind,
        /// What an earlier step chose that this one depends on (the address shipped
        /// to, over the shipping options), repeated compactly; else empty.
        chosen: String,
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
        /// The address of the device's interface toward the server ("": none).
        address: String,
        /// Demo mode: the server is the built-in simulator.
        demo: bool,
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
    /// The clerk's day's close: its figures, and once closed the cash counted and the
    /// difference (counted less expected).
    DayClose {
        report: Box<crate::offline::close::DayReport>,
        closed: Option<(crate::commerce::Money, crate::commerce::Money)>,
    },
    /// The clerk's returns and cancellations.
    Return(Box<ReturnView>),
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

/// A change to what is on screen.
#[derive(Debug, Clone)]
pub enum Update {
    Show(View),
    /// An exchange's credit left, on its thank-you screen.
    CreditLeft(Option<CreditLeftView>),
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
        /// The voucher on the basket (never on a basket sold offline).
        voucher: Option<basket::BasketVoucher>,
    },
    BasketNotice(Notice),
    /// What became of the voucher panel's code.
    Voucher(basket::VoucherNote),
    /// The payment options' gift cards: `None` where none can be taken (offline).
    GiftCards(Option<payment::GiftCardsView>),
    /// A gift card's code was sent: the card and the phone, for the code's screen.
    GiftCardAsked { number: String, phone: String },
    /// The product search's answer (`products.rs`).
    Products(Found),
    /// The welcome's Browse products: the search opens on the categories.
    Browsing,
    /// The categories to browse (`products.rs`).
    Categories(Shelf),
    /// Other stores' stock of a product (`products.rs`).
    StockElsewhere(Elsewhere),
    /// The store the sale is to be collected at, other than this one; empty: this one.
    CollectAt(String),
    /// A product's or category's picture, by its address, for every tile showing it.
    Picture {
        url: String,
        pixels: Pixels,
    },
    Register {
        seconds_left: i32,
        /// A request is out to ask whether the register took the payment.
        checking: bool,
        reconnecting: bool,
        call_staff: bool,
    },
    /// The kiosk's own word on the payment options, in the screen's language.
    OptionsNotice(super::OptionsNotice),
    /// The technician reopened setup: the form, filled from these settings (`written`:
    /// they were read from a file, else they are the defaults).
    Setup {
        settings: Box<crate::settings::Settings>,
        written: bool,
    },
    /// A staff screen opens: its way back names the screen under it.
    BackTo(super::BackTo),
    /// Where the payment step shown next goes back to.
    StepBack(super::StepBack),
    /// What the amount due shown next is made of.
    Due(crate::commerce::pages::Breakdown),
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
    /// The thank-you screen's receipt was sent, or why not.
    ReceiptSent(ReceiptOutcome),
    /// The sale controller failed; the kiosk is restarting.
    Restarting,
    /// A customer called staff (`true`) until staff came (`false`).
    StaffCalled(bool),
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

fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(items))
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
        Update::Basket {
            lines,
            total,
            count,
            voucher,
        } => basket::basket_lines(window, lines, total, count, voucher),
        Update::Voucher(note) => basket::voucher(window, note),
        Update::GiftCards(cards) => payment::gift_cards(window, cards),
        Update::CreditLeft(view) => returns::credit_left(window, view),
        Update::GiftCardAsked { number, phone } => {
            let step = window.global::<crate::ui::StepAdapter>();
            step.set_gift_card(number.into());
            step.set_sent_to(phone.into());
        }
        Update::BasketNotice(notice) => {
            // A product added (a result tapped, a scan) ends the search it was found by.
            if matches!(notice, Notice::Added(_)) {
                products::close(window);
            }
            basket::basket_notice(window, notice)
        }
        Update::Products(found) => products::found(window, found),
        Update::Browsing => products::browsing(window),
        Update::Categories(shelf) => products::shelf(window, shelf),
        Update::StockElsewhere(answer) => products::elsewhere(window, answer),
        Update::CollectAt(store) => {
            let basket = window.global::<super::BasketAdapter>();
            basket.set_collects_elsewhere(!store.is_empty());
            basket.set_collect_at(store.into());
        }
        Update::Picture { url, pixels } => products::picture(window, &url, &to_slint_image(&pixels)),
        Update::StepError(text) => payment::step_error(window, text),
        Update::Setup { settings, written } => super::setup::show(window, &settings, written),
        Update::BackTo(to) => window.global::<KioskAdapter>().set_back_to(to),
        Update::StepBack(to) => window.global::<KioskAdapter>().set_step_back(to),
        Update::Due(parts) => window.global::<KioskAdapter>().set_due_parts(payment::due_parts(parts)),
        Update::PinNoneSet => window.global::<super::StepAdapter>().set_pin_none_set(true),
        Update::PinWrong(left) => staff::pin_wrong(window, left),
        Update::PinLocked(seconds) => staff::pin_locked(window, seconds),
        Update::OptionsNotice(notice) => window.global::<super::PaymentAdapter>().set_notice(notice),
        Update::Handoff {
            seconds_left,
            reconnecting,
        } => strategies::handoff_countdown(window, seconds_left, reconnecting),
        Update::Register {
            seconds_left,
            checking,
            reconnecting,
            call_staff,
        } => payment::register_countdown(window, seconds_left, checking, reconnecting, call_staff),
        Update::Queue {
            waiting,
            line_down,
            store_problem,
            stuck,
            clock_skew_minutes,
            line_problem,
        } => basket::queue(
            window,
            waiting,
            line_down,
            store_problem,
            line_problem,
            stuck,
            clock_skew_minutes,
        ),
        Update::OfflineRefused(refusal) => payment::offline_refused(window, refusal),
        Update::Printer(report) => printer(window, report),
        Update::ReceiptSent(outcome) => payment::receipt_sent(window, outcome),
        Update::Show(view) => show(window, view),
        Update::Restarting => kiosk.set_restarting(true),
        Update::StaffCalled(called) => kiosk.set_staff_called(called),
        Update::Customer(name) => customer::customer_name(window, name),
        Update::CustomerProblem(problem, detail) => customer::customer_problem(window, problem, detail),
        Update::EntryProblem(problem) => strategies::entry_problem(window, problem),
        Update::Districts(names) => customer::districts(window, names),
        Update::AddressProblem(problem, detail) => customer::address_problem(window, problem, detail),
    }
}

/// Shows one screen: its family fills its adapter, then the screen is switched to it.
fn show(window: &MainWindow, view: View) {
    let screen = match view {
        View::Welcome => Screen::Welcome,
        View::Basket => Screen::Basket,
        View::PaymentOptions { options, amount, error } => payment::payment_options(window, options, amount, error),
        View::CashRegisterInstallments { banks, error } => payment::cash_register_installments(window, banks, error),
        View::CashRegisterBarcode {
            number,
            amount,
            barcode,
            seconds,
            plan,
        } => payment::cash_register_barcode(window, number, amount, barcode, (seconds, plan)),
        View::PayOnDelivery { choices, amount, error } => payment::pay_on_delivery(window, choices, amount, error),
        View::SavedCardList { cards, amount, error } => payment::saved_card_list(window, cards, amount, error),
        View::SavedCardInstallments {
            card_name,
            installments,
            error,
        } => payment::saved_card_installments(window, card_name, installments, error),
        View::SavedCardConfirm {
            card,
            count,
            total,
            amount,
            error,
        } => payment::saved_card_confirm(window, card, count, total, amount, error),
        View::ThankYou {
            order_number,
            amount,
            method,
            reset_in,
            pending,
            paid,
            receipt,
        } => payment::thank_you(window, (order_number, amount, method), reset_in, pending, paid, receipt),
        View::Unconfirmed { sent, amount, detail } => payment::unconfirmed(window, sent, amount, detail),
        View::Choices {
            kind,
            chosen,
            rows,
            amount,
            error,
        } => strategies::choices(window, (kind, chosen), rows, amount, error),
        View::Confirm {
            kind,
            facts,
            terms,
            needs_agreement,
            amount,
            error,
        } => strategies::confirm(window, kind, facts, terms, needs_agreement, amount, error),
        View::NumberEntry {
            kind,
            min_digits,
            max_digits,
            tries_left,
            demo_code,
            amount,
            error,
        } => strategies::number_entry(
            window, kind, min_digits, max_digits, tries_left, demo_code, amount, error,
        ),
        View::Handoff {
            kind,
            name,
            url,
            qr,
            amount,
            seconds,
        } => strategies::handoff(window, kind, name, url, qr, amount, seconds),
        View::Orders { page, stuck } => staff::orders(window, page, stuck),
        View::DayClose { report, closed } => staff::day_close(window, &report, closed),
        View::Return(view) => returns::returns(window, *view),
        View::Diagnostics {
            checks,
            version,
            address,
            demo,
            exported,
        } => staff::diagnostics(window, checks, version, (address, demo), exported),
        View::CustomerSearch { results, searched } => customer::customer_search(window, results, searched),
        View::CustomerNew(consents) => customer::customer_new(window, consents),
        View::Delivery(delivery) => customer::delivery(window, delivery),
        View::AddressNew { cities } => customer::address_new(window, cities),
        View::Error { error, can_retry } => error_screen(window, error, can_retry),
    };
    let kiosk = window.global::<KioskAdapter>();
    let changed = kiosk.get_screen() != screen;
    kiosk.set_screen(screen);
    // A new screen: keys go to the kiosk's handler again (a tapped widget may have taken
    // the focus), and the keyboard is no more the basket code's. The same screen shown
    // again keeps the field being typed into, with its on-screen keyboard.
    if changed {
        // A question about ending the sale belongs to the screen it was asked on.
        kiosk.set_confirming(super::Confirming::None);
        kiosk.set_reading_agreement(false);
        products::close(window);
        window.global::<super::KeyboardAdapter>().set_for_code(false);
        window.invoke_focus_keys();
    }
}

fn error_screen(window: &MainWindow, error: ScreenError, can_retry: bool) -> Screen {
    let kiosk = window.global::<KioskAdapter>();
    let (kind, detail) = error_parts(&error);
    kiosk.set_error_kind(kind);
    kiosk.set_error_detail(detail.into());
    kiosk.set_error_can_retry(can_retry);
    Screen::Error
}

/// The receipt printer's state, after each change: the banner says what stops it.
fn printer(window: &MainWindow, report: crate::devices::printer::Report) {
    let kiosk = window.global::<KioskAdapter>();
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
