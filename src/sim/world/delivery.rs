//! How the goods reach the customer (#13): collect in a store, or ship to an address of
//! the account with a shipping option; and the account's addresses with the server's
//! lists of cities and districts.
//!
//! The checkout pages are the protocol's (`DeliveryOptionSelectionPage`,
//! `RetailStoreSelectionPage`, `AddressSelectionPage`, `ShippingOptionSelectionPage`).
//! The address book is the simulator's contract, modelled on the platform's conventions:
//!
//! - `GET /address/`: the account's addresses, `{"count", "results": [address]}`.
//! - `POST /address/` JSON `{title, city, district, line}` (city and district by pk):
//!   201 and the address, or 400 with field errors.
//! - `GET /address/city/?country=1`: `{"results": [{pk, name}]}`.
//! - `GET /address/district/?city=PK`: `{"results": [{pk, name, city}]}`.
//!
//! An address is `{pk, title, line, city: {pk, name}, district: {pk, name}}`.
//!
//! A product out of stock in the stores may still be shipped from the warehouse: the
//! basket takes it, and store pickup refuses a basket with such a line.

use super::{field_error, required, step_error, Checkout, Form, Next, World};
use crate::commerce::pages::PageName as P;
use crate::commerce::Money;
use serde_json::{json, Value};

/// The 81 provinces (pk: the plate code, name), in the Turkish alphabet's order, as a
/// form lists them.
const CITIES: [(u64, &str); 81] = [
    (1, "Adana"),
    (2, "Adıyaman"),
    (3, "Afyonkarahisar"),
    (4, "Ağrı"),
    (68, "Aksaray"),
    (5, "Amasya"),
    (6, "Ankara"),
    (7, "Antalya"),
    (75, "Ardahan"),
    (8, "Artvin"),
    (9, "Aydın"),
    (10, "Balıkesir"),
    (74, "Bartın"),
    (72, "Batman"),
    (69, "Bayburt"),
    (11, "Bilecik"),
    (12, "Bingöl"),
    (13, "Bitlis"),
    (14, "Bolu"),
    (15, "Burdur"),
    (16, "Bursa"),
    (17, "Çanakkale"),
    (18, "Çankırı"),
    (19, "Çorum"),
    (20, "Denizli"),
    (21, "Diyarbakır"),
    (81, "Düzce"),
    (22, "Edirne"),
    (23, "Elazığ"),
    (24, "Erzincan"),
    (25, "Erzurum"),
    (26, "Eskişehir"),
    (27, "Gaziantep"),
    (28, "Giresun"),
    (29, "Gümüşhane"),
    (30, "Hakkari"),
    (31, "Hatay"),
    (76, "Iğdır"),
    (32, "Isparta"),
    (34, "İstanbul"),
    (35, "İzmir"),
    (46, "Kahramanmaraş"),
    (78, "Karabük"),
    (70, "Karaman"),
    (36, "Kars"),
    (37, "Kastamonu"),
    (38, "Kayseri"),
    (71, "Kırıkkale"),
    (39, "Kırklareli"),
    (40, "Kırşehir"),
    (79, "Kilis"),
    (41, "Kocaeli"),
    (42, "Konya"),
    (43, "Kütahya"),
    (44, "Malatya"),
    (45, "Manisa"),
    (47, "Mardin"),
    (33, "Mersin"),
    (48, "Muğla"),
    (49, "Muş"),
    (50, "Nevşehir"),
    (51, "Niğde"),
    (52, "Ordu"),
    (80, "Osmaniye"),
    (53, "Rize"),
    (54, "Sakarya"),
    (55, "Samsun"),
    (56, "Siirt"),
    (57, "Sinop"),
    (58, "Sivas"),
    (63, "Şanlıurfa"),
    (73, "Şırnak"),
    (59, "Tekirdağ"),
    (60, "Tokat"),
    (61, "Trabzon"),
    (62, "Tunceli"),
    (64, "Uşak"),
    (65, "Van"),
    (77, "Yalova"),
    (66, "Yozgat"),
    (67, "Zonguldak"),
];

/// Districts (pk, city, name) of the three cities the demo's stores and customers live
/// in. Every other province has one district, its centre: see [`districts_of`].
const DISTRICTS: [(u64, u64, &str); 8] = [
    (3401, 34, "Kadıköy"),
    (3402, 34, "Şişli"),
    (3403, 34, "Beşiktaş"),
    (3404, 34, "Üsküdar"),
    (601, 6, "Çankaya"),
    (602, 6, "Keçiören"),
    (3501, 35, "Konak"),
    (3502, 35, "Karşıyaka"),
];

/// The pk of the one district ("Merkez") of a province without districts of its own.
const CENTRE: u64 = 1000;

/// A city's districts (pk, city, name).
fn districts_of(city: u64) -> Vec<(u64, u64, &'static str)> {
    let own: Vec<_> = DISTRICTS.iter().copied().filter(|d| d.1 == city).collect();
    if own.is_empty() && CITIES.iter().any(|c| c.0 == city) {
        vec![(CENTRE + city, city, "Merkez")]
    } else {
        own
    }
}

/// A district by its pk.
fn district(pk: u64) -> Option<(u64, u64, &'static str)> {
    DISTRICTS.iter().copied().find(|d| d.0 == pk).or_else(|| {
        pk.checked_sub(CENTRE)
            .and_then(|city| districts_of(city).into_iter().find(|d| d.0 == pk))
    })
}

/// The chain's stores (pk, name, address).
const STORES: [(u64, &str, &str); 2] = [
    (1, "Instore Demo Kadıköy", "Caferağa Mah. Moda Cad. 1, Kadıköy/İstanbul"),
    (2, "Instore Demo Nişantaşı", "Teşvikiye Cad. 20, Şişli/İstanbul"),
];

/// Where a store's shelves differ from what each product's `stock` says (SKU, store,
/// units): the chain's stores carry the same range, save these. The coat and the
/// boots in 40, on no shelf of the first store, are at Nişantaşı.
const STORE_STOCK_EXCEPTIONS: [(&str, u64, i64); 2] = [("COA-110", 2, 3), ("SHO-200-40", 2, 1)];

/// A store's units of a product.
pub(super) fn store_units(product: &crate::sim::catalog::SimProduct, store: u64) -> i64 {
    STORE_STOCK_EXCEPTIONS
        .iter()
        .find(|(sku, at, _)| *sku == product.sku && *at == store)
        .map_or(product.stock, |exception| exception.2)
        .max(0)
}

/// The most units of a product any one store holds.
pub(super) fn most_in_a_store(product: &crate::sim::catalog::SimProduct) -> i64 {
    STORES.iter().map(|s| store_units(product, s.0)).max().unwrap_or(0)
}

/// Shipping options (pk, name, fee).
const SHIPPING: [(u64, &str, &str); 2] = [(1, "Standart kargo", "29.90"), (2, "Hızlı kargo", "59.90")];

/// An address of an account.
#[derive(Clone, Debug)]
pub(super) struct SimAddress {
    pub pk: u64,
    pub title: String,
    pub line: String,
    pub city: u64,
    pub district: u64,
}

impl SimAddress {
    pub(super) fn new(pk: u64, title: &str, line: &str, district: u64) -> SimAddress {
        let city = self::district(district).map(|d| d.1).unwrap_or_default();
        SimAddress {
            pk,
            title: title.into(),
            line: line.into(),
            city,
            district,
        }
    }

    pub(super) fn json(&self) -> Value {
        let city = CITIES
            .iter()
            .find(|c| c.0 == self.city)
            .map(|c| c.1)
            .unwrap_or_default();
        let district = district(self.district).map(|d| d.2).unwrap_or_default();
        json!({"pk": self.pk, "title": self.title, "line": self.line,
               "city": {"pk": self.city, "name": city}, "district": {"pk": self.district, "name": district}})
    }
}

/// How a checkout's goods reach the customer, as chosen so far.
#[derive(Clone, Debug, Default)]
pub(super) enum Delivery {
    #[default]
    Undecided,
    Store(u64),
    /// Shipped to an address; the shipping option once chosen.
    Ship {
        address: u64,
        option: Option<u64>,
    },
}

fn store_json(store: &(u64, &str, &str)) -> Value {
    json!({"pk": store.0, "name": store.1, "address": store.2})
}

fn shipping_json(option: &(u64, &str, &str)) -> Value {
    json!({"pk": option.0, "name": option.1, "shipping_amount": option.2})
}

fn pk_of(form: &Form, field: &str) -> Result<u64, Value> {
    required(form, field)?
        .parse()
        .map_err(|_| field_error(field, "Select a valid choice."))
}

impl World {
    /// The account's addresses.
    pub fn addresses_json(&self, email: &str) -> Value {
        let results: Vec<Value> = self.accounts[email].addresses.iter().map(SimAddress::json).collect();
        json!({"count": results.len(), "results": results})
    }

    pub fn cities_json() -> Value {
        json!({"results": CITIES.iter().map(|c| json!({"pk": c.0, "name": c.1})).collect::<Vec<_>>()})
    }

    pub fn districts_json(city: u64) -> Value {
        json!({"results": districts_of(city).iter()
            .map(|d| json!({"pk": d.0, "name": d.2, "city": d.1})).collect::<Vec<_>>()})
    }

    /// `POST /address/`: a new address of the account, or field errors.
    pub fn address_create(&mut self, email: &str, form: &Value) -> Result<Value, Value> {
        let text = |key: &str| match form.get(key) {
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let (title, line) = (text("title"), text("line"));
        let city: Option<u64> = text("city").parse().ok().filter(|c| CITIES.iter().any(|x| x.0 == *c));
        let district: Option<u64> = text("district").parse().ok();
        let Some(city) = city else {
            return Err(field_error("city", "Select a valid city."));
        };
        let of_the_city = district.and_then(self::district).is_some_and(|d| d.1 == city);
        if !of_the_city {
            return Err(field_error("district", "Select a district of the city."));
        }
        if line.chars().count() < 5 {
            return Err(field_error("line", "Enter the street, building and door number."));
        }
        let title = if title.is_empty() { "Adres".to_string() } else { title };
        let pk = self.pk();
        let address = SimAddress::new(pk, &title, &line, district.unwrap_or_default());
        let json = address.json();
        if let Some(account) = self.accounts.get_mut(email) {
            account.addresses.push(address);
        }
        Ok(json)
    }

    /// `GET /retail_stores/stock/?product=PK`: every store of the chain with its units
    /// of the product and whether it hands it over (click and collect); `None` for an
    /// unknown product.
    pub fn store_stock_json(&self, pk: u64) -> Option<Value> {
        let product = self.catalog.iter().find(|p| p.pk == pk)?;
        let stores: Vec<Value> = STORES
            .iter()
            .map(|store| {
                let mut json = store_json(store);
                json["stock"] = Value::from(store_units(product, store.0));
                // Every store of the chain hands over what its shelves hold.
                json["click_and_collect"] = Value::from(true);
                json
            })
            .collect();
        Some(json!({"product": pk, "retail_stores": stores}))
    }

    fn address_of(&self, email: &str, pk: u64) -> Option<&SimAddress> {
        self.accounts[email].addresses.iter().find(|a| a.pk == pk)
    }

    /// The basket's lines the store `store` cannot hand over now: they can only be
    /// shipped.
    fn ship_only_lines(&self, email: &str, store: u64) -> Vec<String> {
        self.carts
            .get(email)
            .map(|c| {
                c.lines
                    .iter()
                    .filter(|(i, q)| store_units(&self.catalog[*i], store) < i64::from(*q))
                    .map(|(i, _)| self.catalog[*i].name.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// What an order records of its delivery.
    pub(super) fn delivery_json(&self, email: &str, ck: &Checkout) -> Value {
        match &ck.delivery {
            Delivery::Store(pk) => match STORES.iter().find(|s| s.0 == *pk) {
                Some(store) => json!({"delivery_option_type": "retail_store", "retail_store": store_json(store)}),
                None => Value::Null,
            },
            Delivery::Ship { address, option } => json!({
                "delivery_option_type": "customer",
                "shipping_address": self.address_of(email, *address).map(SimAddress::json),
                "shipping_option": option.and_then(|o| SHIPPING.iter().find(|s| s.0 == o)).map(shipping_json)}),
            Delivery::Undecided => Value::Null,
        }
    }

    /// The context of one of the delivery pages.
    pub(super) fn render_delivery(&self, email: &str, page: P) -> Value {
        let addresses: Vec<Value> = self.accounts[email].addresses.iter().map(SimAddress::json).collect();
        match page {
            P::DeliveryOptionSelection => json!({"delivery_options": [
                {"pk": 1, "name": "Mağazadan teslim", "delivery_option_type": "retail_store"},
                {"pk": 2, "name": "Adrese teslim", "delivery_option_type": "customer"}]}),
            P::RetailStoreSelection => json!({
                "retail_stores": STORES.iter().map(store_json).collect::<Vec<_>>(),
                "addresses": addresses}),
            P::AddressSelection => json!({"addresses": addresses}),
            P::ShippingOptionSelection => {
                json!({"shipping_options": SHIPPING.iter().map(shipping_json).collect::<Vec<_>>()})
            }
            _ => json!({}),
        }
    }

    /// The rules of one of the delivery steps.
    pub(super) fn step_delivery(
        &mut self,
        email: &str,
        ck: &mut Checkout,
        page: P,
        form: &Form,
    ) -> Result<Next, Value> {
        match page {
            P::DeliveryOptionSelection => {
                let option = required(form, "delivery_option")?.to_string();
                // Choosing how to deliver starts the steps after it afresh.
                *ck = Checkout {
                    basket_version: ck.basket_version,
                    contact: ck.contact.clone(),
                    notes: ck.notes.clone(),
                    ..Checkout::default()
                };
                match option.as_str() {
                    "1" => Ok(Next::to(P::RetailStoreSelection)),
                    "2" => Ok(Next::to(P::AddressSelection)),
                    _ => Err(field_error("delivery_option", "Select a valid delivery option.")),
                }
            }
            P::RetailStoreSelection => {
                let store = pk_of(form, "retail_store")?;
                if !STORES.iter().any(|s| s.0 == store) {
                    return Err(field_error("retail_store", "Select a valid store."));
                }
                // The billing address is optional for a pickup; when given, it is the account's.
                let billing = form.get("billing_address").map(|s| s.trim()).unwrap_or_default();
                if !billing.is_empty() && billing.parse().ok().and_then(|pk| self.address_of(email, pk)).is_none() {
                    return Err(field_error("billing_address", "Select a valid address."));
                }
                let away = self.ship_only_lines(email, store);
                if !away.is_empty() {
                    return Err(step_error(&format!(
                        "Not in stock in the store, only shipped: {}.",
                        away.join(", ")
                    )));
                }
                ck.delivery = Delivery::Store(store);
                ck.shipping_fee = Money::ZERO;
                ck.payment_reached = true;
                Ok(Next::to(P::PaymentOptionSelection))
            }
            P::AddressSelection => {
                let shipping = pk_of(form, "shipping_address")?;
                if self.address_of(email, shipping).is_none() {
                    return Err(field_error("shipping_address", "Select a valid address."));
                }
                let billing = form.get("billing_address").map(|s| s.trim()).unwrap_or_default();
                if !billing.is_empty() && billing.parse().ok().and_then(|pk| self.address_of(email, pk)).is_none() {
                    return Err(field_error("billing_address", "Select a valid address."));
                }
                ck.delivery = Delivery::Ship {
                    address: shipping,
                    option: None,
                };
                Ok(Next::to(P::ShippingOptionSelection))
            }
            P::ShippingOptionSelection => {
                let pk = pk_of(form, "shipping_option")?;
                let option = SHIPPING
                    .iter()
                    .find(|s| s.0 == pk)
                    .ok_or_else(|| field_error("shipping_option", "Select a valid shipping option."))?;
                if let Delivery::Ship { option: chosen, .. } = &mut ck.delivery {
                    *chosen = Some(pk);
                }
                ck.shipping_fee = option.2.parse().unwrap_or_default();
                ck.payment_reached = true;
                Ok(Next::to(P::PaymentOptionSelection))
            }
            other => Err(super::not_served(other)),
        }
    }
}
