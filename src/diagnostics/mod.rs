//! The technicians' checks (`instore-kiosk doctor`, and the kiosk's Diagnostics
//! screen): each part of a device, with ok, warn or fail and one sentence of what to
//! do. Nothing here changes the device: the checks read, connect and ask, and the one
//! file they write (to prove the data directory is writable) is removed at once.
//!
//! Each name and sentence is written in English and Turkish at the place it is made
//! (`say!`): the screen speaks the kiosk's language, `doctor` the shell's (`LANG`), an
//! export for support English. Hand-written rather than a gettext catalogue because
//! the sentences are built here with numbers, paths and server messages inside, and
//! the macro makes a sentence without both languages a compile error.
//!
//! `local.rs` checks the device's own files and clock, `server.rs` the line to the
//! store server, `devices.rs` the printer, scanner, speech and display.

use serde::Serialize;
use std::path::Path;

/// One sentence in the technician's language: `say!(lang, "english {x}", "türkçe {x}")`.
macro_rules! say {
    ($lang:expr, $en:literal, $tr:literal $(, $arg:expr)* $(,)?) => {
        match $lang {
            $crate::diagnostics::Lang::En => format!($en $(, $arg)*),
            $crate::diagnostics::Lang::Tr => format!($tr $(, $arg)*),
        }
    };
}

mod devices;
mod local;
mod server;

/// The language the checks speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Tr,
}

impl Lang {
    /// `"tr"`, `"tr_TR.UTF-8"` … are Turkish; anything else English.
    pub fn from_code(code: &str) -> Lang {
        if code.to_ascii_lowercase().starts_with("tr") {
            Lang::Tr
        } else {
            Lang::En
        }
    }

    /// The shell's language, as gettext reads it: `LC_ALL`, then `LC_MESSAGES`, then `LANG`.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .map(|value| Lang::from_code(&value))
            .unwrap_or_default()
    }
}

/// `n` things, as the language counts them: "1 minute", "5 minutes"; Turkish keeps
/// the noun singular after a number ("5 dakika").
pub(crate) fn count(lang: Lang, n: i64, one: &str, many: &str, turkish: &str) -> String {
    match lang {
        Lang::En if n == 1 => format!("1 {one}"),
        Lang::En => format!("{n} {many}"),
        Lang::Tr => format!("{n} {turkish}"),
    }
}

/// How long ago, in whole minutes: "just now" under one.
pub(crate) fn minutes_ago(lang: Lang, minutes: i64) -> String {
    if minutes < 1 {
        return say!(lang, "just now", "az önce");
    }
    say!(
        lang,
        "{} ago",
        "{} önce",
        count(lang, minutes, "minute", "minutes", "dakika")
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

/// What a check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Settings,
    DataDirectory,
    FreeSpace,
    Clock,
    /// The demo's built-in simulator, in place of a store server.
    Server,
    ServerAddress,
    Dns,
    Tcp,
    Tls,
    Login,
    ServerClock,
    Database,
    CatalogCopy,
    OfflineQueue,
    Printer,
    Scanner,
    Speech,
    Display,
}

impl Topic {
    /// The check's stable name: `doctor --json`, the export, scripts that grep for it.
    pub fn key(self) -> &'static str {
        match self {
            Topic::Settings => "settings",
            Topic::DataDirectory => "data directory",
            Topic::FreeSpace => "free space",
            Topic::Clock => "clock",
            Topic::Server => "server",
            Topic::ServerAddress => "server address",
            Topic::Dns => "dns",
            Topic::Tcp => "tcp",
            Topic::Tls => "tls",
            Topic::Login => "login",
            Topic::ServerClock => "server clock",
            Topic::Database => "database",
            Topic::CatalogCopy => "catalog copy",
            Topic::OfflineQueue => "offline queue",
            Topic::Printer => "printer",
            Topic::Scanner => "scanner",
            Topic::Speech => "speech",
            Topic::Display => "display",
        }
    }

    /// The name a technician reads.
    pub fn title(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.key(),
            Lang::Tr => match self {
                Topic::Settings => "ayarlar",
                Topic::DataDirectory => "veri klasörü",
                Topic::FreeSpace => "boş alan",
                Topic::Clock => "saat",
                Topic::Server => "sunucu",
                Topic::ServerAddress => "sunucu adresi",
                Topic::Dns => "DNS",
                Topic::Tcp => "bağlantı (TCP)",
                Topic::Tls => "güvenli bağlantı (TLS)",
                Topic::Login => "oturum açma",
                Topic::ServerClock => "sunucu saati",
                Topic::Database => "veritabanı",
                Topic::CatalogCopy => "katalog kopyası",
                Topic::OfflineQueue => "çevrimdışı kuyruk",
                Topic::Printer => "yazıcı",
                Topic::Scanner => "barkod okuyucu",
                Topic::Speech => "konuşma",
                Topic::Display => "ekran",
            },
        }
    }
}

impl Serialize for Topic {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.key())
    }
}

/// One check's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub check: Topic,
    pub level: Level,
    /// What was found, and for warn and fail, what to do, in the language asked for.
    pub detail: String,
}

fn ok(check: Topic, detail: impl Into<String>) -> Check {
    Check {
        check,
        level: Level::Ok,
        detail: detail.into(),
    }
}

fn warn(check: Topic, detail: impl Into<String>) -> Check {
    Check {
        check,
        level: Level::Warn,
        detail: detail.into(),
    }
}

fn fail(check: Topic, detail: impl Into<String>) -> Check {
    Check {
        check,
        level: Level::Fail,
        detail: detail.into(),
    }
}

/// What `doctor` was given: the settings (or why they could not be read), where they
/// came from, and the data directory.
pub struct Device<'a> {
    pub settings: Result<&'a crate::settings::Settings, String>,
    pub settings_file: Option<&'a Path>,
    pub data_dir: &'a Path,
    pub lang: Lang,
    /// Set when the checks run inside the kiosk: what it really uses.
    pub running: Option<Running>,
}

/// What the running kiosk itself uses, for the checks made on its own screen: its
/// devices are reported as it sees them (it holds their ports, so they cannot be
/// probed), and in demo mode the simulator stands for the server.
#[derive(Debug, Clone, Default)]
pub struct Running {
    /// The built-in simulator's address, in demo mode.
    pub demo_server: Option<String>,
    /// The printer it prints to; `None`: it prints nothing.
    pub printer: Option<InUse>,
    /// The printer thread's last word, if it has said one since the start.
    pub printer_report: Option<crate::devices::printer::Report>,
    pub scanner: Option<InUse>,
}

/// A serial device the kiosk has open.
#[derive(Debug, Clone)]
pub struct InUse {
    pub port: String,
    /// The kiosk made it on a pseudo-terminal (a demo, or the port `"virtual"`).
    pub made: bool,
}

/// Runs every check, in the order a technician would look.
pub async fn run(device: Device<'_>) -> Vec<Check> {
    let lang = device.lang;
    let mut checks = vec![local::settings_check(&device)];
    checks.extend(local::data_dir_checks(device.data_dir, lang));
    checks.push(local::clock_check(lang));
    if let Ok(settings) = device.settings {
        match device.running.as_ref().and_then(|r| r.demo_server.as_deref()) {
            Some(url) => checks.push(ok(
                Topic::Server,
                say!(
                    lang,
                    "demo: the built-in simulator answers at {url}; no store server is set",
                    "demo: yerleşik simülatör {url} adresinde yanıt veriyor; mağaza sunucusu ayarlı değil"
                ),
            )),
            None => checks.extend(server::checks(settings, lang).await),
        }
        checks.extend(local::store_checks(device.data_dir, settings, lang));
        checks.push(devices::printer_check(
            settings,
            device.running.as_ref(),
            device.data_dir,
            lang,
        ));
        checks.push(devices::scanner_check(
            settings,
            device.running.as_ref(),
            device.data_dir,
            lang,
        ));
        checks.push(devices::speech_check(settings, lang));
    }
    checks.push(devices::display_check(lang, device.running.is_some()));
    checks
}

/// Exit status of `doctor`: 0 only when nothing failed.
pub fn all_passed(checks: &[Check]) -> bool {
    checks.iter().all(|c| c.level != Level::Fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_each_language_counts() {
        assert_eq!(count(Lang::En, 1, "minute", "minutes", "dakika"), "1 minute");
        assert_eq!(count(Lang::En, 0, "minute", "minutes", "dakika"), "0 minutes");
        assert_eq!(count(Lang::En, 5, "minute", "minutes", "dakika"), "5 minutes");
        assert_eq!(count(Lang::Tr, 5, "minute", "minutes", "dakika"), "5 dakika");
        assert_eq!(minutes_ago(Lang::En, 0), "just now");
        assert_eq!(minutes_ago(Lang::En, 1), "1 minute ago");
        assert_eq!(minutes_ago(Lang::Tr, 3), "3 dakika önce");
    }

    #[test]
    fn the_shells_language_names_turkish_in_its_usual_spellings() {
        assert_eq!(Lang::from_code("tr_TR.UTF-8"), Lang::Tr);
        assert_eq!(Lang::from_code("tr"), Lang::Tr);
        assert_eq!(Lang::from_code("C.UTF-8"), Lang::En);
        assert_eq!(Lang::from_code("en_GB"), Lang::En);
    }
}
