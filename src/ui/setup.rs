//! Setup on the device: the first start with a settings file named but not there (or
//! without a server) opens this form instead of a sale. It checks the account by
//! signing in, prints a test receipt on the chosen port, and writes the settings file
//! owner-only with the PINs hashed; then the kiosk starts selling on it.
//!
//! The form is plain data ([`Form`]) turned into settings and saved by functions that
//! know no window; the screen (`ui/pages/setup.slint`) only fills it and shows what
//! they answered.

use super::{MainWindow, Screen, SetupAdapter};
use crate::settings::{Layout, Mode, Settings};
use slint::ComponentHandle;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What the technician typed and chose.
#[derive(Debug, Clone, Default)]
pub struct Form {
    pub url: String,
    pub email: String,
    pub password: String,
    pub self_service: bool,
    pub portrait: bool,
    pub language: String,
    /// The receipt's header lines, one a line.
    pub header: String,
    pub printer_port: String,
    pub scanner_port: String,
    pub clerk_pin: String,
    pub technician_pin: String,
}

impl Form {
    /// The settings this form makes on top of `base` (PINs hashed), checked by the same
    /// rules as a settings file.
    pub fn settings(&self, base: &Settings) -> Result<Settings, String> {
        let mut settings = base.clone();
        let given = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        settings.commerce.url = Some(self.url.trim().to_string()).filter(|u| !u.is_empty());
        if settings.commerce.url.is_none() {
            return Err("commerce.url: the store server's address is required".into());
        }
        settings.commerce.email = given(&self.email);
        settings.commerce.password = Some(self.password.clone()).filter(|p| !p.is_empty());
        settings.kiosk.mode = if self.self_service {
            Mode::SelfService
        } else {
            Mode::Clerk
        };
        settings.kiosk.layout = if self.portrait {
            Layout::Portrait
        } else {
            Layout::Landscape
        };
        if !self.language.is_empty() {
            settings.kiosk.language = self.language.clone();
        }
        let header: Vec<String> = self.header.lines().filter_map(given).collect();
        if !header.is_empty() {
            settings.receipt.header = header;
        }
        settings.printer.port = self.printer_port.trim().to_string();
        settings.scanner.port = self.scanner_port.trim().to_string();
        settings.pins.clerk = given(&self.clerk_pin).or(settings.pins.clerk);
        settings.pins.technician = given(&self.technician_pin).or(settings.pins.technician);
        settings.pins.hash_clear()?;
        settings.validate()?;
        crate::devices::check_settings(&settings)?;
        Ok(settings)
    }
}

/// Signs in with the form's account: the server's answer, in its words.
pub async fn check_login(settings: &Settings) -> Result<String, String> {
    let url = settings.commerce.url.clone().unwrap_or_default();
    let mut config = crate::commerce::ClientConfig::new(&url).map_err(|e| e.to_string())?;
    config.connect_timeout = Duration::from_secs(10);
    config.request_timeout = Duration::from_secs(20);
    let client = crate::commerce::CommerceClient::new(config).map_err(|e| e.to_string())?;
    let email = settings.commerce.email.clone().unwrap_or_default();
    client
        .login(&email, settings.commerce.password.as_deref().unwrap_or_default())
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!("signed in as {email} at {url}"))
}

/// Checks the form (rules, sign-in, ports) and writes the settings to `target`,
/// owner-only. Nothing is written when a check fails.
pub async fn save(form: &Form, base: &Settings, target: &Path) -> Result<Settings, String> {
    let settings = form.settings(base)?;
    check_login(&settings).await?;
    for (name, port) in [
        ("printer.port", &settings.printer.port),
        ("scanner.port", &settings.scanner.port),
    ] {
        if crate::devices::check::port_missing(port) {
            return Err(format!("{name}: {port} is not there"));
        }
    }
    settings.write_private(target)?;
    Ok(settings)
}

/// The form as the screen holds it.
fn form_of(window: &MainWindow) -> Form {
    let a = window.global::<SetupAdapter>();
    Form {
        url: a.get_url().into(),
        email: a.get_email().into(),
        password: a.get_password().into(),
        self_service: a.get_self_service(),
        portrait: a.get_portrait(),
        language: super::language_code(a.get_language()).into(),
        header: a.get_header().into(),
        printer_port: a.get_printer_port().into(),
        scanner_port: a.get_scanner_port().into(),
        clerk_pin: a.get_clerk_pin().into(),
        technician_pin: a.get_technician_pin().into(),
    }
}

/// Fills the screen from `settings` and the ports found on this machine (by-id names
/// first: they survive a replug). The language is the settings' when they were
/// `written` to a file, else the one the screens speak now (the defaults say nothing).
pub fn show(window: &MainWindow, settings: &Settings, written: bool) {
    let a = window.global::<SetupAdapter>();
    a.set_url(settings.commerce.url.clone().unwrap_or_default().into());
    a.set_email(settings.commerce.email.clone().unwrap_or_default().into());
    a.set_self_service(settings.kiosk.mode == Mode::SelfService);
    a.set_portrait(settings.kiosk.layout == Layout::Portrait);
    let language = match written {
        true => super::language_of(&settings.kiosk.language),
        false => window.global::<super::KioskAdapter>().get_language(),
    };
    a.set_language(language);
    a.set_header(settings.receipt.header.join("\n").into());
    a.set_printer_port(settings.printer.port.clone().into());
    a.set_scanner_port(settings.scanner.port.clone().into());
    let mut ports: Vec<String> = crate::devices::check::ports()
        .unwrap_or_default()
        .into_iter()
        .map(|p| p.name)
        .collect();
    ports.sort_by_key(|p| !p.starts_with("/dev/serial/by-id/"));
    let ports: Vec<slint::SharedString> = ports.into_iter().map(Into::into).collect();
    a.set_ports(slint::ModelRc::new(slint::VecModel::from(ports)));
    a.set_message(Default::default());
    window.global::<super::KioskAdapter>().set_screen(Screen::Setup);
}

/// Connects the screen's buttons. `saved` runs on the UI thread with the settings once
/// they are written.
pub fn wire(
    window: &MainWindow,
    runtime: tokio::runtime::Handle,
    base: Settings,
    target: PathBuf,
    data_dir: PathBuf,
    saved: impl Fn(Settings) + Clone + Send + 'static,
) {
    let a = window.global::<SetupAdapter>();
    let weak = window.as_weak();
    // Every answer comes back to the screen the same way.
    let answer = {
        let weak = weak.clone();
        move |ok: bool, message: String| {
            let _ = weak.upgrade_in_event_loop(move |window| {
                let a = window.global::<SetupAdapter>();
                a.set_working(false);
                a.set_message_ok(ok);
                a.set_message(message.into());
            });
        }
    };
    let (w, rt, b, tell) = (weak.clone(), runtime.clone(), base.clone(), answer.clone());
    a.on_check_login(move || {
        let Some(window) = w.upgrade() else { return };
        window.global::<SetupAdapter>().set_working(true);
        let form = form_of(&window);
        let (base, tell) = (b.clone(), tell.clone());
        rt.spawn(async move {
            let outcome = match form.settings(&base) {
                Ok(settings) => check_login(&settings).await,
                Err(e) => Err(e),
            };
            match outcome {
                Ok(said) => tell(true, said),
                Err(e) => tell(false, e),
            }
        });
    });
    let (w, tell, printing) = (weak.clone(), answer.clone(), base.printer.clone());
    a.on_test_print(move || {
        let Some(window) = w.upgrade() else { return };
        window.global::<SetupAdapter>().set_working(true);
        let mut printer = printing.clone();
        printer.port = form_of(&window).printer_port;
        let (dir, tell) = (data_dir.clone(), tell.clone());
        std::thread::spawn(move || {
            match crate::devices::check::test_print(printer, &dir, Duration::from_secs(20), |_| {}) {
                Ok(done) => tell(
                    true,
                    format!("printed on {} in {:.1} s", done.port, done.elapsed.as_secs_f64()),
                ),
                Err(e) => tell(false, format!("{e:#}")),
            }
        });
    });
    let (w, tell, scanning) = (weak.clone(), answer.clone(), base.scanner.clone());
    a.on_test_scan(move || {
        let Some(window) = w.upgrade() else { return };
        let mut scanner = scanning.clone();
        scanner.port = form_of(&window).scanner_port;
        if scanner.port.is_empty() {
            tell(false, "no scanner port: a keyboard-wedge scanner needs none".into());
            return;
        }
        let a = window.global::<SetupAdapter>();
        a.set_working(true);
        a.set_message_ok(true);
        a.set_message(format!("scan a barcode on {} …", scanner.port).into());
        let tell = tell.clone();
        std::thread::spawn(
            move || match crate::devices::scanner::read_one(&scanner, Duration::from_secs(15)) {
                Ok(Some(code)) => tell(true, format!("read {code} on {}", scanner.port)),
                Ok(None) => tell(false, format!("nothing read on {} in 15 s", scanner.port)),
                Err(e) => tell(false, e),
            },
        );
    });
    let (w, rt, tell, b) = (weak, runtime, answer, base.clone());
    a.on_save(move || {
        let Some(window) = w.upgrade() else { return };
        window.global::<SetupAdapter>().set_working(true);
        let form = form_of(&window);
        let (base, target, tell, saved, back) = (b.clone(), target.clone(), tell.clone(), saved.clone(), w.clone());
        rt.spawn(async move {
            match save(&form, &base, &target).await {
                Ok(settings) => {
                    tell(true, format!("saved to {}", target.display()));
                    let _ = back.upgrade_in_event_loop(move |_| saved(settings));
                }
                Err(e) => tell(false, e),
            }
        });
    });
}

/// The device's first start: the setup form in its own window until the settings are
/// saved to `target`; then the saved settings (the caller starts selling on them).
/// `None` when the window was closed first.
pub fn run(base: Settings, target: PathBuf, data_dir: PathBuf) -> anyhow::Result<Option<Settings>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    super::select_display(base.kiosk.display)?;
    let window = MainWindow::new()?;
    super::prepare_window(&window, &base);
    show(&window, &base, target.exists());
    let done = std::sync::Arc::new(std::sync::Mutex::new(None));
    let keep = done.clone();
    wire(
        &window,
        runtime.handle().clone(),
        base,
        target,
        data_dir,
        move |settings| {
            if let Ok(mut slot) = keep.lock() {
                *slot = Some(settings);
            }
            let _ = slint::quit_event_loop();
        },
    );
    tracing::info!("no settings yet: the setup screen is open");
    window.run()?;
    let saved = done.lock().map(|mut s| s.take()).unwrap_or(None);
    Ok(saved)
}
