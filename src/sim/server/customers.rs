//! Selling for a customer: the staff's customer search and creation, identification by
//! phone and code, sessions on a customer's behalf, the account's addresses, and the
//! server's cities and districts.

use super::session::authenticate;
use super::{json_error, set_cookie, Shared};
use crate::sim::world::World;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;

pub(super) fn staff_refusal(refusal: crate::sim::world::StaffRefusal) -> Response {
    match refusal {
        crate::sim::world::StaffRefusal::NotStaff => json_error(
            StatusCode::FORBIDDEN,
            json!({"detail": "Only the store's staff may do this."}),
        ),
        crate::sim::world::StaffRefusal::NotFound => {
            json_error(StatusCode::NOT_FOUND, json!({"detail": "No customer has this key."}))
        }
        crate::sim::world::StaffRefusal::WrongCode => {
            json_error(StatusCode::BAD_REQUEST, json!({"code": ["The code is not correct."]}))
        }
    }
}

/// `POST /users/customers/identify/`: a code by SMS, then the customer's session.
pub(super) async fn customer_identify(
    State(shared): State<Shared>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut world = shared.lock();
    let staff = match authenticate(&mut world, &method, &headers) {
        Ok(email) => email,
        Err(r) => return r,
    };
    let form: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let phone = form.get("phone").and_then(Value::as_str).unwrap_or_default();
    let code = form.get("code").and_then(Value::as_str);
    match world.customer_identify(&staff, phone, code) {
        Ok(None) => Json(json!({"sent": true})).into_response(),
        Ok(Some((sid, customer))) => {
            let mut response = Json(customer).into_response();
            set_cookie(&mut response, "osessionid", &sid);
            response
        }
        Err(refusal) => staff_refusal(refusal),
    }
}

/// `GET /address/`: the account's addresses; `POST`: a new one.
pub(super) async fn addresses(
    State(shared): State<Shared>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut world = shared.lock();
    let email = match authenticate(&mut world, &method, &headers) {
        Ok(email) => email,
        Err(r) => return r,
    };
    if method == Method::GET {
        return Json(world.addresses_json(&email)).into_response();
    }
    let form: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    match world.address_create(&email, &form) {
        Ok(address) => (StatusCode::CREATED, Json(address)).into_response(),
        Err(errors) => json_error(StatusCode::BAD_REQUEST, errors),
    }
}

/// `GET /address/district/?city=PK`: the city's districts.
pub(super) async fn districts(Query(query): Query<HashMap<String, String>>) -> Response {
    let city = query.get("city").and_then(|c| c.trim().parse().ok()).unwrap_or(0);
    Json(World::districts_json(city)).into_response()
}

/// `GET /users/customers/?search=`: the store's customers; `POST`: a new one.
pub(super) async fn customers(
    State(shared): State<Shared>,
    method: Method,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut world = shared.lock();
    let staff = match authenticate(&mut world, &method, &headers) {
        Ok(email) => email,
        Err(r) => return r,
    };
    if method == Method::GET {
        let search = query.get("search").map(String::as_str).unwrap_or_default();
        return match world.customers_search(&staff, search) {
            Ok(found) => Json(found).into_response(),
            Err(refusal) => staff_refusal(refusal),
        };
    }
    let form: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    match world.customer_create(&staff, &form) {
        Ok(Ok(customer)) => (StatusCode::CREATED, Json(customer)).into_response(),
        Ok(Err(errors)) => json_error(StatusCode::BAD_REQUEST, errors),
        Err(refusal) => staff_refusal(refusal),
    }
}

/// `POST /users/customers/<pk>/session/`: from here on, this client acts for the customer.
pub(super) async fn customer_session(
    State(shared): State<Shared>,
    method: Method,
    headers: HeaderMap,
    Path(pk): Path<u64>,
) -> Response {
    let mut world = shared.lock();
    let staff = match authenticate(&mut world, &method, &headers) {
        Ok(email) => email,
        Err(r) => return r,
    };
    match world.customer_session(&staff, pk) {
        Ok((sid, customer)) => {
            let mut response = Json(customer).into_response();
            set_cookie(&mut response, "osessionid", &sid);
            response
        }
        Err(refusal) => staff_refusal(refusal),
    }
}
