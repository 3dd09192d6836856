//! The settings file: one TOML file, every field documented in README.md, validated on
//! load with a message that names the field and what is wrong.
//!
//! Not here: command-line flags (they override settings in `cli/`), or the device rules
//! a settings file must also meet (`crate::devices::check_settings`).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SettingsError {
    #[error("cannot read the settings file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("the settings file {path} is not valid: {message}")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// 1280×800, a clerk's counter.
    #[default]
    Landscape,
    /// 1080×1920, a self-service stand.
    Portrait,
}

impl Layout {
    pub fn size(self) -> (u32, u32) {
        match self {
            Layout::Landscape => (1280, 800),
            Layout::Portrait => (1080, 1920),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// A clerk runs the sale at the counter.
    #[default]
    Clerk,
    /// Customers serve themselves; the kiosk starts at Welcome and resets when idle.
    SelfService,
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommerceSettings {
    /// The commerce server; none means demo mode against the built-in simulator.
    pub url: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
    pub connect_timeout_ms: u64,
    pub request_timeout_ms: u64,
}

/// Never shows the password, so settings can be logged.
impl std::fmt::Debug for CommerceSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommerceSettings")
            .field("url", &self.url)
            .field("email", &self.email)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .field("request_timeout_ms", &self.request_timeout_ms)
            .finish()
    }
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

/// A commerce server's address as the kiosk may use it: https://, or plain http:// to a
/// server on this machine only (the password would cross the network unencrypted).
/// Settings and the `--commerce-url` flags are checked alike.
pub fn check_server_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("{url:?} is not a URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("{url:?} must start with https:// (or http://)"));
    }
    if parsed.scheme() == "http" && !is_loopback(&parsed) {
        return Err(format!(
            "{url:?} would send the password unencrypted; use https:// (plain http:// is only for a \
             server on this machine)"
        ));
    }
    Ok(())
}

/// Whether a server address is this machine: the only place plain http:// may go.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

impl Default for CommerceSettings {
    fn default() -> Self {
        CommerceSettings {
            url: None,
            email: None,
            password: None,
            connect_timeout_ms: 5_000,
            request_timeout_ms: 20_000,
        }
    }
}

impl CommerceSettings {
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KioskSettings {
    pub mode: Mode,
    pub layout: Layout,
    pub fullscreen: bool,
    /// `tr` or `en`.
    pub language: String,
    /// Waiting for the register longer than this tells the customer to call staff.
    pub call_staff_after_seconds: u64,
    /// Self-service: seconds without a touch before "Are you still there?".
    pub idle_prompt_after_seconds: u64,
    /// Self-service: seconds the prompt waits before clearing the sale.
    pub idle_reset_after_seconds: u64,
    /// Self-service: seconds the thank-you screen stays before a new sale starts.
    pub thank_you_seconds: u64,
    /// Self-service: the payment types customers may choose, in this order; the other
    /// options stay on screen, greyed, for staff. Empty: every option.
    pub payment_types: Vec<String>,
    /// Seconds the kiosk waits for a payment on the customer's phone (a hand-off).
    pub handoff_wait_seconds: u64,
    /// Where the technician's Export writes (a USB stick's mount point); the data
    /// directory's `export/` when not set.
    pub export_dir: Option<String>,
    /// The store this kiosk stands in, by the server's pk or name: preselected for
    /// "collect in this store". Not set: the server's first store.
    pub store: Option<String>,
    /// How the kiosk draws: a desktop window, or straight to the screen without X11.
    pub display: Display,
}

/// How the kiosk reaches the screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Display {
    /// `SLINT_BACKEND` if set, else a window (X11).
    #[default]
    Auto,
    /// A window on an X11 desktop.
    Window,
    /// No X11: the screen through DRM/KMS (or the framebuffer), touch and keys through
    /// libinput. The kiosk's user needs the `video` and `input` groups.
    Linuxkms,
}

impl Default for KioskSettings {
    fn default() -> Self {
        KioskSettings {
            mode: Mode::Clerk,
            layout: Layout::Landscape,
            fullscreen: false,
            language: "tr".into(),
            call_staff_after_seconds: 180,
            idle_prompt_after_seconds: 90,
            idle_reset_after_seconds: 20,
            thank_you_seconds: 15,
            payment_types: Vec::new(),
            handoff_wait_seconds: 300,
            export_dir: None,
            store: None,
            display: Display::Auto,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DemoSettings {
    /// In demo mode the simulated register takes a cash-register payment after this many polls.
    pub cash_register_auto_pay_after_polls: u32,
    /// In demo mode, the register's polling interval in seconds.
    pub cash_register_poll_seconds: u32,
}

impl Default for DemoSettings {
    fn default() -> Self {
        DemoSettings {
            cash_register_auto_pay_after_polls: 3,
            cash_register_poll_seconds: 2,
        }
    }
}

/// Selling while the server is away.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OfflineSettings {
    /// Strategies that need nothing from a payment network at the moment of sale.
    pub payment_types: Vec<String>,
    /// Amounts are decimal strings, e.g. "5000.00".
    pub max_order_amount: rust_decimal::Decimal,
    pub max_waiting_amount: rust_decimal::Decimal,
    pub max_waiting_count: u32,
    pub max_age_hours: u64,
    /// A queued order whose price changed by more than this share is set aside.
    pub price_tolerance_percent: rust_decimal::Decimal,
    /// The local catalog copy is refreshed this often while online.
    pub catalog_refresh_minutes: u64,
    /// Orders sent longer ago than this leave the queue, with their journal.
    pub retention_days: u64,
    /// An order whose fate the server has not told (its attempt went unanswered, or
    /// looking it up fails) for this long is stuck: the clerk and support are told.
    pub stuck_after_minutes: u64,
    /// … or after this many lookups failed although the server (or its proxy)
    /// answered, whichever comes first; lookups the line lost count only by time.
    pub stuck_after_lookups: u64,
}

impl Default for OfflineSettings {
    fn default() -> Self {
        OfflineSettings {
            payment_types: vec!["pay_on_delivery".into(), "pay_later".into()],
            max_order_amount: rust_decimal::Decimal::new(5_000, 0),
            max_waiting_amount: rust_decimal::Decimal::new(50_000, 0),
            max_waiting_count: 200,
            max_age_hours: 72,
            price_tolerance_percent: rust_decimal::Decimal::new(5, 0),
            catalog_refresh_minutes: 30,
            retention_days: 30,
            stuck_after_minutes: 15,
            stuck_after_lookups: 5,
        }
    }
}

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReceiptSettings {
    /// The store's name and address lines, at the top of every receipt.
    pub header: Vec<String>,
    pub footer: String,
    /// The receipt's language: "tr" or "en".
    pub language: String,
}

impl Default for ReceiptSettings {
    fn default() -> Self {
        ReceiptSettings {
            header: vec![
                "Instore Demo Mağazası".into(),
                "İstiklal Caddesi 1, Beyoğlu, İstanbul".into(),
            ],
            footer: "Bizi tercih ettiğiniz için teşekkürler.".into(),
            language: "tr".into(),
        }
    }
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

/// The staff's PINs, as Argon2id hashes (`provision` hashes the PINs given in clear).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PinSettings {
    pub clerk: Option<String>,
    pub technician: Option<String>,
}

impl PinSettings {
    /// Hashes any PIN given in clear (checked first: 4 to 8 digits).
    pub fn hash_clear(&mut self) -> Result<(), String> {
        for (name, pin) in [
            ("pins.clerk", &mut self.clerk),
            ("pins.technician", &mut self.technician),
        ] {
            if let Some(value) = pin.as_mut().filter(|v| !crate::pins::is_hashed(v)) {
                *value = crate::pins::hash(value).map_err(|e| format!("{name}: {e}"))?;
            }
        }
        Ok(())
    }
}

/// The status endpoint for a fleet's Prometheus: off unless `listen` is set, and only
/// on a loopback address (a device's metrics are not for its network).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatusSettings {
    /// For example `"127.0.0.1:9464"`.
    pub listen: Option<String>,
}

impl StatusSettings {
    /// The address to listen on, if the endpoint is on.
    pub fn address(&self) -> Result<Option<std::net::SocketAddr>, String> {
        let Some(listen) = &self.listen else { return Ok(None) };
        let address: std::net::SocketAddr = listen
            .parse()
            .map_err(|_| format!("status.listen: {listen:?} is not an address like \"127.0.0.1:9464\""))?;
        if !address.ip().is_loopback() {
            return Err(format!(
                "status.listen: {listen} is not a loopback address; the status endpoint only listens on 127.0.0.1 or ::1"
            ));
        }
        Ok(Some(address))
    }
}

/// Hand-off page addresses for the wallets whose reference flow has no `redirect_url`
/// (BKM Express, Masterpass): the page the customer opens on the phone. Filled from the
/// page context (`{transaction_id}`, `{token}`, `{order_no}`, `{msisdn}`) and
/// `{commerce}`, the commerce server's address without its last slash. The defaults are
/// the built-in simulator's service page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HandoffSettings {
    pub bkm_express: String,
    pub masterpass: String,
}

impl Default for HandoffSettings {
    fn default() -> Self {
        HandoffSettings {
            bkm_express: "{commerce}/_sim/pay/{transaction_id}/".into(),
            masterpass: "{commerce}/_sim/pay/{token}/".into(),
        }
    }
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

    pub fn validate(&self) -> Result<(), String> {
        let c = &self.commerce;
        if let Some(url) = &c.url {
            check_server_url(url).map_err(|e| format!("commerce.url: {e}"))?;
            if c.email.as_deref().unwrap_or("").is_empty() {
                return Err("commerce.email: required when commerce.url is set".into());
            }
            if c.password.as_deref().unwrap_or("").is_empty() {
                return Err("commerce.password: required when commerce.url is set".into());
            }
        }
        if let Some(email) = &c.email {
            if !email.contains('@') {
                return Err(format!("commerce.email: {email:?} is not an email address"));
            }
        }
        for (name, ms) in [
            ("commerce.connect_timeout_ms", c.connect_timeout_ms),
            ("commerce.request_timeout_ms", c.request_timeout_ms),
        ] {
            if !(100..=600_000).contains(&ms) {
                return Err(format!("{name}: {ms} is out of range; use 100 to 600000 milliseconds"));
            }
        }
        let o = &self.offline;
        if !(rust_decimal::Decimal::ZERO..=rust_decimal::Decimal::ONE_HUNDRED).contains(&o.price_tolerance_percent) {
            return Err(format!(
                "offline.price_tolerance_percent: {} is out of range; use 0 to 100",
                o.price_tolerance_percent
            ));
        }
        for (name, value, max) in [
            ("offline.max_age_hours", o.max_age_hours, 24 * 365),
            ("offline.retention_days", o.retention_days, 3650),
            ("offline.stuck_after_minutes", o.stuck_after_minutes, 7 * 24 * 60),
            ("offline.stuck_after_lookups", o.stuck_after_lookups, 1000),
            (
                "offline.catalog_refresh_minutes",
                o.catalog_refresh_minutes,
                7 * 24 * 60,
            ),
        ] {
            if !(1..=max).contains(&value) {
                return Err(format!("{name}: {value} is out of range; use 1 to {max}"));
            }
        }
        if !matches!(self.kiosk.language.as_str(), "tr" | "en") {
            return Err(format!(
                "kiosk.language: {:?} is not offered; use \"tr\" or \"en\"",
                self.kiosk.language
            ));
        }
        let k = &self.kiosk;
        for (name, value) in [
            ("kiosk.call_staff_after_seconds", k.call_staff_after_seconds),
            ("kiosk.idle_prompt_after_seconds", k.idle_prompt_after_seconds),
            ("kiosk.idle_reset_after_seconds", k.idle_reset_after_seconds),
            ("kiosk.thank_you_seconds", k.thank_you_seconds),
        ] {
            if value == 0 {
                return Err(format!("{name}: must be at least 1 second"));
            }
        }
        self.status.address()?;
        for (name, pin) in [
            ("pins.clerk", &self.pins.clerk),
            ("pins.technician", &self.pins.technician),
        ] {
            if pin.as_deref().is_some_and(|p| !crate::pins::is_hashed(p)) {
                return Err(format!(
                    "{name}: a PIN in clear; write the settings with `instore-kiosk provision --from FILE`, which keeps it hashed"
                ));
            }
        }
        if !(10..=3_600).contains(&k.handoff_wait_seconds) {
            return Err(format!(
                "kiosk.handoff_wait_seconds: {} is out of range; use 10 to 3600",
                k.handoff_wait_seconds
            ));
        }
        if self.demo.cash_register_poll_seconds == 0 {
            return Err("demo.cash_register_poll_seconds: must be at least 1".into());
        }
        let p = &self.printer;
        for (name, baud) in [
            ("printer.baud_rate", p.baud_rate),
            ("scanner.baud_rate", self.scanner.baud_rate),
        ] {
            if !(1_200..=921_600).contains(&baud) {
                return Err(format!("{name}: {baud} is out of range; use 1200 to 921600"));
            }
        }
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
        if !(4..=512).contains(&self.scanner.max_length) {
            return Err(format!(
                "scanner.max_length: {} is out of range; use 4 to 512",
                self.scanner.max_length
            ));
        }
        if !matches!(self.receipt.language.as_str(), "tr" | "en") {
            return Err(format!(
                "receipt.language: {:?} is not offered; use \"tr\" or \"en\"",
                self.receipt.language
            ));
        }
        Ok(())
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
        let example = include_str!("../packaging/settings.example.toml");
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
