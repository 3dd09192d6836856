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
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NewCustomer {
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: String,
    /// The answer to each consent the server asked for (see [`Consent`]).
    #[serde(skip)]
    pub consents: Vec<(Consent, bool)>,
}

/// A consent the server asks a new customer for (the privacy notice, offers by e-mail
/// or SMS); one it requires must be given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Consent {
    pub key: String,
    pub label: String,
    pub required: bool,
}

/// What is wrong with a new customer, found before anything is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewCustomerProblem {
    FirstName,
    LastName,
    Phone,
    Email,
    Consent,
}

/// A Turkish mobile number as ten digits `5XXXXXXXXX`, from what a person typed
/// (spaces, a leading 0 or +90 allowed); `None` when it is not one.
pub fn mobile_number(typed: &str) -> Option<String> {
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    let digits = digits
        .strip_prefix("90")
        .filter(|rest| rest.len() == 10)
        .or_else(|| digits.strip_prefix('0').filter(|rest| rest.len() == 10))
        .unwrap_or(&digits);
    (digits.len() == 10 && digits.starts_with('5')).then(|| digits.to_string())
}

/// An e-mail address's shape: something, `@`, a domain with a dot, no spaces.
pub fn email_shaped(typed: &str) -> bool {
    let typed = typed.trim();
    match typed.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && !typed.contains(char::is_whitespace)
                && !domain.contains('@')
                && domain.split('.').count() >= 2
                && domain.split('.').all(|part| !part.is_empty())
        }
        None => false,
    }
}

impl NewCustomer {
    /// The customer as the server should get it (trimmed, the phone as ten digits), or
    /// the first thing wrong, in the form's order.
    pub fn checked(&self) -> std::result::Result<NewCustomer, NewCustomerProblem> {
        let (first_name, last_name) = (self.first_name.trim(), self.last_name.trim());
        if first_name.is_empty() {
            return Err(NewCustomerProblem::FirstName);
        }
        if last_name.is_empty() {
            return Err(NewCustomerProblem::LastName);
        }
        let phone = mobile_number(&self.phone).ok_or(NewCustomerProblem::Phone)?;
        if !email_shaped(&self.email) {
            return Err(NewCustomerProblem::Email);
        }
        if self.consents.iter().any(|(consent, given)| consent.required && !given) {
            return Err(NewCustomerProblem::Consent);
        }
        Ok(NewCustomer {
            first_name: first_name.to_string(),
            last_name: last_name.to_string(),
            phone,
            email: self.email.trim().to_string(),
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_aside_basket_goes_back_less_what_the_sale_sold() {
        let pk = |s: &str| Pk(s.into());
        let set_aside = SetAside {
            lines: vec![(pk("1"), 2), (pk("2"), 1), (pk("3"), 1)],
        };
        // Nothing sold of theirs: all of it goes back.
        assert_eq!(set_aside.less(&[(pk("9"), 4)]), set_aside.lines);
        // One of the two of product 1 and all of product 3 were this sale's own lines.
        assert_eq!(
            set_aside.less(&[(pk("1"), 1), (pk("3"), 5)]),
            [(pk("1"), 1), (pk("2"), 1)]
        );
        assert!(SetAside::default().less(&[]).is_empty());
    }

    #[test]
    fn mobile_numbers_are_read_as_people_type_them() {
        for typed in [
            "5321112233",
            "532 111 22 33",
            "0532 111 22 33",
            "+90 532 111 22 33",
            "90 5321112233",
        ] {
            assert_eq!(mobile_number(typed).as_deref(), Some("5321112233"), "{typed}");
        }
        for typed in ["", "4321112233", "532111223", "05321112233 4", "2125551212"] {
            assert_eq!(mobile_number(typed), None, "{typed}");
        }
    }

    #[test]
    fn an_email_needs_a_name_an_at_and_a_domain() {
        assert!(email_shaped(" ayse@example.com "));
        for typed in [
            "",
            "ayse",
            "ayse@",
            "@example.com",
            "ayse@example",
            "a b@example.com",
            "a@b@c.com",
            "a@b..com",
        ] {
            assert!(!email_shaped(typed), "{typed}");
        }
    }

    #[test]
    fn the_form_names_its_first_problem() {
        let good = NewCustomer {
            first_name: " Zeynep ".into(),
            last_name: "Kaya".into(),
            phone: "0530 123 45 67".into(),
            email: "zeynep@example.com".into(),
            consents: vec![(
                Consent {
                    key: "kvkk_consent".into(),
                    required: true,
                    ..Default::default()
                },
                true,
            )],
        };
        let checked = good.checked().unwrap();
        assert_eq!(
            (checked.first_name.as_str(), checked.phone.as_str()),
            ("Zeynep", "5301234567")
        );
        let with = |change: fn(&mut NewCustomer)| {
            let mut form = good.clone();
            change(&mut form);
            form.checked().unwrap_err()
        };
        assert_eq!(with(|f| f.first_name.clear()), NewCustomerProblem::FirstName);
        assert_eq!(with(|f| f.last_name = "  ".into()), NewCustomerProblem::LastName);
        assert_eq!(with(|f| f.phone = "212 555 12 12".into()), NewCustomerProblem::Phone);
        assert_eq!(
            with(|f| f.email = "zeynep.example.com".into()),
            NewCustomerProblem::Email
        );
        assert_eq!(with(|f| f.consents[0].1 = false), NewCustomerProblem::Consent);
    }
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
        let mut body = serde_json::to_value(customer).unwrap_or_else(|_| json!({}));
        if let Some(fields) = body.as_object_mut() {
            for (consent, given) in &customer.consents {
                fields.insert(consent.key.clone(), json!(given));
            }
        }
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

    /// The consents the server asks a new customer for.
    pub async fn consents(&self) -> Result<Vec<Consent>> {
        let bytes = self
            .call_json(Method::GET, "users/customers/consents/", None, "consents")
            .await?;
        Ok(read::<Found<_>>(&bytes, "consents")?.results)
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
    pub async fn addresses(&self) -> Result<Vec<crate::commerce::records::Address>> {
        let bytes = self.call_json(Method::GET, "address/", None, "addresses").await?;
        Ok(read::<Found<_>>(&bytes, "addresses")?.results)
    }

    /// Adds an address to the account; the server's field errors come back as `Http`.
    pub async fn create_address(&self, address: &NewAddress) -> Result<crate::commerce::records::Address> {
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

    /// Empties the account's basket for a sale of the kiosk's, and says what it held (a
    /// customer's web shop basket): [`CommerceClient::put_back`] restores it after.
    pub async fn borrow_basket(&self) -> Result<SetAside> {
        let held = self.basket().await?;
        let lines = held
            .basketitem_set
            .iter()
            .map(|l| (l.product.pk.clone(), l.quantity))
            .collect();
        self.clear_basket().await?;
        Ok(SetAside { lines })
    }

    /// Puts a borrowed basket back once the kiosk's sale is over, less what the sale
    /// `sold` (product, quantity): whatever the sale left in the basket goes first. With
    /// nothing to put back, the basket is left alone.
    pub async fn put_back(&self, set_aside: &SetAside, sold: &[(Pk, u32)]) -> Result<()> {
        let lines = set_aside.less(sold);
        if lines.is_empty() {
            return Ok(());
        }
        self.clear_basket().await?;
        for (product, quantity) in &lines {
            self.add_to_basket(product, *quantity).await?;
        }
        Ok(())
    }

    /// A new client acting for customer `pk`, beside this one (which stays the kiosk's):
    /// the offline queue replays a customer's order on it.
    pub async fn session_for(&self, customer: &Pk) -> Result<(CommerceClient, Customer)> {
        let client = self.fresh_session().await?;
        let found = client.act_for(customer).await?;
        Ok((client, found))
    }
}

/// What a customer's basket held before the kiosk used it for a sale.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SetAside {
    pub lines: Vec<(Pk, u32)>,
}

impl SetAside {
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines less `sold`, product by product: a basket the kiosk itself filled
    /// before a restart (the sale's own lines) is not put back after the sale's order.
    pub fn less(&self, sold: &[(Pk, u32)]) -> Vec<(Pk, u32)> {
        let mut sold: Vec<(Pk, u32)> = sold.to_vec();
        let mut left = Vec::new();
        for (product, quantity) in &self.lines {
            let mut quantity = *quantity;
            for (_, q) in sold.iter_mut().filter(|(p, _)| p == product) {
                let taken = quantity.min(*q);
                quantity -= taken;
                *q -= taken;
            }
            if quantity > 0 {
                left.push((product.clone(), quantity));
            }
        }
        left
    }
}
