//! The steps every checkout shares: contact, delivery, store or address, shipping,
//! the payment options, the order note, and the thank-you page.

use super::{field_error, first_page, required, Checkout, Form, Next, World};
use crate::commerce::pages::PageName as P;
use serde_json::{json, Value};

impl World {
    /// The context of one of these pages, from the checkout's state.
    pub(super) fn render_checkout(&self, email: &str, ck: &Checkout, page: P) -> Value {
        match page {
            P::Index => json!({"user_email": email, "phone_number": self.accounts[email].phone}),
            P::DeliveryOptionSelection | P::RetailStoreSelection | P::AddressSelection | P::ShippingOptionSelection => {
                self.render_delivery(email, page)
            }
            P::PaymentOptionSelection => json!({"payment_options": self.payment_options_json(),
                              "bank_accounts": self.bank_accounts_json(),
                              "credit_payment_options": Self::credit_options_json()}),
            P::OrderNote => json!({"notes": ck.notes}),
            P::ThankYou => match ck.order.and_then(|i| self.orders.get(i)) {
                Some(order) => {
                    // A path, as the reference gives it; an address only behind the
                    // misconfigured proxy, which names every link by its own host.
                    let origin = self.scenario.faults.links_origin.as_deref().unwrap_or("");
                    let redirect = format!("{}/orders/completed/{}/", origin.trim_end_matches('/'), order.token);
                    json!({"redirect_url": redirect, "order_id": order.pk,
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
        email: &str,
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
            P::DeliveryOptionSelection | P::RetailStoreSelection | P::AddressSelection | P::ShippingOptionSelection => {
                self.step_delivery(email, ck, page, form)
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
                    delivery: ck.delivery.clone(),
                    shipping_fee: ck.shipping_fee,
                    payment_reached: true,
                    notes: ck.notes.clone(),
                    option: Some(index - 1),
                    // What gift cards pay stays: the option pays the rest.
                    gift_cards: ck.gift_cards.clone(),
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
