//! The other strategies' screen data (filled by `controller/strategies.rs`): a choice
//! list, a confirmation with facts and terms, the keypad, and the hand-off to the
//! customer's phone with its QR code and countdown.

use super::{model, to_slint_image, Pixels};
use crate::ui::{
    ChoiceKind, ChoiceRow, ConfirmKind, EntryKind, EntryProblem, Fact, FactKind, HandoffAdapter, MainWindow,
    PaymentKind, Screen, StepAdapter,
};
use slint::{ComponentHandle, SharedString};

/// One row of a choice list.
#[derive(Debug, Clone, Default)]
pub struct Choice {
    /// What is posted when it is chosen.
    pub key: String,
    pub title: String,
    pub detail: String,
    /// Large digits (an IBAN grouped in fours); empty for none.
    pub extra: String,
    pub logo: Option<Pixels>,
}

pub(super) fn choices(
    window: &MainWindow,
    (kind, chosen): (ChoiceKind, String),
    rows: Vec<Choice>,
    amount: String,
    error: String,
) -> Screen {
    let adapter = window.global::<StepAdapter>();
    adapter.set_choice_kind(kind);
    adapter.set_chosen_before(chosen.into());
    let rows: Vec<ChoiceRow> = rows
        .iter()
        .map(|row| ChoiceRow {
            key: row.key.clone().into(),
            title: row.title.clone().into(),
            detail: row.detail.clone().into(),
            extra: row.extra.clone().into(),
            has_logo: row.logo.is_some(),
            logo: row.logo.as_ref().map(to_slint_image).unwrap_or_default(),
        })
        .collect();
    adapter.set_choices(model(rows));
    adapter.set_amount(amount.into());
    adapter.set_step_error(error.into());
    Screen::ChoiceList
}

pub(super) fn confirm(
    window: &MainWindow,
    kind: ConfirmKind,
    facts: Vec<(FactKind, String)>,
    terms: Option<(String, String)>,
    needs_agreement: bool,
    amount: String,
    error: String,
) -> Screen {
    let adapter = window.global::<StepAdapter>();
    adapter.set_confirm_kind(kind);
    let facts: Vec<Fact> = facts
        .into_iter()
        .map(|(kind, value)| Fact {
            kind,
            value: value.into(),
        })
        .collect();
    adapter.set_facts(model(facts));
    let (title, text) = terms.unwrap_or_default();
    adapter.set_terms_title(title.into());
    adapter.set_terms_text(text.into());
    adapter.set_needs_agreement(needs_agreement);
    adapter.set_agreed(false);
    adapter.set_amount(amount.into());
    adapter.set_step_error(error.into());
    Screen::Confirm
}

// The fields of `View::NumberEntry`, one to one.
#[allow(clippy::too_many_arguments)]
pub(super) fn number_entry(
    window: &MainWindow,
    kind: EntryKind,
    min_digits: i32,
    max_digits: i32,
    tries_left: i32,
    demo_code: String,
    amount: String,
    error: String,
) -> Screen {
    let adapter = window.global::<StepAdapter>();
    adapter.set_entry_kind(kind);
    adapter.set_min_digits(min_digits);
    adapter.set_max_digits(max_digits);
    adapter.set_tries_left(tries_left);
    adapter.set_demo_code(demo_code.into());
    adapter.set_pin_tries_left(0);
    adapter.set_pin_locked_seconds(0);
    adapter.set_pin_none_set(false);
    adapter.set_entry_problem(crate::ui::EntryProblem::None);
    adapter.set_digits(SharedString::new());
    adapter.set_amount(amount.into());
    adapter.set_step_error(error.into());
    Screen::NumberEntry
}

pub(super) fn handoff(
    window: &MainWindow,
    kind: PaymentKind,
    name: String,
    url: String,
    qr: Pixels,
    amount: String,
    seconds: u32,
) -> Screen {
    let adapter = window.global::<HandoffAdapter>();
    adapter.set_kind(kind);
    adapter.set_name(name.into());
    adapter.set_url(url.into());
    adapter.set_qr(to_slint_image(&qr));
    adapter.set_amount(amount.into());
    adapter.set_seconds_left(seconds as i32);
    adapter.set_time_left(minutes_seconds(seconds as i32).into());
    adapter.set_reconnecting(false);
    Screen::Handoff
}

/// The hand-off's countdown.
pub(super) fn handoff_countdown(window: &MainWindow, seconds_left: i32, reconnecting: bool) {
    let adapter = window.global::<HandoffAdapter>();
    adapter.set_seconds_left(seconds_left);
    adapter.set_time_left(minutes_seconds(seconds_left).into());
    adapter.set_reconnecting(reconnecting);
}

/// A countdown as a clock shows it, "4:58": "298 s" asks the reader to divide by 60.
fn minutes_seconds(seconds: i32) -> String {
    let seconds = seconds.max(0);
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_countdown_reads_as_minutes_and_seconds() {
        assert_eq!(super::minutes_seconds(298), "4:58");
        assert_eq!(super::minutes_seconds(60), "1:00");
        assert_eq!(super::minutes_seconds(9), "0:09");
        assert_eq!(super::minutes_seconds(-3), "0:00");
    }
}

/// The keypad's number was not taken.
pub(super) fn entry_problem(window: &MainWindow, problem: EntryProblem) {
    let adapter = window.global::<StepAdapter>();
    adapter.set_entry_problem(problem);
    adapter.set_digits(SharedString::new());
}

/// How the keypad's digits look: a phone grouped as `5XX XXX XX XX`, a code masked, a
/// card's first digits as typed, a gift card's number in fours.
pub fn shown_digits(digits: &str, kind: EntryKind) -> String {
    match kind {
        EntryKind::Otp | EntryKind::Pin | EntryKind::MyCode | EntryKind::GiftCode => "•".repeat(digits.chars().count()),
        // A gift card's number in groups of four, as printed on the card.
        EntryKind::GiftCard => grouped_iban(digits),
        EntryKind::Phone | EntryKind::MyPhone => {
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if matches!(i, 3 | 6 | 8) {
                    out.push(' ');
                }
                out.push(c);
            }
            out
        }
        EntryKind::Bin => digits.to_string(),
    }
}

/// An IBAN in groups of four, as printed on a bank's papers.
pub fn grouped_iban(iban: &str) -> String {
    let compact: String = iban.chars().filter(|c| !c.is_whitespace()).collect();
    compact
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}
