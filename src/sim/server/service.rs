//! The third-party payment service as a person sees it (approve or decline), its state
//! as JSON for the kiosk watching the customer's phone, and the banks' logos.

use super::{html_escape, json_error, wants_json, Shared};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;

pub(super) async fn logo(Path(file): Path<String>) -> Response {
    let slug = file.trim_end_matches(".png");
    ([(header::CONTENT_TYPE, "image/png")], crate::sim::logo::logo_png(slug)).into_response()
}

/// A product's picture (`sim::picture`), by its SKU; 404 for an unknown one.
pub(super) async fn product_picture(State(shared): State<Shared>, Path(file): Path<String>) -> Response {
    let sku = file.trim_end_matches(".png");
    let name = shared
        .lock()
        .catalog()
        .iter()
        .find(|p| p.sku == sku)
        .map(|p| p.name.clone());
    match name {
        Some(name) => (
            [(header::CONTENT_TYPE, "image/png")],
            crate::sim::picture::product_png(sku, &name),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A category's picture: the silhouette of its first kind, in the store's blue.
pub(super) async fn category_picture(Path(file): Path<String>) -> Response {
    let pk: Option<u64> = file.trim_end_matches(".png").parse().ok();
    match crate::sim::catalog::CATEGORIES.iter().find(|c| Some(c.pk) == pk) {
        Some(category) => (
            [(header::CONTENT_TYPE, "image/png")],
            crate::sim::picture::product_png(&format!("{}-0", category.kinds[0]), category.name),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The third-party payment service as a person sees it: approve or decline. With
/// `?format=json` (a kiosk watching the customer's phone), its state: the decision, and
/// once decided where the customer goes back and with which fields.
pub(super) async fn service_page(
    State(shared): State<Shared>,
    Path(txn): Path<String>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let world = shared.lock();
    let Some(service) = world.service(&txn) else {
        if wants_json(&headers, &query) {
            return json_error(
                StatusCode::NOT_FOUND,
                json!({"non_field_errors": "This payment is unknown."}),
            );
        }
        return (
            StatusCode::NOT_FOUND,
            Html("<p>This payment is unknown.</p>".to_string()),
        )
            .into_response();
    };
    if wants_json(&headers, &query) {
        let back = world.service_return(&txn);
        let fields: serde_json::Map<String, Value> = back
            .iter()
            .flat_map(|b| &b.form)
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        return Json(json!({
            "decision": service.decision.map(|approve| if approve { "approve" } else { "decline" }),
            "amount": crate::commerce::money::wire(service.amount),
            "return_url": back.as_ref().map(|b| b.return_url.clone()),
            "return_form": fields,
        }))
        .into_response();
    }
    let state = match service.decision {
        None => "waiting for your decision",
        Some(true) => "approved",
        Some(false) => "declined",
    };
    Html(format!(
        "<!doctype html><meta charset=utf-8><title>Simulated payment</title>\
         <h1>Simulated {kind:?} payment</h1><p>Amount: {amount} TRY ({state})</p>\
         <form method=post><button name=decision value=approve>Approve</button>\
         <button name=decision value=decline>Decline</button></form>",
        kind = service.kind,
        amount = crate::commerce::money::wire(service.amount),
    ))
    .into_response()
}

pub(super) async fn service_decision(
    State(shared): State<Shared>,
    Path(txn): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let approve = match form.get("decision").map(String::as_str) {
        Some("approve") => true,
        Some("decline") => false,
        _ => {
            return json_error(
                StatusCode::BAD_REQUEST,
                json!({"decision": ["Send decision=approve or decision=decline."]}),
            )
        }
    };
    let outcome = shared.lock().service_decide(&txn, approve);
    let back = match outcome {
        Ok(back) => back,
        Err(message) => return json_error(StatusCode::CONFLICT, json!({"non_field_errors": message})),
    };
    if wants_json(&headers, &HashMap::new()) {
        let fields: serde_json::Map<String, Value> = back.form.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        return Json(
            json!({"decision": if approve {"approve"} else {"decline"}, "return_url": back.return_url,
                           "return_form": fields}),
        )
        .into_response();
    }
    if back.form.is_empty() {
        return Redirect::to(&back.return_url).into_response();
    }
    // Garanti Pay: the service page posts its verdict back to the checkout.
    let inputs: String = back
        .form
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=hidden name=\"{}\" value=\"{}\">",
                html_escape(k),
                html_escape(v)
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><meta charset=utf-8><body onload=\"document.forms[0].submit()\">\
         <form method=post action=\"{}\">{inputs}<noscript><button>Continue</button></noscript></form>",
        html_escape(&back.return_url)
    ))
    .into_response()
}
