//! The shop around the checkout: accounts and sessions, the catalog, and each
//! account's basket.

use super::SimProduct;
use super::{field_error, step_error, AuthError, Cart, Session, World};
use crate::commerce::money::wire;
use crate::commerce::Money;
use serde_json::{json, Value};

impl World {
    pub fn new_csrf_token(&mut self) -> String {
        self.token(32)
    }

    /// Checks the account; returns a new session id.
    pub fn login(&mut self, email: &str, password: &str) -> Option<String> {
        let account = self.accounts.get(email.trim())?;
        if account.password != password {
            return None;
        }
        let sid = self.token(32);
        self.sessions.insert(
            sid.clone(),
            Session {
                email: email.trim().to_string(),
                requests: 0,
            },
        );
        Some(sid)
    }

    /// The user of a session; counts the request and expires the session when the
    /// scenario says so.
    pub fn authenticate(&mut self, sid: Option<&str>) -> Result<String, AuthError> {
        let sid = sid.ok_or(AuthError::NoSession)?;
        let limit = self.scenario.faults.session_expiry_after;
        let session = self.sessions.get_mut(sid).ok_or(AuthError::NoSession)?;
        session.requests += 1;
        if limit.is_some_and(|n| session.requests > n) {
            self.sessions.remove(sid);
            return Err(AuthError::NoSession);
        }
        Ok(session.email.clone())
    }

    /// Ends every session of an account, as a server's logout or an expiry would.
    pub fn end_sessions_of(&mut self, email: &str) {
        self.sessions.retain(|_, session| session.email != email);
    }

    pub fn user_json(&self, email: &str) -> Value {
        let a = &self.accounts[email];
        json!({"pk": a.pk, "email": email, "first_name": a.first_name, "last_name": a.last_name, "phone": a.phone})
    }

    // ----- catalog ---------------------------------------------------------------

    pub(super) fn product_json(&self, p: &SimProduct) -> Value {
        let mut json = self.one_product_json(p);
        // A product with sizes lists them, each sold by its own barcode.
        let sizes: Vec<Value> = self
            .catalog
            .iter()
            .filter(|s| s.size_of.as_ref().is_some_and(|of| of.product == p.pk))
            .map(|s| self.one_product_json(s))
            .collect();
        if !sizes.is_empty() {
            json["variants"] = Value::from(sizes);
        }
        json
    }

    fn one_product_json(&self, p: &SimProduct) -> Value {
        // Its picture, as a commerce server lists a product's images (a CDN's address
        // on a real one; the simulator draws its own, `sim::picture`).
        let picture = format!("{}/media/products/{}.png", self.base_url, p.sku);
        let attributes = match &p.size_of {
            Some(of) => json!({"size": of.size}),
            None => json!({}),
        };
        json!({
            "attributes": attributes,
            "productimage_set": [{"image": picture}],
            "pk": p.pk, "sku": p.sku, "name": p.name,
            // A product without a barcode has none on the wire either.
            "barcode": if p.barcode.is_empty() { Value::Null } else { Value::from(p.barcode.clone()) },
            "price": wire(p.price), "retail_price": wire(p.price), "currency_type": "try",
            "stock": p.stock, "in_stock": p.stock > 0,
            "category_ids": p.category().map(|c| vec![c.pk]).unwrap_or_default(),
        })
    }

    /// `GET /categories/`: the store's categories in its menu's order, each with its
    /// picture and how many products it holds (an empty one is not listed).
    pub fn categories_json(&self) -> Value {
        let categories: Vec<Value> = super::super::catalog::CATEGORIES
            .iter()
            .filter_map(|c| {
                let count = self
                    .catalog
                    .iter()
                    .filter(|p| p.size_of.is_none() && p.category().is_some_and(|pc| pc.pk == c.pk))
                    .count();
                (count > 0).then(|| {
                    json!({"pk": c.pk, "name": c.name, "product_count": count,
                           "image": format!("{}/media/categories/{}.png", self.base_url, c.pk)})
                })
            })
            .collect();
        json!({ "categories": categories })
    }

    /// `GET /list/`: the whole catalog, or what matches `search_text` (every word in
    /// the name, case folded the Turkish way, or the exact barcode or SKU) and is in
    /// the category `category_ids` names. A product's sizes come in its `variants`,
    /// alone only for their exact code.
    pub fn product_list(&self, search: Option<&str>, category: Option<u64>, page: u32) -> Value {
        const PAGE_SIZE: usize = 20;
        let text = search.map(str::trim).filter(|s| !s.is_empty());
        let found: Vec<&SimProduct> = self
            .catalog
            .iter()
            .filter(|p| match (text, &p.size_of) {
                // A size is listed with its product, and alone only when its own
                // code is asked for (a scan).
                (None, Some(_)) => false,
                (Some(t), Some(_)) => t == p.barcode || t.eq_ignore_ascii_case(&p.sku),
                (None, None) => true,
                (Some(t), None) => crate::fold::matches(t, &p.name, &[&p.barcode, &p.sku]),
            })
            .filter(|p| category.is_none() || p.category().map(|c| c.pk) == category)
            .collect();
        let num_pages = found.len().div_ceil(PAGE_SIZE).max(1);
        let page = (page.max(1) as usize).min(num_pages);
        let products: Vec<Value> = found
            .iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|p| self.product_json(p))
            .collect();
        json!({
            "products": products,
            "pagination": {"total_count": found.len(), "current_page": page, "num_pages": num_pages, "page_size": PAGE_SIZE},
        })
    }

    pub fn catalog(&self) -> &[SimProduct] {
        &self.catalog
    }

    /// Adds products to the catalog, as a store's back office would.
    pub fn add_products(&mut self, products: impl IntoIterator<Item = SimProduct>) {
        self.catalog.extend(products);
    }

    /// Sets every product's stock, for long demos and benchmarks.
    pub fn restock(&mut self, units: i64) {
        for product in &mut self.catalog {
            product.stock = units;
        }
    }

    /// Sets one product's stock, as a store's back office would; `false` for an unknown SKU.
    pub fn set_stock(&mut self, sku: &str, units: i64) -> bool {
        match self.catalog.iter_mut().find(|p| p.sku == sku) {
            Some(product) => {
                product.stock = units;
                true
            }
            None => false,
        }
    }

    /// Changes a product's price, as a store's back office would.
    pub fn set_price(&mut self, sku: &str, price: Money) -> bool {
        match self.catalog.iter_mut().find(|p| p.sku == sku) {
            Some(product) => {
                product.price = price;
                true
            }
            None => false,
        }
    }

    // ----- basket ----------------------------------------------------------------

    pub(super) fn cart(&mut self, email: &str) -> &mut Cart {
        if !self.carts.contains_key(email) {
            let pk = self.pk();
            self.carts.insert(
                email.to_string(),
                Cart {
                    pk,
                    lines: vec![],
                    version: 1,
                    voucher: None,
                },
            );
        }
        self.carts.get_mut(email).expect("inserted above")
    }

    /// What the basket comes to: its goods less the voucher's discount.
    pub(super) fn basket_total(&self, email: &str) -> Money {
        self.goods_total(email) - self.discount(email).map(|(_, d)| d).unwrap_or_default()
    }

    /// What the basket's goods come to, before any voucher.
    pub(super) fn goods_total(&self, email: &str) -> Money {
        self.carts
            .get(email)
            .map(|c| {
                c.lines
                    .iter()
                    .map(|(i, q)| self.catalog[*i].price * Money::from(*q))
                    .sum()
            })
            .unwrap_or_default()
    }

    pub fn basket_json(&mut self, email: &str) -> Value {
        let cart_pk = self.cart(email).pk;
        let lines = self.carts[email].lines.clone();
        let items: Vec<Value> = lines
            .iter()
            .map(|(i, q)| {
                let p = &self.catalog[*i];
                json!({"pk": p.pk * 1000 + cart_pk % 1000, "product": self.product_json(p), "quantity": q,
                       "unit_price": wire(p.price), "total_amount": wire(p.price * Money::from(*q))})
            })
            .collect();
        let quantity: u32 = lines.iter().map(|(_, q)| q).sum();
        let discount = self.discount(email);
        let discounts: Vec<Value> = discount
            .iter()
            .map(|(v, d)| json!({"description": v.description, "discount": wire(*d)}))
            .collect();
        json!({"basket": {"pk": cart_pk, "basketitem_set": items, "total_amount": wire(self.basket_total(email)),
                          "total_product_amount": wire(self.goods_total(email)),
                          "total_discount_amount": wire(discount.as_ref().map(|(_, d)| *d).unwrap_or_default()),
                          "voucher_code": discount.as_ref().map(|(v, _)| v.code.clone()),
                          "discounts": discounts,
                          "total_quantity": quantity}})
    }

    /// Adds to (`add`) or sets (`!add`) a line. Errors are `(status, body)`.
    pub fn basket_change(&mut self, email: &str, body: &Value, add: bool) -> Result<Value, Value> {
        let pk = match body.get("product") {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .ok_or_else(|| field_error("product", "This field is required."))?;
        let quantity = match body.get("quantity") {
            None | Some(Value::Null) => Some(1),
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .filter(|q| (0..=999).contains(q))
        .ok_or_else(|| field_error("quantity", "Enter a whole number between 0 and 999."))?
            as u32;
        let index = self
            .catalog
            .iter()
            .position(|p| p.pk == pk)
            .ok_or_else(|| field_error("product", &format!("Product {pk} does not exist.")))?;
        let product = self.catalog[index].clone();
        if self
            .catalog
            .iter()
            .any(|s| s.size_of.as_ref().is_some_and(|of| of.product == pk))
        {
            return Err(step_error(&format!("Choose a size of {} first.", product.name)));
        }
        let cart = self.cart(email);
        let existing = cart.lines.iter().position(|(i, _)| *i == index);
        let old = existing.map(|at| cart.lines[at].1).unwrap_or(0);
        let new = if add { old + quantity } else { quantity };
        if add && quantity == 0 {
            return Err(field_error("quantity", "Enter a quantity of at least 1."));
        }
        // Some store's shelves (for a pickup there) or the warehouse (shipped).
        let available = super::delivery::most_in_a_store(&product).max(0) + product.warehouse;
        if new > 0 && i64::from(new) > available {
            return Err(step_error(&if product.stock <= 0 {
                format!("{} is out of stock.", product.name)
            } else {
                format!("Only {} of {} are in stock.", product.stock, product.name)
            }));
        }
        match (existing, new) {
            (Some(at), 0) => {
                cart.lines.remove(at);
            }
            (Some(at), n) => cart.lines[at].1 = n,
            (None, 0) => {}
            (None, n) => cart.lines.push((index, n)),
        }
        cart.version += 1;
        // A voucher the basket no longer meets (its minimum) comes off.
        self.recheck_voucher(email);
        Ok(self.basket_json(email))
    }

    pub fn basket_clear(&mut self, email: &str) -> Value {
        let cart = self.cart(email);
        cart.lines.clear();
        cart.voucher = None;
        cart.version += 1;
        self.basket_json(email)
    }
}
