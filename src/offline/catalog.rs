//! The local copy of the catalog: code, product, name, price and whether it was sold
//! out, as last seen on the server, so a scanned code is found and priced while the
//! server is away, and a product the server said was sold out is not sold offline.
//!
//! It keeps the store's categories too, and which products each holds, so the kiosk
//! can be browsed offline.
//!
//! A sync replaces the whole copy in one transaction: a sale never sees half a catalog.

use super::store::{Result, Store};
use crate::commerce::records::{Category, Pk, Product};
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
    /// Its sizes or colours (filled in by `search` and `in_category`).
    pub variants: Vec<LocalVariant>,
}

/// One size or colour of a product in the local copy.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalVariant {
    pub pk: Pk,
    pub sku: String,
    pub label: String,
    pub sold_out: bool,
}

/// A category as the local copy knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalCategory {
    pub pk: Pk,
    pub name: String,
    pub picture: Option<String>,
    /// How many products of the copy it holds.
    pub products: usize,
}

/// Replaces the local copy with `products` and `categories`; returns how many products
/// it now holds.
pub fn replace(store: &mut Store, products: &[Product], categories: &[Category]) -> Result<usize> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    store.write(|tx| {
        tx.execute("DELETE FROM catalog", [])?;
        tx.execute("DELETE FROM categories", [])?;
        let mut filed = tx.prepare("INSERT INTO categories (position, pk, name, picture) VALUES (?1, ?2, ?3, ?4)")?;
        for (position, category) in categories.iter().enumerate() {
            let picture = category.image.as_deref().map(str::trim).filter(|i| !i.is_empty());
            filed.execute(params![position as i64, category.pk.0, category.name, picture])?;
        }
        let mut insert = tx.prepare(
            "INSERT OR REPLACE INTO catalog (code, pk, sku, name, price, sold_out, synced_at, picture, categories, variant_of, label)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        // A product's sizes or colours are kept as products of their own (each sold by
        // its code offline too), marked as its.
        let rows = products.iter().map(|p| (p, None)).chain(
            products
                .iter()
                .flat_map(|p| p.variants.iter().map(move |v| (v, Some(p)))),
        );
        for (product, variant_of) in rows {
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
            // Space around each, for a match on ' pk ' whatever its place.
            let filed_in: String = product.category_ids.iter().map(|c| format!(" {c} ")).collect();
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
                    product.picture(),
                    filed_in,
                    variant_of.map(|p| &p.pk.0),
                    variant_of.map(|_| product.variant_label())
                ])?;
            }
        }
        Ok(products.len())
    })
}

/// The columns a [`LocalProduct`] is read from, in [`product_from`]'s order.
const PRODUCT_COLUMNS: &str = "pk, sku, name, price, sold_out, synced_at, picture";

/// Rows that are products shown on their own: not a size or colour of another.
const NOT_A_VARIANT: &str = "variant_of IS NULL";

/// Rows that can be sold: not a product with sizes (a customer chooses one of those).
const SOLD_ITSELF: &str = "pk NOT IN (SELECT variant_of FROM catalog WHERE variant_of IS NOT NULL)";

/// Fills in each product's sizes or colours, in the order the server listed them.
fn with_variants(db: &rusqlite::Connection, mut products: Vec<LocalProduct>) -> rusqlite::Result<Vec<LocalProduct>> {
    let mut select = db.prepare(
        "SELECT pk, sku, COALESCE(label, name), sold_out FROM catalog
         WHERE variant_of = ?1 AND code = sku ORDER BY rowid",
    )?;
    for product in &mut products {
        let rows = select.query_map(params![product.pk.0], |row| {
            Ok(LocalVariant {
                pk: Pk(row.get(0)?),
                sku: row.get(1)?,
                label: row.get(2)?,
                sold_out: row.get(3)?,
            })
        })?;
        product.variants = rows.collect::<rusqlite::Result<_>>()?;
    }
    Ok(products)
}

fn product_from(row: &rusqlite::Row) -> rusqlite::Result<LocalProduct> {
    let price: String = row.get(3)?;
    Ok(LocalProduct {
        pk: Pk(row.get(0)?),
        sku: row.get(1)?,
        name: row.get(2)?,
        price: price.parse().unwrap_or_default(),
        sold_out: row.get(4)?,
        synced_at: row.get(5)?,
        picture: row.get(6)?,
        variants: Vec::new(),
    })
}

/// The product with this barcode or SKU in the local copy.
pub fn lookup(store: &Store, code: &str) -> Result<Option<LocalProduct>> {
    store.read(|db| {
        db.query_row(
            &format!("SELECT {PRODUCT_COLUMNS} FROM catalog WHERE code = ?1 AND {SOLD_ITSELF}"),
            params![code.trim()],
            product_from,
        )
        .optional()
    })
}

/// The products of the copy that match what a person typed (`crate::fold::matches`:
/// a name's words the Turkish way, or a code), by name, at most `limit` of them, and
/// how many match in all.
pub fn search(store: &Store, query: &str, limit: usize) -> Result<(Vec<LocalProduct>, usize)> {
    let rows: Vec<(LocalProduct, String)> = store.read(|db| {
        let mut select = db.prepare(&format!(
            "SELECT {PRODUCT_COLUMNS}, code FROM catalog WHERE {NOT_A_VARIANT} ORDER BY name, pk"
        ))?;
        let rows = select.query_map([], |row| Ok((product_from(row)?, row.get(7)?)))?;
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
    let shown: Vec<LocalProduct> = found.into_iter().take(limit).collect();
    Ok((store.read(|db| with_variants(db, shown))?, total))
}

/// How many distinct products the copy holds, and when it was last refreshed.
pub fn summary(store: &Store) -> Result<(usize, Option<String>)> {
    store.read(|db| {
        db.query_row(
            &format!("SELECT COUNT(DISTINCT pk), MAX(synced_at) FROM catalog WHERE {NOT_A_VARIANT}"),
            [],
            |row| Ok((row.get::<_, i64>(0)? as usize, row.get(1)?)),
        )
    })
}

/// The categories of the copy, in the server's order, each with how many products it
/// holds (an empty one is left out).
pub fn categories(store: &Store) -> Result<Vec<LocalCategory>> {
    store.read(|db| {
        let mut select = db.prepare(
            "SELECT c.pk, c.name, c.picture,
                    (SELECT COUNT(DISTINCT p.pk) FROM catalog p WHERE p.variant_of IS NULL AND p.categories LIKE '% ' || c.pk || ' %')
             FROM categories c ORDER BY c.position",
        )?;
        let rows = select.query_map([], |row| {
            Ok(LocalCategory {
                pk: Pk(row.get(0)?),
                name: row.get(1)?,
                picture: row.get(2)?,
                products: row.get::<_, i64>(3)? as usize,
            })
        })?;
        let all: rusqlite::Result<Vec<LocalCategory>> = rows.collect();
        Ok(all?.into_iter().filter(|c| c.products > 0).collect())
    })
}

/// The first `limit` products (by name) filed in a category, and how many there are.
pub fn in_category(store: &Store, category: &Pk, limit: usize) -> Result<(Vec<LocalProduct>, usize)> {
    let all: Vec<LocalProduct> = store.read(|db| {
        let mut select = db.prepare(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM catalog WHERE categories LIKE '% ' || ?1 || ' %' AND {NOT_A_VARIANT}
             GROUP BY pk ORDER BY name, pk"
        ))?;
        let rows = select.query_map(params![category.0], product_from)?;
        rows.collect()
    })?;
    let total = all.len();
    let shown: Vec<LocalProduct> = all.into_iter().take(limit).collect();
    Ok((store.read(|db| with_variants(db, shown))?, total))
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
    // A server without a category list (404) is one without categories.
    let categories = match client.categories().await {
        Ok(categories) => categories,
        Err(CommerceError::Http { status: 404, .. }) => Vec::new(),
        Err(other) => return Err(other.into()),
    };
    Ok(replace(store, &products, &categories)?)
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
        replace(&mut store, &products, &[]).unwrap();
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
        replace(&mut store, &products, &[]).unwrap();
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

    #[test]
    fn the_copy_keeps_the_categories_in_order_and_what_each_holds() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let product = |pk: &str, name: &str, categories: &[&str]| Product {
            pk: Pk(pk.into()),
            sku: format!("SKU-{pk}"),
            name: name.into(),
            price: Money::new(9990, 2),
            in_stock: true,
            barcode: Some(format!("86900000{pk}")),
            category_ids: categories.iter().map(|c| Pk((*c).into())).collect(),
            ..Default::default()
        };
        let category = |pk: &str, name: &str| Category {
            pk: Pk(pk.into()),
            name: name.into(),
            image: Some(format!("http://server/media/categories/{pk}.png")),
            product_count: None,
        };
        let products = [
            product("1", "Şapka Haki", &["5"]),
            product("2", "Kemer Kahverengi", &["5", "12"]),
            product("3", "Kot Pantolon", &["2"]),
        ];
        // "1" holds nothing: not listed; "12" is not mistaken for "2" nor "1".
        let categories = [
            category("5", "Aksesuar"),
            category("2", "Alt giyim"),
            category("1", "Boş"),
            category("12", "İndirim"),
        ];
        replace(&mut store, &products, &categories).unwrap();
        let listed: Vec<(String, usize)> = super::categories(&store)
            .unwrap()
            .into_iter()
            .map(|c| (c.name, c.products))
            .collect();
        assert_eq!(
            listed,
            [
                ("Aksesuar".to_string(), 2),
                ("Alt giyim".into(), 1),
                ("İndirim".into(), 1)
            ]
        );
        let names = |pk: &str, limit: usize| {
            let (found, total) = in_category(&store, &Pk(pk.into()), limit).unwrap();
            (found.into_iter().map(|p| p.name).collect::<Vec<_>>(), total)
        };
        assert_eq!(
            names("5", 10),
            (vec!["Kemer Kahverengi".to_string(), "Şapka Haki".into()], 2)
        );
        assert_eq!(names("5", 1), (vec!["Kemer Kahverengi".to_string()], 2));
        assert_eq!(names("2", 10), (vec!["Kot Pantolon".to_string()], 1));
        assert_eq!(names("1", 10), (vec![], 0));
    }
}
