//! A scratch data directory for the screenshots: the clerk's orders screen shows three
//! queued orders (waiting, sent and set aside) made here through the real queue.

use crate::settings::Settings;
use std::path::Path;

/// A scratch data directory holding three queued orders: waiting, sent and set aside.
pub(super) fn scratch_queue(dir: &Path) -> anyhow::Result<()> {
    use crate::offline::queue::{self, NewOrder, QueuedLine, State};
    let mut store = crate::offline::Store::open(dir)?;
    let line = |code: &str, name: &str, price: &str, quantity| QueuedLine {
        product: code.into(),
        code: code.into(),
        name: name.into(),
        quantity,
        unit_price: price.parse().unwrap_or_default(),
    };
    let limits = crate::offline::queue::Limits::from(&Settings::default().offline);
    let mut references = Vec::new();
    for lines in [
        vec![line("8690000010059", "Çorap 3'lü Paket", "119.99", 2)],
        vec![line("8690000010011", "Pamuklu Tişört Beyaz", "249.90", 1)],
        vec![line("8690000010103", "İpek Eşarp Desenli", "459.00", 1)],
    ] {
        let order = NewOrder {
            payment_type: "pay_on_delivery".into(),
            option_name: None,
            choice: None,
            contact: None,
            customer: None,
            lines,
        };
        references.push(queue::enqueue(&mut store, &order, &limits)?.reference);
    }
    // The catalog copy the offline screens sell from: the demo simulator's products.
    let products: Vec<crate::commerce::records::Product> = crate::sim::catalog::default_catalog()
        .into_iter()
        .map(|p| crate::commerce::records::Product {
            category_ids: p
                .category()
                .map(|c| vec![crate::commerce::records::Pk(c.pk.to_string())])
                .unwrap_or_default(),
            pk: crate::commerce::records::Pk(p.pk.to_string()),
            sku: p.sku,
            name: p.name,
            price: p.price,
            barcode: Some(p.barcode),
            stock: Some(p.stock),
            in_stock: p.stock > 0,
            ..Default::default()
        })
        .collect();
    let categories: Vec<crate::commerce::records::Category> = crate::sim::catalog::CATEGORIES
        .iter()
        .map(|c| crate::commerce::records::Category {
            pk: crate::commerce::records::Pk(c.pk.to_string()),
            name: c.name.to_string(),
            ..Default::default()
        })
        .collect();
    crate::offline::catalog::replace(&mut store, &products, &categories)?;
    queue::record(
        &mut store,
        &references[1],
        State::Sent,
        "sent",
        Some("2026112700042"),
        Some("2026112700042"),
    )?;
    let why = queue::SetAsideReason::PriceChanged {
        product: "İpek Eşarp Desenli".into(),
        from: "459".parse().unwrap_or_default(),
        to: "499".parse().unwrap_or_default(),
    };
    queue::set_aside(&mut store, &references[2], &why)?;
    Ok(())
}
