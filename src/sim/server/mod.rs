//! The simulator's HTTP face: axum routes in the shapes of the reference, one file per
//! resource they serve (`session.rs`, `shop.rs` for the catalog and basket,
//! `checkout.rs` for the checkout and orders, `customers.rs` for customers and
//! addresses, `register.rs` for the cash register's hooks, `returns.rs` for returns and
//! cancellations, `service.rs` for the payment
//! service's page), the fault layer (`faults.rs`), the answer's language
//! (`language.rs`) and the accept loop that can drop a
//! connection on purpose (`accept.rs`). This file is the route table and the helpers
//! every route uses.
//!
//! Not here: the rules behind each answer (`super::world`).

mod accept;
mod checkout;
mod customers;
mod faults;
mod language;
mod register;
mod returns;
mod service;
mod session;
mod shop;

pub use accept::serve;

use super::world::World;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::net::TcpListener;

/// The simulator's state, shared by every request.
#[derive(Clone)]
pub struct Shared(pub Arc<Mutex<World>>);

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, World> {
        // A panic while holding the lock must not take the whole simulator down.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Every route, each to the file of its resource, behind the fault layer.
pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/csrf_token/", get(session::csrf_token))
        .route("/users/login/", post(session::login))
        .route("/users/logout/", post(session::logout))
        .route("/current_user/", get(session::current_user))
        .route("/list/", get(shop::product_list))
        .route("/categories/", get(shop::categories))
        .route("/retail_stores/stock/", get(shop::store_stock))
        .route(
            "/baskets/basket/",
            get(shop::basket)
                .post(shop::basket)
                .put(shop::basket)
                .patch(shop::basket)
                .delete(shop::basket),
        )
        .route("/orders/checkout/", get(checkout::checkout).post(checkout::checkout))
        .route(
            "/orders/checkout/gift_cards/",
            post(checkout::gift_cards).delete(checkout::gift_cards),
        )
        .route("/orders/checkout/gift_cards/{action}/", post(checkout::gift_cards_action))
        .route("/orders/completed/{token}/", get(checkout::completed_order))
        .route("/orders/completed/{token}/send/", post(checkout::send_receipt))
        .route("/users/orders/", get(checkout::user_orders))
        .route("/orders/{number}/returns/", get(returns::order_returns).post(returns::order_returns))
        .route("/orders/{number}/returns/credit/", post(returns::credit_left))
        .route(
            "/users/customers/",
            get(customers::customers).post(customers::customers),
        )
        .route("/users/customers/{pk}/session/", post(customers::customer_session))
        .route("/users/customers/identify/", post(customers::customer_identify))
        .route(
            "/users/customers/consents/",
            get(|| async { Json(World::consents_json()) }),
        )
        .route("/address/", get(customers::addresses).post(customers::addresses))
        .route("/address/city/", get(|| async { Json(World::cities_json()) }))
        .route("/address/district/", get(customers::districts))
        .route("/hooks/cash_register/pre_order/", post(register::register_pre_order))
        .route("/hooks/cash_register/complete/", post(register::register_complete))
        .route(
            "/_sim/pay/{txn}/",
            get(service::service_page).post(service::service_decision),
        )
        .route("/_sim/cash-register/{number}/pay", post(register::cash_register_pay))
        .route("/_sim/orders", get(checkout::all_orders))
        .route("/_sim/orders/{number}/{change}", post(returns::sim_order_change))
        .route("/_sim/logos/{file}", get(service::logo))
        .route("/media/products/{file}", get(service::product_picture))
        .route("/media/categories/{file}", get(service::category_picture))
        .route("/_sim/health", get(|| async { Json(json!({"ok": true})) }))
        .fallback(|| async { (StatusCode::NOT_FOUND, Json(json!({"detail": "Not found."}))) })
        .layer(middleware::from_fn_with_state(shared.clone(), language::language))
        .layer(middleware::from_fn_with_state(shared.clone(), faults::faults))
        .with_state(shared)
}

pub(super) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub(super) fn json_error(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

pub(super) fn set_cookie(response: &mut Response, name: &str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(&format!("{name}={value}; Path=/; SameSite=Lax")) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

pub(super) fn wants_json(headers: &HeaderMap, query: &HashMap<String, String>) -> bool {
    query.get("format").is_some_and(|f| f == "json")
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("application/json"))
}

pub(super) fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Where a running simulator listens.
pub async fn bind(listen: SocketAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}
