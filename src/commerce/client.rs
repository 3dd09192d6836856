//! The HTTP client of the commerce server: login, catalog, basket, checkout, orders.
//!
//! One [`CommerceClient`] holds one session (the `osessionid` and `csrftoken` cookies).
//! When the server says the session is gone (401/403) the client logs in again once and
//! repeats the request: safe for every request, because a 401/403 means the server
//! refused it before acting on it. Anything else that goes wrong comes back as a
//! [`CommerceError`]; the caller decides about retries.
//!
//! This file is the session and how a request travels (retries, re-login, answers read
//! within bounds, errors named, pictures from other sites without cookies); the
//! checkout's calls are `steps.rs`, the catalog's, basket's and orders' `shop.rs`, a
//! customer's `customers.rs`.
//!
//! Not here: which checkout step comes next (`crate::checkout`), or screens.

use super::error::{CommerceError, Result};
use super::links::{Links, Own, Resolved};
use reqwest::cookie::{CookieStore, Jar};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use url::Url;

/// Where the server is and how long to wait for it.
/// The largest answer the client reads (a whole catalog page is a few hundred KiB).
const MAX_ANSWER_BYTES: usize = 16 << 20;

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: Url,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
}

impl ClientConfig {
    pub fn new(base_url: &str) -> Result<Self> {
        let mut base_url =
            Url::parse(base_url).map_err(|e| CommerceError::BadUrl(base_url.to_string(), e.to_string()))?;
        if !matches!(base_url.scheme(), "http" | "https") {
            return Err(CommerceError::BadUrl(
                base_url.to_string(),
                "it must start with http:// or https://".into(),
            ));
        }
        if !base_url.path().ends_with('/') {
            let path = format!("{}/", base_url.path());
            base_url.set_path(&path);
        }
        Ok(ClientConfig {
            base_url,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(20),
        })
    }
}

/// An account. `Debug` never shows the password.
#[derive(Clone)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("email", &self.email)
            .field("password", &"<hidden>")
            .finish()
    }
}

pub(super) enum Body {
    Empty,
    Json(Value),
    Form(Vec<(String, String)>),
}

struct Inner {
    http: reqwest::Client,
    /// For other sites (a picture on a CDN): no cookie store, so the session never
    /// leaves the commerce server.
    bare: reqwest::Client,
    config: ClientConfig,
    /// The server's address and the other names it uses for itself.
    links: Mutex<Links>,
    jar: Arc<Jar>,
    credentials: Mutex<Option<Credentials>>,
    /// Held while logging in, so that requests failing together log in once.
    login_gate: tokio::sync::Mutex<u64>,
    /// Counts successful logins; lets a request see that someone else already re-logged.
    logins: Mutex<u64>,
    /// The session is on someone else's behalf (a customer's): it cannot be renewed.
    acting: std::sync::atomic::AtomicBool,
    /// Sent as `Accept-Language`, so the server's labels come in the kiosk's language.
    language: Mutex<String>,
}

/// The commerce client. Cheap to clone: clones share the session.
#[derive(Clone)]
pub struct CommerceClient {
    inner: Arc<Inner>,
}

impl CommerceClient {
    pub fn new(config: ClientConfig) -> Result<Self> {
        let jar = Arc::new(Jar::default());
        let builder = || {
            reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                .timeout(config.request_timeout)
                .user_agent(concat!("instore-kiosk/", env!("CARGO_PKG_VERSION")))
                .redirect(reqwest::redirect::Policy::none())
        };
        let failed = |e: reqwest::Error| CommerceError::BadUrl(config.base_url.to_string(), e.to_string());
        let http = builder().cookie_provider(jar.clone()).build().map_err(failed)?;
        let bare = builder().build().map_err(failed)?;
        Ok(CommerceClient {
            inner: Arc::new(Inner {
                http,
                bare,
                links: Mutex::new(Links::new(config.base_url.clone())),
                config,
                jar,
                credentials: Mutex::new(None),
                login_gate: tokio::sync::Mutex::new(0),
                logins: Mutex::new(0),
                acting: std::sync::atomic::AtomicBool::new(false),
                language: Mutex::new("tr".into()),
            }),
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.inner.config.base_url
    }

    /// Resolves a path the server gave (`/orders/completed/…/`) against the base URL.
    pub fn url(&self, path: &str) -> Result<Url> {
        self.base_url()
            .join(path.trim_start_matches('/'))
            .map_err(|e| CommerceError::BadUrl(path.to_string(), e.to_string()))
    }

    /// The server's address and the names it was seen to use for itself, as now.
    pub fn links(&self) -> Links {
        self.inner.links.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// A link of the server's own (a list's next page, an order's page): on the
    /// configured server, whatever address the server named (see `links.rs`).
    pub fn own_link(&self, link: &str, own: Own) -> Result<Url> {
        self.inner
            .links
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .own(link, own)
    }

    /// Remembers the origin of `link` as one of the server's own names: a service page
    /// named by an address the kiosk cannot reach answered on the configured server.
    pub fn learn_alias(&self, link: &str) {
        self.inner.links.lock().unwrap_or_else(|e| e.into_inner()).learn(link);
    }

    /// The language the server's labels are asked in (`tr`, `en`), from the next request.
    pub fn set_language(&self, language: &str) {
        *self.inner.language.lock().unwrap_or_else(|e| e.into_inner()) = language.to_string();
    }

    fn language(&self) -> String {
        self.inner.language.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// How long a request may take before the client gives up on it.
    pub fn request_timeout(&self) -> Duration {
        self.inner.config.request_timeout
    }

    /// Logs in and remembers the account, so an expired session can be renewed.
    pub async fn login(&self, email: &str, password: &str) -> Result<()> {
        let credentials = Credentials {
            email: email.to_string(),
            password: password.to_string(),
        };
        self.login_with(&credentials).await?;
        *self.inner.credentials.lock().unwrap_or_else(|e| e.into_inner()) = Some(credentials);
        Ok(())
    }

    async fn login_with(&self, credentials: &Credentials) -> Result<()> {
        let (status, body) = self
            .send_retrying(Method::GET, "csrf_token/", &Body::Empty)
            .await?
            .data("the CSRF token request")?;
        if !status.is_success() {
            return Err(http_error(status, "the CSRF token request", &body));
        }
        let token: Value = parse_json(&body, "the CSRF token request")?;
        let token = token
            .get("csrf_token")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| self.cookie("csrftoken"));
        let Some(token) = token else {
            return Err(CommerceError::Malformed {
                what: "the CSRF token request".into(),
                detail: "no csrf_token".into(),
            });
        };
        let request = self
            .request(Method::POST, "users/login/")?
            .header("X-CSRFToken", token)
            .json(&json!({"email": credentials.email, "password": credentials.password}));
        let Answer {
            status, bytes: body, ..
        } = self.execute(request, "login").await?;
        if status.is_success() {
            if self.cookie("osessionid").is_none() {
                return Err(CommerceError::Malformed {
                    what: "login".into(),
                    detail: "no session cookie was set".into(),
                });
            }
            *self.inner.logins.lock().unwrap_or_else(|e| e.into_inner()) += 1;
            tracing::info!(email = %credentials.email, "logged in");
            return Ok(());
        }
        if status.is_server_error() {
            return Err(CommerceError::Server {
                status: status.as_u16(),
            });
        }
        let message = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|v| super::pages::CheckoutErrors::from_value(&v))
            .map(|e| e.summary())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("HTTP {status}"));
        Err(CommerceError::LoginRejected(message))
    }

    /// A picture the server points at (a bank's logo), from it or from its CDN.
    /// At most 2 MiB; the kiosk shows a name instead of anything larger.
    pub async fn fetch_asset(&self, url: &str) -> Result<Vec<u8>> {
        const LIMIT: usize = 2 * 1024 * 1024;
        // Another site (a CDN) gets no cookie: the session is the commerce server's.
        let (http, url) = match self.links().any(url)? {
            Resolved::Server(url) => (&self.inner.http, url),
            Resolved::Elsewhere(url) => (&self.inner.bare, url),
        };
        let request = http.get(url.clone()).timeout(std::time::Duration::from_secs(5));
        let response = request.send().await.map_err(|e| self.transport_error(e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(http_error(status, "picture", b""));
        }
        if response.content_length().is_some_and(|n| n as usize > LIMIT) {
            return Err(CommerceError::Malformed {
                what: "picture".into(),
                detail: "larger than 2 MiB".into(),
            });
        }
        let bytes = response.bytes().await.map_err(|e| self.transport_error(e))?;
        if bytes.len() > LIMIT {
            return Err(CommerceError::Malformed {
                what: "picture".into(),
                detail: "larger than 2 MiB".into(),
            });
        }
        Ok(bytes.to_vec())
    }

    /// JSON to `path` with `method`, the answer's bytes (2xx only): for the other
    /// modules of the protocol (`customers.rs`).
    pub(super) async fn call_json(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        what: &str,
    ) -> Result<Vec<u8>> {
        let body = body.map(Body::Json).unwrap_or(Body::Empty);
        self.call(method, path, body, what).await
    }

    /// From now on this client must not sign in again by itself: it acts for someone
    /// else, and a new sign-in would silently switch back to the kiosk's own account.
    pub(super) fn forget_credentials(&self) {
        self.set_credentials(None);
        self.inner.acting.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// A new client (its own session) to the same server, signed in as this one was.
    pub async fn fresh_session(&self) -> Result<CommerceClient> {
        let credentials = self.inner.credentials.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let credentials = credentials.ok_or(CommerceError::SessionExpired)?;
        let client = CommerceClient::new(self.inner.config.clone())?;
        // What this session learnt of the server, and its language, carry over.
        *client.inner.links.lock().unwrap_or_else(|e| e.into_inner()) = self.links();
        client.set_language(&self.language());
        client.login(&credentials.email, &credentials.password).await?;
        Ok(client)
    }

    fn set_credentials(&self, credentials: Option<Credentials>) {
        *self.inner.credentials.lock().unwrap_or_else(|e| e.into_inner()) = credentials;
    }

    /// A plain request that must succeed with 2xx; used for everything but checkout.
    pub(super) async fn call(&self, method: Method, path: &str, body: Body, what: &str) -> Result<Vec<u8>> {
        let (status, bytes) = self.send(method, path, body, what).await?;
        if status.is_success() {
            Ok(bytes)
        } else {
            Err(http_error(status, what, &bytes))
        }
    }

    /// Sends a request; when the server says the session is gone (401/403, or a login
    /// page or a redirect to one where data was expected) logs in again once and
    /// repeats it: the server refused it before acting on it.
    pub(super) async fn send(
        &self,
        method: Method,
        path: &str,
        body: Body,
        what: &str,
    ) -> Result<(StatusCode, Vec<u8>)> {
        let logins_before = *self.inner.logins.lock().unwrap_or_else(|e| e.into_inner());
        let answer = self.send_retrying(method.clone(), path, &body).await?;
        if !answer.signed_out() {
            return answer.data(what);
        }
        let credentials = self.inner.credentials.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let Some(credentials) = credentials else {
            // Acting for someone else, with no way to sign in again: a 401 (or a login
            // page) is the end of that session, a 403 a refusal.
            if answer.status != StatusCode::FORBIDDEN && self.inner.acting.load(std::sync::atomic::Ordering::SeqCst) {
                return Err(CommerceError::SessionExpired);
            }
            return Err(http_error(answer.status, what, &answer.bytes));
        };
        tracing::info!(
            step = what,
            status = answer.status.as_u16(),
            login_page = answer.login_page,
            "session expired; logging in again"
        );
        {
            let _gate = self.inner.login_gate.lock().await;
            let logins_now = *self.inner.logins.lock().unwrap_or_else(|e| e.into_inner());
            if logins_now == logins_before {
                self.login_with(&credentials).await?;
            }
        }
        let answer = self.send_retrying(method, path, &body).await?;
        // Still refused with a fresh session: a 403 is a refusal (the server's words),
        // not an expired session.
        if answer.status == StatusCode::FORBIDDEN {
            return Err(http_error(answer.status, what, &answer.bytes));
        }
        if answer.status == StatusCode::UNAUTHORIZED || answer.login_page {
            return Err(CommerceError::SessionExpired);
        }
        answer.data(what)
    }

    /// [`Self::send_once`], and for a request that may be repeated (GET, PUT, DELETE)
    /// again after a proxy's passing failure (502, 503, 504), with growing pauses. A
    /// POST is never repeated here: the server behind the proxy may have acted on it.
    async fn send_retrying(&self, method: Method, path: &str, body: &Body) -> Result<Answer> {
        const PAUSES_MS: [u64; 3] = [250, 750, 2000];
        let repeatable = matches!(method, Method::GET | Method::PUT | Method::DELETE);
        let mut pauses = PAUSES_MS.iter();
        loop {
            let answer = self.send_once(method.clone(), path, body).await?;
            let passing = matches!(answer.status.as_u16(), 502..=504);
            match pauses.next() {
                Some(ms) if passing && repeatable => {
                    tracing::info!(
                        path,
                        status = answer.status.as_u16(),
                        pause_ms = ms,
                        "the server's proxy failed; asking again"
                    );
                    tokio::time::sleep(Duration::from_millis(*ms)).await;
                }
                _ => return Ok(answer),
            }
        }
    }

    fn request(&self, method: Method, path: &str) -> Result<reqwest::RequestBuilder> {
        let url = self.url(path)?;
        // The session's cookies go to the commerce server only: a link to anywhere else
        // was rebased or refused before it got here (`links.rs`).
        if url.origin() != self.base_url().origin() {
            return Err(CommerceError::ForeignLink {
                what: "request".into(),
                link: url.to_string(),
                server: self.base_url().to_string(),
            });
        }
        let mut builder = self
            .inner
            .http
            .request(method.clone(), url)
            .header("x-requested-with", "XMLHttpRequest")
            .header("Referer", self.base_url().as_str())
            .header("Accept", "application/json")
            .header("Accept-Language", self.language());
        if method != Method::GET {
            if let Some(token) = self.cookie("csrftoken") {
                builder = builder.header("X-CSRFToken", token);
            }
        }
        Ok(builder)
    }

    async fn send_once(&self, method: Method, path: &str, body: &Body) -> Result<Answer> {
        let builder = self.request(method, path)?;
        let builder = match body {
            Body::Empty => builder,
            Body::Json(v) => builder.json(v),
            Body::Form(fields) => builder.form(fields),
        };
        self.execute(builder, path).await
    }

    async fn execute(&self, builder: reqwest::RequestBuilder, what: &str) -> Result<Answer> {
        let mut response = builder.send().await.map_err(|e| self.transport_error(e))?;
        let status = response.status();
        let headers = response.headers();
        if let Some(date) = headers
            .get(reqwest::header::DATE)
            .and_then(|d| d.to_str().ok())
            .and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok())
        {
            super::clock::observe(date.with_timezone(&chrono::Utc));
        }
        let web_page = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|t| t.to_str().ok())
            .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("text/html"));
        let to_login = status.is_redirection()
            && headers
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .is_some_and(|l| l.to_ascii_lowercase().contains("login"));
        let too_large = || CommerceError::Malformed {
            what: what.to_string(),
            detail: format!("the answer is larger than {} MiB", MAX_ANSWER_BYTES >> 20),
        };
        if response.content_length().is_some_and(|n| n > MAX_ANSWER_BYTES as u64) {
            return Err(too_large());
        }
        // Read in chunks, so an answer without a length cannot fill the memory either.
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.transport_error(e))? {
            if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        tracing::trace!(what, status = status.as_u16(), bytes = bytes.len(), "answer");
        let login_page = to_login || (web_page && has_password_field(&bytes));
        Ok(Answer {
            status,
            bytes,
            web_page,
            login_page,
        })
    }

    pub(super) fn transport_error(&self, e: reqwest::Error) -> CommerceError {
        let chain = error_chain(&e);
        let url = self.base_url().to_string();
        if e.is_timeout() {
            CommerceError::Timeout {
                seconds: self.inner.config.request_timeout.as_secs_f64(),
            }
        } else if chain.contains("certificate") {
            // rustls refused the server's certificate; never tried again without TLS.
            CommerceError::Untrusted {
                url,
                detail: root_cause(&e),
            }
        } else if chain.contains("dns error") {
            CommerceError::NameNotFound {
                host: self.base_url().host_str().unwrap_or_default().to_string(),
                detail: root_cause(&e),
            }
        } else if e.is_connect() {
            CommerceError::Unreachable {
                url,
                detail: root_cause(&e),
            }
        } else {
            CommerceError::ConnectionLost(root_cause(&e))
        }
    }

    /// A cookie of the session, by name.
    fn cookie(&self, name: &str) -> Option<String> {
        let header = self.inner.jar.cookies(self.base_url())?;
        let header = header.to_str().ok()?;
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

pub(super) fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| CommerceError::Malformed {
        what: what.to_string(),
        detail: e.to_string(),
    })
}

pub(super) fn http_error(status: StatusCode, what: &str, body: &[u8]) -> CommerceError {
    if status.is_server_error() {
        return CommerceError::Server {
            status: status.as_u16(),
        };
    }
    let text = String::from_utf8_lossy(body);
    let message: String = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| super::pages::CheckoutErrors::from_value(&v))
        .map(|e| e.summary())
        .unwrap_or_else(|| text.chars().take(200).collect());
    CommerceError::Http {
        status: status.as_u16(),
        what: what.to_string(),
        message,
    }
}

/// An answer as read: its status and body, and whether it was a web page (and a login
/// page at that, or a redirect to one) where the kiosk asked for data.
struct Answer {
    status: StatusCode,
    bytes: Vec<u8>,
    web_page: bool,
    login_page: bool,
}

impl Answer {
    /// The server says the session is gone: 401, 403, or its login page.
    fn signed_out(&self) -> bool {
        matches!(self.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) || self.login_page
    }

    /// The status and body, unless a web page came where data was expected.
    fn data(self, what: &str) -> Result<(StatusCode, Vec<u8>)> {
        if self.web_page && self.status.is_success() {
            return Err(CommerceError::Malformed {
                what: what.to_string(),
                detail: "a web page came where data was expected: a proxy, a captive portal or a maintenance page may be in the way".into(),
            });
        }
        Ok((self.status, self.bytes))
    }
}

/// A sign-in form: an HTML page with a password field.
fn has_password_field(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]).to_ascii_lowercase();
    text.contains("type=\"password\"") || text.contains("type='password'") || text.contains("type=password")
}

/// Every error of the chain, as one line.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e;
    while let Some(next) = cause.source() {
        text.push_str(": ");
        text.push_str(&next.to_string());
        cause = next;
    }
    text
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

pub(super) fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
