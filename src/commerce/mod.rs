//! The commerce protocol: session and login, catalog, basket, and the checkout's pages
//! as typed data. The protocol layer never knows a screen exists.

pub mod client;
pub mod clock;
pub mod customers;
pub mod error;
pub mod gift_cards;
pub mod links;
pub mod money;
pub mod pages;
pub mod records;
pub mod register;
pub mod returns;
pub mod shop;
pub mod steps;

pub use client::{ClientConfig, CommerceClient, Credentials};
pub use error::CommerceError;
pub use money::Money;
pub use pages::{CheckoutErrors, CheckoutResponse, Page};
pub use records::{OrderLine, OrderRecord, Pk, User};
pub use shop::{OrdersPage, ProductPage, ReceiptChannel};
