//! `instore-kiosk report`: the day's close figures for support, as the clerk's Close the
//! day screen shows them, without closing anything.

use super::{connect, ServerArgs};
use chrono::{DateTime, Utc};
use clap::Args;
use instore_kiosk::settings::Settings;
use std::path::Path;

#[derive(Args)]
pub struct ReportArgs {
    /// From when: `last-close` (the default), a day (`2026-12-06`, from its local
    /// midnight) or a time (`2026-12-06T08:00:00+03:00`).
    #[arg(long, default_value = "last-close", value_name = "WHEN")]
    pub since: String,
    /// One JSON document instead of lines.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub server: ServerArgs,
}

/// `--since` as a time; `None` for the last close.
pub fn since(text: &str) -> anyhow::Result<Option<DateTime<Utc>>> {
    let text = text.trim();
    if text == "last-close" {
        return Ok(None);
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(time.with_timezone(&Utc)));
    }
    let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        anyhow::anyhow!("--since {text:?}: give last-close, a day (2026-12-06) or a time (2026-12-06T08:00:00+03:00)")
    })?;
    let midnight = day
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(chrono::Local).earliest())
        .ok_or_else(|| anyhow::anyhow!("--since {text:?}: that midnight does not exist here"))?;
    Ok(Some(midnight.with_timezone(&Utc)))
}

pub async fn run(settings: &Settings, args: ReportArgs, data_dir: &Path) -> anyhow::Result<()> {
    let since = since(&args.since)?;
    let store = instore_kiosk::offline::Store::open(data_dir)?;
    let client = connect(settings, &args.server).await?;
    let name_of = |kind: &str, option: &str| {
        instore_kiosk::devices::receipt::payment_name(kind, "en")
            .map(str::to_string)
            .unwrap_or_else(|| option.to_string())
    };
    let kept = instore_kiosk::offline::close::kept(&store, since).map_err(|e| anyhow::anyhow!("{e}"))?;
    let report = instore_kiosk::offline::close::report(&client, kept, &name_of)
        .await
        .map_err(|e| anyhow::anyhow!("the report could not be made: {e}"))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.text());
    }
    Ok(())
}
