//! The checkout and the orders: every page of every strategy (`/orders/checkout/`), the
//! placed order's page (JSON for the kiosk, the receipt as HTML for a phone), its receipt
//! sent by e-mail or SMS, the user's orders with `next`/`previous` built from the request's
//! Host (as Django REST framework does behind a proxy), and `/_sim/orders` for tests.

use super::session::authenticate;
use super::{html_escape, json_error, wants_json, Shared};
use crate::sim::world::{Form, World};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;

pub(super) async fn checkout(
    State(shared): State<Shared>,
    method: Method,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut world = shared.lock();
    let email = match authenticate(&mut world, &method, &headers) {
        Ok(email) => email,
        Err(r) => return r,
    };
    world.base_url = links_origin(&world, &headers);
    if method == Method::GET {
        return Json(world.checkout_get(&email)).into_response();
    }
    let Some(page) = query.get("page") else {
        return json_error(
            StatusCode::BAD_REQUEST,
            json!({"non_field_errors": "The page parameter is required."}),
        );
    };
    let form = form_of(&body);
    Json(world.checkout_post(&email, page, &form)).into_response()
}

pub(super) async fn completed_order(
    State(shared): State<Shared>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let world = shared.lock();
    let Some(order) = world.order_by_token(&token) else {
        return json_error(StatusCode::NOT_FOUND, json!({"detail": "Not found."}));
    };
    if wants_json(&headers, &query) {
        return Json(json!({"order": order.json()})).into_response();
    }
    Html(receipt_html(order, super::language::english(&headers))).into_response()
}

/// The order's receipt as the customer's phone shows it (the thank-you screen's QR
/// code and the printed receipt's lead here): its number, date, lines, total and how it
/// was paid, in Turkish or, when the phone asks for it, English.
fn receipt_html(order: &crate::sim::world::Order, english: bool) -> String {
    let (title, quantity, total, paid, voucher) = if english {
        ("Receipt", "Qty", "Total", "Paid with", "Voucher")
    } else {
        ("Fiş", "Adet", "Toplam", "Ödeme", "Kupon")
    };
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(html_escape).unwrap_or_default();
    let lines: String = order
        .items
        .iter()
        .map(|item| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{} TRY</td></tr>",
                text(item, "name"),
                item.get("quantity").and_then(Value::as_u64).unwrap_or(1),
                text(item, "total_amount")
            )
        })
        .collect();
    let discount = match &order.voucher {
        Some((code, off)) => format!(
            "<p>{voucher} {}: -{} TRY</p>",
            html_escape(code),
            crate::commerce::money::wire(*off)
        ),
        None => String::new(),
    };
    format!(
        "<!doctype html><meta charset=utf-8><meta name=viewport content=\"width=device-width\">\
         <title>{title} {n}</title><h1>{title} {n}</h1><p>{date}</p>\
         <table><tr><th></th><th>{quantity}</th><th></th></tr>{lines}</table>{discount}\
         <p><b>{total}: {amount} TRY</b></p><p>{paid}: {option}</p>",
        n = order.number,
        // As a receipt prints it, not as the API carries it.
        date = chrono::DateTime::parse_from_rfc3339(&order.created)
            .map(|d| d.format("%d.%m.%Y %H:%M UTC").to_string())
            .unwrap_or_else(|_| html_escape(&order.created)),
        amount = crate::commerce::money::wire(order.amount),
        option = html_escape(&order.option_name)
    )
}

/// `POST /orders/completed/<token>/send/`, form `channel=email|sms`: the receipt to the
/// order's customer (`{"number", "channel", "sent": true}`); a field's error as 400,
/// another account's order 403, an unknown token 404.
pub(super) async fn send_receipt(
    State(shared): State<Shared>,
    Path(token): Path<String>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    use crate::sim::world::ReceiptRefusal;
    let mut world = shared.lock();
    let email = match authenticate(&mut world, &method, &headers) {
        Ok(email) => email,
        Err(r) => return r,
    };
    let form = form_of(&body);
    let channel = form.get("channel").map(String::as_str).unwrap_or_default();
    match world.send_receipt(&email, &token, channel) {
        Ok(answer) => Json(answer).into_response(),
        Err(ReceiptRefusal::NotFound) => json_error(StatusCode::NOT_FOUND, json!({"detail": "Not found."})),
        Err(ReceiptRefusal::NotYours) => json_error(
            StatusCode::FORBIDDEN,
            json!({"detail": "You do not have permission to perform this action."}),
        ),
        Err(ReceiptRefusal::Invalid(errors)) => json_error(StatusCode::BAD_REQUEST, errors),
    }
}

/// A posted form's fields (a malformed body has none: the rules then name what is missing).
pub(super) fn form_of(body: &Bytes) -> Form {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// The address the answer's links name, as a Django server behind a proxy builds them:
/// the request's Host, with the scheme of `X-Forwarded-Proto` when a proxy set one;
/// with the misconfigured-proxy scenario (`faults.links_origin`), that one for every link.
pub(super) fn links_origin(world: &World, headers: &HeaderMap) -> String {
    if let Some(origin) = &world.scenario.faults.links_origin {
        return origin.trim_end_matches('/').to_string();
    }
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let scheme = text(header::HeaderName::from_static("x-forwarded-proto"))
        .and_then(|p| p.split(',').next())
        .map(str::trim)
        .filter(|p| matches!(*p, "http" | "https"))
        .unwrap_or("http");
    match text(header::HOST).filter(|h| !h.is_empty()) {
        Some(host) => format!("{scheme}://{host}"),
        None => world.base_url.clone(),
    }
}

/// `GET /users/orders/?page=N&limit=L`: the user's orders newest first, `limit` (10 by
/// default) a page, with `next` and `previous` addresses as a paginating server gives
/// (built from the request's Host, as Django REST framework does).
pub(super) async fn user_orders(
    State(shared): State<Shared>,
    method: Method,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut world = shared.lock();
    let email = match authenticate(&mut world, &method, &headers) {
        Ok(email) => email,
        Err(r) => return r,
    };
    let number = |key: &str, default: usize| {
        query
            .get(key)
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|n| *n > 0)
            .unwrap_or(default)
    };
    let (page, limit) = (number("page", 1), number("limit", 10).min(100));
    let orders = world.orders_of(&email);
    let count = orders.len();
    let results: Vec<Value> = orders
        .iter()
        .skip((page - 1) * limit)
        .take(limit)
        .map(|o| o.json())
        .collect();
    let origin = links_origin(&world, &headers);
    let address = |page: usize| format!("{origin}/users/orders/?page={page}&limit={limit}");
    let next = (page * limit < count).then(|| address(page + 1));
    let previous = (page > 1).then(|| address(page - 1));
    Json(json!({"count": count, "next": next, "previous": previous, "results": results})).into_response()
}

pub(super) async fn all_orders(State(shared): State<Shared>) -> Response {
    let world = shared.lock();
    let results: Vec<Value> = world
        .all_orders()
        .iter()
        .map(|o| {
            let mut v = o.json();
            v["user_email"] = json!(o.email);
            v["receipts_sent"] = world
                .receipts_of(&o.number)
                .iter()
                .map(|r| json!({"channel": r.channel.wire(), "to": r.to}))
                .collect();
            v
        })
        .collect();
    Json(json!({"count": results.len(), "results": results})).into_response()
}

/// Gift cards on the checkout (README, "Gift cards"): `POST` a card's number (its SMS
/// code is sent), `DELETE` every card off the order; `/redeem/` with the code takes the
/// card's money; `/complete/` places an order the cards pay whole.
pub(super) async fn gift_cards(
    State(shared): State<Shared>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    gift_card_call(&shared, method, &headers, "", &body)
}

pub(super) async fn gift_cards_action(
    State(shared): State<Shared>,
    method: Method,
    headers: HeaderMap,
    Path(action): Path<String>,
    body: Bytes,
) -> Response {
    gift_card_call(&shared, method, &headers, &action, &body)
}

fn gift_card_call(shared: &Shared, method: Method, headers: &HeaderMap, action: &str, body: &[u8]) -> Response {
    let mut world = shared.lock();
    let email = match authenticate(&mut world, &method, headers) {
        Ok(email) => email,
        Err(r) => return r,
    };
    world.base_url = links_origin(&world, headers);
    let parsed = serde_json::from_slice::<Value>(body).unwrap_or(Value::Null);
    let outcome = match (action, method) {
        ("", Method::POST) => world.gift_card_ask(&email, &parsed),
        ("", Method::DELETE) => Ok(world.gift_cards_clear(&email)),
        ("redeem", Method::POST) => world.gift_card_redeem(&email, &parsed),
        ("complete", Method::POST) => Ok(world.gift_cards_complete(&email)),
        ("" | "redeem" | "complete", _) => return StatusCode::METHOD_NOT_ALLOWED.into_response(),
        _ => return json_error(StatusCode::NOT_FOUND, json!({"detail": "Not found."})),
    };
    match outcome {
        Ok(answer) => Json(answer).into_response(),
        Err(errors) => json_error(StatusCode::BAD_REQUEST, errors),
    }
}
