//! The product search's callbacks on the UI thread: each change of the field is a
//! query, with the search's own "Searching…" line at once and no busy overlay (the
//! customer keeps typing); a tapped result puts the search away and is added to the
//! basket as a scanned code is, with the busy overlay until the basket answers.
//!
//! Not here: the search itself (`controller/products.rs`), its results on screen
//! (`view/products.rs`).

use super::controller::{ControllerHandle, Intent};
use super::{dispatch, MainWindow, SearchAdapter, SearchState};
use slint::ComponentHandle;

pub(super) fn wire(window: &MainWindow, handle: &ControllerHandle) {
    let search = window.global::<SearchAdapter>();
    let (weak, h) = (window.as_weak(), handle.clone());
    search.on_changed(move |query| {
        if let Some(window) = weak.upgrade() {
            let searching = if query.trim().is_empty() {
                SearchState::Idle
            } else {
                SearchState::Searching
            };
            window.global::<SearchAdapter>().set_state(searching);
        }
        h.send(Intent::SearchProducts(query.to_string()));
    });
    let h = handle.clone();
    search.on_more_results(move || h.send(Intent::MoreProducts));
    let h = handle.clone();
    search.on_browse(move || h.send(Intent::BrowseCategories));
    let h = handle.clone();
    search.on_stock_elsewhere(move |pk| h.send(Intent::StockElsewhere(pk.to_string())));
    let h = handle.clone();
    search.on_open_category(move |pk| h.send(Intent::OpenCategory(pk.to_string())));
    let weak = window.as_weak();
    search.on_put_away(move || {
        if let Some(window) = weak.upgrade() {
            super::view::put_search_away(&window);
        }
    });
    let (weak, h) = (window.as_weak(), handle.clone());
    search.on_collect_at(move |store, name, code| {
        if let Some(window) = weak.upgrade() {
            window.global::<SearchAdapter>().set_open(false);
            window.invoke_focus_keys();
        }
        dispatch(
            &weak,
            &h,
            Intent::CollectAt {
                store: store.to_string(),
                name: name.to_string(),
                code: code.to_string(),
            },
        );
    });
    let (weak, h) = (window.as_weak(), handle.clone());
    search.on_add(move |code| {
        if let Some(window) = weak.upgrade() {
            let search = window.global::<SearchAdapter>();
            search.set_open(false);
            window.invoke_focus_keys();
        }
        dispatch(&weak, &h, Intent::AddCode(code.to_string()));
    });
}
