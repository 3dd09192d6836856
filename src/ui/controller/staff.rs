//! The staff's screens and who may open them. Three roles: the customer (at a
//! self-service kiosk), the clerk (at a counter kiosk, or after the clerk's PIN) and
//! the technician (after the technician's PIN). The controller refuses a clerk's or a
//! technician's intent without the role; hiding buttons is only the screens' part.
//!
//! A PIN opens its role's screen: the clerk's the Orders list, the technician's the
//! Diagnostics. A few wrong PINs lock the pad for a while. The role lasts until the
//! staff screen is left; a self-service kiosk is then the customer's again.

use super::{Controller, Failure, Sale};
use crate::diagnostics::{self, Device};
use crate::ui::view::{Update, View};
use crate::ui::{BackTo, EntryKind};
use std::time::{Duration, Instant};

/// Who is at the kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Customer,
    Clerk,
    Technician,
}

/// Wrong PINs before the pad locks, and for how long.
pub const PIN_TRIES: u32 = 3;
pub const PIN_LOCK: Duration = Duration::from_secs(60);

/// In demo mode, with no PINs set, both roles open with this one (the pad says so).
pub const DEMO_PIN: &str = "0000";

/// The PIN pad's state: wrong tries so far, and until when it is locked.
#[derive(Debug, Default)]
pub struct PinPad {
    pub wrong: u32,
    pub locked_until: Option<Instant>,
}

impl Controller {
    /// The role a sale starts with: a counter kiosk is the clerk's.
    pub(super) fn default_role(&self) -> Role {
        if self.config.self_service {
            Role::Customer
        } else {
            Role::Clerk
        }
    }

    /// Opens the PIN pad for `intent`, which is done once a PIN proves a role enough.
    pub(super) fn ask_pin_for(&mut self, intent: super::Intent) -> Result<(), Failure> {
        self.ask_pin()?;
        self.after_pin = Some(intent);
        Ok(())
    }

    /// The role an intent needs.
    fn needs(intent: &super::Intent) -> Role {
        use super::Intent as I;
        match intent {
            I::ShowDiagnostics | I::ExportDiagnostics | I::OpenSetup => Role::Technician,
            _ => Role::Clerk,
        }
    }

    /// Opens the PIN pad over the sale.
    pub(super) fn ask_pin(&mut self) -> Result<(), Failure> {
        self.after_pin = None;
        let under = std::mem::replace(&mut self.sale, Sale::Basket).without_staff();
        let view = self.pin_view(String::new());
        self.show(Sale::Staff { under: Box::new(under) }, view);
        if self.config.pins.clerk.is_none() && self.config.pins.technician.is_none() && !self.demo_pins() {
            // No PIN can open anything: say how to set one, rather than count wrong tries.
            self.emit(Update::PinNoneSet);
        }
        Ok(())
    }

    fn pin_view(&self, error: String) -> View {
        View::NumberEntry {
            kind: EntryKind::Pin,
            min_digits: 4,
            max_digits: 8,
            tries_left: 0,
            demo_code: if self.demo_pins() {
                DEMO_PIN.into()
            } else {
                String::new()
            },
            amount: String::new(),
            error,
        }
    }

    fn demo_pins(&self) -> bool {
        matches!(self.config.backend, super::Backend::Demo(_))
            && self.config.pins.clerk.is_none()
            && self.config.pins.technician.is_none()
    }

    /// A PIN typed on the pad: the role it proves opens its screen.
    pub(super) async fn pin(&mut self, pin: &str) -> Result<(), Failure> {
        if !matches!(self.sale, Sale::Staff { .. }) {
            return Ok(());
        }
        if let Some(until) = self.pin_pad.locked_until.filter(|u| *u > Instant::now()) {
            let seconds = until.duration_since(Instant::now()).as_secs() + 1;
            self.emit(Update::PinLocked(seconds as i32));
            return Ok(());
        }
        let matches = |hash: &Option<String>| hash.as_deref().is_some_and(|h| crate::pins::verify(pin, h));
        let role = if matches(&self.config.pins.technician) || (self.demo_pins() && pin == DEMO_PIN) {
            Some(Role::Technician)
        } else if matches(&self.config.pins.clerk) {
            Some(Role::Clerk)
        } else {
            None
        };
        let Some(role) = role else {
            self.pin_pad.wrong += 1;
            tracing::warn!(wrong = self.pin_pad.wrong, "a wrong staff PIN");
            if self.pin_pad.wrong >= PIN_TRIES {
                self.pin_pad = PinPad {
                    wrong: 0,
                    locked_until: Some(Instant::now() + PIN_LOCK),
                };
                self.emit(Update::PinLocked(PIN_LOCK.as_secs() as i32));
            } else {
                self.emit(Update::Show(self.pin_view(String::new())));
                self.emit(Update::PinWrong((PIN_TRIES - self.pin_pad.wrong) as i32));
            }
            return Ok(());
        };
        self.pin_pad = PinPad::default();
        tracing::info!(?role, "staff signed in on the kiosk");
        self.role = role;
        // Staff are here: whoever called them has been answered.
        self.call_staff(false);
        // What asked for the PIN, if this role may do it; else the role's own screen.
        if let Some(next) = self.after_pin.take().filter(|i| Self::needs(i) <= role) {
            let _ = self.tx.send(next);
            return Ok(());
        }
        match role {
            Role::Technician => self.show_diagnostics(None).await,
            _ => self.show_orders(0),
        }
    }

    /// The technician's screen: every check of `doctor`, live, and Export.
    pub(super) async fn show_diagnostics(&mut self, exported: Option<String>) -> Result<(), Failure> {
        if self.role < Role::Technician {
            return self.ask_pin();
        }
        let checks = self.run_checks(self.lang()).await;
        let under = std::mem::replace(&mut self.sale, Sale::Basket).without_staff();
        let lang = self.lang();
        let demo = self.demo_server();
        self.show(
            Sale::Diagnostics { under: Box::new(under) },
            View::Diagnostics {
                checks: checks
                    .iter()
                    .map(|c| (c.level, c.check.title(lang).to_string(), c.detail.clone()))
                    .collect(),
                version: env!("CARGO_PKG_VERSION").to_string(),
                address: local_address(self.config.settings.commerce.url.as_deref()),
                demo: demo.is_some(),
                exported: exported.unwrap_or_default(),
            },
        );
        Ok(())
    }

    /// The screens' language, for the checks' sentences.
    fn lang(&self) -> diagnostics::Lang {
        diagnostics::Lang::from_code(&self.language)
    }

    /// The built-in simulator's address, in demo mode.
    fn demo_server(&self) -> Option<String> {
        self.sim.as_ref().map(|sim| sim.url())
    }

    /// Runs the checks of `doctor` on what this kiosk uses: the technician asked for
    /// them, on a screen that says so (busy meanwhile).
    async fn run_checks(&mut self, lang: diagnostics::Lang) -> Vec<diagnostics::Check> {
        // The rule `virtual_devices::attach` follows: "virtual", or no port in demo mode.
        let demo = matches!(self.config.backend, super::Backend::Demo(_));
        let made = |port: &str| port == crate::settings::VIRTUAL_PORT || (demo && port.is_empty());
        let settings = &self.config.settings;
        let running = diagnostics::Running {
            demo_server: self.demo_server(),
            printer: self.config.printer.as_ref().map(|p| diagnostics::InUse {
                port: p.port.clone(),
                made: made(&settings.printer.port),
            }),
            printer_report: self.printer_report.lock().ok().and_then(|r| r.clone()),
            scanner: self.config.scanner.as_ref().map(|s| diagnostics::InUse {
                port: s.port.clone(),
                made: made(&settings.scanner.port),
            }),
        };
        let settings = settings.clone();
        let file = self.config.settings_file.clone();
        let dir = self.config.data_dir.clone().unwrap_or_else(std::env::temp_dir);
        diagnostics::run(Device {
            settings: Ok(&settings),
            settings_file: file.as_deref(),
            data_dir: &dir,
            lang,
            running: Some(running),
        })
        .await
    }

    /// Writes the checks and the queue to the export directory, for support.
    pub(super) async fn export_diagnostics(&mut self) -> Result<(), Failure> {
        if self.role < Role::Technician {
            return self.ask_pin();
        }
        // Support reads English.
        let checks = self.run_checks(diagnostics::Lang::En).await;
        let dir = self
            .config
            .settings
            .kiosk
            .export_dir
            .clone()
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                self.config
                    .data_dir
                    .clone()
                    .unwrap_or_else(std::env::temp_dir)
                    .join("export")
            });
        let written = export(&dir, &checks, self.store.as_ref());
        let said = match written {
            Ok(path) => path.display().to_string(),
            Err(e) => format!("export failed: {e}"),
        };
        self.show_diagnostics(Some(said)).await
    }
}

/// The report and the queue, as JSON files in a folder named by the time.
fn export(
    dir: &std::path::Path,
    checks: &[diagnostics::Check],
    store: Option<&crate::offline::Store>,
) -> Result<std::path::PathBuf, String> {
    let folder = dir.join(format!("instore-{}", chrono::Utc::now().format("%Y%m%dT%H%M%SZ")));
    std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let report = serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "passed": diagnostics::all_passed(checks),
        "checks": checks,
    });
    let write = |name: &str, value: &serde_json::Value| {
        let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
        std::fs::write(folder.join(name), text).map_err(|e| format!("{name}: {e}"))
    };
    write("doctor.json", &report)?;
    // The kiosk logs to its service's journal: the last day of it, where there is one.
    let journal = std::process::Command::new("journalctl")
        .args(["-u", "instore-kiosk", "--no-pager", "--since", "-24h"])
        .output();
    let logs = match journal {
        Ok(out) if out.status.success() => out.stdout,
        Ok(out) => format!("journalctl failed: {}", String::from_utf8_lossy(&out.stderr)).into_bytes(),
        Err(e) => format!("no journal on this machine ({e}): the kiosk logs to its standard error").into_bytes(),
    };
    std::fs::write(folder.join("logs.txt"), logs).map_err(|e| format!("logs.txt: {e}"))?;
    if let Some(store) = store {
        let queue = crate::offline::queue::export(store).map_err(|e| e.to_string())?;
        write("queue.json", &queue)?;
    }
    Ok(folder)
}

/// The address of the interface this device uses toward the store server (no packet
/// is sent: a UDP socket is only connected), for the technician's screen. In demo mode
/// the server is on loopback: the interface of the default route then, the one a store
/// server would be reached through.
fn local_address(server: Option<&str>) -> String {
    let host = server
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
        .unwrap_or_else(|| "192.0.2.1:80".into());
    let Ok(socket) = std::net::UdpSocket::bind("0.0.0.0:0") else {
        return String::new();
    };
    use std::net::ToSocketAddrs;
    let Some(target) = host.to_socket_addrs().ok().and_then(|mut a| a.next()) else {
        return String::new();
    };
    match socket.connect(target).and_then(|()| socket.local_addr()) {
        Ok(local) => local.ip().to_string(),
        Err(_) => String::new(),
    }
}

impl Controller {
    /// A customer called staff (`true`), or staff came (`false`: a staff PIN, or the
    /// sale ended): the customer's screen says someone is coming, the kiosk's banner
    /// and the status endpoint tell staff.
    pub(super) fn call_staff(&mut self, called: bool) {
        if called == self.staff_called {
            return;
        }
        self.staff_called = called;
        if called {
            tracing::info!("a customer called staff");
        }
        self.emit(Update::StaffCalled(called));
    }
}

/// The staff's own screens: the PIN pad, the orders, the diagnostics.
pub(super) fn is_staff_view(view: &View) -> bool {
    matches!(
        view,
        View::Orders { .. }
            | View::DayClose { .. }
            | View::Return(_)
            | View::Diagnostics { .. }
            | View::NumberEntry {
                kind: EntryKind::Pin,
                ..
            }
    )
}

/// Where a staff screen's way back goes, by the sale's screen under it.
pub(super) fn back_to(view: &View) -> BackTo {
    match view {
        View::Welcome => BackTo::Start,
        View::Basket => BackTo::Basket,
        _ => BackTo::Sale,
    }
}

impl Controller {
    /// The way back from a staff screen: the sale under it, on the screen it was on
    /// (a payment step stays where it was, its poller still running).
    pub(super) fn close_staff_screen(&mut self) {
        let under = std::mem::replace(&mut self.sale, Sale::Basket).without_staff();
        let view = self.sale_view.borrow().clone();
        self.show(under, view);
    }
}
