//! What the kiosk tells the libraries under Slint through the environment, before the
//! first window: no compose table, a font configuration that lists font directories
//! only, and no session bus. Both were work before the first frame that a kiosk never uses: under callgrind,
//! the compose tables were 45% of the start's instructions, then fontconfig's desktop
//! configuration 42% of what was left (README, "Measurements").
//!
//! - **No compose table** (`XCOMPOSEFILE`): dead keys and `Multi_key` sequences. A kiosk
//!   types on its own keys and scanners, and a device's linuxkms backend composes
//!   nothing; under X11, Xlib's input method and winit's xkbcommon state each parsed the
//!   locale's 6,000-line table. xkbcommon cannot read an empty file (nor `/dev/null`),
//!   so the empty table holds a comment.
//! - **Font directories only** (`FONTCONFIG_SYSROOT`, `FONTCONFIG_FILE`): the screens
//!   draw with the fonts compiled in (`ui/fonts`); fontconfig only finds the system's
//!   fonts for a glyph those lack (a Cyrillic name). Its desktop configuration (the
//!   fifty XML files of `/etc/fonts/conf.d`: aliases, hinting and substitution rules,
//!   which Slint's renderer does not read) was parsed at every start, and fontconfig 2.14
//!   parses every template of `/usr/share/fontconfig/conf.avail` too, whatever the
//!   configuration says, unless it runs under a root of its own. So the kiosk gives it
//!   one: `DATA/fontconfig`, holding a configuration of font directories (with a
//!   sans-serif face first, for fallbacks) and links to the system's font directories
//!   and caches. The caches `fc-cache` keeps are used as they are (they are named by the
//!   path without the root), and the files fontconfig reports are the system's.
//!
//! - **No session bus** (`DBUS_SESSION_BUS_ADDRESS=disabled:`, the address GLib and
//!   libdbus read as "there is none"): Slint's winit backend asks the desktop's XDG portal
//!   for its appearance (dark or light, accent colour, font) and holds the first window
//!   until the answer, a failure, or half a second. On a device, and under the Xvfb of
//!   the measurements, there is no session bus: zbus started threads of its own to find
//!   that out, and the window waited for them (README, "Measurements"). The kiosk draws
//!   its own theme and follows no desktop's, and nothing else in it speaks D-Bus. zbus
//!   refuses the address as it parses it, before any thread or socket.
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
<!-- The kiosk's font configuration (src/ui/environment.rs): font directories, and
     the one rule of the desktop's that a fallback needs: a sans-serif face first (without
     it a Greek name was drawn in DejaVu Math TeX Gyre). -->
<fontconfig>
  <dir>/usr/share/fonts</dir>
  <dir>/usr/local/share/fonts</dir>
  <cachedir>/var/cache/fontconfig</cachedir>
  <match target="pattern">
    <test qual="all" name="family" compare="not_eq"><string>sans-serif</string></test>
    <test qual="all" name="family" compare="not_eq"><string>serif</string></test>
    <test qual="all" name="family" compare="not_eq"><string>monospace</string></test>
    <edit name="family" mode="append_last"><string>sans-serif</string></edit>
  </match>
  <alias><family>sans-serif</family><prefer><family>DejaVu Sans</family></prefer></alias>
</fontconfig>
"#;

/// The session bus's address that names none.
const NO_SESSION_BUS: &str = "disabled:";

/// fontconfig's root under the data directory, and where its configuration is inside it.
const FONT_ROOT: &str = "fontconfig";
const FONT_CONFIG: &str = "/etc/fonts/fonts.conf";
/// The system's directories fontconfig reads under its root, linked there.
const FONT_LINKS: [&str; 3] = ["/usr/share/fonts", "/usr/local/share/fonts", "/var/cache/fontconfig"];

/// Writes the files where needed and sets the variables not already set. Call it in
/// `main` before any thread starts: setting the environment is not thread-safe.
pub fn prepare(data_dir: &Path) {
    for (variable, value) in variables(data_dir, |name| std::env::var_os(name).is_some()) {
        std::env::set_var(variable, value);
    }
}

/// The variables to set, each with its value, once the files they name hold what they
/// must; `is_set` says which variables the environment already has. fontconfig's two go
/// together: one set by hand keeps the other unset.
fn variables(data_dir: &Path, is_set: impl Fn(&str) -> bool) -> Vec<(&'static str, PathBuf)> {
    let mut set = Vec::new();
    if !is_set("DBUS_SESSION_BUS_ADDRESS") {
        set.push(("DBUS_SESSION_BUS_ADDRESS", PathBuf::from(NO_SESSION_BUS)));
    }
    if !is_set("XCOMPOSEFILE") {
        let compose = data_dir.join("compose");
        match write_if_different(&compose, COMPOSE) {
            Ok(()) => set.push(("XCOMPOSEFILE", compose)),
            Err(error) => tracing::debug!(%error, "the compose table's default applies"),
        }
    }
    if !is_set("FONTCONFIG_SYSROOT") && !is_set("FONTCONFIG_FILE") {
        let root = data_dir.join(FONT_ROOT);
        match font_root(&root) {
            Ok(()) => {
                set.push(("FONTCONFIG_SYSROOT", root));
                set.push(("FONTCONFIG_FILE", PathBuf::from(FONT_CONFIG)));
            }
            Err(error) => tracing::debug!(%error, "fontconfig's default configuration applies"),
        }
    }
    set
}

/// fontconfig's root: its configuration, and links to the system's font directories
/// and caches, each made only where it is missing or different.
fn font_root(root: &Path) -> std::io::Result<()> {
    write_if_different(&inside(root, FONT_CONFIG), FONTS)?;
    for target in FONT_LINKS {
        let link = inside(root, target);
        if std::fs::read_link(&link).ok().as_deref() == Some(Path::new(target)) {
            continue;
        }
        if let Some(parent) = link.parent() {
            std::fs::create_dir_all(parent)?;
        }
        match std::fs::remove_file(&link) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        std::os::unix::fs::symlink(target, &link)?;
    }
    Ok(())
}

/// `path` (absolute) under `root`.
fn inside(root: &Path, path: &str) -> PathBuf {
    root.join(path.trim_start_matches('/'))
}

fn write_if_different(path: &Path, content: &str) -> std::io::Result<()> {
    if std::fs::read(path).ok().as_deref() == Some(content.as_bytes()) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, content)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(set: &[(&str, PathBuf)], name: &str) -> Option<PathBuf> {
        set.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn the_files_are_written_once_and_a_variable_already_set_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let set = variables(&data, |name| name == "XCOMPOSEFILE");
        assert_eq!(value(&set, "XCOMPOSEFILE"), None);
        assert_eq!(value(&set, "DBUS_SESSION_BUS_ADDRESS"), Some(PathBuf::from("disabled:")));
        assert!(!data.join("compose").exists(), "a compose file of one's own is kept");
        let on_a_desktop = variables(&data, |name| name == "DBUS_SESSION_BUS_ADDRESS");
        assert_eq!(value(&on_a_desktop, "DBUS_SESSION_BUS_ADDRESS"), None, "a desktop's bus is kept");
        assert_eq!(value(&set, "FONTCONFIG_SYSROOT"), Some(data.join("fontconfig")));
        assert_eq!(
            value(&set, "FONTCONFIG_FILE"),
            Some(PathBuf::from("/etc/fonts/fonts.conf"))
        );
        let set = variables(&data, |name| name == "FONTCONFIG_FILE");
        assert_eq!(
            set.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            ["DBUS_SESSION_BUS_ADDRESS", "XCOMPOSEFILE"],
            "fontconfig's go together"
        );

        let config = data.join("fontconfig/etc/fonts/fonts.conf");
        assert_eq!(std::fs::read_to_string(data.join("compose")).unwrap(), COMPOSE);
        assert_eq!(
            std::fs::read_link(data.join("fontconfig/usr/share/fonts")).unwrap(),
            Path::new("/usr/share/fonts")
        );
        let modified = |path: &Path| std::fs::symlink_metadata(path).unwrap().modified().unwrap();
        let link = data.join("fontconfig/var/cache/fontconfig");
        let before = (modified(&data.join("compose")), modified(&config), modified(&link));
        std::thread::sleep(std::time::Duration::from_millis(20));
        variables(&data, |_| false);
        let after = (modified(&data.join("compose")), modified(&config), modified(&link));
        assert_eq!(after, before, "nothing written again");

        std::fs::write(&config, "<fontconfig/>").unwrap();
        std::fs::remove_file(&link).unwrap();
        std::os::unix::fs::symlink("/elsewhere", &link).unwrap();
        variables(&data, |_| false);
        assert_eq!(
            std::fs::read_to_string(&config).unwrap(),
            FONTS,
            "a changed file is mended"
        );
        assert_eq!(
            std::fs::read_link(&link).unwrap(),
            Path::new("/var/cache/fontconfig"),
            "and a link"
        );
    }

    #[test]
    fn the_font_configuration_finds_the_systems_fonts_for_a_cyrillic_name() {
        let dir = tempfile::tempdir().unwrap();
        let set = variables(dir.path(), |name| name == "XCOMPOSEFILE");
        let output = std::process::Command::new("fc-match")
            .args(["--format", "%{family[0]}|%{file}", ":lang=ru"])
            .envs(set)
            .output()
            .expect("fc-match runs (Debian package fontconfig; .ci/run installs it)");
        let found = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && found.contains("/usr/share/fonts/"),
            "fc-match found {found:?}"
        );
        assert!(found.starts_with("DejaVu Sans"), "fc-match found {found:?}");
    }

    #[test]
    fn nothing_is_set_where_the_data_directory_cannot_be_written() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        let set = variables(&file.join("data"), |_| false);
        assert_eq!(
            set.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            ["DBUS_SESSION_BUS_ADDRESS"],
            "only what needs no file"
        );
    }
}
