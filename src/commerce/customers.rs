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
struct Found {
    #[serde(default)]
    results: Vec<Customer>,
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
        Ok(read::<Found>(&bytes, "customer search")?.results)
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
}
