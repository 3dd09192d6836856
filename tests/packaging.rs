//! The device package, built from this build's binary by `packaging/build-deb.sh`, and
//! read back with dpkg-deb as a device's dpkg would.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_instore-kiosk");

fn run(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_package_installs_the_binary_the_service_and_the_kiosk_user() {
    let out = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/build-deb.sh");
    let printed = run(Command::new("bash")
        .arg(&script)
        .args(["--binary", BIN, "--fast", "--out"])
        .arg(out.path()));
    let package = printed.trim().to_string();
    assert!(
        package.contains(&format!("instore-kiosk_{}_", env!("CARGO_PKG_VERSION"))) && package.ends_with(".deb"),
        "{package}"
    );

    let listing = run(Command::new("dpkg-deb").args(["-c", &package]));
    for path in [
        "./usr/bin/instore-kiosk",
        "./lib/systemd/system/instore-kiosk.service",
        "./usr/share/doc/instore-kiosk/settings.example.toml",
        "./etc/instore-kiosk/",
    ] {
        assert!(listing.lines().any(|l| l.ends_with(path)), "{path} missing:\n{listing}");
    }
    assert!(
        listing
            .lines()
            .any(|l| l.starts_with("-rwxr-xr-x root/root") && l.ends_with("./usr/bin/instore-kiosk")),
        "{listing}"
    );
    let depends = run(Command::new("dpkg-deb").args(["-f", &package, "Depends"]));
    for library in ["libfontconfig1", "libfreetype6", "libxkbcommon0"] {
        assert!(depends.contains(library), "{depends}");
    }

    // What a device gets: a binary that runs, a unit that starts it with the device's
    // settings and data, and a postinst that makes the kiosk user and its directory.
    let tree = out.path().join("tree");
    run(Command::new("dpkg-deb").args(["-x", &package]).arg(&tree));
    let version = run(Command::new(tree.join("usr/bin/instore-kiosk")).arg("--version"));
    assert_eq!(version.trim(), format!("instore-kiosk {}", env!("CARGO_PKG_VERSION")));
    let unit = std::fs::read_to_string(tree.join("lib/systemd/system/instore-kiosk.service")).unwrap();
    assert!(unit.contains("ExecStart=/usr/bin/instore-kiosk --config /etc/instore-kiosk/settings.toml"));
    assert!(unit.contains("Restart=always"));
    let control = out.path().join("control");
    run(Command::new("dpkg-deb").args(["-e", &package]).arg(&control));
    let postinst = std::fs::read_to_string(control.join("postinst")).unwrap();
    assert!(postinst.contains("adduser --system --group") && postinst.contains("/var/lib/instore-kiosk"));
    run(Command::new("sh").arg("-n").arg(control.join("postinst")));
}
