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
    for text in ["5321112233", "ayse.yilmaz@example.com", "ayşe", "YILMAZ"] {
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
    let new = |phone: &str, email: &str| NewCustomer {
        first_name: "Zeynep".into(),
        last_name: "Kaya".into(),
        phone: phone.into(),
        email: email.into(),
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
