//! The simulator's HTTP face: routes in the shapes of the reference, the fault layer, and
//! an accept loop that can drop a connection on purpose.
//!
//! axum serves the routes. The accept loop is written out (hyper-util, as axum's own
//! `serve` does) for one reason: to close a connection without answering, which is how
//! a real server that crashed mid-request looks to the kiosk. axum's `serve` offers no
//! way to do that.

use super::scenario::SignedOutAnswer;
use super::world::{AuthError, Form, World};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

/// The simulator's state, shared by every request.
#[derive(Clone)]
pub struct Shared(pub Arc<Mutex<World>>);

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, World> {
        // A panic while holding the lock must not take the whole simulator down.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Put into each request: notifying it closes the request's connection unanswered.
#[derive(Clone)]
struct ConnectionKiller(Arc<Notify>);

pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/csrf_token/", get(csrf_token))
        .route("/users/login/", post(login))
        .route("/users/logout/", post(logout))
        .route("/current_user/", get(current_user))
        .route("/list/", get(product_list))
        .route("/baskets/basket/", get(basket).post(basket).put(basket).delete(basket))
        .route("/orders/checkout/", get(checkout).post(checkout))
        .route("/orders/completed/{token}/", get(completed_order))
        .route("/users/orders/", get(user_orders))
        .route("/users/customers/", get(customers).post(customers))
        .route("/users/customers/{pk}/session/", post(customer_session))
        .route("/users/customers/identify/", post(customer_identify))
        .route(
            "/users/customers/consents/",
            get(|| async { Json(World::consents_json()) }),
        )
        .route("/address/", get(addresses).post(addresses))
        .route("/address/city/", get(|| async { Json(World::cities_json()) }))
        .route("/address/district/", get(districts))
        .route("/hooks/cash_register/pre_order/", post(register_pre_order))
        .route("/hooks/cash_register/complete/", post(register_complete))
        .route("/_sim/pay/{txn}/", get(service_page).post(service_decision))
        .route("/_sim/cash-register/{number}/pay", post(cash_register_pay))
        .route("/_sim/orders", get(all_orders))
        .route("/_sim/logos/{file}", get(logo))
        .route("/_sim/health", get(|| async { Json(json!({"ok": true})) }))
        .fallback(|| async { (StatusCode::NOT_FOUND, Json(json!({"detail": "Not found."}))) })
        .layer(middleware::from_fn_with_state(shared.clone(), faults))
        .with_state(shared)
}

/// Serves until `shutdown` turns true.
pub async fn serve(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<bool>) {
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!(error = %e, "simulator: accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = shutdown.changed() => break,
        };
        let router = router.clone();
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let killer = ConnectionKiller(kill.clone());
            let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(killer.clone());
                router.clone().oneshot(request.map(Body::new))
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = kill.notified() => {}
                _ = shutdown.changed() => {}
            }
        });
    }
}

async fn lose_connection(request_killer: Option<ConnectionKiller>) -> Response {
    match request_killer {
        Some(killer) => {
            killer.0.notify_one();
            std::future::pending::<Response>().await
        }
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Counts a commerce request as in flight until dropped (answered or abandoned).
struct InFlight(Shared);

impl InFlight {
    fn enter(shared: &Shared) -> InFlight {
        let mut world = shared.lock();
        world.in_flight += 1;
        world.max_in_flight = world.max_in_flight.max(world.in_flight);
        InFlight(shared.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.lock().in_flight -= 1;
    }
}

/// Latency and injected faults, for the commerce endpoints only.
async fn faults(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/_sim/") {
        return next.run(request).await;
    }
    let killer = request.extensions().get::<ConnectionKiller>().cloned();
    let _in_flight = InFlight::enter(&shared);
    let late = {
        let world = shared.lock();
        let f = &world.scenario.faults;
        let page = request
            .uri()
            .query()
            .and_then(|q| serde_urlencoded::from_str::<HashMap<String, String>>(q).ok())
            .and_then(|q| q.get("page").cloned());
        (request.method() == Method::POST && page.is_some() && page == f.late_page).then_some(f.late_ms)
    };
    if let Some(ms) = late {
        // Processed in a task of its own, which goes on when the client hangs up.
        let step = tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            next.run(request).await
        });
        return step
            .await
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    }
    let (latency, drop, fail, malformed, lose, proxy_error) = {
        let mut world = shared.lock();
        let proxy_error =
            (!world.scenario.faults.proxy_errors.is_empty()).then(|| world.scenario.faults.proxy_errors.remove(0));
        let f = world.scenario.faults.clone();
        let path = request.uri().path();
        (
            world.scenario.latency_ms,
            world.roll(f.drop_rate),
            world.roll(f.server_error_rate) || f.unavailable_paths.iter().any(|p| path.starts_with(p.as_str())),
            world.roll(f.malformed_rate),
            world.roll(f.lose_answer_rate),
            proxy_error,
        )
    };
    if let Some(status) = proxy_error {
        // What nginx or a load balancer answers while the server behind it is away.
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
        return (
            status,
            Html(format!(
                "<html><head><title>{status}</title></head><body><center><h1>{status}</h1></center><hr><center>nginx</center></body></html>"
            )),
        )
            .into_response();
    }
    if latency > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(latency)).await;
    }
    if drop {
        tracing::debug!(path = request.uri().path(), "simulator: dropping the connection");
        return lose_connection(killer).await;
    }
    if fail {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"detail": "Service unavailable (simulated fault)."})),
        )
            .into_response();
    }
    let mut response = next.run(request).await;
    let (offset, date) = {
        let world = shared.lock();
        (world.scenario.faults.clock_offset_seconds, world.now())
    };
    if offset != 0 {
        if let Ok(value) = HeaderValue::from_str(&date.format("%a, %d %b %Y %H:%M:%S GMT").to_string()) {
            response.headers_mut().insert(header::DATE, value);
        }
    }
    if lose {
        tracing::debug!("simulator: processed the request, losing the answer");
        return lose_connection(killer).await;
    }
    if malformed {
        let (mut parts, _) = response.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::from("{\"context_list\": [{\"page_name\": \"Cash"));
    }
    response
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn json_error(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// The user of the request, with Django's rules: a session cookie, and for unsafe
/// methods an `X-CSRFToken` header equal to the `csrftoken` cookie.
#[allow(clippy::result_large_err)] // the error is the answer to send; it is not passed around
fn authenticate(world: &mut World, method: &Method, headers: &HeaderMap) -> Result<String, Response> {
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
fn signed_out(answer: SignedOutAnswer) -> Response {
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

fn set_cookie(response: &mut Response, name: &str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(&format!("{name}={value}; Path=/; SameSite=Lax")) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

async fn csrf_token(State(shared): State<Shared>) -> Response {
    let token = shared.lock().new_csrf_token();
    let mut response = Json(json!({"csrf_token": token})).into_response();
    set_cookie(&mut response, "csrftoken", &token);
    response
}

async fn login(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
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

async fn logout(State(shared): State<Shared>, method: Method, headers: HeaderMap) -> Response {
    let mut world = shared.lock();
    match authenticate(&mut world, &method, &headers) {
        Ok(_) => Json(json!({})).into_response(),
        Err(r) => r,
    }
}

async fn current_user(State(shared): State<Shared>, method: Method, headers: HeaderMap) -> Response {
    let mut world = shared.lock();
    match authenticate(&mut world, &method, &headers) {
        Ok(email) => Json(world.user_json(&email)).into_response(),
        Err(r) => r,
    }
}

async fn product_list(State(shared): State<Shared>, Query(query): Query<HashMap<String, String>>) -> Response {
    let page = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    Json(
        shared
            .lock()
            .product_list(query.get("search_text").map(String::as_str), page),
    )
    .into_response()
}

async fn basket(State(shared): State<Shared>, method: Method, headers: HeaderMap, body: Bytes) -> Response {
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
        Method::DELETE => Ok(world.basket_clear(&email)),
        _ => return StatusCode::METHOD_NOT_ALLOWED.into_response(),
    };
    match outcome {
        Ok(basket) => Json(basket).into_response(),
        Err(errors) => json_error(StatusCode::BAD_REQUEST, errors),
    }
}

async fn checkout(
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
    let form: Form = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
        .unwrap_or_default()
        .into_iter()
        .collect();
    Json(world.checkout_post(&email, page, &form)).into_response()
}

fn wants_json(headers: &HeaderMap, query: &HashMap<String, String>) -> bool {
    query.get("format").is_some_and(|f| f == "json")
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("application/json"))
}

async fn completed_order(
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
    Html(format!(
        "<!doctype html><meta charset=utf-8><title>Order {n}</title><h1>Order {n}</h1><p>{amount} TRY, {option}</p>",
        n = order.number,
        amount = crate::commerce::money::wire(order.amount),
        option = html_escape(&order.option_name)
    ))
    .into_response()
}

/// The address the answer's links name, as a Django server behind a proxy builds them:
/// the request's Host, with the scheme of `X-Forwarded-Proto` when a proxy set one;
/// with the misconfigured-proxy scenario (`faults.links_origin`), that one for every link.
fn links_origin(world: &World, headers: &HeaderMap) -> String {
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
async fn user_orders(
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

async fn all_orders(State(shared): State<Shared>) -> Response {
    let world = shared.lock();
    let results: Vec<Value> = world
        .all_orders()
        .iter()
        .map(|o| {
            let mut v = o.json();
            v["user_email"] = json!(o.email);
            v
        })
        .collect();
    Json(json!({"count": results.len(), "results": results})).into_response()
}

fn staff_refusal(refusal: crate::sim::world::StaffRefusal) -> Response {
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
async fn customer_identify(State(shared): State<Shared>, method: Method, headers: HeaderMap, body: Bytes) -> Response {
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
async fn addresses(State(shared): State<Shared>, method: Method, headers: HeaderMap, body: Bytes) -> Response {
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
async fn districts(Query(query): Query<HashMap<String, String>>) -> Response {
    let city = query.get("city").and_then(|c| c.trim().parse().ok()).unwrap_or(0);
    Json(World::districts_json(city)).into_response()
}

/// `GET /users/customers/?search=`: the store's customers; `POST`: a new one.
async fn customers(
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
async fn customer_session(
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

/// The `/_sim/` shortcut: the cashier takes the payment, through the register's rules.
async fn cash_register_pay(State(shared): State<Shared>, Path(number): Path<String>) -> Response {
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
struct RegisterCall {
    username: String,
    password: String,
    order_number: Value,
    transaction_id: String,
    amount: Value,
    terminal_id: Option<String>,
}

/// A JSON string or number as text (registers send both).
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

fn register_refusal(refusal: crate::sim::world::RegisterRefusal) -> Response {
    // Failures come with HTTP 200, as the platform's register integration documents.
    Json(json!({"result": refusal.code, "error_code": refusal.code, "error_message": refusal.message})).into_response()
}

/// `POST /hooks/cash_register/pre_order/`: the register reads the order of a number.
async fn register_pre_order(State(shared): State<Shared>, body: Bytes) -> Response {
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
async fn register_complete(State(shared): State<Shared>, body: Bytes) -> Response {
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

async fn logo(Path(file): Path<String>) -> Response {
    let slug = file.trim_end_matches(".png");
    ([(header::CONTENT_TYPE, "image/png")], super::logo::logo_png(slug)).into_response()
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The third-party payment service as a person sees it: approve or decline. With
/// `?format=json` (a kiosk watching the customer's phone), its state: the decision, and
/// once decided where the customer goes back and with which fields.
async fn service_page(
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

async fn service_decision(
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

/// Where a running simulator listens.
pub async fn bind(listen: SocketAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}
