//! How a sale ends, or starts again: the thank-you screen with its receipt (printed, a
//! QR code of its page, sent to the customer by e-mail or SMS), Cancel, New sale, Retry
//! after an error, and the unconfirmed sale ended by the server's answer or by staff.
//!
//! Not here: the steps that lead there (`steps.rs`), the receipt's bytes
//! (`printing.rs`, `crate::devices::receipt`).

use super::options::due;
use super::{Chosen, Controller, Failure, Sale};
use crate::commerce::money::format_try;
use crate::commerce::pages::{CheckoutResponse, PageName};
use crate::commerce::{Money, ReceiptChannel};
use crate::ui::view::{DigitalReceipt, Notice, ReceiptOutcome, Update, View};

impl Controller {
    /// Back to the basket once the server answers; a register poller stops at once.
    pub(super) async fn cancel(&mut self) -> Result<(), Failure> {
        self.leave_step();
        if self.placed_meanwhile().await? {
            return Ok(());
        }
        self.call_staff(false);
        self.sale = Sale::Basket;
        let basket = self.client()?.basket().await?;
        self.emit_basket(&basket);
        self.show(Sale::Basket, View::Basket);
        Ok(())
    }

    /// One step back, the basket kept: from a strategy's page (a payment option was
    /// chosen) to the payment options the server listed, to choose again; from the
    /// options or the delivery step to the basket. Where a payment step was sent and
    /// the order was placed meanwhile, the thank-you screen instead.
    pub(super) async fn back(&mut self) -> Result<(), Failure> {
        let Some(mut options) = self.offered.clone().filter(|_| self.back_to_options()) else {
            return self.cancel().await;
        };
        let delivery = self.sale.step().and_then(|s| s.chosen.delivery.clone());
        self.leave_step();
        if self.placed_meanwhile().await? {
            return Ok(());
        }
        self.call_staff(false);
        // The server is still on the strategy left: the list is offered again, as Pay
        // does, with what was chosen before the options.
        let answer = self.client()?.checkout().await?;
        options.pre_order = answer.pre_order.or(options.pre_order);
        self.sale = Sale::Step(super::sale::Step {
            answer: options.clone(),
            chosen: super::sale::Chosen {
                delivery,
                ..Default::default()
            },
        });
        self.show_answer(options).await
    }

    /// Back goes to the payment options (as `step_back` names on the screen): a strategy's page is up (an option was chosen,
    /// and the options it was chosen from are known), online or offline.
    pub(super) fn back_to_options(&self) -> bool {
        match &self.sale.beneath() {
            Sale::Local { at, .. } => matches!(at, super::local::LocalStep::PayOnDelivery(_)),
            sale => {
                self.offered.is_some()
                    && sale.step().is_some_and(|s| {
                        s.chosen.option.is_some() && s.answer.current_kind() != Some(PageName::PaymentOptionSelection)
                    })
            }
        }
    }

    pub(super) async fn new_sale(&mut self) -> Result<(), Failure> {
        self.leave_step();
        // An exchange's credit belongs to the sale it was made for (it stays on its card).
        self.exchange = None;
        if self.placed_meanwhile().await? {
            return Ok(());
        }
        self.sale = Sale::Basket;
        match self.client()?.clear_basket().await {
            Ok(basket) => self.emit_basket(&basket),
            // The customer's session ended on the server: their sale ends here anyway.
            Err(e) if self.acting.is_some() && !e.is_connectivity() => {
                tracing::warn!(error = %e, "the customer's basket could not be emptied; their session ended");
            }
            Err(e) => return Err(e.into()),
        }
        self.offered = None;
        // A sale for a customer ends: the next is the kiosk's own.
        self.end_customer().await?;
        self.emit(Update::BasketNotice(Notice::Clear));
        let home = self.home();
        self.show(Sale::Basket, home);
        Ok(())
    }

    /// Retry on the error screen. Never resends a step blindly: where a step was sent,
    /// it reads where the server is and shows that. A person who was leaving the sale
    /// (Cancel, New sale) leaves it, unless the server says the order was placed.
    pub(super) async fn retry(&mut self) -> Result<(), Failure> {
        let retry = match &self.sale {
            Sale::Failed { retry, .. } => retry.clone(),
            _ => None,
        };
        match retry {
            None | Some(super::Intent::Connect) if self.client.is_none() => self.connect().await,
            Some(super::Intent::Cancel) if self.sale.step().is_some() => self.cancel().await,
            Some(super::Intent::Back) if self.sale.step().is_some() => self.back().await,
            Some(super::Intent::NewSale | super::Intent::EndUnconfirmed) if self.sale.step().is_some() => {
                self.new_sale().await
            }
            _ if self.sale.step().is_some() => {
                let answer = self.client()?.checkout().await?;
                self.show_answer(answer).await
            }
            Some(super::Intent::Pay) => self.pay().await,
            // Looking for a customer or opening the form: the same again, where it was.
            Some(
                intent @ (super::Intent::FindCustomer
                | super::Intent::SearchCustomers(_)
                | super::Intent::NewCustomerForm),
            ) if matches!(self.sale.beneath(), Sale::Basket | Sale::Customers { .. }) => {
                self.sale = std::mem::replace(&mut self.sale, Sale::Basket).into_beneath();
                let result = self.handle_customer(intent.clone()).await;
                if result.is_err() {
                    // Failed again: the error screen's Try again still means this.
                    let under = std::mem::replace(&mut self.sale, Sale::Basket);
                    self.sale = Sale::Failed {
                        retry: Some(intent),
                        under: Box::new(under),
                    };
                }
                result
            }
            _ => {
                let basket = self.client()?.basket().await?;
                self.emit_basket(&basket);
                self.show(Sale::Basket, View::Basket);
                Ok(())
            }
        }
    }

    /// Where a payment step was sent, the server's answer decides how the sale ends: an
    /// order placed meanwhile shows its thank-you screen (true) instead of what was asked.
    pub(super) async fn placed_meanwhile(&mut self) -> Result<bool, Failure> {
        if !self.sale.payment_step_sent() {
            return Ok(false);
        }
        let answer = self.client()?.checkout().await?;
        if answer.current_kind() == Some(PageName::ThankYou) {
            self.show_answer(answer).await?;
            return Ok(true);
        }
        Ok(false)
    }

    /// A person ends a sale whose payment step was never answered. The server is asked
    /// once more; when it still cannot say, the person's decision stands: the sale ends
    /// without an order on this kiosk (never in the offline queue), and the kiosk signs
    /// in again, which empties the account's basket before the next sale uses it.
    pub(super) async fn end_unconfirmed(&mut self) -> Result<(), Failure> {
        self.sale.stop_register();
        match self.new_sale().await {
            Err(Failure::Commerce(e)) if self.sale.payment_step_sent() => {
                let sent = self.sale.unconfirmed();
                tracing::warn!(?sent, error = %e, "staff ended a sale whose payment is unconfirmed");
                self.sale = Sale::Basket;
                self.client = None;
                self.server_basket = None;
                self.offered = None;
                self.emit(crate::ui::view::basket_update(&Default::default()));
                self.emit(Update::BasketNotice(Notice::Clear));
                let home = self.home();
                self.show(Sale::Basket, home);
                let _ = self.tx.send(super::Intent::Connect);
                Ok(())
            }
            other => other,
        }
    }

    /// The order placed: read back, its receipt printed, the basket shown empty.
    pub(super) async fn thank_you(
        &mut self,
        ctx: &crate::commerce::pages::ThankYouContext,
        chosen: &Chosen,
        answer: &CheckoutResponse,
        agreed: Option<Money>,
    ) -> Result<View, Failure> {
        let order = match self.client()?.completed_order(&ctx.redirect_url).await {
            Ok(order) => order,
            Err(e) => {
                // The order is placed: its slip is printed from what the kiosk knows,
                // never skipped (a reprint would then give the previous customer's).
                tracing::warn!(error = %e, "order placed; reading it back failed");
                self.known_order(ctx, chosen, answer, agreed)
            }
        };
        let (number, total) = (order.number.clone(), format_try(order.amount));
        // The option as the customer chose it: the server names it in the screens'
        // language (the slip names a known type in its own, `receipt::payment_name`).
        let method = chosen.option.as_ref().map(|o| o.name.clone()).unwrap_or_default();
        tracing::info!(order = %number, %method, "sale completed");
        let link = self
            .client()?
            .own_link(&ctx.redirect_url, crate::commerce::links::Own::CompletedOrder)
            .ok()
            .map(|u| u.to_string());
        let paid = crate::ui::view::Paid {
            card: chosen.card_name.clone(),
            installments: order.installment_count.unwrap_or(1),
            bank: chosen.bank.as_ref().map(|b| b.bank.name.clone()).unwrap_or_default(),
            iban: chosen
                .bank
                .as_ref()
                .map(|b| crate::ui::view::grouped_iban(&b.iban))
                .unwrap_or_default(),
            reference: chosen
                .reference
                .clone()
                .filter(|_| chosen.bank.is_some())
                .unwrap_or_default(),
            // The server's word on the delivery, else what was chosen here.
            delivery: order
                .delivery
                .as_ref()
                .and_then(|d| d.describe())
                .or_else(|| chosen.delivery.as_ref().map(|d| d.1.clone()))
                .unwrap_or_default(),
            shipped: order
                .delivery
                .as_ref()
                .map(|d| d.shipped())
                .or_else(|| chosen.delivery.as_ref().map(|d| d.0))
                .unwrap_or_default(),
            customer: self.acting.as_ref().map(|a| a.customer.name()).unwrap_or_default(),
            choice: chosen.pay_choice.clone().unwrap_or_default(),
            fee: order
                .service_fee
                .filter(|f| !f.is_zero() && chosen.pay_choice.is_some())
                .map(format_try)
                .unwrap_or_default(),
        };
        self.note_sale(&order, &paid.customer);
        let digital = link.as_ref().and_then(|link| self.digital_receipt(link));
        let receipt = crate::devices::receipt::for_order(&order, link, &self.config.receipt, &paid);
        self.print(receipt);
        if let Ok(basket) = self.client()?.basket().await {
            self.emit_basket(&basket);
        }
        self.emit(Update::BasketNotice(Notice::Clear));
        Ok(View::ThankYou {
            order_number: number,
            amount: total,
            method,
            reset_in: self.config.thank_you_seconds as i32,
            pending: false,
            paid,
            receipt: digital,
        })
    }

    /// Notes the sale for the day's close: a customer's sale is on the customer's
    /// account, where the kiosk's order list does not show it. A failure is logged; the
    /// sale stands.
    fn note_sale(&mut self, order: &crate::commerce::OrderRecord, customer: &str) {
        self.open_store();
        let Some(store) = self.store.as_mut() else { return };
        let note = crate::offline::close::SaleNote {
            number: order.number.clone(),
            placed_at: crate::commerce::clock::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            amount: order.amount,
            payment_type: order.payment_type.clone(),
            option: order.payment_option.clone(),
            customer: customer.to_string(),
            gift_cards: order.gift_cards.iter().map(|g| g.amount).sum(),
        };
        if let Err(e) = crate::offline::close::note_sale(store, &note) {
            tracing::error!(error = %e, order = %order.number, "the sale could not be noted for the day's close");
        }
    }

    /// The thank-you screen's receipt: the QR code of the order's page, and the
    /// customer's e-mail and phone (masked) when the sale was for a customer.
    fn digital_receipt(&self, link: &str) -> Option<DigitalReceipt> {
        let qr = crate::ui::view::qr_pixels(link, 6)
            .inspect_err(|e| tracing::warn!(error = %e, "the receipt's QR code could not be made"))
            .ok()?;
        let customer = self.acting.as_ref().map(|a| &a.customer);
        let (email, phone) = customer
            .map(|c| {
                let shown = |text: &str, mask: fn(&str) -> String| {
                    Some(text.trim())
                        .filter(|t| !t.is_empty())
                        .map(mask)
                        .unwrap_or_default()
                };
                (
                    shown(&c.email, super::customer::masked_email),
                    shown(&c.phone, super::customer::masked_phone),
                )
            })
            .unwrap_or_default();
        Some(DigitalReceipt {
            link: link.to_string(),
            qr,
            email,
            phone,
        })
    }

    /// The receipt of the order on the thank-you screen to its customer by e-mail or
    /// SMS. The answer shows on that screen, which stays up whatever it is: a failure
    /// leaves the QR code, and the customer's session is the one asked.
    pub(super) async fn send_receipt(&mut self, channel: ReceiptChannel) -> Result<(), Failure> {
        let Sale::ThankYou {
            receipt: Some(page), ..
        } = &self.sale
        else {
            tracing::info!(?channel, "no receipt to send: the thank-you screen is not up");
            return Ok(());
        };
        let page = page.clone();
        let outcome = match self.client()?.send_receipt(&page, channel).await {
            Ok(()) => {
                tracing::info!(?channel, "receipt sent to the customer");
                ReceiptOutcome::Sent(channel)
            }
            Err(e) if e.is_connectivity() => {
                tracing::warn!(?channel, error = %e, "the receipt could not be sent");
                ReceiptOutcome::Unreachable
            }
            Err(e) => {
                tracing::warn!(?channel, error = %e, "the server refused to send the receipt");
                // The server's words where it gave a reason, else what happened.
                ReceiptOutcome::Refused(match e {
                    crate::commerce::CommerceError::Http { message, .. } => message,
                    other => other.to_string(),
                })
            }
        };
        self.emit(Update::ReceiptSent(outcome));
        Ok(())
    }

    /// The order as the kiosk knows it when the server's record cannot be read: the
    /// basket it paid for, the amount the server last said, the option chosen.
    fn known_order(
        &self,
        ctx: &crate::commerce::pages::ThankYouContext,
        chosen: &Chosen,
        answer: &CheckoutResponse,
        agreed: Option<Money>,
    ) -> crate::commerce::OrderRecord {
        let pre_order = answer.pre_order.as_ref();
        let items = self
            .server_basket
            .iter()
            .flat_map(|b| &b.basketitem_set)
            .map(|item| crate::commerce::OrderLine {
                sku: item.product.sku.clone(),
                name: item.product.name.clone(),
                quantity: item.quantity,
                unit_price: item.unit_price,
                total_amount: item.total_amount,
            })
            .collect();
        crate::commerce::OrderRecord {
            number: ctx.order_id.0.clone(),
            amount: agreed.or_else(|| due(answer)).unwrap_or_default(),
            payment_type: chosen
                .option
                .as_ref()
                .map(|o| o.payment_type.clone())
                .unwrap_or_default(),
            payment_option: chosen.option.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
            installment_count: pre_order
                .and_then(|p| p.installment.as_ref())
                .map(|i| i.installment_count),
            items,
            created_date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ..Default::default()
        }
    }
}

/// Where the Back of the screen shown goes: a strategy's page (every screen after the
/// options) to the payment options; the options, the delivery step and the rest to
/// the basket. From the view, which is emitted before some steps' sale is kept.
pub(super) fn step_back(view: &View) -> crate::ui::StepBack {
    use crate::ui::{EntryKind, StepBack};
    match view {
        View::CashRegisterInstallments { .. }
        | View::CashRegisterBarcode { .. }
        | View::PayOnDelivery { .. }
        | View::SavedCardList { .. }
        | View::SavedCardInstallments { .. }
        | View::SavedCardConfirm { .. }
        | View::Confirm { .. }
        | View::Handoff { .. } => StepBack::PaymentOptions,
        // The shipping choice comes before the options: back to the basket.
        View::Choices { kind, .. } if *kind != crate::ui::ChoiceKind::ShippingOption => StepBack::PaymentOptions,
        View::NumberEntry { kind, .. }
            if matches!(
                kind,
                EntryKind::Phone | EntryKind::Otp | EntryKind::Bin | EntryKind::GiftCard | EntryKind::GiftCode
            ) =>
        {
            StepBack::PaymentOptions
        }
        _ => StepBack::Basket,
    }
}
