//! The fault layer in front of the commerce routes: latency, a proxy's burst of 5xx,
//! dropped connections, 503s, answers processed and then lost or garbled, a step
//! answered late, and the server's clock in `Date`. Never on `/_sim/`.

use super::accept::{lose_connection, ConnectionKiller};
use super::Shared;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::collections::HashMap;

/// Counts a commerce request as in flight until dropped (answered or abandoned).
pub(super) struct InFlight(Shared);

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
pub(super) async fn faults(State(shared): State<Shared>, request: Request, next: Next) -> Response {
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
