//! The command line: clap's top level and the dispatch. Each command's flags and
//! printing live in `cli/`, the work in the library.

mod cli;

use clap::{Parser, Subcommand};
use instore_kiosk::settings::Settings;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "instore-kiosk", version, about = "Checkout kiosk for Akinon Instore devices")]
struct Cli {
    /// Settings file (default: the standard config directory's instore-kiosk/settings.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Where local data lives (queued orders, print jobs, catalog copy).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Open the kiosk (the default) on the settings' commerce server. With no settings
    /// file at all (a developer's first run) it opens demo mode.
    Run(cli::run::RunArgs),
    /// Open the kiosk in demo mode: the built-in simulator, demo data kept apart.
    Demo(cli::run::MeasureArgs),
    /// Run the commerce simulator until interrupted.
    Sim(cli::sim::SimArgs),
    /// Run a whole checkout from the command line and print the order number.
    Checkout(Box<cli::checkout::CheckoutArgs>),
    /// Play the store's cash register: read the order of a barcode's number, and with
    /// `--pay` confirm its payment (to test a register integration on the simulator).
    Register(cli::register::RegisterArgs),
    /// Set the device up from a settings file (PINs in clear there): checks the server
    /// login and the ports, then writes it, PINs hashed, owner-only, to --config.
    Provision(cli::provision::ProvisionArgs),
    /// Check the device: settings, disk, database, clock, the server, the queue, the
    /// printer and scanner, each ok/warn/fail with what to do. Exit 0 when nothing fails.
    Doctor {
        /// One JSON document instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// The local copy of the catalog, for selling while the server is away.
    #[command(subcommand)]
    Catalog(cli::catalog::CatalogCommand),
    /// Orders taken while the server was away.
    #[command(subcommand)]
    Queue(cli::queue::QueueCommand),
    /// The receipt printer and the barcode scanner.
    #[command(subcommand)]
    Devices(cli::devices::DevicesCommand),
    /// The day's close figures since the last close (or --since): sales and returns by
    /// payment type from the server's orders, the queue's waiting orders apart, the cash
    /// expected in the till. Closes nothing.
    Report(cli::report::ReportArgs),
    /// Render every screen to PNG (both sizes, both languages) with simulator data.
    Screenshots {
        #[arg(long, default_value = "screenshots", value_name = "DIR")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let args = Cli::parse();
    cli::init_logging();
    // The settings file in use, if any: named, or found in the default place.
    let settings_file = args
        .config
        .clone()
        .or_else(|| Settings::default_path().filter(|p| p.exists()));
    let loaded = Settings::load(settings_file.as_deref(), instore_kiosk::devices::check_settings);
    let data_dir = args.data_dir.clone().unwrap_or_else(cli::default_data_dir);
    // Provisioning writes the settings file: it must not need a valid one first.
    if let Some(Command::Provision(provision)) = args.command {
        let target = args.config.clone();
        return match cli::runtime().and_then(|rt| rt.block_on(cli::provision::run(provision, target.as_deref()))) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    // The doctor reports a bad settings file as one of its checks, and goes on.
    if let Some(Command::Doctor { json }) = &args.command {
        let loaded = loaded.map_err(|e| e.to_string());
        return match cli::doctor::run(loaded.as_ref(), settings_file.as_deref(), &data_dir, *json) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(2)
            }
        };
    }
    // A device's settings file named but not written yet: setup opens on the screen.
    let missing = settings_file
        .as_ref()
        .is_some_and(|f| args.config.is_some() && !f.exists());
    let runs = matches!(args.command, None | Some(Command::Run(_)));
    let settings = match loaded {
        Ok(settings) => settings,
        Err(_) if missing && runs => Settings::default(),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if runs || matches!(args.command, Some(Command::Demo(_))) {
        instore_kiosk::ui::environment::prepare(&data_dir);
    }
    let outcome = match args.command.unwrap_or(Command::Run(Default::default())) {
        Command::Run(run) => cli::run::run(settings, run, data_dir, settings_file.as_deref()),
        Command::Demo(measure) => cli::run::demo(settings, measure, &data_dir),
        Command::Sim(args) => cli::runtime().and_then(|rt| rt.block_on(cli::sim::run(args))),
        Command::Register(args) => cli::runtime().and_then(|rt| rt.block_on(cli::register::run(args))),
        Command::Checkout(args) => {
            cli::runtime().and_then(|rt| rt.block_on(cli::checkout::run(settings, *args, &data_dir)))
        }
        Command::Catalog(command) => {
            cli::runtime().and_then(|rt| rt.block_on(cli::catalog::run(&settings, command, &data_dir)))
        }
        Command::Queue(command) => {
            cli::runtime().and_then(|rt| rt.block_on(cli::queue::run(&settings, command, &data_dir)))
        }
        Command::Devices(command) => cli::devices::run(&settings, command, &data_dir),
        Command::Report(args) => cli::runtime().and_then(|rt| rt.block_on(cli::report::run(&settings, args, &data_dir))),
        Command::Doctor { .. } | Command::Provision(_) => unreachable!("answered above"),
        Command::Screenshots { out } => instore_kiosk::ui::screenshots::render_all(&out).map(|rendered| {
            for file in rendered.files {
                println!("{}", file.display());
            }
        }),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
