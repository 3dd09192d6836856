//! The steps every checkout shares: contact, delivery, store or address, shipping,
//! the payment options, the order note, and the thank-you page.

use super::{field_error, first_page, required, Checkout, Form, Next, World};
use crate::commerce::pages::PageName as P;
use crate::commerce::Money;
use serde_json::{json, Value};

impl World {
    /// The context of one of these pages, from the checkout's state.
    pub(super) fn render_checkout(&self, email: &str, ck: &Checkout, page: P) -> Value {
        match page {
            P::Index => json!({"user_email": email, "phone_number": self.accounts[email].phone}),
            P::DeliveryOptionSelection => json!({"delivery_options": [
                {"pk": 1, "name": "Mağazadan teslim", "delivery_option_type": "retail_store"},
                {"pk": 2, "name": "Adrese teslim", "delivery_option_type": "customer"}]}),
            P::RetailStoreSelection => json!({
                "retail_stores": [{"pk": 1, "name": "Instore Demo Kadıköy", "address": "Caferağa Mah. Moda Cad. 1, İstanbul"}],
                "addresses": [{"pk": 1, "title": "Ev", "line": "Bağdat Cad. 10", "city": "İstanbul"}]}),
            P::AddressSelection => {
                json!({"addresses": [{"pk": 1, "title": "Ev", "line": "Bağdat Cad. 10", "city": "İstanbul"}]})
            }
            P::ShippingOptionSelection => {
                json!({"shipping_options": [{"pk": 1, "name": "Standart kargo", "shipping_amount": "29.90"}]})
            }
            P::PaymentOptionSelection => json!({"payment_options": self.payment_options_json(),
                              "bank_accounts": self.bank_accounts_json(),
                              "credit_payment_options": Self::credit_options_json()}),
            P::OrderNote => json!({"notes": ck.notes}),
            P::ThankYou => match ck.order.and_then(|i| self.orders.get(i)) {
                Some(order) => {
                    json!({"redirect_url": format!("/orders/completed/{}/", order.token), "order_id": order.pk,
                                      "new_user": false, "token": order.token, "campaigns": []})
                }
                None => json!({}),
            },
            _ => json!({}),
        }
    }

    /// The rules of one of these steps.
    pub(super) fn step_checkout(
        &mut self,
        _email: &str,
        ck: &mut Checkout,
        page: P,
        form: &Form,
    ) -> Result<Next, Value> {
        match page {
            P::Index => {
                let email_field = form.get("user_email").cloned().unwrap_or_default();
                if !email_field.is_empty() && !email_field.contains('@') {
                    return Err(field_error("user_email", "Enter a valid email address."));
                }
                ck.contact = Some((email_field, form.get("phone_number").cloned().unwrap_or_default()));
                Ok(Next::to(P::DeliveryOptionSelection))
            }
            P::DeliveryOptionSelection => match required(form, "delivery_option")? {
                "1" => {
                    ck.delivery_store = true;
                    ck.shipping_fee = Money::ZERO;
                    Ok(Next::to(P::RetailStoreSelection))
                }
                "2" => {
                    ck.delivery_store = false;
                    Ok(Next::to(P::AddressSelection))
                }
                _ => Err(field_error("delivery_option", "Select a valid delivery option.")),
            },
            P::RetailStoreSelection => {
                if required(form, "retail_store")? != "1" {
                    return Err(field_error("retail_store", "Select a valid store."));
                }
                if required(form, "billing_address")? != "1" {
                    return Err(field_error("billing_address", "Select a valid address."));
                }
                ck.payment_reached = true;
                Ok(Next::to(P::PaymentOptionSelection))
            }
            P::AddressSelection => {
                for f in ["shipping_address", "billing_address"] {
                    if required(form, f)? != "1" {
                        return Err(field_error(f, "Select a valid address."));
                    }
                }
                Ok(Next::to(P::ShippingOptionSelection))
            }
            P::ShippingOptionSelection => {
                if required(form, "shipping_option")? != "1" {
                    return Err(field_error("shipping_option", "Select a valid shipping option."));
                }
                ck.shipping_fee = Money::new(2990, 2);
                ck.payment_reached = true;
                Ok(Next::to(P::PaymentOptionSelection))
            }
            P::PaymentOptionSelection => {
                let pk = required(form, "payment_option")?;
                let index = pk
                    .parse::<usize>()
                    .ok()
                    .filter(|i| (1..=self.scenario.options.len()).contains(i))
                    .ok_or_else(|| field_error("payment_option", "Select a valid payment option."))?;
                // Choosing an option starts its strategy afresh.
                *ck = Checkout {
                    basket_version: ck.basket_version,
                    contact: ck.contact.clone(),
                    delivery_store: ck.delivery_store,
                    shipping_fee: ck.shipping_fee,
                    payment_reached: true,
                    notes: ck.notes.clone(),
                    option: Some(index - 1),
                    ..Checkout::default()
                };
                let first = first_page(&self.scenario.options[index - 1].payment_type);
                Ok(Next {
                    pages: vec![P::PaymentOptionSelection.into(), first.clone()],
                    accepts: vec![first],
                })
            }
            P::OrderNote => {
                let notes = form.get("notes").map(|s| s.trim().to_string()).unwrap_or_default();
                if notes.chars().count() > 500 {
                    return Err(field_error("notes", "Keep the note under 500 characters."));
                }
                ck.notes = Some(notes);
                Ok(Next {
                    pages: vec![ck.current.clone()],
                    accepts: ck.accepts.clone(),
                })
            }
            other => Err(super::not_served(other)),
        }
    }
}
