//! Returns and cancellations (README, "Returns"): `GET /orders/<number>/returns/` shows
//! what of an order can come back, a form `POST` there returns lines or cancels it whole
//! with the refund the server decides, `/credit/` there gives back what an exchange left
//! of its store credit; `/_sim/orders/<number>/age` and `/ship` move an
//! order on, for tests and the screenshots.

use super::checkout::form_of;
use super::session::authenticate;
use super::{json_error, Shared};
use crate::sim::world::ReturnRefusal;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::collections::HashMap;

pub(super) async fn order_returns(
    State(shared): State<Shared>,
    method: Method,
    headers: HeaderMap,
    Path(number): Path<String>,
    body: Bytes,
) -> Response {
    let mut world = shared.lock();
    let email = match authenticate(&mut world, &method, &headers) {
        Ok(email) => email,
        Err(r) => return r,
    };
    let english = super::language::english(&headers);
    let outcome = if method == Method::POST {
        world.return_post(&email, &number, &form_of(&body), english)
    } else {
        world.return_view(&email, &number, english)
    };
    answer(outcome)
}

/// `POST /orders/<number>/returns/credit/`: what an exchange left of the store credit,
/// back the order's way.
pub(super) async fn credit_left(
    State(shared): State<Shared>,
    method: Method,
    headers: HeaderMap,
    Path(number): Path<String>,
    body: Bytes,
) -> Response {
    let mut world = shared.lock();
    let email = match authenticate(&mut world, &method, &headers) {
        Ok(email) => email,
        Err(r) => return r,
    };
    let english = super::language::english(&headers);
    answer(world.refund_credit_left(&email, &number, &form_of(&body), english))
}

fn answer(outcome: Result<serde_json::Value, ReturnRefusal>) -> Response {
    match outcome {
        Ok(answer) => Json(answer).into_response(),
        Err(ReturnRefusal::NotFound) => json_error(StatusCode::NOT_FOUND, json!({"detail": "Not found."})),
        Err(ReturnRefusal::NotYours) => json_error(
            StatusCode::FORBIDDEN,
            json!({"detail": "You do not have permission to perform this action."}),
        ),
        Err(ReturnRefusal::Invalid(errors)) => json_error(StatusCode::BAD_REQUEST, errors),
    }
}

/// `POST /_sim/orders/<number>/age?days=N` or `/ship`.
pub(super) async fn sim_order_change(
    State(shared): State<Shared>,
    Path((number, change)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut world = shared.lock();
    let done = match change.as_str() {
        "age" => {
            let days = query.get("days").and_then(|d| d.parse().ok()).unwrap_or(0);
            world.age_order(&number, days)
        }
        "ship" => world.ship_order(&number),
        _ => return json_error(StatusCode::NOT_FOUND, json!({"detail": "Not found."})),
    };
    if done {
        Json(json!({"ok": true})).into_response()
    } else {
        json_error(StatusCode::NOT_FOUND, json!({"detail": "No order has this number."}))
    }
}
