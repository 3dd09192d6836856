//! `instore-kiosk queue`: orders taken while the server was away.

use super::{connect, ServerArgs};
use clap::Subcommand;
use instore_kiosk::offline::lock::lock_account;
use instore_kiosk::settings::Settings;
use std::path::Path;

#[derive(Subcommand)]
pub enum QueueCommand {
    /// Every queued order: waiting, sent and set aside.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One order with its journal.
    Show { reference: String },
    /// Put a set-aside order back in the queue and send it now.
    Retry {
        reference: String,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Everything, as JSON, for support.
    Export,
    /// Send every waiting order now; exits non-zero if any order is left unsent.
    Drain(ServerArgs),
}

pub async fn run(settings: &Settings, command: QueueCommand, data_dir: &Path) -> anyhow::Result<()> {
    use instore_kiosk::offline::{queue, replay};
    let mut store = instore_kiosk::offline::Store::open(data_dir)?;
    let tolerance = replay::Policy {
        tolerance_percent: settings.offline.price_tolerance_percent,
        pickup_store: settings.kiosk.store.clone(),
    };
    let rule = queue::StuckRule::from(&settings.offline);
    let print_outcome = |reference: &str, outcome: &replay::Outcome| match outcome {
        replay::Outcome::Sent { number } => println!("sent {reference} as order {number}"),
        replay::Outcome::SetAside { reason } => println!("set aside {reference}: {reason}"),
        replay::Outcome::Failed { error } => println!("not sent {reference}: {error}"),
        replay::Outcome::Settling { wait } => println!(
            "not sent {reference}: its last attempt went unanswered; it is looked up again in {} s",
            wait.as_secs().max(1)
        ),
    };
    match command {
        QueueCommand::List { json } => {
            let orders = queue::list(&store)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&orders)?);
            } else {
                for o in &orders {
                    let state = if o.is_stuck(&rule) { "STUCK" } else { o.state.as_str() };
                    let age = instore_kiosk::commerce::clock::age_of(&o.created_at)
                        .map(words::age)
                        .unwrap_or_default();
                    let note = match (o.order_number.as_deref(), o.in_doubt_for()) {
                        (Some(number), _) => format!("order {number}"),
                        (None, Some(doubt)) => format!(
                            "unconfirmed for {}: {}",
                            words::age(doubt),
                            o.reason.as_deref().unwrap_or("no answer")
                        ),
                        (None, None) => o.reason.clone().unwrap_or_default(),
                    };
                    println!(
                        "{}  {:<9}  {:>10} TRY  {:<16} {}  {:>9} old  {note}",
                        o.reference, state, o.amount, o.order.payment_type, o.created_at, age,
                    );
                }
                let (count, total) = queue::waiting(&store)?;
                println!("{count} waiting, {total} TRY");
                print_stuck(&queue::stuck(&store, &rule)?);
            }
        }
        QueueCommand::Show { reference } => {
            let order =
                queue::show(&store, &reference)?.ok_or_else(|| anyhow::anyhow!("no queued order {reference}"))?;
            let mut value = serde_json::to_value(&order)?;
            value["journal"] = serde_json::to_value(queue::journal(&store, &reference)?)?;
            println!("{}", serde_json::to_string_pretty(&value)?);
        }
        QueueCommand::Export => println!("{}", serde_json::to_string_pretty(&queue::export(&store)?)?),
        QueueCommand::Retry { reference, server } => {
            let _account = lock_account(data_dir, "instore-kiosk queue retry")?;
            let order =
                queue::show(&store, &reference)?.ok_or_else(|| anyhow::anyhow!("no queued order {reference}"))?;
            if order.state == queue::State::SetAside {
                queue::record(&mut store, &reference, queue::State::Waiting, "retry", None, None)?;
            }
            let client = connect(settings, &server).await?;
            let outcome = replay::replay_one(&client, &mut store, &reference, tolerance.clone()).await?;
            print_outcome(&reference, &outcome);
            if !matches!(outcome, replay::Outcome::Sent { .. }) {
                anyhow::bail!("{reference} was not sent");
            }
        }
        QueueCommand::Drain(server) => {
            let _account = lock_account(data_dir, "instore-kiosk queue drain")?;
            let client = match connect(settings, &server).await {
                Ok(client) => client,
                Err(e) => {
                    let (count, _) = queue::waiting(&store)?;
                    anyhow::bail!("{e:#}; {count} orders wait");
                }
            };
            let report = replay::drain(&client, &mut store, tolerance.clone()).await?;
            for (reference, outcome) in &report.outcomes {
                print_outcome(reference, outcome);
            }
            println!("{} waiting, {} set aside", report.waiting, report.set_aside);
            print_stuck(&queue::stuck(&store, &rule)?);
            if report.waiting + report.set_aside > 0 {
                anyhow::bail!("{} orders are left unsent", report.waiting + report.set_aside);
            }
        }
    }
    Ok(())
}

/// Orders the server has neither confirmed nor refuted for too long: said on stderr,
/// each with its reference, so a script and a person both see them.
fn print_stuck(stuck: &[instore_kiosk::offline::queue::QueuedOrder]) {
    if stuck.is_empty() {
        return;
    }
    eprintln!(
        "{} orders could not be confirmed: call support. They are not sent again until the server says it does not have them:",
        stuck.len()
    );
    for order in stuck {
        eprintln!(
            "  {}: unconfirmed for {}, {} failed lookups: {}",
            order.reference,
            order.in_doubt_for().map(words::age).unwrap_or_default(),
            order.failed_lookups,
            order.reason.as_deref().unwrap_or("no answer")
        );
    }
}

/// Durations in words for the command line.
mod words {
    use std::time::Duration;

    /// "45 s", "12 min", "3 h 5 min", "2 days".
    pub fn age(age: Duration) -> String {
        let s = age.as_secs();
        match s {
            0..60 => format!("{s} s"),
            60..3600 => format!("{} min", s / 60),
            3600..86400 => format!("{} h {} min", s / 3600, s / 60 % 60),
            86400..172800 => "1 day".into(),
            _ => format!("{} days", s / 86400),
        }
    }
}
