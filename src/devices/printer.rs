//! Print jobs: kept in SQLite first, written to the printer's serial port, and marked
//! printed only once the printer has them.
//!
//! Before each job the printer is asked for its real-time status (`DLE EOT 1/2/4`): a
//! printer that is offline, out of paper or open keeps the job waiting and the clerk
//! is told why. A printer that answers status is asked again after the job: the answer
//! comes after every byte before it, so it proves the printer received the job. A
//! printer that never answers is trusted once the port has drained. A port that fails
//! (unplugged, powered off) is closed and reopened every second; the whole job is sent
//! again, beginning with `ESC @`, which discards anything half received.

use crate::offline::store::{Result as StoreResult, Store};
use crate::settings::{FlowControl, PrinterSettings};
use escpos::utils::{RealTimeStatusRequest, RealTimeStatusResponse};
use rusqlite::{params, OptionalExtension};
use serialport::SerialPort;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A job as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub reference: String,
    pub bytes: Vec<u8>,
    pub attempts: u32,
    pub printed_at: Option<String>,
}

/// Printed jobs kept for reprinting; older ones are removed.
const KEEP_PRINTED: i64 = 20;

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn row_to_job(row: &rusqlite::Row) -> rusqlite::Result<Job> {
    Ok(Job {
        id: row.get("id")?,
        kind: row.get("kind")?,
        reference: row.get("reference")?,
        bytes: row.get("bytes")?,
        attempts: row.get("attempts")?,
        printed_at: row.get("printed_at")?,
    })
}

/// Stores a job; it is durable when this returns.
pub fn enqueue(store: &mut Store, kind: &str, reference: &str, bytes: &[u8]) -> StoreResult<i64> {
    store.write(|tx| {
        tx.execute(
            "INSERT INTO print_jobs (kind, reference, bytes, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![kind, reference, bytes, now()],
        )?;
        Ok(tx.last_insert_rowid())
    })
}

/// The oldest job not printed yet.
pub fn next(store: &Store) -> StoreResult<Option<Job>> {
    store.read(|db| {
        db.query_row(
            "SELECT * FROM print_jobs WHERE printed_at IS NULL ORDER BY id LIMIT 1",
            [],
            row_to_job,
        )
        .optional()
    })
}

pub fn waiting(store: &Store) -> StoreResult<u32> {
    store.read(|db| {
        db.query_row("SELECT COUNT(*) FROM print_jobs WHERE printed_at IS NULL", [], |r| {
            r.get(0)
        })
    })
}

pub fn all(store: &Store) -> StoreResult<Vec<Job>> {
    store.read(|db| {
        let mut query = db.prepare("SELECT * FROM print_jobs ORDER BY id")?;
        let rows = query.query_map([], row_to_job)?;
        rows.collect()
    })
}

fn mark_printed(store: &mut Store, id: i64) -> StoreResult<()> {
    store.write(|tx| {
        tx.execute(
            "UPDATE print_jobs SET printed_at = ?2, attempts = attempts + 1 WHERE id = ?1",
            params![id, now()],
        )?;
        tx.execute(
            "DELETE FROM print_jobs WHERE printed_at IS NOT NULL AND id NOT IN
                (SELECT id FROM print_jobs WHERE printed_at IS NOT NULL ORDER BY id DESC LIMIT ?1)",
            [KEEP_PRINTED],
        )?;
        Ok(())
    })
}

fn mark_failed(store: &mut Store, id: i64, error: &str) -> StoreResult<()> {
    store.write(|tx| {
        tx.execute(
            "UPDATE print_jobs SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
            params![id, error],
        )?;
        Ok(())
    })
}

/// Queues the last printed customer receipt again; `None` when there is none.
pub fn reprint_last(store: &mut Store) -> StoreResult<Option<i64>> {
    let last: Option<(String, Vec<u8>)> = store.read(|db| {
        db.query_row(
            "SELECT reference, bytes FROM print_jobs WHERE kind IN ('receipt', 'reprint')
                ORDER BY printed_at IS NULL, id DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
    })?;
    match last {
        Some((reference, bytes)) => Ok(Some(enqueue(store, "reprint", &reference, &bytes)?)),
        None => Ok(None),
    }
}

/// What keeps the printer from printing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The port cannot be opened or written: unplugged, powered off, wrong path.
    Unreachable(String),
    PaperOut,
    CoverOpen,
    /// The printer says it is offline, for a reason it does not name.
    Offline,
    /// The job could not be kept or read (the database).
    Storage(String),
}

/// The printer as the clerk should know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub problem: Option<Problem>,
    /// Jobs not printed yet.
    pub waiting: u32,
}

pub type Reporter = Arc<dyn Fn(Report) + Send + Sync>;

/// Wakes the printer thread when a job is queued.
#[derive(Clone)]
pub struct PrinterHandle {
    nudge: mpsc::Sender<()>,
}

impl PrinterHandle {
    pub fn nudge(&self) {
        let _ = self.nudge.send(());
    }
}

/// Opens a serial port the way the printer and the scanner need it.
pub fn open_port(
    path: &str,
    baud: u32,
    flow: FlowControl,
    timeout: Duration,
) -> serialport::Result<Box<dyn SerialPort>> {
    serialport::new(path, baud)
        .flow_control(match flow {
            FlowControl::None => serialport::FlowControl::None,
            FlowControl::Software => serialport::FlowControl::Software,
            FlowControl::Hardware => serialport::FlowControl::Hardware,
        })
        .timeout(timeout)
        .open()
}

/// What the printer says when asked, for the technicians' checks (`doctor`).
#[derive(Debug, PartialEq)]
pub enum Probe {
    Ready,
    /// It does not answer status questions (many cheap printers); it may still print.
    Silent,
    Blocked(Problem),
}

/// Opens the printer's port and asks its status once, as the printer thread does
/// before each job. An error says why the port could not be asked (missing, in use).
pub fn probe(settings: &PrinterSettings) -> Result<Probe, String> {
    let mut port = open_port(
        &settings.port,
        settings.baud_rate,
        settings.flow_control,
        Duration::from_millis(200),
    )
    .map_err(|e| e.to_string())?;
    match status(port.as_mut(), Duration::from_millis(800)).map_err(|e| e.to_string())? {
        Status::Ready => Ok(Probe::Ready),
        Status::Silent => Ok(Probe::Silent),
        Status::Blocked(problem) => Ok(Probe::Blocked(problem)),
    }
}

/// How a status question was answered.
#[derive(Debug, PartialEq)]
enum Status {
    Ready,
    /// Nothing came back in time: this printer does not answer status.
    Silent,
    /// It answered, and something keeps it from printing.
    Blocked(Problem),
}

fn ask(port: &mut dyn SerialPort, request: RealTimeStatusRequest, wait: Duration) -> std::io::Result<Option<u8>> {
    let (n, _) = <(u8, u8)>::from(request);
    port.write_all(&[0x10, 0x04, n])?;
    port.flush()?;
    let deadline = Instant::now() + wait;
    let mut byte = [0u8; 1];
    while Instant::now() < deadline {
        match port.read(&mut byte) {
            // A status byte has the fixed pattern 0xx1xx10; anything else is not one.
            Ok(1) if byte[0] & 0b1001_0011 == 0b0001_0010 => return Ok(Some(byte[0])),
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

fn status(port: &mut dyn SerialPort, wait: Duration) -> std::io::Result<Status> {
    let _ = port.clear(serialport::ClearBuffer::Input);
    let Some(printer) = ask(port, RealTimeStatusRequest::Printer, wait)? else {
        return Ok(Status::Silent);
    };
    let flag = |request, byte, what| {
        RealTimeStatusResponse::parse(request, byte)
            .ok()
            .and_then(|m| m.get(&what).copied())
    };
    if let Some(paper) = ask(port, RealTimeStatusRequest::RollPaperSensor, wait)? {
        if flag(
            RealTimeStatusRequest::RollPaperSensor,
            paper,
            RealTimeStatusResponse::RollPaperEndSensorPaperPresent,
        ) == Some(false)
        {
            return Ok(Status::Blocked(Problem::PaperOut));
        }
    }
    if flag(RealTimeStatusRequest::Printer, printer, RealTimeStatusResponse::Online) == Some(false) {
        if let Some(cause) = ask(port, RealTimeStatusRequest::OfflineCause, wait)? {
            let closed = flag(
                RealTimeStatusRequest::OfflineCause,
                cause,
                RealTimeStatusResponse::CoverClosed,
            );
            let paper_end = flag(
                RealTimeStatusRequest::OfflineCause,
                cause,
                RealTimeStatusResponse::PrintingStopsDueToPaperEnd,
            );
            if paper_end == Some(true) {
                return Ok(Status::Blocked(Problem::PaperOut));
            }
            if closed == Some(false) {
                return Ok(Status::Blocked(Problem::CoverOpen));
            }
        }
        return Ok(Status::Blocked(Problem::Offline));
    }
    Ok(Status::Ready)
}

/// Writes the job in pieces, so a port that stalls is noticed mid-job.
fn send(port: &mut dyn SerialPort, bytes: &[u8]) -> std::io::Result<()> {
    for chunk in bytes.chunks(256) {
        port.write_all(chunk)?;
    }
    port.flush()
}

/// Starts the printer thread: it prints every waiting job, oldest first, and reports
/// the printer's state after each change.
pub fn spawn(settings: PrinterSettings, data_dir: PathBuf, report: Reporter) -> PrinterHandle {
    let (nudge, wake) = mpsc::channel();
    std::thread::Builder::new()
        .name("printer".into())
        .spawn(move || run(settings, data_dir, report, wake))
        .expect("a thread starts");
    PrinterHandle { nudge }
}

fn run(settings: PrinterSettings, data_dir: PathBuf, report: Reporter, wake: mpsc::Receiver<()>) {
    let retry = Duration::from_secs(1);
    let wait = Duration::from_millis(settings.status_timeout_ms);
    let mut store = loop {
        match Store::open(&data_dir) {
            Ok(store) => break store,
            Err(e) => {
                report(Report {
                    problem: Some(Problem::Storage(e.to_string())),
                    waiting: 0,
                });
                if matches!(
                    wake.recv_timeout(Duration::from_secs(30)),
                    Err(mpsc::RecvTimeoutError::Disconnected)
                ) {
                    return;
                }
            }
        }
    };
    let mut port: Option<Box<dyn SerialPort>> = None;
    let mut answers_status = false;
    let mut last: Option<Report> = None;
    let mut tell = |problem: Option<Problem>, store: &Store| {
        let now = Report {
            problem,
            waiting: waiting(store).unwrap_or(0),
        };
        if last.as_ref() != Some(&now) {
            match &now.problem {
                Some(problem) => tracing::warn!(?problem, waiting = now.waiting, "printer"),
                None => tracing::info!(waiting = now.waiting, "printer ready"),
            }
            report(now.clone());
            last = Some(now);
        }
    };
    loop {
        let job = match next(&store) {
            Ok(job) => job,
            Err(e) => {
                tell(Some(Problem::Storage(e.to_string())), &store);
                None
            }
        };
        let Some(job) = job else {
            tell(None, &store);
            match wake.recv_timeout(Duration::from_secs(5)) {
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
                _ => continue,
            }
        };
        let pause =
            |wake: &mpsc::Receiver<()>| matches!(wake.recv_timeout(retry), Err(mpsc::RecvTimeoutError::Disconnected));
        if port.is_none() {
            match open_port(&settings.port, settings.baud_rate, settings.flow_control, wait) {
                Ok(opened) => port = Some(opened),
                Err(e) => {
                    tell(Some(Problem::Unreachable(format!("{}: {e}", settings.port))), &store);
                    if pause(&wake) {
                        return;
                    }
                    continue;
                }
            }
        }
        let open = port.as_mut().expect("opened above");
        match status(open.as_mut(), wait) {
            Ok(Status::Blocked(problem)) => {
                answers_status = true;
                tell(Some(problem), &store);
                if pause(&wake) {
                    return;
                }
                continue;
            }
            Ok(Status::Ready) => answers_status = true,
            Ok(Status::Silent) => {}
            Err(e) => {
                port = None;
                tell(Some(Problem::Unreachable(format!("{}: {e}", settings.port))), &store);
                continue;
            }
        }
        let started = Instant::now();
        let sent = send(open.as_mut(), &job.bytes).and_then(|()| {
            // The answer to a status question comes after every byte before it; what it
            // says counts too: paper that ran out mid-receipt means half a receipt.
            if answers_status {
                match status(open.as_mut(), wait.max(Duration::from_secs(2)))? {
                    Status::Ready => Ok(None),
                    Status::Blocked(problem) => Ok(Some(problem)),
                    Status::Silent => Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the printer did not confirm the job",
                    )),
                }
            } else {
                Ok(None)
            }
        });
        match sent {
            Ok(Some(problem)) => {
                tracing::warn!(
                    job = job.id,
                    ?problem,
                    "the printer stopped during the job; it prints again whole"
                );
                let _ = mark_failed(&mut store, job.id, &format!("{problem:?} during the job"));
                tell(Some(problem), &store);
                if pause(&wake) {
                    return;
                }
            }
            Ok(None) => {
                tracing::info!(
                    job = job.id,
                    reference = %job.reference,
                    bytes = job.bytes.len(),
                    ms = started.elapsed().as_millis() as u64,
                    "printed"
                );
                if let Err(e) = mark_printed(&mut store, job.id) {
                    // Printed, but not recorded: better a second slip than a lost one.
                    tracing::error!(job = job.id, error = %e, "printed, but not recorded as printed");
                    tell(Some(Problem::Storage(e.to_string())), &store);
                    if pause(&wake) {
                        return;
                    }
                }
            }
            Err(e) => {
                tracing::warn!(job = job.id, error = %e, "the job did not reach the printer; it stays queued");
                let _ = mark_failed(&mut store, job.id, &e.to_string());
                port = None;
                tell(Some(Problem::Unreachable(format!("{}: {e}", settings.port))), &store);
                if pause(&wake) {
                    return;
                }
            }
        }
    }
}
