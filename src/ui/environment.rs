//! What the kiosk tells the C libraries under Slint through the environment, before the
//! first window: no compose table, and a font configuration that lists font directories
//! only. Both were work before the first frame that a kiosk never uses: under callgrind,
//! the compose tables were 45% of the start's instructions, then fontconfig's desktop
//! configuration 42% of what was left (README, "Measurements").
//!
//! - **No compose table** (`XCOMPOSEFILE`): dead keys and `Multi_key` sequences. A kiosk
//!   types on its own keys and scanners, and a device's linuxkms backend composes
//!   nothing; under X11, Xlib's input method and winit's xkbcommon state each parsed the
//!   locale's 6,000-line table. xkbcommon cannot read an empty file (nor `/dev/null`),
//!   so the empty table holds a comment.
//! - **Font directories only** (`FONTCONFIG_FILE`): the screens draw with the fonts
//!   compiled in (`ui/fonts`); fontconfig only finds the system's fonts for a glyph those
//!   lack (a Cyrillic name). Its desktop configuration (fifty XML files of aliases,
//!   hinting and substitution rules, which Slint's renderer does not read) was parsed at
//!   every start. The caches `fc-cache` keeps are still used.
//!
//! A variable already set in the environment is kept. The files live in the data
//! directory and are written only when missing or different, so a device's flash is not
//! written at every start; where they cannot be written the libraries' defaults apply.
//!
//! Not here: choosing Slint's backend (`ui::select_display`).

use std::path::{Path, PathBuf};

const COMPOSE: &str = "# No compose sequences at the kiosk (src/ui/environment.rs).\n";

const FONTS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<!-- The kiosk's font configuration (src/ui/environment.rs): font directories only. -->
<fontconfig>
  <dir>/usr/share/fonts</dir>
  <dir>/usr/local/share/fonts</dir>
  <cachedir>/var/cache/fontconfig</cachedir>
  <cachedir prefix="xdg">fontconfig</cachedir>
</fontconfig>
"#;

/// Each variable, the file it names under the data directory, and what the file holds.
const FILES: [(&str, &str, &str); 2] = [("XCOMPOSEFILE", "compose", COMPOSE), ("FONTCONFIG_FILE", "fonts.conf", FONTS)];

/// Writes the files where needed and sets the variables not already set. Call it in
/// `main` before any thread starts: setting the environment is not thread-safe.
pub fn prepare(data_dir: &Path) {
    for (variable, path) in written(data_dir, |name| std::env::var_os(name).is_some()) {
        std::env::set_var(variable, path);
    }
}

/// The variables to set, each with the file it names, once that file holds what it must;
/// `is_set` says which variables the environment already has.
fn written(data_dir: &Path, is_set: impl Fn(&str) -> bool) -> Vec<(&'static str, PathBuf)> {
    FILES
        .iter()
        .filter(|(variable, ..)| !is_set(variable))
        .filter_map(|&(variable, name, content)| {
            let path = data_dir.join(name);
            let current = std::fs::read(&path).ok();
            if current.as_deref() != Some(content.as_bytes()) {
                let write = std::fs::create_dir_all(data_dir).and_then(|()| std::fs::write(&path, content));
                if let Err(error) = write {
                    tracing::debug!(%error, file = %path.display(), "the library's default applies");
                    return None;
                }
            }
            Some((variable, path))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_are_written_once_and_a_variable_already_set_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let set = written(&data, |name| name == "XCOMPOSEFILE");
        assert_eq!(set, vec![("FONTCONFIG_FILE", data.join("fonts.conf"))]);
        assert!(!data.join("compose").exists(), "a compose file of one's own is kept");

        let set = written(&data, |_| false);
        assert_eq!(set.len(), 2);
        assert_eq!(std::fs::read_to_string(data.join("compose")).unwrap(), COMPOSE);
        let modified = |name: &str| std::fs::metadata(data.join(name)).unwrap().modified().unwrap();
        let before = (modified("compose"), modified("fonts.conf"));
        std::thread::sleep(std::time::Duration::from_millis(20));
        written(&data, |_| false);
        assert_eq!((modified("compose"), modified("fonts.conf")), before, "not written again");

        std::fs::write(data.join("fonts.conf"), "<fontconfig/>").unwrap();
        written(&data, |_| false);
        assert_eq!(std::fs::read_to_string(data.join("fonts.conf")).unwrap(), FONTS, "a changed file is mended");
    }

    #[test]
    fn the_font_configuration_finds_the_systems_fonts_for_a_cyrillic_name() {
        let dir = tempfile::tempdir().unwrap();
        let set = written(dir.path(), |name| name == "XCOMPOSEFILE");
        let output = std::process::Command::new("fc-match")
            .args(["--format", "%{family[0]}|%{file}", ":lang=ru"])
            .env("FONTCONFIG_FILE", &set[0].1)
            .output()
            .expect("fc-match runs (Debian package fontconfig; .ci/run installs it)");
        let found = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success() && found.contains("/usr/share/fonts/"), "fc-match found {found:?}");
        assert!(found.starts_with("DejaVu Sans"), "fc-match found {found:?}");
    }

    #[test]
    fn nothing_is_set_where_the_data_directory_cannot_be_written() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        assert!(written(&file.join("data"), |_| false).is_empty());
    }
}
