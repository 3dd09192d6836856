//! The simulator's default catalog: products with valid EAN-13 barcodes and TRY prices.

use crate::commerce::Money;

#[derive(Debug, Clone)]
pub struct SimProduct {
    pub pk: u64,
    pub sku: String,
    pub name: String,
    pub barcode: String,
    pub price: Money,
    /// Units in the stores (what a pickup can take).
    pub stock: i64,
    /// Units in the warehouse, which only ships.
    pub warehouse: i64,
    /// Where it is one size of another product (a pair of boots in 42): that one lists
    /// it among its variants, and it is sold by its own barcode.
    pub size_of: Option<SizeOf>,
}

/// One size of a product with sizes.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeOf {
    /// The product it is a size of (which itself is not sold: its sizes are).
    pub product: u64,
    pub size: String,
}

/// A category of the store's catalog: its products are those whose SKU starts with one
/// of its kinds (`TSH-…`), as a back office files them.
#[derive(Debug, Clone, Copy)]
pub struct SimCategory {
    pub pk: u64,
    /// Its name as the store wrote it (Turkish; `server/language.rs` has the English).
    pub name: &'static str,
    pub kinds: &'static [&'static str],
}

/// The demo store's categories, in the order its menu shows them.
pub const CATEGORIES: [SimCategory; 5] = [
    SimCategory {
        pk: 1,
        name: "Üst giyim",
        kinds: &["TSH", "SWT", "COA"],
    },
    SimCategory {
        pk: 2,
        name: "Alt giyim",
        kinds: &["JNS"],
    },
    SimCategory {
        pk: 3,
        name: "Ayakkabı",
        kinds: &["SHO"],
    },
    SimCategory {
        pk: 4,
        name: "Çanta",
        kinds: &["BAG"],
    },
    SimCategory {
        pk: 5,
        name: "Aksesuar",
        kinds: &["CAP", "BLT", "SCF", "GLV", "UMB", "SCK"],
    },
];

impl SimProduct {
    /// The category it is filed in, where its kind has one.
    pub fn category(&self) -> Option<&'static SimCategory> {
        let kind = self.sku.split('-').next().unwrap_or_default();
        CATEGORIES.iter().find(|c| c.kinds.contains(&kind))
    }
}

/// Appends the EAN-13 check digit to twelve digits.
pub fn ean13(first_twelve: &str) -> String {
    let sum: u32 = first_twelve
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{first_twelve}{}", (10 - sum % 10) % 10)
}

/// Thirteen products a Turkish store sells, and boots in four sizes; barcodes start
/// with 869 (Turkey). The coat is not in the stores, only in the warehouse: it can be
/// sold shipped.
pub fn default_catalog() -> Vec<SimProduct> {
    let items: [(&str, &str, &str, i64); 13] = [
        ("TSH-001", "Pamuklu Tişört Beyaz", "249.90", 40),
        ("TSH-002", "Pamuklu Tişört Siyah", "249.90", 35),
        ("JNS-010", "Slim Fit Kot Pantolon", "899.00", 20),
        ("SWT-020", "Örgü Kazak Lacivert", "749.50", 15),
        ("SCK-030", "Çorap 3'lü Paket", "119.99", 100),
        ("BAG-040", "Deri Çanta Taba", "1899.00", 8),
        ("SHO-050", "Spor Ayakkabı Gri", "1349.00", 12),
        ("CAP-060", "Şapka Haki", "199.00", 25),
        ("BLT-070", "Kemer Kahverengi", "329.00", 30),
        ("SCF-080", "İpek Eşarp Desenli", "459.00", 10),
        ("GLV-090", "Yün Eldiven Bordo", "159.90", 45),
        ("UMB-100", "Katlanır Şemsiye", "289.00", 0),
        ("COA-110", "Yün Kaban Deve Tüyü", "2499.00", 0),
    ];
    let mut catalog: Vec<SimProduct> = items
        .iter()
        .enumerate()
        .map(|(i, (sku, name, price, stock))| SimProduct {
            pk: 101 + i as u64,
            sku: sku.to_string(),
            name: name.to_string(),
            barcode: ean13(&format!("869000{:06}", 1001 + i)),
            price: price.parse().expect("catalog prices are valid decimals"),
            stock: *stock,
            warehouse: if *sku == "COA-110" { 6 } else { 0 },
            size_of: None,
        })
        .collect();
    catalog.extend(boots());
    catalog
}

/// A product with sizes: boots, sold in 39 to 42, each size with its own barcode and
/// stock (none of the 40s on this store's shelves). The boots themselves have no
/// barcode and no stock: a customer chooses a size.
fn boots() -> Vec<SimProduct> {
    let price: Money = "2199.00".parse().expect("a valid decimal");
    let boots = SimProduct {
        pk: 200,
        sku: "SHO-200".into(),
        name: "Deri Bot Siyah".into(),
        barcode: String::new(),
        price,
        stock: 0,
        warehouse: 0,
        size_of: None,
    };
    let sizes = [("39", 3), ("40", 0), ("41", 5), ("42", 2)];
    let mut all = vec![boots];
    all.extend(sizes.iter().enumerate().map(|(i, (size, stock))| SimProduct {
        pk: 201 + i as u64,
        sku: format!("SHO-200-{size}"),
        name: format!("Deri Bot Siyah {size}"),
        barcode: ean13(&format!("869000{:06}", 2001 + i)),
        price,
        stock: *stock,
        warehouse: 0,
        size_of: Some(SizeOf {
            product: 200,
            size: size.to_string(),
        }),
    }));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ean13_check_digit_matches_a_known_code() {
        // 4006381333931 is a well-known valid EAN-13.
        assert_eq!(ean13("400638133393"), "4006381333931");
        assert_eq!(default_catalog().len(), 13 + 1 + 4);
    }
}
