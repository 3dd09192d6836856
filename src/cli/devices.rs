//! `instore-kiosk devices`: the receipt printer and the barcode scanner.

use clap::Subcommand;
use instore_kiosk::settings::Settings;
use std::path::Path;
use std::time::Duration;

#[derive(Subcommand)]
pub enum DevicesCommand {
    /// The serial ports this machine has.
    List,
    /// Print a sample receipt (every Turkish letter, a barcode, a QR code), then cut.
    TestPrint {
        /// The printer's port; defaults to printer.port in the settings.
        #[arg(long, value_name = "PATH")]
        port: Option<String>,
        /// Defaults to printer.baud_rate.
        #[arg(long)]
        baud: Option<u32>,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
    },
    /// Print each code the scanner reads, one a line, until interrupted.
    TestScan {
        /// The scanner's port; defaults to scanner.port in the settings.
        #[arg(long, value_name = "PATH")]
        port: Option<String>,
        #[arg(long)]
        baud: Option<u32>,
    },
}

pub fn run(settings: &Settings, command: DevicesCommand, data_dir: &Path) -> anyhow::Result<()> {
    use instore_kiosk::devices::{check, scanner};
    match command {
        DevicesCommand::List => {
            let ports = check::ports()?;
            if ports.is_empty() {
                println!("no serial ports found");
            }
            for port in ports {
                println!("{}\t{}", port.name, port.kind);
            }
            Ok(())
        }
        DevicesCommand::TestPrint { port, baud, timeout } => {
            let mut printer = settings.printer.clone();
            printer.port = port.unwrap_or(printer.port);
            printer.baud_rate = baud.unwrap_or(printer.baud_rate);
            if printer.port == instore_kiosk::settings::VIRTUAL_PORT {
                let out = data_dir.join("receipts");
                println!("virtual printer: the receipt goes to {} as text and PNG", out.display());
            }
            let printed = check::test_print(printer, data_dir, Duration::from_secs(timeout), |problem| {
                eprintln!("waiting: {problem:?}")
            })?;
            println!(
                "printed {} bytes to {} in {:.1} ms (the line's own limit at {} baud: {:.1} ms)",
                printed.bytes,
                printed.port,
                printed.elapsed.as_secs_f64() * 1000.0,
                printed.baud_rate,
                printed.line_limit().as_secs_f64() * 1000.0
            );
            Ok(())
        }
        DevicesCommand::TestScan { port, baud } => {
            let mut scanner_settings = settings.scanner.clone();
            scanner_settings.port = port.unwrap_or(scanner_settings.port);
            scanner_settings.baud_rate = baud.unwrap_or(scanner_settings.baud_rate);
            if scanner_settings.port.is_empty() {
                anyhow::bail!("no scanner port: give --port PATH or set scanner.port");
            }
            eprintln!("reading codes from {}; Ctrl-C to stop", scanner_settings.port);
            let reader = scanner::spawn(
                scanner_settings,
                std::sync::Arc::new(|code| {
                    use std::io::Write;
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(out, "{code}");
                    let _ = out.flush();
                }),
            );
            let _ = reader.join();
            Ok(())
        }
    }
}
