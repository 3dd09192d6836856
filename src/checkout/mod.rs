//! The checkout driver: from the page the server names to the request that answers it.
//!
//! `headless` walks a whole checkout with choices given up front (the `checkout`
//! command, tests, and later offline replay). The touchscreen's controllers make the
//! same requests one tap at a time. Neither knows how the requests travel
//! (`crate::commerce`) or how a screen looks.

pub mod handoff;
pub mod headless;

pub use headless::{
    is_before_payment, run_checkout, run_checkout_until, walk_to_payment, CheckoutError, Choices, Completed, Event,
    ServiceAction, Walked,
};
