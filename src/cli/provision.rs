//! `instore-kiosk provision --from FILE`: sets a device up from a shell, for fleet
//! scripts. FILE is a settings file as README documents it, with PINs in clear; it is
//! checked as the kiosk would use it (the server signs in, the ports are there) and
//! written, PINs hashed, to the settings path with owner-only permissions.

use clap::Args;
use instore_kiosk::commerce::{ClientConfig, CommerceClient};
use instore_kiosk::settings::Settings;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Args)]
pub struct ProvisionArgs {
    /// The settings to check and install.
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
}

pub async fn run(args: ProvisionArgs, target: Option<&Path>) -> anyhow::Result<()> {
    let target = target
        .map(Path::to_path_buf)
        .or_else(Settings::default_path)
        .ok_or_else(|| anyhow::anyhow!("no settings path: give one with --config"))?;
    let text = std::fs::read_to_string(&args.from).map_err(|e| anyhow::anyhow!("{}: {e}", args.from.display()))?;
    let settings = Settings::parse_for_provisioning(&text)
        .and_then(|s| instore_kiosk::devices::check_settings(&s).map(|()| s))
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.from.display()))?;
    let Some(url) = settings.commerce.url.clone() else {
        anyhow::bail!("commerce.url: a device needs the store server's address");
    };
    let mut config = ClientConfig::new(&url)?;
    config.connect_timeout = Duration::from_secs(10);
    config.request_timeout = Duration::from_secs(20);
    let email = settings.commerce.email.clone().unwrap_or_default();
    CommerceClient::new(config)?
        .login(&email, settings.commerce.password.as_deref().unwrap_or_default())
        .await
        .map_err(|e| anyhow::anyhow!("login as {email}: {e}"))?;
    for (name, port) in [
        ("printer.port", &settings.printer.port),
        ("scanner.port", &settings.scanner.port),
    ] {
        if instore_kiosk::devices::check::port_missing(port) {
            anyhow::bail!("{name}: {port} is not there (see `instore-kiosk devices list`)");
        }
    }
    settings.write_private(&target).map_err(anyhow::Error::msg)?;
    println!("signed in as {email} at {url}");
    println!("wrote {} (owner-only; PINs hashed)", target.display());
    Ok(())
}
