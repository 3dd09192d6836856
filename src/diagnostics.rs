//! The technicians' checks (`instore-kiosk doctor`): each part of a device, with ok,
//! warn or fail and one sentence of what to do. Nothing here changes the device: the
//! checks read, connect and ask, and the one file they write (to prove the data
//! directory is writable) is removed at once.

use crate::commerce::CommerceError;
use crate::settings::Settings;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

/// One check's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub check: &'static str,
    pub level: Level,
    /// What was found, and for warn and fail, what to do.
    pub detail: String,
}

fn ok(check: &'static str, detail: impl Into<String>) -> Check {
    Check {
        check,
        level: Level::Ok,
        detail: detail.into(),
    }
}

fn warn(check: &'static str, detail: impl Into<String>) -> Check {
    Check {
        check,
        level: Level::Warn,
        detail: detail.into(),
    }
}

fn fail(check: &'static str, detail: impl Into<String>) -> Check {
    Check {
        check,
        level: Level::Fail,
        detail: detail.into(),
    }
}

/// Free space below this fails (the queue and print jobs need room); below the warn
/// level it is time to clean up.
const FREE_FAIL: u64 = 50 << 20;
const FREE_WARN: u64 = 500 << 20;

/// What `doctor` was given: the settings (or why they could not be read), where they
/// came from, and the data directory.
pub struct Device<'a> {
    pub settings: Result<&'a Settings, String>,
    pub settings_file: Option<&'a Path>,
    pub data_dir: &'a Path,
}

/// Runs every check, in the order a technician would look.
pub async fn run(device: Device<'_>) -> Vec<Check> {
    let mut checks = vec![settings_check(&device)];
    checks.extend(data_dir_checks(device.data_dir));
    checks.push(clock_check());
    if let Ok(settings) = device.settings {
        checks.extend(server_checks(settings).await);
        checks.extend(store_checks(device.data_dir, settings));
        checks.push(printer_check(settings));
        checks.push(scanner_check(settings, device.data_dir));
        checks.push(speech_check(settings));
    }
    checks.push(display_check());
    checks
}

/// Exit status of `doctor`: 0 only when nothing failed.
pub fn all_passed(checks: &[Check]) -> bool {
    checks.iter().all(|c| c.level != Level::Fail)
}

fn settings_check(device: &Device) -> Check {
    const NAME: &str = "settings";
    let path = device.settings_file.map(|p| p.display().to_string());
    match (&device.settings, path) {
        (Err(e), _) => fail(NAME, format!("{e}. Fix the file, or write it again with `provision`.")),
        (Ok(_), None) => warn(
            NAME,
            "no settings file: the kiosk runs in demo mode. Give it one with --config or in the default place.",
        ),
        (Ok(settings), Some(path)) if settings.commerce.url.is_none() => fail(
            NAME,
            format!("{path} names no commerce.url: the kiosk will not start. Add the store server's address."),
        ),
        (Ok(_), Some(path)) => ok(NAME, format!("{path} is valid and private")),
    }
}

fn data_dir_checks(dir: &Path) -> Vec<Check> {
    const NAME: &str = "data directory";
    if let Err(e) = std::fs::create_dir_all(dir) {
        return vec![fail(
            NAME,
            format!(
                "{} cannot be created ({e}). Give the kiosk's user a writable data directory.",
                dir.display()
            ),
        )];
    }
    let probe = dir.join(format!(".doctor-{}", std::process::id()));
    let writable = std::fs::write(&probe, b"ok").and_then(|_| std::fs::remove_file(&probe));
    let mut checks = vec![match writable {
        Ok(()) => ok(NAME, format!("{} is writable", dir.display())),
        Err(e) => fail(
            NAME,
            format!(
                "{} is not writable ({e}). Give the kiosk's user write access to it.",
                dir.display()
            ),
        ),
    }];
    checks.push(match rustix::fs::statvfs(dir) {
        Ok(stats) => {
            let free = stats.f_bavail.saturating_mul(stats.f_frsize);
            let text = format!("{} MiB free", free >> 20);
            if free < FREE_FAIL {
                fail(
                    "free space",
                    format!("{text}. Free space on the device: orders and receipts need room."),
                )
            } else if free < FREE_WARN {
                warn("free space", format!("{text}. Free some space before it runs out."))
            } else {
                ok("free space", text)
            }
        }
        Err(e) => warn("free space", format!("cannot be read ({e})")),
    });
    checks
}

/// A clock before this build was made is certainly wrong (TLS and order times depend on it).
fn clock_check() -> Check {
    const NAME: &str = "clock";
    const BUILT_AFTER: i64 = 1_767_225_600; // 2026-01-01
    let now = chrono::Utc::now();
    if now.timestamp() < BUILT_AFTER {
        fail(
            NAME,
            format!("the clock says {now}, before this kiosk was built. Set the time (NTP) and check the RTC battery."),
        )
    } else {
        ok(NAME, format!("{}", now.format("%Y-%m-%d %H:%M:%S UTC")))
    }
}

async fn server_checks(settings: &Settings) -> Vec<Check> {
    let Some(url) = settings.commerce.url.clone() else {
        return Vec::new();
    };
    let mut checks = Vec::new();
    let parsed = match url::Url::parse(&url) {
        Ok(parsed) => parsed,
        Err(e) => {
            return vec![fail(
                "server address",
                format!("{url:?} is not an address ({e}). Fix commerce.url."),
            )]
        }
    };
    let host = parsed.host_str().unwrap_or_default().to_string();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addresses =
        match tokio::time::timeout(Duration::from_secs(5), tokio::net::lookup_host((host.as_str(), port))).await {
            Ok(Ok(found)) => found.collect::<Vec<_>>(),
            Ok(Err(e)) => {
                return vec![fail(
                    "dns",
                    format!("{host} cannot be resolved ({e}). Check the network's DNS and commerce.url."),
                )]
            }
            Err(_) => {
                return vec![fail(
                    "dns",
                    format!("{host} did not resolve within 5 s. Check the network's DNS."),
                )]
            }
        };
    checks.push(ok(
        "dns",
        format!(
            "{host} is {}",
            addresses
                .iter()
                .map(|a| a.ip().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ));
    let Some(address) = addresses.first().copied() else {
        checks.push(fail("tcp", format!("{host} has no address.")));
        return checks;
    };
    match tokio::time::timeout(Duration::from_secs(5), tokio::net::TcpStream::connect(address)).await {
        Ok(Ok(_)) => checks.push(ok("tcp", format!("{address} accepts connections"))),
        Ok(Err(e)) => {
            checks.push(fail(
                "tcp",
                format!("{address} refuses ({e}). Is the server up, and is a firewall in the way?"),
            ));
            return checks;
        }
        Err(_) => {
            checks.push(fail(
                "tcp",
                format!("{address} did not answer within 5 s. Check the network and firewall."),
            ));
            return checks;
        }
    }
    let mut config = match crate::commerce::ClientConfig::new(&url) {
        Ok(config) => config,
        Err(e) => {
            checks.push(fail("server address", format!("{e}")));
            return checks;
        }
    };
    // The kiosk's own timeouts, at most 5 and 10 s: `doctor` stays quick on a dead line.
    config.connect_timeout = settings.commerce.connect_timeout().min(Duration::from_secs(5));
    config.request_timeout = settings.commerce.request_timeout().min(Duration::from_secs(10));
    let client = match crate::commerce::CommerceClient::new(config) {
        Ok(client) => client,
        Err(e) => {
            checks.push(fail("tls", format!("{e}")));
            return checks;
        }
    };
    let email = settings.commerce.email.clone().unwrap_or_default();
    let password = settings.commerce.password.clone().unwrap_or_default();
    let login = client.login(&email, &password).await;
    if parsed.scheme() == "https" {
        checks.push(match &login {
            Err(e @ CommerceError::Untrusted { .. }) => fail("tls", format!("{e}.")),
            Err(e) if e.is_connectivity() && !matches!(e, CommerceError::Timeout { .. }) => fail(
                "tls",
                format!("the secure connection failed ({e}). Check the clock and the server's certificate."),
            ),
            _ => ok("tls", "the server's certificate is trusted"),
        });
    }
    checks.push(match login {
        Ok(_) => ok("login", format!("signed in as {email}")),
        Err(CommerceError::LoginRejected(message)) => fail(
            "login",
            format!("the server refused {email}: {message}. Check commerce.email and commerce.password."),
        ),
        Err(CommerceError::Timeout { seconds }) => fail(
            "login",
            format!(
                "{address} accepts connections but sent no answer within {seconds:.0} s: the server, or a proxy in front of it, is hung. Call the store's IT; the kiosk sells offline meanwhile."
            ),
        ),
        Err(e @ CommerceError::Server { .. }) => fail(
            "login",
            format!("{e}. A proxy or load balancer in front of the server answers for it: the server behind it is down."),
        ),
        Err(e) => fail("login", format!("{e}")),
    });
    // The server's answers carry its time: a device clock far from it dates orders wrong.
    checks.push(match crate::commerce::clock::skew() {
        Some(skew) => fail(
            "server clock",
            format!(
                "the device's clock is {}. Set the time (NTP) and check the RTC battery; meanwhile the kiosk dates orders by the server's time.",
                crate::commerce::clock::describe(skew)
            ),
        ),
        None => ok("server clock", "the device's clock agrees with the server's"),
    });
    checks
}

fn store_checks(dir: &Path, settings: &Settings) -> Vec<Check> {
    let store = match crate::offline::Store::open(dir) {
        Ok(store) => store,
        Err(e) => return vec![fail("database", format!("{e}"))],
    };
    let mut checks = Vec::new();
    let quick = store.read(|db| db.query_row("PRAGMA quick_check", [], |row| row.get::<_, String>(0)));
    checks.push(match quick {
        Ok(answer) if answer == "ok" => ok(
            "database",
            format!("{} passes its integrity check", store.path().display()),
        ),
        Ok(answer) => fail(
            "database",
            format!(
                "{} is damaged ({answer}). Export the queue (`queue export`), then move the file aside.",
                store.path().display()
            ),
        ),
        Err(e) => fail("database", format!("{e}")),
    });
    checks.push(match crate::offline::catalog::summary(&store) {
        Ok((0, _)) => warn(
            "catalog copy",
            "empty: the kiosk cannot sell offline until it syncs once (`catalog sync`, or by itself online).",
        ),
        Ok((products, synced)) => {
            let age = synced
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| chrono::Utc::now().signed_duration_since(t));
            match age {
                Some(age) if age > chrono::Duration::hours(24) => warn(
                    "catalog copy",
                    format!(
                        "{products} products, {} hours old: offline prices may be stale. Check the line to the server.",
                        age.num_hours()
                    ),
                ),
                Some(age) => ok(
                    "catalog copy",
                    format!("{products} products, {} minutes old", age.num_minutes()),
                ),
                None => ok("catalog copy", format!("{products} products")),
            }
        }
        Err(e) => fail("catalog copy", format!("{e}")),
    });
    checks.push(queue_check(&store, settings));
    checks
}

fn queue_check(store: &crate::offline::Store, settings: &Settings) -> Check {
    use crate::offline::queue;
    const NAME: &str = "offline queue";
    let page = match queue::page(store, 0, 1) {
        Ok(page) => page,
        Err(e) => return fail(NAME, format!("{e}")),
    };
    let (waiting, amount) = queue::waiting(store).unwrap_or_default();
    let oldest = queue::list(store)
        .unwrap_or_default()
        .into_iter()
        .filter(|o| matches!(o.state, queue::State::Waiting | queue::State::Sending))
        .filter_map(|o| chrono::DateTime::parse_from_rfc3339(&o.created_at).ok())
        .min()
        .map(|t| chrono::Utc::now().signed_duration_since(t));
    let text = format!(
        "{waiting} waiting ({}), {} set aside{}",
        crate::commerce::money::format_try(amount),
        page.set_aside,
        oldest
            .map(|age| format!(", oldest {} minutes", age.num_minutes()))
            .unwrap_or_default()
    );
    let limit = chrono::Duration::hours(settings.offline.max_age_hours as i64);
    let stuck = queue::stuck(store, &queue::StuckRule::from(&settings.offline)).unwrap_or_default();
    if !stuck.is_empty() {
        let references: Vec<String> = stuck
            .iter()
            .map(|o| format!("{} ({})", o.reference, o.reason.as_deref().unwrap_or("no answer")))
            .collect();
        fail(
            NAME,
            format!(
                "{text}; {} could not be confirmed by the server: {}. They are not sent again until the server says it does not have them: send `queue export` to support.",
                stuck.len(),
                references.join("; ")
            ),
        )
    } else if oldest.is_some_and(|age| age >= limit) {
        fail(
            NAME,
            format!("{text}: past the age limit, offline sales have stopped. Bring the line back."),
        )
    } else if page.set_aside > 0 {
        warn(
            NAME,
            format!("{text}. A clerk should look at the set-aside orders (Orders)."),
        )
    } else if oldest.is_some_and(|age| age > chrono::Duration::hours(1)) {
        warn(NAME, format!("{text}. The line has been down for a while."))
    } else {
        ok(NAME, text)
    }
}

fn printer_check(settings: &Settings) -> Check {
    use crate::devices::printer::{probe, Probe, Problem};
    const NAME: &str = "printer";
    let port = &settings.printer.port;
    if port.is_empty() {
        return warn(NAME, "none set: receipts are not printed. Set printer.port.");
    }
    if port == crate::settings::VIRTUAL_PORT {
        return ok(
            NAME,
            "virtual: the kiosk makes a pseudo-terminal printer when it starts and writes each receipt as text and PNG under its data directory's receipts/ (for a demo or a training)",
        );
    }
    if crate::devices::check::port_missing(port) {
        return fail(
            NAME,
            format!("{port} is not there. Plug the printer in, or fix printer.port (see `devices list`)."),
        );
    }
    match probe(&settings.printer) {
        Ok(Probe::Ready) => ok(NAME, format!("{port} answers: ready, paper in")),
        Ok(Probe::Silent) => warn(
            NAME,
            format!("{port} does not answer status questions: check it is on and the baud rate matches."),
        ),
        Ok(Probe::Blocked(Problem::PaperOut)) => fail(NAME, format!("{port}: out of paper. Load a roll.")),
        Ok(Probe::Blocked(Problem::CoverOpen)) => fail(NAME, format!("{port}: the cover is open. Close it.")),
        Ok(Probe::Blocked(problem)) => fail(NAME, format!("{port}: {problem:?}. Check the printer's lights.")),
        Err(e) => warn(
            NAME,
            format!("{port} could not be asked ({e}); if the kiosk is running it holds the port."),
        ),
    }
}

fn scanner_check(settings: &Settings, data_dir: &Path) -> Check {
    const NAME: &str = "scanner";
    let last = crate::offline::Store::open(data_dir)
        .ok()
        .and_then(|store| {
            crate::offline::remembered::load::<String>(&store, crate::offline::remembered::LAST_SCAN).ok()
        })
        .flatten()
        .and_then(|at| chrono::DateTime::parse_from_rfc3339(&at).ok())
        .map(|at| {
            let minutes = chrono::Utc::now().signed_duration_since(at).num_minutes();
            format!("; last scan {minutes} minutes ago")
        })
        .unwrap_or_else(|| "; no scan recorded yet".into());
    let port = &settings.scanner.port;
    if port.is_empty() {
        return ok(
            NAME,
            format!("no serial scanner set (a keyboard-wedge scanner needs none){last}"),
        );
    }
    if port == crate::settings::VIRTUAL_PORT {
        return ok(
            NAME,
            format!(
                "virtual: the kiosk makes a pseudo-terminal scanner when it starts; scan with `echo 8690000010011 > {}`{last}",
                data_dir.join("virtual-scanner").display()
            ),
        );
    }
    if !crate::devices::check::port_missing(port) {
        ok(
            NAME,
            format!("{port} is there{last}; `devices test-scan` shows what it reads"),
        )
    } else {
        fail(
            NAME,
            format!("{port} is not there. Plug the scanner in, or fix scanner.port (see `devices list`)."),
        )
    }
}

/// Accessible mode speaks through the voice program and the sound card; without
/// either it shows, silently.
fn speech_check(settings: &Settings) -> Check {
    const NAME: &str = "speech";
    let program = settings.kiosk.speech_command.trim();
    if program.is_empty() {
        return ok(
            NAME,
            "off (kiosk.speech_command is empty): accessible mode does not speak",
        );
    }
    let found = if program.contains('/') {
        Some(PathBuf::from(program)).filter(|p| p.is_file())
    } else {
        std::env::var_os("PATH")
            .into_iter()
            .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    };
    let Some(found) = found else {
        return warn(
            NAME,
            format!("{program} is not installed: accessible mode shows but does not speak. Install it (apt install espeak-ng)."),
        );
    };
    let sound_card = std::fs::read_dir("/dev/snd")
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("pcm"))
        })
        .unwrap_or(false);
    let sound_server = std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|dir| {
        let dir = PathBuf::from(dir);
        dir.join("pulse/native").exists() || dir.join("pipewire-0").exists()
    });
    if sound_card || sound_server {
        ok(NAME, format!("{} speaks through the device's sound", found.display()))
    } else {
        warn(
            NAME,
            format!(
                "{} is there, but the device has no sound card (/dev/snd): accessible mode shows but does not speak.",
                found.display()
            ),
        )
    }
}

fn display_check() -> Check {
    const NAME: &str = "display";
    let has = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if has("DISPLAY") || has("WAYLAND_DISPLAY") || std::env::var("SLINT_BACKEND").is_ok_and(|b| b.contains("linuxkms"))
    {
        ok(NAME, "a display is set for this shell")
    } else {
        warn(
            NAME,
            "this shell has no display (no DISPLAY or WAYLAND_DISPLAY); the kiosk's service sets its own.",
        )
    }
}
