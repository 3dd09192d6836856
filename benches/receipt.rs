//! Time to send a receipt: from the job being queued to its last byte (the cut) at the
//! printer's end of a pseudo-terminal, through the kiosk's own printer thread. Printed
//! next to the line's own limit, bytes × 10 / baud (8 data bits, a start and a stop
//! bit). A pseudo-terminal has no baud rate, so the measured time is the kiosk's own
//! cost (queue, status question, write, confirmation); on a real line, add the limit.
//!
//! Run: `cargo bench --bench receipt`.

use instore_kiosk::devices::{encoding, printer, receipt};
use instore_kiosk::offline::Store;
use instore_kiosk::settings::PrinterSettings;
use serialport::{SerialPort, TTYPort};
use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn run(answers_status: bool, rounds: usize) {
    let (mut master, slave) = TTYPort::pair().expect("a pseudo-terminal");
    let path = slave.name().expect("a path");
    drop(slave);
    master.set_timeout(Duration::from_millis(5)).unwrap();
    let (cut_tx, cuts) = mpsc::channel::<Instant>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let mut tail: Vec<u8> = Vec::new();
        loop {
            let n = master.read(&mut buf).unwrap_or_default();
            tail.extend_from_slice(&buf[..n]);
            let mut i = 0;
            while i + 2 < tail.len() {
                if tail[i] == 0x10 && tail[i + 1] == 0x04 {
                    if answers_status {
                        let _ = master.write_all(&[0x12]);
                    }
                    i += 3;
                } else if tail[i] == 0x1d && tail[i + 1] == b'V' {
                    let _ = cut_tx.send(Instant::now());
                    i += 3;
                } else {
                    i += 1;
                }
            }
            tail.drain(..i);
        }
    });
    let data = tempfile::tempdir().unwrap();
    let settings = PrinterSettings {
        port: path,
        status_timeout_ms: 100,
        ..Default::default()
    };
    let bytes = encoding::encode(&receipt::sample("tr"), &settings).unwrap();
    let handle = printer::spawn(settings, data.path().to_path_buf(), std::sync::Arc::new(|_| {}));
    let mut store = Store::open(data.path()).unwrap();
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = Instant::now();
        printer::enqueue(&mut store, "receipt", "2026112700042", &bytes).unwrap();
        handle.nudge();
        let done = cuts.recv_timeout(Duration::from_secs(10)).expect("the receipt arrives");
        times.push(done.duration_since(started));
        // Let the printer thread record it before the next.
        while printer::waiting(&store).unwrap() > 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "printer {} status: {} bytes, {} receipts: median {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        if answers_status { "answering" } else { "not answering" },
        bytes.len(),
        rounds,
        ms(times[rounds / 2]),
        ms(times[(rounds * 99 / 100).min(rounds - 1)]),
        ms(times[rounds - 1])
    );
    if answers_status {
        for baud in [9_600u32, 19_200, 38_400, 115_200] {
            println!(
                "  the line's own limit at {baud:>6} baud: {:.1} ms",
                bytes.len() as f64 * 10.0 / f64::from(baud) * 1000.0
            );
        }
    }
}

fn main() {
    run(true, 200);
    // A printer that never answers status: the job ends once the port has drained.
    run(false, 200);
}
