//! Setting a device up on its screen: the form checked as a settings file is (the
//! rules, the server's sign-in, the ports), written owner-only with the PINs hashed.

use super::common::{EMAIL, PASSWORD};
use super::harness::*;
use instore_kiosk::settings::{Mode, Settings};
use instore_kiosk::sim::Scenario;
use instore_kiosk::ui::setup::{self, Form};
use instore_kiosk::ui::{KioskAdapter, MainWindow, Screen, SetupAdapter};
use slint::ComponentHandle;
use std::time::{Duration, Instant};

fn form(url: &str) -> Form {
    Form {
        url: url.into(),
        email: EMAIL.into(),
        password: PASSWORD.into(),
        self_service: true,
        portrait: true,
        language: "en".into(),
        header: "Corner Shop\nMain Street 1".into(),
        clerk_pin: "2580".into(),
        technician_pin: "97531".into(),
        ..Default::default()
    }
}

#[test]
fn setup_signs_in_checks_the_form_and_writes_private_settings() {
    use std::os::unix::fs::PermissionsExt;
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("settings.toml");
    let base = Settings::default();
    let refused = |f: Form| rt.block_on(setup::save(&f, &base, &target)).unwrap_err();

    assert!(refused(Form {
        url: String::new(),
        ..form(&sim.url())
    })
    .contains("commerce.url"));
    assert!(refused(Form {
        password: "wrong".into(),
        ..form(&sim.url())
    })
    .contains("login refused"));
    assert!(refused(Form {
        clerk_pin: "12".into(),
        ..form(&sim.url())
    })
    .contains("pins.clerk"));
    let unplugged = Form {
        printer_port: "/dev/ttyUSB-gone".into(),
        ..form(&sim.url())
    };
    assert!(refused(unplugged).contains("printer.port"));
    assert!(!target.exists(), "nothing written after a failure");

    let saved = rt.block_on(setup::save(&form(&sim.url()), &base, &target)).unwrap();
    assert_eq!(saved.kiosk.mode, Mode::SelfService);
    assert_eq!(saved.receipt.header, ["Corner Shop", "Main Street 1"]);
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let loaded = Settings::load(Some(&target), instore_kiosk::devices::check_settings).unwrap();
    assert!(instore_kiosk::pins::verify(
        "97531",
        loaded.pins.technician.as_deref().unwrap()
    ));
    assert!(!std::fs::read_to_string(&target).unwrap().contains("97531"));
}

/// The screen's own form, filled as a technician would, saved with its button.
#[test]
fn the_setup_screen_saves_what_was_typed() {
    platform();
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("etc").join("settings.toml");
    let window = MainWindow::new().unwrap();
    setup::show(&window, &Settings::default(), false);
    assert_eq!(window.global::<KioskAdapter>().get_screen(), Screen::Setup);
    setup::wire(
        &window,
        rt.handle().clone(),
        Settings::default(),
        target.clone(),
        dir.path().to_path_buf(),
        |_| {},
    );
    let a = window.global::<SetupAdapter>();
    a.set_url(sim.url().into());
    a.set_email(EMAIL.into());
    a.set_password(PASSWORD.into());
    a.set_technician_pin("97531".into());
    let save = i_slint_backend_testing::ElementHandle::find_by_accessible_label(&window, "Save and start")
        .next()
        .expect("a Save button");
    save.invoke_accessible_default_action();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !target.exists() {
        assert!(Instant::now() < deadline, "the settings were not written");
        std::thread::sleep(Duration::from_millis(20));
    }
    let loaded = Settings::load(Some(&target), instore_kiosk::devices::check_settings).unwrap();
    assert_eq!(loaded.commerce.url.as_deref(), Some(sim.url().as_str()));
    assert!(loaded.pins.technician.is_some());
}

/// The form's language is what a settings file says; with no file it is the one the
/// screens speak now (a kiosk switched to English does not offer Turkish as "current").
#[test]
fn setup_shows_the_files_language_else_the_one_on_screen() {
    platform();
    let window = MainWindow::new().unwrap();
    instore_kiosk::ui::set_language(&window, "en");
    let mut written = Settings::default();
    written.kiosk.language = "tr".into();
    setup::show(&window, &written, true);
    assert_eq!(
        window.global::<SetupAdapter>().get_language(),
        instore_kiosk::ui::Language::Tr
    );
    setup::show(&window, &Settings::default(), false);
    assert_eq!(
        window.global::<SetupAdapter>().get_language(),
        instore_kiosk::ui::Language::En
    );
}
