//! The counter's serial devices: the ESC/POS receipt printer and the barcode scanner.
//!
//! `receipt.rs` turns a sale into printer bytes; `printer.rs` keeps print jobs in SQLite
//! and writes them to the port, reading the printer's real-time status; `scanner.rs`
//! reads codes from a scanner's port. `virtual_devices.rs` makes pseudo-terminal devices
//! for demo mode, and `paper.rs` reads printer bytes back as text and a PNG preview.
//!
//! Not here: screens (`crate::ui`) or the server (`crate::commerce`).

pub mod paper;
pub mod printer;
pub mod receipt;
pub mod scanner;
pub mod virtual_devices;
