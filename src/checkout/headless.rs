//! A whole checkout without a screen: fill the basket, walk the steps before payment,
//! run one payment strategy to `ThankYouPage`, and read the order back.
//!
//! Every choice a customer would make on screen is given up front in [`Choices`]. Each
//! step is reported as an [`Event`] so the caller can print it. The steps that wait for
//! someone else (the register, a payment service page) are in `headless/waits.rs`.

use crate::commerce::customers::fold;
use crate::commerce::pages::{CheckoutResponse, Installment, Page, PageName, PaymentOption, ThankYouContext};
use crate::commerce::{CommerceClient, CommerceError, OrderRecord};
use std::time::{Duration, Instant};
use thiserror::Error;

mod waits;

/// What to do on a third-party payment page (redirection, credit, Garanti Pay).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceAction {
    /// Act as the customer and approve on the service page (simulator and test use).
    Approve,
    /// Act as the customer and decline.
    Decline,
    /// Print the address and wait for a person to decide there.
    Wait,
}

/// The customer's choices, given up front.
#[derive(Debug, Clone)]
pub struct Choices {
    /// A `payment_type` of the server's options.
    pub payment_type: String,
    /// Which option of that type, by name, when the server offers it more than once.
    pub option_name: Option<String>,
    /// Pay-on-delivery choice value, funds-transfer bank account pk, credit option pk,
    /// or cash-register bank slug.
    pub choice: Option<String>,
    /// Installment count (1 = pay at once).
    pub installment: Option<u32>,
    /// Saved-card token, MobilExpress card id, or BIN (first six digits) for BKM/Masterpass.
    pub card: Option<String>,
    pub otp: Option<String>,
    pub phone: Option<String>,
    /// Written into the order with OrderNotePage before payment.
    pub notes: Option<String>,
    /// Ship to this address of the account (pk); `None` collects in the store.
    pub ship_to: Option<String>,
    /// The shipping option, by pk or name; the server's first when not given.
    pub shipping: Option<String>,
    /// The store to collect in, by pk or name; the server's first when not given.
    pub store: Option<String>,
    pub service: ServiceAction,
    /// How long to wait for a register or a payment service before giving up.
    pub wait_limit: Duration,
    /// Hand-off page addresses of the wallets (BKM Express, Masterpass).
    pub handoff: super::handoff::Templates,
}

impl Choices {
    pub fn pay(payment_type: &str) -> Choices {
        Choices {
            payment_type: payment_type.to_string(),
            option_name: None,
            choice: None,
            installment: None,
            card: None,
            otp: None,
            phone: None,
            notes: None,
            ship_to: None,
            shipping: None,
            store: None,
            service: ServiceAction::Wait,
            wait_limit: Duration::from_secs(300),
            handoff: Default::default(),
        }
    }
}

/// One thing worth telling a person during the checkout.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The server moved to a page.
    Page(Page),
    /// A cash-register barcode is on screen: the register must scan this number.
    Barcode { number: String, seconds: u32 },
    /// Still waiting for the register; `polls` so far.
    Polling { polls: u32 },
    /// A poll failed on the network; trying again.
    Reconnecting(String),
    /// The customer must finish at a payment service.
    Service { url: String },
}

#[derive(Debug, Error)]
pub enum CheckoutError {
    #[error(transparent)]
    Commerce(#[from] CommerceError),
    #[error("{page}: {message}")]
    Rejected { page: String, message: String },
    #[error("the server does not offer {0} here")]
    NotOffered(String),
    #[error("the server asked for {0}, a step this kiosk does not know")]
    UnknownStep(String),
    #[error("{0}")]
    Declined(String),
    #[error("gave up waiting after {0:?}: {1}")]
    GaveUp(Duration, String),
    #[error("{0}")]
    MissingChoice(String),
}

/// A finished checkout.
#[derive(Debug, Clone)]
pub struct Completed {
    pub thank_you: ThankYouContext,
    pub option: PaymentOption,
    /// The order read back from the server's receipt address.
    pub order: Option<OrderRecord>,
}

struct Walk<'a> {
    client: &'a CommerceClient,
    choices: &'a Choices,
    events: &'a mut (dyn FnMut(Event) + Send),
    option: Option<PaymentOption>,
    noted: bool,
    /// What the wallets' pages gave that their hand-off address needs.
    wallet: super::handoff::WalletContext,
    started: Instant,
    last: Option<CheckoutResponse>,
}

/// How a walk ended. Returned once per walk, never stored in bulk: no box needed.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Walked {
    /// The server is on the page the walk was asked to stop at; nothing was posted to it.
    Stopped(CheckoutResponse),
    Completed(Completed),
}

/// Runs the checkout of the basket as it is now, to the end.
pub async fn run_checkout(
    client: &CommerceClient,
    choices: &Choices,
    events: &mut (dyn FnMut(Event) + Send),
) -> Result<Completed, CheckoutError> {
    match run_checkout_until(client, choices, events, None).await? {
        Walked::Completed(done) => Ok(done),
        Walked::Stopped(response) => Err(CheckoutError::UnknownStep(
            response.current().map(|p| p.name().to_string()).unwrap_or_default(),
        )),
    }
}

/// Runs the checkout until the server names `stop_at` as the current step (not posted),
/// or to the end when `stop_at` is `None`.
pub async fn run_checkout_until(
    client: &CommerceClient,
    choices: &Choices,
    events: &mut (dyn FnMut(Event) + Send),
    stop_at: Option<PageName>,
) -> Result<Walked, CheckoutError> {
    walk(client, choices, events, &|page: &Page| {
        stop_at.is_some() && stop_at == page.kind()
    })
    .await
}

/// The steps before payment: contact, delivery, store, address, shipping.
pub fn is_before_payment(page: &Page) -> bool {
    matches!(
        page,
        Page::Index(_)
            | Page::DeliveryOptionSelection(_)
            | Page::RetailStoreSelection(_)
            | Page::AddressSelection(_)
            | Page::ShippingOptionSelection(_)
    )
}

/// Answers the steps before payment (store pickup, the first address) and returns the
/// first answer that is not one of them: the payment options, or a strategy's step when
/// the server is already further on.
pub async fn walk_to_payment(client: &CommerceClient, store: Option<&str>) -> Result<CheckoutResponse, CheckoutError> {
    let choices = Choices {
        store: store.map(str::to_string),
        ..Choices::pay("")
    };
    match walk(client, &choices, &mut |_| {}, &|page: &Page| !is_before_payment(page)).await? {
        Walked::Stopped(answer) => Ok(answer),
        Walked::Completed(done) => Err(CheckoutError::Rejected {
            page: "checkout".into(),
            message: format!("the checkout already ended with order {}", done.thank_you.order_id),
        }),
    }
}

async fn walk(
    client: &CommerceClient,
    choices: &Choices,
    events: &mut (dyn FnMut(Event) + Send),
    stop: &(dyn Fn(&Page) -> bool + Sync),
) -> Result<Walked, CheckoutError> {
    let mut walk = Walk {
        client,
        choices,
        events,
        option: None,
        noted: false,
        wallet: Default::default(),
        started: Instant::now(),
        last: None,
    };
    let mut response = client.checkout().await?;
    if let Some(errors) = &response.errors {
        return Err(CheckoutError::Rejected {
            page: "checkout".into(),
            message: errors.summary(),
        });
    }
    for _ in 0..10_000 {
        let page = response
            .current()
            .cloned()
            .ok_or_else(|| CheckoutError::UnknownStep("nothing".into()))?;
        (walk.events)(Event::Page(page.clone()));
        if stop(&page) {
            return Ok(Walked::Stopped(response));
        }
        if let Page::ThankYou(thank_you) = page {
            let order = match client.completed_order(&thank_you.redirect_url).await {
                Ok(order) => Some(order),
                Err(e) => {
                    tracing::warn!(error = %e, "order placed, but reading it back failed");
                    None
                }
            };
            let option = walk.option.clone().unwrap_or_default();
            return Ok(Walked::Completed(Completed {
                thank_you,
                option,
                order,
            }));
        }
        walk.wallet.learn(&page);
        walk.last = Some(response);
        response = walk.step(&page).await?;
    }
    Err(CheckoutError::GaveUp(walk.started.elapsed(), "too many steps".into()))
}

fn first_pk<T>(items: &[T], pk: impl Fn(&T) -> String) -> Option<String> {
    items.first().map(pk)
}

/// The pk of the item `wanted` names (by pk or name, as people type it: see `fold`), or
/// of the first item
/// when nothing is wanted.
fn chosen_by<T>(items: &[T], wanted: Option<&str>, key: impl Fn(&T) -> (&String, &String)) -> Option<String> {
    match wanted.map(str::trim) {
        None | Some("") => items.first().map(|i| key(i).0.clone()),
        Some(wanted) => items
            .iter()
            .map(&key)
            .find(|(pk, name)| pk.as_str() == wanted || fold(name) == fold(wanted))
            .map(|(pk, _)| pk.clone()),
    }
}

impl Walk<'_> {
    async fn post(&mut self, page: PageName, fields: &[(&str, &str)]) -> Result<CheckoutResponse, CheckoutError> {
        let response = self.client.post_step(page, fields).await?;
        match &response.errors {
            Some(errors) => Err(CheckoutError::Rejected {
                page: page.to_string(),
                message: errors.summary(),
            }),
            None => Ok(response),
        }
    }

    fn installment(&self, installments: &[Installment]) -> Result<String, CheckoutError> {
        let count = self.choices.installment.unwrap_or(1);
        installments
            .iter()
            .find(|i| i.installment_count == count)
            .map(|i| i.pk.0.clone())
            .ok_or_else(|| CheckoutError::MissingChoice(format!("no plan of {count} installments is offered")))
    }

    fn require(&self, value: &Option<String>, what: &str) -> Result<String, CheckoutError> {
        value
            .clone()
            .ok_or_else(|| CheckoutError::MissingChoice(format!("this payment needs {what}")))
    }

    fn choose_option(&self, options: &[PaymentOption]) -> Result<PaymentOption, CheckoutError> {
        let of_type: Vec<&PaymentOption> = options
            .iter()
            .filter(|o| o.payment_type == self.choices.payment_type)
            .collect();
        let chosen = match &self.choices.option_name {
            Some(name) => of_type
                .iter()
                .find(|o| o.name.eq_ignore_ascii_case(name) || o.slug == *name)
                .copied(),
            None => of_type.first().copied(),
        };
        chosen.cloned().ok_or_else(|| {
            let named = self
                .choices
                .option_name
                .as_deref()
                .map(|n| format!(" named {n:?}"))
                .unwrap_or_default();
            CheckoutError::NotOffered(format!("{}{named}", self.choices.payment_type))
        })
    }

    async fn step(&mut self, page: &Page) -> Result<CheckoutResponse, CheckoutError> {
        let c = self.choices;
        match page {
            Page::Index(_) => self.post(PageName::Index, &[]).await,
            Page::DeliveryOptionSelection(ctx) => {
                let wanted = if c.ship_to.is_some() {
                    "customer"
                } else {
                    "retail_store"
                };
                let option = ctx
                    .delivery_options
                    .iter()
                    .find(|o| o.delivery_option_type == wanted)
                    .or(ctx.delivery_options.first().filter(|_| c.ship_to.is_none()))
                    .ok_or_else(|| CheckoutError::NotOffered(format!("delivery type {wanted}")))?;
                let pk = option.pk.0.clone();
                self.post(PageName::DeliveryOptionSelection, &[("delivery_option", &pk)])
                    .await
            }
            Page::RetailStoreSelection(ctx) => {
                let store = chosen_by(&ctx.retail_stores, c.store.as_deref(), |s| (&s.pk.0, &s.name))
                    .ok_or_else(|| CheckoutError::NotOffered(format!("a store for pickup {:?}", c.store)))?;
                let address = first_pk(&ctx.addresses, |a| a.pk.0.clone()).unwrap_or_default();
                self.post(
                    PageName::RetailStoreSelection,
                    &[("retail_store", &store), ("billing_address", &address)],
                )
                .await
            }
            Page::AddressSelection(ctx) => {
                let address =
                    chosen_by(&ctx.addresses, c.ship_to.as_deref(), |a| (&a.pk.0, &a.title)).ok_or_else(|| {
                        CheckoutError::MissingChoice(format!("the account has no address {:?}", c.ship_to))
                    })?;
                self.post(
                    PageName::AddressSelection,
                    &[("shipping_address", &address), ("billing_address", &address)],
                )
                .await
            }
            Page::ShippingOptionSelection(ctx) => {
                let pk = chosen_by(&ctx.shipping_options, c.shipping.as_deref(), |s| (&s.pk.0, &s.name))
                    .ok_or_else(|| CheckoutError::NotOffered(format!("shipping option {:?}", c.shipping)))?;
                self.post(PageName::ShippingOptionSelection, &[("shipping_option", &pk)])
                    .await
            }
            Page::PaymentOptionSelection(ctx) => {
                if self.option.is_some() {
                    // The server went back to the option list: the strategy ended there.
                    return Err(CheckoutError::Rejected {
                        page: PageName::PaymentOptionSelection.to_string(),
                        message: "the server returned to the payment options".into(),
                    });
                }
                let option = self.choose_option(&ctx.payment_options)?;
                let pk = option.pk.0.clone();
                self.option = Some(option);
                let answer = self
                    .post(PageName::PaymentOptionSelection, &[("payment_option", &pk)])
                    .await?;
                if let (Some(notes), false) = (&c.notes, self.noted) {
                    self.noted = true;
                    self.post(PageName::OrderNote, &[("notes", notes)]).await?;
                }
                Ok(answer)
            }
            Page::OrderNote(_) => Err(CheckoutError::UnknownStep("OrderNotePage as a step".into())),
            Page::FundsTransferChoice(ctx) => {
                let account = c
                    .choice
                    .clone()
                    .or_else(|| first_pk(&ctx.bank_accounts, |a| a.pk.0.clone()));
                let account = account.or_else(|| {
                    self.last
                        .as_ref()
                        .and_then(|r| r.payment_options())
                        .and_then(|p| first_pk(&p.bank_accounts, |a| a.pk.0.clone()))
                });
                let account = self.require(&account, "a bank account")?;
                self.post(PageName::FundsTransferChoice, &[("bank_account", &account)])
                    .await
            }
            Page::FundsTransfer(_) => self.post(PageName::FundsTransfer, &[("agreement", "true")]).await,
            Page::LoyaltyMoney(_) => self.post(PageName::LoyaltyMoney, &[("agreement", "true")]).await,
            Page::PayLaterComplete(_) => self.post(PageName::PayLaterComplete, &[("agreement", "true")]).await,
            Page::PayOnDeliveryPaymentChoice(ctx) => {
                let choice = c
                    .choice
                    .clone()
                    .or_else(|| ctx.payment_choices.first().map(|p| p.value.clone()));
                let choice = self.require(&choice, "a payment choice (--choice)")?;
                self.post(PageName::PayOnDeliveryPaymentChoice, &[("payment_choice", &choice)])
                    .await
            }
            Page::PayOnDelivery(_) => self.post(PageName::PayOnDelivery, &[("agreement", "true")]).await,
            Page::RedirectionPaymentSelected(_) => {
                self.post(PageName::RedirectionPaymentSelected, &[("agreement", "true")])
                    .await
            }
            Page::RedirectionPageComplete(_) => self.third_party(page).await,
            Page::CreditPaymentSelection(ctx) => {
                let option = c
                    .choice
                    .clone()
                    .or_else(|| first_pk(&ctx.credit_payment_options, |o| o.pk.0.clone()));
                let option = self.require(&option, "a credit option")?;
                self.post(PageName::CreditPaymentSelection, &[("credit_payment_option", &option)])
                    .await
            }
            Page::CreditPaymentConfirmation(ctx) => match &ctx.redirect_url {
                None => {
                    self.post(PageName::CreditPaymentConfirmation, &[("agreement", "true")])
                        .await
                }
                Some(_) => self.third_party(page).await,
            },
            Page::CreditPaymentComplete(_) => self.post(PageName::CreditPaymentComplete, &[]).await,
            Page::CashRegister(_) => self.post(PageName::CashRegister, &[]).await,
            Page::CashRegisterInstallmentSelection(ctx) => {
                let card = match &c.choice {
                    Some(bank) => ctx
                        .cards
                        .iter()
                        .find(|card| card.bank.slug == *bank || card.bank.name == *bank),
                    None => ctx.cards.first(),
                }
                .ok_or_else(|| CheckoutError::NotOffered("that bank's installments".into()))?;
                let pk = self.installment(&card.installments)?;
                self.post(PageName::CashRegisterInstallmentSelection, &[("installment", &pk)])
                    .await
            }
            Page::CashRegisterComplete(ctx) => {
                self.wait_for_register(ctx.number.as_ref().map(|n| n.0.clone()), ctx.seconds)
                    .await
            }
            Page::BexSelection(_) => self.post(PageName::BexSelection, &[]).await,
            Page::BexBinNumber(_) => {
                let bin = c.card.clone().unwrap_or_else(|| "435508".into());
                self.post(PageName::BexBinNumber, &[("bin_number", &bin)]).await
            }
            Page::BexInstallmentSelection(ctx) => {
                let pk = self.installment(&ctx.installments)?;
                self.post(PageName::BexInstallmentSelection, &[("installment", &pk)])
                    .await
            }
            // BKM Express's script runs at the service: the nonce comes from there.
            Page::BexNonce(_) => self.third_party(page).await,
            Page::BexComplete(_) => self.post(PageName::BexComplete, &[]).await,
            Page::GPaySelection(_) => self.post(PageName::GPaySelection, &[]).await,
            Page::GPayRedirect(_) => self.post(PageName::GPayRedirect, &[]).await,
            Page::GPayComplete(_) => self.third_party(page).await,
            Page::ConfirmationPaymentAgreementCheck(_) => {
                self.post(PageName::ConfirmationPaymentAgreementCheck, &[]).await
            }
            Page::ConfirmationPaymentAgreementConfirm(_) => {
                self.post(PageName::ConfirmationPaymentAgreementConfirm, &[("agreement", "true")])
                    .await
            }
            Page::ConfirmationPaymentSelected(_) => {
                self.post(PageName::ConfirmationPaymentSelected, &[("agreement", "true")])
                    .await
            }
            Page::ConfirmationPaymentQuery(_) => {
                let otp = self.require(&c.otp, "the code sent by SMS (--otp)")?;
                self.post(PageName::ConfirmationPaymentQuery, &[("otp", &otp)]).await
            }
            Page::ConfirmationPaymentComplete(_) => self.post(PageName::ConfirmationPaymentComplete, &[]).await,
            Page::SavedCardSelection(ctx) => {
                let card = c
                    .card
                    .clone()
                    .or_else(|| ctx.cards.first().map(|card| card.token.clone()));
                let card = self.require(&card, "a saved card (--card)")?;
                self.post(PageName::SavedCardSelection, &[("card", &card)]).await
            }
            Page::SavedCardInstallmentSelection(ctx) => {
                let pk = self.installment(&ctx.installments)?;
                self.post(PageName::SavedCardInstallmentSelection, &[("installment", &pk)])
                    .await
            }
            Page::SavedCardConfirmation(_) => {
                self.post(PageName::SavedCardConfirmation, &[("agreement", "true")])
                    .await
            }
            Page::MasterpassBinNumber(_) => {
                let bin = c.card.clone().unwrap_or_else(|| "543210".into());
                self.post(
                    PageName::MasterpassBinNumber,
                    &[("is_masterpass_stored_card", "true"), ("bin_number", &bin)],
                )
                .await
            }
            Page::MasterpassInstallment(ctx) => {
                let pk = self.installment(&ctx.installments)?;
                self.post(PageName::MasterpassInstallment, &[("installment", &pk)])
                    .await
            }
            Page::MasterpassOrderNo(_) => self.post(PageName::MasterpassOrderNo, &[]).await,
            // Masterpass's script runs at the service; the page is posted empty after.
            Page::MasterpassComplete(_) => self.third_party(page).await,
            Page::MobilExpressSelection(_) => self.post(PageName::MobilExpressSelection, &[("clear", "false")]).await,
            Page::MobilExpressCardFoundOtpRequiredPhone(ctx) => {
                let phone = c.phone.clone().unwrap_or_else(|| ctx.phone_number.clone());
                self.post(
                    PageName::MobilExpressCardFoundOtpRequiredPhone,
                    &[("phone_number", &phone)],
                )
                .await
            }
            Page::MobilExpressCardFoundOtpRequiredOtp(_) => {
                let otp = self.require(&c.otp, "the code sent by SMS (--otp)")?;
                self.post(PageName::MobilExpressCardFoundOtpRequiredOtp, &[("otp", &otp)])
                    .await
            }
            Page::MobilExpressCardList(ctx) => {
                let card = match &c.card {
                    Some(id) => ctx.cards.iter().find(|card| card.card_id == *id),
                    None => ctx
                        .cards
                        .iter()
                        .find(|card| card.is_default && !card.is_expired)
                        .or(ctx.cards.first()),
                }
                .ok_or_else(|| CheckoutError::MissingChoice("no MobilExpress card to pay with".into()))?;
                let (id, masked) = (card.card_id.clone(), card.masked_card_no.clone());
                self.post(
                    PageName::MobilExpressCardList,
                    &[("card_token", &id), ("masked_card_number", &masked)],
                )
                .await
            }
            Page::MobilExpressInstallmentSelection(ctx) => {
                let pk = self.installment(&ctx.installments)?;
                self.post(PageName::MobilExpressInstallmentSelection, &[("installment", &pk)])
                    .await
            }
            Page::MobilExpressTryPayment(_) => {
                self.post(PageName::MobilExpressTryPayment, &[("agreement", "true")])
                    .await
            }
            Page::ThankYou(_) => unreachable!("handled by run_checkout"),
            Page::Unknown { name, .. } => Err(CheckoutError::UnknownStep(name.clone())),
        }
    }
}
