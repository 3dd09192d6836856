//! The catalog, the basket and the account's orders, as the client asks for them: the
//! current user, product search and the whole catalog page by page, the basket's
//! changes, a placed order's page and its receipt sent to the customer, the account's
//! order list page by page (its `next`
//! links followed on the configured server, `links.rs`).
//!
//! Not here: the session and how a request travels (`client.rs`).

use super::client::{parse_json, urlencode, Body, CommerceClient};
use super::error::{CommerceError, Result};
use super::links::Own;
use super::records::{Basket, Category, OrderRecord, Pk, Product, StoreStock, User};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};

/// How an order's receipt reaches its customer: `channel=email|sms` on
/// `POST <the order's page>send/` (the simulator's contract, README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptChannel {
    Email,
    Sms,
}

impl ReceiptChannel {
    /// The form's value.
    pub fn wire(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Email, Self::Sms].into_iter().find(|c| c.wire() == value)
    }
}

/// A page of a product search's results.
#[derive(Debug, Clone, Default)]
pub struct ProductPage {
    pub products: Vec<Product>,
    /// The page this is (from 1) and how many there are; 1 of 1 where the server
    /// gives no count.
    pub page: u32,
    pub pages: u32,
    /// How many products match, where the server says.
    pub total: Option<u64>,
}

/// A page of the user's orders.
#[derive(Debug, Clone, Default)]
pub struct OrdersPage {
    /// Newest first.
    pub results: Vec<OrderRecord>,
    /// Where the next (older) page is; `None` on the last.
    pub next: Option<String>,
}

impl CommerceClient {
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

    /// One page (from 1) of the products matching what a person typed: a name's words
    /// or a code, as the server matches them.
    pub async fn search_page(&self, text: &str, page: u32) -> Result<ProductPage> {
        let filter = format!("search_text={}", urlencode(text.trim()));
        self.list_page(&filter, page, "product search").await
    }

    /// One page (from 1) of the products filed in a category.
    pub async fn category_page(&self, category: &Pk, page: u32) -> Result<ProductPage> {
        let filter = format!("category_ids={}", urlencode(&category.0));
        self.list_page(&filter, page, "category's products").await
    }

    /// The store's categories, in its menu's order.
    pub async fn categories(&self) -> Result<Vec<Category>> {
        let body = self.call(Method::GET, "categories/", Body::Empty, "categories").await?;
        #[derive(Deserialize)]
        struct Envelope {
            categories: Vec<Category>,
        }
        Ok(parse_json::<Envelope>(&body, "categories")?.categories)
    }

    /// Every store of the chain with its units of the product `pk`.
    pub async fn store_stock(&self, pk: &Pk) -> Result<Vec<StoreStock>> {
        let path = format!("retail_stores/stock/?product={}", urlencode(&pk.0));
        let body = self.call(Method::GET, &path, Body::Empty, "stores' stock").await?;
        #[derive(Deserialize)]
        struct Envelope {
            retail_stores: Vec<StoreStock>,
        }
        Ok(parse_json::<Envelope>(&body, "stores' stock")?.retail_stores)
    }

    async fn list_page(&self, filter: &str, page: u32, what: &str) -> Result<ProductPage> {
        let page = page.max(1);
        let path = format!("list/?{filter}&page={page}");
        let body = self.call(Method::GET, &path, Body::Empty, what).await?;
        let list: ProductList = parse_json(&body, what)?;
        Ok(ProductPage {
            products: list.products,
            page,
            pages: list.pagination.num_pages.unwrap_or(page).max(page),
            total: list.pagination.total_count,
        })
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

    /// Puts a voucher code on the basket (the simulator's contract: README, "Vouchers").
    /// The server's refusal (unknown, expired, spent, under its minimum) is `Ok(Err(why))`,
    /// in its own words.
    pub async fn apply_voucher(&self, code: &str) -> Result<std::result::Result<Basket, String>> {
        match self
            .basket_call(Method::PATCH, Body::Json(json!({"voucher_code": code.trim()})))
            .await
        {
            Ok(basket) => Ok(Ok(basket)),
            Err(CommerceError::Http { status: 400, message, .. }) => {
                // The summary names the field (`voucher_code: …`); the customer needs the words.
                let why = message.strip_prefix("voucher_code: ").unwrap_or(&message);
                Ok(Err(why.to_string()))
            }
            Err(e) => Err(e),
        }
    }

    /// Takes the voucher code off the basket.
    pub async fn remove_voucher(&self) -> Result<Basket> {
        self.basket_call(Method::PATCH, Body::Json(json!({"remove_voucher_code": true})))
            .await
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

    /// The order behind a ThankYouPage's `redirect_url`.
    pub async fn completed_order(&self, redirect_url: &str) -> Result<OrderRecord> {
        let mut url = self.own_link(redirect_url, Own::CompletedOrder)?;
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

    /// The order's receipt to its customer's e-mail or phone, the order named by a
    /// ThankYouPage's `redirect_url`. The server's refusal (no phone for an SMS) comes
    /// back as its words.
    pub async fn send_receipt(&self, redirect_url: &str, channel: ReceiptChannel) -> Result<()> {
        let mut url = self.own_link(redirect_url, Own::CompletedOrder)?;
        url.set_query(None);
        let path = url
            .as_str()
            .strip_prefix(self.base_url().as_str())
            .unwrap_or(url.as_str());
        let path = path.trim_end_matches('/');
        let form = vec![("channel".to_string(), channel.wire().to_string())];
        self.call(Method::POST, &format!("{path}/send/"), Body::Form(form), "receipt")
            .await?;
        Ok(())
    }

    /// The logged-in user's orders, newest first.
    pub async fn orders(&self) -> Result<Vec<OrderRecord>> {
        Ok(self.orders_page(None).await?.results)
    }

    /// One page of the user's orders, newest first: the first (`next = None`) or the
    /// page an earlier one named as its `next`, followed on the configured server
    /// whatever address the server named it by (a proxy's internal host); a `next` that
    /// is no page of orders is refused: the session cookie goes to the commerce server only.
    pub async fn orders_page(&self, next: Option<&str>) -> Result<OrdersPage> {
        let path = match next {
            None => "users/orders/".to_string(),
            Some(next) => self.own_link(next, Own::OrderList)?.to_string(),
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
    total_count: Option<u64>,
}

/// Product keys are numbers on the wire when they look like numbers.
fn pk_json(pk: &Pk) -> Value {
    pk.0.parse::<u64>()
        .map(Value::from)
        .unwrap_or_else(|_| Value::from(pk.0.clone()))
}
