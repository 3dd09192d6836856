//! What goes wrong, and what the client and the simulator do about it: the server's
//! rules (wrong OTP, missing agreement, a step out of order, unknown card or
//! installment, a declined payment) and the line's faults (5xx, timeouts, dropped
//! connections, malformed bodies, an unknown page, an expired session).

mod common;

use common::*;
use instore_kiosk::checkout::{run_checkout, run_checkout_until, CheckoutError, Choices, Event, ServiceAction, Walked};
use instore_kiosk::commerce::pages::{Page, PageName};
use instore_kiosk::commerce::CommerceError;
use instore_kiosk::sim::{OptionSpec, Scenario};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SOCKS: &str = "SCK-030";

async fn stop_at(client: &instore_kiosk::commerce::CommerceClient, choices: &Choices, page: PageName) {
    match run_checkout_until(client, choices, &mut |_| {}, Some(page))
        .await
        .unwrap()
    {
        Walked::Stopped(r) => assert_eq!(r.current().unwrap().name(), page.as_str()),
        Walked::Completed(_) => panic!("completed before {page}"),
    }
}

async fn current_page(client: &instore_kiosk::commerce::CommerceClient) -> String {
    client.checkout().await.unwrap().current().unwrap().name().to_string()
}

#[tokio::test]
async fn wrong_otp_is_refused_and_the_checkout_stays_on_the_otp_step() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SOCKS]).await;
    let choices = Choices {
        otp: Some("0000".into()),
        option_name: Some("Paycell".into()),
        ..Choices::pay("confirmation")
    };
    let err = run_checkout(&client, &choices, &mut |_| {}).await.unwrap_err();
    match err {
        CheckoutError::Rejected { page, message } => {
            assert_eq!(page, "ConfirmationPaymentQueryPage");
            assert!(message.contains("otp") && message.contains("not correct"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(current_page(&client).await, "ConfirmationPaymentQueryPage");
    assert!(client.orders().await.unwrap().is_empty(), "no order from a wrong code");
    // The right code then goes through from where it stopped.
    let r = client
        .post_step(PageName::ConfirmationPaymentQuery, &[("otp", "5544")])
        .await
        .unwrap();
    assert!(r.errors.is_none());
    assert_eq!(r.current().unwrap().name(), "ConfirmationPaymentCompletePage");
}

#[tokio::test]
async fn mobilexpress_wrong_otp_keeps_the_card_list_locked() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SOCKS]).await;
    let choices = Choices {
        option_name: Some("MobilExpress (phone verification)".into()),
        ..Choices::pay("mobilexpress")
    };
    stop_at(&client, &choices, PageName::MobilExpressCardFoundOtpRequiredOtp).await;
    let r = client
        .post_step(PageName::MobilExpressCardFoundOtpRequiredOtp, &[("otp", "1234")])
        .await
        .unwrap();
    assert!(r.errors.unwrap().fields.contains_key("otp"));
    // Choosing a card before the phone is verified is refused too.
    let r = client
        .post_step(
            PageName::MobilExpressCardFoundOtpRequiredOtp,
            &[("card_token", "6f08f86f-0343-4e9e-a3e2-656a3facf79b")],
        )
        .await
        .unwrap();
    assert!(r.errors.is_some());
    assert_eq!(r.current().unwrap().name(), "MobilExpressCardFoundOtpRequiredOtpPage");
}

#[tokio::test]
async fn missing_agreement_is_a_field_error_on_the_same_step() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SOCKS]).await;
    stop_at(
        &client,
        &Choices::pay("pay_on_delivery"),
        PageName::PayOnDeliveryPaymentChoice,
    )
    .await;
    client
        .post_step(PageName::PayOnDeliveryPaymentChoice, &[("payment_choice", "cash")])
        .await
        .unwrap();
    for body in [vec![], vec![("agreement", "false")]] {
        let r = client.post_step(PageName::PayOnDelivery, &body).await.unwrap();
        let errors = r.errors.clone().expect("an agreement is required");
        assert!(errors.fields["agreement"][0].contains("accept"));
        assert_eq!(r.current().unwrap().name(), "PayOnDeliveryPage");
    }
    assert!(client.orders().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_step_out_of_order_is_refused_without_moving_the_checkout() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SOCKS]).await;
    stop_at(&client, &Choices::pay("saved_card"), PageName::SavedCardSelection).await;
    let r = client
        .post_step(PageName::SavedCardConfirmation, &[("agreement", "true")])
        .await
        .unwrap();
    let errors = r.errors.clone().expect("skipping ahead is refused");
    assert!(errors.non_field[0].contains("not the current step"), "{errors:?}");
    assert_eq!(r.current().unwrap().name(), "SavedCardSelectionPage");
    assert_eq!(current_page(&client).await, "SavedCardSelectionPage");
    assert!(client.orders().await.unwrap().is_empty());
}

#[tokio::test]
async fn unknown_card_and_unknown_installment_are_refused() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SOCKS]).await;
    stop_at(&client, &Choices::pay("saved_card"), PageName::SavedCardSelection).await;
    let r = client
        .post_step(PageName::SavedCardSelection, &[("card", "stolen-card")])
        .await
        .unwrap();
    assert!(r.errors.unwrap().fields.contains_key("card"));
    let r = client
        .post_step(PageName::SavedCardSelection, &[("card", "my-visa-card")])
        .await
        .unwrap();
    assert_eq!(r.current().unwrap().name(), "SavedCardInstallmentSelectionPage");
    let r = client
        .post_step(PageName::SavedCardInstallmentSelection, &[("installment", "99")])
        .await
        .unwrap();
    assert!(r.errors.clone().unwrap().fields.contains_key("installment"));
    assert_eq!(r.current().unwrap().name(), "SavedCardInstallmentSelectionPage");
}

#[tokio::test]
async fn third_party_completion_needs_an_approval() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SOCKS]).await;
    stop_at(
        &client,
        &Choices::pay("redirection"),
        PageName::RedirectionPaymentSelected,
    )
    .await;
    let r = client
        .post_step(PageName::RedirectionPaymentSelected, &[("agreement", "true")])
        .await
        .unwrap();
    let url = r
        .current()
        .unwrap()
        .redirect_url()
        .expect("a payment address")
        .to_string();
    // Completing before the customer decided is refused.
    let r = client.post_step(PageName::RedirectionPageComplete, &[]).await.unwrap();
    assert!(r.errors.unwrap().non_field[0].contains("not been approved"));
    // The customer declines on the service page (a browser form post).
    let answer = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(&url)
        .form(&[("decision", "decline")])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), reqwest::StatusCode::SEE_OTHER);
    assert!(answer.headers()["location"]
        .to_str()
        .unwrap()
        .contains("page=RedirectionPageCompletePage"));
    let r = client.post_step(PageName::RedirectionPageComplete, &[]).await.unwrap();
    assert!(r.errors.unwrap().non_field[0].contains("declined"));
    assert!(client.orders().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_declined_garanti_pay_is_reported_as_declined() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SOCKS]).await;
    let choices = Choices {
        service: ServiceAction::Decline,
        ..Choices::pay("gpay")
    };
    let err = run_checkout(&client, &choices, &mut |_| {}).await.unwrap_err();
    assert!(
        matches!(err, CheckoutError::Declined(ref m) if m.contains("declined")),
        "{err:?}"
    );
    assert!(client.orders().await.unwrap().is_empty());
}

#[tokio::test]
async fn bkm_and_masterpass_refuse_a_foreign_transaction() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SOCKS]).await;
    stop_at(&client, &Choices::pay("bkm_express"), PageName::BexNonce).await;
    let r = client
        .post_step(
            PageName::BexNonce,
            &[("order_id", "1"), ("transaction_id", "someone-elses"), ("data", "{}")],
        )
        .await
        .unwrap();
    assert!(r.errors.unwrap().fields.contains_key("transaction_id"));

    fill_basket(&client, &[SOCKS]).await;
    stop_at(&client, &Choices::pay("masterpass"), PageName::MasterpassComplete).await;
    // Masterpass completes only on its service's approval: a forged token changes nothing.
    let r = client
        .post_step(PageName::MasterpassComplete, &[("token", "forged")])
        .await
        .unwrap();
    assert!(r.errors.unwrap().summary().contains("has not confirmed"));
    assert!(client.orders().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_expired_session_is_renewed_and_the_checkout_carries_on() {
    let mut scenario = quick_scenario();
    // A whole checkout takes about a dozen requests: the session dies three times.
    scenario.faults.session_expiry_after = Some(4);
    let sim = start_sim(scenario).await;
    let client = logged_in(&sim).await;
    let total = fill_basket(&client, &[SOCKS, "TSH-001"]).await;
    let choices = Choices {
        otp: Some("5544".into()),
        option_name: Some("Paycell (with agreement)".into()),
        ..Choices::pay("confirmation")
    };
    let done = run_checkout(&client, &choices, &mut |_| {})
        .await
        .expect("re-login keeps the checkout going");
    assert_eq!(done.order.unwrap().amount, total);
    assert_eq!(client.orders().await.unwrap().len(), 1, "exactly one order");
}

#[tokio::test]
async fn wrong_password_is_a_clear_login_error() {
    let sim = start_sim(quick_scenario()).await;
    let client = client_for(&sim, Duration::from_secs(5));
    let err = client.login(EMAIL, "wrong").await.unwrap_err();
    assert!(
        matches!(err, CommerceError::LoginRejected(ref m) if m.contains("Unable to log in")),
        "{err:?}"
    );
    // Without a session nothing else works, and the error says so.
    let err = client.basket().await.unwrap_err();
    assert!(matches!(err, CommerceError::Http { status: 401, .. }), "{err:?}");
}

#[tokio::test]
async fn server_errors_are_reported_as_such() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SOCKS]).await;
    sim.world().scenario.faults.server_error_rate = 1.0;
    let err = client.checkout().await.unwrap_err();
    assert_eq!(err, CommerceError::Server { status: 503 });
    assert!(err.is_connectivity() && err.may_have_been_processed());
    sim.world().scenario.faults.server_error_rate = 0.0;
    assert_eq!(current_page(&client).await, "DeliveryOptionSelectionPage");
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let sim = start_sim(quick_scenario()).await;
    let client = client_for(&sim, Duration::from_millis(300));
    client.login(EMAIL, PASSWORD).await.unwrap();
    sim.world().scenario.latency_ms = 2_000;
    let err = client.basket().await.unwrap_err();
    assert!(matches!(err, CommerceError::Timeout { .. }), "{err:?}");
    assert!(err.is_connectivity() && err.may_have_been_processed());
    assert!(err.to_string().contains("did not answer within 0.3 s"), "{err}");
}

#[tokio::test]
async fn a_dropped_connection_is_reported_as_lost() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    sim.world().scenario.faults.drop_rate = 1.0;
    let err = client.basket().await.unwrap_err();
    assert!(matches!(err, CommerceError::ConnectionLost(_)), "{err:?}");
    assert!(err.may_have_been_processed());
}

#[tokio::test]
async fn a_server_that_is_not_there_is_unreachable_and_nothing_was_sent() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    sim.stop().await;
    let err = client.basket().await.unwrap_err();
    assert!(matches!(err, CommerceError::Unreachable { .. }), "{err:?}");
    assert!(err.is_connectivity());
    assert!(
        !err.may_have_been_processed(),
        "a refused connection cannot have placed an order"
    );
}

#[tokio::test]
async fn a_malformed_body_is_an_error_not_a_panic() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SOCKS]).await;
    sim.world().scenario.faults.malformed_rate = 1.0;
    let err = client.checkout().await.unwrap_err();
    assert!(matches!(err, CommerceError::Malformed { .. }), "{err:?}");
    let err = client.basket().await.unwrap_err();
    assert!(matches!(err, CommerceError::Malformed { .. }), "{err:?}");
    assert!(err.to_string().contains("could not be read"));
}

#[tokio::test]
async fn an_unknown_page_is_a_value_and_the_driver_stops_cleanly() {
    let mut scenario = quick_scenario();
    scenario.options.push(OptionSpec {
        name: "Crypto Wallet".into(),
        payment_type: "crypto_wallet".into(),
        is_installment_active: false,
        agreement_required: false,
        otp_required: false,
    });
    let sim = start_sim(scenario).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SOCKS]).await;
    stop_at(
        &client,
        &Choices::pay("crypto_wallet"),
        PageName::PaymentOptionSelection,
    )
    .await;
    let options = client.checkout().await.unwrap();
    let pk = options
        .payment_options()
        .unwrap()
        .payment_options
        .iter()
        .find(|o| o.payment_type == "crypto_wallet")
        .unwrap()
        .pk
        .clone();
    let r = client
        .post_step(PageName::PaymentOptionSelection, &[("payment_option", &pk.0)])
        .await
        .unwrap();
    match r.current().unwrap() {
        Page::Unknown { name, .. } => assert_eq!(name, "CryptoWalletPage"),
        other => panic!("expected an unknown page, got {other:?}"),
    }
    fill_basket(&client, &[SOCKS]).await;
    let err = run_checkout(&client, &Choices::pay("crypto_wallet"), &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(err, CheckoutError::UnknownStep(ref n) if n == "CryptoWalletPage"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_payment_type_not_offered_is_named_in_the_error() {
    let sim = start_sim(Scenario {
        options: vec![OptionSpec {
            name: "Pay Later".into(),
            payment_type: "pay_later".into(),
            is_installment_active: false,
            agreement_required: false,
            otp_required: false,
        }],
        ..quick_scenario()
    })
    .await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SOCKS]).await;
    let err = run_checkout(&client, &Choices::pay("cash_register"), &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(err, CheckoutError::NotOffered(ref t) if t == "cash_register"),
        "{err:?}"
    );
}

#[tokio::test]
async fn cash_register_polling_rides_out_a_dropped_connection() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    let total = fill_basket(&client, &[SOCKS]).await;
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let seen = events.clone();
    let world = sim.url();
    let sim = Arc::new(sim);
    let control = sim.clone();
    let mut on_event = move |event: Event| {
        if let Event::Barcode { number, .. } = &event {
            // The line fails while the customer walks to the register, then comes back.
            control.world().scenario.faults.drop_rate = 1.0;
            let (control, url, number) = (control.clone(), world.clone(), number.clone());
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(2_500)).await;
                control.world().scenario.faults.drop_rate = 0.0;
                pay_at_register(&url, &number).await;
            });
        }
        seen.lock().unwrap().push(event);
    };
    let done = run_checkout(&client, &Choices::pay("cash_register"), &mut on_event)
        .await
        .expect("completes after reconnecting");
    assert_eq!(done.order.unwrap().amount, total);
    assert!(events
        .lock()
        .unwrap()
        .iter()
        .any(|e| matches!(e, Event::Reconnecting(_))));
}

#[tokio::test]
async fn the_cashier_cannot_pay_an_unknown_number() {
    let sim = start_sim(quick_scenario()).await;
    assert_eq!(
        pay_at_register(&sim.url(), "1234567890123").await,
        reqwest::StatusCode::CONFLICT
    );
}

/// An answer too large to be a commerce answer (a misconfigured proxy, a download) is
/// an error naming its size, read in bounded memory, never a kiosk out of memory.
#[tokio::test]
async fn an_endless_answer_is_refused_at_its_size_limit() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).await;
        // No length: the client only learns the size by reading.
        let _ = socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n")
            .await;
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..40 {
            if socket.write_all(&chunk).await.is_err() {
                break;
            }
        }
    });
    let client =
        instore_kiosk::commerce::CommerceClient::new(instore_kiosk::commerce::ClientConfig::new(&url).unwrap())
            .unwrap();
    let error = client.basket().await.unwrap_err();
    assert!(
        matches!(error, CommerceError::Malformed { .. }) && error.to_string().contains("larger than 16 MiB"),
        "{error}"
    );
    server.abort();
}

/// A server that pages its catalog without saying how many pages there are: the kiosk
/// reads on to the first empty page, never taking the first page for the whole.
#[tokio::test]
async fn a_catalog_without_a_page_count_is_read_to_its_end() {
    use axum::extract::Query;
    use std::collections::HashMap;
    let app = axum::Router::new().route(
        "/list/",
        axum::routing::get(|Query(query): Query<HashMap<String, String>>| async move {
            let page: u32 = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
            let products: Vec<serde_json::Value> = if page <= 3 {
                (0..10)
                    .map(|i| {
                        let n = page * 100 + i;
                        serde_json::json!({"pk": n, "sku": format!("SKU-{n}"), "name": format!("Product {n}"), "price": "10.00"})
                    })
                    .collect()
            } else {
                Vec::new()
            };
            axum::Json(serde_json::json!({"products": products, "pagination": {}}))
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let client =
        instore_kiosk::commerce::CommerceClient::new(instore_kiosk::commerce::ClientConfig::new(&url).unwrap())
            .unwrap();
    let products = client.all_products().await.unwrap();
    assert_eq!(products.len(), 30, "all three pages");
    server.abort();
}
