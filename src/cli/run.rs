//! `instore-kiosk run` (the default): the kiosk's window.

use clap::Args;
use instore_kiosk::settings::Settings;
use std::path::PathBuf;

#[derive(Args, Default)]
pub struct RunArgs {
    /// Use this commerce server instead of the one in settings.
    #[arg(long, value_name = "URL")]
    pub commerce_url: Option<String>,
    /// Print the time to the first frame and exit (for the start-up benchmark).
    #[arg(long, hide = true)]
    pub exit_after_first_frame: bool,
    /// Make one demo cash-register sale, print memory and exit (for the benchmark).
    #[arg(long, hide = true)]
    pub bench_sale: bool,
}

/// Opens the kiosk; the hidden flags make it a benchmark.
pub fn run(settings: Settings, args: RunArgs, data_dir: PathBuf) -> anyhow::Result<()> {
    let measure = match (args.exit_after_first_frame, args.bench_sale) {
        (true, _) => instore_kiosk::ui::Measure::FirstFrame,
        (_, true) => instore_kiosk::ui::Measure::Sale,
        _ => instore_kiosk::ui::Measure::Nothing,
    };
    if let Some(url) = &args.commerce_url {
        instore_kiosk::settings::check_server_url(url).map_err(|e| anyhow::anyhow!("--commerce-url: {e}"))?;
    }
    instore_kiosk::ui::run_kiosk(settings, args.commerce_url, Some(data_dir), measure)
}
