//! The session routes and Django's rules for them: the CSRF token, login and logout,
//! the current user, and how every other route finds the request's user (a session
//! cookie; for unsafe methods a matching `X-CSRFToken`), or answers an ended session
//! as the scenario says (401, a redirect to the login page, or that page).

use super::{cookie, json_error, set_cookie, Shared};
use crate::sim::scenario::SignedOutAnswer;
use crate::sim::world::{AuthError, World};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Json;
use serde_json::{json, Value};

/// The user of the request, with Django's rules: a session cookie, and for unsafe
/// methods an `X-CSRFToken` header equal to the `csrftoken` cookie.
#[allow(clippy::result_large_err)] // the error is the answer to send; it is not passed around
pub(super) fn authenticate(world: &mut World, method: &Method, headers: &HeaderMap) -> Result<String, Response> {
    let answer = world.scenario.faults.signed_out_answer;
    let email = world
        .authenticate(cookie(headers, "osessionid").as_deref())
        .map_err(|AuthError::NoSession| signed_out(answer))?;
    if !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        let sent = headers.get("x-csrftoken").and_then(|v| v.to_str().ok());
        let expected = cookie(headers, "csrftoken");
        if sent.is_none() || sent.map(str::to_string) != expected {
            return Err(json_error(
                StatusCode::FORBIDDEN,
                json!({"detail": "CSRF Failed: CSRF token missing or incorrect."}),
            ));
        }
    }
    Ok(email)
}

/// The answer to a request without a live session, as the scenario has the server give it.
pub(super) fn signed_out(answer: SignedOutAnswer) -> Response {
    match answer {
        SignedOutAnswer::Unauthorized => json_error(
            StatusCode::UNAUTHORIZED,
            json!({"detail": "Authentication credentials were not provided."}),
        ),
        SignedOutAnswer::Redirect => Redirect::to("/users/login/?next=/").into_response(),
        SignedOutAnswer::LoginPage => Html(
            "<!doctype html><meta charset=utf-8><title>Sign in</title><form method=post action=/users/login/>\
             <input name=email><input type=\"password\" name=password><button>Sign in</button></form>"
                .to_string(),
        )
        .into_response(),
    }
}

pub(super) async fn csrf_token(State(shared): State<Shared>) -> Response {
    let token = shared.lock().new_csrf_token();
    let mut response = Json(json!({"csrf_token": token})).into_response();
    set_cookie(&mut response, "csrftoken", &token);
    response
}

pub(super) async fn login(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let sent = headers
        .get("x-csrftoken")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if sent.is_none() || sent != cookie(&headers, "csrftoken") {
        return json_error(
            StatusCode::FORBIDDEN,
            json!({"detail": "CSRF Failed: CSRF token missing or incorrect."}),
        );
    }
    let Ok(credentials) = serde_json::from_slice::<Value>(&body) else {
        return json_error(
            StatusCode::BAD_REQUEST,
            json!({"non_field_errors": ["Send email and password as JSON."]}),
        );
    };
    let email = credentials.get("email").and_then(Value::as_str).unwrap_or_default();
    let password = credentials.get("password").and_then(Value::as_str).unwrap_or_default();
    let Some(session) = shared.lock().login(email, password) else {
        return json_error(
            StatusCode::BAD_REQUEST,
            json!({"non_field_errors": ["Unable to log in with provided credentials."]}),
        );
    };
    let mut response = Json(json!({"key": session, "non_field_errors": []})).into_response();
    set_cookie(&mut response, "osessionid", &session);
    response
}

pub(super) async fn logout(State(shared): State<Shared>, method: Method, headers: HeaderMap) -> Response {
    let mut world = shared.lock();
    match authenticate(&mut world, &method, &headers) {
        Ok(_) => Json(json!({})).into_response(),
        Err(r) => r,
    }
}

pub(super) async fn current_user(State(shared): State<Shared>, method: Method, headers: HeaderMap) -> Response {
    let mut world = shared.lock();
    match authenticate(&mut world, &method, &headers) {
        Ok(email) => Json(world.user_json(&email)).into_response(),
        Err(r) => r,
    }
}
