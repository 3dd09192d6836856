//! The kiosk's own disk: the SQLite store (real files in a temporary directory) and the
//! local catalog copy that prices scans while the server is away.

mod common;

use common::*;
use instore_kiosk::offline::{catalog, Store, StoreError};
use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_instore-kiosk");

#[tokio::test]
async fn the_catalog_copy_prices_scans_while_the_server_is_away() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(catalog::sync(&client, &mut store).await.unwrap(), 14);

    // The server changes a price, then goes away; a sync then fails and keeps the copy.
    sim.world().set_price("SCK-030", money("129.99"));
    sim.stop().await;
    assert!(catalog::sync(&client, &mut store).await.is_err());
    drop(store);

    // Reopened from the file: found by barcode and by SKU, at the price last seen.
    let store = Store::open(dir.path()).unwrap();
    let socks = catalog::lookup(&store, "8690000010059")
        .unwrap()
        .expect("found by barcode");
    assert_eq!(socks.name, "Çorap 3'lü Paket");
    assert_eq!(socks.price, money("119.99"));
    assert_eq!(catalog::lookup(&store, " SCK-030 ").unwrap().unwrap().pk, socks.pk);
    assert!(catalog::lookup(&store, "0000000000000").unwrap().is_none());
    // A size of the boots is sold by its own barcode; the boots themselves are not.
    let size_42 = instore_kiosk::sim::catalog::ean13("869000002004");
    let boots_42 = catalog::lookup(&store, &size_42)
        .unwrap()
        .expect("a size by its barcode");
    assert_eq!(
        (boots_42.name.as_str(), boots_42.sku.as_str()),
        ("Deri Bot Siyah 42", "SHO-200-42")
    );
    assert!(
        catalog::lookup(&store, "SHO-200").unwrap().is_none(),
        "a size must be chosen"
    );
    // Thirteen products and the boots (their four sizes are the boots').
    let (count, synced) = catalog::summary(&store).unwrap();
    assert_eq!(count, 14);
    assert!(synced.unwrap().ends_with('Z'));
}

#[tokio::test]
async fn a_new_sync_replaces_prices_and_products() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    let mut store = Store::open(dir.path()).unwrap();
    catalog::sync(&client, &mut store).await.unwrap();
    sim.world().set_price("SCK-030", money("129.99"));
    catalog::sync(&client, &mut store).await.unwrap();
    assert_eq!(
        catalog::lookup(&store, "SCK-030").unwrap().unwrap().price,
        money("129.99")
    );
}

#[test]
fn catalog_commands_sync_and_show_through_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(start_sim(quick_scenario()));
    let data = dir.path().join("data");
    let output = Command::new(BIN)
        .args([
            "--data-dir",
            data.to_str().unwrap(),
            "catalog",
            "sync",
            "--commerce-url",
            &sim.url(),
        ])
        .args(["--email", EMAIL, "--password", PASSWORD])
        .env("INSTORE_LOG", "warn")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("catalog: 14 products saved in"), "{stdout}");
    assert!(data.join("kiosk.db").exists());
    let output = Command::new(BIN)
        .args(["--data-dir", data.to_str().unwrap(), "catalog", "show"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("catalog: 14 products, refreshed "));
}

#[test]
fn a_damaged_database_file_is_named_and_explained() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kiosk.db"),
        b"this is not a database, it is a shopping list",
    )
    .unwrap();
    match Store::open(dir.path()) {
        Err(e @ StoreError::Corrupt { .. }) => {
            let message = e.to_string();
            assert!(message.contains("kiosk.db") && message.contains("damaged"), "{message}");
        }
        Err(other) => panic!("expected a damaged-file error, got {other}"),
        Ok(_) => panic!("a damaged file opened"),
    }
    let output = Command::new(BIN)
        .args(["--data-dir", dir.path().to_str().unwrap(), "catalog", "show"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is damaged"));
}

#[test]
fn a_database_locked_by_another_program_is_reported_not_waited_on_forever() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.db");
    drop(Store::open(dir.path()).unwrap());
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE; DELETE FROM catalog;").unwrap();
    let outcome = Store::open_file(&path, Duration::from_millis(200))
        .and_then(|mut store| catalog::replace(&mut store, &[], &[]));
    match outcome {
        Err(e @ StoreError::Locked { .. }) => assert!(e.to_string().contains("locked by another program")),
        other => panic!("expected a locked-file error, got {:?}", other.map(|_| ())),
    }
    other.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn connections_opening_a_new_database_at_once_all_succeed() {
    // The kiosk's controller and its printer thread open the same new file together.
    for _ in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let path = dir.path().to_path_buf();
                std::thread::spawn(move || instore_kiosk::offline::Store::open(&path).map(|_| ()))
            })
            .collect();
        for thread in threads {
            thread.join().unwrap().expect("every connection opens the database");
        }
    }
}

/// The catalog copy keeps what the server said of stock: a product sold out at the last
/// sync is refused by `checkout --queue` too, naming it.
#[tokio::test]
async fn a_product_sold_out_at_the_last_sync_cannot_be_queued() {
    use instore_kiosk::offline::queue::{self, NewOrder, OfflineSaleError};
    let sim = start_sim(quick_scenario()).await;
    assert!(sim.world().set_stock("SCK-030", 0));
    let client = logged_in(&sim).await;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    catalog::sync(&client, &mut store).await.unwrap();
    assert!(catalog::lookup(&store, "SCK-030").unwrap().unwrap().sold_out);
    assert!(!catalog::lookup(&store, "8690000010011").unwrap().unwrap().sold_out);
    let order = NewOrder {
        payment_type: "pay_on_delivery".into(),
        option_name: None,
        choice: None,
        contact: None,
        customer: None,
        lines: Vec::new(),
    };
    let allowed = vec!["pay_on_delivery".to_string()];
    let limits = queue::Limits::from(&instore_kiosk::settings::Settings::default().offline);
    let e = queue::enqueue_codes(&mut store, order, &["SCK-030".to_string()], &allowed, &limits).unwrap_err();
    assert!(matches!(e, OfflineSaleError::SoldOut { .. }), "{e}");
    assert!(e.to_string().contains("sold out"), "{e}");
    assert_eq!(queue::waiting(&store).unwrap().0, 0);
}
