//! The simulated commerce server's state and rules, without HTTP: accounts and sessions,
//! catalog, baskets, the checkout page graph of every strategy, orders, the cash
//! register's side and the third-party payment services.
//!
//! Every public method takes the already-authenticated user and returns JSON in the
//! shapes of the reference. `super::server` does the HTTP; this folder decides the answers.
//! This file holds the shared state (accounts, sessions, catalog, baskets, the checkout
//! envelope, orders) and routes each page to the module of its strategy, which holds
//! both the context it renders and the rule it applies.
//!
//! Not here: HTTP, faults and the service pages' HTML (`super::server`).

mod checkout;
mod customers;
mod delivery;
mod gift_cards;
mod offers;
mod orders;
mod otp;
mod page;
mod register;
mod returns;
mod saved_card;
mod services;
mod shop;
mod transfer;
mod vouchers;
mod wallets;

pub use customers::StaffRefusal;
use offers::BANKS;
pub use orders::{Order, ReceiptRefusal, SentReceipt};
use page::{first_page, not_served, Next, SimPage, Strategy};
use register::CashRegisterTxn;
pub use register::{RegisterPayment, RegisterRefusal};
pub use returns::{ReturnRefusal, REASONS, RETURN_DAYS};
pub use services::{ServiceKind, ServiceReturn, ThirdParty};

use super::catalog::{default_catalog, SimProduct};
use super::scenario::{OptionSpec, Scenario};
use crate::commerce::money::{round_cents, wire};
use crate::commerce::pages::PageName as P;
use crate::commerce::Money;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::HashMap;

pub type Form = HashMap<String, String>;

struct Session {
    email: String,
    requests: u32,
}

struct Account {
    pk: u64,
    password: String,
    first_name: String,
    last_name: String,
    phone: String,
    /// The store's own account (the kiosk's): it may sell for customers.
    staff: bool,
    addresses: Vec<delivery::SimAddress>,
    /// A customer's cards on file (the staff account's are the scenario's).
    cards: Vec<super::scenario::SavedCardSpec>,
    loyalty: Money,
}

#[derive(Default)]
struct Cart {
    pk: u64,
    lines: Vec<(usize, u32)>,
    version: u64,
    /// The voucher code applied (as the scenario spells it).
    voucher: Option<String>,
}

#[derive(Default, Clone)]
struct Checkout {
    basket_version: u64,
    current: SimPage,
    accepts: Vec<SimPage>,
    payment_reached: bool,
    contact: Option<(String, String)>,
    delivery: delivery::Delivery,
    shipping_fee: Money,
    option: Option<usize>,
    service_fee: Money,
    payment_choice: Option<String>,
    /// (pk, count, total)
    installment: Option<(String, u32, Money)>,
    card: Option<String>,
    otp_ok: bool,
    phone: Option<String>,
    txn: Option<String>,
    bex_token: Option<String>,
    cash_number: Option<String>,
    barcode: Option<String>,
    notes: Option<String>,
    order: Option<usize>,
    /// Gift cards taken for this order: each card's number and what it pays.
    gift_cards: Vec<(String, Money)>,
    /// The card whose SMS code was sent and is awaited.
    gift_pending: Option<String>,
}

pub struct World {
    pub scenario: Scenario,
    /// The address the links of the answer being made name (`http://HOST:PORT`, no
    /// slash at the end): set by the HTTP layer from each request's Host, as a server
    /// behind a proxy builds its links.
    pub base_url: String,
    catalog: Vec<SimProduct>,
    accounts: HashMap<String, Account>,
    sessions: HashMap<String, Session>,
    carts: HashMap<String, Cart>,
    checkouts: HashMap<String, Checkout>,
    orders: Vec<Order>,
    services: HashMap<String, ThirdParty>,
    registers: HashMap<String, CashRegisterTxn>,
    rng: StdRng,
    next_pk: u64,
    /// When each cash-register number was polled, for tests of the kiosk's poller.
    pub poll_times: HashMap<String, Vec<std::time::Instant>>,
    /// Commerce requests being answered now, and the most at once so far.
    pub in_flight: u32,
    pub max_in_flight: u32,
    /// The commerce requests that came without `Accept-Language`, by path.
    pub without_language: Vec<String>,
    /// The receipts sent to customers by e-mail or SMS, oldest first.
    pub receipts_sent: Vec<SentReceipt>,
    /// The single-use vouchers an order has spent.
    vouchers_spent: Vec<String>,
    /// What is left on each gift card, by number.
    gift_balances: HashMap<String, Money>,
}

/// Why an authenticated request was refused.
#[derive(Debug, PartialEq)]
pub enum AuthError {
    NoSession,
}

/// A demo customer's own addresses, saved cards and loyalty balance.
fn demo_customer(pk: u64) -> (Vec<delivery::SimAddress>, Vec<super::scenario::SavedCardSpec>, Money) {
    use delivery::SimAddress;
    let card = |name: &str, masked: &str, token: &str| super::scenario::SavedCardSpec {
        name: name.into(),
        masked_card_number: masked.into(),
        token: token.into(),
    };
    match pk {
        2 => (
            vec![
                SimAddress::new(21, "Ev", "Moda Cad. No: 12 D: 4", 3401),
                SimAddress::new(22, "İş", "Büyükdere Cad. No: 100 Kat: 7", 3402),
            ],
            vec![card("Ayşe'nin Bonus kartı", "5400 01** **** **42", "ayse-bonus")],
            Money::new(25000, 2),
        ),
        3 => (
            vec![SimAddress::new(31, "Ev", "Atatürk Bulvarı No: 5 D: 9", 601)],
            vec![card("Mehmet'in kartı", "4543 60** **** **08", "mehmet-visa")],
            Money::new(4000, 2),
        ),
        _ => (Vec::new(), Vec::new(), Money::ZERO),
    }
}

fn field_error(field: &str, message: &str) -> Value {
    json!({ field: [message] })
}

fn step_error(message: &str) -> Value {
    json!({ "non_field_errors": message })
}

fn required<'a>(form: &'a Form, field: &str) -> Result<&'a str, Value> {
    match form.get(field).map(|s| s.trim()) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(field_error(field, "This field is required.")),
    }
}

fn agreed(form: &Form) -> Result<(), Value> {
    match form.get("agreement").map(|s| s.trim().to_ascii_lowercase()) {
        Some(v) if matches!(v.as_str(), "true" | "on" | "1" | "yes") => Ok(()),
        _ => Err(field_error("agreement", "You must accept the agreement to continue.")),
    }
}

impl World {
    pub fn new(scenario: Scenario) -> World {
        let mut accounts = HashMap::new();
        accounts.insert(
            scenario.demo_email.clone(),
            Account {
                pk: 1,
                password: scenario.demo_password.clone(),
                first_name: "Demo".into(),
                last_name: "Müşteri".into(),
                phone: "5554443322".into(),
                staff: true,
                addresses: vec![delivery::SimAddress::new(
                    1,
                    "Mağaza",
                    "Caferağa Mah. Moda Cad. 1",
                    3401,
                )],
                cards: Vec::new(),
                loyalty: Money::new(1_000_000, 2),
            },
        );
        // The store's customers, whom the staff account sells for.
        for (pk, email, first, last, phone) in [
            (2, "ayse.yilmaz@example.com", "Ayşe", "Yılmaz", "5321112233"),
            (3, "mehmet.demir@example.com", "Mehmet", "Demir", "5334445566"),
        ] {
            let (addresses, cards, loyalty) = demo_customer(pk);
            accounts.insert(
                email.to_string(),
                Account {
                    pk,
                    password: format!("customer-{pk}-only-by-session"),
                    first_name: first.into(),
                    last_name: last.into(),
                    phone: phone.into(),
                    staff: false,
                    addresses,
                    cards,
                    loyalty,
                },
            );
        }
        let rng = StdRng::seed_from_u64(scenario.seed);
        let gift_balances = scenario
            .gift_cards
            .iter()
            .map(|card| (card.number.clone(), card.balance))
            .collect();
        World {
            scenario,
            base_url: "http://127.0.0.1".into(),
            catalog: default_catalog(),
            accounts,
            sessions: HashMap::new(),
            carts: HashMap::new(),
            checkouts: HashMap::new(),
            orders: Vec::new(),
            services: HashMap::new(),
            registers: HashMap::new(),
            rng,
            next_pk: 300,
            poll_times: HashMap::new(),
            in_flight: 0,
            max_in_flight: 0,
            without_language: Vec::new(),
            receipts_sent: Vec::new(),
            vouchers_spent: Vec::new(),
            gift_balances,
        }
    }

    fn token(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        (0..len)
            .map(|_| ALPHABET[self.rng.random_range(0..ALPHABET.len())] as char)
            .collect()
    }

    fn pk(&mut self) -> u64 {
        self.next_pk += 1;
        self.next_pk
    }

    /// The server's time: the machine's, moved by the scenario's clock offset.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + chrono::Duration::seconds(self.scenario.faults.clock_offset_seconds)
    }

    pub fn roll(&mut self, rate: f64) -> bool {
        rate > 0.0 && self.rng.random::<f64>() < rate
    }

    // ----- checkout ----------------------------------------------------------------

    fn option(&self, ck: &Checkout) -> Option<&OptionSpec> {
        ck.option.and_then(|i| self.scenario.options.get(i))
    }

    /// The amount due before any installment interest: what gift cards leave.
    fn base_amount(&self, email: &str, ck: &Checkout) -> Money {
        let paid: Money = ck.gift_cards.iter().map(|(_, amount)| *amount).sum();
        (self.basket_total(email) + ck.shipping_fee + ck.service_fee - paid).max(Money::ZERO)
    }

    fn amount_due(&self, email: &str, ck: &Checkout) -> Money {
        ck.installment
            .as_ref()
            .map(|(_, _, total)| *total)
            .unwrap_or_else(|| self.base_amount(email, ck))
    }

    /// The checkout of a user, started anew when the basket changed since.
    fn checkout_of(&mut self, email: &str) -> Checkout {
        let version = self.cart(email).version;
        match self.checkouts.get(email) {
            Some(ck) if ck.basket_version == version => ck.clone(),
            _ => Checkout {
                basket_version: version,
                current: P::DeliveryOptionSelection.into(),
                accepts: vec![P::DeliveryOptionSelection.into(), P::Index.into()],
                ..Checkout::default()
            },
        }
    }

    /// The context of a page, from the checkout's state, by the rules of its strategy.
    fn render(&self, email: &str, ck: &Checkout, page: &SimPage) -> Value {
        let SimPage::Known(page) = *page else { return json!({}) };
        match Strategy::of(page) {
            Strategy::Checkout => self.render_checkout(email, ck, page),
            Strategy::Transfer => self.render_transfer(email, ck, page),
            Strategy::Register => self.render_register(email, ck, page),
            Strategy::Services => self.render_services(email, ck, page),
            Strategy::Wallets => self.render_wallets(email, ck, page),
            Strategy::SavedCard => self.render_saved_card(email, ck, page),
            Strategy::Otp => self.render_otp(email, ck, page),
        }
    }

    /// The rules of one step, by the rules of its strategy.
    fn step(&mut self, email: &str, ck: &mut Checkout, page: &SimPage, form: &Form) -> Result<Next, Value> {
        let SimPage::Known(page) = *page else {
            return Err(not_served(page));
        };
        match Strategy::of(page) {
            Strategy::Checkout => self.step_checkout(email, ck, page, form),
            Strategy::Transfer => self.step_transfer(email, ck, page, form),
            Strategy::Register => self.step_register(email, ck, page, form),
            Strategy::Services => self.step_services(email, ck, page, form),
            Strategy::Wallets => self.step_wallets(email, ck, page, form),
            Strategy::SavedCard => self.step_saved_card(email, ck, page, form),
            Strategy::Otp => self.step_otp(email, ck, page, form),
        }
    }

    fn pre_order_json(&mut self, email: &str, ck: &Checkout) -> Value {
        let basket = self.basket_json(email)["basket"].clone();
        let option = ck.option.map(|i| self.payment_options_json()[i].clone());
        let installment = ck.installment.as_ref().map(|(pk, count, total)| {
            json!({"pk": pk, "installment_count": count, "label": format!("{count} Installments"),
                   "price_with_accrued_interest": wire(*total),
                   "monthly_price_with_accrued_interest": wire(round_cents(*total / Money::from(*count)))})
        });
        let due = self.amount_due(email, ck);
        let gift_cards = gift_cards::uses_json(&ck.gift_cards);
        json!({"basket": basket, "payment_option": option, "installment": installment, "gift_cards": gift_cards,
               "total_amount": wire(due), "unpaid_amount": wire(if ck.order.is_some() { Money::ZERO } else { due }),
               "shipping_amount": wire(ck.shipping_fee), "service_fee": wire(ck.service_fee), "notes": ck.notes})
    }

    fn envelope(&mut self, email: &str, ck: &Checkout, pages: &[SimPage], errors: Option<Value>) -> Value {
        let list: Vec<Value> = pages
            .iter()
            .map(|p| {
                json!({"page_name": p.name(), "page_slug": p.name().to_lowercase(),
                       "page_context": self.render(email, ck, p)})
            })
            .collect();
        json!({"context_list": list, "template_name": "orders/checkout.html", "errors": errors,
               "pre_order": self.pre_order_json(email, ck)})
    }

    /// `GET /orders/checkout/` (any `page`): the current step again.
    pub fn checkout_get(&mut self, email: &str) -> Value {
        let ck = self.checkout_of(email);
        if ck.order.is_none() && self.carts[email].lines.is_empty() {
            return self.envelope(email, &ck, &[], Some(step_error("Your basket is empty.")));
        }
        let current = vec![ck.current.clone()];
        let answer = self.envelope(email, &ck, &current, None);
        self.checkouts.insert(email.to_string(), ck);
        answer
    }

    /// `POST /orders/checkout/?page=X`: one step. Errors keep the checkout where it was.
    pub fn checkout_post(&mut self, email: &str, page: &str, form: &Form) -> Value {
        let page = SimPage::parse(page);
        let mut ck = self.checkout_of(email);
        if ck.order.is_none() && self.carts[email].lines.is_empty() {
            return self.envelope(email, &ck, &[], Some(step_error("Your basket is empty.")));
        }
        let allowed = ck.accepts.contains(&page)
            || (page == P::DeliveryOptionSelection && ck.order.is_none())
            || (page == P::PaymentOptionSelection && ck.payment_reached && ck.order.is_none())
            || (page == P::OrderNote && ck.order.is_none());
        let outcome = if allowed {
            self.step(email, &mut ck, &page, form)
        } else {
            Err(step_error(&format!(
                "{page} is not the current step; the checkout is at {}.",
                ck.current
            )))
        };
        self.respond(email, ck, outcome)
    }

    /// The checkout's answer to a step: its next pages, or its errors with the checkout
    /// kept where it was.
    fn respond(&mut self, email: &str, mut ck: Checkout, outcome: Result<Next, Value>) -> Value {
        match outcome {
            Ok(next) => {
                ck.current = next.pages.last().cloned().unwrap_or_else(|| ck.current.clone());
                ck.accepts = next.accepts;
                let answer = self.envelope(email, &ck, &next.pages, None);
                self.checkouts.insert(email.to_string(), ck);
                answer
            }
            Err(errors) => {
                let stored = self
                    .checkouts
                    .get(email)
                    .cloned()
                    .filter(|c| c.basket_version == ck.basket_version);
                let ck = stored.unwrap_or(ck);
                let current = vec![ck.current.clone()];
                let answer = self.envelope(email, &ck, &current, Some(errors));
                self.checkouts.insert(email.to_string(), ck);
                answer
            }
        }
    }
}
