//! What the screen is told, noted for the status endpoint (`crate::status`) as it
//! passes: the printer's state, the line, the last sale, the device's clock.

use super::controller::Sink;
use super::view::{Update, View};
use crate::devices::printer::Problem;
use crate::status::Shared;
use std::sync::Arc;
use std::time::SystemTime;

/// Notes what an update to the screen says about the device.
pub fn observe(facts: &Shared, update: &Update) {
    let Ok(mut facts) = facts.lock() else { return };
    match update {
        Update::Show(View::ThankYou { .. }) => facts.last_sale = Some(SystemTime::now()),
        Update::Printer(report) => {
            facts.printer_reported = true;
            facts.printer_problem = report.problem.as_ref().map(|p| match p {
                Problem::Unreachable(_) => "unreachable",
                Problem::PaperOut => "paper_out",
                Problem::CoverOpen => "cover_open",
                Problem::Offline => "offline",
                Problem::Storage(_) => "storage",
            });
        }
        Update::StaffCalled(called) => facts.staff_called = called.then(SystemTime::now),
        Update::Queue {
            line_down,
            clock_skew_minutes,
            ..
        } => {
            facts.line_down = *line_down;
            facts.clock_skew_minutes = *clock_skew_minutes;
        }
        _ => {}
    }
}

/// The screen's sink, with every update noted on its way.
pub fn watching(screen: Sink, facts: Shared) -> Sink {
    Arc::new(move |update| {
        observe(&facts, &update);
        screen(update);
    })
}
