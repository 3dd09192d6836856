//! Receipts: a sale's receipt becomes a print job in SQLite and wakes the printer
//! thread; the clerk can ask for the last one again.
//!
//! Not here: the printer thread and the ESC/POS bytes (`crate::devices`).

use super::{Controller, ControllerConfig, Failure, Sink};
use crate::devices::printer::{self, PrinterHandle, Reporter};
use crate::devices::receipt::Receipt;
use crate::ui::view::Update;
use std::sync::Arc;

/// The printer thread's last report, for the technician's checks.
pub(super) type LastReport = Arc<std::sync::Mutex<Option<printer::Report>>>;

/// Starts the printer thread when the settings name a printer and there is a data
/// directory for its jobs. Its reports go to the screen and into `last`.
pub(super) fn start_printer(config: &ControllerConfig, sink: &Sink, last: &LastReport) -> Option<PrinterHandle> {
    match (&config.printer, &config.data_dir) {
        (Some(settings), Some(dir)) => {
            let (sink, last) = (sink.clone(), last.clone());
            let report: Reporter = Arc::new(move |r| {
                if let Ok(mut last) = last.lock() {
                    *last = Some(r.clone());
                }
                sink(Update::Printer(r))
            });
            Some(printer::spawn(settings.clone(), dir.clone(), report))
        }
        (Some(_), None) => {
            tracing::warn!("a printer is set but there is no data directory for its jobs; not printing");
            None
        }
        _ => None,
    }
}

impl Controller {
    /// Keeps the receipt as a print job and wakes the printer; a failure is logged and
    /// the sale stands (the clerk can reprint).
    pub(super) fn print(&mut self, receipt: Receipt) {
        let (Some(settings), Some(printer)) = (self.config.printer.clone(), self.printer.clone()) else {
            return;
        };
        let bytes = match crate::devices::encoding::encode(&receipt, &settings) {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::error!(error = %e, "the receipt could not be made");
                return self.unprinted(format!(
                    "the receipt of {} could not be made ({e})",
                    receipt.order_number
                ));
            }
        };
        self.open_store();
        let Some(store) = self.store.as_mut() else {
            let why = self.store_problem.clone().unwrap_or_default();
            return self.unprinted(format!("the receipt of {} was not kept: {why}", receipt.order_number));
        };
        match printer::enqueue(store, "receipt", &receipt.order_number, &bytes) {
            Ok(_) => printer.nudge(),
            Err(e) => {
                tracing::error!(error = %e, "the receipt could not be queued for printing");
                self.unprinted(format!("the receipt of {} was not kept: {e}", receipt.order_number));
            }
        }
    }

    /// A receipt that will not print is shown to the clerk on the printer's banner, not
    /// only written to the log.
    fn unprinted(&self, detail: String) {
        let waiting = self
            .store
            .as_ref()
            .and_then(|store| printer::waiting(store).ok())
            .unwrap_or(0);
        self.emit(Update::Printer(printer::Report {
            problem: Some(printer::Problem::Storage(detail)),
            waiting,
        }));
    }

    /// The clerk's "reprint last receipt".
    pub(super) fn reprint_last(&mut self) -> Result<(), Failure> {
        self.open_store();
        let queued = match self.store.as_mut() {
            Some(store) => printer::reprint_last(store).map_err(|e| Failure::Other(e.to_string()))?,
            None => None,
        };
        match (&self.printer, queued) {
            (Some(printer), Some(_)) => printer.nudge(),
            _ => tracing::info!("nothing to reprint, or no printer"),
        }
        Ok(())
    }
}
