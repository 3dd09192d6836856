//! The answer's language, as a multilingual commerce server gives it: `Accept-Language`
//! `en` turns the simulator's own labels (payment choices, shipping, the demo
//! customers' address titles, delivery and credit names) into English; anything else
//! gets the Turkish they are written in. Names only the store gives (products, the
//! payment options it set up, banks, people) stay as they are. Each commerce request
//! without the header is noted, so that a test can tell the kiosk always sends it.
//! Never on `/_sim/`.

use super::Shared;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

/// The simulator's labels and their English.
const ENGLISH: &[(&str, &str)] = &[
    ("Kapıda nakit", "Cash on delivery"),
    ("Kapıda kredi kartı", "Card on delivery"),
    ("Standart kargo", "Standard shipping"),
    ("Hızlı kargo", "Express shipping"),
    ("Mağazadan teslim", "Collect in the store"),
    ("Adrese teslim", "Delivery to an address"),
    ("Alışveriş Kredisi", "Shopping credit"),
    ("Ev", "Home"),
    ("İş", "Work"),
    ("Adres", "Address"),
    ("Üst giyim", "Tops"),
    ("Alt giyim", "Bottoms"),
    ("Ayakkabı", "Shoes"),
    ("Çanta", "Bags"),
    ("Aksesuar", "Accessories"),
    ("Bahar indirimi %10", "Spring sale 10%"),
    ("Hoş geldin indirimi", "Welcome discount"),
    ("Yılbaşı indirimi %20", "New Year 20%"),
    ("Tek kullanımlık 100 TL", "One-time 100 TL"),
    ("Beden uymadı", "Wrong size"),
    ("Kusurlu ürün", "Faulty"),
    ("Beğenmedim", "Did not like it"),
    ("Yanlış ürün", "Wrong item"),
    ("Vazgeçtim", "Changed my mind"),
    ("Ödenen karta iade", "Back to the card paid with"),
    ("Kasadan nakit iade", "Cash from the till"),
    ("Hazır para olarak", "As loyalty money"),
    ("Mağaza kredisi (hediye kartı)", "Store credit (gift card)"),
    ("Kargo ücreti", "Shipping fee"),
    ("Hizmet bedeli", "Service fee"),
];

/// Whether a request asks for English (`Accept-Language: en…`).
pub(super) fn english(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.trim().to_ascii_lowercase().starts_with("en"))
}

/// The largest answer rewritten (the simulator's are far smaller).
const LARGEST: usize = 4 * 1024 * 1024;

pub(super) async fn language(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/_sim/") {
        return next.run(request).await;
    }
    let asked = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if asked.is_none() {
        shared.lock().without_language.push(path);
    }
    let english = asked.is_some_and(|a| a.trim().to_ascii_lowercase().starts_with("en"));
    let response = next.run(request).await;
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if !english || !json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, LARGEST).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    translate(&mut value);
    let text = serde_json::to_vec(&value).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(text))
}

/// Every string that is one of the simulator's labels, in English.
fn translate(value: &mut Value) {
    match value {
        Value::String(text) => {
            if let Some((_, english)) = ENGLISH.iter().find(|(turkish, _)| turkish == text) {
                *text = english.to_string();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(translate),
        Value::Object(fields) => fields.values_mut().for_each(translate),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_turn_english_and_the_stores_names_stay() {
        let mut answer = serde_json::json!({"choices": [{"label": "Kapıda nakit", "value": "cash"}],
            "addresses": [{"title": "Ev", "line": "Moda Cad. No: 12"}], "product": "Çorap 3'lü Paket"});
        super::translate(&mut answer);
        assert_eq!(answer["choices"][0]["label"], "Cash on delivery");
        assert_eq!(answer["choices"][0]["value"], "cash");
        assert_eq!(answer["addresses"][0]["title"], "Home");
        assert_eq!(answer["product"], "Çorap 3'lü Paket");
    }
}
