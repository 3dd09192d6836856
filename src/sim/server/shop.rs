//! The catalog and the basket: `GET /list/` (search and pages), and the basket's GET,
//! POST (add), PUT (set a quantity), PATCH (a voucher code on or off) and DELETE (empty).

use super::session::authenticate;
use super::{json_error, Shared};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;
use std::collections::HashMap;

pub(super) async fn product_list(
    State(shared): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let page = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let text = query.get("search_text").map(String::as_str);
    let late = text.and_then(|text| {
        let slow = &shared.lock().scenario.faults.slow_searches;
        slow.iter().find(|s| s.text == text).map(|s| s.delay_ms)
    });
    if let Some(ms) = late {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    let category = query.get("category_ids").and_then(|c| c.trim().parse().ok());
    Json(shared.lock().product_list(text, category, page)).into_response()
}

/// The store's categories (the simulator's contract: README, "The simulator").
pub(super) async fn categories(State(shared): State<Shared>) -> Response {
    Json(shared.lock().categories_json()).into_response()
}

/// Each store's units of a product (the simulator's contract: README, "The simulator").
pub(super) async fn store_stock(
    State(shared): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let pk = query.get("product").and_then(|p| p.trim().parse().ok());
    match pk.and_then(|pk| shared.lock().store_stock_json(pk)) {
        Some(json) => Json(json).into_response(),
        None => json_error(StatusCode::NOT_FOUND, serde_json::json!({"detail": "No such product."})),
    }
}

pub(super) async fn basket(State(shared): State<Shared>, method: Method, headers: HeaderMap, body: Bytes) -> Response {
    let mut world = shared.lock();
    let email = match authenticate(&mut world, &method, &headers) {
        Ok(email) => email,
        Err(r) => return r,
    };
    let parsed = || serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null);
    let outcome = match method {
        Method::GET => Ok(world.basket_json(&email)),
        Method::POST => world.basket_change(&email, &parsed(), true),
        Method::PUT => world.basket_change(&email, &parsed(), false),
        Method::PATCH => world.basket_voucher(&email, &parsed(), super::language::english(&headers)),
        Method::DELETE => Ok(world.basket_clear(&email)),
        _ => return StatusCode::METHOD_NOT_ALLOWED.into_response(),
    };
    match outcome {
        Ok(basket) => Json(basket).into_response(),
        Err(errors) => json_error(StatusCode::BAD_REQUEST, errors),
    }
}
