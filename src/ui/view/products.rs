//! The product search's screen data (filled by `controller/products.rs`, shown by
//! `pages/product-search.slint`): a query's results, page by page, where they came
//! from, or why there are none.
//!
//! Not here: when a search is sent (the controller), the callbacks (`ui/products.rs`).

use crate::commerce::money::format_try;
use crate::commerce::records::Product;
use crate::offline::catalog::LocalProduct;
use crate::ui::{MainWindow, ProductCard, SearchAdapter, SearchState, StockHere};
use slint::{ComponentHandle, Model, ModelRc, VecModel};

/// A search's answer: one page of results for `query` (as typed), or why none came.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub query: String,
    /// 1 replaces the results; a later page adds to them.
    pub page: u32,
    pub cards: Vec<Card>,
    pub total: usize,
    pub more: bool,
    /// Answered from the kiosk's catalog copy: the server is away.
    pub from_copy: bool,
    /// The search failed and nothing could answer it: why, for staff.
    pub problem: Option<String>,
}

/// One result, as plain data.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub code: String,
    pub name: String,
    pub sku: String,
    pub price: String,
    /// Units on this store's shelves, where known.
    pub units: Option<i64>,
    /// Its picture's address; the picture itself follows (`Update::Picture`).
    pub picture: Option<String>,
}

impl Card {
    pub fn from_product(product: &Product) -> Card {
        let units = product.stock.or(if product.in_stock { None } else { Some(0) });
        Card {
            code: product
                .barcode
                .clone()
                .filter(|b| !b.trim().is_empty())
                .unwrap_or_else(|| product.sku.clone()),
            name: product.name.clone(),
            sku: product.sku.clone(),
            price: format_try(product.price),
            units,
            picture: product.picture().map(str::to_string),
        }
    }

    /// From the catalog copy, which knows only whether it was sold out.
    pub fn from_copy(product: &LocalProduct) -> Card {
        Card {
            code: product.sku.clone(),
            name: product.name.clone(),
            sku: product.sku.clone(),
            price: format_try(product.price),
            units: product.sold_out.then_some(0),
            picture: product.picture.clone(),
        }
    }
}

/// The first letters of a name's first two words, shown where its picture goes.
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

fn card_item(card: Card) -> ProductCard {
    let (stock, units) = match card.units {
        Some(units) if units > 0 => (StockHere::InStock, units.min(i64::from(i32::MAX)) as i32),
        Some(_) => (StockHere::Out, 0),
        None => (StockHere::Unknown, -1),
    };
    ProductCard {
        initials: initials(&card.name).into(),
        picture_url: card.picture.unwrap_or_default().into(),
        picture: Default::default(),
        has_picture: false,
        code: card.code.into(),
        name: card.name.into(),
        sku: card.sku.into(),
        price: card.price.into(),
        stock,
        units,
    }
}

/// Shows a search's answer, unless the query on screen has changed since it was sent:
/// an older query's results never show over a newer one's.
pub(super) fn found(window: &MainWindow, found: Found) {
    let search = window.global::<SearchAdapter>();
    if search.get_query().trim() != found.query.trim() {
        return;
    }
    if let Some(problem) = found.problem {
        search.set_problem(problem.into());
        search.set_state(SearchState::Failed);
        return;
    }
    let mut cards: Vec<ProductCard> = Vec::new();
    if found.page > 1 {
        cards.extend(search.get_results().iter());
    }
    cards.extend(found.cards.into_iter().map(card_item));
    search.set_results(ModelRc::new(VecModel::from(cards)));
    search.set_total(found.total.min(i32::MAX as usize) as i32);
    search.set_more(found.more);
    search.set_from_copy(found.from_copy);
    search.set_state(if found.query.trim().is_empty() {
        SearchState::Idle
    } else {
        SearchState::Done
    });
}

/// A picture arrived: every result showing it shows it instead of its initials.
pub(super) fn picture(window: &MainWindow, url: &str, image: &slint::Image) {
    let results = window.global::<SearchAdapter>().get_results();
    for row in 0..results.row_count() {
        let Some(mut card) = results.row_data(row) else {
            continue;
        };
        if card.picture_url == url && !card.has_picture {
            card.picture = image.clone();
            card.has_picture = true;
            results.set_row_data(row, card);
        }
    }
}

/// Puts the search away (a new screen, a product added).
pub(super) fn close(window: &MainWindow) {
    let search = window.global::<SearchAdapter>();
    search.set_open(false);
    search.set_query(Default::default());
    search.set_results(ModelRc::default());
    search.set_state(SearchState::Idle);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("İpek Eşarp Desenli"), "İE");
        assert_eq!(initials("Çorap 3'lü Paket"), "Ç3");
        assert_eq!(initials("  "), "");
    }
}
