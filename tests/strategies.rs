//! Every strategy of the reference, and each branch, end to end: the real client over
//! real HTTP to the simulator, from login through basket to ThankYouPage, then the order
//! read back from the server with its amount, items and payment type.

mod common;

use common::*;
use instore_kiosk::checkout::{Choices, Event, ServiceAction};
use instore_kiosk::commerce::pages::{Page, PageName};
use instore_kiosk::commerce::Money;

const SOCKS: &str = "8690000010059"; // 119.99
const JEANS: &str = "JNS-010"; // 899.00
const SCARF: &str = "8690000010103"; // 459.00

struct Case {
    payment_type: &'static str,
    option: Option<&'static str>,
    installment: Option<u32>,
    /// The surcharge this case adds on top of the basket (service fee).
    fee: &'static str,
    /// Interest factor of the installment plan chosen.
    factor: &'static str,
}

fn case(payment_type: &'static str) -> Case {
    Case {
        payment_type,
        option: None,
        installment: None,
        fee: "0",
        factor: "1",
    }
}

async fn run_case(case: Case) -> Vec<Event> {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    let basket_total = fill_basket(&client, &[SOCKS, JEANS, SCARF]).await;
    assert_eq!(basket_total, money("1477.99"));

    let choices = Choices {
        option_name: case.option.map(str::to_string),
        installment: case.installment,
        otp: Some("5544".into()),
        service: ServiceAction::Approve,
        ..Choices::pay(case.payment_type)
    };
    let (done, events) = checkout_paying_register(&client, &sim.url(), choices).await;

    assert_eq!(done.option.payment_type, case.payment_type);
    if let Some(name) = case.option {
        assert_eq!(done.option.name, name);
    }
    let order = done.order.expect("the order can be read back from its receipt address");
    let expected = ((basket_total + money(case.fee)) * money(case.factor)).round_dp(2);
    assert_eq!(order.amount, expected, "amount of {}", case.payment_type);
    assert_eq!(order.payment_type, case.payment_type);
    assert_eq!(order.installment_count, case.installment.or(order.installment_count));
    let mut skus: Vec<&str> = order.items.iter().map(|l| l.sku.as_str()).collect();
    skus.sort();
    assert_eq!(skus, ["JNS-010", "SCF-080", "SCK-030"]);
    assert!(order.items.iter().all(|l| l.quantity == 1));
    assert_eq!(order.items.iter().map(|l| l.total_amount).sum::<Money>(), basket_total);

    // The server lists it among the user's orders, and the basket is empty again.
    let orders = client.orders().await.unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].number, order.number);
    assert!(client.basket().await.unwrap().basketitem_set.is_empty());
    events
}

fn pages(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Page(p) => Some(p.name().to_string()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn cash_register_without_installments() {
    let events = run_case(case("cash_register")).await;
    let pages = pages(&events);
    assert!(pages.contains(&"CashRegisterCompletePage".to_string()));
    assert!(!pages.contains(&"CashRegisterInstallmentSelectionPage".to_string()));
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::Barcode { number, seconds: 1 } if number.len() == 13)));
}

#[tokio::test]
async fn cash_register_with_three_installments() {
    let events = run_case(Case {
        option: Some("Cash Register (installments)"),
        installment: Some(3),
        factor: "1.05",
        ..case("cash_register")
    })
    .await;
    let installments = events.iter().find_map(|e| match e {
        Event::Page(Page::CashRegisterInstallmentSelection(ctx)) => Some(ctx.clone()),
        _ => None,
    });
    let ctx = installments.expect("the installment picker was shown");
    assert!(ctx.cards.len() >= 2, "installments of more than one bank");
    assert!(ctx
        .cards
        .iter()
        .all(|c| !c.bank.name.is_empty() && c.installments.iter().any(|i| i.installment_count == 3)));
}

#[tokio::test]
async fn pay_on_delivery_adds_the_service_fee() {
    // The first payment choice is cash at the door, 9.90 TRY.
    run_case(Case {
        fee: "9.90",
        ..case("pay_on_delivery")
    })
    .await;
}

#[tokio::test]
async fn saved_card_with_six_installments() {
    run_case(Case {
        installment: Some(6),
        factor: "1.09",
        ..case("saved_card")
    })
    .await;
}

#[tokio::test]
async fn funds_transfer() {
    run_case(case("funds_transfer")).await;
}

#[tokio::test]
async fn loyalty_money() {
    run_case(case("loyalty_money")).await;
}

#[tokio::test]
async fn pay_later() {
    run_case(case("pay_later")).await;
}

#[tokio::test]
async fn redirection_approved_at_the_service() {
    let events = run_case(case("redirection")).await;
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::Service { url } if url.contains("/_sim/pay/"))));
}

#[tokio::test]
async fn credit_payment_approved_at_the_service() {
    run_case(case("credit_payment")).await;
}

#[tokio::test]
async fn bkm_express() {
    run_case(case("bkm_express")).await;
}

#[tokio::test]
async fn garanti_pay() {
    run_case(case("gpay")).await;
}

#[tokio::test]
async fn paycell_without_agreement_step() {
    let events = run_case(Case {
        option: Some("Paycell"),
        ..case("confirmation")
    })
    .await;
    assert!(!pages(&events).contains(&"ConfirmationPaymentAgreementConfirmPage".to_string()));
}

#[tokio::test]
async fn paycell_with_agreement_step() {
    let events = run_case(Case {
        option: Some("Paycell (with agreement)"),
        ..case("confirmation")
    })
    .await;
    assert!(pages(&events).contains(&"ConfirmationPaymentAgreementConfirmPage".to_string()));
}

#[tokio::test]
async fn masterpass() {
    run_case(case("masterpass")).await;
}

#[tokio::test]
async fn mobilexpress_without_phone_step() {
    let events = run_case(Case {
        option: Some("MobilExpress"),
        ..case("mobilexpress")
    })
    .await;
    assert!(!pages(&events).contains(&"MobilExpressCardFoundOtpRequiredPhonePage".to_string()));
}

#[tokio::test]
async fn mobilexpress_with_phone_and_otp() {
    let events = run_case(Case {
        option: Some("MobilExpress (phone verification)"),
        ..case("mobilexpress")
    })
    .await;
    let pages = pages(&events);
    assert!(pages.contains(&"MobilExpressCardFoundOtpRequiredPhonePage".to_string()));
    assert!(pages.contains(&"MobilExpressCardFoundOtpRequiredOtpPage".to_string()));
}

#[tokio::test]
async fn home_delivery_adds_shipping() {
    // The steps before payment for a customer address: address, then shipping (29.90).
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    let total = fill_basket(&client, &[SOCKS]).await;
    client.checkout().await.unwrap();
    let r = client
        .post_step(PageName::DeliveryOptionSelection, &[("delivery_option", "2")])
        .await
        .unwrap();
    assert_eq!(r.current().unwrap().name(), "AddressSelectionPage");
    let r = client
        .post_step(
            PageName::AddressSelection,
            &[("shipping_address", "1"), ("billing_address", "1")],
        )
        .await
        .unwrap();
    assert_eq!(r.current().unwrap().name(), "ShippingOptionSelectionPage");
    let r = client
        .post_step(PageName::ShippingOptionSelection, &[("shipping_option", "1")])
        .await
        .unwrap();
    assert_eq!(r.current().unwrap().name(), "PaymentOptionSelectionPage");
    assert_eq!(r.pre_order.unwrap().total_amount, Some(total + money("29.90")));
    let done = instore_kiosk::checkout::run_checkout(&client, &Choices::pay("pay_later"), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(done.order.unwrap().amount, total + money("29.90"));
}

#[tokio::test]
async fn basket_add_change_remove_clear_and_out_of_stock() {
    use instore_kiosk::commerce::CommerceError;
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    client.clear_basket().await.unwrap();
    let socks = client.product_by_code(SOCKS).await.unwrap().unwrap();
    let jeans = client.product_by_code(JEANS).await.unwrap().unwrap();
    assert_eq!(socks.sku, "SCK-030");
    assert!(
        client.product_by_code("869").await.unwrap().is_none(),
        "a prefix is not a code"
    );

    client.add_to_basket(&socks.pk, 1).await.unwrap();
    let basket = client.add_to_basket(&jeans.pk, 2).await.unwrap();
    assert_eq!(basket.total_amount, money("1917.99"));
    let basket = client.set_quantity(&socks.pk, 3).await.unwrap();
    assert_eq!(basket.total_quantity, 5);
    assert_eq!(basket.total_amount, money("2157.97"));
    let basket = client.remove_from_basket(&jeans.pk).await.unwrap();
    assert_eq!(basket.basketitem_set.len(), 1);
    assert_eq!(basket.total_amount, money("359.97"));

    let umbrella = client.product_by_code("UMB-100").await.unwrap().unwrap();
    assert!(!umbrella.in_stock);
    let err = client.add_to_basket(&umbrella.pk, 1).await.unwrap_err();
    assert!(
        matches!(err, CommerceError::Http { status: 400, ref message, .. } if message.contains("out of stock")),
        "{err:?}"
    );

    // The boots are sold by their sizes: the boots themselves are refused.
    let boots = client.product_by_code("SHO-200").await.unwrap().unwrap();
    assert_eq!(boots.variants.len(), 4);
    let err = client.add_to_basket(&boots.pk, 1).await.unwrap_err();
    assert!(
        matches!(err, CommerceError::Http { status: 400, ref message, .. } if message.contains("Choose a size")),
        "{err:?}"
    );

    let basket = client.clear_basket().await.unwrap();
    assert!(basket.basketitem_set.is_empty());
    assert_eq!(
        client.all_products().await.unwrap().len(),
        14,
        "the whole catalog lists, the boots once"
    );
}

/// Walks a wallet's checkout to `stop` (not posted), with the option named `option`.
async fn walk_to(
    sim: &instore_kiosk::sim::Simulator,
    payment_type: &str,
    stop: PageName,
) -> instore_kiosk::commerce::CommerceClient {
    let client = logged_in(sim).await;
    fill_basket(&client, &[SOCKS]).await;
    let choices = Choices {
        otp: Some("5544".into()),
        ..Choices::pay(payment_type)
    };
    let walked = instore_kiosk::checkout::run_checkout_until(&client, &choices, &mut |_| {}, Some(stop))
        .await
        .unwrap();
    assert!(matches!(walked, instore_kiosk::checkout::Walked::Stopped(_)));
    client
}

fn refusal(answer: &instore_kiosk::commerce::pages::CheckoutResponse) -> String {
    answer.errors.as_ref().map(|e| e.summary()).unwrap_or_default()
}

/// The customer's phone approves at the service page.
async fn approve_at(url: &str) {
    let answer = reqwest::Client::new()
        .post(url)
        .form(&[("decision", "approve")])
        .send()
        .await
        .unwrap();
    assert!(!answer.status().is_server_error());
}

/// The service's status as the kiosk reads it.
async fn service_status(url: &str) -> serde_json::Value {
    reqwest::get(format!("{url}?format=json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// BKM Express: the nonce comes from the service, for that transaction. A nonce the
/// service did not issue, or a completion before the customer approved, is refused.
#[tokio::test]
async fn bkm_express_takes_only_the_nonce_its_service_issued() {
    let sim = start_sim(quick_scenario()).await;
    let client = walk_to(&sim, "bkm_express", PageName::BexNonce).await;
    let txn = sim.world().checkout_txn(common::EMAIL).expect("a BKM transaction");
    let data = r#"{"status": "ok", "paymentPurchased": true}"#;
    let made_up = [("order_id", "kiosk"), ("transaction_id", txn.as_str()), ("data", data)];
    let early = client.post_step(PageName::BexNonce, &made_up).await.unwrap();
    assert!(refusal(&early).contains("has not confirmed"), "{}", refusal(&early));

    let url = format!("{}/_sim/pay/{txn}/", sim.url().trim_end_matches('/'));
    assert!(service_status(&url).await["decision"].is_null());
    approve_at(&url).await;
    let made_up = client.post_step(PageName::BexNonce, &made_up).await.unwrap();
    assert!(refusal(&made_up).contains("did not issue"), "{}", refusal(&made_up));

    let status = service_status(&url).await;
    assert_eq!(status["decision"], "approve");
    let given: Vec<(String, String)> = instore_kiosk::checkout::handoff::return_form(&status);
    let fields: Vec<(&str, &str)> = given.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let answer = client.post_step(PageName::BexNonce, &fields).await.unwrap();
    assert!(answer.errors.is_none(), "{}", refusal(&answer));
    assert_eq!(answer.current_kind(), Some(PageName::BexComplete));
}

/// Garanti Pay: a completion that says `success=true` before the service approved is
/// refused; Masterpass completes on the reference's empty payload only after approval.
#[tokio::test]
async fn garanti_pay_and_masterpass_complete_only_after_the_service_approved() {
    let sim = start_sim(quick_scenario()).await;
    let client = walk_to(&sim, "gpay", PageName::GPayComplete).await;
    let answer = client
        .post_step(PageName::GPayComplete, &[("gpay", "true"), ("success", "true")])
        .await
        .unwrap();
    assert!(refusal(&answer).contains("has not confirmed"), "{}", refusal(&answer));

    let sim = start_sim(quick_scenario()).await;
    let client = walk_to(&sim, "masterpass", PageName::MasterpassComplete).await;
    let early = client.post_step(PageName::MasterpassComplete, &[]).await.unwrap();
    assert!(refusal(&early).contains("has not confirmed"), "{}", refusal(&early));
    let token = match client.checkout().await.unwrap().current() {
        Some(Page::MasterpassComplete(ctx)) => ctx.token.clone(),
        other => panic!("not at Masterpass: {other:?}"),
    };
    let url = format!("{}/_sim/pay/{token}/", sim.url().trim_end_matches('/'));
    approve_at(&url).await;
    let done = client.post_step(PageName::MasterpassComplete, &[]).await.unwrap();
    assert_eq!(done.current_kind(), Some(PageName::ThankYou), "{}", refusal(&done));
}

/// The `checkout` driver never posts a verdict of its own: against a service nobody
/// approves, it waits and then gives up, and no order exists.
#[tokio::test]
async fn checkout_without_an_approval_waits_then_fails() {
    for payment_type in ["gpay", "bkm_express", "masterpass", "redirection"] {
        let sim = start_sim(quick_scenario()).await;
        let client = logged_in(&sim).await;
        fill_basket(&client, &[SOCKS]).await;
        let choices = Choices {
            service: ServiceAction::Wait,
            wait_limit: std::time::Duration::from_secs(3),
            ..Choices::pay(payment_type)
        };
        let outcome = instore_kiosk::checkout::run_checkout(&client, &choices, &mut |_| {}).await;
        assert!(
            matches!(outcome, Err(instore_kiosk::checkout::CheckoutError::GaveUp(..))),
            "{payment_type}: {:?}",
            outcome.map(|d| d.thank_you.order_id)
        );
        assert!(sim.world().all_orders().is_empty(), "{payment_type}: no order");
    }
}

/// The register's own calls: reading the order of a number (with integration
/// credentials, refusals as HTTP 200 with `error_code`), and confirming the exact amount
/// due. The `/_sim/` shortcut follows the same rules: a basket changed after the number
/// was issued is refused (402) everywhere.
#[tokio::test]
async fn the_register_reads_the_order_and_confirms_only_the_amount_due() {
    use instore_kiosk::commerce::register::RegisterClient;
    let sim = start_sim(quick_scenario()).await;
    let client = walk_to(&sim, "cash_register", PageName::CashRegisterComplete).await;
    let number = match client.checkout().await.unwrap().current() {
        Some(Page::CashRegisterComplete(ctx)) => ctx.number.clone().unwrap().0,
        other => panic!("no barcode: {other:?}"),
    };
    let register = RegisterClient::new(&sim.url(), "register", "register-secret").unwrap();
    let code = |r: Result<(), instore_kiosk::commerce::register::Refusal>| r.err().map(|e| e.code).unwrap_or_default();

    let intruder = RegisterClient::new(&sim.url(), "register", "guess").unwrap();
    assert_eq!(intruder.pre_order(&number).await.unwrap().unwrap_err().code, "403");
    assert_eq!(register.pre_order("").await.unwrap().unwrap_err().code, "409");
    assert_eq!(register.pre_order("999").await.unwrap().unwrap_err().code, "410");

    let pre_order = register.pre_order(&number).await.unwrap().unwrap();
    let due = pre_order.unpaid_amount.unwrap();
    assert_eq!(due, money("119.99"));
    assert_eq!(pre_order.basket.unwrap().basketitem_set.len(), 1);
    assert_eq!(
        code(register.confirm(&number, "T-1", money("100.00"), None).await.unwrap()),
        "412"
    );

    // The basket changes after the number was issued: refused, shortcut included.
    client.add_to_basket(&"105".into(), 1).await.unwrap();
    assert_eq!(register.pre_order(&number).await.unwrap().unwrap_err().code, "402");
    assert_eq!(code(register.confirm(&number, "T-1", due, None).await.unwrap()), "402");
    assert_eq!(
        pay_at_register(&sim.url(), &number).await,
        reqwest::StatusCode::CONFLICT
    );
    assert!(sim.world().all_orders().is_empty());

    // A new number for the new basket is paid by the register, then the poll completes.
    let client = walk_to(&sim, "cash_register", PageName::CashRegisterComplete).await;
    let number = match client.checkout().await.unwrap().current() {
        Some(Page::CashRegisterComplete(ctx)) => ctx.number.clone().unwrap().0,
        other => panic!("no barcode: {other:?}"),
    };
    let due = register
        .pre_order(&number)
        .await
        .unwrap()
        .unwrap()
        .unpaid_amount
        .unwrap();
    register
        .confirm(&number, "T-2", due, Some("POS-7"))
        .await
        .unwrap()
        .unwrap();
    let done = client.post_step(PageName::CashRegisterComplete, &[]).await.unwrap();
    assert_eq!(done.current_kind(), Some(PageName::ThankYou));
    assert_eq!(sim.world().all_orders().len(), 1);
}
