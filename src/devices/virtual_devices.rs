//! Devices without hardware, through pseudo-terminals: the kiosk opens the device end
//! by its path and runs exactly the serial code it runs on a real port.
//!
//! The virtual printer answers status questions as a healthy printer does and writes
//! each receipt it gets as text and as a PNG preview. The virtual scanner forwards what
//! is written into a named pipe, so a person can "scan" with
//! `echo 8690000010011 > <data dir>/virtual-scanner`.

use serialport::{SerialPort, TTYPort};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A printer on a pseudo-terminal that keeps what it prints in `out_dir`.
pub struct VirtualPrinter {
    pub path: String,
    pub out_dir: PathBuf,
}

impl VirtualPrinter {
    pub fn start(out_dir: &Path, paper_width_mm: u32) -> std::io::Result<VirtualPrinter> {
        std::fs::create_dir_all(out_dir)?;
        let (mut master, slave) = TTYPort::pair().map_err(std::io::Error::other)?;
        let path = slave
            .name()
            .ok_or_else(|| std::io::Error::other("the pseudo-terminal has no name"))?;
        // The kiosk locks the port as it would a real one; this end lets go of it.
        drop(slave);
        master
            .set_timeout(Duration::from_millis(100))
            .map_err(std::io::Error::other)?;
        let dir = out_dir.to_path_buf();
        let columns = super::encoding::columns(paper_width_mm);
        let width = if paper_width_mm == 58 { 384 } else { 576 };
        std::thread::Builder::new().name("virtual-printer".into()).spawn(move || {
            let mut pending: Vec<u8> = Vec::new();
            let mut buf = [0u8; 1024];
            let mut count = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0) / 2;
            loop {
                let n = match master.read(&mut buf) {
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::TimedOut => 0,
                    // Nobody has the device end open yet (or any more).
                    Err(_) => {
                        std::thread::sleep(Duration::from_millis(100));
                        0
                    }
                };
                for &byte in &buf[..n] {
                    pending.push(byte);
                }
                // Status questions: online, paper present, cover closed.
                while let Some(at) = pending.windows(2).position(|w| w == [0x10, 0x04]) {
                    if pending.len() < at + 3 {
                        break;
                    }
                    pending.drain(at..at + 3);
                    let _ = master.write_all(&[0x12]);
                }
                let (papers, consumed) = super::paper::read(&pending);
                if consumed > 0 {
                    pending.drain(..consumed);
                }
                for paper in papers {
                    count += 1;
                    let stem = dir.join(format!("receipt-{count:04}"));
                    let text = paper.text(columns);
                    if let Err(e) = std::fs::write(stem.with_extension("txt"), &text) {
                        tracing::warn!(error = %e, "the virtual printer could not write its text");
                    }
                    match paper.png(width, columns) {
                        Ok(png) => {
                            let _ = std::fs::write(stem.with_extension("png"), png);
                        }
                        Err(e) => tracing::warn!(error = %e, "the virtual printer could not draw the receipt"),
                    }
                    tracing::info!(file = %stem.with_extension("txt").display(), "virtual printer: receipt printed");
                    keep_newest(&dir, RECEIPTS_KEPT);
                }
            }
        })?;
        Ok(VirtualPrinter {
            path,
            out_dir: out_dir.to_path_buf(),
        })
    }
}

/// How many receipts the virtual printer keeps (as text and PNG); older ones go.
const RECEIPTS_KEPT: u64 = 200;

/// Removes the virtual printer's receipts older than the newest `kept`, so a demo kiosk
/// left running for months does not fill its disk.
fn keep_newest(dir: &Path, kept: u64) {
    let number = |path: &Path| {
        path.file_stem()?
            .to_str()?
            .strip_prefix("receipt-")?
            .parse::<u64>()
            .ok()
    };
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let receipts: Vec<(u64, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter_map(|path| number(&path).map(|n| (n, path)))
        .collect();
    let Some(newest) = receipts.iter().map(|(n, _)| *n).max() else {
        return;
    };
    for (n, path) in receipts {
        if n + kept <= newest {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A scanner on a pseudo-terminal fed from a named pipe.
pub struct VirtualScanner {
    pub path: String,
    pub pipe: PathBuf,
}

impl VirtualScanner {
    pub fn start(pipe: &Path) -> std::io::Result<VirtualScanner> {
        let (mut master, slave) = TTYPort::pair().map_err(std::io::Error::other)?;
        let path = slave
            .name()
            .ok_or_else(|| std::io::Error::other("the pseudo-terminal has no name"))?;
        drop(slave);
        let fifo = pipe.to_path_buf();
        // The pipe is made on the thread: start-up does not wait for `mkfifo`.
        std::thread::Builder::new()
            .name("virtual-scanner".into())
            .spawn(move || {
                let _ = std::fs::remove_file(&fifo);
                match std::process::Command::new("mkfifo").arg(&fifo).status() {
                    Ok(status) if status.success() => {}
                    other => {
                        tracing::warn!(pipe = %fifo.display(), ?other, "the virtual scanner's pipe could not be made");
                        return;
                    }
                }
                loop {
                    // Opening blocks until someone writes; each writer's bytes go to the line.
                    let Ok(mut input) = std::fs::File::open(&fifo) else {
                        return;
                    };
                    let mut bytes = Vec::new();
                    if input.read_to_end(&mut bytes).is_ok() {
                        // `echo` ends with LF; scanners send CR.
                        let bytes: Vec<u8> = bytes.iter().map(|&b| if b == b'\n' { b'\r' } else { b }).collect();
                        let _ = master.write_all(&bytes);
                    }
                }
            })?;
        Ok(VirtualScanner {
            path,
            pipe: pipe.to_path_buf(),
        })
    }
}

/// Replaces `"virtual"` ports (and, in demo mode, ports left empty) with virtual devices.
pub fn attach(
    printer: &mut crate::settings::PrinterSettings,
    scanner: &mut crate::settings::ScannerSettings,
    data_dir: &Path,
    demo: bool,
) {
    use crate::settings::VIRTUAL_PORT;
    let wanted = |port: &str| port == VIRTUAL_PORT || (demo && port.is_empty());
    if wanted(&printer.port) {
        match VirtualPrinter::start(&data_dir.join("receipts"), printer.paper_width_mm) {
            Ok(virtual_printer) => {
                tracing::info!(
                    receipts = %virtual_printer.out_dir.display(),
                    "virtual printer: each receipt is written there as text and PNG"
                );
                printer.port = virtual_printer.path;
            }
            Err(e) => {
                tracing::warn!(error = %e, "no virtual printer");
                printer.port.clear();
            }
        }
    }
    if wanted(&scanner.port) {
        let pipe = data_dir.join("virtual-scanner");
        match VirtualScanner::start(&pipe) {
            Ok(virtual_scanner) => {
                tracing::info!(
                    "virtual scanner: scan with `echo 8690000010011 > {}`",
                    virtual_scanner.pipe.display()
                );
                scanner.port = virtual_scanner.path;
            }
            Err(e) => {
                tracing::warn!(error = %e, "no virtual scanner");
                scanner.port.clear();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_newest_receipts_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        for n in 1..=10 {
            for ext in ["txt", "png"] {
                std::fs::write(dir.path().join(format!("receipt-{n:04}.{ext}")), b"x").unwrap();
            }
        }
        std::fs::write(dir.path().join("notes.txt"), b"kept").unwrap();
        super::keep_newest(dir.path(), 3);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "notes.txt",
                "receipt-0008.png",
                "receipt-0008.txt",
                "receipt-0009.png",
                "receipt-0009.txt",
                "receipt-0010.png",
                "receipt-0010.txt"
            ]
        );
    }
}
