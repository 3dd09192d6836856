//! Voucher codes on the basket, through the real client and the simulator over HTTP:
//! the discount as a line of the basket and off its total, the server's reasons for a
//! code it will not take (in the language asked), a voucher the basket no longer meets
//! coming off, and an order placed with one: its amount, its record, its printed
//! receipt and its receipt page, and a single-use voucher spent.

mod common;

use common::*;
use instore_kiosk::checkout::Choices;

const SOCKS: &str = "8690000010059"; // 119.99
const SCARF: &str = "8690000010103"; // 459.00

#[tokio::test]
async fn a_voucher_takes_its_discount_off_the_basket_and_comes_off_again() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    let goods = fill_basket(&client, &[SOCKS, SCARF]).await;
    assert_eq!(goods, money("578.99"));

    // Typed in lower case with a space: the server matches the code, not its spelling.
    let basket = client.apply_voucher(" bahar10").await.unwrap().expect("a valid voucher");
    assert_eq!(basket.voucher_code.as_deref(), Some("BAHAR10"));
    assert_eq!(basket.discounts.len(), 1, "one discount line");
    assert_eq!(basket.discounts[0].discount, money("57.90"), "10% of 578.99, to the cent");
    assert_eq!(basket.total_amount, money("521.09"));
    assert_eq!(basket.basketitem_set.len(), 2, "the lines stay as they were");

    // A second code replaces the first.
    let basket = client.apply_voucher("HOSGELDIN50").await.unwrap().unwrap();
    assert_eq!(basket.voucher_code.as_deref(), Some("HOSGELDIN50"));
    assert_eq!(basket.total_amount, money("528.99"));

    let basket = client.remove_voucher().await.unwrap();
    assert_eq!(basket.voucher_code, None);
    assert!(basket.discounts.is_empty());
    assert_eq!(basket.total_amount, goods);
}

#[tokio::test]
async fn a_code_the_server_will_not_take_gets_its_reason_and_leaves_the_basket_alone() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    // An empty basket takes no voucher.
    client.clear_basket().await.unwrap();
    let why = client.apply_voucher("BAHAR10").await.unwrap().unwrap_err();
    assert!(why.contains("ürün ekleyin"), "{why}");

    fill_basket(&client, &[SOCKS]).await;
    let cases = [
        ("YILBASI25", "süresi 31.12.2025 tarihinde doldu"),
        ("NOPE123", "NOPE123 kodlu bir kupon yok"),
        // 119.99 is under its 250.00 minimum.
        ("HOSGELDIN50", "en az 250,00"),
    ];
    for (code, reason) in cases {
        let why = client.apply_voucher(code).await.unwrap().unwrap_err();
        assert!(why.contains(reason), "{code}: {why}");
        assert!(!why.starts_with("voucher_code"), "the customer reads words, not a field: {why}");
    }
    // In English when the screens are.
    client.set_language("en");
    let why = client.apply_voucher("YILBASI25").await.unwrap().unwrap_err();
    assert_eq!(why, "This voucher expired on 31.12.2025.");
    let basket = client.basket().await.unwrap();
    assert_eq!(basket.voucher_code, None);
    assert_eq!(basket.total_amount, catalog_price(SOCKS), "nothing taken off");
}

#[tokio::test]
async fn a_basket_that_falls_under_the_vouchers_minimum_loses_the_voucher() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SOCKS, SCARF]).await;
    let basket = client.apply_voucher("HOSGELDIN50").await.unwrap().unwrap();
    assert_eq!(basket.total_amount, money("528.99"));
    let scarf = client.product_by_code(SCARF).await.unwrap().unwrap();
    let basket = client.remove_from_basket(&scarf.pk).await.unwrap();
    assert_eq!(basket.voucher_code, None, "119.99 no longer meets 250.00");
    assert_eq!(basket.total_amount, catalog_price(SOCKS));
}

#[tokio::test]
async fn an_order_placed_with_a_voucher_pays_less_and_its_receipts_show_the_discount() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    fill_basket(&client, &[SOCKS, SCARF]).await;
    client.apply_voucher("TEKSEFER100").await.unwrap().unwrap();
    let (done, _) = checkout_paying_register(&client, &sim.url(), Choices::pay("cash_register")).await;
    let order = done.order.expect("the order read back");
    assert_eq!(order.amount, money("478.99"), "578.99 less 100.00, paid at the register");
    assert_eq!(order.voucher_code.as_deref(), Some("TEKSEFER100"));
    assert_eq!(order.discount_amount, Some(money("100.00")));

    // The printed receipt: the lines, the voucher's line, and a total they add up to.
    let settings = instore_kiosk::settings::ReceiptSettings {
        language: "en".into(),
        ..Default::default()
    };
    let receipt = instore_kiosk::devices::receipt::for_order(&order, None, &settings, &Default::default());
    assert_eq!(receipt.discount, Some(("TEKSEFER100".into(), money("100.00"))));
    assert_eq!(receipt.other, None, "the discount is its own line, not \"other\"");
    let goods: instore_kiosk::commerce::Money = receipt.lines.iter().map(|l| l.total).sum();
    assert_eq!(goods - money("100.00"), receipt.total);
    let printer = instore_kiosk::settings::PrinterSettings::default();
    let bytes = instore_kiosk::devices::encoding::encode(&receipt, &printer).unwrap();
    let (papers, _) = instore_kiosk::devices::paper::read(&bytes);
    let text = papers[0].text(48);
    let line = text.lines().find(|l| l.contains("Voucher TEKSEFER100")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.trim_end().ends_with("-100,00 TL"), "{line}");

    // The receipt page a phone opens shows it too.
    let page = reqwest::Client::new()
        .get(format!("{}{}", sim.url().trim_end_matches('/'), done.thank_you.redirect_url))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Voucher TEKSEFER100: -100.00 TRY"), "{page}");

    // Single use: spent by that order.
    fill_basket(&client, &[SOCKS, SCARF]).await;
    let why = client.apply_voucher("TEKSEFER100").await.unwrap().unwrap_err();
    assert!(why.contains("daha önce kullanıldı"), "{why}");
}
