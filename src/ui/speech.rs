//! Speech in accessible mode (EN 301 549 asks a closed terminal to give what it shows
//! as audio): what the screens ask to be said (`Speech.say` in `adapters.slint`: a
//! screen's title, a field or key touched, a change of the total) is spoken through
//! the device's own voice, a new sentence interrupting the one before, the last one
//! repeated on request, at the volume set on screen.
//!
//! The voice is a program the settings name (`kiosk.speech_command`, `espeak-ng` by
//! default, from Debian's package of that name), run once a sentence on a thread of its
//! own: `espeak-ng -v tr -a AMPLITUDE -- TEXT`. Written out rather than through the
//! `tts` crate: on Linux that crate needs speech-dispatcher's C library and libclang to
//! build, and a speech-dispatcher daemon on the device, where espeak-ng alone is one
//! package and needs neither. A device without the program (or without a sound card)
//! stays silent and `doctor` says so; nothing else changes.
//!
//! What is spoken is never logged: it may be a customer's name.

use super::{language_code, KioskAdapter, MainWindow, Speech};
use slint::ComponentHandle;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

/// One sentence to say, in a language (`tr`, `en`), at a volume (0 to 100).
struct Sentence {
    text: String,
    language: &'static str,
    volume: i32,
}

/// The speaking thread's end of the line: sentences go in, the thread says them.
#[derive(Clone)]
pub struct Speaker {
    tx: mpsc::Sender<Sentence>,
}

impl Speaker {
    /// Starts the thread; `command` is the program to run (empty: silent).
    pub fn start(command: &str) -> Speaker {
        let (tx, rx) = mpsc::channel::<Sentence>();
        let command = command.trim().to_string();
        std::thread::Builder::new()
            .name("speech".into())
            .spawn(move || speak_all(&command, rx))
            .expect("a thread for speech");
        Speaker { tx }
    }

    fn say(&self, text: &str, language: &'static str, volume: i32) {
        let _ = self.tx.send(Sentence {
            text: text.to_string(),
            language,
            volume,
        });
    }
}

/// Says each sentence as it comes, stopping the one being said.
fn speak_all(command: &str, rx: mpsc::Receiver<Sentence>) {
    let mut speaking: Option<Child> = None;
    let mut told = false;
    while let Ok(sentence) = rx.recv() {
        if let Some(mut child) = speaking.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if command.is_empty() || sentence.text.trim().is_empty() {
            continue;
        }
        let amplitude = (sentence.volume.clamp(0, 100) * 2).to_string();
        let started = Command::new(command)
            .args(["-v", sentence.language, "-a", &amplitude, "--", sentence.text.as_str()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match started {
            Ok(child) => speaking = Some(child),
            Err(e) if !told => {
                told = true;
                tracing::warn!(program = command, error = %e, "no speech: the voice program cannot be run; accessible mode stays silent");
            }
            Err(_) => {}
        }
    }
}

/// Connects the screens' `Speech` global to a speaker: what is said, and Repeat.
pub fn wire(window: &MainWindow, speaker: Speaker) {
    let last = std::rc::Rc::new(std::cell::RefCell::new(String::new()));
    let (weak, said, to) = (window.as_weak(), last.clone(), speaker.clone());
    window.global::<Speech>().on_say(move |text| {
        let Some(window) = weak.upgrade() else { return };
        *said.borrow_mut() = text.to_string();
        let language = language_code(window.global::<KioskAdapter>().get_language());
        to.say(&text, language, window.global::<Speech>().get_volume());
    });
    let weak = window.as_weak();
    window.global::<Speech>().on_repeat(move || {
        let Some(window) = weak.upgrade() else { return };
        let language = language_code(window.global::<KioskAdapter>().get_language());
        speaker.say(&last.borrow(), language, window.global::<Speech>().get_volume());
    });
}
