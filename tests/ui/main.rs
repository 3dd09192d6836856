//! The touchscreen, driven through its real Slint components with Slint's testing
//! backend, against the simulator over real HTTP, real SQLite files and real
//! pseudo-terminals. One test binary: `harness` and a module per part of the product.

#[path = "../common/mod.rs"]
mod common;

mod accessibility;
mod close;
mod customers;
mod devices;
mod ending;
mod gift_cards;
mod harness;
mod keyboard;
mod layout;
mod offline;
mod online;
mod receipt;
mod returns;
mod search;
mod setup;
mod staff;
mod strategies;
mod touch;
mod vouchers;
