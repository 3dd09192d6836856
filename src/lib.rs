//! Instore kiosk: the checkout kiosk for Akinon Instore devices.
//!
//! See `ARCHITECTURE.md` for the code map. In short: `commerce` speaks the protocol,
//! `checkout` drives a checkout from page to page, `offline` is the kiosk's own disk
//! (catalog copy, queued orders, replay), `devices` the receipt printer and the
//! scanner, `barcode` the one CODE128 rule, `sim` the built-in commerce simulator,
//! `settings` the settings file, and `ui` runs the Slint screens.

pub mod barcode;
pub mod checkout;
pub mod commerce;
pub mod devices;
pub mod diagnostics;
pub mod fold;
pub mod memory;
pub mod offline;
pub mod pins;
pub mod settings;
pub mod sim;
pub mod status;
pub mod ui;
