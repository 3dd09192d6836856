//! Where the sale in progress stands: the one [`Sale`] value, the server [`Step`] it is
//! at and what was [`Chosen`] on the steps before, with the questions the rest of the
//! controller asks of it (is a payment step sent? is it local? does it take scans?).
//!
//! Not here: what moves it on (the intents' files), what each state shows
//! (`crate::ui::view`).

use super::local::{LocalSale, LocalStep};
use super::options::is_handoff;
use super::register;
use super::Intent;
use crate::commerce::pages::{CheckoutResponse, PaymentOption, SavedCard};
use crate::ui::view::Sent;

/// Where the sale in progress stands. One value at a time, so that a poller without its
/// barcode on screen, a local basket at a server step or a thank-you screen with a step
/// still open cannot be written; what is on screen follows from it.
pub(super) enum Sale {
    /// The server's basket is the sale: the basket (or the welcome screen) is up.
    Basket,
    /// At a server checkout step, shown on screen.
    Step(Step),
    /// The customer pays on their phone: the QR is up; dropping the watcher stops it.
    Handoff {
        step: Step,
        /// Held for its `Drop`, which stops the task.
        #[allow(dead_code)]
        watcher: register::Poller,
        /// The service's page, for the demo's approval.
        url: String,
    },
    /// The cash-register barcode is up; dropping the poller stops it.
    Register {
        step: Step,
        number: String,
        /// Held for its `Drop`, which stops the task.
        #[allow(dead_code)]
        poller: register::Poller,
    },
    /// Sold without the server (`local.rs`): a basket from the catalog copy, ending in
    /// the queue.
    Local { sale: LocalSale, at: LocalStep },
    /// The thank-you screen is up: a reconnect must not take it away. An order taken
    /// offline keeps its local sale (the choices last seen) for the next customer; an
    /// order the server placed keeps its page (`redirect_url`), to send its receipt.
    ThankYou {
        local: Option<LocalSale>,
        receipt: Option<String>,
    },
    /// The error screen is up over the sale, which is kept. `retry` is what Retry
    /// does again; `None` offers no Retry.
    Failed { retry: Option<Intent>, under: Box<Sale> },
    /// The clerk's list of offline orders is up over the sale.
    Orders { under: Box<Sale> },
    /// The staff's PIN pad is up over the sale.
    Staff { under: Box<Sale> },
    /// The technician's diagnostics are up over the sale.
    Diagnostics { under: Box<Sale> },
    /// A gift card for the order, from the payment options (kept in `step`): its number
    /// awaited, or the code sent to its phone.
    GiftCard { step: Step, asked: Option<GiftAsked> },
    /// The clerk's day's close is up over the sale: the report shown, which a close
    /// keeps as it was seen, and the close once made.
    DayClose {
        under: Box<Sale>,
        report: Box<crate::offline::close::DayReport>,
        closed: bool,
    },
    /// The clerk's returns and cancellations are up over the sale: where the return stands.
    Return {
        under: Box<Sale>,
        at: super::returns::ReturnAt,
    },
    /// The clerk looks for the customer (or opens an account), over the basket: the
    /// search's last results.
    Customers {
        results: Vec<crate::commerce::customers::Customer>,
    },
    /// A self-service customer identifies: their phone once the code was sent, and
    /// the wrong codes so far.
    Identify { phone: Option<String>, wrong: u32 },
    /// A new delivery address's form, over the delivery step: the server's cities and
    /// the chosen city's districts.
    NewAddress {
        step: Step,
        cities: Vec<crate::commerce::customers::Named>,
        districts: Vec<crate::commerce::customers::Named>,
    },
}

/// A gift card whose code was sent: its digits, its number as shown, and the wrong
/// codes so far.
pub(super) struct GiftAsked {
    pub(super) digits: String,
    pub(super) shown: String,
    pub(super) wrong: u32,
}

/// A server checkout step, and what the next screens need of the steps before it.
pub(super) struct Step {
    /// The server's last answer: the step it is on.
    pub(super) answer: CheckoutResponse,
    pub(super) chosen: Chosen,
}

/// What the customer chose on the steps so far.
#[derive(Default, Clone)]
pub(super) struct Chosen {
    /// The payment option, named on the thank-you screen.
    pub(super) option: Option<PaymentOption>,
    /// The saved cards listed, and the chosen one's name for the next screens.
    pub(super) cards: Vec<SavedCard>,
    pub(super) card_name: String,
    /// A step that can place the order was sent (see [`Sale::payment_step_sent`]).
    pub(super) payment_sent: bool,
    /// What the wallets' pages gave that their hand-off address needs.
    pub(super) wallet: crate::checkout::handoff::WalletContext,
    /// Funds transfer: the accounts listed, the one chosen, the reference to quote.
    pub(super) banks: Vec<crate::commerce::pages::BankAccount>,
    pub(super) bank: Option<crate::commerce::pages::BankAccount>,
    pub(super) reference: Option<String>,
    /// MobilExpress: the cards registered to the phone.
    pub(super) phone_cards: Vec<crate::commerce::pages::MobilExpressCard>,
    /// Wrong codes typed on this step.
    pub(super) wrong_codes: u32,
    /// How the goods reach the customer: shipped (true) or collected, and where.
    pub(super) delivery: Option<(bool, String)>,
    /// The address shipped to, on one line: repeated on the shipping options.
    pub(super) address: Option<String>,
    /// Pay on delivery: how the customer pays at the door (the server's label).
    pub(super) pay_choice: Option<String>,
    /// Cash register in installments: the bank and the plan chosen, for the barcode.
    pub(super) plan: Option<(String, crate::commerce::pages::Installment)>,
}

impl Sale {
    /// The sale under an error or orders screen.
    pub(super) fn beneath(&self) -> &Sale {
        match self {
            Sale::Failed { under, .. }
            | Sale::Orders { under }
            | Sale::Staff { under }
            | Sale::DayClose { under, .. }
            | Sale::Return { under, .. }
            | Sale::Diagnostics { under } => under.beneath(),
            sale => sale,
        }
    }

    pub(super) fn beneath_mut(&mut self) -> &mut Sale {
        match self {
            Sale::Failed { under, .. }
            | Sale::Orders { under }
            | Sale::Staff { under }
            | Sale::DayClose { under, .. }
            | Sale::Return { under, .. }
            | Sale::Diagnostics { under } => under.beneath_mut(),
            sale => sale,
        }
    }

    pub(super) fn into_beneath(self) -> Sale {
        match self {
            Sale::Failed { under, .. }
            | Sale::Orders { under }
            | Sale::Staff { under }
            | Sale::DayClose { under, .. }
            | Sale::Return { under, .. }
            | Sale::Diagnostics { under } => under.into_beneath(),
            sale => sale,
        }
    }

    /// The sale under any staff screens, an error screen over it kept (the way back
    /// from a staff screen shows it again, its Retry still there).
    pub(super) fn without_staff(self) -> Sale {
        match self {
            Sale::Orders { under }
            | Sale::Staff { under }
            | Sale::DayClose { under, .. }
            | Sale::Return { under, .. }
            | Sale::Diagnostics { under } => under.without_staff(),
            sale => sale,
        }
    }

    /// The staff's screens over the sale: the PIN pad, the orders, the diagnostics.
    pub(super) fn is_staff_screen(&self) -> bool {
        matches!(
            self,
            Sale::Orders { .. }
                | Sale::Staff { .. }
                | Sale::Diagnostics { .. }
                | Sale::DayClose { .. }
                | Sale::Return { .. }
        )
    }

    /// The server step the sale is at, under any error screen.
    pub(super) fn step(&self) -> Option<&Step> {
        match self.beneath() {
            Sale::Step(step) | Sale::Register { step, .. } | Sale::Handoff { step, .. } | Sale::GiftCard { step, .. } => {
                Some(step)
            }
            _ => None,
        }
    }

    /// A step that can place the order was sent (a barcode issued to the register, an
    /// agreement or a card confirmation posted): the order may exist on the server, so
    /// the sale can end only by the server's answer, never in the offline queue.
    pub(super) fn payment_step_sent(&self) -> bool {
        match self.beneath() {
            Sale::Register { .. } | Sale::Handoff { .. } => true,
            Sale::Step(step) => step.chosen.payment_sent,
            _ => false,
        }
    }

    /// What was sent, where a payment step was sent: what the unconfirmed screen says.
    pub(super) fn unconfirmed(&self) -> Option<Sent> {
        if !self.payment_step_sent() {
            return None;
        }
        let step = self.step()?;
        let service = || step.chosen.option.as_ref().map(|o| o.name.clone()).unwrap_or_default();
        if matches!(self.beneath(), Sale::Handoff { .. }) || step.answer.current().is_some_and(is_handoff) {
            return Some(Sent::Phone(service()));
        }
        Some(match (self.beneath(), step.answer.current()) {
            (Sale::Register { number, .. }, _) => Sent::Register(number.clone()),
            (_, Some(crate::commerce::pages::Page::CashRegisterComplete(ctx))) => {
                Sent::Register(ctx.number.as_ref().map(|n| n.0.clone()).unwrap_or_default())
            }
            (_, Some(crate::commerce::pages::Page::SavedCardConfirmation(_))) => {
                Sent::Card(step.chosen.card_name.clone())
            }
            _ => Sent::Agreement,
        })
    }

    /// Stops a register poller and keeps what is known of the step, for a request that
    /// leaves the barcode screen: until the server answers, the sale is still at it.
    pub(super) fn stop_register(&mut self) {
        let sale = self.beneath_mut();
        if !matches!(sale, Sale::Register { .. } | Sale::Handoff { .. }) {
            return;
        }
        if let Sale::Register { step, .. } | Sale::Handoff { step, .. } = std::mem::replace(sale, Sale::Basket) {
            *sale = Sale::Step(Step {
                answer: step.answer,
                chosen: Chosen {
                    payment_sent: true,
                    ..step.chosen
                },
            });
        }
    }

    /// The sale is carried on without the server.
    pub(super) fn is_local(&self) -> bool {
        matches!(
            self.beneath(),
            Sale::Local { .. } | Sale::ThankYou { local: Some(_), .. }
        )
    }

    /// Scanned codes are taken only while the basket (or the welcome screen) is up.
    pub(super) fn takes_scans(&self) -> bool {
        matches!(
            self,
            Sale::Basket
                | Sale::Local {
                    at: LocalStep::Basket,
                    ..
                }
                | Sale::GiftCard { asked: None, .. }
                | Sale::Return {
                    at: super::returns::ReturnAt::Find,
                    ..
                }
        )
    }
}
