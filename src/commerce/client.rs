//! The HTTP client of the commerce server: login, catalog, basket, checkout, orders.
//!
//! One [`CommerceClient`] holds one session (the `osessionid` and `csrftoken` cookies).
//! When the server says the session is gone (401/403) the client logs in again once and
//! repeats the request: safe for every request, because a 401/403 means the server
//! refused it before acting on it. Anything else that goes wrong comes back as a
//! [`CommerceError`]; the caller decides about retries.
//!
//! Not here: which checkout step comes next (`crate::checkout`), or screens.

use super::error::{CommerceError, Result};
use super::pages::{CheckoutResponse, PageName};
use super::records::{Basket, OrderRecord, Pk, Product, User};
use reqwest::cookie::{CookieStore, Jar};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
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

/// A page of the user's orders.
#[derive(Debug, Clone, Default)]
pub struct OrdersPage {
    /// Newest first.
    pub results: Vec<OrderRecord>,
    /// Where the next (older) page is; `None` on the last.
    pub next: Option<String>,
}

enum Body {
    Empty,
    Json(Value),
    Form(Vec<(String, String)>),
}

struct Inner {
    http: reqwest::Client,
    config: ClientConfig,
    jar: Arc<Jar>,
    credentials: Mutex<Option<Credentials>>,
    /// Held while logging in, so that requests failing together log in once.
    login_gate: tokio::sync::Mutex<u64>,
    /// Counts successful logins; lets a request see that someone else already re-logged.
    logins: Mutex<u64>,
    /// The session is on someone else's behalf (a customer's): it cannot be renewed.
    acting: std::sync::atomic::AtomicBool,
}

/// The commerce client. Cheap to clone: clones share the session.
#[derive(Clone)]
pub struct CommerceClient {
    inner: Arc<Inner>,
}

impl CommerceClient {
    pub fn new(config: ClientConfig) -> Result<Self> {
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!("instore-kiosk/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| CommerceError::BadUrl(config.base_url.to_string(), e.to_string()))?;
        Ok(CommerceClient {
            inner: Arc::new(Inner {
                http,
                config,
                jar,
                credentials: Mutex::new(None),
                login_gate: tokio::sync::Mutex::new(0),
                logins: Mutex::new(0),
                acting: std::sync::atomic::AtomicBool::new(false),
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
        let (_, body) = self.send_once(Method::GET, "csrf_token/", &Body::Empty).await?;
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
        let (status, body) = self.execute(request, "login").await?;
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

    /// Who the session belongs to.
    pub async fn current_user(&self) -> Result<User> {
        let body = self
            .call(Method::GET, "current_user/", Body::Empty, "current user")
            .await?;
        parse_json(&body, "current user")
    }

    /// Products matching a search text (a barcode or SKU finds one product).
    pub async fn search_products(&self, text: &str) -> Result<Vec<Product>> {
        let path = format!("list/?search_text={}", urlencode(text));
        let body = self.call(Method::GET, &path, Body::Empty, "product search").await?;
        let list: ProductList = parse_json(&body, "product search")?;
        Ok(list.products)
    }

    /// The product with exactly this barcode or SKU, if the server knows it.
    pub async fn product_by_code(&self, code: &str) -> Result<Option<Product>> {
        let code = code.trim();
        let found = self.search_products(code).await?;
        Ok(found
            .into_iter()
            .find(|p| p.barcode.as_deref() == Some(code) || p.sku == code))
    }

    /// The whole catalog, every page of it.
    /// The whole catalog, page by page: to the page count the server gives, or, where it
    /// gives none, to the first empty page. A catalog that does not end within 1,000
    /// pages is an error, never a part of it taken for the whole.
    pub async fn all_products(&self) -> Result<Vec<Product>> {
        const MAX_PAGES: u32 = 1000;
        let mut products = Vec::new();
        for page in 1..=MAX_PAGES {
            let body = self
                .call(Method::GET, &format!("list/?page={page}"), Body::Empty, "catalog")
                .await?;
            let list: ProductList = parse_json(&body, "catalog")?;
            let last = list.products.is_empty() || list.pagination.num_pages.is_some_and(|pages| page >= pages);
            products.extend(list.products);
            if last {
                return Ok(products);
            }
        }
        Err(CommerceError::Malformed {
            what: "catalog".into(),
            detail: format!("it did not end within {MAX_PAGES} pages"),
        })
    }

    pub async fn basket(&self) -> Result<Basket> {
        self.basket_call(Method::GET, Body::Empty).await
    }

    /// Adds `quantity` of a product to the basket.
    pub async fn add_to_basket(&self, product: &Pk, quantity: u32) -> Result<Basket> {
        self.basket_call(
            Method::POST,
            Body::Json(json!({"product": pk_json(product), "quantity": quantity, "attributes": {}})),
        )
        .await
    }

    /// Sets a line's quantity; zero removes the line.
    pub async fn set_quantity(&self, product: &Pk, quantity: u32) -> Result<Basket> {
        self.basket_call(
            Method::PUT,
            Body::Json(json!({"product": pk_json(product), "quantity": quantity, "attributes": {}})),
        )
        .await
    }

    pub async fn remove_from_basket(&self, product: &Pk) -> Result<Basket> {
        self.set_quantity(product, 0).await
    }

    pub async fn clear_basket(&self) -> Result<Basket> {
        self.basket_call(Method::DELETE, Body::Empty).await
    }

    async fn basket_call(&self, method: Method, body: Body) -> Result<Basket> {
        let body = self.call(method, "baskets/basket/", body, "basket").await?;
        #[derive(Deserialize)]
        struct Envelope {
            basket: Basket,
        }
        Ok(parse_json::<Envelope>(&body, "basket")?.basket)
    }

    /// Re-reads the current checkout step.
    pub async fn checkout(&self) -> Result<CheckoutResponse> {
        self.checkout_call(Method::GET, "orders/checkout/".to_string(), Body::Empty, "checkout")
            .await
    }

    /// Posts one checkout step with its form fields.
    pub async fn post_step(&self, page: PageName, fields: &[(&str, &str)]) -> Result<CheckoutResponse> {
        let form = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        self.checkout_call(
            Method::POST,
            format!("orders/checkout/?page={}", urlencode(page.as_str())),
            Body::Form(form),
            page.as_str(),
        )
        .await
    }

    /// Reads a checkout step with GET (the reference's "Fetch Saved Cards").
    pub async fn get_step(&self, page: PageName) -> Result<CheckoutResponse> {
        self.checkout_call(
            Method::GET,
            format!("orders/checkout/?page={}", urlencode(page.as_str())),
            Body::Empty,
            page.as_str(),
        )
        .await
    }

    /// Posts (or with no `method`, reads) a step and returns the answer as raw JSON,
    /// for support dumps and conformance checks. The page is any text, known or not.
    pub async fn step_raw(&self, method: Method, page: &str, fields: &[(&str, &str)]) -> Result<Value> {
        let path = format!("orders/checkout/?page={}", urlencode(page));
        let body = if method == Method::GET {
            Body::Empty
        } else {
            Body::Form(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
        };
        let bytes = self.call(method, &path, body, page).await?;
        parse_json(&bytes, page)
    }

    async fn checkout_call(&self, method: Method, path: String, body: Body, what: &str) -> Result<CheckoutResponse> {
        let started = Instant::now();
        let (status, bytes) = self.send(method, &path, body, what).await?;
        // An answer with errors may come as 400 with the usual envelope.
        if !status.is_success() && status != StatusCode::BAD_REQUEST {
            return Err(http_error(status, what, &bytes));
        }
        let response = CheckoutResponse::parse(&bytes).map_err(|detail| {
            if status.is_success() {
                CommerceError::Malformed {
                    what: what.to_string(),
                    detail,
                }
            } else {
                http_error(status, what, &bytes)
            }
        })?;
        tracing::debug!(step = what, answer = ?response.current().map(|p| p.name()), errors = response.errors.is_some(),
            ms = started.elapsed().as_millis() as u64, "checkout");
        Ok(response)
    }

    /// The order behind a ThankYouPage's `redirect_url`.
    pub async fn completed_order(&self, redirect_url: &str) -> Result<OrderRecord> {
        let mut url = self.url(redirect_url)?;
        url.query_pairs_mut().append_pair("format", "json");
        let path = url
            .as_str()
            .strip_prefix(self.base_url().as_str())
            .unwrap_or(url.as_str())
            .to_string();
        let body = self.call(Method::GET, &path, Body::Empty, "completed order").await?;
        #[derive(Deserialize)]
        struct Envelope {
            order: OrderRecord,
        }
        Ok(parse_json::<Envelope>(&body, "completed order")?.order)
    }

    /// A picture the server points at (a bank's logo), from it or from its CDN.
    /// At most 2 MiB; the kiosk shows a name instead of anything larger.
    pub async fn fetch_asset(&self, url: &str) -> Result<Vec<u8>> {
        const LIMIT: usize = 2 * 1024 * 1024;
        let url = self.url(url)?;
        let request = self
            .inner
            .http
            .get(url.clone())
            .timeout(std::time::Duration::from_secs(5));
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

    /// The logged-in user's orders, newest first.
    pub async fn orders(&self) -> Result<Vec<OrderRecord>> {
        Ok(self.orders_page(None).await?.results)
    }

    /// One page of the user's orders, newest first: the first (`next = None`) or the
    /// page an earlier one named as its `next`. A `next` on another server is refused:
    /// the session cookie goes to the commerce server only.
    pub async fn orders_page(&self, next: Option<&str>) -> Result<OrdersPage> {
        let path = match next {
            None => "users/orders/".to_string(),
            Some(next) => {
                let url = self.url(next)?;
                if url.origin() != self.base_url().origin() {
                    return Err(CommerceError::BadUrl(
                        next.to_string(),
                        "the next page of orders is not on the commerce server".into(),
                    ));
                }
                url.to_string()
            }
        };
        let body = self.call(Method::GET, &path, Body::Empty, "order list").await?;
        #[derive(Deserialize)]
        struct Envelope {
            results: Vec<OrderRecord>,
            #[serde(default)]
            next: Option<String>,
        }
        let page = parse_json::<Envelope>(&body, "order list")?;
        Ok(OrdersPage {
            results: page.results,
            next: page.next.filter(|n| !n.is_empty()),
        })
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
        client.login(&credentials.email, &credentials.password).await?;
        Ok(client)
    }

    fn set_credentials(&self, credentials: Option<Credentials>) {
        *self.inner.credentials.lock().unwrap_or_else(|e| e.into_inner()) = credentials;
    }

    /// A plain request that must succeed with 2xx; used for everything but checkout.
    async fn call(&self, method: Method, path: &str, body: Body, what: &str) -> Result<Vec<u8>> {
        let (status, bytes) = self.send(method, path, body, what).await?;
        if status.is_success() {
            Ok(bytes)
        } else {
            Err(http_error(status, what, &bytes))
        }
    }

    /// Sends a request; on 401/403 logs in again once and repeats it.
    async fn send(&self, method: Method, path: &str, body: Body, what: &str) -> Result<(StatusCode, Vec<u8>)> {
        let logins_before = *self.inner.logins.lock().unwrap_or_else(|e| e.into_inner());
        let (status, bytes) = self.send_once(method.clone(), path, &body).await?;
        if status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN {
            return Ok((status, bytes));
        }
        let credentials = self.inner.credentials.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let Some(credentials) = credentials else {
            // Acting for someone else, with no way to sign in again: a 401 is the end of
            // that session, a 403 a refusal.
            if status == StatusCode::UNAUTHORIZED && self.inner.acting.load(std::sync::atomic::Ordering::SeqCst) {
                return Err(CommerceError::SessionExpired);
            }
            return Err(http_error(status, what, &bytes));
        };
        tracing::info!(
            step = what,
            status = status.as_u16(),
            "session expired; logging in again"
        );
        {
            let _gate = self.inner.login_gate.lock().await;
            let logins_now = *self.inner.logins.lock().unwrap_or_else(|e| e.into_inner());
            if logins_now == logins_before {
                self.login_with(&credentials).await?;
            }
        }
        let (status, bytes) = self.send_once(method, path, &body).await?;
        // Still refused with a fresh session: a 403 is a refusal (the server's words),
        // not an expired session.
        if status == StatusCode::FORBIDDEN {
            return Err(http_error(status, what, &bytes));
        }
        if status == StatusCode::UNAUTHORIZED {
            return Err(CommerceError::SessionExpired);
        }
        Ok((status, bytes))
    }

    fn request(&self, method: Method, path: &str) -> Result<reqwest::RequestBuilder> {
        let url = self.url(path)?;
        let mut builder = self
            .inner
            .http
            .request(method.clone(), url)
            .header("x-requested-with", "XMLHttpRequest")
            .header("Referer", self.base_url().as_str())
            .header("Accept", "application/json");
        if method != Method::GET {
            if let Some(token) = self.cookie("csrftoken") {
                builder = builder.header("X-CSRFToken", token);
            }
        }
        Ok(builder)
    }

    async fn send_once(&self, method: Method, path: &str, body: &Body) -> Result<(StatusCode, Vec<u8>)> {
        let builder = self.request(method, path)?;
        let builder = match body {
            Body::Empty => builder,
            Body::Json(v) => builder.json(v),
            Body::Form(fields) => builder.form(fields),
        };
        self.execute(builder, path).await
    }

    async fn execute(&self, builder: reqwest::RequestBuilder, what: &str) -> Result<(StatusCode, Vec<u8>)> {
        let mut response = builder.send().await.map_err(|e| self.transport_error(e))?;
        let status = response.status();
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
        Ok((status, bytes))
    }

    fn transport_error(&self, e: reqwest::Error) -> CommerceError {
        if e.is_timeout() {
            CommerceError::Timeout {
                seconds: self.inner.config.request_timeout.as_secs_f64(),
            }
        } else if e.is_connect() {
            CommerceError::Unreachable {
                url: self.base_url().to_string(),
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

#[derive(Deserialize, Default)]
#[serde(default)]
struct ProductList {
    products: Vec<Product>,
    pagination: Pagination,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Pagination {
    num_pages: Option<u32>,
}

/// Product keys are numbers on the wire when they look like numbers.
fn pk_json(pk: &Pk) -> Value {
    pk.0.parse::<u64>()
        .map(Value::from)
        .unwrap_or_else(|_| Value::from(pk.0.clone()))
}

fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| CommerceError::Malformed {
        what: what.to_string(),
        detail: e.to_string(),
    })
}

fn http_error(status: StatusCode, what: &str, body: &[u8]) -> CommerceError {
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
