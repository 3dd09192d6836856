//! The hidden measuring modes of `run` (`scripts/measure-kiosk.sh`): the time to the
//! first frame with the start's phases, and one whole cash-register sale driven on the
//! real window with the process's memory after it.
//!
//! Not here: the benchmarks of `benches/`, which drive the controller without a window.

use super::controller::{ControllerHandle, Intent};
use super::{dispatch, BasketAdapter, KioskAdapter, MainWindow, PaymentAdapter, PaymentKind, Screen};
use slint::{ComponentHandle, Model};
use std::cell::Cell;
use std::time::{Duration, Instant};

/// What `run` does besides being a kiosk: the hidden modes of the benchmark script.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum Measure {
    #[default]
    Nothing,
    /// Print the time to the first frame and exit.
    FirstFrame,
    /// Make one whole cash-register sale with the same intents taps send, then print the
    /// process's resident memory and exit.
    Sale,
}

/// Kilobytes of this process's resident (`VmRSS`) and proportional (`Pss`) memory.
pub fn memory_kib() -> (u64, u64) {
    let field = |text: &str, name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let rollup = std::fs::read_to_string("/proc/self/smaps_rollup").unwrap_or_default();
    (field(&status, "VmRSS:"), field(&rollup, "Pss:"))
}

/// Drives one cash-register sale on the real window, a step whenever the screen settles.
pub(super) fn drive_bench_sale(window: &MainWindow, handle: &ControllerHandle) {
    let (weak, handle) = (window.as_weak(), handle.clone());
    let step = Cell::new(0u8);
    let started = Instant::now();
    let timer = slint::Timer::default();
    timer.start(slint::TimerMode::Repeated, Duration::from_millis(20), move || {
        let Some(window) = weak.upgrade() else { return };
        let kiosk = window.global::<KioskAdapter>();
        if kiosk.get_busy() || kiosk.get_server().is_empty() {
            return;
        }
        let screen = kiosk.get_screen();
        let lines = window.global::<BasketAdapter>().get_lines().iter().count();
        match (step.get(), screen) {
            (0, Screen::Basket) => {
                dispatch(&weak, &handle, Intent::AddCode("8690000010011".into()));
                step.set(1);
            }
            (1, Screen::Basket) if lines == 1 => {
                dispatch(&weak, &handle, Intent::AddCode("8690000010103".into()));
                step.set(2);
            }
            (2, Screen::Basket) if lines == 2 => {
                dispatch(&weak, &handle, Intent::Pay);
                step.set(3);
            }
            (3, Screen::PaymentOptions) => {
                let options = window.global::<PaymentAdapter>().get_options();
                let cash = options
                    .iter()
                    .find(|o| o.kind == PaymentKind::CashRegister)
                    .map(|o| o.pk.to_string());
                dispatch(&weak, &handle, Intent::ChooseOption(cash.unwrap_or_default()));
                step.set(4);
            }
            (4, Screen::CashRegisterBarcode) => {
                handle.send(Intent::PayAtRegister);
                step.set(5);
            }
            (5, Screen::ThankYou) => {
                let (rss, pss) = memory_kib();
                println!("sale-ms {:.0}", started.elapsed().as_secs_f64() * 1000.0);
                println!("rss-after-sale-kib {rss}");
                println!("pss-after-sale-kib {pss}");
                step.set(6);
                let _ = slint::quit_event_loop();
            }
            (_, Screen::Error) => {
                eprintln!("the benchmark sale failed: {}", kiosk.get_error_detail());
                let _ = slint::quit_event_loop();
            }
            _ => {}
        }
    });
    std::mem::forget(timer);
}

/// How long each part of the start took, for `Measure::FirstFrame` to print: the time
/// before `run_kiosk` (the process's start, the loader, settings) is "before".
pub(super) struct Phases {
    last: Instant,
    marks: Vec<(&'static str, f64)>,
}

impl Phases {
    pub(super) fn new(started: Instant) -> Self {
        Phases {
            last: started,
            marks: Vec::new(),
        }
    }

    pub(super) fn mark(&mut self, name: &'static str) {
        let now = Instant::now();
        self.marks.push((name, (now - self.last).as_secs_f64() * 1000.0));
        self.last = now;
    }
}

impl std::fmt::Display for Phases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.marks.iter().map(|(name, ms)| format!("{name} {ms:.1}")).collect();
        f.write_str(&parts.join(" "))
    }
}
