//! The demo as a newcomer runs it, with the virtual printer and scanner the kiosk
//! makes on pseudo-terminals. A binary of its own: the `ui` binary's device tests
//! unplug pretend printers whose kiosk threads go on opening the freed
//! pseudo-terminal's path, and would take this test's virtual printer when the kernel
//! hands the same number out again.

#[path = "../common/mod.rs"]
#[allow(dead_code)]
mod common;
#[path = "../ui/harness.rs"]
#[allow(dead_code)]
mod harness;

use harness::*;
use instore_kiosk::ui::controller::Intent;
use instore_kiosk::ui::{CheckLevel, DiagnosticsAdapter, EntryKind, KioskAdapter, Language, Screen, StepAdapter};
use slint::{ComponentHandle, Model};
use std::time::Duration;

fn pin_pad(w: &instore_kiosk::ui::MainWindow) -> bool {
    kiosk_screen(w) == Screen::NumberEntry && w.global::<StepAdapter>().get_entry_kind() == EntryKind::Pin
}

/// A demo kiosk switched to Turkish: after a sale has printed on the virtual printer, the
/// technician's screen says so (not "none set"), names every check in Turkish and
/// speaks Turkish, and says the server is the simulator on this device.
#[test]
fn demo_diagnostics_report_the_virtual_printer_it_prints_on_in_the_screens_language() {
    let data = tempfile::tempdir().unwrap();
    let k = Kiosk::launch_as_demo(runtime(), settings_for(None), data.path().to_path_buf());
    k.wait("connected to the simulator", |w| {
        !w.global::<KioskAdapter>().get_server().is_empty()
    });
    k.sell_socks_on_delivery();
    let receipts = data.path().join("receipts");
    let drawn = std::time::Instant::now() + Duration::from_secs(90);
    let pngs = || {
        std::fs::read_dir(&receipts)
            .map(|d| {
                d.flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
                    .count()
            })
            .unwrap_or(0)
    };
    while pngs() == 0 && std::time::Instant::now() < drawn {
        std::thread::sleep(Duration::from_millis(100));
    }
    k.pump();
    assert_eq!(
        pngs(),
        1,
        "the virtual printer drew the receipt: {:?}, printer problem {:?}",
        std::fs::read_dir(data.path()).map(|d| d.flatten().map(|e| e.file_name()).collect::<Vec<_>>()),
        k.window.global::<KioskAdapter>().get_printer_problem()
    );

    // The customer switches the screens to Turkish; the technician comes.
    k.window.global::<KioskAdapter>().invoke_set_language(Language::Tr);
    k.send(Intent::ShowDiagnostics);
    k.wait("the PIN pad", pin_pad);
    k.send(Intent::Pin(instore_kiosk::ui::controller::DEMO_PIN.into()));
    k.wait("the diagnostics", |w| kiosk_screen(w) == Screen::Diagnostics);
    let adapter = k.window.global::<DiagnosticsAdapter>();
    let checks: Vec<(String, CheckLevel, String)> = adapter
        .get_checks()
        .iter()
        .map(|c| (c.name.to_string(), c.level, c.detail.to_string()))
        .collect();
    let row = |name: &str| {
        checks
            .iter()
            .find(|c| c.0 == name)
            .unwrap_or_else(|| panic!("no {name} row: {checks:?}"))
    };
    let printer = row("yazıcı");
    assert_eq!(printer.1, CheckLevel::Ok, "{printer:?}");
    assert!(
        printer.2.starts_with("sanal (demo için): şimdiye kadar 1 fiş basıldı"),
        "{printer:?}"
    );
    assert!(row("barkod okuyucu").2.starts_with("sanal:"), "{checks:?}");
    assert!(row("sunucu").2.contains("simülatör"), "{checks:?}");
    assert_eq!(row("ekran").1, CheckLevel::Ok, "the kiosk is on a display: {checks:?}");
    // Nothing left in English: no check's name is its English key, no sentence
    // carries an English word.
    for (name, _, detail) in &checks {
        for english in [
            "settings", "printer", "scanner", "clock", "database", "display", "speech",
        ] {
            assert_ne!(name, english, "{checks:?}");
        }
        for word in [" the ", " is ", " not ", " no ", "minutes"] {
            assert!(!detail.contains(word), "{name}: {detail}");
        }
    }
    assert!(adapter.get_demo(), "the subtitle says the server is the simulator");
    assert!(!adapter.get_address().is_empty());
}
