//! The store's cash register's side: its calls under `/hooks/cash_register/` (read an
//! order by its number, confirm the payment), and the demo's `/_sim/` shortcut for the
//! cashier.

use super::{json_error, Shared};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// The `/_sim/` shortcut: the cashier takes the payment, through the register's rules.
pub(super) async fn cash_register_pay(State(shared): State<Shared>, Path(number): Path<String>) -> Response {
    match shared.lock().cash_register_pay(&number) {
        Ok(()) => Json(json!({"result": "0", "number": number})).into_response(),
        Err(message) => {
            let code = message.split(' ').next().unwrap_or("410").to_string();
            json_error(StatusCode::CONFLICT, json!({"result": code, "error_message": message}))
        }
    }
}

/// What the register sends: JSON with its integration credentials and the number.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct RegisterCall {
    username: String,
    password: String,
    order_number: Value,
    transaction_id: String,
    amount: Value,
    terminal_id: Option<String>,
}

/// A JSON string or number as text (registers send both).
pub(super) fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

pub(super) fn register_refusal(refusal: crate::sim::world::RegisterRefusal) -> Response {
    // Failures come with HTTP 200, as the platform's register integration documents.
    Json(json!({"result": refusal.code, "error_code": refusal.code, "error_message": refusal.message})).into_response()
}

/// `POST /hooks/cash_register/pre_order/`: the register reads the order of a number.
pub(super) async fn register_pre_order(State(shared): State<Shared>, body: Bytes) -> Response {
    let call: RegisterCall = serde_json::from_slice(&body).unwrap_or_default();
    let answer = shared
        .lock()
        .register_pre_order(&call.username, &call.password, &text_of(&call.order_number));
    match answer {
        Ok(pre_order) => Json(pre_order).into_response(),
        Err(refusal) => register_refusal(refusal),
    }
}

/// `POST /hooks/cash_register/complete/` (the simulator's choice of path; the platform's
/// is not public): the register confirms it took the exact amount due.
pub(super) async fn register_complete(State(shared): State<Shared>, body: Bytes) -> Response {
    let call: RegisterCall = serde_json::from_slice(&body).unwrap_or_default();
    let payment = crate::sim::world::RegisterPayment {
        username: call.username,
        password: call.password,
        order_number: text_of(&call.order_number),
        transaction_id: call.transaction_id,
        amount: text_of(&call.amount),
        terminal_id: call.terminal_id,
    };
    let number = payment.order_number.clone();
    match shared.lock().register_confirm(&payment) {
        Ok(()) => Json(json!({"result": "0", "order_number": number})).into_response(),
        Err(refusal) => register_refusal(refusal),
    }
}
