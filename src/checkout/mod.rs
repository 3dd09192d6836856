//! The checkout driver: from the page the server names to the request that answers it.
//!
//! `headless` walks a whole checkout with choices given up front (the `checkout`
//! command, tests, and later offline replay). The touchscreen's controllers make the
//! same requests one tap at a time. Neither knows how the requests travel
//! (`crate::commerce`) or how a screen looks.

pub mod headless;

pub use headless::{
    is_before_payment, run_checkout, run_checkout_until, walk_to_payment, CheckoutError, Choices, Completed, Event,
    ServiceAction, Walked,
};

/// The payment types this build can run end to end, in the order a kiosk lists them.
pub const SUPPORTED_PAYMENT_TYPES: &[&str] = &[
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
