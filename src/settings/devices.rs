//! `[printer]` and `[scanner]`: the counter's serial devices (a port, `virtual`, or
//! none), their line settings and the printer's paper and code page.

use serde::{Deserialize, Serialize};

/// Where a serial device is: nowhere, a pseudo-terminal the kiosk makes itself (demo
/// and tests without hardware), or a port path such as `/dev/ttyUSB0` or a
/// `/dev/serial/by-id/...` link.
pub const VIRTUAL_PORT: &str = "virtual";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FlowControl {
    #[default]
    None,
    /// XON/XOFF.
    Software,
    /// RTS/CTS.
    Hardware,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrinterSettings {
    /// "" for no printer, "virtual", or the port's path.
    pub port: String,
    pub baud_rate: u32,
    pub flow_control: FlowControl,
    /// 58 or 80.
    pub paper_width_mm: u32,
    /// The printer's character table for Turkish, as the escpos crate names it.
    pub code_page: String,
    /// The number `ESC t n` selects that table with, when a printer numbers it its own way.
    pub code_page_number: Option<u8>,
    /// How long to wait for an answer to the real-time status command.
    pub status_timeout_ms: u64,
}

impl Default for PrinterSettings {
    fn default() -> Self {
        PrinterSettings {
            port: String::new(),
            baud_rate: 19_200,
            flow_control: FlowControl::None,
            paper_width_mm: 80,
            code_page: "PC857".into(),
            code_page_number: None,
            status_timeout_ms: 300,
        }
    }
}

/// What ends a code the scanner sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Terminator {
    /// CR, LF or CR LF: whichever comes.
    #[default]
    Any,
    Cr,
    Lf,
    Crlf,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScannerSettings {
    /// "" for no scanner, "virtual", or the port's path.
    pub port: String,
    pub baud_rate: u32,
    pub terminator: Terminator,
    /// The same code read again within this window counts once.
    pub repeat_window_ms: u64,
    /// Longer lines are noise, dropped and logged.
    pub max_length: usize,
}

impl Default for ScannerSettings {
    fn default() -> Self {
        ScannerSettings {
            port: String::new(),
            baud_rate: 9_600,
            terminator: Terminator::Any,
            repeat_window_ms: 1_500,
            max_length: 48,
        }
    }
}

/// A serial line's speed, as the settings allow it.
fn check_baud(name: &str, baud: u32) -> Result<(), String> {
    if !(1_200..=921_600).contains(&baud) {
        return Err(format!("{name}: {baud} is out of range; use 1200 to 921600"));
    }
    Ok(())
}

impl PrinterSettings {
    /// The section's own rules (the code page's, which need the printer code, are
    /// `crate::devices::check_settings`).
    pub(super) fn check(&self) -> Result<(), String> {
        let p = self;
        check_baud("printer.baud_rate", p.baud_rate)?;
        if !matches!(p.paper_width_mm, 58 | 80) {
            return Err(format!(
                "printer.paper_width_mm: {} is not offered; use 58 or 80",
                p.paper_width_mm
            ));
        }
        if !(20..=5_000).contains(&p.status_timeout_ms) {
            return Err(format!(
                "printer.status_timeout_ms: {} is out of range; use 20 to 5000",
                p.status_timeout_ms
            ));
        }
        Ok(())
    }
}

impl ScannerSettings {
    pub(super) fn check(&self) -> Result<(), String> {
        check_baud("scanner.baud_rate", self.baud_rate)?;
        if !(4..=512).contains(&self.max_length) {
            return Err(format!(
                "scanner.max_length: {} is out of range; use 4 to 512",
                self.max_length
            ));
        }
        Ok(())
    }
}
