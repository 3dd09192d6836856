//! The technicians' checks of the counter's devices: which serial ports the machine
//! has, and a sample receipt sent through the kiosk's own printer code. The command
//! line (`devices list`, `devices test-print`) prints what these return.
//!
//! Not here: the scanner check, which is the scanner thread itself (`scanner::spawn`).

use super::printer::{self, Problem, Report};
use super::receipt;
use super::virtual_devices::VirtualPrinter;
use crate::settings::{PrinterSettings, VIRTUAL_PORT};
use std::path::Path;
use std::time::{Duration, Instant};

/// A serial port of this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// The device path to put in the settings.
    pub name: String,
    /// What it is: "USB vid:pid product", "PCI", "Bluetooth" or "serial".
    pub kind: String,
}

/// The serial ports this machine has.
pub fn ports() -> Result<Vec<Port>, serialport::Error> {
    Ok(serialport::available_ports()?
        .into_iter()
        .map(|port| {
            let kind = match port.port_type {
                serialport::SerialPortType::UsbPort(usb) => format!(
                    "USB {:04x}:{:04x} {}",
                    usb.vid,
                    usb.pid,
                    usb.product.unwrap_or_default()
                ),
                serialport::SerialPortType::PciPort => "PCI".into(),
                serialport::SerialPortType::BluetoothPort => "Bluetooth".into(),
                serialport::SerialPortType::Unknown => "serial".into(),
            };
            Port {
                name: port.port_name,
                kind: kind.trim().to_string(),
            }
        })
        .collect())
}

/// A sample receipt that printed.
#[derive(Debug, Clone)]
pub struct TestPrint {
    pub bytes: usize,
    /// The port it went to (a virtual printer's pseudo-terminal included).
    pub port: String,
    pub baud_rate: u32,
    /// From queueing the job to the printer's all-clear.
    pub elapsed: Duration,
}

impl TestPrint {
    /// The serial line's own limit for these bytes: 10 bits a byte at the baud rate.
    pub fn line_limit(&self) -> Duration {
        Duration::from_secs_f64(self.bytes as f64 * 10.0 / f64::from(self.baud_rate))
    }
}

/// A port the settings name that is not on this device: not empty (no device), not
/// `"virtual"` (the kiosk makes it at start), and no such path. What `provision`, Setup
/// and `doctor` refuse alike.
pub fn port_missing(port: &str) -> bool {
    !port.is_empty() && port != VIRTUAL_PORT && !Path::new(port).exists()
}

/// Prints the sample receipt (every Turkish letter, a barcode, a QR code) through the
/// kiosk's own printer thread, from a scratch queue, and waits for the printer's
/// all-clear. `port = "virtual"` prints to a virtual printer that writes the receipt
/// to `data_dir/receipts` as text and PNG. `on_problem` hears each new problem while
/// it waits (paper out, unreachable …).
pub fn test_print(
    mut settings: PrinterSettings,
    data_dir: &Path,
    timeout: Duration,
    mut on_problem: impl FnMut(&Problem),
) -> anyhow::Result<TestPrint> {
    if settings.port.is_empty() {
        anyhow::bail!("no printer port: give --port PATH or set printer.port");
    }
    let previews = data_dir.join("receipts");
    let previews_before = pngs(&previews);
    let mut virtual_printer = None;
    if settings.port == VIRTUAL_PORT {
        let printer = VirtualPrinter::start(&previews, settings.paper_width_mm)?;
        settings.port = printer.path.clone();
        virtual_printer = Some(printer);
    }
    let sample = receipt::sample("tr");
    let bytes = super::encoding::encode(&sample, &settings).map_err(anyhow::Error::msg)?;
    // A private scratch queue, removed when dropped: a predictable /tmp path could be a
    // link another user planted.
    let scratch = tempfile::Builder::new().prefix("instore-test-print-").tempdir()?;
    let elapsed = print_from(
        scratch.path(),
        &settings,
        &sample.order_number,
        &bytes,
        timeout,
        &mut on_problem,
    )?;
    // The virtual printer draws the preview on its own thread: let it finish.
    if virtual_printer.is_some() {
        let drawn = Instant::now() + Duration::from_secs(10);
        while pngs(&previews) == previews_before && Instant::now() < drawn {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    Ok(TestPrint {
        bytes: bytes.len(),
        port: settings.port,
        baud_rate: settings.baud_rate,
        elapsed,
    })
}

/// Queues `bytes` in a scratch store and runs the printer thread until the job is out.
fn print_from(
    scratch: &Path,
    settings: &PrinterSettings,
    reference: &str,
    bytes: &[u8],
    timeout: Duration,
    on_problem: &mut impl FnMut(&Problem),
) -> anyhow::Result<Duration> {
    let mut store = crate::offline::Store::open(scratch)?;
    printer::enqueue(&mut store, "test", reference, bytes)?;
    let (tx, rx) = std::sync::mpsc::channel();
    let started = Instant::now();
    let _handle = printer::spawn(
        settings.clone(),
        scratch.to_path_buf(),
        std::sync::Arc::new(move |report| {
            let _ = tx.send(report);
        }),
    );
    let deadline = started + timeout;
    let mut last_problem = None;
    loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Report {
                problem: None,
                waiting: 0,
            }) => return Ok(started.elapsed()),
            Ok(Report {
                problem: Some(problem), ..
            }) => {
                if last_problem.as_ref() != Some(&problem) {
                    on_problem(&problem);
                }
                last_problem = Some(problem);
            }
            Ok(_) => {}
            Err(_) => anyhow::bail!(
                "the sample was not printed in {} s: {}",
                timeout.as_secs(),
                last_problem.map_or("no answer".to_string(), |p| format!("{p:?}"))
            ),
        }
    }
}

/// How many PNG previews a folder holds.
fn pngs(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "png"))
                })
                .count()
        })
        .unwrap_or(0)
}
