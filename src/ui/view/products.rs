//! The product search's screen data (filled by `controller/products.rs`, shown by
//! `pages/product-search.slint`): a query's results, page by page, where they came
//! from, or why there are none; the categories to browse, and a category's products.
//!
//! Not here: when a search is sent (the controller), the callbacks (`ui/products.rs`).

use crate::commerce::money::format_try;
use crate::commerce::records::Pk;
use crate::commerce::records::Product;
use crate::offline::catalog::LocalProduct;
use crate::ui::{
    CategoryTile, ElsewhereState, MainWindow, ProductCard, ProductsView, SearchAdapter, SearchState, StockHere,
    StoreUnits, VariantOption,
};
use slint::{ComponentHandle, Model, ModelRc, VecModel};

/// What a list of products answers: a name or code as typed, or a category browsed.
#[derive(Debug, Clone, PartialEq)]
pub enum ProductQuery {
    Text(String),
    Category(Pk),
}

impl Default for ProductQuery {
    fn default() -> Self {
        ProductQuery::Text(String::new())
    }
}

impl ProductQuery {
    /// Nothing typed: there is nothing to ask.
    pub fn is_empty(&self) -> bool {
        matches!(self, ProductQuery::Text(text) if text.trim().is_empty())
    }
}

/// The categories to browse, or why there are none.
#[derive(Debug, Clone, PartialEq)]
pub struct Shelf {
    pub tiles: Vec<ShelfTile>,
    /// From the kiosk's catalog copy: the server is away.
    pub from_copy: bool,
    pub problem: Option<String>,
}

/// One category, as plain data.
#[derive(Debug, Clone, PartialEq)]
pub struct ShelfTile {
    pub pk: Pk,
    pub name: String,
    pub picture: Option<String>,
    /// How many products it holds, where known.
    pub products: Option<usize>,
}

/// A search's answer: one page of results for `query` (as typed), or why none came.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub query: ProductQuery,
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
    /// The server's pk (what other stores' stock is asked by).
    pub pk: String,
    pub code: String,
    pub name: String,
    pub sku: String,
    pub price: String,
    /// Units on this store's shelves, where known.
    pub units: Option<i64>,
    /// Its picture's address; the picture itself follows (`Update::Picture`).
    pub picture: Option<String>,
    /// Its sizes or colours: a tap asks for one of them, which is what is added.
    pub variants: Vec<VariantChoice>,
}

/// One size or colour of a product, as the choice list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantChoice {
    /// The server's pk (what other stores' stock is asked by).
    pub pk: String,
    /// What adds it: its barcode, or its SKU.
    pub code: String,
    /// What tells it apart ("42").
    pub label: String,
    pub units: Option<i64>,
}

/// Which other stores have a product this store's shelves do not.
#[derive(Debug, Clone, PartialEq)]
pub struct Elsewhere {
    /// The product asked about.
    pub pk: Pk,
    /// The stores that have it, most units first (this kiosk's left out).
    pub stores: Vec<crate::commerce::records::StoreStock>,
    pub problem: Option<ElsewhereProblem>,
}

/// Why other stores' stock cannot be shown.
#[derive(Debug, Clone, PartialEq)]
pub enum ElsewhereProblem {
    /// The server cannot be reached: only it knows the other stores.
    Offline,
    /// It answered with an error (its words, for staff).
    Failed(String),
}

/// Shows other stores' stock, unless the screen has left that product since.
pub(super) fn elsewhere(window: &MainWindow, answer: Elsewhere) {
    let search = window.global::<SearchAdapter>();
    if !search.get_open() || !search.get_elsewhere_open() || search.get_elsewhere_of().pk.as_str() != answer.pk.0 {
        return;
    }
    let state = match &answer.problem {
        None => ElsewhereState::Done,
        Some(ElsewhereProblem::Offline) => ElsewhereState::Offline,
        Some(ElsewhereProblem::Failed(why)) => {
            search.set_problem(why.as_str().into());
            ElsewhereState::Failed
        }
    };
    let stores: Vec<StoreUnits> = answer
        .stores
        .into_iter()
        .map(|s| StoreUnits {
            pk: s.pk.0.into(),
            collect: s.click_and_collect,
            name: s.name.into(),
            address: s.address.into(),
            units: s.stock.unwrap_or(0).clamp(0, i64::from(i32::MAX)) as i32,
        })
        .collect();
    search.set_elsewhere(ModelRc::new(VecModel::from(stores)));
    search.set_elsewhere_state(state);
}

/// What adds a product: its barcode, or its SKU where it has none.
fn code_of(product: &Product) -> String {
    product
        .barcode
        .clone()
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| product.sku.clone())
}

/// Units on this store's shelves: the count, or none when it only says sold out.
fn units_of(product: &Product) -> Option<i64> {
    product.stock.or(if product.in_stock { None } else { Some(0) })
}

impl Card {
    pub fn from_product(product: &Product) -> Card {
        let variants: Vec<VariantChoice> = product
            .variants
            .iter()
            .map(|v| VariantChoice {
                pk: v.pk.0.clone(),
                code: code_of(v),
                label: v.variant_label(),
                units: units_of(v),
            })
            .collect();
        // A product with sizes has the stock its sizes have.
        let units = if variants.is_empty() {
            units_of(product)
        } else {
            variants.iter().map(|v| v.units).sum::<Option<i64>>()
        };
        Card {
            pk: product.pk.0.clone(),
            code: code_of(product),
            name: product.name.clone(),
            sku: product.sku.clone(),
            price: format_try(product.price),
            units,
            picture: product.picture().map(str::to_string),
            variants,
        }
    }

    /// From the catalog copy, which knows only whether it was sold out.
    pub fn from_copy(product: &LocalProduct) -> Card {
        Card {
            pk: product.pk.0.clone(),
            code: product.sku.clone(),
            name: product.name.clone(),
            sku: product.sku.clone(),
            price: format_try(product.price),
            units: product.sold_out.then_some(0),
            picture: product.picture.clone(),
            variants: product
                .variants
                .iter()
                .map(|v| VariantChoice {
                    pk: v.pk.0.clone(),
                    code: v.sku.clone(),
                    label: v.label.clone(),
                    units: v.sold_out.then_some(0),
                })
                .collect(),
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

/// How a count of units shows: in stock with the count, none here, or not known.
fn stock_here(units: Option<i64>) -> (StockHere, i32) {
    match units {
        Some(units) if units > 0 => (StockHere::InStock, units.min(i64::from(i32::MAX)) as i32),
        Some(_) => (StockHere::Out, 0),
        None => (StockHere::Unknown, -1),
    }
}

fn card_item(card: Card) -> ProductCard {
    let (stock, units) = stock_here(card.units);
    let variants: Vec<VariantOption> = card
        .variants
        .into_iter()
        .map(|v| {
            let (stock, units) = stock_here(v.units);
            VariantOption {
                pk: v.pk.into(),
                code: v.code.into(),
                label: v.label.into(),
                stock,
                units,
            }
        })
        .collect();
    ProductCard {
        pk: card.pk.into(),
        variants: ModelRc::new(VecModel::from(variants)),
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

/// Whether the screen still asks what `query` answers: the same text typed, or the
/// same category open. An older query's results never show over a newer one's.
fn still_asked(search: &SearchAdapter, query: &ProductQuery) -> bool {
    match query {
        ProductQuery::Text(text) => {
            search.get_view() == ProductsView::ByName && search.get_query().trim() == text.trim()
        }
        ProductQuery::Category(pk) => {
            search.get_view() == ProductsView::Category && search.get_category_pk().as_str() == pk.0
        }
    }
}

/// Shows a search's answer, unless the screen has moved on since it was asked.
pub(super) fn found(window: &MainWindow, found: Found) {
    let search = window.global::<SearchAdapter>();
    if !search.get_open() || !still_asked(&search, &found.query) {
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
    search.set_state(if found.query.is_empty() {
        SearchState::Idle
    } else {
        SearchState::Done
    });
}

/// The welcome's Browse products: the search opens on the categories, asked for.
pub(super) fn browsing(window: &MainWindow) {
    let search = window.global::<SearchAdapter>();
    search.set_query(Default::default());
    search.set_results(ModelRc::default());
    search.set_view(ProductsView::Categories);
    search.set_state(SearchState::Searching);
    search.set_open(true);
}

/// Shows the categories, unless the screen has left them since they were asked for.
pub(super) fn shelf(window: &MainWindow, shelf: Shelf) {
    let search = window.global::<SearchAdapter>();
    if !search.get_open() || search.get_view() != ProductsView::Categories {
        return;
    }
    if let Some(problem) = shelf.problem {
        search.set_problem(problem.into());
        search.set_state(SearchState::Failed);
        return;
    }
    let tiles: Vec<CategoryTile> = shelf
        .tiles
        .into_iter()
        .map(|tile| CategoryTile {
            initials: initials(&tile.name).into(),
            pk: tile.pk.0.into(),
            name: tile.name.into(),
            picture_url: tile.picture.unwrap_or_default().into(),
            picture: Default::default(),
            has_picture: false,
            products: tile.products.map(|n| n.min(i32::MAX as usize) as i32).unwrap_or(-1),
        })
        .collect();
    search.set_total(tiles.len() as i32);
    search.set_categories(ModelRc::new(VecModel::from(tiles)));
    search.set_from_copy(shelf.from_copy);
    search.set_state(SearchState::Done);
}

/// A picture arrived: every result and category showing it shows it instead of its
/// initials.
pub(super) fn picture(window: &MainWindow, url: &str, image: &slint::Image) {
    let categories = window.global::<SearchAdapter>().get_categories();
    for row in 0..categories.row_count() {
        let Some(mut tile) = categories.row_data(row) else {
            continue;
        };
        if tile.picture_url == url && !tile.has_picture {
            tile.picture = image.clone();
            tile.has_picture = true;
            categories.set_row_data(row, tile);
        }
    }
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

/// Puts the search away (a new screen, a product added, Back to basket, Escape).
pub fn close(window: &MainWindow) {
    let search = window.global::<SearchAdapter>();
    search.set_open(false);
    search.set_choosing(false);
    search.set_chosen(Default::default());
    search.set_elsewhere_open(false);
    search.set_elsewhere(ModelRc::default());
    search.set_query(Default::default());
    search.set_results(ModelRc::default());
    search.set_categories(ModelRc::default());
    search.set_view(ProductsView::ByName);
    search.set_state(SearchState::Idle);
    // The pictures just dropped (a browse holds one for every product it showed).
    crate::memory::give_back_freed();
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
