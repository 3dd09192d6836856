//! The command line's commands, one file each: `run` (the kiosk), `sim`, `checkout`,
//! `catalog`, `queue`, `devices` and `report`. Each parses its flags and prints; the work is
//! done by the library, where the screens and the tests reach it too.
//!
//! Not here: clap's top level and the dispatch (`main.rs`).

pub mod catalog;
pub mod checkout;
pub mod devices;
pub mod doctor;
pub mod provision;
pub mod queue;
pub mod register;
pub mod report;
pub mod run;
pub mod sim;

use clap::Args;
use instore_kiosk::commerce::{ClientConfig, CommerceClient};
use instore_kiosk::settings::Settings;
use std::path::PathBuf;

/// Which server and account; each defaults to the settings file.
#[derive(Args)]
pub struct ServerArgs {
    /// The commerce server (default: from settings).
    #[arg(long, value_name = "URL")]
    pub commerce_url: Option<String>,
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,
    #[arg(long, value_name = "PASSWORD", env = "INSTORE_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

/// Libraries that log headers or cookies at debug level; whatever `INSTORE_LOG` asks,
/// they stay at `warn`, so no log carries a session cookie or a CSRF token.
const QUIET_LIBRARIES: &[&str] = &["cookie_store", "reqwest", "hyper", "hyper_util", "h2", "rustls", "axum"];

pub fn init_logging() {
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("INSTORE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    for library in QUIET_LIBRARIES {
        if let Ok(directive) = format!("{library}=warn").parse() {
            filter = filter.add_directive(directive);
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

/// The data directory when `--data-dir` is not given.
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("com", "Akinon", "instore-kiosk")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("instore-kiosk-data"))
}

/// Logs in to the server named by the flags, else by the settings.
pub async fn connect(settings: &Settings, server: &ServerArgs) -> anyhow::Result<CommerceClient> {
    let url = server
        .commerce_url
        .clone()
        .or(settings.commerce.url.clone())
        .ok_or_else(|| {
            anyhow::anyhow!("no commerce server: pass --commerce-url or set commerce.url in the settings file")
        })?;
    instore_kiosk::settings::check_server_url(&url).map_err(|e| anyhow::anyhow!("--commerce-url: {e}"))?;
    let email = server
        .email
        .clone()
        .or(settings.commerce.email.clone())
        .ok_or_else(|| anyhow::anyhow!("pass --email"))?;
    let password = server
        .password
        .clone()
        .or(settings.commerce.password.clone())
        .ok_or_else(|| anyhow::anyhow!("pass --password"))?;
    let mut config = ClientConfig::new(&url)?;
    config.connect_timeout = settings.commerce.connect_timeout();
    config.request_timeout = settings.commerce.request_timeout();
    let client = CommerceClient::new(config)?;
    client.login(&email, &password).await?;
    println!("logged in as {email}");
    Ok(client)
}
