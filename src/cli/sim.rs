//! `instore-kiosk sim`: the commerce simulator on a real port, until interrupted.

use clap::Args;
use instore_kiosk::sim::{Scenario, Simulator};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Args)]
pub struct SimArgs {
    #[arg(long, default_value = "127.0.0.1:8800", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// Scenario file (TOML); flags below override it.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Take cash-register payments by themselves after N polls.
    #[arg(long, value_name = "N")]
    pub auto_pay_after: Option<u32>,
    /// The `seconds` the cash-register page asks the kiosk to wait between polls.
    #[arg(long, value_name = "SECONDS")]
    pub poll_seconds: Option<u32>,
    #[arg(long, value_name = "MS")]
    pub latency_ms: Option<u64>,
    /// Share (0..1) of requests answered 503.
    #[arg(long, value_name = "SHARE")]
    pub error_rate: Option<f64>,
    /// Share (0..1) of requests whose connection is dropped unanswered.
    #[arg(long, value_name = "SHARE")]
    pub drop_rate: Option<f64>,
    /// Share (0..1) of answers replaced by broken JSON.
    #[arg(long, value_name = "SHARE")]
    pub malformed_rate: Option<f64>,
    /// Share (0..1) of requests processed and then left unanswered.
    #[arg(long, value_name = "SHARE")]
    pub lose_answer_rate: Option<f64>,
    /// Sessions expire after N requests.
    #[arg(long, value_name = "N")]
    pub session_expiry_after: Option<u32>,
    /// Name every link by this address instead of the one asked (`https://internal:8443`):
    /// the server behind a proxy that passes neither the Host nor the scheme on.
    #[arg(long, value_name = "URL")]
    pub links_origin: Option<String>,
    #[arg(long)]
    pub seed: Option<u64>,
}

pub async fn run(args: SimArgs) -> anyhow::Result<()> {
    let mut scenario = match &args.scenario {
        Some(path) => Scenario::from_file(path).map_err(anyhow::Error::msg)?,
        None => Scenario::default(),
    };
    if args.auto_pay_after.is_some() {
        scenario.cash_register_auto_pay_after_polls = args.auto_pay_after;
    }
    if let Some(s) = args.poll_seconds {
        scenario.cash_register_poll_seconds = s;
    }
    if let Some(ms) = args.latency_ms {
        scenario.latency_ms = ms;
    }
    let f = &mut scenario.faults;
    f.server_error_rate = args.error_rate.unwrap_or(f.server_error_rate);
    f.drop_rate = args.drop_rate.unwrap_or(f.drop_rate);
    f.malformed_rate = args.malformed_rate.unwrap_or(f.malformed_rate);
    f.lose_answer_rate = args.lose_answer_rate.unwrap_or(f.lose_answer_rate);
    if args.session_expiry_after.is_some() {
        f.session_expiry_after = args.session_expiry_after;
    }
    if args.links_origin.is_some() {
        f.links_origin = args.links_origin;
    }
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    let (email, password) = (scenario.demo_email.clone(), scenario.demo_password.clone());
    let sim = Simulator::start(scenario, args.listen).await?;
    // Scripts wait for this line to know the simulator is up.
    println!("simulator listening on {}", sim.url());
    println!("account {email} / {password}");
    sim.run_until_ctrl_c().await;
    Ok(())
}
