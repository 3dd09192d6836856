//! The printer, the scanner, the voice of accessible mode and the display. Inside the
//! running kiosk the printer and scanner are reported as the kiosk uses them (it made
//! a virtual one in demo mode, it holds a real one's port); `doctor` probes them.

use super::{count, fail, ok, warn, Check, Lang, Running, Topic};
use crate::settings::{Settings, VIRTUAL_PORT};
use std::path::{Path, PathBuf};

pub(super) fn printer_check(settings: &Settings, running: Option<&Running>, data_dir: &Path, lang: Lang) -> Check {
    const NAME: Topic = Topic::Printer;
    let none = || {
        warn(
            NAME,
            say!(
                lang,
                "none set: receipts are not printed. Set printer.port.",
                "ayarlı değil: fiş basılmıyor. printer.port ayarını yapın."
            ),
        )
    };
    let receipts = data_dir.join("receipts");
    let virtual_text = |made_for_demo: bool| {
        let printed = count(lang, previews(&receipts) as i64, "receipt", "receipts", "fiş");
        let shown = receipts.display();
        let why = if made_for_demo {
            say!(lang, "for the demo", "demo için")
        } else {
            say!(lang, "printer.port is \"virtual\"", "printer.port \"virtual\"")
        };
        say!(
            lang,
            "virtual ({why}): {printed} printed so far, each as text and PNG under {shown}",
            "sanal ({why}): şimdiye kadar {printed} basıldı, her biri metin ve PNG olarak {shown} altında"
        )
    };
    if let Some(running) = running {
        let Some(in_use) = &running.printer else {
            return none();
        };
        if in_use.made {
            return ok(NAME, virtual_text(settings.printer.port != VIRTUAL_PORT));
        }
        let port = &in_use.port;
        return match &running.printer_report {
            None => ok(
                NAME,
                say!(
                    lang,
                    "{port}, held by the kiosk: nothing printed since it started",
                    "{port}, kiosk kullanıyor: başladığından beri bir şey basılmadı"
                ),
            ),
            Some(report) => match &report.problem {
                None => ok(
                    NAME,
                    say!(
                        lang,
                        "{port}, held by the kiosk: ready, its last job printed",
                        "{port}, kiosk kullanıyor: hazır, son işi basıldı"
                    ),
                ),
                Some(problem) => {
                    let waiting = count(lang, i64::from(report.waiting), "receipt", "receipts", "fiş");
                    let text = problem_text(port, problem, lang);
                    fail(
                        NAME,
                        say!(lang, "{text} {waiting} waiting.", "{text} {waiting} bekliyor."),
                    )
                }
            },
        };
    }
    let port = &settings.printer.port;
    if port.is_empty() {
        return none();
    }
    if port == VIRTUAL_PORT {
        return ok(NAME, virtual_text(false));
    }
    if crate::devices::check::port_missing(port) {
        return fail(
            NAME,
            say!(
                lang,
                "{port} is not there. Plug the printer in, or fix printer.port (see `devices list`).",
                "{port} yok. Yazıcıyı takın ya da printer.port ayarını düzeltin (bkz. `devices list`)."
            ),
        );
    }
    use crate::devices::printer::{probe, Probe};
    match probe(&settings.printer) {
        Ok(Probe::Ready) => ok(
            NAME,
            say!(
                lang,
                "{port} answers: ready, paper in",
                "{port} yanıt veriyor: hazır, kâğıt var"
            ),
        ),
        Ok(Probe::Silent) => warn(
            NAME,
            say!(
                lang,
                "{port} does not answer status questions: check it is on and the baud rate matches.",
                "{port} durum sorularına yanıt vermiyor: açık olduğunu ve baud hızının uyduğunu kontrol edin."
            ),
        ),
        Ok(Probe::Blocked(problem)) => fail(NAME, problem_text(port, &problem, lang)),
        Err(e) => warn(
            NAME,
            say!(
                lang,
                "{port} could not be asked ({e}); if the kiosk is running it holds the port.",
                "{port} sorgulanamadı ({e}); kiosk çalışıyorsa bağlantı noktası onda."
            ),
        ),
    }
}

fn problem_text(port: &str, problem: &crate::devices::printer::Problem, lang: Lang) -> String {
    use crate::devices::printer::Problem;
    match problem {
        Problem::PaperOut => say!(
            lang,
            "{port}: out of paper. Load a roll.",
            "{port}: kâğıt bitti. Rulo takın."
        ),
        Problem::CoverOpen => say!(
            lang,
            "{port}: the cover is open. Close it.",
            "{port}: kapak açık. Kapatın."
        ),
        Problem::Unreachable(why) => say!(
            lang,
            "{port} cannot be reached ({why}). Check the cable and the power.",
            "{port} ulaşılamıyor ({why}). Kabloyu ve gücü kontrol edin."
        ),
        Problem::Offline => say!(
            lang,
            "{port}: the printer says it is offline. Check the printer's lights.",
            "{port}: yazıcı çevrimdışı olduğunu söylüyor. Yazıcının ışıklarına bakın."
        ),
        Problem::Storage(why) => say!(
            lang,
            "{port}: the print job could not be kept ({why}).",
            "{port}: baskı işi saklanamadı ({why})."
        ),
    }
}

/// The receipts the virtual printer has drawn (one PNG each).
fn previews(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
                .count()
        })
        .unwrap_or(0)
}

pub(super) fn scanner_check(settings: &Settings, running: Option<&Running>, data_dir: &Path, lang: Lang) -> Check {
    const NAME: Topic = Topic::Scanner;
    let last = crate::offline::Store::open(data_dir)
        .ok()
        .and_then(|store| {
            crate::offline::remembered::load::<String>(&store, crate::offline::remembered::LAST_SCAN).ok()
        })
        .flatten()
        .and_then(|at| chrono::DateTime::parse_from_rfc3339(&at).ok())
        .map(|at| {
            let ago = super::minutes_ago(lang, chrono::Utc::now().signed_duration_since(at).num_minutes());
            say!(lang, "; last scan {ago}", "; son okuma {ago}")
        })
        .unwrap_or_else(|| say!(lang, "; no scan recorded yet", "; henüz okuma kaydı yok"));
    // What the kiosk opened, or else what the settings name.
    let (port, made) = match running {
        Some(running) => match &running.scanner {
            Some(in_use) => (in_use.port.clone(), in_use.made),
            None => (String::new(), false),
        },
        None => (settings.scanner.port.clone(), settings.scanner.port == VIRTUAL_PORT),
    };
    if made {
        let pipe = data_dir.join("virtual-scanner");
        let pipe = pipe.display();
        return ok(
            NAME,
            say!(
                lang,
                "virtual: the kiosk makes a pseudo-terminal scanner when it starts; scan with `echo 8690000010011 > {pipe}`{last}",
                "sanal: kiosk başlarken sözde terminal bir okuyucu yapar; `echo 8690000010011 > {pipe}` ile okutun{last}"
            ),
        );
    }
    if port.is_empty() {
        return ok(
            NAME,
            say!(
                lang,
                "no serial scanner set (a keyboard-wedge scanner needs none){last}",
                "seri okuyucu ayarlı değil (klavye gibi çalışan okuyucu ayar istemez){last}"
            ),
        );
    }
    if !crate::devices::check::port_missing(&port) {
        ok(
            NAME,
            say!(
                lang,
                "{port} is there{last}; `devices test-scan` shows what it reads",
                "{port} takılı{last}; `devices test-scan` ne okuduğunu gösterir"
            ),
        )
    } else {
        fail(
            NAME,
            say!(
                lang,
                "{port} is not there. Plug the scanner in, or fix scanner.port (see `devices list`).",
                "{port} yok. Okuyucuyu takın ya da scanner.port ayarını düzeltin (bkz. `devices list`)."
            ),
        )
    }
}

/// Accessible mode speaks through the voice program and the sound card; without
/// either it shows, silently.
pub(super) fn speech_check(settings: &Settings, lang: Lang) -> Check {
    const NAME: Topic = Topic::Speech;
    let program = settings.kiosk.speech_command.trim();
    if program.is_empty() {
        return ok(
            NAME,
            say!(
                lang,
                "off (kiosk.speech_command is empty): accessible mode does not speak",
                "kapalı (kiosk.speech_command boş): erişilebilir mod konuşmaz"
            ),
        );
    }
    let found = if program.contains('/') {
        Some(PathBuf::from(program)).filter(|p| p.is_file())
    } else {
        std::env::var_os("PATH")
            .into_iter()
            .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    };
    let Some(found) = found else {
        return warn(
            NAME,
            say!(
                lang,
                "{program} is not installed: accessible mode shows but does not speak. Install it (apt install espeak-ng).",
                "{program} kurulu değil: erişilebilir mod gösterir ama konuşmaz. Kurun (apt install espeak-ng)."
            ),
        );
    };
    let sound_card = std::fs::read_dir("/dev/snd")
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("pcm"))
        })
        .unwrap_or(false);
    let sound_server = std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|dir| {
        let dir = PathBuf::from(dir);
        dir.join("pulse/native").exists() || dir.join("pipewire-0").exists()
    });
    let found = found.display();
    if sound_card || sound_server {
        ok(
            NAME,
            say!(
                lang,
                "{found} speaks through the device's sound",
                "{found} cihazın sesinden konuşuyor"
            ),
        )
    } else {
        warn(
            NAME,
            say!(
                lang,
                "{found} is there, but the device has no sound card (/dev/snd): accessible mode shows but does not speak.",
                "{found} kurulu ama cihazda ses kartı yok (/dev/snd): erişilebilir mod gösterir ama konuşmaz."
            ),
        )
    }
}

pub(super) fn display_check(lang: Lang, in_kiosk: bool) -> Check {
    const NAME: Topic = Topic::Display;
    if in_kiosk {
        return ok(
            NAME,
            say!(lang, "the kiosk is showing on it", "kiosk bu ekranda gösteriliyor"),
        );
    }
    let has = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if has("DISPLAY") || has("WAYLAND_DISPLAY") || std::env::var("SLINT_BACKEND").is_ok_and(|b| b.contains("linuxkms"))
    {
        ok(
            NAME,
            say!(
                lang,
                "a display is set for this shell",
                "bu kabuk için bir ekran ayarlı"
            ),
        )
    } else {
        warn(
            NAME,
            say!(
                lang,
                "this shell has no display (no DISPLAY or WAYLAND_DISPLAY); the kiosk's service sets its own.",
                "bu kabukta ekran yok (DISPLAY ya da WAYLAND_DISPLAY yok); kiosk hizmeti kendi ekranını ayarlar."
            ),
        )
    }
}
