//! Returns and cancellations through the real client and the simulator over HTTP: an
//! order found by its number, a partial return with the refund to the card, cash
//! refunds only once the clerk confirms, what cannot come back greyed with the server's
//! reason (returned already, past the return period, a service), a shipped order's
//! whole cancellation before it leaves, and store credit on a new gift card.

mod common;

use common::*;
use instore_kiosk::checkout::Choices;
use instore_kiosk::commerce::returns::{RefundKind, ReturnAsk, ReturnRequest};
use instore_kiosk::commerce::Pk;

const SOCKS: &str = "8690000010059"; // 119.99
const SCARF: &str = "8690000010103"; // 459.00
const COAT: &str = "8690000010134"; // 2499.00, only in the warehouse

fn request(ask: ReturnAsk, refund: &str) -> ReturnRequest {
    ReturnRequest {
        ask,
        reason: Pk::from("1"),
        refund_type: refund.into(),
        cash_confirmed: false,
    }
}

async fn sim_post(sim: &instore_kiosk::sim::Simulator, path: &str) {
    let status = reqwest::Client::new()
        .post(format!("{}{path}", sim.url()))
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{path}: {status}");
}

#[tokio::test]
async fn a_partial_return_refunds_the_lines_to_the_card_and_the_order_shows_it() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SOCKS, SOCKS, SCARF]).await;
    let mut choices = Choices::pay("saved_card");
    choices.card = Some("my-visa-card".into());
    let (done, _) = checkout_paying_register(&client, &sim.url(), choices).await;
    let number = done.order.expect("the order").number;

    let before = client.order_for_return(&number).await.unwrap().expect("the order is found");
    assert_eq!(before.order.status, "approved");
    assert_eq!(before.lines.len(), 2);
    assert_eq!((before.lines[0].quantity, before.lines[0].returnable_quantity), (2, 2));
    assert!(!before.cancellable, "goods taken at the counter come back by line");
    assert!(before.not_cancellable_reason.as_deref().unwrap().contains("teslim edildi"));
    assert_eq!(before.refund_types[0].kind(), RefundKind::Card, "a card's order goes back to the card first");
    assert!(!before.reasons.is_empty());

    // One pair of socks back.
    let after = client
        .make_return(&number, &request(ReturnAsk::Lines(vec![(1, 1)]), "card"))
        .await
        .unwrap()
        .expect("the return is made");
    let refund = after.refund.clone().expect("the refund");
    assert_eq!(refund.amount, money("119.99"));
    assert_eq!(refund.refund_type, "card");
    assert_eq!(after.order.status, "partially_refunded");
    assert_eq!(after.kept_amount(), money("578.99"), "698.98 less the socks");
    assert_eq!((after.lines[0].returned_quantity, after.lines[0].returnable_quantity), (1, 1));

    // The server says the same when asked again, and its order list carries the refund.
    let again = client.order_for_return(&number).await.unwrap().unwrap();
    assert_eq!(again.order.status, "partially_refunded");
    let listed = client.orders().await.unwrap();
    let listed = listed.iter().find(|o| o.number == number).unwrap();
    assert_eq!(listed.refunds.len(), 1);
    assert_eq!(listed.refunds[0].amount, money("119.99"));

    // More socks than are left is refused with the server's words; the rest comes back.
    let why = client
        .make_return(&number, &request(ReturnAsk::Lines(vec![(1, 2)]), "card"))
        .await
        .unwrap()
        .unwrap_err();
    assert!(why.contains("fazla"), "{why}");
    let all = client
        .make_return(&number, &request(ReturnAsk::Lines(vec![(1, 1), (2, 1)]), "card"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(all.order.status, "refunded");
    assert_eq!(all.kept_amount(), money("0"));
    assert!(all.lines[0].not_returnable_reason.is_some(), "returned already is greyed with a reason");
}

#[tokio::test]
async fn cash_goes_back_only_once_the_clerk_confirms_it() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    client.set_language("en");
    fill_basket(&client, &[SCARF]).await;
    let (done, _) = checkout_paying_register(&client, &sim.url(), Choices::pay("cash_register")).await;
    let number = done.order.unwrap().number;
    let view = client.order_for_return(&number).await.unwrap().unwrap();
    assert_eq!(view.refund_types[0].kind(), RefundKind::Cash, "paid at the register, refunded from the till");
    assert_eq!(view.refund_types[0].label, "Cash from the till");
    assert_eq!(view.reasons[0].name, "Wrong size", "in the screens' language");

    let mut ask = request(ReturnAsk::Lines(vec![(1, 1)]), "cash");
    let why = client.make_return(&number, &ask).await.unwrap().unwrap_err();
    assert_eq!(why, "The clerk must confirm the cash refund.");
    assert_eq!(client.order_for_return(&number).await.unwrap().unwrap().order.status, "approved");
    ask.cash_confirmed = true;
    let done = client.make_return(&number, &ask).await.unwrap().unwrap();
    assert_eq!(done.refund.unwrap().amount, money("459.00"));
    assert_eq!(done.order.status, "refunded");
}

#[tokio::test]
async fn past_the_return_period_and_services_are_greyed_with_the_servers_reason() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    client.set_language("en");
    fill_basket(&client, &[COAT]).await;
    let mut choices = Choices::pay("cash_register");
    choices.ship_to = Some("1".into());
    let (done, _) = checkout_paying_register(&client, &sim.url(), choices).await;
    let order = done.order.unwrap();
    assert!(order.shipping_amount.unwrap_or_default() > money("0"), "shipping is a service line");

    // Not yet shipped: cancelled whole, not returned by line.
    let view = client.order_for_return(&order.number).await.unwrap().unwrap();
    assert!(view.cancellable);
    assert_eq!(view.lines[0].not_returnable_reason.as_deref(), Some("Not shipped yet: cancel the order instead."));
    let fee = view.lines.iter().find(|l| l.service).expect("the shipping fee's line");
    assert_eq!(fee.not_returnable_reason.as_deref(), Some("Services are not returned."));

    sim_post(&sim, &format!("_sim/orders/{}/ship", order.number)).await;
    sim_post(&sim, &format!("_sim/orders/{}/age?days=45", order.number)).await;
    let view = client.order_for_return(&order.number).await.unwrap().unwrap();
    assert!(!view.cancellable);
    assert_eq!(view.not_cancellable_reason.as_deref(), Some("The order has shipped: return it when it arrives."));
    let why = view.lines[0].not_returnable_reason.clone().unwrap();
    assert!(why.starts_with("The return period ended on "), "{why}");
    assert_eq!(view.lines[0].returnable_quantity, 0);
    let refused = client
        .make_return(&order.number, &request(ReturnAsk::Lines(vec![(1, 1)]), "store_credit"))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(refused, why, "the server refuses what it greyed, with the same words");

    // Unknown orders are none.
    assert!(client.order_for_return("999999").await.unwrap().is_none());
}

#[tokio::test]
async fn an_order_not_yet_shipped_is_cancelled_whole_and_its_goods_go_back() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[COAT]).await;
    let mut choices = Choices::pay("cash_register");
    choices.ship_to = Some("1".into());
    let (done, _) = checkout_paying_register(&client, &sim.url(), choices).await;
    let order = done.order.unwrap();
    let paid = order.amount;
    let mut cancel = request(ReturnAsk::CancelWhole, "cash");
    cancel.cash_confirmed = true;
    let after = client.make_return(&order.number, &cancel).await.unwrap().unwrap();
    assert_eq!(after.order.status, "cancelled");
    let refund = after.refund.unwrap();
    assert!(refund.cancellation);
    assert_eq!(refund.amount, paid, "a cancellation gives back everything, shipping too");
    assert!(!after.cancellable, "once is enough");
    let again = client.make_return(&order.number, &cancel).await.unwrap().unwrap_err();
    assert!(again.contains("zaten iptal"), "{again}");
}

#[tokio::test]
async fn a_customers_return_can_go_to_their_loyalty_money() {
    let sim = start_sim(quick_scenario()).await;
    let staff = logged_in(&sim).await;
    let (ayse, _) = staff.session_for(&Pk::from("2")).await.unwrap();
    fill_basket(&ayse, &[SOCKS]).await;
    let (done, _) = checkout_paying_register(&ayse, &sim.url(), Choices::pay("cash_register")).await;
    let number = done.order.unwrap().number;
    // The store's account finds her order and sees whose it is.
    let view = staff.order_for_return(&number).await.unwrap().unwrap();
    assert_eq!(view.customer.as_ref().map(|c| c.name.as_str()), Some("Ayşe Yılmaz"));
    let ways: Vec<RefundKind> = view.refund_types.iter().map(|t| t.kind()).collect();
    assert_eq!(ways, [RefundKind::Cash, RefundKind::LoyaltyMoney, RefundKind::StoreCredit]);
    let before = staff.search_customers("5321112233").await.unwrap().remove(0).loyalty_balance.unwrap();
    staff
        .make_return(&number, &request(ReturnAsk::Lines(vec![(1, 1)]), "loyalty_money"))
        .await
        .unwrap()
        .unwrap();
    let after = staff.search_customers("5321112233").await.unwrap().remove(0).loyalty_balance.unwrap();
    assert_eq!(after - before, money("119.99"));
    // A kiosk's own order has no loyalty account to go to.
    fill_basket(&staff, &[SOCKS]).await;
    let (done, _) = checkout_paying_register(&staff, &sim.url(), Choices::pay("cash_register")).await;
    let own = staff.order_for_return(&done.order.unwrap().number).await.unwrap().unwrap();
    assert!(own.customer.is_none());
    assert!(!own.refund_types.iter().any(|t| t.kind() == RefundKind::LoyaltyMoney));
}

#[tokio::test]
async fn store_credit_is_a_new_gift_card_that_pays_the_next_order() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SCARF]).await;
    let (done, _) = checkout_paying_register(&client, &sim.url(), Choices::pay("cash_register")).await;
    let number = done.order.unwrap().number;
    let after = client
        .make_return(&number, &request(ReturnAsk::Lines(vec![(1, 1)]), "store_credit"))
        .await
        .unwrap()
        .unwrap();
    let refund = after.refund.unwrap();
    let card = refund.store_credit_card.expect("staff see the card and its code");
    assert!(refund.store_credit.unwrap().ends_with(&card.number[card.number.len() - 4..]));
    assert_eq!(sim.world().gift_card_balance(&card.number), Some(money("459.00")));

    // An exchange: socks for the scarf, the credit paying them whole.
    fill_basket(&client, &[SOCKS]).await;
    match instore_kiosk::checkout::run_checkout_until(
        &client,
        &Choices::pay("cash_register"),
        &mut |_| {},
        Some(instore_kiosk::commerce::pages::PageName::PaymentOptionSelection),
    )
    .await
    .unwrap()
    {
        instore_kiosk::checkout::Walked::Stopped(_) => {}
        instore_kiosk::checkout::Walked::Completed(_) => panic!("completed before the payment options"),
    }
    client.gift_card_code(&card.number).await.unwrap().unwrap();
    let cards = client.gift_card_redeem(&card.number, &card.code).await.unwrap().unwrap();
    assert_eq!(cards.gift_card_amount, money("119.99"));
    client.gift_cards_complete().await.unwrap();
    assert_eq!(sim.world().gift_card_balance(&card.number), Some(money("339.01")));

    // What the exchange left goes back the order's own way: cash, once confirmed.
    let why = client.refund_credit_left(&number, "cash", false).await.unwrap().unwrap_err();
    assert!(why.contains("onaylamalı"), "{why}");
    let why = client.refund_credit_left(&number, "store_credit", true).await.unwrap().unwrap_err();
    assert!(why.contains("bu yolla"), "store credit is no way to give store credit back: {why}");
    let back = client.refund_credit_left(&number, "cash", true).await.unwrap().unwrap();
    let refund = back.refund.unwrap();
    assert_eq!((refund.amount, refund.refund_type.as_str()), (money("339.01"), "cash"));
    assert_eq!(back.order.refunds.len(), 2, "the return to credit, then the difference in cash");
    assert_eq!(sim.world().gift_card_balance(&card.number), Some(money("0")));
    let again = client.refund_credit_left(&number, "cash", true).await.unwrap().unwrap_err();
    assert!(again.contains("kalmadı"), "{again}");
}
