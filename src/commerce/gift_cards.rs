//! Gift cards as a payment, as the client asks for them (the simulator's contract:
//! README, "Gift cards"; the platform's calls are not in the reference): a card's number
//! asks for its SMS code, the code takes the card's money up to what is due, more than
//! one card an order; the chosen payment option pays the rest, or the cards pay it all.

use super::client::{parse_json, Body, CommerceClient};
use super::error::{CommerceError, Result};
use super::money::de_money;
use super::pages::CheckoutResponse;
use super::records::GiftCardUse;
use super::Money;
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

const PATH: &str = "orders/checkout/gift_cards/";

/// A card the server knows, its SMS code sent.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CodeSent {
    /// The card's number as shown (`•••• 3000`).
    pub number: String,
    /// The phone the code went to, masked.
    pub phone: String,
}

/// The gift cards on the order and what they leave to pay.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct GiftCards {
    pub gift_cards: Vec<GiftCardUse>,
    #[serde(deserialize_with = "de_money")]
    pub gift_card_amount: Money,
    #[serde(deserialize_with = "de_money")]
    pub amount_due: Money,
}

/// A refusal's words without the field's name the summary puts before them.
fn words(message: &str) -> String {
    ["number: ", "code: "]
        .iter()
        .find_map(|field| message.strip_prefix(field))
        .unwrap_or(message)
        .to_string()
}

impl CommerceClient {
    /// Asks for a card's SMS code. The server's refusal (unknown, nothing left on it,
    /// already on the order) is `Ok(Err(why))`.
    pub async fn gift_card_code(&self, number: &str) -> Result<std::result::Result<CodeSent, String>> {
        let digits: String = number.chars().filter(|c| c.is_ascii_digit()).collect();
        match self.call(Method::POST, PATH, Body::Json(json!({"number": digits})), "gift card").await {
            Ok(body) => Ok(Ok(parse_json(&body, "gift card")?)),
            Err(CommerceError::Http { status: 400, message, .. }) => Ok(Err(words(&message))),
            Err(e) => Err(e),
        }
    }

    /// The card's SMS code: its money goes to the order. A wrong code is `Ok(Err(why))`.
    pub async fn gift_card_redeem(&self, number: &str, code: &str) -> Result<std::result::Result<GiftCards, String>> {
        let digits: String = number.chars().filter(|c| c.is_ascii_digit()).collect();
        let body = Body::Json(json!({"number": digits, "code": code.trim()}));
        match self.call(Method::POST, &format!("{PATH}redeem/"), body, "gift card").await {
            Ok(body) => Ok(Ok(parse_json(&body, "gift card")?)),
            Err(CommerceError::Http { status: 400, message, .. }) => Ok(Err(words(&message))),
            Err(e) => Err(e),
        }
    }

    /// Takes every card off the order.
    pub async fn gift_cards_clear(&self) -> Result<GiftCards> {
        let body = self.call(Method::DELETE, PATH, Body::Empty, "gift cards").await?;
        parse_json(&body, "gift cards")
    }

    /// Places the order the cards pay whole; the checkout's answer.
    pub async fn gift_cards_complete(&self) -> Result<CheckoutResponse> {
        let body = self
            .call(Method::POST, &format!("{PATH}complete/"), Body::Empty, "gift cards")
            .await?;
        CheckoutResponse::parse(&body).map_err(|detail| CommerceError::Malformed {
            what: "gift cards".into(),
            detail,
        })
    }
}
