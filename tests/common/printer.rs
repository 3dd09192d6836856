//! A pretend receipt printer on the other end of a real pseudo-terminal.

use serialport::{SerialPort, TTYPort};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the pretend printer answers `DLE EOT n`, and when it "loses power".
#[derive(Clone)]
pub struct Behaviour {
    /// The status byte for DLE EOT 1 (printer) and 4 (paper); `None` never answers.
    pub printer: Option<u8>,
    pub paper: Option<u8>,
    /// Hangs up after receiving this many job bytes.
    pub hang_up_after: Option<usize>,
    /// Runs out of paper after receiving this many job bytes: the paper answer turns
    /// to paper end, and the bytes after it are not printed.
    pub paper_out_after: Option<usize>,
}

pub const ONLINE: u8 = 0b0001_0010;
pub const PAPER_PRESENT: u8 = 0b0001_0010;
pub const PAPER_END: u8 = 0b0111_0010;

/// The device end of a pseudo-terminal, in a thread: answers status questions and
/// keeps every other byte it receives.
pub struct FakePrinter {
    received: Arc<Mutex<Vec<u8>>>,
    pub behaviour: Arc<Mutex<Behaviour>>,
    pub hung_up: Arc<std::sync::atomic::AtomicBool>,
}

impl FakePrinter {
    pub fn start(mut master: TTYPort, behaviour: Behaviour) -> FakePrinter {
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
                    // As a real printer does, only `DLE EOT n` (n 1 to 4) is a question: a
                    // lone 0x10 is job data (a CODE128 "{C" barcode sends the digits "16"
                    // as that byte), which a looser reading once ate with the two after it.
                    if pending[i] == 0x10 && pending.len() < i + 3 {
                        break;
                    }
                    if pending[i] == 0x10 && pending[i + 1] == 0x04 && (1..=4).contains(&pending[i + 2]) {
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
                    let paper_out_after = b.lock().unwrap().paper_out_after;
                    if paper_out_after.is_some_and(|l| got.len() >= l) {
                        b.lock().unwrap().paper = Some(PAPER_END);
                        i += 1;
                        continue;
                    }
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

    pub fn bytes(&self) -> Vec<u8> {
        self.received.lock().unwrap().clone()
    }
}

pub fn answering() -> Behaviour {
    Behaviour {
        printer: Some(ONLINE),
        paper: Some(PAPER_PRESENT),
        hang_up_after: None,
        paper_out_after: None,
    }
}

/// A pseudo-terminal; the kiosk opens the device end by its path (and locks it, as it
/// does a real port, so the test lets go of its own handle).
///
/// Never a path handed out before in this process: a test that unplugs its printer
/// frees the number while its kiosk's printer thread goes on opening that path, and
/// would take the printer of the next test given the same number. A pair that comes
/// back with a used number is kept open, unused, until the process ends.
pub fn terminal() -> (TTYPort, String) {
    static USED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    static KEPT: std::sync::Mutex<Vec<(TTYPort, TTYPort)>> = std::sync::Mutex::new(Vec::new());
    loop {
        let (master, slave) = TTYPort::pair().expect("a pseudo-terminal");
        let path = slave.name().expect("the device end has a path");
        let mut used = USED.lock().unwrap_or_else(|e| e.into_inner());
        if used.contains(&path) {
            KEPT.lock().unwrap_or_else(|e| e.into_inner()).push((master, slave));
            continue;
        }
        used.push(path.clone());
        return (master, path);
    }
}
