//! The local copy of the catalog: code, product, name, price and whether it was sold
//! out, as last seen on the server, so a scanned code is found and priced while the
//! server is away, and a product the server said was sold out is not sold offline.
//!
//! A sync replaces the whole copy in one transaction: a sale never sees half a catalog.

use super::store::{Result, Store};
use crate::commerce::records::{Pk, Product};
use crate::commerce::{CommerceClient, CommerceError, Money};
use rusqlite::{params, OptionalExtension};

/// A product as the local copy knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalProduct {
    pub pk: Pk,
    pub sku: String,
    pub name: String,
    pub price: Money,
    /// The server said it was out of stock at the last sync.
    pub sold_out: bool,
    /// When the server last said this (RFC 3339, UTC).
    pub synced_at: String,
    /// The address of its picture (shown offline only where the kiosk kept a copy).
    pub picture: Option<String>,
}

/// Replaces the local copy with `products`; returns how many products it now holds.
pub fn replace(store: &mut Store, products: &[Product]) -> Result<usize> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    store.write(|tx| {
        tx.execute("DELETE FROM catalog", [])?;
        let mut insert = tx.prepare(
            "INSERT OR REPLACE INTO catalog (code, pk, sku, name, price, sold_out, synced_at, picture)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for product in products {
            if !crate::commerce::money::plausible_price(product.price) {
                // Sold offline, it would overflow the kiosk's own sums.
                tracing::warn!(sku = %product.sku, price = %product.price, "not copied: an implausible price");
                continue;
            }
            let price = crate::commerce::money::wire(product.price);
            // The count where the server gives one; else its in-stock flag.
            let sold_out = match product.stock {
                Some(units) => units <= 0,
                None => !product.in_stock,
            };
            let codes = product.barcode.iter().chain(std::iter::once(&product.sku));
            for code in codes.filter(|c| !c.trim().is_empty()) {
                insert.execute(params![
                    code.trim(),
                    product.pk.0,
                    product.sku,
                    product.name,
                    price,
                    sold_out,
                    now,
                    product.picture()
                ])?;
            }
        }
        Ok(products.len())
    })
}

/// The product with this barcode or SKU in the local copy.
pub fn lookup(store: &Store, code: &str) -> Result<Option<LocalProduct>> {
    store.read(|db| {
        db.query_row(
            "SELECT pk, sku, name, price, sold_out, synced_at, picture FROM catalog WHERE code = ?1",
            params![code.trim()],
            |row| {
                let price: String = row.get(3)?;
                Ok(LocalProduct {
                    pk: Pk(row.get(0)?),
                    sku: row.get(1)?,
                    name: row.get(2)?,
                    price: price.parse().unwrap_or_default(),
                    sold_out: row.get(4)?,
                    synced_at: row.get(5)?,
                    picture: row.get(6)?,
                })
            },
        )
        .optional()
    })
}

/// The products of the copy that match what a person typed (`crate::fold::matches`:
/// a name's words the Turkish way, or a code), by name, at most `limit` of them, and
/// how many match in all.
pub fn search(store: &Store, query: &str, limit: usize) -> Result<(Vec<LocalProduct>, usize)> {
    let rows: Vec<(LocalProduct, String)> = store.read(|db| {
        let mut select = db.prepare(
            "SELECT pk, sku, name, price, sold_out, synced_at, picture, code FROM catalog ORDER BY name, pk",
        )?;
        let rows = select.query_map([], |row| {
            let price: String = row.get(3)?;
            Ok((
                LocalProduct {
                    pk: Pk(row.get(0)?),
                    sku: row.get(1)?,
                    name: row.get(2)?,
                    price: price.parse().unwrap_or_default(),
                    sold_out: row.get(4)?,
                    synced_at: row.get(5)?,
                    picture: row.get(6)?,
                },
                row.get(7)?,
            ))
        })?;
        rows.collect()
    })?;
    // A product has a row per code (its barcode, its SKU): one result each.
    let mut products: Vec<(LocalProduct, Vec<String>)> = Vec::new();
    for (product, code) in rows {
        match products.last_mut() {
            Some((last, codes)) if last.pk == product.pk => codes.push(code),
            _ => products.push((product, vec![code])),
        }
    }
    let found: Vec<LocalProduct> = products
        .into_iter()
        .filter(|(p, codes)| {
            let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
            crate::fold::matches(query, &p.name, &codes)
        })
        .map(|(p, _)| p)
        .collect();
    let total = found.len();
    Ok((found.into_iter().take(limit).collect(), total))
}

/// How many distinct products the copy holds, and when it was last refreshed.
pub fn summary(store: &Store) -> Result<(usize, Option<String>)> {
    store.read(|db| {
        db.query_row("SELECT COUNT(DISTINCT pk), MAX(synced_at) FROM catalog", [], |row| {
            Ok((row.get::<_, i64>(0)? as usize, row.get(1)?))
        })
    })
}

/// Why a sync did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Server(#[from] CommerceError),
    #[error(transparent)]
    Store(#[from] super::store::StoreError),
}

/// Reads the whole catalog from the server and replaces the local copy with it. The old
/// copy stays untouched when the server cannot be read.
pub async fn sync(client: &CommerceClient, store: &mut Store) -> std::result::Result<usize, SyncError> {
    let products = client.all_products().await?;
    Ok(replace(store, &products)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_product_with_an_implausible_price_is_not_copied() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let product = |sku: &str, price: Money| Product {
            pk: Pk(sku.into()),
            sku: sku.into(),
            name: sku.into(),
            price,
            stock: Some(3),
            in_stock: true,
            ..Default::default()
        };
        let products = [product("SOCKS", Money::new(11999, 2)), product("ABSURD", Money::MAX)];
        replace(&mut store, &products).unwrap();
        assert!(lookup(&store, "SOCKS").unwrap().is_some());
        assert!(lookup(&store, "ABSURD").unwrap().is_none());
    }

    #[test]
    fn a_search_finds_names_the_turkish_way_once_each_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let product = |pk: &str, sku: &str, name: &str| Product {
            pk: Pk(pk.into()),
            sku: sku.into(),
            name: name.into(),
            price: Money::new(45900, 2),
            stock: Some(3),
            in_stock: true,
            barcode: Some(format!("86900000{pk}")),
            ..Default::default()
        };
        let products = [
            product("110", "SCF-080", "İpek Eşarp Desenli"),
            product("111", "GLV-090", "Yün Eldiven Bordo"),
            product("112", "SWT-020", "Örgü Kazak Lacivert"),
            product("113", "SWT-021", "İnce Kazak Bej"),
        ];
        replace(&mut store, &products).unwrap();
        let names = |query: &str| -> Vec<String> {
            search(&store, query, 10)
                .unwrap()
                .0
                .into_iter()
                .map(|p| p.name)
                .collect()
        };
        assert_eq!(names("İPEK"), ["İpek Eşarp Desenli"]);
        assert_eq!(names("kazak"), ["Örgü Kazak Lacivert", "İnce Kazak Bej"]);
        assert_eq!(names("gLv-090"), ["Yün Eldiven Bordo"]);
        assert!(names("IPEK").is_empty());
        let (first, total) = search(&store, "a", 1).unwrap();
        assert_eq!((first.len(), total), (1, 3));
    }
}
