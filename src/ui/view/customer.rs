//! Selling for a customer, on screen (filled by `controller/customer.rs` and
//! `controller/delivery.rs`): the search and its results, the new customer's form, the
//! delivery screen, the new address's form with its city and district pickers.

use super::model;
use crate::commerce::customers::Consent;
use crate::ui::{
    AddressCard, AddressProblem, CustomerAdapter, CustomerCard, CustomerProblem, DeliveryAdapter, MainWindow,
    PickLetter, Screen,
};
use slint::{ComponentHandle, SharedString};

/// What the delivery screen offers.
#[derive(Debug, Clone, Default)]
pub struct DeliveryView {
    pub store_name: String,
    pub store_address: String,
    /// Every line is on this store's shelves (or the sale is collected elsewhere).
    pub can_collect: bool,
    /// Collected at another store, which has what this one's shelves do not.
    pub elsewhere: bool,
    pub addresses: Vec<AddressCard>,
    pub amount: String,
    pub error: String,
}

pub(super) fn customer_search(window: &MainWindow, results: Vec<CustomerCard>, searched: bool) -> Screen {
    let adapter = window.global::<CustomerAdapter>();
    if !searched {
        adapter.set_search(SharedString::new());
    }
    adapter.set_results(model(results));
    adapter.set_searched(searched);
    Screen::CustomerSearch
}

pub(super) fn customer_new(window: &MainWindow, consents: Vec<Consent>) -> Screen {
    let adapter = window.global::<CustomerAdapter>();
    for set in [
        CustomerAdapter::set_first_name,
        CustomerAdapter::set_last_name,
        CustomerAdapter::set_phone,
        CustomerAdapter::set_email,
    ] {
        set(&adapter, SharedString::new());
    }
    let rows: Vec<crate::ui::ConsentRow> = consents
        .into_iter()
        .map(|c| crate::ui::ConsentRow {
            key: c.key.into(),
            label: c.label.into(),
            required: c.required,
            checked: false,
        })
        .collect();
    adapter.set_consents(model(rows));
    adapter.set_problem(crate::ui::CustomerProblem::None);
    Screen::CustomerNew
}

pub(super) fn delivery(window: &MainWindow, delivery: DeliveryView) -> Screen {
    let adapter = window.global::<DeliveryAdapter>();
    adapter.set_store_name(delivery.store_name.into());
    adapter.set_store_address(delivery.store_address.into());
    adapter.set_can_collect(delivery.can_collect);
    adapter.set_collect_elsewhere(delivery.elsewhere);
    adapter.set_addresses(model(delivery.addresses));
    adapter.set_amount(delivery.amount.into());
    adapter.set_step_error(delivery.error.into());
    Screen::Delivery
}

pub(super) fn address_new(window: &MainWindow, cities: Vec<String>) -> Screen {
    let adapter = window.global::<DeliveryAdapter>();
    adapter.set_city_letters(model(letters(&cities)));
    adapter.set_cities(model(cities.into_iter().map(SharedString::from).collect()));
    adapter.set_districts(model(Vec::new()));
    adapter.set_district_letters(model(Vec::new()));
    adapter.set_city_index(-1);
    adapter.set_district_index(-1);
    adapter.set_title(SharedString::new());
    adapter.set_line(SharedString::new());
    adapter.set_problem(crate::ui::AddressProblem::None);
    adapter.set_picking(crate::ui::AddressPicking::None);
    Screen::AddressNew
}

/// Whose sale it is: a customer's name, or `None` for the kiosk's own account.
pub(super) fn customer_name(window: &MainWindow, name: Option<String>) {
    window
        .global::<CustomerAdapter>()
        .set_name(name.unwrap_or_default().into());
}

pub(super) fn customer_problem(window: &MainWindow, problem: CustomerProblem, detail: String) {
    let adapter = window.global::<CustomerAdapter>();
    adapter.set_problem(problem);
    adapter.set_problem_detail(detail.into());
}

/// The districts of the city chosen on the new address's form.
pub(super) fn districts(window: &MainWindow, names: Vec<String>) {
    let adapter = window.global::<DeliveryAdapter>();
    adapter.set_district_index(-1);
    adapter.set_district_letters(model(letters(&names)));
    adapter.set_districts(model(names.into_iter().map(SharedString::from).collect()));
}

pub(super) fn address_problem(window: &MainWindow, problem: AddressProblem, detail: String) {
    let adapter = window.global::<DeliveryAdapter>();
    adapter.set_problem(problem);
    adapter.set_problem_detail(detail.into());
}

/// The initial letters of a list to pick from, each with its first item's index, in the
/// list's order; "izmir" and "İzmir" are under one letter, the Turkish capital İ.
fn letters(names: &[String]) -> Vec<PickLetter> {
    let mut letters: Vec<PickLetter> = Vec::new();
    for (index, name) in names.iter().enumerate() {
        let Some(first) = name.trim().chars().next() else {
            continue;
        };
        let letter: String = match first {
            'i' => "İ".into(),
            'ı' => "I".into(),
            other => other.to_uppercase().collect(),
        };
        if !letters.iter().any(|known| known.letter == letter.as_str()) {
            letters.push(PickLetter {
                letter: letter.into(),
                first: index as i32,
            });
        }
    }
    letters
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_lists_letters_point_at_each_letters_first_item_turkish_capitals_included() {
        let names: Vec<String> = ["Adana", "Ağrı", "Iğdır", "İstanbul", "izmir", "Çorum", ""]
            .into_iter()
            .map(String::from)
            .collect();
        let letters: Vec<(String, i32)> = super::letters(&names)
            .into_iter()
            .map(|l| (l.letter.to_string(), l.first))
            .collect();
        assert_eq!(
            letters,
            [("A".into(), 0), ("I".into(), 2), ("İ".into(), 3), ("Ç".into(), 5)]
        );
    }
}
