//! Selling for a customer (#13's foundations): the store staff's account finds or
//! creates the customer on the simulator and acts for them, over real HTTP.

mod common;

use common::*;
use instore_kiosk::checkout::{run_checkout, Choices};
use instore_kiosk::commerce::customers::NewCustomer;
use instore_kiosk::commerce::CommerceError;

#[tokio::test]
async fn staff_find_customers_by_phone_email_or_name() {
    let sim = start_sim(quick_scenario()).await;
    let staff = logged_in(&sim).await;
    for text in [
        "5321112233",
        "ayse.yilmaz@example.com",
        "ayşe",
        "YILMAZ",
        "AYSE YILMAZ",
        "ayşe yılmaz",
    ] {
        let found = staff.search_customers(text).await.unwrap();
        assert_eq!(found.len(), 1, "{text}");
        assert_eq!(found[0].name(), "Ayşe Yılmaz");
    }
    assert!(staff.search_customers("nobody").await.unwrap().is_empty());
    assert!(
        staff.search_customers("").await.unwrap().is_empty(),
        "no list of everyone"
    );
}

#[tokio::test]
async fn a_new_customer_is_checked_before_it_is_created() {
    let sim = start_sim(quick_scenario()).await;
    let staff = logged_in(&sim).await;
    let consents = staff.consents().await.unwrap();
    assert_eq!(
        consents
            .iter()
            .filter(|c| c.required)
            .map(|c| c.key.as_str())
            .collect::<Vec<_>>(),
        ["kvkk_consent"],
        "the privacy notice, required; the offers optional"
    );
    let new = |phone: &str, email: &str| NewCustomer {
        first_name: "Zeynep".into(),
        last_name: "Kaya".into(),
        phone: phone.into(),
        email: email.into(),
        consents: consents.iter().map(|c| (c.clone(), true)).collect(),
    };
    let refused = |e: CommerceError| match e {
        CommerceError::Http { status, message, .. } => (status, message),
        other => panic!("{other}"),
    };
    let (status, message) = refused(
        staff
            .create_customer(&new("4321112233", "zeynep@example.com"))
            .await
            .unwrap_err(),
    );
    assert_eq!(status, 400);
    assert!(message.contains("mobile number"), "{message}");
    let (_, message) = refused(
        staff
            .create_customer(&new("5301234567", "zeynep-at-example"))
            .await
            .unwrap_err(),
    );
    assert!(message.contains("e-mail"), "{message}");
    let (_, message) = refused(
        staff
            .create_customer(&new("5301234567", "ayse.yilmaz@example.com"))
            .await
            .unwrap_err(),
    );
    assert!(message.contains("already exists"), "{message}");
    let without_privacy = NewCustomer {
        consents: Vec::new(),
        ..new("5301234567", "zeynep@example.com")
    };
    let (_, message) = refused(staff.create_customer(&without_privacy).await.unwrap_err());
    assert!(message.contains("kvkk_consent"), "{message}");

    let created = staff
        .create_customer(&new("530 123 45 67", "zeynep@example.com"))
        .await
        .unwrap();
    assert_eq!(created.phone, "5301234567");
    assert_eq!(staff.search_customers("Kaya").await.unwrap(), [created]);
}

/// Acting for a customer, the basket, the checkout and the order are the customer's;
/// the customer's session cannot search the store's customers, and the client never
/// signs back in as the kiosk by itself.
#[tokio::test]
async fn acting_for_a_customer_puts_the_order_on_their_account() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    let mehmet = client.search_customers("5334445566").await.unwrap().remove(0);
    let acting = client.act_for(&mehmet.pk).await.unwrap();
    assert_eq!(acting.email, "mehmet.demir@example.com");
    fill_basket(&client, &["SCK-030"]).await;
    let done = run_checkout(&client, &Choices::pay("pay_later"), &mut |_| {})
        .await
        .unwrap();
    let orders = sim.world().all_orders().to_vec();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].email, "mehmet.demir@example.com");
    assert_eq!(done.order.unwrap().number, orders[0].number);
    assert!(
        client.search_customers("ayşe").await.is_err(),
        "a customer's session is not the staff's"
    );

    // The kiosk's own basket was never touched.
    let staff = logged_in(&sim).await;
    assert!(staff.basket().await.unwrap().basketitem_set.is_empty());
}

/// Each customer has their own saved cards, loyalty balance and addresses; another
/// customer's card is refused.
#[tokio::test]
async fn each_customer_has_their_own_cards_addresses_and_loyalty() {
    let sim = start_sim(quick_scenario()).await;
    let staff = logged_in(&sim).await;
    let ayse = staff
        .search_customers("ayse.yilmaz@example.com")
        .await
        .unwrap()
        .remove(0);
    assert_eq!(ayse.loyalty_balance, Some("250.00".parse().unwrap()));
    let (client, _) = staff.session_for(&ayse.pk).await.unwrap();
    let titles: Vec<String> = client.addresses().await.unwrap().into_iter().map(|a| a.title).collect();
    assert_eq!(titles, ["Ev", "İş"]);
    fill_basket(&client, &["SCK-030"]).await;
    let mehmets_card = Choices {
        card: Some("mehmet-visa".into()),
        ..Choices::pay("saved_card")
    };
    let refused = run_checkout(&client, &mehmets_card, &mut |_| {}).await.unwrap_err();
    assert!(refused.to_string().contains("not on file"), "{refused}");
    let own = Choices {
        card: Some("ayse-bonus".into()),
        installment: Some(1),
        ..Choices::pay("saved_card")
    };
    fill_basket(&client, &["SCK-030"]).await;
    run_checkout(&client, &own, &mut |_| {}).await.unwrap();
    assert_eq!(sim.world().all_orders()[0].email, "ayse.yilmaz@example.com");
    // The staff's session beside it is still the kiosk's own.
    assert!(staff.basket().await.unwrap().basketitem_set.is_empty());
    assert_eq!(staff.search_customers("Demir").await.unwrap().len(), 1);
}

/// Loyalty money pays from the customer's balance, and only up to it.
#[tokio::test]
async fn loyalty_money_pays_only_up_to_the_customers_balance() {
    let sim = start_sim(quick_scenario()).await;
    let staff = logged_in(&sim).await;
    let ayse = staff.search_customers("5321112233").await.unwrap().remove(0);
    let (client, _) = staff.session_for(&ayse.pk).await.unwrap();
    fill_basket(&client, &["JNS-010"]).await; // 899.00 > 250.00
    let refused = run_checkout(&client, &Choices::pay("loyalty_money"), &mut |_| {})
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("250.00"), "{refused}");
    client.clear_basket().await.unwrap();
    fill_basket(&client, &["SCK-030"]).await; // 119.99
    run_checkout(&client, &Choices::pay("loyalty_money"), &mut |_| {})
        .await
        .unwrap();
    let after = staff.search_customers("5321112233").await.unwrap().remove(0);
    assert_eq!(after.loyalty_balance, Some("130.01".parse().unwrap()));
}

/// A product the store does not have can be shipped, never collected; the order says
/// where it goes and what the shipping cost.
#[tokio::test]
async fn what_the_store_lacks_is_shipped_to_a_new_address() {
    use instore_kiosk::commerce::customers::NewAddress;
    let sim = start_sim(quick_scenario()).await;
    let staff = logged_in(&sim).await;
    let mehmet = staff.search_customers("Mehmet").await.unwrap().remove(0);
    let (client, _) = staff.session_for(&mehmet.pk).await.unwrap();
    fill_basket(&client, &["COA-110"]).await;
    let pickup = run_checkout(&client, &Choices::pay("pay_later"), &mut |_| {})
        .await
        .unwrap_err();
    assert!(pickup.to_string().contains("only shipped: Yün Kaban"), "{pickup}");
    client.clear_basket().await.unwrap();
    fill_basket(&client, &["COA-110"]).await;

    let cities = client.cities().await.unwrap();
    let izmir = cities.iter().find(|c| c.name == "İzmir").unwrap();
    let districts = client.districts(&izmir.pk).await.unwrap();
    assert!(districts
        .iter()
        .all(|d| ["Konak", "Karşıyaka"].contains(&d.name.as_str())));
    let wrong = client
        .create_address(&NewAddress {
            title: "Yazlık".into(),
            city: izmir.pk.clone(),
            district: "3401".into(), // Kadıköy is not in İzmir
            line: "Cemal Gürsel Cad. 44".into(),
        })
        .await
        .unwrap_err();
    assert!(wrong.to_string().contains("district"), "{wrong}");
    let created = client
        .create_address(&NewAddress {
            title: "Yazlık".into(),
            city: izmir.pk.clone(),
            district: districts[1].pk.clone(),
            line: "Cemal Gürsel Cad. 44".into(),
        })
        .await
        .unwrap();
    let shipped = Choices {
        ship_to: Some(created.pk.0.clone()),
        shipping: Some("Hızlı kargo".into()),
        ..Choices::pay("pay_later")
    };
    let done = run_checkout(&client, &shipped, &mut |_| {}).await.unwrap();
    let order = done.order.unwrap();
    let delivery = order.delivery.clone().unwrap();
    assert!(delivery.shipped());
    assert_eq!(
        delivery.describe().unwrap(),
        format!("Hızlı kargo → Cemal Gürsel Cad. 44, {}/İzmir", districts[1].name)
    );
    assert_eq!(order.shipping_amount, Some("59.90".parse().unwrap()));
    assert_eq!(order.amount, "2558.90".parse().unwrap());
}

/// At a self-service kiosk a customer says who they are with their phone and the code
/// sent to it; a wrong code opens nothing.
#[tokio::test]
async fn a_customer_identifies_with_their_phone_and_a_code() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    let unknown = client.send_identification_code("5009998877").await.unwrap_err();
    assert!(matches!(unknown, CommerceError::Http { status: 404, .. }), "{unknown}");
    client.send_identification_code("0533 444 55 66").await.unwrap();
    let wrong = client.identify("5334445566", "0000").await.unwrap_err();
    assert!(wrong.to_string().contains("code is not correct"), "{wrong}");
    let code = sim.world().scenario.otp.clone();
    let mehmet = client.identify("5334445566", &code).await.unwrap();
    assert_eq!(mehmet.name(), "Mehmet Demir");
    fill_basket(&client, &["SCK-030"]).await;
    run_checkout(&client, &Choices::pay("pay_later"), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(sim.world().all_orders()[0].email, "mehmet.demir@example.com");
}

/// A customer's session that asks for the staff's pages is told it may not: the
/// server's words, not "session expired".
#[tokio::test]
async fn a_refusal_is_not_called_an_expired_session() {
    let sim = start_sim(quick_scenario()).await;
    let client = logged_in(&sim).await;
    let ayse = client.search_customers("ayşe").await.unwrap().remove(0);
    client.act_for(&ayse.pk).await.unwrap();
    let refused = client.search_customers("Demir").await.unwrap_err();
    assert!(refused.to_string().contains("Only the store's staff"), "{refused}");
}

/// The order's receipt goes to its customer (#24): by e-mail to the account's address,
/// by SMS to its phone; the server says why it will not: another customer's order, no
/// such channel, no such order.
#[tokio::test]
async fn an_orders_receipt_goes_to_its_customer_by_e_mail_or_sms_and_nobody_elses() {
    use instore_kiosk::commerce::ReceiptChannel;
    let sim = start_sim(quick_scenario()).await;
    let staff = logged_in(&sim).await;
    let ayse = staff.search_customers("5321112233").await.unwrap().remove(0);
    let (client, _) = staff.session_for(&ayse.pk).await.unwrap();
    fill_basket(&client, &["SCK-030"]).await;
    let done = run_checkout(&client, &Choices::pay("pay_later"), &mut |_| {})
        .await
        .unwrap();
    let page = done.thank_you.redirect_url.clone();
    client.send_receipt(&page, ReceiptChannel::Email).await.unwrap();
    client.send_receipt(&page, ReceiptChannel::Sms).await.unwrap();
    // The store's account may send its customers' receipts too.
    staff.send_receipt(&page, ReceiptChannel::Email).await.unwrap();
    let sent: Vec<(ReceiptChannel, String)> = sim
        .world()
        .receipts_sent
        .iter()
        .map(|r| (r.channel, r.to.clone()))
        .collect();
    assert_eq!(
        sent,
        [
            (ReceiptChannel::Email, "ayse.yilmaz@example.com".to_string()),
            (ReceiptChannel::Sms, "5321112233".to_string()),
            (ReceiptChannel::Email, "ayse.yilmaz@example.com".to_string()),
        ]
    );

    let mehmet = staff.search_customers("5334445566").await.unwrap().remove(0);
    let (other, _) = staff.session_for(&mehmet.pk).await.unwrap();
    match other.send_receipt(&page, ReceiptChannel::Email).await.unwrap_err() {
        CommerceError::Http { status, message, .. } => {
            assert_eq!(status, 403);
            assert!(message.contains("permission"), "{message}");
        }
        other => panic!("{other}"),
    }
    let unknown = page.replace("/completed/", "/completed/x");
    match client.send_receipt(&unknown, ReceiptChannel::Email).await.unwrap_err() {
        CommerceError::Http { status, .. } => assert_eq!(status, 404),
        other => panic!("{other}"),
    }
    // A channel the server does not know: its words for the field.
    let token = page.trim_end_matches('/').rsplit('/').next().unwrap().to_string();
    let refusal = sim
        .world()
        .send_receipt("ayse.yilmaz@example.com", &token, "fax")
        .unwrap_err();
    assert_eq!(
        refusal,
        instore_kiosk::sim::world::ReceiptRefusal::Invalid(
            serde_json::json!({"channel": ["\"fax\" is not a valid choice."]})
        )
    );
    // Without a session, nothing at all.
    let url = reqwest::Url::parse(&sim.url())
        .unwrap()
        .join(&page)
        .unwrap()
        .join("send/")
        .unwrap();
    let answer = reqwest::Client::new()
        .post(url)
        .form(&[("channel", "email")])
        .send()
        .await
        .unwrap();
    assert!(matches!(answer.status().as_u16(), 401 | 403), "{}", answer.status());
    assert_eq!(sim.world().receipts_sent.len(), 3, "nothing more sent");
}
