//! The printer and the scanner through real pseudo-terminals: a test plays the device on
//! the terminal's other end, exactly as a receipt printer or scanner on a serial line.

mod common;

use common::escpos::decode;
use instore_kiosk::devices::printer::{self, Problem, Report};
use instore_kiosk::devices::receipt;
use instore_kiosk::offline::Store;
use instore_kiosk::settings::PrinterSettings;
use serialport::{SerialPort, TTYPort};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the pretend printer answers `DLE EOT n`, and when it "loses power".
#[derive(Clone)]
struct Behaviour {
    /// The status byte for DLE EOT 1 (printer) and 4 (paper); `None` never answers.
    printer: Option<u8>,
    paper: Option<u8>,
    /// Hangs up after receiving this many job bytes.
    hang_up_after: Option<usize>,
}

const ONLINE: u8 = 0b0001_0010;
const PAPER_PRESENT: u8 = 0b0001_0010;
const PAPER_END: u8 = 0b0111_0010;

/// The device end of a pseudo-terminal, in a thread: answers status questions and
/// keeps every other byte it receives.
struct FakePrinter {
    received: Arc<Mutex<Vec<u8>>>,
    behaviour: Arc<Mutex<Behaviour>>,
    hung_up: Arc<std::sync::atomic::AtomicBool>,
}

impl FakePrinter {
    fn start(mut master: TTYPort, behaviour: Behaviour) -> FakePrinter {
        let received = Arc::new(Mutex::new(Vec::new()));
        let behaviour = Arc::new(Mutex::new(behaviour));
        let hung_up = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (r, b, h) = (received.clone(), behaviour.clone(), hung_up.clone());
        master.set_timeout(Duration::from_millis(20)).unwrap();
        std::thread::spawn(move || {
            let mut pending: Vec<u8> = Vec::new();
            let mut buf = [0u8; 512];
            loop {
                let n = match master.read(&mut buf) {
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::TimedOut => 0,
                    Err(_) => 0,
                };
                pending.extend_from_slice(&buf[..n]);
                // Status questions are answered at once; the rest is the job.
                let mut i = 0;
                while i < pending.len() {
                    if pending[i] == 0x10 {
                        if pending.len() < i + 3 {
                            break;
                        }
                        let behaviour = b.lock().unwrap().clone();
                        let answer = match pending[i + 2] {
                            1 => behaviour.printer,
                            4 => behaviour.paper,
                            _ => behaviour.printer,
                        };
                        if let Some(byte) = answer {
                            let _ = master.write_all(&[byte]);
                        }
                        i += 3;
                        continue;
                    }
                    let mut got = r.lock().unwrap();
                    got.push(pending[i]);
                    let limit = b.lock().unwrap().hang_up_after;
                    if limit.is_some_and(|l| got.len() >= l) {
                        h.store(true, std::sync::atomic::Ordering::SeqCst);
                        return; // drops the master: the line is gone
                    }
                    i += 1;
                }
                pending.drain(..i);
            }
        });
        FakePrinter {
            received,
            behaviour,
            hung_up,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        self.received.lock().unwrap().clone()
    }
}

fn answering() -> Behaviour {
    Behaviour {
        printer: Some(ONLINE),
        paper: Some(PAPER_PRESENT),
        hang_up_after: None,
    }
}

/// A pseudo-terminal; the kiosk opens the device end by its path (and locks it, as it
/// does a real port, so the test lets go of its own handle).
fn terminal() -> (TTYPort, String) {
    let (master, slave) = TTYPort::pair().expect("a pseudo-terminal");
    let path = slave.name().expect("the device end has a path");
    (master, path)
}

fn settings(port: &str) -> PrinterSettings {
    PrinterSettings {
        port: port.into(),
        status_timeout_ms: 200,
        ..Default::default()
    }
}

fn reports() -> (printer::Reporter, Arc<Mutex<Vec<Report>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let keep = seen.clone();
    (Arc::new(move |r: Report| keep.lock().unwrap().push(r)), seen)
}

fn wait_for(what: &str, seconds: u64, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !done() {
        assert!(Instant::now() < deadline, "waited {seconds} s for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn waiting_jobs(data: &std::path::Path) -> u32 {
    printer::waiting(&Store::open(data).unwrap()).unwrap()
}

fn queue_sample(data: &std::path::Path) -> receipt::Receipt {
    let sample = receipt::sample("tr");
    let bytes = receipt::encode(&sample, &PrinterSettings::default()).unwrap();
    let mut store = Store::open(data).unwrap();
    printer::enqueue(&mut store, "test", &sample.order_number, &bytes).unwrap();
    sample
}

#[test]
fn a_receipt_reads_back_with_its_turkish_letters_barcode_qr_code_and_cut() {
    let data = tempfile::tempdir().unwrap();
    let sample = queue_sample(data.path());
    let (master, path) = terminal();
    let device = FakePrinter::start(master, answering());
    let (reporter, seen) = reports();
    let _printer = printer::spawn(settings(&path), data.path().to_path_buf(), reporter);
    wait_for("the job printed", 10, || waiting_jobs(data.path()) == 0);

    let printed = decode(&device.bytes());
    assert_eq!(printed.code_pages, [13], "PC857 is selected: ESC t 13");
    let text = printed.text();
    for expected in [
        "Yazıcı deneme fişi",
        "ÇĞİÖŞÜ çğıöşü",
        "Türkçe: ÇĞİÖŞÜ çğıöşü",
        "Çorap 3'lü Paket",
        "  2 x 119,99 TL",
        "İpek Eşarp Desenli",
        "Ödeme: Kapıda ödeme (Tek çekim)",
        "Şimdi ödeyin, ğüşıöç İÇĞÜŞÖ",
    ] {
        assert!(text.contains(expected), "{expected:?} is not in:\n{text}");
    }
    assert!(
        text.lines()
            .any(|l| l.starts_with("TOPLAM") && l.ends_with("699,98 TL")),
        "{text}"
    );
    assert!(
        !text.contains('?') && !text.contains('\u{fffd}'),
        "nothing unprintable:\n{text}"
    );
    // Dots and dashes are plain ASCII on paper (escpos' PC857 table would move them).
    assert!(text.contains(&sample.printed_at), "{text}");
    assert!(text.contains(&"-".repeat(48)), "{text}");
    assert_eq!(printed.barcodes, [sample.order_number]);
    assert_eq!(printed.qr_codes, [sample.link.unwrap()]);
    assert_eq!(printed.cuts, 1);
    assert!(printed.unknown.is_empty(), "unknown commands: {:?}", printed.unknown);
    let last = seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        last,
        Report {
            problem: None,
            waiting: 0
        }
    );
}

#[test]
fn a_printer_unplugged_mid_receipt_prints_it_once_and_whole_when_it_is_back() {
    let data = tempfile::tempdir().unwrap();
    queue_sample(data.path());
    let whole = receipt::encode(&receipt::sample("tr"), &PrinterSettings::default()).unwrap();
    // The port is a link, as /dev/serial/by-id/... is: the device comes back behind it.
    let link = data.path().join("printer");
    let (master, path) = terminal();
    std::os::unix::fs::symlink(&path, &link).unwrap();
    let first = FakePrinter::start(
        master,
        Behaviour {
            hang_up_after: Some(300),
            ..answering()
        },
    );
    let (reporter, seen) = reports();
    let _printer = printer::spawn(settings(link.to_str().unwrap()), data.path().to_path_buf(), reporter);
    wait_for("the printer to go away mid-receipt", 10, || {
        first.hung_up.load(std::sync::atomic::Ordering::SeqCst)
    });
    wait_for("the clerk to be told", 10, || {
        seen.lock()
            .unwrap()
            .iter()
            .any(|r| matches!(r.problem, Some(Problem::Unreachable(_))) && r.waiting == 1)
    });
    assert_eq!(waiting_jobs(data.path()), 1, "the job is kept");
    let half = decode(&first.bytes());
    assert_eq!(half.cuts, 0, "the first printer got part of it");

    // Plugged in again.
    let (master, path) = terminal();
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&path, &link).unwrap();
    let second = FakePrinter::start(master, answering());
    wait_for("the job printed", 10, || waiting_jobs(data.path()) == 0);
    wait_for("every byte", 5, || second.bytes().len() >= whole.len());
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(second.bytes(), whole, "the whole receipt, once");
    assert_eq!(decode(&second.bytes()).cuts, 1);
    assert_eq!(seen.lock().unwrap().last().unwrap().problem, None);
}

#[test]
fn out_of_paper_keeps_the_job_tells_the_clerk_and_prints_when_paper_is_back() {
    let data = tempfile::tempdir().unwrap();
    queue_sample(data.path());
    let (master, path) = terminal();
    let device = FakePrinter::start(
        master,
        Behaviour {
            paper: Some(PAPER_END),
            ..answering()
        },
    );
    let (reporter, seen) = reports();
    let _printer = printer::spawn(settings(&path), data.path().to_path_buf(), reporter);
    wait_for("the paper-out report", 10, || {
        seen.lock()
            .unwrap()
            .iter()
            .any(|r| r.problem == Some(Problem::PaperOut) && r.waiting == 1)
    });
    std::thread::sleep(Duration::from_millis(1500));
    assert!(device.bytes().is_empty(), "nothing is printed without paper");
    assert_eq!(waiting_jobs(data.path()), 1);

    device.behaviour.lock().unwrap().paper = Some(PAPER_PRESENT);
    wait_for("the job printed", 10, || waiting_jobs(data.path()) == 0);
    assert_eq!(decode(&device.bytes()).cuts, 1);
    assert_eq!(seen.lock().unwrap().last().unwrap().problem, None);
}

#[test]
fn a_printer_that_never_answers_status_still_gets_the_receipt() {
    let data = tempfile::tempdir().unwrap();
    queue_sample(data.path());
    let (master, path) = terminal();
    let device = FakePrinter::start(
        master,
        Behaviour {
            printer: None,
            paper: None,
            hang_up_after: None,
        },
    );
    let (reporter, _seen) = reports();
    let _printer = printer::spawn(settings(&path), data.path().to_path_buf(), reporter);
    wait_for("the job printed", 10, || waiting_jobs(data.path()) == 0);
    wait_for("the cut", 5, || decode(&device.bytes()).cuts == 1);
}
