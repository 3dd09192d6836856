//! `instore-kiosk catalog`: the local copy of the catalog.

use super::{connect, ServerArgs};
use clap::Subcommand;
use instore_kiosk::settings::Settings;
use std::path::Path;

#[derive(Subcommand)]
pub enum CatalogCommand {
    /// Read the whole catalog from the server into the data directory.
    Sync(ServerArgs),
    /// Say how many products the local copy holds and when it was refreshed.
    Show,
}

pub async fn run(settings: &Settings, command: CatalogCommand, data_dir: &Path) -> anyhow::Result<()> {
    match command {
        CatalogCommand::Sync(server) => sync(settings, &server, data_dir).await,
        CatalogCommand::Show => show(data_dir),
    }
}

async fn sync(settings: &Settings, server: &ServerArgs, data_dir: &Path) -> anyhow::Result<()> {
    let mut store = instore_kiosk::offline::Store::open(data_dir)?;
    let client = connect(settings, server).await?;
    let count = instore_kiosk::offline::catalog::sync(&client, &mut store).await?;
    println!("catalog: {count} products saved in {}", store.path().display());
    Ok(())
}

fn show(data_dir: &Path) -> anyhow::Result<()> {
    let store = instore_kiosk::offline::Store::open(data_dir)?;
    match instore_kiosk::offline::catalog::summary(&store)? {
        (0, _) => println!(
            "catalog: empty in {}; run 'instore-kiosk catalog sync'",
            store.path().display()
        ),
        (count, at) => println!("catalog: {count} products, refreshed {}", at.unwrap_or_default()),
    }
    Ok(())
}
