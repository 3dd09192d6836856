//! A serial barcode scanner: codes ended by CR, LF or both, each handed on as if
//! typed. The same code again within the repeat window counts once; noise (bytes no
//! barcode holds) and overlong lines are dropped and logged; a port that fails is
//! reopened every second, so a scanner unplugged and plugged back in works again.

use crate::settings::{FlowControl, ScannerSettings, Terminator};
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one finished line was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Code(String),
    /// The same code within the repeat window.
    Repeat(String),
    /// Bytes no barcode holds (as hex, for the log).
    Noise(String),
    /// Longer than `max_length`.
    Overlong,
}

/// Splits the scanner's bytes into lines and judges each. Plain logic, no port.
pub struct LineReader {
    terminator: Terminator,
    max_length: usize,
    window: Duration,
    line: Vec<u8>,
    overlong: bool,
    last: Option<(String, Instant)>,
    /// When the unfinished line got its last byte: a line left unfinished is noise.
    touched: Option<Instant>,
}

impl LineReader {
    pub fn new(settings: &ScannerSettings) -> LineReader {
        LineReader {
            terminator: settings.terminator,
            max_length: settings.max_length,
            window: Duration::from_millis(settings.repeat_window_ms),
            line: Vec::new(),
            overlong: false,
            last: None,
            touched: None,
        }
    }

    fn ends_line(&self, byte: u8) -> bool {
        match self.terminator {
            Terminator::Any => byte == b'\r' || byte == b'\n',
            Terminator::Cr => byte == b'\r',
            Terminator::Lf | Terminator::Crlf => byte == b'\n',
        }
    }

    pub fn push(&mut self, bytes: &[u8], now: Instant) -> Vec<Line> {
        let mut out = Vec::new();
        for &byte in bytes {
            if self.ends_line(byte) {
                if let Some(line) = self.finish(now) {
                    out.push(line);
                }
            } else if byte == b'\r' || byte == b'\n' {
                // The other half of a CR LF pair.
            } else if self.line.len() >= self.max_length {
                self.overlong = true;
            } else {
                self.line.push(byte);
            }
            self.touched = Some(now);
        }
        out
    }

    /// A line left unfinished for a second is dropped as noise.
    pub fn idle(&mut self, now: Instant) -> Option<Line> {
        let stale = self
            .touched
            .is_some_and(|t| now.duration_since(t) > Duration::from_secs(1));
        if stale && (!self.line.is_empty() || self.overlong) {
            let noise = Line::Noise(hex(&self.line));
            self.line.clear();
            self.overlong = false;
            self.touched = None;
            return Some(noise);
        }
        None
    }

    fn finish(&mut self, now: Instant) -> Option<Line> {
        let bytes = std::mem::take(&mut self.line);
        if std::mem::take(&mut self.overlong) {
            return Some(Line::Overlong);
        }
        if bytes.is_empty() {
            return None;
        }
        if !bytes.iter().all(|b| (0x21..=0x7e).contains(b)) {
            return Some(Line::Noise(hex(&bytes)));
        }
        let code = String::from_utf8(bytes).expect("printable ASCII");
        if let Some((last, at)) = &self.last {
            if *last == code && now.duration_since(*at) < self.window {
                return Some(Line::Repeat(code));
            }
        }
        self.last = Some((code.clone(), now));
        Some(Line::Code(code))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().take(32).map(|b| format!("{b:02x}")).collect()
}

/// Starts the scanner thread; `on_code` gets every code worth adding.
pub fn spawn(settings: ScannerSettings, on_code: Arc<dyn Fn(String) + Send + Sync>) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("scanner".into())
        .spawn(move || run(settings, on_code))
        .expect("a thread starts")
}

/// Reads one code from the scanner's port (setup's test scan): the port is opened,
/// read with the scanner thread's own line rules until a code comes or `timeout`
/// passes, and closed again. `None` when nothing was scanned in time.
pub fn read_one(settings: &ScannerSettings, timeout: Duration) -> Result<Option<String>, String> {
    let mut port = super::printer::open_port(
        &settings.port,
        settings.baud_rate,
        FlowControl::None,
        Duration::from_millis(100),
    )
    .map_err(|e| format!("{}: {e}", settings.port))?;
    let mut reader = LineReader::new(settings);
    let deadline = Instant::now() + timeout;
    let mut buf = [0u8; 256];
    while Instant::now() < deadline {
        let lines = match port.read(&mut buf) {
            Ok(n) => reader.push(&buf[..n], Instant::now()),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => reader.idle(Instant::now()).into_iter().collect(),
            Err(e) => return Err(format!("{}: {e}", settings.port)),
        };
        if let Some(code) = lines.into_iter().find_map(|l| match l {
            Line::Code(code) => Some(code),
            _ => None,
        }) {
            return Ok(Some(code));
        }
    }
    Ok(None)
}

fn run(settings: ScannerSettings, on_code: Arc<dyn Fn(String) + Send + Sync>) {
    let mut reader = LineReader::new(&settings);
    let mut complained = false;
    loop {
        let port = super::printer::open_port(
            &settings.port,
            settings.baud_rate,
            FlowControl::None,
            Duration::from_millis(200),
        );
        let mut port = match port {
            Ok(port) => {
                tracing::info!(port = %settings.port, "scanner open");
                complained = false;
                port
            }
            Err(e) => {
                if !complained {
                    tracing::warn!(port = %settings.port, error = %e, "scanner not reachable; trying every second");
                    complained = true;
                }
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        let mut buf = [0u8; 256];
        loop {
            let lines = match port.read(&mut buf) {
                Ok(0) => Vec::new(),
                Ok(n) => reader.push(&buf[..n], Instant::now()),
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => reader.idle(Instant::now()).into_iter().collect(),
                Err(e) => {
                    tracing::warn!(port = %settings.port, error = %e, "scanner gone; reopening");
                    std::thread::sleep(Duration::from_millis(500));
                    break;
                }
            };
            for line in lines {
                match line {
                    Line::Code(code) => {
                        tracing::info!(%code, "scanned");
                        on_code(code);
                    }
                    Line::Repeat(code) => tracing::debug!(%code, "the same code again; counted once"),
                    Line::Noise(hex) => tracing::warn!(bytes = %hex, "scanner noise dropped"),
                    Line::Overlong => {
                        tracing::warn!(max = settings.max_length, "overlong scanner line dropped")
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(terminator: Terminator) -> LineReader {
        LineReader::new(&ScannerSettings {
            terminator,
            max_length: 16,
            repeat_window_ms: 1000,
            ..Default::default()
        })
    }

    #[test]
    fn codes_end_at_the_terminator_and_repeats_in_the_window_count_once() {
        let start = Instant::now();
        let mut r = reader(Terminator::Any);
        assert_eq!(r.push(b"869000\r\n", start), [Line::Code("869000".into())]);
        assert_eq!(r.push(b"869000\n", start), [Line::Repeat("869000".into())]);
        assert_eq!(
            r.push(b"869000\r", start + Duration::from_secs(2)),
            [Line::Code("869000".into())]
        );
        let mut crlf = reader(Terminator::Crlf);
        assert_eq!(crlf.push(b"12\r", start), []);
        assert_eq!(crlf.push(b"34\r\n", start), [Line::Code("1234".into())]);
    }

    #[test]
    fn noise_overlong_and_unfinished_lines_are_dropped() {
        let start = Instant::now();
        let mut r = reader(Terminator::Cr);
        assert!(matches!(r.push(b"12\x0034\r", start)[..], [Line::Noise(_)]));
        assert_eq!(r.push(b"0123456789abcdefXYZ\r", start), [Line::Overlong]);
        assert_eq!(r.push(b"4006381", start), []);
        assert!(r.idle(start + Duration::from_millis(500)).is_none());
        assert!(matches!(r.idle(start + Duration::from_secs(2)), Some(Line::Noise(_))));
        assert_eq!(
            r.push(b"4006381333931\r", start + Duration::from_secs(3)),
            [Line::Code("4006381333931".into())]
        );
    }
}
