//! The clerk's day's close: the figures since the last close read from the server (its
//! orders, the sales noted for customers, the queue apart), then the cash counted
//! recorded with the difference, a Z report printed and a copy kept.
//!
//! Not here: the figures' rules and storage (`crate::offline::close`), the slip's bytes
//! (`crate::devices::slip`).

use super::{Controller, Failure, Sale};
use crate::devices::printer;
use crate::offline::close;
use crate::ui::view::View;

impl Controller {
    /// The close's screen over the sale, with the server's figures since the last close.
    pub(super) async fn open_day_close(&mut self) -> Result<(), Failure> {
        let client = self.client()?.clone();
        self.open_store();
        let Some(store) = self.store.as_ref() else {
            let why = self.store_problem.clone().unwrap_or_else(|| "there is no data directory".into());
            return Err(Failure::Other(format!("the day's close needs this kiosk's database: {why}")));
        };
        // The screen's language; the slip names each type in the receipt's.
        let language = self.language.clone();
        let name_of = |kind: &str, option: &str| {
            crate::devices::receipt::payment_name(kind, &language)
                .map(str::to_string)
                .unwrap_or_else(|| option.to_string())
        };
        let kept = close::kept(store, None).map_err(|e| Failure::Other(format!("the day's close: {e}")))?;
        let report = close::report(&client, kept, &name_of)
            .await
            .map_err(|e| Failure::Other(format!("the day's figures could not be read: {e}")))?;
        let under = std::mem::replace(&mut self.sale, Sale::Basket).without_staff();
        let view = View::DayClose {
            report: Box::new(report.clone()),
            closed: None,
        };
        self.show(
            Sale::DayClose {
                under: Box::new(under),
                report: Box::new(report),
                closed: false,
            },
            view,
        );
        Ok(())
    }

    /// Closes the day with the cash counted (its digits, the last two the kuruş): the
    /// report as shown is kept with the count, and its Z report printed.
    pub(super) fn close_day(&mut self, digits: &str) -> Result<(), Failure> {
        let Sale::DayClose { report, closed, .. } = &self.sale else {
            return Ok(());
        };
        if *closed {
            return Ok(());
        }
        let Some(counted) = crate::ui::view::counted_cash(digits) else {
            return Ok(());
        };
        let report = report.clone();
        self.open_store();
        let Some(store) = self.store.as_mut() else {
            return Err(Failure::Other("the day's close needs this kiosk's database".into()));
        };
        let made = close::record(store, &report, counted).map_err(|e| Failure::Other(e.to_string()))?;
        tracing::info!(close = made.id, expected = %report.expected_cash, %counted, difference = %made.difference, "the day is closed");
        if let Some(settings) = self.config.printer.clone() {
            match crate::devices::slip::encode_close(&made, &self.config.receipt, &settings) {
                Ok(bytes) => match printer::enqueue(store, "close", &format!("Z{}", made.id), &bytes) {
                    Ok(_) => {
                        if let Some(printer) = &self.printer {
                            printer.nudge();
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "the Z report could not be queued for printing"),
                },
                Err(e) => tracing::error!(error = %e, "the Z report could not be made"),
            }
        }
        if let Sale::DayClose { closed, .. } = &mut self.sale {
            *closed = true;
        }
        self.emit(crate::ui::view::Update::Show(View::DayClose {
            report,
            closed: Some((counted, made.difference)),
        }));
        Ok(())
    }
}
