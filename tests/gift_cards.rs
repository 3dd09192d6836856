//! Gift cards as a payment, through the real client and the simulator over HTTP: a
//! card's SMS code, its money taken up to what is due, two cards and a payment option
//! for the rest, an order the cards pay whole, and the server's reasons for a card or a
//! code it will not take.

mod common;

use common::*;
use instore_kiosk::checkout::{run_checkout_until, Choices, Walked};
use instore_kiosk::commerce::pages::PageName;
use instore_kiosk::commerce::CommerceClient;

const JEANS: &str = "JNS-010"; // 899.00
const SOCKS: &str = "8690000010059"; // 119.99
const TWO_HUNDRED: &str = "6000100020003000";
const ONE_FIFTY: &str = "6000100020004000";
const SPENT: &str = "6000100020005000";

/// The checkout at its payment options, collected in the store.
async fn at_payment_options(client: &CommerceClient) {
    match run_checkout_until(client, &Choices::pay("cash_register"), &mut |_| {}, Some(PageName::PaymentOptionSelection))
        .await
        .unwrap()
    {
        Walked::Stopped(_) => {}
        Walked::Completed(_) => panic!("completed before the payment options"),
    }
}

async fn take(client: &CommerceClient, number: &str) -> instore_kiosk::commerce::gift_cards::GiftCards {
    let sent = client.gift_card_code(number).await.unwrap().expect("the code is sent");
    assert_eq!(sent.number, format!("•••• {}", &number[12..]));
    assert_eq!(sent.phone, "532 *** ** 33");
    client.gift_card_redeem(number, "5544").await.unwrap().expect("the right code")
}

#[tokio::test]
async fn two_gift_cards_pay_first_and_the_register_takes_the_rest() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[JEANS]).await;
    at_payment_options(&client).await;

    let cards = take(&client, TWO_HUNDRED).await;
    assert_eq!(cards.amount_due, money("699.00"));
    let cards = take(&client, ONE_FIFTY).await;
    assert_eq!(cards.gift_card_amount, money("350.00"));
    assert_eq!(cards.amount_due, money("549.00"));
    assert_eq!(cards.gift_cards.len(), 2);
    // The checkout's own amount is what the cards leave, the cards listed with it.
    let answer = client.checkout().await.unwrap();
    let pre_order = answer.pre_order.expect("the order being built");
    assert_eq!(pre_order.total_amount, Some(money("549.00")));
    assert_eq!(pre_order.gift_cards.len(), 2);
    assert_eq!(pre_order.breakdown().gift_cards, money("350.00"));

    // The register is asked for the rest only.
    let (done, _) = checkout_paying_register(&client, &sim.url(), Choices::pay("cash_register")).await;
    let order = done.order.expect("the order read back");
    assert_eq!(order.amount, money("549.00"));
    assert_eq!(order.gift_cards.len(), 2);
    assert_eq!(order.gift_cards[0].number, "•••• 3000");
    assert_eq!(order.gift_cards[0].amount, money("200.00"));
    // The printed receipt: the whole total, each card, then what the register took.
    let settings = instore_kiosk::settings::ReceiptSettings::default();
    let receipt = instore_kiosk::devices::receipt::for_order(&order, None, &settings, &Default::default());
    assert_eq!(receipt.total, money("899.00"));
    assert_eq!(receipt.other, None, "the cards are payments, not a part of the total");
    let bytes = instore_kiosk::devices::encoding::encode(&receipt, &Default::default()).unwrap();
    let (papers, _) = instore_kiosk::devices::paper::read(&bytes);
    let text = papers[0].text(48);
    let line = text.lines().find(|l| l.starts_with("Hediye kartı **** 3000")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.trim_end().ends_with("200,00 TL"), "{line}");
    assert!(text.contains("TOPLAM") && text.contains("899,00 TL"), "{text}");
    // The cards' money is spent with the order placed.
    let world = sim.world();
    assert_eq!(world.gift_card_balance(TWO_HUNDRED), Some(money("0.00")));
    assert_eq!(world.gift_card_balance(ONE_FIFTY), Some(money("0.00")));
}

#[tokio::test]
async fn cards_that_cover_the_order_place_it_and_keep_what_is_left() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SOCKS]).await;
    at_payment_options(&client).await;
    // Too early: the cards leave something to pay.
    let cards = take(&client, TWO_HUNDRED).await;
    assert_eq!(cards.gift_card_amount, money("119.99"), "no more than is due");
    assert_eq!(cards.amount_due, money("0.00"));
    // Nothing is left to pay: a second card is not asked for.
    let why = client.gift_card_code(ONE_FIFTY).await.unwrap().unwrap_err();
    assert!(why.contains("already pay the whole order"), "{why}");

    let answer = client.gift_cards_complete().await.unwrap();
    assert_eq!(answer.current_kind(), Some(PageName::ThankYou));
    let orders = client.orders().await.unwrap();
    assert_eq!(orders[0].payment_type, "gift_card");
    assert_eq!(orders[0].amount, money("0.00"));
    assert_eq!(sim.world().gift_card_balance(TWO_HUNDRED), Some(money("80.01")));
}

#[tokio::test]
async fn a_card_or_a_code_the_server_will_not_take_gets_its_reason() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[JEANS]).await;
    at_payment_options(&client).await;
    let cases = [
        ("6000100020009999", "No gift card has this number."),
        (SPENT, "This gift card has no money left on it."),
    ];
    for (number, reason) in cases {
        assert_eq!(client.gift_card_code(number).await.unwrap().unwrap_err(), reason);
    }
    client.gift_card_code(TWO_HUNDRED).await.unwrap().unwrap();
    let why = client.gift_card_redeem(TWO_HUNDRED, "0000").await.unwrap().unwrap_err();
    assert_eq!(why, "The code is not correct.");
    // A code for another card than the one asked is refused too.
    let why = client.gift_card_redeem(ONE_FIFTY, "5544").await.unwrap().unwrap_err();
    assert_eq!(why, "Ask for this card's code first.");
    // Completing on cards that do not cover it says what is left.
    take(&client, TWO_HUNDRED).await;
    let answer = client.gift_cards_complete().await.unwrap();
    let errors = answer.errors.expect("refused").summary();
    assert!(errors.contains("699,00"), "{errors}");
    // Taken off again: the whole amount is due.
    let cleared = client.gift_cards_clear().await.unwrap();
    assert!(cleared.gift_cards.is_empty());
    assert_eq!(cleared.amount_due, money("899.00"));
    assert_eq!(sim.world().gift_card_balance(TWO_HUNDRED), Some(money("200.00")), "nothing spent");
}
