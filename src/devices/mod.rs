//! The counter's serial devices: the ESC/POS receipt printer and the barcode scanner.
//!
//! `receipt.rs` says what a sale's receipt holds and `encoding.rs` turns it into printer
//! bytes; `printer.rs` keeps print jobs in SQLite
//! and writes them to the port, reading the printer's real-time status; `scanner.rs`
//! reads codes from a scanner's port. `virtual_devices.rs` makes pseudo-terminal devices
//! for demo mode, and `paper.rs` reads printer bytes back as text and a PNG preview.
//! `check.rs` holds the technicians' checks: the serial ports found, a test print.
//!
//! Not here: screens (`crate::ui`) or the server (`crate::commerce`).

pub mod check;
pub mod encoding;
pub mod paper;
pub mod printer;
pub mod receipt;
pub mod scanner;
pub mod slip;
pub mod virtual_devices;

use crate::settings::Settings;

/// The device rules a settings file must also meet: its receipt code page must be one
/// the escpos crate knows and must print every Turkish letter. Kept here, not in
/// `settings`, so that settings stay plain data and the device rules stay with devices.
pub fn check_settings(settings: &Settings) -> Result<(), String> {
    encoding::code_page(&settings.printer.code_page)
        .map(drop)
        .map_err(|e| format!("printer.code_page: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_page_without_turkish_letters_is_refused() {
        let settings = Settings::parse("[printer]\ncode_page = \"PC437\"\n").expect("plain data is fine");
        let e = check_settings(&settings).unwrap_err();
        assert!(e.starts_with("printer.code_page:") && e.contains("cannot print"), "{e}");
        assert!(check_settings(&Settings::default()).is_ok());
    }
}
