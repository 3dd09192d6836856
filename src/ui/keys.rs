//! Keyboards and keyboard-wedge scanners. Most retail scanners are USB keyboards: they
//! type the code and Enter, a character every few milliseconds. A person types far
//! slower. So a run of characters that came faster than [`WEDGE_GAP`] apart and ends in
//! Enter is a scan, whatever the screen (the controller decides whether it takes
//! scans there); anything else is typing, which goes where the screen says: the basket's
//! code field, the keypad screen's digits, the customer search's field. Enter confirms a screen's default action,
//! Escape goes back, Backspace deletes.
//!
//! Runs on the UI thread, inside the window's key handler: no I/O, no waiting.

use super::controller::{ControllerHandle, Intent};
use super::{
    AddressPicking, BasketAdapter, CustomerAdapter, DeliveryAdapter, ErrorKind, KioskAdapter, MainWindow, Screen,
    SearchAdapter, StepAdapter,
};
use slint::platform::Key;
use slint::{ComponentHandle, SharedString};
use std::time::{Duration, Instant};

/// The longest gap between two characters of a wedge scanner's burst. Scanners send a
/// character every 1 to 10 ms; people type 100 ms or more apart.
pub const WEDGE_GAP: Duration = Duration::from_millis(35);

/// The shortest code a burst can be (EAN-8 is the shortest retail barcode).
pub const WEDGE_MIN: usize = 4;

/// The characters of the current burst, and when the last one came.
#[derive(Default)]
pub struct Keys {
    burst: String,
    last: Option<Instant>,
}

/// What a key asks of the kiosk.
#[derive(Debug)]
pub enum Action {
    /// Nothing for the controller (typing into a field, or a key the screen ignores).
    None,
    /// A wedge scanner's code.
    Scan(String),
    /// A tap's worth: the controller does this, with the busy overlay.
    Tap(Intent),
}

impl Keys {
    /// Takes one key press at `now`; says whether the kiosk used it and what follows.
    pub fn press(&mut self, window: &MainWindow, text: &str, now: Instant) -> (bool, Action) {
        let kiosk = window.global::<KioskAdapter>();
        let screen = kiosk.get_screen();
        let basket = window.global::<BasketAdapter>();
        let step = window.global::<StepAdapter>();
        let fast = self.last.is_some_and(|at| now.duration_since(at) <= WEDGE_GAP);
        if screen == Screen::Basket && window.global::<SearchAdapter>().get_open() {
            return self.search_key(window, text, fast, now);
        }
        if screen == Screen::Basket && basket.get_voucher_open() {
            return self.voucher_key(window, text, fast, now);
        }
        if text == SharedString::from(Key::Return).as_str() {
            let burst = std::mem::take(&mut self.burst);
            let scanned = fast && burst.chars().count() >= WEDGE_MIN;
            self.last = None;
            if screen == Screen::Basket {
                let typed = basket.get_code().to_string();
                basket.set_code(SharedString::new());
                let code = if scanned { burst } else { typed };
                return (
                    true,
                    if code.is_empty() {
                        Action::None
                    } else {
                        Action::Tap(Intent::AddCode(code))
                    },
                );
            }
            if scanned {
                return (true, Action::Scan(burst));
            }
            return match default_action(window, screen) {
                Some(intent) => (true, Action::Tap(intent)),
                None => (false, Action::None),
            };
        }
        if text == SharedString::from(Key::Backspace).as_str() {
            self.burst.clear();
            match screen {
                Screen::Basket => basket.set_code(without_last(&basket.get_code())),
                Screen::NumberEntry => step.set_digits(without_last(&step.get_digits())),
                Screen::CustomerSearch => {
                    let customers = window.global::<CustomerAdapter>();
                    customers.set_search(without_last(&customers.get_search()));
                }
                _ => return (false, Action::None),
            }
            return (true, Action::None);
        }
        if text == SharedString::from(Key::Escape).as_str() {
            self.burst.clear();
            return match screen {
                Screen::Basket => {
                    basket.set_code(SharedString::new());
                    (true, Action::None)
                }
                Screen::Welcome | Screen::ThankYou | Screen::Unconfirmed => (false, Action::None),
                // The forms go back a step: from a city or district list to the address,
                // from the address to the delivery screen, from a new customer to the search.
                Screen::AddressNew if window.global::<DeliveryAdapter>().get_picking() != AddressPicking::None => {
                    window.global::<DeliveryAdapter>().set_picking(AddressPicking::None);
                    (true, Action::None)
                }
                Screen::AddressNew => (true, Action::Tap(Intent::BackToDelivery)),
                Screen::CustomerNew => (true, Action::Tap(Intent::FindCustomer)),
                // Every other screen has a way back, and it is Cancel (or Back to basket).
                _ => (true, Action::Tap(Intent::Cancel)),
            };
        }
        let Some(c) = self.burst_char(text, fast, now) else {
            return (false, Action::None);
        };
        match screen {
            Screen::Basket if basket.get_code().chars().count() < 64 => {
                basket.set_code(format!("{}{c}", basket.get_code()).into());
            }
            Screen::NumberEntry
                if c.is_ascii_digit() && (step.get_digits().chars().count() as i32) < step.get_max_digits() =>
            {
                step.set_digits(format!("{}{c}", step.get_digits()).into());
            }
            Screen::CustomerSearch => {
                let customers = window.global::<CustomerAdapter>();
                if customers.get_search().chars().count() < 64 {
                    customers.set_search(format!("{}{c}", customers.get_search()).into());
                }
            }
            _ => {}
        }
        (true, Action::None)
    }
}

impl Keys {
    /// A key while the product search is up and its field does not have the focus:
    /// typing goes on in the query, Escape puts the search away, a wedge scanner's code
    /// is added as on the basket.
    fn search_key(&mut self, window: &MainWindow, text: &str, fast: bool, now: Instant) -> (bool, Action) {
        let search = window.global::<SearchAdapter>();
        let typed = |query: String| {
            search.set_query(query.clone().into());
            search.invoke_changed(query.into());
        };
        if text == SharedString::from(Key::Return).as_str() {
            let burst = std::mem::take(&mut self.burst);
            self.last = None;
            let scanned = fast && burst.chars().count() >= WEDGE_MIN;
            return (true, if scanned { Action::Scan(burst) } else { Action::None });
        }
        if text == SharedString::from(Key::Escape).as_str() {
            self.burst.clear();
            search.set_open(false);
            search.invoke_put_away();
            return (true, Action::None);
        }
        if text == SharedString::from(Key::Backspace).as_str() {
            typed(without_last(&search.get_query()).to_string());
            return (true, Action::None);
        }
        let Some(c) = self.burst_char(text, fast, now) else {
            return (false, Action::None);
        };
        if search.get_query().chars().count() < 64 {
            typed(format!("{}{c}", search.get_query()));
        }
        (true, Action::None)
    }
}

impl Keys {
    /// The one character a key typed, also kept in the current burst (a scan's); `None`
    /// for a key that types nothing.
    fn burst_char(&mut self, text: &str, fast: bool, now: Instant) -> Option<char> {
        let mut chars = text.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return None;
        };
        if c.is_control() {
            return None;
        }
        if !fast {
            self.burst.clear();
        }
        if self.burst.len() < 128 {
            self.burst.push(c);
        }
        self.last = Some(now);
        Some(c)
    }

    /// A key while the voucher panel is up and its field does not have the focus: typing
    /// goes into the code, Enter applies it (or a wedge scanner's code), Escape puts the
    /// panel away.
    fn voucher_key(&mut self, window: &MainWindow, text: &str, fast: bool, now: Instant) -> (bool, Action) {
        let basket = window.global::<BasketAdapter>();
        if text == SharedString::from(Key::Return).as_str() {
            let burst = std::mem::take(&mut self.burst);
            self.last = None;
            let code = if fast && burst.chars().count() >= WEDGE_MIN {
                burst
            } else {
                basket.get_voucher_entry().to_string()
            };
            let code = code.trim().to_string();
            return (
                true,
                if code.is_empty() {
                    Action::None
                } else {
                    Action::Tap(Intent::ApplyVoucher(code))
                },
            );
        }
        if text == SharedString::from(Key::Escape).as_str() {
            self.burst.clear();
            basket.set_voucher_open(false);
            basket.set_voucher_entry(SharedString::new());
            basket.invoke_voucher_panel(false);
            return (true, Action::None);
        }
        if text == SharedString::from(Key::Backspace).as_str() {
            basket.set_voucher_entry(without_last(&basket.get_voucher_entry()));
            return (true, Action::None);
        }
        let Some(c) = self.burst_char(text, fast, now) else {
            return (false, Action::None);
        };
        if basket.get_voucher_entry().chars().count() < 64 {
            basket.set_voucher_entry(format!("{}{c}", basket.get_voucher_entry()).into());
        }
        (true, Action::None)
    }
}

/// What Enter does on a screen, where it does anything: the screen's main button.
fn default_action(window: &MainWindow, screen: Screen) -> Option<Intent> {
    let kiosk = window.global::<KioskAdapter>();
    let step = window.global::<StepAdapter>();
    match screen {
        Screen::Welcome => Some(Intent::Start),
        Screen::ThankYou => Some(Intent::NewSale),
        Screen::Error if kiosk.get_error_can_retry() || kiosk.get_error_kind() == ErrorKind::Login => {
            Some(Intent::Retry)
        }
        Screen::Unconfirmed => Some(Intent::Retry),
        Screen::CustomerSearch => {
            let search = window.global::<CustomerAdapter>().get_search().trim().to_string();
            (!search.is_empty()).then_some(Intent::SearchCustomers(search))
        }
        Screen::NumberEntry if step.get_digits().chars().count() as i32 >= step.get_min_digits() => {
            let digits = step.get_digits().to_string();
            Some(if step.get_entry_kind() == super::EntryKind::Pin {
                Intent::Pin(digits)
            } else {
                Intent::Number(digits)
            })
        }
        Screen::Confirm if step.get_agreed() || !step.get_needs_agreement() => Some(Intent::Confirm { agreed: true }),
        _ => None,
    }
}

fn without_last(text: &str) -> SharedString {
    let mut text = text.to_string();
    text.pop();
    text.into()
}

/// Connects the window's key handler: typing lands where the screen says, a tap's worth
/// goes through `dispatch` (busy at once), a scan goes to the controller as the serial
/// scanner's codes do.
pub fn wire(window: &MainWindow, handle: &ControllerHandle) {
    let keys = std::cell::RefCell::new(Keys::default());
    let (weak, handle) = (window.as_weak(), handle.clone());
    window.global::<KioskAdapter>().on_key(move |text| {
        let Some(window) = weak.upgrade() else { return false };
        let (used, action) = keys.borrow_mut().press(&window, &text, Instant::now());
        match action {
            Action::None => {}
            Action::Scan(code) => handle.send(Intent::Scanned(code)),
            Action::Tap(intent) => super::dispatch(&weak, &handle, intent),
        }
        used
    });
}
