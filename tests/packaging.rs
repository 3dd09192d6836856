//! The device package, built by `cargo deb` from `[package.metadata.deb]` in Cargo.toml
//! with this build's binary, and read back as a device's dpkg would: its files, owners
//! and modes, lintian, the systemd unit's hardening and `systemd-analyze verify`, the
//! maintainer scripts run against a scratch root, the udev rule's touch calibration.
//!
//! Needs `cargo-deb` (`cargo install --locked cargo-deb`), Debian's `lintian` and
//! `systemd` (for `systemd-analyze`): `.ci/run` installs them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// The exposure `systemd-analyze security` may rate the unit at most (the limit).
const EXPOSURE_LIMIT: f64 = 3.0;

fn run(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?} could not start ({e}): .ci/run installs it"));
    assert!(
        output.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The package, built once for every test of this file: the debug binary of this build
/// (`--profile dev`, which cargo-deb 3 still takes with a warning), compressed fast.
fn package() -> &'static Path {
    static PACKAGE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, package) = PACKAGE.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let printed = run(Command::new(env!("CARGO"))
            .args([
                "deb",
                "--no-build",
                "--profile",
                "dev",
                "--fast",
                "--quiet",
                "--manifest-path",
            ])
            .arg(Path::new(ROOT).join("Cargo.toml"))
            .arg("--output")
            .arg(out.path()));
        let package = PathBuf::from(printed.trim());
        assert!(package.is_file(), "cargo deb printed {printed:?}");
        (out, package)
    });
    package
}

fn extracted(into: &Path) -> PathBuf {
    let tree = into.join("tree");
    run(Command::new("dpkg-deb").arg("-x").arg(package()).arg(&tree));
    tree
}

#[test]
fn the_package_holds_the_binary_the_unit_the_udev_rule_and_the_docs_owned_by_root() {
    let package = package();
    let name = package.file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with(&format!("instore-kiosk_{}-1_", env!("CARGO_PKG_VERSION"))) && name.ends_with(".deb"),
        "{name}"
    );
    let listing = run(Command::new("dpkg-deb").arg("-c").arg(package));
    // (mode, path) of every file a device needs; every entry root-owned.
    for (mode, path) in [
        ("-rwxr-xr-x", "./usr/bin/instore-kiosk"),
        ("-rw-r--r--", "./usr/lib/systemd/system/instore-kiosk.service"),
        ("-rw-r--r--", "./usr/lib/udev/rules.d/65-instore-kiosk-touch.rules"),
        ("-rw-r--r--", "./etc/default/instore-kiosk"),
        ("-rw-r--r--", "./usr/share/doc/instore-kiosk/settings.example.toml"),
        ("-rw-r--r--", "./usr/share/doc/instore-kiosk/README.md"),
        ("-rw-r--r--", "./usr/share/doc/instore-kiosk/copyright"),
        ("-rw-r--r--", "./usr/share/doc/instore-kiosk/changelog.Debian.gz"),
    ] {
        let line = listing
            .lines()
            .find(|l| l.ends_with(path))
            .unwrap_or_else(|| panic!("{path} missing:\n{listing}"));
        assert!(line.starts_with(&format!("{mode} 0/0")), "{path}: {line}");
    }
    for line in listing.lines() {
        assert!(line.split_whitespace().nth(1) == Some("0/0"), "not root's: {line}");
    }
    // The settings with their secrets are never in the package: the device's own.
    assert!(!listing.contains("./etc/instore-kiosk"), "{listing}");

    let field = |name: &str| run(Command::new("dpkg-deb").arg("-f").arg(package).arg(name));
    let depends = field("Depends");
    for needed in [
        "libc6",
        "libfontconfig1",
        "libxkbcommon0",
        "libinput10",
        "libudev1",
        "adduser",
        "fonts-dejavu-core",
    ] {
        assert!(depends.contains(needed), "{needed} not in Depends: {depends}");
    }
    assert!(field("Maintainer").contains('@'));
    let control = tempfile::tempdir().unwrap();
    run(Command::new("dpkg-deb").arg("-e").arg(package).arg(control.path()));
    let conffiles = std::fs::read_to_string(control.path().join("conffiles")).unwrap();
    assert_eq!(
        conffiles.trim(),
        "/etc/default/instore-kiosk",
        "the device's rotation survives upgrades"
    );
    let postinst = std::fs::read_to_string(control.path().join("postinst")).unwrap();
    assert!(
        postinst.contains("deb-systemd-helper enable instore-kiosk.service"),
        "{postinst}"
    );
    for script in ["postinst", "prerm", "postrm"] {
        run(Command::new("sh").arg("-n").arg(control.path().join(script)));
    }

    // The binary in it runs.
    let tree = extracted(control.path());
    let version = run(&mut Command::new(tree.join("usr/bin/instore-kiosk")).arg("--version"));
    assert_eq!(version.trim(), format!("instore-kiosk {}", env!("CARGO_PKG_VERSION")));
}

/// Lintian, Debian's package checker, finds no error. Its warnings are printed (the
/// closing note says which remain and why).
#[test]
fn lintian_finds_no_error_in_the_package() {
    let output = Command::new("lintian")
        .args(["--tag-display-limit", "0", "--allow-root"])
        .arg(package())
        .output()
        .expect("lintian (Debian's package) is installed by .ci/run");
    let report = String::from_utf8_lossy(&output.stdout);
    println!("lintian:\n{report}");
    let errors: Vec<&str> = report.lines().filter(|l| l.starts_with("E:")).collect();
    assert!(errors.is_empty(), "lintian errors:\n{}", errors.join("\n"));
    assert!(
        output.status.success() || !report.contains("E:"),
        "lintian failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The unit starts the kiosk on linuxkms (no X server), sandboxed: `systemd-analyze
/// security` rates it at most 3.0 (printed), and `systemd-analyze verify` has nothing
/// to say about it with the package's files in place.
#[test]
fn the_unit_runs_on_linuxkms_hardened_and_verifies_clean() {
    let unit_path = Path::new(ROOT).join("packaging/instore-kiosk.service");
    let unit = std::fs::read_to_string(&unit_path).unwrap();
    let lines: Vec<&str> = unit.lines().map(str::trim).collect();
    assert!(lines.contains(&"Environment=SLINT_BACKEND=linuxkms-software"), "{unit}");
    assert!(!unit.contains("DISPLAY="), "no X11 display: {unit}");
    for key in [
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "CapabilityBoundingSet=",
        "UMask=0077",
        "MemoryDenyWriteExecute=yes",
        "SystemCallFilter=@system-service",
        "Restart=always",
        "StandardError=journal",
        "SupplementaryGroups=dialout video input audio",
        "EnvironmentFile=-/etc/default/instore-kiosk",
    ] {
        assert!(lines.contains(&key), "{key} missing: {unit}");
    }

    let security = run(Command::new("systemd-analyze")
        .args(["security", "--offline=true", "--no-pager"])
        .arg(&unit_path));
    let exposure: f64 = security
        .lines()
        .find_map(|l| l.split("Overall exposure level for instore-kiosk.service:").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no overall exposure in:\n{security}"));
    println!("systemd-analyze security: exposure {exposure} (limit {EXPOSURE_LIMIT})");
    assert!(exposure <= EXPOSURE_LIMIT, "exposure {exposure}:\n{security}");

    // verify in a scratch root: the package's files, and the host's systemd units the
    // kiosk's unit is ordered after.
    let scratch = tempfile::tempdir().unwrap();
    let tree = extracted(scratch.path());
    let units = tree.join("usr/lib/systemd/system");
    for host_units in ["/usr/lib/systemd/system", "/lib/systemd/system"] {
        let Ok(entries) = std::fs::read_dir(host_units) else {
            continue;
        };
        for entry in entries.flatten() {
            let target = units.join(entry.file_name());
            if !target.exists() && entry.path().is_file() {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let output = Command::new("systemd-analyze")
        .arg("verify")
        .arg(format!("--root={}", tree.display()))
        .arg("/usr/lib/systemd/system/instore-kiosk.service")
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success() && said.trim().is_empty(),
        "systemd-analyze verify:\n{said}"
    );
}

/// The maintainer scripts, run as dpkg runs them but against a scratch root
/// (`DPKG_ROOT`) with the system's tools replaced by ones that write down what they
/// were asked: the `kiosk` user in its groups, its directories owner-only, the unit
/// enabled; a purge takes the data and settings away.
#[test]
fn the_maintainer_scripts_make_the_user_its_private_directories_and_enable_the_unit() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = tempfile::tempdir().unwrap();
    let control = scratch.path().join("control");
    run(Command::new("dpkg-deb").arg("-e").arg(package()).arg(&control));
    let root = scratch.path().join("root");
    std::fs::create_dir_all(&root).unwrap();
    let bin = scratch.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = scratch.path().join("asked");
    // getent: no kiosk user yet, every group there.
    for (tool, exit) in [
        ("adduser", 0),
        ("chown", 0),
        ("deb-systemd-helper", 0),
        ("deb-systemd-invoke", 0),
        ("systemctl", 0),
        ("udevadm", 0),
        ("getent", 0),
    ] {
        let body = if tool == "getent" {
            format!(
                "#!/bin/sh\necho \"getent $*\" >> '{}'\n[ \"$1\" = passwd ] && exit 2\nexit {exit}\n",
                log.display()
            )
        } else {
            format!("#!/bin/sh\necho \"{tool} $*\" >> '{}'\nexit {exit}\n", log.display())
        };
        let path = bin.join(tool);
        std::fs::write(&path, body).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let script = |name: &str, args: &[&str]| {
        let path = std::env::var("PATH").unwrap_or_default();
        run(Command::new("sh")
            .arg(control.join(name))
            .args(args)
            .env("DPKG_ROOT", &root)
            .env("PATH", format!("{}:{path}", bin.display())))
    };
    let said = script("postinst", &["configure"]);
    assert!(said.contains("provision"), "the technician is told what next: {said}");
    let asked = std::fs::read_to_string(&log).unwrap();
    assert!(
        asked.contains("adduser --system --group --home /var/lib/instore-kiosk --no-create-home kiosk"),
        "{asked}"
    );
    for group in ["dialout", "video", "input", "audio"] {
        assert!(asked.contains(&format!("adduser kiosk {group}")), "{group}: {asked}");
    }
    for dir in ["var/lib/instore-kiosk", "etc/instore-kiosk"] {
        let path = root.join(dir);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{dir}");
        assert!(
            asked.contains(&format!("chown kiosk:kiosk {}", path.display())),
            "{asked}"
        );
    }
    assert!(
        asked.contains("deb-systemd-helper enable instore-kiosk.service"),
        "{asked}"
    );
    assert!(
        !asked.contains("udevadm"),
        "a scratch root leaves the host's udev alone: {asked}"
    );

    // Upgrading runs the same without a second user.
    std::fs::write(root.join("var/lib/instore-kiosk/kiosk.db"), b"the queue").unwrap();
    script("prerm", &["upgrade", "0.1.0-1"]);
    assert!(
        root.join("var/lib/instore-kiosk/kiosk.db").exists(),
        "an upgrade keeps the queue"
    );
    script("postrm", &["remove"]);
    assert!(
        root.join("var/lib/instore-kiosk/kiosk.db").exists(),
        "a removal keeps the queue"
    );
    script("postrm", &["purge"]);
    assert!(!root.join("var/lib/instore-kiosk").exists() && !root.join("etc/instore-kiosk").exists());
}

/// A portrait device is one setting: SLINT_KMS_ROTATION in /etc/default/instore-kiosk,
/// read by the unit (the picture) and by the udev rule (touch). For each rotation the
/// rule's calibration matrix takes a touch on the panel back to the point of the window
/// drawn there, as Slint's software renderer turns the picture (clockwise).
#[test]
fn the_udev_rule_turns_touch_with_the_picture_for_every_rotation() {
    let rule = std::fs::read_to_string(Path::new(ROOT).join("packaging/65-instore-kiosk-touch.rules")).unwrap();
    let defaults = std::fs::read_to_string(Path::new(ROOT).join("packaging/instore-kiosk.default")).unwrap();
    assert!(rule.contains("IMPORT{file}=\"/etc/default/instore-kiosk\""), "{rule}");
    assert!(defaults.lines().any(|l| l == "SLINT_KMS_ROTATION=0"), "{defaults}");
    let matrix = |degrees: u32| -> Option<[f64; 6]> {
        let line = rule
            .lines()
            .find(|l| l.starts_with(&format!("ENV{{SLINT_KMS_ROTATION}}==\"{degrees}\"")))?;
        let values: Vec<f64> = line
            .split("LIBINPUT_CALIBRATION_MATRIX}=\"")
            .nth(1)?
            .trim_end_matches('"')
            .split_whitespace()
            .map(|v| v.parse().unwrap())
            .collect();
        values.try_into().ok()
    };
    // Where a window's point (u, v), 0..1, is drawn on the panel, turned clockwise.
    let drawn_at = |degrees: u32, (u, v): (f64, f64)| match degrees {
        90 => (1.0 - v, u),
        180 => (1.0 - u, 1.0 - v),
        270 => (v, 1.0 - u),
        _ => unreachable!(),
    };
    assert!(matrix(0).is_none(), "no rotation, no matrix: libinput's identity");
    for degrees in [90, 180, 270] {
        let m = matrix(degrees).unwrap_or_else(|| panic!("no matrix for {degrees}: {rule}"));
        for point in [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.25, 0.75)] {
            let (x, y) = drawn_at(degrees, point);
            let back = (m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]);
            assert!(
                (back.0 - point.0).abs() < 1e-9 && (back.1 - point.1).abs() < 1e-9,
                "{degrees}°: a touch on {point:?} lands on {back:?}"
            );
        }
    }
}
