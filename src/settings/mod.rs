//! The settings file: one TOML file, every field documented in README.md, validated on
//! load with a message that names the field and what is wrong. This file is the whole
//! file (loading, writing it owner-only, the order its sections are checked in); each
//! section, with its own rules, is a file here: `commerce.rs`, `kiosk.rs`, `demo.rs`,
//! `offline.rs`, `devices.rs` (printer and scanner), `receipt.rs`, `pins.rs`,
//! `status.rs`, `handoff.rs`.
//!
//! Not here: command-line flags (they override settings in `cli/`), or the device rules
//! a settings file must also meet (`crate::devices::check_settings`).

mod commerce;
mod demo;
mod devices;
mod handoff;
mod kiosk;
mod offline;
mod pins;
mod receipt;
mod status;

pub use commerce::{check_server_url, CommerceSettings};
pub use demo::DemoSettings;
pub use devices::{FlowControl, PrinterSettings, ScannerSettings, Terminator, VIRTUAL_PORT};
pub use handoff::HandoffSettings;
pub use kiosk::{Display, KioskSettings, Layout, Mode, ACCOUNT_PAYMENT_TYPES, GUEST_PAYMENT_TYPES};
pub use offline::OfflineSettings;
pub use pins::PinSettings;
pub use receipt::ReceiptSettings;
pub use status::StatusSettings;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SettingsError {
    #[error("cannot read the settings file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("the settings file {path} is not valid: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// A TOML error as one line. toml's own text quotes the offending line of the file; when
/// that line holds a password (a kiosk restarting under systemd would print it every few
/// seconds) only the key and the line number are told.
fn toml_error(text: &str, error: &toml::de::Error) -> String {
    let told = error.to_string().trim().replace('\n', " ");
    let Some(span) = error.span() else { return told };
    let start = span.start.min(text.len());
    let line_number = text[..start].matches('\n').count() + 1;
    let line = text.lines().nth(line_number - 1).unwrap_or_default();
    let key = line.split('=').next().unwrap_or_default().trim();
    if line.contains('=') && key.to_ascii_lowercase().contains("password") {
        format!("{key} on line {line_number} cannot be read (its value is not shown: it is a password); write it as password = \"…\"")
    } else {
        told
    }
}

/// A settings file that holds the password must be readable by its owner only.
fn private_if_secret(path: &Path, settings: &Settings) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    if settings.commerce.password.is_none() {
        return Ok(());
    }
    let mode = std::fs::metadata(path).map(|m| m.permissions().mode()).unwrap_or(0);
    if mode & 0o077 != 0 {
        return Err(format!(
            "commerce.password: the file can be read by others (mode {:o}); run chmod 600 {}",
            mode & 0o777,
            path.display()
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub commerce: CommerceSettings,
    pub kiosk: KioskSettings,
    pub demo: DemoSettings,
    pub offline: OfflineSettings,
    pub printer: PrinterSettings,
    pub scanner: ScannerSettings,
    pub receipt: ReceiptSettings,
    pub handoff: HandoffSettings,
    pub status: StatusSettings,
    pub pins: PinSettings,
}

impl Settings {
    /// Where the settings live when `--config` is not given.
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("com", "Akinon", "instore-kiosk").map(|d| d.config_dir().join("settings.toml"))
    }

    /// Reads `path`; with no path, the default file if it exists, else the defaults.
    /// `check` adds the rules of the layers that use the settings (the device rules of
    /// `crate::devices::check_settings`): settings know no device.
    pub fn load(path: Option<&Path>, check: fn(&Settings) -> Result<(), String>) -> Result<Settings, SettingsError> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None => match Self::default_path().filter(|p| p.exists()) {
                Some(p) => p,
                None => return Ok(Settings::default()),
            },
        };
        let text = std::fs::read_to_string(&path).map_err(|source| SettingsError::Read {
            path: path.clone(),
            source,
        })?;
        Self::parse(&text)
            .and_then(|settings| check(&settings).map(|()| settings))
            .and_then(|settings| private_if_secret(&path, &settings).map(|()| settings))
            .map_err(|message| SettingsError::Invalid { path, message })
    }

    /// Settings text as a technician writes it for `provision`: PINs may be in clear,
    /// and are hashed here before the rules are checked.
    pub fn parse_for_provisioning(text: &str) -> Result<Settings, String> {
        let mut settings: Settings = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        settings.pins.hash_clear()?;
        settings.validate()?;
        Ok(settings)
    }

    /// Writes the settings to `path`, readable by its owner only, replacing any file
    /// there in one step (a crash leaves the old file or the new one, never half).
    pub fn write_private(&self, path: &Path) -> Result<(), String> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let text = toml::to_string_pretty(self).map_err(|e| e.to_string())?;
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&temporary)
            .and_then(|mut file| {
                file.write_all(text.as_bytes())?;
                file.sync_all()
            })
            .and_then(|()| std::fs::rename(&temporary, path));
        written.map_err(|e| {
            let _ = std::fs::remove_file(&temporary);
            format!("{}: {e}", path.display())
        })
    }

    /// Parses and validates settings text.
    pub fn parse(text: &str) -> Result<Settings, String> {
        let settings: Settings = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        settings.validate()?;
        Ok(settings)
    }

    /// Every section's own rules, in the file's order; the first problem is told.
    pub fn validate(&self) -> Result<(), String> {
        self.commerce.check()?;
        self.offline.check()?;
        self.kiosk.check()?;
        self.status.address()?;
        self.pins.check()?;
        self.demo.check()?;
        self.printer.check()?;
        self.scanner.check()?;
        self.receipt.check()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(Settings::parse("").unwrap(), Settings::default());
    }

    #[test]
    fn the_packaged_example_is_valid() {
        let example = include_str!("../../packaging/settings.example.toml");
        let settings = Settings::parse(example).expect("packaging/settings.example.toml parses");
        assert_eq!(settings.offline.max_order_amount, rust_decimal::Decimal::new(5000, 0));
        assert_eq!(settings.kiosk.layout, Layout::Landscape);
        assert_eq!(settings.printer, PrinterSettings::default());
        assert_eq!(settings.scanner, ScannerSettings::default());
        assert_eq!(settings.receipt, ReceiptSettings::default());
    }

    #[test]
    fn device_settings_are_checked() {
        let e = Settings::parse("[printer]\npaper_width_mm = 70\n").unwrap_err();
        assert!(e.starts_with("printer.paper_width_mm:"), "{e}");
        let e = Settings::parse("[scanner]\nterminator = \"tab\"\n").unwrap_err();
        assert!(e.contains("tab"), "{e}");
        let e = Settings::parse("[scanner]\nbaud_rate = 10\n").unwrap_err();
        assert!(e.starts_with("scanner.baud_rate:"), "{e}");
    }

    #[test]
    fn errors_name_the_field() {
        let e = Settings::parse("[commerce]\nurl = \"ftp://x\"\nemail = \"a@b\"\npassword = \"p\"\n").unwrap_err();
        assert!(e.starts_with("commerce.url:"), "{e}");
        let e = Settings::parse("[commerce]\nurl = \"https://x\"\n").unwrap_err();
        assert!(e.starts_with("commerce.email:"), "{e}");
        let e = Settings::parse("[commerce]\nrequest_timeout_ms = 5\n").unwrap_err();
        assert!(e.starts_with("commerce.request_timeout_ms:"), "{e}");
        let e = Settings::parse("[kiosk]\nlayout = \"diagonal\"\n").unwrap_err();
        assert!(e.contains("diagonal") && e.contains("landscape"), "{e}");
        let e = Settings::parse("[kiosk]\ncolour = 1\n").unwrap_err();
        assert!(e.contains("colour"), "{e}");
        let e = Settings::parse("this is [not toml").unwrap_err();
        assert!(!e.is_empty());
    }

    #[test]
    fn a_password_is_never_shown() {
        let text = "[commerce]\nurl = \"https://shop.example\"\nemail = \"a@b\"\npassword = \"Gizli-Parola-99\"\n";
        let settings = Settings::parse(text).unwrap();
        assert!(
            !format!("{settings:?}").contains("Gizli-Parola-99"),
            "Debug shows the password"
        );
        for broken in [
            "password = \"Gizli-Parola-99\n",
            "password = Gizli-Parola-99\n",
            "password = 99887766\n",
        ] {
            let e = Settings::parse(&format!("[commerce]\n{broken}")).unwrap_err();
            assert!(!e.contains("Gizli") && !e.contains("99887766"), "{e}");
            assert!(e.contains("password") && e.contains("line 2"), "{e}");
        }
    }

    #[test]
    fn a_guest_is_never_given_an_accounts_own_payment() {
        assert!(!Settings::default()
            .kiosk
            .guest_payment_types
            .contains(&"pay_on_delivery".to_string()));
        let e = Settings::parse("[kiosk]\nguest_payment_types = [\"cash_register\", \"saved_card\"]\n").unwrap_err();
        assert!(e.starts_with("kiosk.guest_payment_types: saved_card"), "{e}");
        let opened =
            Settings::parse("[kiosk]\nguest_payment_types = [\"cash_register\", \"pay_on_delivery\"]\n").unwrap();
        assert_eq!(opened.kiosk.guest_payment_types, ["cash_register", "pay_on_delivery"]);
    }

    #[test]
    fn a_sales_agreement_file_must_be_there_and_say_something() {
        let e = Settings::parse("[kiosk]\nsales_agreement_file = \"/nonexistent/agreement.txt\"\n").unwrap_err();
        assert!(
            e.starts_with("kiosk.sales_agreement_file: /nonexistent/agreement.txt:"),
            "{e}"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("agreement.txt");
        std::fs::write(&file, "  \n").unwrap();
        let toml = format!("[kiosk]\nsales_agreement_file = {:?}\n", file.display().to_string());
        assert!(Settings::parse(&toml).unwrap_err().ends_with("is empty"));
        std::fs::write(&file, "Satış sözleşmesi\n").unwrap();
        assert_eq!(
            Settings::parse(&toml).unwrap().kiosk.sales_agreement(),
            "Satış sözleşmesi"
        );
    }

    #[test]
    fn durations_stay_in_range() {
        let e = Settings::parse("[offline]\nmax_age_hours = 18446744073709551615\n").unwrap_err();
        assert!(e.starts_with("offline.max_age_hours:"), "{e}");
        let e = Settings::parse("[offline]\ncatalog_refresh_minutes = 0\n").unwrap_err();
        assert!(e.starts_with("offline.catalog_refresh_minutes:"), "{e}");
    }

    #[test]
    fn plain_http_is_for_this_machine_only() {
        let with = |url: &str| format!("[commerce]\nurl = \"{url}\"\nemail = \"a@b\"\npassword = \"p\"\n");
        let e = Settings::parse(&with("http://shop.example/")).unwrap_err();
        assert!(e.starts_with("commerce.url:") && e.contains("https://"), "{e}");
        for local in [
            "http://127.0.0.1:8800/",
            "http://localhost:8800/",
            "http://[::1]:8800/",
            "https://shop.example/",
        ] {
            assert!(Settings::parse(&with(local)).is_ok(), "{local}");
        }
    }

    #[test]
    fn a_password_in_a_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        std::fs::write(
            &path,
            "[commerce]\nurl = \"https://shop.example\"\nemail = \"a@b\"\npassword = \"p\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = Settings::load(Some(&path), |_| Ok(())).unwrap_err().to_string();
        assert!(e.contains("chmod 600"), "{e}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(Settings::load(Some(&path), |_| Ok(())).is_ok());
    }
}
