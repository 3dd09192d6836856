//! The clerk's returns and cancellations, over the sale: the order found by its receipt's
//! barcode or QR code, its typed number, or among the customer's orders; what comes back
//! (units of each line, a reason, where the money goes, or the whole order cancelled);
//! the refund the server makes, checked against the order's state before and after, a
//! return slip printed and the refund noted for the day's close. A return needs the
//! server: offline, the number can be noted for later, and nothing is refunded here.
//! An answer lost on the way is never sent again blind: the order is read first.
//!
//! Not here: the protocol (`crate::commerce::returns`), the slip's bytes
//! (`crate::devices::slip`), what the close counts (`crate::offline::close`).

use super::{Controller, Failure, Sale};
use crate::commerce::returns::{OrderReturn, RefundChoice, RefundKind, RefundMade, ReturnAsk, ReturnRequest, StoreCreditCard};
use crate::commerce::Money;
use crate::commerce::CommerceError;
use crate::devices::printer;
use crate::offline::returns as notes;
use crate::ui::view::{CreditLeftState, FindProblem, ReturnView, Trouble, Update, View};

/// Where a return stands.
pub(super) enum ReturnAt {
    Find,
    Lines {
        found: Box<OrderReturn>,
        picked: Vec<u32>,
        reason: Option<usize>,
        way: Option<usize>,
    },
    /// The refund made; the order's customer (`None` for the store's own account).
    Done { customer: Option<String> },
}

/// An exchange: a return's store credit, spent first on a sale for the same customer.
pub(super) struct Exchange {
    pub card: StoreCreditCard,
    /// The order returned: what the new goods leave of the credit goes back its way.
    pub order: String,
    pub credit: Money,
    /// That way: the order's first other than store credit.
    pub way: Option<RefundChoice>,
    /// What the credit pays of the new sale, once on its order (zero when refused).
    pub spent: Option<Money>,
}

/// What comes back, changed on the screen without the server.
#[derive(Debug, Clone)]
pub enum ReturnPick {
    /// One unit more (`1`) or fewer (`-1`) of a line (its index on the screen).
    Units { line: usize, delta: i32 },
    Reason(usize),
    Way(usize),
}

impl Controller {
    /// The returns' screen over the sale, looking for the order.
    pub(super) async fn open_returns(&mut self) -> Result<(), Failure> {
        // A credit left unspent by the last return is the customer's, on its card.
        self.exchange = None;
        let under = std::mem::replace(&mut self.sale, Sale::Basket).without_staff();
        let view = self.find_view(FindProblem::None).await;
        self.show(
            Sale::Return {
                under: Box::new(under),
                at: ReturnAt::Find,
            },
            View::Return(Box::new(view)),
        );
        Ok(())
    }

    /// The finding screen's data: the customer's orders when selling for one (a failure
    /// to read them lists none), and the numbers noted while the server was away.
    async fn find_view(&mut self, problem: FindProblem) -> ReturnView {
        let (customer, orders) = match &self.acting {
            Some(acting) => {
                let orders = acting.client.orders().await.unwrap_or_else(|e| {
                    tracing::info!(error = %e, "the customer's orders could not be read");
                    Vec::new()
                });
                (Some(acting.customer.name()), orders)
            }
            None => (None, Vec::new()),
        };
        self.open_store();
        let noted = self
            .store
            .as_ref()
            .and_then(|store| notes::noted_for_later(store).ok())
            .unwrap_or_default();
        ReturnView::Find {
            problem,
            customer,
            orders,
            noted,
        }
    }

    /// Moves the return on and shows where it stands.
    fn show_return(&mut self, next: ReturnAt, view: ReturnView) {
        if let Sale::Return { at, .. } = &mut self.sale {
            *at = next;
            self.emit(Update::Show(View::Return(Box::new(view))));
        }
    }

    async fn show_find(&mut self, problem: FindProblem) {
        let view = self.find_view(problem).await;
        self.show_return(ReturnAt::Find, view);
    }

    fn show_lines(&mut self, found: OrderReturn, picked: Vec<u32>, choice: (Option<usize>, Option<usize>), trouble: Trouble) {
        let (reason, way) = choice;
        // The server's own way first.
        let way = way.or(if found.refund_types.is_empty() { None } else { Some(0) });
        let mut picked = picked;
        picked.resize(found.lines.len(), 0);
        for (units, line) in picked.iter_mut().zip(&found.lines) {
            *units = (*units).min(line.returnable_quantity);
        }
        let view = ReturnView::Lines {
            found: Box::new(found.clone()),
            picked: picked.clone(),
            reason,
            way,
            trouble,
        };
        self.show_return(
            ReturnAt::Lines {
                found: Box::new(found),
                picked,
                reason,
                way,
            },
            view,
        );
    }

    /// An order to return: a receipt's QR code is its page's address, its barcode or a
    /// typed number the order's number.
    pub(super) async fn find_order(&mut self, text: &str) -> Result<(), Failure> {
        if !matches!(self.sale, Sale::Return { .. }) {
            return Ok(());
        }
        let text = text.trim();
        if text.is_empty() {
            return Ok(());
        }
        let client = self.staff_client()?;
        let number = if text.contains("/orders/completed/") {
            match client.completed_order(text).await {
                Ok(order) => order.number,
                Err(e) => return self.find_failed(text, e).await,
            }
        } else {
            text.chars().filter(char::is_ascii_alphanumeric).collect()
        };
        if number.is_empty() {
            self.show_find(FindProblem::NotFound(text.to_string())).await;
            return Ok(());
        }
        match client.order_for_return(&number).await {
            Ok(Some(found)) => {
                tracing::info!(order = %number, status = %found.order.status, "an order to return");
                self.show_lines(found, Vec::new(), (None, None), Trouble::None);
                Ok(())
            }
            Ok(None) => {
                self.show_find(FindProblem::NotFound(number)).await;
                Ok(())
            }
            Err(e) => self.find_failed(&number, e).await,
        }
    }

    async fn find_failed(&mut self, number: &str, e: CommerceError) -> Result<(), Failure> {
        tracing::warn!(order = %number, error = %e, "the order to return could not be read");
        let problem = if e.is_connectivity() {
            FindProblem::Offline(number.to_string())
        } else {
            FindProblem::Failed(e.to_string())
        };
        self.show_find(problem).await;
        Ok(())
    }

    /// Offline: the order's number noted, to look it up when the server is back.
    pub(super) async fn note_return(&mut self, number: &str) -> Result<(), Failure> {
        if !matches!(self.sale, Sale::Return { .. }) || number.trim().is_empty() {
            return Ok(());
        }
        self.open_store();
        let Some(store) = self.store.as_mut() else {
            return Err(Failure::Other("noting a return needs this kiosk's database".into()));
        };
        let now = crate::commerce::clock::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        notes::note_for_later(store, number.trim(), &now).map_err(|e| Failure::Other(e.to_string()))?;
        tracing::info!(order = %number, "noted for a return when the server is back");
        self.show_find(FindProblem::Noted(number.trim().to_string())).await;
        Ok(())
    }

    /// Units, the reason or the way changed: the screen again with the new total.
    pub(super) fn return_pick(&mut self, pick: ReturnPick) {
        let Sale::Return {
            at: ReturnAt::Lines {
                found,
                picked,
                reason,
                way,
            },
            ..
        } = &mut self.sale
        else {
            return;
        };
        match pick {
            ReturnPick::Units { line, delta } => {
                if let (Some(units), Some(l)) = (picked.get_mut(line), found.lines.get(line)) {
                    let next = i64::from(*units) + i64::from(delta);
                    *units = next.clamp(0, i64::from(l.returnable_quantity)) as u32;
                }
            }
            ReturnPick::Reason(i) if i < found.reasons.len() => *reason = Some(i),
            ReturnPick::Way(i) if i < found.refund_types.len() => *way = Some(i),
            _ => {}
        }
        let view = ReturnView::Lines {
            found: found.clone(),
            picked: picked.clone(),
            reason: *reason,
            way: *way,
            trouble: Trouble::None,
        };
        self.emit(Update::Show(View::Return(Box::new(view))));
    }

    /// The return made on the server. Without an answer the order is read again: a
    /// refund made meanwhile is shown as made, never asked for twice.
    pub(super) async fn make_return(&mut self, cancel_whole: bool, cash_confirmed: bool) -> Result<(), Failure> {
        let Sale::Return {
            at: ReturnAt::Lines {
                found,
                picked,
                reason: Some(reason),
                way: Some(way),
            },
            ..
        } = &self.sale
        else {
            return Ok(());
        };
        let (found, picked, reason, way) = (found.as_ref().clone(), picked.clone(), *reason, *way);
        let ask = if cancel_whole {
            ReturnAsk::CancelWhole
        } else {
            let lines: Vec<(u32, u32)> = found
                .lines
                .iter()
                .zip(&picked)
                .filter(|(_, units)| **units > 0)
                .map(|(line, units)| (line.pk, *units))
                .collect();
            if lines.is_empty() {
                return Ok(());
            }
            ReturnAsk::Lines(lines)
        };
        let (Some(why), Some(to)) = (found.reasons.get(reason), found.refund_types.get(way)) else {
            return Ok(());
        };
        let request = ReturnRequest {
            ask,
            reason: why.pk.clone(),
            refund_type: to.value.clone(),
            cash_confirmed,
        };
        let number = found.order.number.clone();
        let client = self.staff_client()?;
        let choice = (Some(reason), Some(way));
        match client.make_return(&number, &request).await {
            Ok(Ok(after)) => self.return_made(&found, after, &why.name),
            Ok(Err(words)) => {
                tracing::info!(order = %number, %words, "the server refused the return");
                self.show_lines(found, picked, choice, Trouble::Refused(words));
                Ok(())
            }
            Err(e) => {
                tracing::warn!(order = %number, error = %e, "the return went unanswered: reading the order again");
                match client.order_for_return(&number).await {
                    Ok(Some(now)) if now.refunded_amount > found.refunded_amount => {
                        let after = with_last_refund(now);
                        self.return_made(&found, after, &why.name)
                    }
                    Ok(Some(now)) => {
                        self.show_lines(now, picked, choice, Trouble::Unreachable);
                        Ok(())
                    }
                    Ok(None) | Err(_) => {
                        self.show_find(FindProblem::Lost(number)).await;
                        Ok(())
                    }
                }
            }
        }
    }

    /// The refund made: noted for the day's close, its slip printed, the order's new
    /// state shown beside the old.
    fn return_made(&mut self, before: &OrderReturn, after: OrderReturn, reason: &str) -> Result<(), Failure> {
        let refund = after.refund.clone().unwrap_or_default();
        tracing::info!(order = %after.order.number, refund = %refund.number, amount = %refund.amount,
            way = %refund.refund_type, before = %before.order.status, after = %after.order.status, "refund made");
        let slip = self.return_slip(before, &after, reason);
        self.note_and_print(&after, slip);
        self.exchange = refund.store_credit_card.clone().map(|card| Exchange {
            card,
            order: after.order.number.clone(),
            credit: refund.amount,
            way: after
                .refund_types
                .iter()
                .find(|t| t.kind() != RefundKind::StoreCredit)
                .cloned(),
            spent: None,
        });
        let customer = after.customer.as_ref().map(|c| c.pk.0.clone());
        let view = ReturnView::Done {
            before: before.order.status.clone(),
            after: Box::new(after),
        };
        self.show_return(ReturnAt::Done { customer }, view);
        Ok(())
    }

    /// A refund noted for the day's close and its slip printed.
    fn note_and_print(&mut self, after: &OrderReturn, slip: crate::devices::slip::ReturnSlip) {
        let refund = after.refund.clone().unwrap_or_default();
        self.open_store();
        if let Some(store) = self.store.as_mut() {
            let note = notes::RefundNote {
                number: refund.number.clone(),
                order: after.order.number.clone(),
                made_at: if refund.created_date.is_empty() {
                    crate::commerce::clock::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                } else {
                    refund.created_date.clone()
                },
                amount: refund.amount,
                refund_type: refund.refund_type.clone(),
            };
            if let Err(e) = notes::note_refund(store, &note) {
                tracing::error!(error = %e, "the refund could not be noted for the day's close");
            }
            if let Some(settings) = self.config.printer.clone() {
                match crate::devices::slip::encode_return(&slip, &self.config.receipt, &settings) {
                    Ok(bytes) => match printer::enqueue(store, "return", &refund.number, &bytes) {
                        Ok(_) => {
                            if let Some(printer) = &self.printer {
                                printer.nudge();
                            }
                        }
                        Err(e) => tracing::error!(error = %e, "the return slip could not be queued for printing"),
                    },
                    Err(e) => tracing::error!(error = %e, "the return slip could not be made"),
                }
            }
        }
    }

    /// What the slip says: the lines that came back (what the order read before and
    /// after says of each), the money, where it went.
    fn return_slip(&self, before: &OrderReturn, after: &OrderReturn, reason: &str) -> crate::devices::slip::ReturnSlip {
        let refund = after.refund.clone().unwrap_or_default();
        let lines = after
            .lines
            .iter()
            .filter(|line| line.pk > 0)
            .filter_map(|line| {
                let earlier = before.lines.iter().find(|b| b.pk == line.pk)?.returned_quantity;
                let units = line.returned_quantity.saturating_sub(earlier);
                (units > 0).then(|| {
                    (line.name.clone(), units, line.refund_unit_amount * crate::commerce::Money::from(units))
                })
            })
            .collect();
        let label = after.refund_label();
        crate::devices::slip::ReturnSlip {
            order: after.order.number.clone(),
            refund: refund.number.clone(),
            made_at: refund.created_date.clone(),
            cancellation: refund.cancellation,
            lines,
            total: refund.amount,
            refund_type: refund.refund_type.clone(),
            label,
            reason: reason.to_string(),
            store_credit: refund.store_credit.clone(),
            kept: after.kept_amount(),
        }
    }

    /// After a refund to store credit: a new sale for the order's customer (the kiosk's
    /// own for a guest's order), the credit redeemed as a gift card when it reaches the
    /// payment options; the rest is paid as any sale, or what the credit leaves is
    /// offered back at the thank-you (`refund_credit_left`).
    pub(super) async fn exchange(&mut self) -> Result<(), Failure> {
        let Sale::Return {
            at: ReturnAt::Done { customer },
            under,
        } = &self.sale
        else {
            return Ok(());
        };
        if self.exchange.is_none() {
            return Ok(());
        }
        // Only from a sale that has nothing in flight: an exchange starts a sale.
        if !matches!(under.beneath(), Sale::Basket | Sale::ThankYou { .. }) {
            tracing::info!("no exchange over a sale in progress");
            return Ok(());
        }
        let customer = customer.clone();
        self.sale = Sale::Basket;
        match customer {
            Some(pk) if self.acting.as_ref().is_none_or(|a| a.customer.pk.0 != pk) => {
                let (client, customer) = self.staff_client()?.session_for(&crate::commerce::Pk(pk)).await?;
                self.sell_for(client, customer).await
            }
            _ => {
                self.show(Sale::Basket, View::Basket);
                Ok(())
            }
        }
    }

    /// The sale reached the payment options with an exchange's credit: it goes on the
    /// order as a gift card. A card the server refuses stays for the clerk to type.
    pub(super) async fn redeem_exchange_credit(&mut self) -> Result<(), Failure> {
        let Some(card) = self.exchange.as_ref().map(|e| e.card.clone()) else {
            return Ok(());
        };
        let client = self.client()?.clone();
        let mut spent = Money::ZERO;
        match client.gift_card_code(&card.number).await? {
            Ok(sent) => match client.gift_card_redeem(&card.number, &card.code).await? {
                Ok(cards) => {
                    spent = cards
                        .gift_cards
                        .iter()
                        .find(|c| c.number == sent.number)
                        .map(|c| c.amount)
                        .unwrap_or(cards.gift_card_amount);
                    tracing::info!(%spent, "the exchange's credit pays first");
                }
                Err(why) => tracing::warn!(%why, "the exchange's credit was refused"),
            },
            Err(why) => tracing::warn!(%why, "the exchange's credit was refused"),
        }
        if let Some(exchange) = self.exchange.as_mut() {
            exchange.spent = Some(spent);
        }
        Ok(())
    }

    /// What the exchange's new goods left of the credit, for its thank-you screen.
    fn credit_left(&self) -> Option<(Money, RefundChoice, &str)> {
        let exchange = self.exchange.as_ref()?;
        let left = exchange.credit - exchange.spent?;
        let way = exchange.way.clone()?;
        (left > Money::ZERO).then_some((left, way, exchange.order.as_str()))
    }

    /// At the exchange's thank-you: what it left of the credit, offered back.
    pub(super) fn offer_credit_left(&mut self) {
        match self.credit_left() {
            Some((left, way, _)) => self.emit(Update::CreditLeft(Some(credit_view(left, &way, CreditLeftState::Offered)))),
            None => self.exchange = None,
        }
    }

    /// What the exchange left of the credit, back the returned order's way: its slip
    /// printed and the refund noted for the close, as any refund's.
    pub(super) async fn refund_credit_left(&mut self) -> Result<(), Failure> {
        if !matches!(self.sale, Sale::ThankYou { .. }) {
            return Ok(());
        }
        let Some((left, way, order)) = self.credit_left().map(|(l, w, o)| (l, w, o.to_string())) else {
            return Ok(());
        };
        let cash = way.kind() == RefundKind::Cash;
        let mut shown = left;
        let state = match self.staff_client()?.refund_credit_left(&order, &way.value, cash).await {
            Ok(Ok(after)) => {
                // The server's figure: what was on the card when it was emptied.
                shown = after.refund.as_ref().map_or(left, |r| r.amount);
                let reason = if self.config.receipt.language == "en" { "Exchange" } else { "Değişim" };
                self.return_made_quietly(&after, reason);
                self.exchange = None;
                CreditLeftState::Refunded
            }
            Ok(Err(words)) => CreditLeftState::Refused(words),
            Err(e) => {
                tracing::warn!(error = %e, "what the exchange left could not be given back");
                CreditLeftState::Unreachable
            }
        };
        self.emit(Update::CreditLeft(Some(credit_view(shown, &way, state))));
        Ok(())
    }

    /// A refund made outside the returns' screen: noted for the close, its slip printed.
    fn return_made_quietly(&mut self, after: &OrderReturn, reason: &str) {
        let before = OrderReturn {
            lines: after.lines.clone(),
            ..Default::default()
        };
        let slip = self.return_slip(&before, after, reason);
        self.note_and_print(after, slip);
    }
}

/// An order read again after a lost answer, with its last refund as the one made.
fn with_last_refund(mut now: OrderReturn) -> OrderReturn {
    if now.refund.is_none() {
        now.refund = now.order.refunds.last().map(|r| RefundMade {
            number: r.number.clone(),
            amount: r.amount,
            refund_type: r.refund_type.clone(),
            created_date: r.created_date.clone(),
            cancellation: now.order.status == "cancelled",
            ..Default::default()
        });
    }
    now
}

fn credit_view(left: Money, way: &RefundChoice, state: CreditLeftState) -> crate::ui::view::CreditLeftView {
    crate::ui::view::CreditLeftView {
        amount: crate::commerce::money::format_try(left),
        way: way.kind(),
        label: way.label.clone(),
        state,
    }
}
