//! The on-screen keyboard's Rust side: each key the keyboard (`ui/widgets/keyboard.slint`)
//! reports is dispatched to the window as a key press and release, as a physical
//! keyboard's would be, so it types into whichever field has the focus (or, for the
//! basket's code, into the kiosk's own key handler) with nothing special in any field.
//!
//! What is typed is never logged: it may be a customer's name, e-mail or a PIN.
//!
//! Not here: the keys themselves and which field wants which (`keyboard.slint`,
//! `widgets/form.slint`), physical keyboards and wedge scanners (`keys.rs`).

use super::{KeyboardAdapter, MainWindow};
use slint::platform::WindowEvent;
use slint::{ComponentHandle, SharedString};

/// Types one key into the window: its text, or a special key's (`Key::Backspace`,
/// `Key::Return`) as Slint names it.
pub fn type_key(window: &MainWindow, text: SharedString) {
    window
        .window()
        .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
    window.window().dispatch_event(WindowEvent::KeyReleased { text });
}

/// Connects the keyboard's keys and its Hide key to the window.
pub fn wire(window: &MainWindow) {
    let weak = window.as_weak();
    window.global::<KeyboardAdapter>().on_key(move |text| {
        if let Some(window) = weak.upgrade() {
            type_key(&window, text);
        }
    });
    let weak = window.as_weak();
    window.global::<KeyboardAdapter>().on_hide(move || {
        if let Some(window) = weak.upgrade() {
            window.global::<KeyboardAdapter>().set_for_code(false);
            // The kiosk's own key handler takes the focus back from the field.
            window.invoke_focus_keys();
        }
    });
}
