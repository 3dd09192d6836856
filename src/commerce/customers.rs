//! Selling for a customer: the store staff's account finds or creates the customer and
//! opens a session on their behalf. The endpoints are the simulator's contract (README,
//! "The simulator"), modelled on the platform's conventions; another server's endpoints
//! are mapped here and nowhere else.

use super::client::CommerceClient;
use super::error::CommerceError;
use super::records::Pk;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

type Result<T> = std::result::Result<T, CommerceError>;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Customer {
    pub pk: Pk,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub last_order_date: Option<String>,
    #[serde(deserialize_with = "super::money::de_opt_money")]
    pub loyalty_balance: Option<super::Money>,
}

impl Customer {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name).trim().to_string()
    }
}

/// What a new customer is created with.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NewCustomer {
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: String,
}

#[derive(Deserialize)]
struct Found<T> {
    #[serde(default = "Vec::new")]
    results: Vec<T>,
}

/// A city or a district of the server's lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Named {
    pub pk: Pk,
    pub name: String,
}

/// What a new address is created with (city and district by pk).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NewAddress {
    pub title: String,
    pub city: Pk,
    pub district: Pk,
    pub line: String,
}

/// A name as a person may type it: case, the Turkish dotted and dotless i, and spaces
/// around do not matter ("izmir", "IZMIR" and "İzmir" are one city).
pub fn fold(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter(|c| *c != '\u{307}')
        .map(|c| if c == 'ı' { 'i' } else { c })
        .collect()
}

fn read<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| CommerceError::Malformed {
        what: what.to_string(),
        detail: e.to_string(),
    })
}

impl CommerceClient {
    /// The store's customers whose phone, e-mail or name contains `text`.
    pub async fn search_customers(&self, text: &str) -> Result<Vec<Customer>> {
        let path = format!("users/customers/?search={}", super::client::urlencode(text.trim()));
        let bytes = self.call_json(Method::GET, &path, None, "customer search").await?;
        Ok(read::<Found<Customer>>(&bytes, "customer search")?.results)
    }

    /// Creates a customer; the server's field errors come back as `Http` errors.
    pub async fn create_customer(&self, customer: &NewCustomer) -> Result<Customer> {
        let body = serde_json::to_value(customer).unwrap_or_else(|_| json!({}));
        let bytes = self
            .call_json(Method::POST, "users/customers/", Some(body), "new customer")
            .await?;
        read(&bytes, "new customer")
    }

    /// From now on this client acts for `customer`: its basket, checkout and orders are
    /// the customer's. It will not sign in again by itself (that would switch back).
    pub async fn act_for(&self, customer: &Pk) -> Result<Customer> {
        let path = format!("users/customers/{}/session/", customer.0);
        let bytes = self.call_json(Method::POST, &path, None, "customer session").await?;
        self.forget_credentials();
        read(&bytes, "customer session")
    }

    /// A customer at a self-service kiosk gives their phone: the server sends them a code.
    pub async fn send_identification_code(&self, phone: &str) -> Result<()> {
        self.call_json(
            Method::POST,
            "users/customers/identify/",
            Some(json!({ "phone": phone })),
            "identification",
        )
        .await?;
        Ok(())
    }

    /// The code the customer typed: from now on this client acts for them (as
    /// [`CommerceClient::act_for`]).
    pub async fn identify(&self, phone: &str, code: &str) -> Result<Customer> {
        let body = json!({ "phone": phone, "code": code });
        let bytes = self
            .call_json(Method::POST, "users/customers/identify/", Some(body), "identification")
            .await?;
        self.forget_credentials();
        read(&bytes, "identification")
    }

    /// The account's addresses.
    pub async fn addresses(&self) -> Result<Vec<crate::commerce::pages::Address>> {
        let bytes = self.call_json(Method::GET, "address/", None, "addresses").await?;
        Ok(read::<Found<_>>(&bytes, "addresses")?.results)
    }

    /// Adds an address to the account; the server's field errors come back as `Http`.
    pub async fn create_address(&self, address: &NewAddress) -> Result<crate::commerce::pages::Address> {
        let body = serde_json::to_value(address).unwrap_or_else(|_| json!({}));
        let bytes = self
            .call_json(Method::POST, "address/", Some(body), "new address")
            .await?;
        read(&bytes, "new address")
    }

    /// The server's cities (of country 1, the store's).
    pub async fn cities(&self) -> Result<Vec<Named>> {
        let bytes = self
            .call_json(Method::GET, "address/city/?country=1", None, "cities")
            .await?;
        Ok(read::<Found<_>>(&bytes, "cities")?.results)
    }

    /// A city's districts.
    pub async fn districts(&self, city: &Pk) -> Result<Vec<Named>> {
        let path = format!("address/district/?city={}", super::client::urlencode(&city.0));
        let bytes = self.call_json(Method::GET, &path, None, "districts").await?;
        Ok(read::<Found<_>>(&bytes, "districts")?.results)
    }

    /// A new client acting for customer `pk`, beside this one (which stays the kiosk's):
    /// the offline queue replays a customer's order on it.
    pub async fn session_for(&self, customer: &Pk) -> Result<(CommerceClient, Customer)> {
        let client = self.fresh_session().await?;
        let found = client.act_for(customer).await?;
        Ok((client, found))
    }
}
