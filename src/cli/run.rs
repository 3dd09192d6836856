//! `instore-kiosk run` (the default) and `instore-kiosk demo`: the kiosk's window,
//! selling on the commerce server of the settings, or in demo mode against the built-in
//! simulator. Demo mode is never a fallback for a device: a settings file without a
//! server is an error, and demo data lives in a directory of its own.

use clap::Args;
use instore_kiosk::settings::Settings;
use instore_kiosk::ui::Measure;
use std::path::{Path, PathBuf};

#[derive(Args, Default)]
pub struct RunArgs {
    /// Use this commerce server instead of the one in settings.
    #[arg(long, value_name = "URL")]
    pub commerce_url: Option<String>,
    #[command(flatten)]
    pub measure: MeasureArgs,
}

/// The hidden measuring modes (for `scripts/measure-kiosk.sh`).
#[derive(Args, Default)]
pub struct MeasureArgs {
    /// Print the time to the first frame and exit (for the start-up benchmark).
    #[arg(long, hide = true)]
    pub exit_after_first_frame: bool,
    /// Make one demo cash-register sale, print memory and exit (for the benchmark).
    #[arg(long, hide = true)]
    pub bench_sale: bool,
}

impl MeasureArgs {
    fn measure(&self) -> Measure {
        match (self.exit_after_first_frame, self.bench_sale) {
            (true, _) => Measure::FirstFrame,
            (_, true) => Measure::Sale,
            _ => Measure::Nothing,
        }
    }
}

/// Opens the kiosk on the settings' commerce server. Without one, only a developer's
/// first run (no settings file named, none in the default place) opens demo mode.
pub fn run(settings: Settings, args: RunArgs, data_dir: PathBuf, settings_file: Option<&Path>) -> anyhow::Result<()> {
    if let Some(url) = &args.commerce_url {
        instore_kiosk::settings::check_server_url(url).map_err(|e| anyhow::anyhow!("--commerce-url: {e}"))?;
    }
    let has_server = args.commerce_url.is_some() || settings.commerce.url.is_some();
    match (has_server, settings_file) {
        (true, file) => instore_kiosk::ui::run_kiosk(
            settings,
            args.commerce_url,
            Some(data_dir),
            file.map(Path::to_path_buf),
            args.measure.measure(),
        ),
        // A device without a server yet: setup on the screen, then the sale.
        (false, Some(file)) => {
            tracing::warn!(file = %file.display(), "commerce.url is not set: opening setup");
            let not_set = format!(
                "{}: commerce.url is not set, so there is no commerce server to sell on; set it (README, \
                 Settings, or the setup screen), or run `instore-kiosk demo` to try the kiosk against the \
                 built-in simulator",
                file.display()
            );
            match instore_kiosk::ui::setup::run(settings, file.to_path_buf(), data_dir.clone()) {
                Ok(Some(settings)) => instore_kiosk::ui::run_kiosk(
                    settings,
                    None,
                    Some(data_dir),
                    Some(file.to_path_buf()),
                    args.measure.measure(),
                ),
                Ok(None) => anyhow::bail!("{not_set}; setup was closed"),
                Err(e) => anyhow::bail!("{not_set}; the setup screen could not open ({e:#})"),
            }
        }
        (false, None) => demo(settings, args.measure, &data_dir),
    }
}

/// Demo mode: the built-in simulator, with demo data in `DATA/demo`, never the device's.
pub fn demo(mut settings: Settings, measure: MeasureArgs, data_dir: &Path) -> anyhow::Result<()> {
    settings.commerce.url = None;
    let demo_data = data_dir.join("demo");
    tracing::info!(data = %demo_data.display(), "demo mode: the built-in simulator, demo data kept apart");
    instore_kiosk::ui::run_kiosk(settings, None, Some(demo_data), None, measure.measure())
}
