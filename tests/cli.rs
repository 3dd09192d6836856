//! The binary as a technician uses it: `instore-kiosk sim` in one process and
//! `instore-kiosk checkout` in another, talking real HTTP; and the errors a person sees
//! for bad settings or an unreachable server.

mod common;

use common::free_loopback_port;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_instore-kiosk");

/// A child process killed when the test ends, pass or fail.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `instore-kiosk sim` on a free port; returns it and its base URL.
fn start_sim(extra: &[&str]) -> (Running, String) {
    let mut child = Command::new(BIN)
        .args(["sim", "--listen", "127.0.0.1:0", "--poll-seconds", "1"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("the simulator prints its address").unwrap();
    let url = first
        .strip_prefix("simulator listening on ")
        .expect("the address line")
        .to_string();
    std::thread::spawn(move || for _ in lines {});
    (Running(child), url)
}

/// A data directory of the test's own, never the user's real one.
fn scratch_data_dir() -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("instore-cli-test-{}-{n}", std::process::id()))
}

fn checkout_command(url: &str, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("--data-dir")
        .arg(scratch_data_dir())
        .args([
            "checkout",
            "--commerce-url",
            url,
            "--email",
            "demo@instore.test",
            "--password",
            "demo1234",
        ])
        .args(args)
        .env("INSTORE_LOG", "warn");
    command
}

#[test]
fn checkout_command_pays_at_the_register_and_prints_the_order_number() {
    let (_sim, url) = start_sim(&[]);
    let mut child = checkout_command(
        &url,
        &["--scan", "8690000010011", "--scan", "SCK-030", "--pay", "cash_register"],
    )
    .stdout(Stdio::piped())
    .spawn()
    .unwrap();
    let stdout = child.stdout.take().unwrap();
    let child = Running(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    let mut lines = Vec::new();
    let mut paid = None;
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(30)) {
        // The cashier scans the barcode number the kiosk shows: the register reads the
        // order, then confirms the payment, with the register command's real calls.
        if let Some(rest) = line.strip_prefix("barcode ") {
            let number = rest.split_whitespace().next().unwrap().to_string();
            let register = |pay: bool| {
                let mut command = Command::new(BIN);
                command.args(["register", "--commerce-url", &url, "--order-number", &number]);
                if pay {
                    command.arg("--pay");
                }
                let output = command.env("INSTORE_LOG", "warn").output().unwrap();
                assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
                String::from_utf8(output.stdout).unwrap()
            };
            let read = register(false);
            assert!(read.contains("1 x SCK-030 Çorap 3'lü Paket  119,99 ₺"), "{read}");
            assert!(read.contains("amount due 369,89 ₺"), "{read}");
            let paid_at = register(true);
            assert!(paid_at.contains("paid 369,89 ₺"), "{paid_at}");
            paid = Some(number);
        }
        lines.push(line);
    }
    let mut child = child;
    let status = child.0.wait().unwrap();
    assert!(status.success(), "checkout failed:\n{}", lines.join("\n"));
    let number = paid.expect("a barcode was printed");
    assert_eq!(lines.last().unwrap(), &format!("order {number}"));
    assert!(
        lines
            .iter()
            .any(|l| l == "paid 369.89 TRY with Cash Register (cash_register)"),
        "{lines:#?}"
    );
}

#[test]
fn checkout_command_picks_an_option_by_name_and_approves_a_third_party() {
    let (_sim, url) = start_sim(&[]);
    let output = checkout_command(
        &url,
        &[
            "--scan",
            "TSH-002",
            "--pay",
            "confirmation",
            "--option",
            "Paycell (with agreement)",
            "--otp",
            "5544",
        ],
    )
    .output()
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("step ConfirmationPaymentAgreementConfirmPage"));
    assert!(stdout.contains("with Paycell (with agreement) (confirmation)"));

    let output = checkout_command(
        &url,
        &[
            "--scan",
            "TSH-002",
            "--pay",
            "credit_payment",
            "--third-party",
            "approve",
        ],
    )
    .output()
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.lines().last().unwrap().starts_with("order "));
}

#[test]
fn checkout_command_explains_an_unknown_code_and_an_unreachable_server() {
    let (_sim, url) = start_sim(&[]);
    let output = checkout_command(&url, &["--scan", "0000000000000", "--pay", "pay_later"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no product has the code \"0000000000000\""));

    // A port nobody listens on: the listener is bound, then dropped.
    let free = free_loopback_port();
    let output = checkout_command(
        &format!("http://{free}/"),
        &["--scan", "SCK-030", "--pay", "cash_register"],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot be reached"), "{stderr}");

    // A strategy that may be sold offline is queued instead; with no local catalog copy
    // the sale cannot be priced, and the error says what to do.
    let output = checkout_command(&format!("http://{free}/"), &["--scan", "SCK-030", "--pay", "pay_later"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("in the local catalog (run 'catalog sync' while online)"),
        "{stderr}"
    );
}

#[test]
fn a_corrupt_settings_file_names_the_file_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    std::fs::write(
        &path,
        "[commerce]\nurl = \"https://shop.example\"\nrequest_timeout_ms = \"soon\"\n",
    )
    .unwrap();
    let output = Command::new(BIN)
        .args(["--config", path.to_str().unwrap(), "sim", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(path.to_str().unwrap()) && stderr.contains("request_timeout_ms"),
        "{stderr}"
    );

    std::fs::write(&path, [0xff, 0xfe, 0x00, 0x01]).unwrap();
    let output = Command::new(BIN)
        .args(["--config", path.to_str().unwrap(), "sim"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("settings file"));
}

#[test]
fn logs_never_contain_the_password_or_the_session_cookie() {
    let (_sim, url) = start_sim(&[]);
    let output = checkout_command(&url, &["--scan", "SCK-030", "--pay", "pay_later"])
        .env("INSTORE_LOG", "trace")
        .output()
        .unwrap();
    assert!(output.status.success());
    let logs = String::from_utf8_lossy(&output.stderr);
    assert!(logs.contains("logged in"), "trace logs were written");
    assert!(!logs.contains("demo1234"), "the password is in the logs");
    assert!(!logs.contains("osessionid="), "a session cookie is in the logs");
    assert!(
        !logs.to_lowercase().contains("x-csrftoken: "),
        "a CSRF token is in the logs"
    );
}

#[test]
fn a_read_only_database_is_named_and_nothing_is_taken_offline() {
    let data = scratch_data_dir();
    let ok = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data)
        .args(["queue", "list"])
        .output()
        .unwrap();
    assert!(ok.status.success(), "a fresh data directory works");
    common::make_read_only(&data);
    let run = |args: &[&str]| {
        common::honouring_file_modes(std::path::Path::new(BIN))
            .arg("--data-dir")
            .arg(&data)
            .args(args)
            .env("INSTORE_LOG", "off")
            .output()
            .unwrap()
    };
    let listed = run(&["queue", "list"]);
    let queued = run(&[
        "checkout",
        "--commerce-url",
        "http://127.0.0.1:9/",
        "--queue",
        "--scan",
        "SCK-030",
        "--pay",
        "pay_later",
    ]);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    for output in [listed, queued] {
        assert_eq!(output.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!(
                "the local database {} cannot be written",
                data.join("kiosk.db").display()
            )),
            "{stderr}"
        );
        assert!(!String::from_utf8_lossy(&output.stdout).contains("queued"));
    }
    let _ = std::fs::remove_dir_all(&data);
}

/// The password reaches neither a log nor an error, and never crosses the network in
/// plain http://: a broken password line names the key and the line, not the value; a
/// remote http:// server is refused before any request.
#[test]
fn the_password_stays_on_the_device() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    std::fs::write(
        &path,
        "[commerce]\nurl = \"https://shop.example\"\nemail = \"a@b.c\"\npassword = 99887766\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let output = Command::new(BIN)
        .args(["--config", path.to_str().unwrap(), "queue", "list"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("password on line 4"), "{stderr}");
    assert!(!stderr.contains("99887766"), "the password is in the error: {stderr}");

    let output = checkout_command("http://shop.example/", &["--scan", "SCK-030", "--pay", "cash_register"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("--commerce-url") && stderr.contains("https://"),
        "{stderr}"
    );
}

/// A device whose settings name no commerce server does not quietly become a demo kiosk
/// (whose simulator would take the device's queued orders): it says what is missing.
#[test]
fn a_settings_file_without_a_server_never_starts_demo_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    std::fs::write(&path, "[kiosk]\nlanguage = \"en\"\n").unwrap();
    let output = Command::new(BIN)
        .args(["--config", path.to_str().unwrap(), "--data-dir"])
        .arg(dir.path().join("data"))
        .arg("run")
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains(path.to_str().unwrap())
            && stderr.contains("commerce.url is not set")
            && stderr.contains("instore-kiosk demo"),
        "{stderr}"
    );
    assert!(!stderr.contains("simulator listening"), "{stderr}");
    assert!(
        !dir.path().join("data").join("kiosk.db").exists(),
        "the device's data is untouched"
    );
}

/// Writes an owner-only settings file for `url` with a printer on `printer_port`.
fn settings_file(dir: &std::path::Path, url: &str, printer_port: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("settings.toml");
    std::fs::write(
        &path,
        format!(
            "[commerce]\nurl = \"{url}\"\nemail = \"demo@instore.test\"\npassword = \"demo1234\"\n\
             [printer]\nport = \"{printer_port}\"\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

fn doctor(config: &std::path::Path, data: &std::path::Path) -> (Option<i32>, serde_json::Value) {
    let output = Command::new(BIN)
        .args([
            "--config",
            config.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
        ])
        .args(["doctor", "--json"])
        .env("INSTORE_LOG", "warn")
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    (output.status.code(), report)
}

fn level_of<'a>(report: &'a serde_json::Value, check: &str) -> &'a str {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == check)
        .and_then(|c| c["level"].as_str())
        .unwrap_or_else(|| panic!("no {check} check in {report:#}"))
}

/// A healthy device: the server signs in, the printer on its (pseudo-)serial line
/// answers that it has paper. Nothing fails, and doctor exits 0.
#[test]
fn doctor_passes_a_healthy_device() {
    use common::printer::{answering, terminal, FakePrinter};
    let (_sim, url) = start_sim(&[]);
    let (master, port) = terminal();
    let _printer = FakePrinter::start(master, answering());
    let dir = scratch_data_dir();
    let config = settings_file(&dir, &url, &port);
    let (code, report) = doctor(&config, &dir.join("data"));
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["passed"], true);
    for check in [
        "settings",
        "data directory",
        "free space",
        "clock",
        "dns",
        "tcp",
        "login",
        "database",
        "printer",
    ] {
        assert_eq!(level_of(&report, check), "ok", "{check}: {report:#}");
    }
    assert_eq!(level_of(&report, "catalog copy"), "warn", "no copy yet");
    let _ = std::fs::remove_dir_all(dir);
}

/// In a Turkish shell `doctor` speaks Turkish, names and sentences, while `--json`
/// keeps the checks' stable names for scripts.
#[test]
fn doctor_speaks_the_shells_language() {
    let (_sim, url) = start_sim(&[]);
    let dir = scratch_data_dir();
    let config = settings_file(&dir, &url, "");
    let run = |json: bool| {
        let mut command = Command::new(BIN);
        command
            .args(["--config", config.to_str().unwrap(), "--data-dir"])
            .arg(dir.join("data"))
            .arg("doctor")
            .args(json.then_some("--json"))
            .env("INSTORE_LOG", "warn")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "tr_TR.UTF-8");
        String::from_utf8(command.output().unwrap().stdout).unwrap()
    };
    let text = run(false);
    let line = |name: &str| {
        text.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no {name} line: {text}"))
            .to_string()
    };
    assert!(line("oturum açma").contains("olarak oturum açıldı"), "{text}");
    assert!(line("yazıcı").contains("ayarlı değil: fiş basılmıyor"), "{text}");
    assert!(!text.contains("none set") && !text.contains("signed in"), "{text}");
    let report: serde_json::Value = serde_json::from_str(&run(true)).unwrap();
    assert_eq!(level_of(&report, "login"), "ok", "{report:#}");
    assert_eq!(level_of(&report, "printer"), "warn", "{report:#}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A sick one: the server is down, the database damaged, the printer unplugged. Each
/// fails with a sentence of what to do, and doctor exits non-zero. A settings file that
/// cannot be read is a failed check too, not a crash.
#[test]
fn doctor_names_what_is_broken_and_what_to_do() {
    let dir = scratch_data_dir();
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("kiosk.db"), b"this is not a database, it was overwritten").unwrap();
    let down = format!("http://{}/", free_loopback_port());
    let config = settings_file(&dir, &down, "/dev/ttyUSB-not-plugged-in");
    let (code, report) = doctor(&config, &data);
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(report["passed"], false);
    for check in ["tcp", "database", "printer"] {
        assert_eq!(level_of(&report, check), "fail", "{check}: {report:#}");
    }
    let detail = |check: &str| {
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == check)
            .unwrap()["detail"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(detail("tcp").contains("Is the server up"), "{}", detail("tcp"));
    assert!(
        detail("printer").contains("Plug the printer in"),
        "{}",
        detail("printer")
    );

    std::fs::write(&config, "[commerce\nurl = ").unwrap();
    let (code, report) = doctor(&config, &data);
    assert_eq!(code, Some(1));
    assert_eq!(level_of(&report, "settings"), "fail");
    let _ = std::fs::remove_dir_all(dir);
}

/// A fleet script provisions a device: the file's PINs are given in clear, the server
/// login and the ports are checked, and the settings are written owner-only with the
/// PINs hashed, ready for the kiosk. What fails is named, and nothing is written.
#[test]
fn provision_checks_the_device_and_writes_private_settings_with_pins_hashed() {
    use std::os::unix::fs::PermissionsExt;
    let (_sim, url) = start_sim(&[]);
    let dir = scratch_data_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join("fleet.toml");
    let target = dir.join("etc").join("settings.toml");
    let provision = |text: &str| {
        std::fs::write(&source, text).unwrap();
        Command::new(BIN)
            .args([
                "--config",
                target.to_str().unwrap(),
                "provision",
                "--from",
                source.to_str().unwrap(),
            ])
            .env("INSTORE_LOG", "warn")
            .output()
            .unwrap()
    };
    let good = format!(
        "[commerce]\nurl = \"{url}\"\nemail = \"demo@instore.test\"\npassword = \"demo1234\"\n\
         [pins]\nclerk = \"2580\"\ntechnician = \"97531\"\n"
    );

    let wrong = provision(&good.replace("demo1234", "wrong"));
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("login as demo@instore.test"));
    let unplugged = provision(&format!("{good}[printer]\nport = \"/dev/ttyUSB-gone\"\n"));
    assert!(String::from_utf8_lossy(&unplugged.stderr).contains("printer.port: /dev/ttyUSB-gone is not there"));
    let short = provision(&good.replace("\"2580\"", "\"12\""));
    assert!(String::from_utf8_lossy(&short.stderr).contains("pins.clerk: a PIN is 4 to 8 digits"));
    assert!(!target.exists(), "nothing written after a failure");

    let done = provision(&good);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "owner-only");
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.contains("$argon2id$"), "{written}");
    assert!(
        !written.contains("2580") && !written.contains("97531"),
        "no PIN in clear: {written}"
    );
    let settings =
        instore_kiosk::settings::Settings::load(Some(&target), instore_kiosk::devices::check_settings).unwrap();
    assert!(instore_kiosk::pins::verify(
        "2580",
        settings.pins.clerk.as_deref().unwrap()
    ));
    assert_eq!(settings.commerce.url.as_deref(), Some(url.as_str()));

    // A hand-written PIN in clear is refused by the kiosk, naming the way to fix it.
    std::fs::write(&target, good.as_bytes()).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
    let refused = instore_kiosk::settings::Settings::load(Some(&target), instore_kiosk::devices::check_settings)
        .unwrap_err()
        .to_string();
    assert!(refused.contains("pins.clerk: a PIN in clear"), "{refused}");
    let _ = std::fs::remove_dir_all(dir);
}

/// README's `port = "virtual"` for a demo or a training with a real server: `provision`
/// accepts the file, and `doctor` reports both devices as ok, saying what they are.
#[test]
fn virtual_devices_are_provisioned_and_pass_doctor_as_documented() {
    let (_sim, url) = start_sim(&[]);
    let dir = scratch_data_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join("training.toml");
    let target = dir.join("etc").join("settings.toml");
    std::fs::write(
        &source,
        format!(
            "[commerce]\nurl = \"{url}\"\nemail = \"demo@instore.test\"\npassword = \"demo1234\"\n\
             [printer]\nport = \"virtual\"\n[scanner]\nport = \"virtual\"\n"
        ),
    )
    .unwrap();
    let provision = Command::new(BIN)
        .args([
            "--config",
            target.to_str().unwrap(),
            "provision",
            "--from",
            source.to_str().unwrap(),
        ])
        .env("INSTORE_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        provision.status.success(),
        "{}",
        String::from_utf8_lossy(&provision.stderr)
    );
    let (code, report) = doctor(&target, &dir.join("data"));
    assert_eq!(level_of(&report, "printer"), "ok", "{report:#}");
    assert_eq!(level_of(&report, "scanner"), "ok", "{report:#}");
    let detail = |check: &str| {
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == check)
            .unwrap()["detail"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        detail("printer").starts_with("virtual") && detail("printer").contains("receipts"),
        "{report:#}"
    );
    assert!(detail("scanner").contains("virtual-scanner"), "{report:#}");
    assert_ne!(code, Some(1), "nothing fails on a virtual training device: {report:#}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A device without X11 draws through linuxkms (`kiosk.display = "linuxkms"`). On a
/// machine with neither DRM nor a framebuffer (like CI) that is a clear error naming
/// what was tried, never a panic.
#[test]
fn the_linuxkms_display_is_chosen_by_a_setting_and_fails_clearly_without_a_screen() {
    use std::os::unix::fs::PermissionsExt;
    let (_sim, url) = start_sim(&[]);
    let dir = scratch_data_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("settings.toml");
    let run_with = |display: &str| {
        std::fs::write(
            &config,
            format!(
                "[commerce]\nurl = \"{url}\"\nemail = \"demo@instore.test\"\npassword = \"demo1234\"\n\
                 [kiosk]\ndisplay = \"{display}\"\n"
            ),
        )
        .unwrap();
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
        let output = Command::new(BIN)
            .args(["--config", config.to_str().unwrap(), "--data-dir"])
            .arg(dir.join("data"))
            .arg("run")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("SLINT_BACKEND")
            .output()
            .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        assert!(!stderr.contains("panicked"), "{stderr}");
        stderr
    };
    let kms = run_with("linuxkms");
    assert!(kms.contains("framebuffer") && !kms.contains("winit"), "{kms}");
    let window = run_with("window");
    assert!(window.contains("winit") && !window.contains("framebuffer"), "{window}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Ayşe's own basket on the simulator at `url` (sku, quantity), through a session on her
/// behalf, after adding `add` (product pk, quantity) to it as the web shop would.
fn ayse_basket(url: &str, add: &[(u64, u32)]) -> Vec<(String, u32)> {
    use instore_kiosk::commerce::{records::Pk, ClientConfig, CommerceClient};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = CommerceClient::new(ClientConfig::new(url).unwrap()).unwrap();
        client.login(common::EMAIL, common::PASSWORD).await.unwrap();
        let (ayse, _) = client.session_for(&Pk("2".into())).await.unwrap();
        for (product, quantity) in add {
            ayse.add_to_basket(&Pk(product.to_string()), *quantity).await.unwrap();
        }
        let basket = ayse.basket().await.unwrap();
        basket
            .basketitem_set
            .iter()
            .map(|l| (l.product.sku.clone(), l.quantity))
            .collect()
    })
}

/// `checkout --customer` sells for a customer found by phone: it says for whom, and the
/// order is on the customer's account; what she had in her own basket is not sold, and
/// is back in it after.
#[test]
fn checkout_for_a_customer_puts_the_order_on_their_account() {
    let (_sim, url) = start_sim(&[]);
    // CAP-060, pk 108, left in her web shop basket.
    let online = ayse_basket(&url, &[(108, 1)]);
    assert_eq!(online, [("CAP-060".to_string(), 1)]);
    let output = checkout_command(
        &url,
        &["--customer", "5321112233", "--scan", "SCK-030", "--pay", "pay_later"],
    )
    .output()
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("selling for Ayşe Yılmaz (ayse.yilmaz@example.com)"),
        "{stdout}"
    );
    let number = stdout
        .lines()
        .find_map(|l| l.strip_prefix("order ")?.strip_suffix(" for Ayşe Yılmaz"))
        .unwrap_or_else(|| panic!("{stdout}"))
        .to_string();
    let orders: serde_json::Value = reqwest::blocking::get(format!("{url}_sim/orders"))
        .unwrap()
        .json()
        .unwrap();
    let order = orders["results"]
        .as_array()
        .and_then(|all| all.iter().find(|o| o["number"] == number.as_str()))
        .unwrap_or_else(|| panic!("{orders:#}"))
        .clone();
    assert_eq!(order["user_email"], "ayse.yilmaz@example.com", "{order:#}");
    assert!(
        stdout.contains("the customer's own basket put back (1 line)"),
        "{stdout}"
    );
    assert_eq!(ayse_basket(&url, &[]), online, "her cap is in her basket again");
    assert_eq!(
        order["items"].as_array().map(Vec::len),
        Some(1),
        "the socks only: {order:#}"
    );

    let nobody = checkout_command(
        &url,
        &[
            "--customer",
            "nobody@example.com",
            "--scan",
            "SCK-030",
            "--pay",
            "pay_later",
        ],
    )
    .output()
    .unwrap();
    assert!(!nobody.status.success());
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("no customer matches"));
}

#[test]
fn checkout_ships_to_a_customers_address_or_a_new_one() {
    let (_sim, url) = start_sim(&[]);
    let run = |extra: &[&str]| {
        let mut args = vec!["--customer", "ayse.yilmaz@example.com", "--pay", "pay_on_delivery"];
        args.extend_from_slice(extra);
        let output = checkout_command(&url, &args).output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    };
    let (ok, text) = run(&["--scan", "SCK-030", "--ship-to", "İş"]);
    assert!(ok, "{text}");
    assert!(
        text.contains("shipped: Standart kargo → Büyükdere Cad. No: 100 Kat: 7, Şişli/İstanbul"),
        "{text}"
    );
    assert!(text.contains(" for Ayşe Yılmaz"), "{text}");

    let (ok, text) = run(&[
        "--scan",
        "COA-110",
        "--ship-to",
        "new:Yazlık;izmir;Konak;Kıbrıs Şehitleri Cad. 7",
        "--shipping",
        "2",
    ]);
    assert!(ok, "{text}");
    assert!(text.contains("new address "), "{text}");
    assert!(
        text.contains("shipped: Hızlı kargo → Kıbrıs Şehitleri Cad. 7, Konak/İzmir"),
        "{text}"
    );

    let (ok, text) = run(&["--scan", "COA-110"]);
    assert!(!ok, "the coat is not in the store: {text}");
    assert!(text.contains("only shipped"), "{text}");
    let (ok, text) = run(&["--scan", "SCK-030"]);
    assert!(ok, "{text}");
    assert!(text.contains("collect in the store: Instore Demo Kadıköy"), "{text}");

    let (ok, text) = run(&["--scan", "SCK-030", "--ship-to", "new:Ev;Ankara;Kadıköy;Bir sokak 1"]);
    assert!(!ok);
    assert!(text.contains("Ankara has no district \"Kadıköy\""), "{text}");
}

/// With the server away, a sale for a customer is refused rather than queued on the
/// kiosk's own account (the customer cannot be found offline).
#[test]
fn a_sale_for_a_customer_is_never_queued_without_the_customer() {
    let data = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .arg("--data-dir")
        .arg(data.path())
        .args([
            "checkout",
            "--commerce-url",
            "http://127.0.0.1:1/",
            "--email",
            "demo@instore.test",
            "--password",
            "demo1234",
            "--customer",
            "5321112233",
            "--scan",
            "SCK-030",
            "--pay",
            "pay_on_delivery",
        ])
        .env("INSTORE_LOG", "warn")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let store = instore_kiosk::offline::Store::open(data.path()).unwrap();
    assert!(
        instore_kiosk::offline::queue::list(&store).unwrap().is_empty(),
        "nothing queued"
    );
    let queued = Command::new(BIN)
        .arg("--data-dir")
        .arg(data.path())
        .args(["checkout", "--queue", "--customer", "5321112233", "--scan", "SCK-030"])
        .args(["--pay", "pay_on_delivery"])
        .output()
        .unwrap();
    assert!(!queued.status.success());
    assert!(String::from_utf8_lossy(&queued.stderr).contains("--customer needs the server"));
}

/// Accessible mode speaks through a voice program: a device without it (or without a
/// sound card) is told, as a warning, and nothing else stops.
#[test]
fn doctor_says_when_accessible_mode_cannot_speak() {
    let dir = scratch_data_dir();
    let down = format!("http://{}/", free_loopback_port());
    let config = settings_file(&dir, &down, "");
    let text = std::fs::read_to_string(&config).unwrap() + "[kiosk]\nspeech_command = \"/no/such/voice\"\n";
    std::fs::write(&config, text).unwrap();
    let (_, report) = doctor(&config, &dir.join("data"));
    assert_eq!(level_of(&report, "speech"), "warn", "{report:#}");
    let detail = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "speech")
        .unwrap()["detail"]
        .to_string();
    assert!(
        detail.contains("/no/such/voice is not installed") && detail.contains("does not speak"),
        "{detail}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// `report` prints the day's close figures for support: the server's orders by payment
/// type since a day, none since tomorrow, and a `--since` it cannot read named.
#[test]
fn report_prints_the_days_figures_by_payment_type() {
    let (_sim, url) = start_sim(&[]);
    let data = scratch_data_dir();
    let server = ["--commerce-url", url.as_str(), "--email", "demo@instore.test", "--password", "demo1234"];
    for code in ["8690000010059", "8690000010103"] {
        let status = Command::new(BIN)
            .arg("--data-dir")
            .arg(&data)
            .args(["checkout", "--scan", code, "--pay", "pay_on_delivery"])
            .args(server)
            .env("INSTORE_LOG", "warn")
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    }
    let report = |since: &str, json: bool| {
        let mut command = Command::new(BIN);
        command
            .arg("--data-dir")
            .arg(&data)
            .args(["report", "--since", since])
            .args(server)
            .env("INSTORE_LOG", "warn");
        if json {
            command.arg("--json");
        }
        command.output().unwrap()
    };
    let today = chrono::Local::now().date_naive();
    let output = report(&today.format("%Y-%m-%d").to_string(), true);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json: serde_json::Value = serde_json::from_str(&stdout[stdout.find('{').unwrap()..]).unwrap();
    assert_eq!(json["sales"][0]["name"], "Pay on delivery");
    assert_eq!(json["sales"][0]["count"], 2);
    // 119.99 and 459.00, each with the door's 9.90.
    assert_eq!(json["sales"][0]["amount"], "598.79");
    assert_eq!(json["expected_cash"], "0", "nothing paid at the register");

    let tomorrow = (today + chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    let output = report(&tomorrow, false);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Sales\n  none"), "{text}");

    let output = report("yesterday-ish", false);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--since \"yesterday-ish\"") && stderr.contains("last-close"), "{stderr}");
}
