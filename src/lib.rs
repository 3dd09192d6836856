//! Instore kiosk: the checkout kiosk for Akinon Instore devices.
//!
//! See `ARCHITECTURE.md` for the code map. In short: `commerce` speaks the protocol,
//! `checkout` drives a checkout from page to page, `sim` is the built-in commerce
//! simulator, `settings` reads the settings file, and `ui` runs the Slint screens.

pub mod barcode;
pub mod checkout;
pub mod commerce;
pub mod devices;
pub mod offline;
pub mod settings;
pub mod sim;
pub mod ui;
