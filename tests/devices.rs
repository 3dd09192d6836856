//! The printer and the scanner through real pseudo-terminals: a test plays the device on
//! the terminal's other end, exactly as a receipt printer or scanner on a serial line.

mod common;

use common::escpos::decode;
use common::printer::{answering, terminal, Behaviour, FakePrinter, PAPER_END, PAPER_PRESENT};
use instore_kiosk::devices::printer::{self, Problem, Report};
use instore_kiosk::devices::{encoding, receipt};
use instore_kiosk::offline::Store;
use instore_kiosk::settings::PrinterSettings;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
    let bytes = encoding::encode(&sample, &PrinterSettings::default()).unwrap();
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
        "Ödeme: Kapıda ödeme",
        "Kapıda nakit",
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
    wait_for("the all-clear", 5, || {
        seen.lock().unwrap().last()
            == Some(&Report {
                problem: None,
                waiting: 0,
            })
    });
}

/// An order number whose digit pairs include 16 goes to the printer as a 0x10 byte
/// (CODE128 code set C); it is the order's barcode, not a status question, and the
/// receipt prints whole with its cut.
#[test]
fn an_order_number_with_the_digits_16_prints_its_barcode_whole() {
    let data = tempfile::tempdir().unwrap();
    let mut sample = receipt::sample("tr");
    sample.order_number = "2026111600016".into();
    let bytes = encoding::encode(&sample, &PrinterSettings::default()).unwrap();
    printer::enqueue(
        &mut Store::open(data.path()).unwrap(),
        "test",
        &sample.order_number,
        &bytes,
    )
    .unwrap();
    let (master, path) = terminal();
    let device = FakePrinter::start(master, answering());
    let (reporter, _seen) = reports();
    let _printer = printer::spawn(settings(&path), data.path().to_path_buf(), reporter);
    wait_for("the job printed", 10, || waiting_jobs(data.path()) == 0);
    let printed = decode(&device.bytes());
    assert_eq!(printed.barcodes, [sample.order_number]);
    assert_eq!(printed.cuts, 1);
}

#[test]
fn a_printer_unplugged_mid_receipt_prints_it_once_and_whole_when_it_is_back() {
    let data = tempfile::tempdir().unwrap();
    queue_sample(data.path());
    let whole = encoding::encode(&receipt::sample("tr"), &PrinterSettings::default()).unwrap();
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
    wait_for("the all-clear", 5, || {
        seen.lock()
            .unwrap()
            .last()
            .is_some_and(|r| r.problem.is_none() && r.waiting == 0)
    });
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
    wait_for("the all-clear", 5, || {
        seen.lock()
            .unwrap()
            .last()
            .is_some_and(|r| r.problem.is_none() && r.waiting == 0)
    });
}

/// Paper runs out in the middle of a receipt: the status after the job says so, so the
/// job is not done; with paper back it prints again, whole, from its first byte.
#[test]
fn paper_running_out_mid_receipt_prints_the_receipt_again_whole() {
    let data = tempfile::tempdir().unwrap();
    queue_sample(data.path());
    let (master, path) = terminal();
    let device = FakePrinter::start(
        master,
        Behaviour {
            paper_out_after: Some(200),
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
    assert_eq!(waiting_jobs(data.path()), 1, "half a receipt is not a printed receipt");
    assert_eq!(decode(&device.bytes()).cuts, 0);

    {
        let mut behaviour = device.behaviour.lock().unwrap();
        behaviour.paper_out_after = None;
        behaviour.paper = Some(PAPER_PRESENT);
    }
    wait_for("the job printed", 10, || waiting_jobs(data.path()) == 0);
    let printed = decode(&device.bytes());
    assert_eq!(printed.cuts, 1, "the whole receipt, once");
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
            paper_out_after: None,
        },
    );
    let (reporter, _seen) = reports();
    let _printer = printer::spawn(settings(&path), data.path().to_path_buf(), reporter);
    wait_for("the job printed", 10, || waiting_jobs(data.path()) == 0);
    wait_for("the cut", 5, || decode(&device.bytes()).cuts == 1);
}

const BIN: &str = env!("CARGO_BIN_EXE_instore-kiosk");

#[test]
fn devices_test_print_prints_every_turkish_letter_a_barcode_and_a_qr_code() {
    let (master, path) = terminal();
    let device = FakePrinter::start(master, answering());
    let data = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(BIN)
        .arg("--data-dir")
        .arg(data.path())
        .args(["devices", "test-print", "--port", &path, "--timeout", "10"])
        .env("INSTORE_LOG", "warn")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.starts_with("printed ") && stdout.contains("the line's own limit at 19200 baud"),
        "{stdout}"
    );
    let printed = decode(&device.bytes());
    let text = printed.text();
    for letter in receipt::TURKISH_LETTERS.chars() {
        assert!(text.contains(letter), "{letter} is missing from:\n{text}");
    }
    assert_eq!(printed.barcodes.len(), 1);
    assert_eq!(printed.qr_codes.len(), 1);
    assert_eq!(printed.cuts, 1);
}

#[test]
fn devices_test_print_names_a_port_that_is_not_there() {
    let data = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(BIN)
        .arg("--data-dir")
        .arg(data.path())
        .args([
            "devices",
            "test-print",
            "--port",
            "/dev/nonexistent-printer",
            "--timeout",
            "2",
        ])
        .env("INSTORE_LOG", "off")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the sample was not printed in 2 s") && stderr.contains("/dev/nonexistent-printer"),
        "{stderr}"
    );
}

/// `devices test-scan` on the device end of a terminal; the test is the scanner.
#[test]
fn devices_test_scan_prints_codes_once_and_drops_noise() {
    use std::io::BufRead;
    let (mut master, path) = terminal();
    let mut child = std::process::Command::new(BIN)
        .args(["devices", "test-scan", "--port", &path])
        .env("INSTORE_LOG", "off")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Scan a probe until the program answers: then its port is open.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let _ = master.write_all(b"1111\r"); // no reader yet: the line is "broken"
        if lines
            .recv_timeout(Duration::from_millis(300))
            .is_ok_and(|l| l == "1111")
        {
            break;
        }
        assert!(Instant::now() < deadline, "test-scan never read the probe");
    }
    master.write_all(b"8690000010011\r").unwrap();
    master.write_all(b"8690000010011\r\n").unwrap(); // the same code at once: counted once
    master.write_all(b"\x00\xff\x13garbage\x07\r").unwrap(); // noise
    master.write_all(&[b'9'; 300]).unwrap(); // an overlong line
    master.write_all(b"\r4006381333931\n").unwrap();
    let mut got = Vec::new();
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(3)) {
        got.push(line);
        if got.len() == 2 {
            break;
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    while let Ok(line) = lines.try_recv() {
        got.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    got.retain(|l| l != "1111");
    assert_eq!(got, ["8690000010011", "4006381333931"]);
}

#[test]
fn a_scanner_unplugged_and_plugged_in_again_reads_again() {
    use instore_kiosk::devices::scanner;
    use instore_kiosk::settings::ScannerSettings;
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("scanner");
    let (mut first, path) = terminal();
    std::os::unix::fs::symlink(&path, &link).unwrap();
    let (tx, codes) = std::sync::mpsc::channel();
    scanner::spawn(
        ScannerSettings {
            port: link.display().to_string(),
            ..Default::default()
        },
        Arc::new(move |code| {
            let _ = tx.send(code);
        }),
    );
    // Until the scanner thread has the port open, the line is "broken".
    let deadline = Instant::now() + Duration::from_secs(10);
    while first.write_all(b"8690000010011\r").is_err() {
        assert!(Instant::now() < deadline, "the scanner's port was never opened");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(codes.recv_timeout(Duration::from_secs(5)).unwrap(), "8690000010011");

    // Unplugged: the device end goes away. Plugged in again behind the same link.
    drop(first);
    std::thread::sleep(Duration::from_millis(300));
    let (mut second, path) = terminal();
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&path, &link).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while second.write_all(b"8690000010059\r").is_err() {
        assert!(Instant::now() < deadline, "the scanner's port was not reopened");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(codes.recv_timeout(Duration::from_secs(5)).unwrap(), "8690000010059");
}

#[test]
fn the_virtual_printer_writes_each_receipt_as_text_and_a_png_a_person_can_read() {
    let data = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(BIN)
        .arg("--data-dir")
        .arg(data.path())
        .args(["devices", "test-print", "--port", "virtual", "--timeout", "10"])
        .env("INSTORE_LOG", "warn")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let receipts = data.path().join("receipts");
    let text = std::fs::read_to_string(receipts.join("receipt-0001.txt")).unwrap();
    assert!(text.contains("Türkçe: ÇĞİÖŞÜ çğıöşü"), "{text}");
    assert!(text.contains("[barcode 2026112700042]"), "{text}");
    assert!(
        text.contains("[QR https://instore.example.com/orders/completed/test/]"),
        "{text}"
    );
    let png = image::open(receipts.join("receipt-0001.png")).unwrap().to_luma8();
    assert_eq!(png.width(), 576, "80 mm paper");
    // Ink on paper: a fair share of dark pixels, not a blank or black page.
    let dark = png.pixels().filter(|p| p.0[0] < 128).count() as f64 / (png.width() * png.height()) as f64;
    assert!((0.03..0.5).contains(&dark), "dark share {dark}");
}

/// Setup's test scan: one code read from the scanner's port with the scanner's rules
/// (noise before it is dropped), the port closed again; nothing in time is `None`.
#[test]
fn a_test_scan_reads_one_code_and_lets_the_port_go() {
    use instore_kiosk::devices::scanner;
    let (mut master, path) = terminal();
    let settings = instore_kiosk::settings::ScannerSettings {
        port: path.clone(),
        ..Default::default()
    };
    let writer = std::thread::spawn(move || {
        // Keep offering until the reader has the port open: a pty drops what nobody reads.
        for _ in 0..40 {
            let _ = master.write_all(b"\x00\xffnoise\x07\r8690000010059\r");
            std::thread::sleep(Duration::from_millis(50));
        }
        master
    });
    let read = scanner::read_one(&settings, Duration::from_secs(5)).unwrap();
    assert_eq!(read.as_deref(), Some("8690000010059"));
    let _master = writer.join().unwrap();
    // The port is free again: a second reader opens it, and hears nothing.
    assert_eq!(scanner::read_one(&settings, Duration::from_millis(300)).unwrap(), None);
}
