//! The simulated commerce server's state and rules, without HTTP: accounts and sessions,
//! catalog, baskets, the checkout page graph of every strategy, orders, the cash
//! register's side and the third-party payment services.
//!
//! Every public method takes the already-authenticated user and returns JSON in the
//! shapes of the reference. `server.rs` does the HTTP; this file decides the answers.

use super::barcode::code128_png_base64;
use super::catalog::{default_catalog, SimProduct};
use super::scenario::{OptionSpec, Scenario};
use crate::commerce::money::{round_cents, wire};
use crate::commerce::Money;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::HashMap;

pub type Form = HashMap<String, String>;

/// The pages of the steps before payment.
const DELIVERY: &str = "DeliveryOptionSelectionPage";
const STORE: &str = "RetailStoreSelectionPage";
const ADDRESS: &str = "AddressSelectionPage";
const SHIPPING: &str = "ShippingOptionSelectionPage";
const PAYMENT: &str = "PaymentOptionSelectionPage";
const INDEX: &str = "IndexPage";
const NOTE: &str = "OrderNotePage";
const THANK_YOU: &str = "ThankYouPage";

/// Installment plans: count and the factor applied to the amount.
const PLANS: [(u32, &str, &str); 3] = [
    (1, "Advance", "1"),
    (3, "3 Installments", "1.05"),
    (6, "6 Installments", "1.09"),
];

const BANKS: [(u32, &str, &str); 2] = [(1, "Akbank", "akbank"), (2, "Garanti BBVA", "garanti")];

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
}

#[derive(Default)]
struct Cart {
    pk: u64,
    lines: Vec<(usize, u32)>,
    version: u64,
}

#[derive(Default, Clone)]
struct Checkout {
    basket_version: u64,
    current: String,
    accepts: Vec<String>,
    payment_reached: bool,
    contact: Option<(String, String)>,
    delivery_store: bool,
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
}

#[derive(Clone)]
pub struct Order {
    pub pk: u64,
    pub number: String,
    pub token: String,
    pub email: String,
    pub amount: Money,
    pub payment_type: String,
    pub option_name: String,
    pub installment_count: Option<u32>,
    pub service_fee: Money,
    pub items: Vec<Value>,
    pub notes: Option<String>,
    pub created: String,
}

impl Order {
    pub fn json(&self) -> Value {
        json!({
            "pk": self.pk,
            "number": self.number,
            "amount": wire(self.amount),
            "currency": "try",
            "payment_type": self.payment_type,
            "payment_option": self.option_name,
            "installment_count": self.installment_count,
            "service_fee": wire(self.service_fee),
            "items": self.items,
            "notes": self.notes,
            "status": "approved",
            "created_date": self.created,
            "token": self.token,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum ServiceKind {
    Redirection,
    Credit,
    GarantiPay,
}

/// A payment waiting at a third-party service page.
#[derive(Clone, Debug)]
pub struct ThirdParty {
    pub kind: ServiceKind,
    pub email: String,
    pub amount: Money,
    pub decision: Option<bool>,
}

/// What the service page tells the customer's browser after a decision.
pub struct ServiceReturn {
    pub return_url: String,
    pub form: Vec<(String, String)>,
}

struct CashRegisterTxn {
    email: String,
    paid: bool,
    polls: u32,
}

pub struct World {
    pub scenario: Scenario,
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
}

/// Why an authenticated request was refused.
#[derive(Debug, PartialEq)]
pub enum AuthError {
    NoSession,
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

/// The first page of a strategy; an unknown type gets a page no client knows.
fn first_page(payment_type: &str) -> String {
    match payment_type {
        "funds_transfer" => "FundsTransferChoicePage",
        "loyalty_money" => "LoyaltyMoneyPage",
        "pay_later" => "PayLaterCompletePage",
        "pay_on_delivery" => "PayOnDeliveryPaymentChoicePage",
        "redirection" => "RedirectionPaymentSelectedPage",
        "credit_payment" => "CreditPaymentSelectionPage",
        "cash_register" => "CashRegisterPage",
        "bkm_express" => "BexSelectionPage",
        "gpay" => "GPaySelectionPage",
        "confirmation" => "ConfirmationPaymentAgreementCheckPage",
        "saved_card" => "SavedCardSelectionPage",
        "masterpass" => "MasterpassBinNumberPage",
        "mobilexpress" => "MobilExpressSelectionPage",
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
            return format!("{camel}Page");
        }
    }
    .to_string()
}

/// The result of one accepted step: the pages to answer with (last = new current
/// step) and the pages that may be posted next.
struct Next {
    pages: Vec<String>,
    accepts: Vec<String>,
}

impl Next {
    fn to(page: &str) -> Next {
        Next {
            pages: vec![page.to_string()],
            accepts: vec![page.to_string()],
        }
    }
    fn show_then_accept(page: &str, accept: &[&str]) -> Next {
        Next {
            pages: vec![page.to_string()],
            accepts: accept.iter().map(|s| s.to_string()).collect(),
        }
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
            },
        );
        let rng = StdRng::seed_from_u64(scenario.seed);
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

    pub fn roll(&mut self, rate: f64) -> bool {
        rate > 0.0 && self.rng.random::<f64>() < rate
    }

    // ----- accounts and sessions -------------------------------------------------

    pub fn new_csrf_token(&mut self) -> String {
        self.token(32)
    }

    /// Checks the account; returns a new session id.
    pub fn login(&mut self, email: &str, password: &str) -> Option<String> {
        let account = self.accounts.get(email.trim())?;
        if account.password != password {
            return None;
        }
        let sid = self.token(32);
        self.sessions.insert(
            sid.clone(),
            Session {
                email: email.trim().to_string(),
                requests: 0,
            },
        );
        Some(sid)
    }

    /// The user of a session; counts the request and expires the session when the
    /// scenario says so.
    pub fn authenticate(&mut self, sid: Option<&str>) -> Result<String, AuthError> {
        let sid = sid.ok_or(AuthError::NoSession)?;
        let limit = self.scenario.faults.session_expiry_after;
        let session = self.sessions.get_mut(sid).ok_or(AuthError::NoSession)?;
        session.requests += 1;
        if limit.is_some_and(|n| session.requests > n) {
            self.sessions.remove(sid);
            return Err(AuthError::NoSession);
        }
        Ok(session.email.clone())
    }

    pub fn user_json(&self, email: &str) -> Value {
        let a = &self.accounts[email];
        json!({"pk": a.pk, "email": email, "first_name": a.first_name, "last_name": a.last_name, "phone": a.phone})
    }

    // ----- catalog ---------------------------------------------------------------

    fn product_json(p: &SimProduct) -> Value {
        json!({
            "pk": p.pk, "sku": p.sku, "name": p.name, "barcode": p.barcode,
            "price": wire(p.price), "retail_price": wire(p.price), "currency_type": "try",
            "stock": p.stock, "in_stock": p.stock > 0,
        })
    }

    /// `GET /list/`: the whole catalog, or what matches `search_text`.
    pub fn product_list(&self, search: Option<&str>, page: u32) -> Value {
        const PAGE_SIZE: usize = 20;
        let text = search.map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
        let found: Vec<&SimProduct> = self
            .catalog
            .iter()
            .filter(|p| match &text {
                None => true,
                Some(t) => p.barcode == *t || p.sku.to_lowercase() == *t || p.name.to_lowercase().contains(t.as_str()),
            })
            .collect();
        let num_pages = found.len().div_ceil(PAGE_SIZE).max(1);
        let page = (page.max(1) as usize).min(num_pages);
        let products: Vec<Value> = found
            .iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|p| Self::product_json(p))
            .collect();
        json!({
            "products": products,
            "pagination": {"total_count": found.len(), "current_page": page, "num_pages": num_pages, "page_size": PAGE_SIZE},
        })
    }

    pub fn catalog(&self) -> &[SimProduct] {
        &self.catalog
    }

    /// Sets every product's stock, for long demos and benchmarks.
    pub fn restock(&mut self, units: i64) {
        for product in &mut self.catalog {
            product.stock = units;
        }
    }

    /// Changes a product's price, as a store's back office would.
    pub fn set_price(&mut self, sku: &str, price: Money) -> bool {
        match self.catalog.iter_mut().find(|p| p.sku == sku) {
            Some(product) => {
                product.price = price;
                true
            }
            None => false,
        }
    }

    // ----- basket ----------------------------------------------------------------

    fn cart(&mut self, email: &str) -> &mut Cart {
        if !self.carts.contains_key(email) {
            let pk = self.pk();
            self.carts.insert(
                email.to_string(),
                Cart {
                    pk,
                    lines: vec![],
                    version: 1,
                },
            );
        }
        self.carts.get_mut(email).expect("inserted above")
    }

    fn basket_total(&self, email: &str) -> Money {
        self.carts
            .get(email)
            .map(|c| {
                c.lines
                    .iter()
                    .map(|(i, q)| self.catalog[*i].price * Money::from(*q))
                    .sum()
            })
            .unwrap_or_default()
    }

    pub fn basket_json(&mut self, email: &str) -> Value {
        let cart_pk = self.cart(email).pk;
        let lines = self.carts[email].lines.clone();
        let items: Vec<Value> = lines
            .iter()
            .map(|(i, q)| {
                let p = &self.catalog[*i];
                json!({"pk": p.pk * 1000 + cart_pk % 1000, "product": Self::product_json(p), "quantity": q,
                       "unit_price": wire(p.price), "total_amount": wire(p.price * Money::from(*q))})
            })
            .collect();
        let quantity: u32 = lines.iter().map(|(_, q)| q).sum();
        json!({"basket": {"pk": cart_pk, "basketitem_set": items, "total_amount": wire(self.basket_total(email)),
                          "total_quantity": quantity}})
    }

    /// Adds to (`add`) or sets (`!add`) a line. Errors are `(status, body)`.
    pub fn basket_change(&mut self, email: &str, body: &Value, add: bool) -> Result<Value, Value> {
        let pk = match body.get("product") {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .ok_or_else(|| field_error("product", "This field is required."))?;
        let quantity = match body.get("quantity") {
            None | Some(Value::Null) => Some(1),
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .filter(|q| (0..=999).contains(q))
        .ok_or_else(|| field_error("quantity", "Enter a whole number between 0 and 999."))?
            as u32;
        let index = self
            .catalog
            .iter()
            .position(|p| p.pk == pk)
            .ok_or_else(|| field_error("product", &format!("Product {pk} does not exist.")))?;
        let product = self.catalog[index].clone();
        let cart = self.cart(email);
        let existing = cart.lines.iter().position(|(i, _)| *i == index);
        let old = existing.map(|at| cart.lines[at].1).unwrap_or(0);
        let new = if add { old + quantity } else { quantity };
        if add && quantity == 0 {
            return Err(field_error("quantity", "Enter a quantity of at least 1."));
        }
        if new > 0 && i64::from(new) > product.stock {
            return Err(step_error(&if product.stock <= 0 {
                format!("{} is out of stock.", product.name)
            } else {
                format!("Only {} of {} are in stock.", product.stock, product.name)
            }));
        }
        match (existing, new) {
            (Some(at), 0) => {
                cart.lines.remove(at);
            }
            (Some(at), n) => cart.lines[at].1 = n,
            (None, 0) => {}
            (None, n) => cart.lines.push((index, n)),
        }
        cart.version += 1;
        Ok(self.basket_json(email))
    }

    pub fn basket_clear(&mut self, email: &str) -> Value {
        let cart = self.cart(email);
        cart.lines.clear();
        cart.version += 1;
        self.basket_json(email)
    }

    // ----- checkout ----------------------------------------------------------------

    fn option(&self, ck: &Checkout) -> Option<&OptionSpec> {
        ck.option.and_then(|i| self.scenario.options.get(i))
    }

    /// The amount due before any installment interest.
    fn base_amount(&self, email: &str, ck: &Checkout) -> Money {
        self.basket_total(email) + ck.shipping_fee + ck.service_fee
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
                current: DELIVERY.into(),
                accepts: vec![DELIVERY.into(), INDEX.into()],
                ..Checkout::default()
            },
        }
    }

    fn installments_json(&self, base: Money, first_pk: u32) -> Vec<Value> {
        PLANS
            .iter()
            .enumerate()
            .map(|(i, (count, label, factor))| {
                let total = round_cents(base * factor.parse::<Money>().unwrap_or(Money::ONE));
                json!({"pk": first_pk + i as u32, "installment_count": count, "label": label,
                       "price_with_accrued_interest": wire(total),
                       "monthly_price_with_accrued_interest": wire(round_cents(total / Money::from(*count)))})
            })
            .collect()
    }

    /// Finds installment `pk` among the plans starting at the given pks.
    fn pick_installment(&self, base: Money, first_pks: &[u32], pk: &str) -> Option<(String, u32, Money)> {
        first_pks
            .iter()
            .flat_map(|first| self.installments_json(base, *first))
            .find_map(|v| {
                (v["pk"].as_u64().map(|n| n.to_string()).as_deref() == Some(pk.trim())).then(|| {
                    let total: Money = v["price_with_accrued_interest"]
                        .as_str()
                        .and_then(|s| s.parse().ok())
                        .unwrap_or_default();
                    (
                        pk.trim().to_string(),
                        v["installment_count"].as_u64().unwrap_or(1) as u32,
                        total,
                    )
                })
            })
    }

    fn card_type_json() -> Value {
        json!({"name": "Card Finans", "slug": "card-finans", "logo": null})
    }

    fn bank_json(&self, bank: &(u32, &str, &str)) -> Value {
        json!({"pk": bank.0, "name": bank.1, "slug": bank.2, "logo": format!("{}/_sim/logos/{}.png", self.base_url, bank.2)})
    }

    fn payment_options_json(&self) -> Vec<Value> {
        self.scenario
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                json!({"pk": i + 1, "name": o.name, "slug": o.slug(), "payment_type": o.payment_type,
                       "payment_type_label": o.payment_type.replace('_', " ")})
            })
            .collect()
    }

    fn bank_accounts_json(&self) -> Vec<Value> {
        BANKS
            .iter()
            .enumerate()
            .map(|(i, bank)| {
                json!({"pk": i + 1, "iban": format!("TR{:02} 0001 0000 0000 0000 0000 {:02}", 33 + i, i + 1),
                       "holder_name": "Instore Demo A.Ş.", "description": format!("{} havale / EFT", bank.1),
                       "sort_order": i, "bank": self.bank_json(bank)})
            })
            .collect()
    }

    fn credit_options_json() -> Vec<Value> {
        vec![json!({"pk": 1, "name": "Alışveriş Kredisi", "slug": "shopping-credit"})]
    }

    fn payment_choices_json() -> Vec<Value> {
        vec![
            json!({"label": "Kapıda nakit", "price": "9.90", "value": "cash"}),
            json!({"label": "Kapıda kredi kartı", "price": "14.90", "value": "credit_card"}),
        ]
    }

    /// The context of a page, from the checkout's state.
    fn render(&self, email: &str, ck: &Checkout, page: &str) -> Value {
        let base = self.base_amount(email, ck);
        match page {
            INDEX => json!({"user_email": email, "phone_number": self.accounts[email].phone}),
            DELIVERY => json!({"delivery_options": [
                {"pk": 1, "name": "Mağazadan teslim", "delivery_option_type": "retail_store"},
                {"pk": 2, "name": "Adrese teslim", "delivery_option_type": "customer"}]}),
            STORE => json!({
                "retail_stores": [{"pk": 1, "name": "Instore Demo Kadıköy", "address": "Caferağa Mah. Moda Cad. 1, İstanbul"}],
                "addresses": [{"pk": 1, "title": "Ev", "line": "Bağdat Cad. 10", "city": "İstanbul"}]}),
            ADDRESS => {
                json!({"addresses": [{"pk": 1, "title": "Ev", "line": "Bağdat Cad. 10", "city": "İstanbul"}]})
            }
            SHIPPING => {
                json!({"shipping_options": [{"pk": 1, "name": "Standart kargo", "shipping_amount": "29.90"}]})
            }
            PAYMENT => json!({"payment_options": self.payment_options_json(),
                              "bank_accounts": self.bank_accounts_json(),
                              "credit_payment_options": Self::credit_options_json()}),
            NOTE => json!({"notes": ck.notes}),
            "FundsTransferChoicePage" => json!({"bank_accounts": self.bank_accounts_json()}),
            "PayOnDeliveryPaymentChoicePage" => {
                json!({"payment_choices": Self::payment_choices_json()})
            }
            "CreditPaymentSelectionPage" => {
                json!({"credit_payment_options": Self::credit_options_json()})
            }
            "RedirectionPageCompletePage" | "CreditPaymentConfirmationPage" | "GPayCompletePage" => match &ck.txn {
                Some(txn) if ck.accepts.iter().any(|a| a.ends_with("CompletePage")) => {
                    json!({"redirect_url": format!("{}/_sim/pay/{txn}/", self.base_url)})
                }
                _ => json!({}),
            },
            "CashRegisterInstallmentSelectionPage" => {
                json!({"cards": BANKS.iter().enumerate().map(|(i, bank)| json!({
                "card_payment_type": "credit",
                "installments": self.installments_json(base, 1 + 3 * i as u32),
                "bank": self.bank_json(bank)})).collect::<Vec<_>>()})
            }
            "CashRegisterCompletePage" => match &ck.cash_number {
                Some(number) => {
                    json!({"barcode": ck.barcode, "number": number.parse::<u64>().unwrap_or_default(),
                                       "seconds": self.scenario.cash_register_poll_seconds})
                }
                None => json!({}),
            },
            "BexBinNumberPage" => {
                json!({"path": format!("{}/_sim/bkm/ticket?type=payment", self.base_url),
                                         "token": ck.bex_token, "transaction_id": ck.txn})
            }
            "BexInstallmentSelectionPage" | "SavedCardInstallmentSelectionPage" | "MasterpassInstallmentPage" => {
                json!({
                "installments": self.installments_json(base, 1), "card_type": Self::card_type_json(),
                "installment_messages": []})
            }
            "MobilExpressInstallmentSelectionPage" => {
                json!({"installments": self.installments_json(base, 1),
                                                             "installment_messages": []})
            }
            "ConfirmationPaymentAgreementConfirmPage" => json!({"terms_and_conditions": {
                "title": "Paycell Kullanım Koşulları",
                "text": "Paycell ile ödeme yapmak için kullanım koşullarını kabul ediyorum."}}),
            "SavedCardSelectionPage" => {
                json!({"cards": self.scenario.saved_cards.iter().map(|c| json!({
                "name": c.name, "masked_card_number": c.masked_card_number, "token": c.token})).collect::<Vec<_>>()})
            }
            "MasterpassCompletePage" => {
                json!({"msisdn": self.accounts[email].phone, "order_no": ck.cash_number,
                "token": ck.txn, "direct_token": ck.bex_token, "three_d": false, "extras": {"merchant": "instore-demo"}})
            }
            "MobilExpressCardFoundOtpRequiredPhonePage" | "MobilExpressCardFoundOtpRequiredOtpPage" => {
                json!({"phone_number": ck.phone.clone().unwrap_or_else(|| self.accounts[email].phone.clone())})
            }
            "MobilExpressCardListPage" => {
                json!({"cards": self.scenario.mobilexpress_cards.iter().enumerate().map(|(i, c)| json!({
                "cardId": c.card_id, "maskedCardNo": c.masked_card_no, "alias": c.alias, "cardBrand": c.alias,
                "isDefault": i == 0, "isExpired": false, "showEulaId": false, "isThreeDValidated": true,
                "isOTPValidated": ck.otp_ok, "activationDate": "2020-11-02 22:08:55", "cardType": "Credit"})).collect::<Vec<_>>()})
            }
            THANK_YOU => match ck.order.and_then(|i| self.orders.get(i)) {
                Some(order) => {
                    json!({"redirect_url": format!("/orders/completed/{}/", order.token), "order_id": order.pk,
                                      "new_user": false, "token": order.token, "campaigns": []})
                }
                None => json!({}),
            },
            _ => json!({}),
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
        json!({"basket": basket, "payment_option": option, "installment": installment,
               "total_amount": wire(due), "unpaid_amount": wire(if ck.order.is_some() { Money::ZERO } else { due }),
               "shipping_amount": wire(ck.shipping_fee), "service_fee": wire(ck.service_fee), "notes": ck.notes})
    }

    fn envelope(&mut self, email: &str, ck: &Checkout, pages: &[String], errors: Option<Value>) -> Value {
        let list: Vec<Value> = pages
            .iter()
            .map(|p| json!({"page_name": p, "page_slug": p.to_lowercase(), "page_context": self.render(email, ck, p)}))
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
        let page = crate::commerce::pages::canonical_page_name(page).to_string();
        let mut ck = self.checkout_of(email);
        if ck.order.is_none() && self.carts[email].lines.is_empty() {
            return self.envelope(email, &ck, &[], Some(step_error("Your basket is empty.")));
        }
        let allowed = ck.accepts.contains(&page)
            || (page == PAYMENT && ck.payment_reached && ck.order.is_none())
            || (page == NOTE && ck.order.is_none());
        let outcome = if allowed {
            self.step(email, &mut ck, &page, form)
        } else {
            Err(step_error(&format!(
                "{page} is not the current step; the checkout is at {}.",
                ck.current
            )))
        };
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

    fn new_order_number(&mut self) -> String {
        loop {
            let n: u64 = self.rng.random_range(1_000_000_000_000..10_000_000_000_000);
            let number = n.to_string();
            if !self.registers.contains_key(&number) && !self.orders.iter().any(|o| o.number == number) {
                return number;
            }
        }
    }

    fn new_service(&mut self, email: &str, ck: &Checkout, kind: ServiceKind) -> String {
        let txn = self.token(16);
        let amount = self.amount_due(email, ck);
        self.services.insert(
            txn.clone(),
            ThirdParty {
                kind,
                email: email.to_string(),
                amount,
                decision: None,
            },
        );
        txn
    }

    fn enter_cash_register(&mut self, email: &str, ck: &mut Checkout) -> Result<Next, Value> {
        let number = self.new_order_number();
        ck.barcode = Some(code128_png_base64(&number).map_err(|e| step_error(&e))?);
        self.registers.insert(
            number.clone(),
            CashRegisterTxn {
                email: email.to_string(),
                paid: false,
                polls: 0,
            },
        );
        ck.cash_number = Some(number);
        Ok(Next::to("CashRegisterCompletePage"))
    }

    fn complete(&mut self, email: &str, ck: &mut Checkout) -> Result<Next, Value> {
        let spec = self
            .option(ck)
            .cloned()
            .ok_or_else(|| step_error("Choose a payment option first."))?;
        let number = match &ck.cash_number {
            Some(n) if spec.payment_type == "cash_register" => n.clone(),
            _ => self.new_order_number(),
        };
        let items: Vec<Value> = self.carts[email]
            .lines
            .iter()
            .map(|(i, q)| {
                let p = &self.catalog[*i];
                json!({"sku": p.sku, "name": p.name, "quantity": q, "unit_price": wire(p.price),
                       "total_amount": wire(p.price * Money::from(*q))})
            })
            .collect();
        let order = Order {
            pk: self.pk(),
            number,
            token: format!("{}:{}", self.token(22), self.token(6)),
            email: email.to_string(),
            amount: self.amount_due(email, ck),
            payment_type: spec.payment_type.clone(),
            option_name: spec.name.clone(),
            installment_count: ck.installment.as_ref().map(|(_, c, _)| *c),
            service_fee: ck.service_fee,
            items,
            notes: ck.notes.clone(),
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        };
        for (i, q) in self.carts[email].lines.clone() {
            self.catalog[i].stock -= i64::from(q);
        }
        self.orders.push(order);
        ck.order = Some(self.orders.len() - 1);
        let cart = self.cart(email);
        cart.lines.clear();
        cart.version += 1;
        ck.basket_version = cart.version;
        Ok(Next {
            pages: vec![THANK_YOU.into()],
            accepts: vec![],
        })
    }

    fn installment_step(&self, email: &str, ck: &mut Checkout, form: &Form, first_pks: &[u32]) -> Result<(), Value> {
        let pk = required(form, "installment")?;
        let base = self.base_amount(email, ck);
        ck.installment = Some(
            self.pick_installment(base, first_pks, pk)
                .ok_or_else(|| field_error("installment", "Select a valid installment."))?,
        );
        Ok(())
    }

    fn check_otp(&self, form: &Form) -> Result<(), Value> {
        if required(form, "otp")? == self.scenario.otp {
            Ok(())
        } else {
            Err(field_error("otp", "The verification code is not correct."))
        }
    }

    fn service_decision(&self, ck: &Checkout) -> Option<bool> {
        ck.txn
            .as_ref()
            .and_then(|t| self.services.get(t))
            .and_then(|s| s.decision)
    }

    /// The rules of one step.
    fn step(&mut self, email: &str, ck: &mut Checkout, page: &str, form: &Form) -> Result<Next, Value> {
        match page {
            INDEX => {
                let email_field = form.get("user_email").cloned().unwrap_or_default();
                if !email_field.is_empty() && !email_field.contains('@') {
                    return Err(field_error("user_email", "Enter a valid email address."));
                }
                ck.contact = Some((email_field, form.get("phone_number").cloned().unwrap_or_default()));
                Ok(Next::to(DELIVERY))
            }
            DELIVERY => match required(form, "delivery_option")? {
                "1" => {
                    ck.delivery_store = true;
                    ck.shipping_fee = Money::ZERO;
                    Ok(Next::to(STORE))
                }
                "2" => {
                    ck.delivery_store = false;
                    Ok(Next::to(ADDRESS))
                }
                _ => Err(field_error("delivery_option", "Select a valid delivery option.")),
            },
            STORE => {
                if required(form, "retail_store")? != "1" {
                    return Err(field_error("retail_store", "Select a valid store."));
                }
                if required(form, "billing_address")? != "1" {
                    return Err(field_error("billing_address", "Select a valid address."));
                }
                ck.payment_reached = true;
                Ok(Next::to(PAYMENT))
            }
            ADDRESS => {
                for f in ["shipping_address", "billing_address"] {
                    if required(form, f)? != "1" {
                        return Err(field_error(f, "Select a valid address."));
                    }
                }
                Ok(Next::to(SHIPPING))
            }
            SHIPPING => {
                if required(form, "shipping_option")? != "1" {
                    return Err(field_error("shipping_option", "Select a valid shipping option."));
                }
                ck.shipping_fee = Money::new(2990, 2);
                ck.payment_reached = true;
                Ok(Next::to(PAYMENT))
            }
            PAYMENT => {
                let pk = required(form, "payment_option")?;
                let index = pk
                    .parse::<usize>()
                    .ok()
                    .filter(|i| (1..=self.scenario.options.len()).contains(i))
                    .ok_or_else(|| field_error("payment_option", "Select a valid payment option."))?;
                // Choosing an option starts its strategy afresh.
                *ck = Checkout {
                    basket_version: ck.basket_version,
                    contact: ck.contact.clone(),
                    delivery_store: ck.delivery_store,
                    shipping_fee: ck.shipping_fee,
                    payment_reached: true,
                    notes: ck.notes.clone(),
                    option: Some(index - 1),
                    ..Checkout::default()
                };
                let first = first_page(&self.scenario.options[index - 1].payment_type);
                Ok(Next {
                    pages: vec![PAYMENT.into(), first.clone()],
                    accepts: vec![first],
                })
            }
            NOTE => {
                let notes = form.get("notes").map(|s| s.trim().to_string()).unwrap_or_default();
                if notes.chars().count() > 500 {
                    return Err(field_error("notes", "Keep the note under 500 characters."));
                }
                ck.notes = Some(notes);
                Ok(Next {
                    pages: vec![ck.current.clone()],
                    accepts: ck.accepts.clone(),
                })
            }
            "FundsTransferChoicePage" => {
                let account = required(form, "bank_account")?;
                if !matches!(account, "1" | "2") {
                    return Err(field_error("bank_account", "Select a valid bank account."));
                }
                ck.card = Some(account.to_string());
                Ok(Next::to("FundsTransferPage"))
            }
            "FundsTransferPage"
            | "LoyaltyMoneyPage"
            | "PayLaterCompletePage"
            | "PayOnDeliveryPage"
            | "SavedCardConfirmationPage"
            | "MobilExpressTryPaymentPage" => {
                agreed(form)?;
                self.complete(email, ck)
            }
            "PayOnDeliveryPaymentChoicePage" => {
                let choice = required(form, "payment_choice")?;
                let fee = Self::payment_choices_json()
                    .into_iter()
                    .find(|c| c["value"] == choice)
                    .and_then(|c| c["price"].as_str().and_then(|p| p.parse::<Money>().ok()))
                    .ok_or_else(|| field_error("payment_choice", "Select a valid payment choice."))?;
                ck.service_fee = fee;
                ck.payment_choice = Some(choice.to_string());
                Ok(Next::to("PayOnDeliveryPage"))
            }
            "RedirectionPaymentSelectedPage" => {
                agreed(form)?;
                ck.txn = Some(self.new_service(email, ck, ServiceKind::Redirection));
                Ok(Next::to("RedirectionPageCompletePage"))
            }
            "RedirectionPageCompletePage" | "CreditPaymentCompletePage" => match self.service_decision(ck) {
                Some(true) => self.complete(email, ck),
                Some(false) => Err(step_error("The payment was declined. Choose another payment option.")),
                None => Err(step_error("The payment has not been approved yet.")),
            },
            "CreditPaymentSelectionPage" => {
                if required(form, "credit_payment_option")? != "1" {
                    return Err(field_error("credit_payment_option", "Select a valid credit option."));
                }
                Ok(Next::to("CreditPaymentConfirmationPage"))
            }
            "CreditPaymentConfirmationPage" => {
                agreed(form)?;
                ck.txn = Some(self.new_service(email, ck, ServiceKind::Credit));
                Ok(Next::show_then_accept(
                    "CreditPaymentConfirmationPage",
                    &["CreditPaymentCompletePage"],
                ))
            }
            "CashRegisterPage" => {
                if self.option(ck).is_some_and(|o| o.is_installment_active) {
                    Ok(Next::to("CashRegisterInstallmentSelectionPage"))
                } else {
                    self.enter_cash_register(email, ck)
                }
            }
            "CashRegisterInstallmentSelectionPage" => {
                self.installment_step(email, ck, form, &[1, 4])?;
                self.enter_cash_register(email, ck)
            }
            "CashRegisterCompletePage" => {
                let number = ck
                    .cash_number
                    .clone()
                    .ok_or_else(|| step_error("No barcode has been issued."))?;
                let auto = self.scenario.cash_register_auto_pay_after_polls;
                let txn = self
                    .registers
                    .get_mut(&number)
                    .ok_or_else(|| step_error("Unknown cash register number."))?;
                txn.polls += 1;
                self.poll_times
                    .entry(number.clone())
                    .or_default()
                    .push(std::time::Instant::now());
                if auto.is_some_and(|n| txn.polls >= n) {
                    txn.paid = true;
                }
                if txn.paid {
                    self.complete(email, ck)
                } else {
                    Ok(Next::to("CashRegisterCompletePage"))
                }
            }
            "BexSelectionPage" => {
                ck.txn = Some(self.token(32));
                ck.bex_token = Some(self.token(18).to_uppercase());
                Ok(Next::to("BexBinNumberPage"))
            }
            "BexBinNumberPage" | "MasterpassBinNumberPage" => {
                let bin = required(form, "bin_number")?;
                if bin.len() != 6 || !bin.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(field_error("bin_number", "Enter the first six digits of the card."));
                }
                ck.card = Some(bin.to_string());
                Ok(Next::to(if page == "BexBinNumberPage" {
                    "BexInstallmentSelectionPage"
                } else {
                    "MasterpassInstallmentPage"
                }))
            }
            "BexInstallmentSelectionPage" => {
                self.installment_step(email, ck, form, &[1])?;
                Ok(Next::to("BexNoncePage"))
            }
            "BexNoncePage" => {
                required(form, "order_id")?;
                if Some(required(form, "transaction_id")?) != ck.txn.as_deref() {
                    return Err(field_error(
                        "transaction_id",
                        "The BKM Express transaction does not match.",
                    ));
                }
                if let Some(data) = form.get("data").filter(|d| !d.trim().is_empty()) {
                    let parsed: Value =
                        serde_json::from_str(data).map_err(|_| field_error("data", "BKM Express data is not JSON."))?;
                    if parsed.get("paymentPurchased") == Some(&Value::Bool(false)) {
                        return Err(step_error("BKM Express reports that the payment was not made."));
                    }
                }
                Ok(Next::to("BexCompletePage"))
            }
            "BexCompletePage" => self.complete(email, ck),
            "GPaySelectionPage" => Ok(Next::to("GPayRedirectPage")),
            "GPayRedirectPage" => {
                ck.txn = Some(self.new_service(email, ck, ServiceKind::GarantiPay));
                Ok(Next::to("GPayCompletePage"))
            }
            "GPayCompletePage" => {
                let success = form
                    .get("success")
                    .map(|s| s.trim().eq_ignore_ascii_case("true"))
                    .unwrap_or(false);
                if !success {
                    return Err(step_error(
                        "Garanti Pay declined the payment. Choose another payment option.",
                    ));
                }
                if self.service_decision(ck) != Some(true) {
                    return Err(step_error("Garanti Pay has not confirmed this payment."));
                }
                if let Some(count) = form.get("gpinstallment").and_then(|c| c.trim().parse::<u32>().ok()) {
                    let base = self.base_amount(email, ck);
                    let plan = self
                        .installments_json(base, 1)
                        .into_iter()
                        .find(|v| v["installment_count"] == count);
                    if let Some(plan) = plan {
                        let total = plan["price_with_accrued_interest"]
                            .as_str()
                            .and_then(|s| s.parse().ok());
                        ck.installment = Some((plan["pk"].to_string(), count, total.unwrap_or(base)));
                    }
                }
                self.complete(email, ck)
            }
            "ConfirmationPaymentAgreementCheckPage" => {
                if self.option(ck).is_some_and(|o| o.agreement_required) {
                    Ok(Next::to("ConfirmationPaymentAgreementConfirmPage"))
                } else {
                    Ok(Next::to("ConfirmationPaymentSelectedPage"))
                }
            }
            "ConfirmationPaymentAgreementConfirmPage" => {
                agreed(form)?;
                Ok(Next::to("ConfirmationPaymentSelectedPage"))
            }
            "ConfirmationPaymentSelectedPage" => {
                agreed(form)?;
                Ok(Next::to("ConfirmationPaymentQueryPage"))
            }
            "ConfirmationPaymentQueryPage" => {
                self.check_otp(form)?;
                Ok(Next::to("ConfirmationPaymentCompletePage"))
            }
            "ConfirmationPaymentCompletePage" => self.complete(email, ck),
            "SavedCardSelectionPage" => {
                let token = required(form, "card")?;
                if !self.scenario.saved_cards.iter().any(|c| c.token == token) {
                    return Err(field_error("card", "This card is not on file."));
                }
                ck.card = Some(token.to_string());
                Ok(Next::to("SavedCardInstallmentSelectionPage"))
            }
            "SavedCardInstallmentSelectionPage" => {
                self.installment_step(email, ck, form, &[1])?;
                Ok(Next::to("SavedCardConfirmationPage"))
            }
            "MasterpassInstallmentPage" => {
                self.installment_step(email, ck, form, &[1])?;
                Ok(Next::to("MasterpassOrderNoPage"))
            }
            "MasterpassOrderNoPage" => {
                ck.txn = Some(self.token(24));
                ck.bex_token = Some(self.token(24));
                ck.cash_number = Some(self.new_order_number());
                Ok(Next::to("MasterpassCompletePage"))
            }
            "MasterpassCompletePage" => {
                if Some(required(form, "token")?) != ck.txn.as_deref() {
                    return Err(field_error("token", "The Masterpass token does not match."));
                }
                ck.cash_number = None;
                self.complete(email, ck)
            }
            "MobilExpressSelectionPage" => {
                if form.get("clear").is_some_and(|c| c.eq_ignore_ascii_case("true")) {
                    ck.card = None;
                }
                if self.option(ck).is_some_and(|o| o.otp_required) {
                    Ok(Next::to("MobilExpressCardFoundOtpRequiredPhonePage"))
                } else {
                    Ok(Next::show_then_accept(
                        "MobilExpressCardListPage",
                        &["MobilExpressCardListPage", "MobilExpressCardFoundOtpRequiredOtpPage"],
                    ))
                }
            }
            "MobilExpressCardFoundOtpRequiredPhonePage" => {
                let phone = required(form, "phone_number")?;
                let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
                if digits.len() != 10 || !digits.starts_with('5') {
                    return Err(field_error("phone_number", "Enter a mobile number like 5XXXXXXXXX."));
                }
                ck.phone = Some(digits);
                Ok(Next::to("MobilExpressCardFoundOtpRequiredOtpPage"))
            }
            "MobilExpressCardFoundOtpRequiredOtpPage" | "MobilExpressCardListPage" => {
                // The reference posts the card to the OTP page's URL (protocol.md, 2).
                if form.contains_key("card_token") {
                    if page == "MobilExpressCardFoundOtpRequiredOtpPage" && ck.current != "MobilExpressCardListPage" {
                        return Err(step_error("Verify the phone number before choosing a card."));
                    }
                    let token = required(form, "card_token")?;
                    if !self.scenario.mobilexpress_cards.iter().any(|c| c.card_id == token) {
                        return Err(field_error(
                            "card_token",
                            "This card is not registered with MobilExpress.",
                        ));
                    }
                    ck.card = Some(token.to_string());
                    return Ok(Next::to("MobilExpressInstallmentSelectionPage"));
                }
                if page == "MobilExpressCardListPage" {
                    return Err(field_error("card_token", "This field is required."));
                }
                self.check_otp(form)?;
                ck.otp_ok = true;
                Ok(Next::show_then_accept(
                    "MobilExpressCardListPage",
                    &["MobilExpressCardListPage", "MobilExpressCardFoundOtpRequiredOtpPage"],
                ))
            }
            "MobilExpressInstallmentSelectionPage" => {
                self.installment_step(email, ck, form, &[1])?;
                Ok(Next::to("MobilExpressTryPaymentPage"))
            }
            other => Err(step_error(&format!("{other} is not supported by this server."))),
        }
    }

    // ----- orders ----------------------------------------------------------------

    pub fn order_by_token(&self, token: &str) -> Option<&Order> {
        self.orders.iter().find(|o| o.token == token)
    }

    pub fn orders_of(&self, email: &str) -> Vec<&Order> {
        self.orders.iter().rev().filter(|o| o.email == email).collect()
    }

    pub fn all_orders(&self) -> &[Order] {
        &self.orders
    }

    // ----- the register and the payment services ---------------------------------------

    /// The cashier takes the payment of a cash-register number.
    pub fn cash_register_pay(&mut self, number: &str) -> Result<(), String> {
        let txn = self
            .registers
            .get_mut(number)
            .ok_or_else(|| format!("number {number} is unknown"))?;
        if txn.paid {
            return Err(format!("number {number} is already paid"));
        }
        txn.paid = true;
        tracing::info!(number, email = %txn.email, "cash register took the payment");
        Ok(())
    }

    pub fn service(&self, txn: &str) -> Option<&ThirdParty> {
        self.services.get(txn)
    }

    /// The customer approves or declines on the service page.
    pub fn service_decide(&mut self, txn: &str, approve: bool) -> Result<ServiceReturn, String> {
        let service = self.services.get_mut(txn).ok_or("this payment is unknown")?;
        if service.decision.is_some() {
            return Err("this payment has already been decided".into());
        }
        service.decision = Some(approve);
        let (page, form) = match service.kind {
            ServiceKind::Redirection => ("RedirectionPageCompletePage", vec![]),
            ServiceKind::Credit => ("CreditPaymentCompletePage", vec![]),
            ServiceKind::GarantiPay => (
                "GPayCompletePage",
                vec![
                    ("gpay".to_string(), "true".to_string()),
                    ("success".to_string(), approve.to_string()),
                    ("gpinstallment".to_string(), "1".to_string()),
                ],
            ),
        };
        Ok(ServiceReturn {
            return_url: format!("/orders/checkout/?page={page}"),
            form,
        })
    }
}
