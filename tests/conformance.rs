//! Conformance with the reference: for every example request of
//! `payment-strategy-api.txt` (copied into tests/data), the simulator's answer has the
//! example's `page_name`, `page_slug`, and at least the example's `page_context` keys.
//!
//! The examples are read from the reference's text, not retyped here. Where an example
//! answers with one of two pages (a branch on a setting), each branch of the default
//! scenario is run and every page the reference shows must come out of one of them.

mod common;

use common::*;
use instore_kiosk::checkout::{run_checkout_until, CheckoutError, Choices, Event, ServiceAction, Walked};
use instore_kiosk::commerce::pages::{Page, PageName};
use instore_kiosk::sim::Scenario;
use reqwest::Method;
use serde_json::Value;
use std::collections::BTreeSet;

const REFERENCE: &str = include_str!("data/payment-strategy-api.txt");

#[derive(Debug, Clone)]
struct Example {
    title: String,
    method: Method,
    page: String,
    payload: Vec<(String, String)>,
    /// (page_name, page_context keys) of each answer the reference shows.
    answers: Vec<(String, BTreeSet<String>)>,
}

/// Splits the reference into its example requests.
fn examples() -> Vec<Example> {
    let lines: Vec<&str> = REFERENCE.lines().collect();
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("POST ") || lines[i].starts_with("GET "))
        .collect();
    let mut out = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(lines.len());
        let section = &lines[start..end];
        let title = section[0].to_string();
        let method = if title.starts_with("GET ") {
            Method::GET
        } else {
            Method::POST
        };
        let page = section
            .iter()
            .find_map(|l| l.strip_prefix("Path: https://{commerce_url}/orders/checkout/?page="))
            .unwrap_or_else(|| panic!("{title}: no path"))
            .trim()
            .to_string();
        let payload = section
            .iter()
            .find_map(|l| l.trim().strip_prefix("payload = "))
            .map(|p| {
                let p = p.trim();
                if p.starts_with('\'') {
                    url::form_urlencoded::parse(p.trim_matches('\'').as_bytes())
                        .into_owned()
                        .collect()
                } else {
                    vec![]
                }
            })
            .unwrap_or_default();
        let response_at = section
            .iter()
            .position(|l| l.starts_with("Example Response") || l.starts_with("Response from"))
            .expect("an example response");
        let text = section[response_at..].join("\n");
        out.push(Example {
            title,
            method,
            page,
            payload,
            answers: answers_in(&text),
        });
    }
    out
}

/// Every (page_name, page_context keys) in an example response text.
fn answers_in(text: &str) -> Vec<(String, BTreeSet<String>)> {
    let mut answers = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("\"page_context\":") {
        let after = &rest[at + "\"page_context\":".len()..];
        let open = after.find('{').expect("page_context is an object");
        let (keys, used) = keys_of_object(&after[open..]);
        let tail = &after[open + used..];
        let name_at = tail.find("\"page_name\":").expect("a page_name follows");
        let name_text = &tail[name_at + "\"page_name\":".len()..];
        let name = name_text.split('"').nth(1).expect("a quoted page name").to_string();
        answers.push((name, keys));
        rest = &tail[name_at..];
    }
    answers
}

/// The keys at the top level of the object starting at `text[0] == '{'`, and its length.
fn keys_of_object(text: &str) -> (BTreeSet<String>, usize) {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut keys = BTreeSet::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return (keys, i + 1);
                }
            }
            b'"' => {
                let close = text[i + 1..].find('"').expect("closed string") + i + 1;
                let next = text[close + 1..].trim_start();
                if depth == 1 && next.starts_with(':') {
                    keys.insert(text[i + 1..close].to_string());
                }
                i = close;
            }
            _ => {}
        }
        i += 1;
    }
    panic!("unbalanced page_context")
}

fn payment_type_of(example: &Example) -> &'static str {
    if example.title.contains("Saved Card") {
        return "saved_card";
    }
    let prefixes = [
        ("FundsTransfer", "funds_transfer"),
        ("LoyaltyMoney", "loyalty_money"),
        ("PayLater", "pay_later"),
        ("PayOnDelivery", "pay_on_delivery"),
        ("Redirection", "redirection"),
        ("CreditPayment", "credit_payment"),
        ("CashRegister", "cash_register"),
        ("Bex", "bkm_express"),
        ("GPay", "gpay"),
        ("ConfirmationPayment", "confirmation"),
        ("SavedCard", "saved_card"),
        ("Masterpass", "masterpass"),
        ("MobilExpress", "mobilexpress"),
    ];
    prefixes
        .iter()
        .find(|(p, _)| example.page.starts_with(p))
        .map(|(_, t)| *t)
        .expect("a known strategy")
}

async fn approve_at_service(url: &str) {
    reqwest::Client::new()
        .post(url)
        .header("Accept", "application/json")
        .form(&[("decision", "approve")])
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
}

/// Runs one example against a fresh simulator with the option named `option`.
/// Returns `None` when that branch never reaches the example's step.
async fn run_example(example: &Example, option: &str) -> Option<Value> {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &["SCK-030"]).await;
    let choices = Choices {
        option_name: Some(option.to_string()),
        otp: Some("5544".into()),
        service: ServiceAction::Approve,
        // A branch that never reaches the step waits at the register: give up quickly.
        wait_limit: std::time::Duration::from_secs(2),
        ..Choices::pay(payment_type_of(example))
    };
    let posts_card = example.payload.iter().any(|(k, _)| k == "card_token");
    let stop = match example.page.as_str() {
        "RedirectionPageCompletePage" => "RedirectionPaymentSelectedPage",
        "CreditPaymentCompletePage" => "CreditPaymentConfirmationPage",
        "GPayCompletePage" => "GPayRedirectPage",
        "ConfirmationPaymentCompletePage" if example.method == Method::GET => "SavedCardSelectionPage",
        "MobilExpressCardFoundOtpRequiredOtpPage" if posts_card => "MobilExpressCardListPage",
        page => page,
    };
    let mut seen: Vec<Page> = Vec::new();
    let walked = run_checkout_until(
        &client,
        &choices,
        &mut |e| {
            if let Event::Page(p) = e {
                seen.push(p)
            }
        },
        Some(known_page(stop)),
    )
    .await;
    let at = match walked {
        Ok(Walked::Stopped(at)) => at,
        Ok(Walked::Completed(_)) | Err(CheckoutError::GaveUp(..)) => return None,
        Err(e) => panic!("{}: walking to {stop}: {e}", example.title),
    };

    // Steps between the stop and the example that a person or service performs.
    let service_step = match example.page.as_str() {
        "RedirectionPageCompletePage" => Some("RedirectionPaymentSelectedPage"),
        "CreditPaymentCompletePage" => Some("CreditPaymentConfirmationPage"),
        "GPayCompletePage" => Some("GPayRedirectPage"),
        _ => None,
    };
    if let Some(page) = service_step {
        let r = client
            .post_step(known_page(page), &[("agreement", "true")])
            .await
            .unwrap();
        assert!(r.errors.is_none(), "{page}: {:?}", r.errors);
        let url = client
            .url(r.current().unwrap().redirect_url().expect("a service address"))
            .unwrap();
        approve_at_service(url.as_str()).await;
    }
    if example.page.as_str() == "CashRegisterCompletePage" {
        let Some(Page::CashRegisterComplete(ctx)) = at.current() else {
            panic!("not on the barcode")
        };
        assert_eq!(
            pay_at_register(&sim.url(), &ctx.number.as_ref().unwrap().0).await,
            reqwest::StatusCode::OK
        );
    }

    // The wallets' scripts run at the service: the customer's phone approves there, and
    // BKM Express's nonce is the one the service issued (read from its status).
    let mut issued_nonce = None;
    let wallet_txn = match example.page.as_str() {
        "BexNoncePage" => seen.iter().find_map(|p| match p {
            Page::BexBinNumber(c) => Some(c.transaction_id.clone()),
            _ => None,
        }),
        "MasterpassCompletePage" => match at.current() {
            Some(Page::MasterpassComplete(ctx)) => Some(ctx.token.clone()),
            _ => None,
        },
        _ => None,
    };
    if let Some(txn) = wallet_txn {
        let url = format!("{}/_sim/pay/{txn}/", sim.url().trim_end_matches('/'));
        approve_at_service(&url).await;
        let status: Value = reqwest::get(format!("{url}?format=json"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        issued_nonce = status["return_form"]["order_id"].as_str().map(str::to_string);
    }

    // Values the reference shows as placeholders are the session's own.
    let mut payload = example.payload.clone();
    for (key, value) in payload.iter_mut() {
        match (example.page.as_str(), key.as_str()) {
            ("BexNoncePage", "transaction_id") => {
                *value = seen
                    .iter()
                    .find_map(|p| match p {
                        Page::BexBinNumber(c) => Some(c.transaction_id.clone()),
                        _ => None,
                    })
                    .unwrap()
            }
            ("BexNoncePage", "order_id") => *value = issued_nonce.clone().expect("a nonce the service issued"),
            (_, "phone_number") if value.contains('X') => *value = "5554443322".into(),
            (_, "card_token") => match at.current() {
                Some(Page::MobilExpressCardList(c)) => *value = c.cards[0].card_id.clone(),
                other => panic!("no card list: {other:?}"),
            },
            _ => {}
        }
    }
    let fields: Vec<(&str, &str)> = payload.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Some(
        client
            .step_raw(example.method.clone(), &example.page, &fields)
            .await
            .unwrap(),
    )
}

#[tokio::test]
async fn every_example_of_the_reference_is_answered_in_its_shape() {
    let examples = examples();
    assert!(examples.len() >= 38, "the reference has {} examples", examples.len());
    let scenario = Scenario::default();
    let mut covered = Vec::new();
    for example in &examples {
        assert!(!example.answers.is_empty(), "{}: no answer parsed", example.title);
        let payment_type = payment_type_of(example);
        let mut produced: Vec<String> = Vec::new();
        for option in scenario.options.iter().filter(|o| o.payment_type == payment_type) {
            let Some(answer) = run_example(example, &option.name).await else {
                continue;
            };
            assert!(
                answer["errors"].is_null(),
                "{} ({}): errors {}",
                example.title,
                option.name,
                answer["errors"]
            );
            let last = answer["context_list"]
                .as_array()
                .and_then(|l| l.last())
                .expect("a page");
            let name = last["page_name"].as_str().unwrap().to_string();
            assert_eq!(
                last["page_slug"].as_str().unwrap(),
                name.to_lowercase(),
                "{}: slug",
                example.title
            );
            let (_, keys) = example.answers.iter().find(|(n, _)| *n == name).unwrap_or_else(|| {
                panic!(
                    "{} ({}): answered {name}, the reference shows {:?}",
                    example.title, option.name, example.answers
                )
            });
            for key in keys {
                assert!(
                    last["page_context"].get(key).is_some(),
                    "{} ({}): {name} lacks page_context.{key}",
                    example.title,
                    option.name
                );
            }
            produced.push(name);
        }
        for (name, _) in &example.answers {
            assert!(
                produced.contains(name),
                "{}: no branch answered {name} (got {produced:?})",
                example.title
            );
        }
        covered.push(format!("{} -> {}", example.page, produced.join(" | ")));
    }
    println!("covered {} examples:\n{}", covered.len(), covered.join("\n"));
}

#[test]
fn the_reference_parser_reads_both_answers_of_a_branching_step() {
    let cash = examples().into_iter().find(|e| e.page == "CashRegisterPage").unwrap();
    let names: Vec<&str> = cash.answers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["CashRegisterInstallmentSelectionPage", "CashRegisterCompletePage"]
    );
    let complete = &cash.answers[1].1;
    assert_eq!(
        complete.iter().map(String::as_str).collect::<Vec<_>>(),
        ["barcode", "number", "seconds"]
    );
}

#[tokio::test]
async fn the_cash_register_barcode_is_a_code128_of_the_number_that_a_scanner_reads() {
    use base64::Engine;
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &["SCK-030"]).await;
    let Walked::Stopped(at) = run_checkout_until(
        &client,
        &Choices::pay("cash_register"),
        &mut |_| {},
        Some(PageName::CashRegisterComplete),
    )
    .await
    .unwrap() else {
        panic!("completed without a barcode")
    };
    let Some(Page::CashRegisterComplete(ctx)) = at.current() else {
        panic!("not on the barcode page")
    };
    let png = base64::engine::general_purpose::STANDARD
        .decode(ctx.barcode.as_ref().unwrap())
        .unwrap();
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap();
    let mut pixels = vec![0; decoder.output_buffer_size().unwrap()];
    let info = decoder.next_frame(&mut pixels).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    pixels.truncate(info.buffer_size());
    let read = rxing::helpers::detect_in_luma(pixels, info.width, info.height, Some(rxing::BarcodeFormat::CODE_128))
        .expect("a Code128 barcode is found in the image");
    assert_eq!(read.getText(), ctx.number.as_ref().unwrap().0);
}

/// A page the reference names, as this build knows it.
fn known_page(name: &str) -> PageName {
    PageName::parse(name).unwrap_or_else(|| panic!("{name} is in the reference but not in the pages! table"))
}
