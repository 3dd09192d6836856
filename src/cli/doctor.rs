//! `instore-kiosk doctor [--json]`: the technicians' checks, printed in the shell's
//! language (`LANG`; `--json` keeps the checks' stable English names).

use instore_kiosk::diagnostics::{self, Device, Level};
use instore_kiosk::settings::Settings;
use std::path::Path;

/// Runs the checks and prints them; true when nothing failed.
pub fn run(
    settings: Result<&Settings, &String>,
    file: Option<&Path>,
    data_dir: &Path,
    json: bool,
) -> anyhow::Result<bool> {
    let device = Device {
        settings: settings.map_err(|e| e.to_string()),
        settings_file: file,
        data_dir,
        lang: diagnostics::Lang::from_env(),
        running: None,
    };
    let device_lang = device.lang;
    let checks = super::runtime()?.block_on(diagnostics::run(device));
    let passed = diagnostics::all_passed(&checks);
    if json {
        let report = serde_json::json!({
            "version": env!("CARGO_PKG_VERSION"),
            "passed": passed,
            "checks": checks,
        });
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for check in &checks {
            let level = match check.level {
                Level::Ok => "ok  ",
                Level::Warn => "warn",
                Level::Fail => "FAIL",
            };
            println!("{level}  {:<15} {}", check.check.title(device_lang), check.detail);
        }
    }
    Ok(passed)
}
