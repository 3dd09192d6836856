//! The product search from the basket: a query at every change of the field, sent
//! after a pause in the typing (`DEBOUNCE`), one request in flight, the newest query
//! winning (a new one drops the request of the one before, whose answer then never
//! comes). Online it asks the server's product list (`search_text`, page by page);
//! with the line down, or when the server gives no answer, the catalog copy answers.
//! Browsing is the same search by another query: the store's categories, then one
//! category's products (`category_ids`, page by page), from the copy offline.
//!
//! The search runs on a task of its own, not in the intent loop: a slow answer holds
//! up neither the next keystroke nor a scan. Adding a result is the basket's
//! `AddCode`, as a scan is.
//!
//! Not here: how results look (`view/products.rs`), the matching rule
//! (`crate::fold`, the server's own online).

use super::{Controller, Intent};
use crate::commerce::records::Pk;
use crate::commerce::records::StoreStock;
use crate::ui::view::{Card, Elsewhere, ElsewhereProblem, Found, ProductQuery, Shelf, ShelfTile, Update};
use std::time::Duration;

/// How long the typing pauses before a query is sent.
pub const DEBOUNCE: Duration = Duration::from_millis(200);
/// Results of the catalog copy per page (the server decides its own).
const COPY_PAGE: usize = 20;

/// The search in progress: its query, the pages seen, and the task asking for the
/// next answer (dropped, and so stopped, by the next query).
#[derive(Default)]
pub(super) struct ProductSearch {
    query: ProductQuery,
    page: u32,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for ProductSearch {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl Controller {
    /// A query as typed: page 1 of its results, after the pause.
    pub(super) fn search_products(&mut self, text: String) {
        let query = ProductQuery::Text(text.clone());
        self.product_search = ProductSearch {
            query: query.clone(),
            page: 1,
            task: None,
        };
        if text.trim().is_empty() {
            self.emit(Update::Products(Found {
                query,
                page: 1,
                cards: Vec::new(),
                total: 0,
                more: false,
                from_copy: false,
                problem: None,
            }));
            return;
        }
        self.ask_for_page(query, 1, DEBOUNCE);
    }

    /// Which other stores of the chain have a product this store's shelves do not
    /// (`pk`): the server's answer, less this kiosk's store and the stores without it.
    pub(super) fn stock_elsewhere(&mut self, pk: Pk) {
        let sink = self.sink.clone();
        let client = match &self.client {
            Some(client) if !self.line_down => client.clone(),
            _ => {
                return sink(Update::StockElsewhere(Elsewhere {
                    pk,
                    stores: Vec::new(),
                    problem: Some(ElsewhereProblem::Offline),
                }))
            }
        };
        let own = self.config.settings.kiosk.store.clone();
        tokio::spawn(async move {
            let answer = match client.store_stock(&pk).await {
                Ok(stores) => Elsewhere {
                    stores: other_stores(stores, own.as_deref()),
                    problem: None,
                    pk,
                },
                Err(error) => Elsewhere {
                    problem: Some(if error.is_connectivity() {
                        ElsewhereProblem::Offline
                    } else {
                        ElsewhereProblem::Failed(error.to_string())
                    }),
                    stores: Vec::new(),
                    pk,
                },
            };
            sink(Update::StockElsewhere(answer));
        });
    }

    /// A category's products, page 1, at once.
    pub(super) fn open_category(&mut self, category: Pk) {
        let query = ProductQuery::Category(category);
        self.product_search = ProductSearch {
            query: query.clone(),
            page: 1,
            task: None,
        };
        self.ask_for_page(query, 1, Duration::ZERO);
    }

    /// More results: the next page of the same query, at once.
    pub(super) fn more_products(&mut self) {
        let search = &mut self.product_search;
        if search.query.is_empty() {
            return;
        }
        search.page += 1;
        let (query, page) = (search.query.clone(), search.page);
        self.ask_for_page(query, page, Duration::ZERO);
    }

    fn ask_for_page(&mut self, query: ProductQuery, page: u32, wait: Duration) {
        let client = match &self.client {
            Some(client) if !self.line_down => client.clone(),
            _ => return self.search_copy(query, page, None),
        };
        let (sink, tx, cache) = (self.sink.clone(), self.tx.clone(), self.pictures.clone());
        let task = tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            let answer = match &query {
                ProductQuery::Text(text) => client.search_page(text, page).await,
                ProductQuery::Category(category) => client.category_page(category, page).await,
            };
            match answer {
                Ok(found) => {
                    let total = found.total.map(|t| t as usize).unwrap_or(found.products.len());
                    let cards: Vec<Card> = found.products.iter().map(Card::from_product).collect();
                    let urls = cards.iter().filter_map(|c| c.picture.clone()).collect();
                    sink(Update::Products(Found {
                        query,
                        page,
                        cards,
                        total,
                        more: found.page < found.pages,
                        from_copy: false,
                        problem: None,
                    }));
                    // The pictures follow, each as it comes; a newer query stops them.
                    super::pictures::load(cache, Some(client), urls, sink).await;
                }
                Err(error) => {
                    let _ = tx.send(Intent::ProductsFailed {
                        query,
                        page,
                        line_failed: error.is_connectivity(),
                        error: error.to_string(),
                    });
                }
            }
        });
        self.product_search.task = Some(task);
    }

    /// The server's search failed: where the line or the server is down, the catalog
    /// copy answers; otherwise (an answer it cannot read) the screen says so. A failure
    /// of a query since replaced says nothing.
    pub(super) fn products_failed(&mut self, query: ProductQuery, page: u32, line_failed: bool, error: String) {
        if query != self.product_search.query || page != self.product_search.page {
            return;
        }
        tracing::warn!(%error, "product search failed");
        let problem = (!line_failed).then_some(error);
        self.search_copy(query, page, problem);
    }

    /// The catalog copy's results for `query`, or `problem` (the server's failure)
    /// where there is no copy to ask.
    fn search_copy(&mut self, query: ProductQuery, page: u32, problem: Option<String>) {
        let limit = COPY_PAGE * page as usize;
        let searched = match (&self.store, &problem) {
            (Some(store), None) => match &query {
                ProductQuery::Text(text) => crate::offline::catalog::search(store, text, limit),
                ProductQuery::Category(category) => crate::offline::catalog::in_category(store, category, limit),
            }
            .map_err(|e| e.to_string()),
            (_, Some(problem)) => Err(problem.clone()),
            (None, None) => Err("no catalog copy on this kiosk".to_string()),
        };
        let mut urls = Vec::new();
        let found = match searched {
            Ok((products, total)) => Found {
                query,
                page,
                cards: products
                    .iter()
                    .skip(COPY_PAGE * (page as usize - 1))
                    .map(Card::from_copy)
                    .inspect(|card| urls.extend(card.picture.clone()))
                    .collect(),
                total,
                more: total > COPY_PAGE * page as usize,
                from_copy: true,
                problem: None,
            },
            Err(problem) => Found {
                query,
                page,
                cards: Vec::new(),
                total: 0,
                more: false,
                from_copy: false,
                problem: Some(problem),
            },
        };
        self.emit(Update::Products(found));
        // Offline, only the pictures kept on disk.
        let (cache, sink) = (self.pictures.clone(), self.sink.clone());
        self.product_search.task = Some(tokio::spawn(super::pictures::load(cache, None, urls, sink)));
    }
}

impl Controller {
    /// The store's categories, to browse: the server's, or the copy's with the line
    /// down or the server away. A newer search or category stops the request.
    pub(super) fn browse_categories(&mut self) {
        self.product_search = ProductSearch::default();
        let client = match &self.client {
            Some(client) if !self.line_down => client.clone(),
            _ => return self.categories_from_copy(None),
        };
        let (sink, tx, cache) = (self.sink.clone(), self.tx.clone(), self.pictures.clone());
        let task = tokio::spawn(async move {
            match client.categories().await {
                Ok(categories) => {
                    let tiles: Vec<ShelfTile> = categories
                        .into_iter()
                        .map(|c| ShelfTile {
                            pk: c.pk,
                            name: c.name,
                            picture: c.image.filter(|i| !i.trim().is_empty()),
                            products: c.product_count.map(|n| n as usize),
                        })
                        .collect();
                    let urls = tiles.iter().filter_map(|t| t.picture.clone()).collect();
                    sink(Update::Categories(Shelf {
                        tiles,
                        from_copy: false,
                        problem: None,
                    }));
                    super::pictures::load(cache, Some(client), urls, sink).await;
                }
                Err(error) => {
                    let _ = tx.send(Intent::CategoriesFailed {
                        line_failed: error.is_connectivity(),
                        error: error.to_string(),
                    });
                }
            }
        });
        self.product_search.task = Some(task);
    }

    /// The server's category list failed: the copy answers where the line or the
    /// server is down; otherwise the screen says why.
    pub(super) fn categories_failed(&mut self, line_failed: bool, error: String) {
        tracing::warn!(%error, "the categories could not be read");
        self.categories_from_copy((!line_failed).then_some(error));
    }

    fn categories_from_copy(&mut self, problem: Option<String>) {
        let listed = match (&self.store, problem) {
            (Some(store), None) => crate::offline::catalog::categories(store).map_err(|e| e.to_string()),
            (_, Some(problem)) => Err(problem),
            (None, None) => Err("no catalog copy on this kiosk".to_string()),
        };
        let shelf = match listed {
            Ok(categories) => Shelf {
                tiles: categories
                    .into_iter()
                    .map(|c| ShelfTile {
                        pk: c.pk,
                        name: c.name,
                        picture: c.picture,
                        products: Some(c.products),
                    })
                    .collect(),
                from_copy: true,
                problem: None,
            },
            Err(problem) => Shelf {
                tiles: Vec::new(),
                from_copy: false,
                problem: Some(problem),
            },
        };
        let urls = shelf.tiles.iter().filter_map(|t| t.picture.clone()).collect();
        self.emit(Update::Categories(shelf));
        let (cache, sink) = (self.pictures.clone(), self.sink.clone());
        self.product_search.task = Some(tokio::spawn(super::pictures::load(cache, None, urls, sink)));
    }
}

/// The stores other than this kiosk's (`own`: its pk or name, as the settings say; the
/// server's first store when not set) that hold some of the product, most units first.
fn other_stores(stores: Vec<StoreStock>, own: Option<&str>) -> Vec<StoreStock> {
    use crate::commerce::customers::fold;
    let wanted = own.map(fold);
    let ours = match &wanted {
        Some(w) => stores.iter().position(|s| s.pk.0 == *w || fold(&s.name) == *w),
        None => None,
    }
    .or(if stores.is_empty() { None } else { Some(0) });
    let mut others: Vec<StoreStock> = stores
        .into_iter()
        .enumerate()
        .filter(|(i, s)| Some(*i) != ours && s.stock.is_some_and(|units| units > 0))
        .map(|(_, s)| s)
        .collect();
    others.sort_by_key(|s| std::cmp::Reverse(s.stock));
    others
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(pk: &str, name: &str, units: i64) -> StoreStock {
        StoreStock {
            pk: Pk(pk.into()),
            name: name.into(),
            stock: Some(units),
            ..Default::default()
        }
    }

    #[test]
    fn the_kiosks_own_store_and_stores_without_it_are_left_out_most_units_first() {
        let chain = || {
            vec![
                store("1", "Kadıköy", 2),
                store("2", "Nişantaşı", 0),
                store("3", "İzmir", 1),
                store("4", "Ankara", 7),
            ]
        };
        let names = |stores: Vec<StoreStock>| stores.into_iter().map(|s| s.name).collect::<Vec<_>>();
        // Not set: the server's first store is this kiosk's.
        assert_eq!(names(other_stores(chain(), None)), ["Ankara", "İzmir"]);
        // Named as the settings name it, the Turkish way, or by its pk.
        assert_eq!(names(other_stores(chain(), Some("İZMİR"))), ["Ankara", "Kadıköy"]);
        assert_eq!(names(other_stores(chain(), Some("4"))), ["Kadıköy", "İzmir"]);
        assert!(other_stores(Vec::new(), None).is_empty());
    }
}
