//! Selling for a customer (#13): finding them, and the session on their behalf.
//!
//! The clerk finds the customer (or opens an account), or a self-service customer says
//! who they are with their phone and a code. The sale then runs on a session of its own
//! on the customer's behalf ([`Acting`]): the basket, the checkout, the saved cards and
//! the order are the customer's. The kiosk's own session stays beside it for the offline
//! queue and the catalog copy, so a replay never lands on a customer's account by
//! mistake. New sale ends it.
//!
//! Whatever the sale does with the customer's own basket (a web shop basket, say), it
//! sets it aside first and puts it back after ([`Acting::put_back`]), written down in the
//! store meanwhile so that a kiosk stopped mid-sale still does.
//!
//! Not here: the delivery screen (`delivery.rs`); the requests themselves
//! (`crate::commerce::customers`).

use super::{Controller, Failure, Intent, Sale};
use crate::commerce::customers::{Customer, NewCustomer, NewCustomerProblem, SetAside};
use crate::commerce::records::Pk;
use crate::commerce::{CommerceClient, CommerceError};
use crate::offline::remembered;
use crate::ui::view::{Update, View};
use crate::ui::{CustomerCard, CustomerProblem, EntryKind, EntryProblem};

/// Wrong identification codes before the kiosk gives up and returns to the start.
const CODE_TRIES: u32 = 3;

/// The customer a sale is for, and the session on their behalf.
pub(super) struct Acting {
    pub customer: Customer,
    pub client: CommerceClient,
    /// What the customer's own basket held when the sale became theirs (a web shop
    /// basket, say): set aside for this sale, put back when it ends (`put_back`).
    pub set_aside: SetAside,
}

impl Acting {
    /// The customer's basket as it was before this sale, put back: what the sale left in
    /// it (nothing after an order, the lines of an abandoned sale) goes first. The sale is
    /// over whatever happens: a refusal is logged; with the line down, the `Acting` comes
    /// back to be tried again when it returns (`Controller::put_back_later`).
    pub(super) async fn put_back(self) -> Option<Acting> {
        if self.set_aside.is_empty() {
            return None;
        }
        match self.client.put_back(&self.set_aside, &[]).await {
            Ok(()) => {
                tracing::info!(customer = %self.customer.pk, lines = self.set_aside.lines.len(),
                    "the customer's own basket put back");
                None
            }
            Err(error) if error.is_connectivity() => {
                tracing::info!(customer = %self.customer.pk, %error,
                    "the customer's own basket goes back when the line does");
                Some(self)
            }
            Err(error) => {
                tracing::warn!(customer = %self.customer.pk, %error, lines = ?self.set_aside.lines,
                    "the customer's own basket could not be put back");
                None
            }
        }
    }
}

/// The customers' baskets set aside and not yet put back, as kept in the store.
type SetAsideBook = std::collections::BTreeMap<String, SetAside>;

impl Controller {
    /// Puts a customer's basket back, or keeps it for when the line returns.
    pub(super) async fn put_back(&mut self, acting: Acting) {
        let customer = acting.customer.pk.clone();
        match acting.put_back().await {
            Some(later) => self.put_back_later.push(later),
            None => self.book_set_aside(&customer, None),
        }
    }

    /// Writes down (`Some`) or crosses out (`None`) a customer's set-aside basket in the
    /// store, so that a kiosk restarted before putting it back still does (`put_back_orphans`).
    fn book_set_aside(&mut self, customer: &Pk, set_aside: Option<&SetAside>) {
        self.open_store();
        let Some(store) = self.store.as_mut() else { return };
        let mut book: SetAsideBook = match remembered::load(store, remembered::SET_ASIDE_BASKETS) {
            Ok(book) => book.unwrap_or_default(),
            Err(e) => {
                tracing::warn!(error = %e, "the set-aside baskets could not be read");
                return;
            }
        };
        let changed = match set_aside {
            Some(lines) if !lines.is_empty() => book.insert(customer.0.clone(), lines.clone()).as_ref() != Some(lines),
            _ => book.remove(&customer.0).is_some(),
        };
        if changed {
            self.remember(remembered::SET_ASIDE_BASKETS, &book);
        }
    }

    /// Signed in: the baskets an earlier run of the kiosk set aside and never put back
    /// (it stopped mid-sale) go back now, each on a session for its customer.
    pub(super) async fn put_back_orphans(&mut self) {
        self.open_store();
        let Some(store) = self.store.as_ref() else { return };
        let book: SetAsideBook = remembered::load(store, remembered::SET_ASIDE_BASKETS)
            .ok()
            .flatten()
            .unwrap_or_default();
        let busy: Vec<&Pk> = self
            .acting
            .iter()
            .chain(&self.put_back_later)
            .map(|a| &a.customer.pk)
            .collect();
        let orphans: Vec<(Pk, SetAside)> = book
            .into_iter()
            .map(|(pk, lines)| (Pk(pk), lines))
            .filter(|(pk, _)| !busy.contains(&pk))
            .collect();
        let Ok(staff) = self.staff_client() else { return };
        for (customer, set_aside) in orphans {
            let put_back = async {
                let (client, _) = staff.session_for(&customer).await?;
                client.put_back(&set_aside, &[]).await
            };
            match put_back.await {
                Ok(()) => tracing::info!(%customer, "a basket set aside before a restart put back"),
                Err(e) if e.is_connectivity() => {
                    tracing::info!(%customer, error = %e, "a basket set aside before a restart waits for the line");
                    continue;
                }
                Err(e) => tracing::warn!(%customer, error = %e, lines = ?set_aside.lines,
                    "a basket set aside before a restart could not be put back"),
            }
            self.book_set_aside(&customer, None);
        }
    }

    /// The customers' baskets whose sales ended with the line down, put back now.
    pub(super) async fn put_back_pending(&mut self) {
        for acting in std::mem::take(&mut self.put_back_later) {
            self.put_back(acting).await;
        }
    }
}

/// A phone shown as `532 *** ** 33`: enough for the customer to say "that's me".
pub fn masked_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 10 {
        return "*".repeat(digits.len());
    }
    let n = digits.len();
    format!(
        "{} *** ** {}",
        digits[n - 10..n - 7].iter().collect::<String>(),
        digits[n - 2..].iter().collect::<String>()
    )
}

/// An e-mail shown as `ay***@example.com`.
pub fn masked_email(email: &str) -> String {
    match email.split_once('@') {
        Some((user, domain)) => {
            let shown: String = user.chars().take(2).collect();
            format!("{shown}***@{domain}")
        }
        None => "***".into(),
    }
}

/// A date from the server (RFC 3339) as the screens print dates.
fn day(date: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(date)
        .map(|d| d.with_timezone(&chrono::Local).format("%d.%m.%Y").to_string())
        .unwrap_or_default()
}

fn card(customer: &Customer) -> CustomerCard {
    CustomerCard {
        key: customer.pk.0.clone().into(),
        name: customer.name().into(),
        phone: masked_phone(&customer.phone).into(),
        email: masked_email(&customer.email).into(),
        last_order: customer.last_order_date.as_deref().map(day).unwrap_or_default().into(),
    }
}

fn problem(p: NewCustomerProblem) -> CustomerProblem {
    match p {
        NewCustomerProblem::FirstName => CustomerProblem::FirstName,
        NewCustomerProblem::LastName => CustomerProblem::LastName,
        NewCustomerProblem::Phone => CustomerProblem::Phone,
        NewCustomerProblem::Email => CustomerProblem::Email,
        NewCustomerProblem::Consent => CustomerProblem::Consent,
    }
}

impl Controller {
    /// Whose sale it is, on the header.
    fn emit_customer(&self) {
        self.emit(Update::Customer(self.acting.as_ref().map(|a| a.customer.name())));
    }

    /// The kiosk's own session (never a customer's): staff requests, the queue.
    pub(super) fn staff_client(&self) -> Result<CommerceClient, Failure> {
        self.client
            .clone()
            .ok_or(Failure::Commerce(CommerceError::SessionExpired))
    }

    /// The clerk's Customer button: the search, over the basket.
    pub(super) fn find_customer(&mut self) -> Result<(), Failure> {
        if !matches!(self.sale, Sale::Basket | Sale::Customers { .. }) || self.config.self_service {
            return Ok(());
        }
        self.show(
            Sale::Customers { results: Vec::new() },
            View::CustomerSearch {
                results: Vec::new(),
                searched: false,
            },
        );
        Ok(())
    }

    pub(super) async fn search_customers(&mut self, text: &str) -> Result<(), Failure> {
        if text.trim().is_empty() || !matches!(self.sale, Sale::Customers { .. }) {
            return Ok(());
        }
        let results = self.staff_client()?.search_customers(text).await?;
        let cards = results.iter().map(card).collect();
        self.show(
            Sale::Customers { results },
            View::CustomerSearch {
                results: cards,
                searched: true,
            },
        );
        Ok(())
    }

    /// The new customer's form, with the consents the server asks for.
    pub(super) async fn new_customer_form(&mut self) -> Result<(), Failure> {
        if !matches!(self.sale, Sale::Customers { .. }) {
            return Ok(());
        }
        let consents = self.staff_client()?.consents().await?;
        self.show(Sale::Customers { results: Vec::new() }, View::CustomerNew(consents));
        Ok(())
    }

    /// The new customer's form: checked here first, then by the server.
    pub(super) async fn create_customer(&mut self, form: NewCustomer) -> Result<(), Failure> {
        if !matches!(self.sale, Sale::Customers { .. }) {
            return Ok(());
        }
        let checked = match form.checked() {
            Ok(checked) => checked,
            Err(p) => {
                self.emit(Update::CustomerProblem(problem(p), String::new()));
                return Ok(());
            }
        };
        let staff = self.staff_client()?;
        match staff.create_customer(&checked).await {
            Ok(customer) => {
                tracing::info!(customer = %customer.pk, "a new customer account");
                let (client, customer) = staff.session_for(&customer.pk).await?;
                self.sell_for(client, customer).await
            }
            Err(CommerceError::Http { message, .. }) => {
                self.emit(Update::CustomerProblem(CustomerProblem::Server, message));
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    pub(super) async fn choose_customer(&mut self, pk: &str) -> Result<(), Failure> {
        let Sale::Customers { results } = &self.sale else {
            return Ok(());
        };
        if !results.iter().any(|c| c.pk.0 == pk) {
            return Ok(());
        }
        let (client, customer) = self.staff_client()?.session_for(&Pk(pk.to_string())).await?;
        self.sell_for(client, customer).await
    }

    /// From now on the sale is `customer`'s: the lines scanned so far move to their
    /// basket (which holds this sale's lines only), and the kiosk's basket is emptied.
    pub(super) async fn sell_for(&mut self, client: CommerceClient, customer: Customer) -> Result<(), Failure> {
        let staff = self.staff_client()?;
        let lines: Vec<(Pk, u32)> = self
            .server_basket
            .iter()
            .flat_map(|b| &b.basketitem_set)
            .map(|l| (l.product.pk.clone(), l.quantity))
            .collect();
        // Whatever the customer had in their own basket is not part of this sale. A basket
        // of theirs an earlier run set aside goes back first, so it is what is set aside.
        self.put_back_orphans().await;
        let set_aside = client.borrow_basket().await?;
        self.book_set_aside(&customer.pk, Some(&set_aside));
        let mut refused = None;
        for (product, quantity) in &lines {
            match client.add_to_basket(product, *quantity).await {
                Ok(_) => {}
                Err(CommerceError::Http { message, .. }) => {
                    refused.get_or_insert(message);
                }
                Err(e) => return Err(e.into()),
            }
        }
        staff.clear_basket().await?;
        // From one customer to another (the clerk chose the wrong one): the sale's lines
        // leave the first one's basket, and what it held before goes back.
        if let Some(previous) = self.acting.take() {
            if let Err(e) = previous.client.clear_basket().await {
                tracing::warn!(customer = %previous.customer.pk, error = %e,
                    "the sale's lines could not be taken out of the previous customer's basket");
            }
            self.put_back(previous).await;
        }
        let basket = client.basket().await?;
        tracing::info!(customer = %customer.pk, lines = lines.len(), "selling for a customer");
        let notice = if set_aside.is_empty() {
            crate::ui::view::Notice::Clear
        } else {
            crate::ui::view::Notice::SetAside
        };
        self.acting = Some(Acting {
            customer,
            client,
            set_aside,
        });
        self.offered = None;
        self.emit_customer();
        self.emit_basket(&basket);
        self.emit(Update::BasketNotice(notice));
        self.show(Sale::Basket, View::Basket);
        if let Some(message) = refused {
            self.emit(Update::StepError(message));
        }
        Ok(())
    }

    /// The sale ends: back to the kiosk's own account for the next one.
    pub(super) async fn end_customer(&mut self) -> Result<(), Failure> {
        let Some(acting) = self.acting.take() else {
            return Ok(());
        };
        self.put_back(acting).await;
        self.put_back_pending().await;
        self.emit_customer();
        let basket = self.staff_client()?.clear_basket().await?;
        self.emit_basket(&basket);
        Ok(())
    }

    // ----- self-service identification ---------------------------------------------

    /// The welcome screen's "use my phone number": the keypad, for the phone.
    pub(super) fn identify(&mut self) -> Result<(), Failure> {
        if !matches!(self.sale, Sale::Basket) {
            return Ok(());
        }
        let view = super::strategies::entry(EntryKind::MyPhone, 0, "", String::new(), "");
        self.show(Sale::Identify { phone: None, wrong: 0 }, view);
        Ok(())
    }

    /// A number typed while identifying: the phone (a code is sent), then the code.
    pub(super) async fn identify_number(&mut self, digits: &str) -> Result<(), Failure> {
        let Sale::Identify { phone, wrong } = &self.sale else {
            return Ok(());
        };
        let (phone, wrong) = (phone.clone(), *wrong);
        let staff = self.staff_client()?;
        let Some(phone) = phone else {
            let Some(mobile) = crate::commerce::customers::mobile_number(digits) else {
                self.emit(Update::EntryProblem(EntryProblem::UnknownPhone));
                return Ok(());
            };
            return match staff.send_identification_code(&mobile).await {
                Ok(()) => {
                    let demo = self.demo_code();
                    let view = super::strategies::entry(EntryKind::MyCode, CODE_TRIES, "", String::new(), &demo);
                    self.show(
                        Sale::Identify {
                            phone: Some(mobile),
                            wrong: 0,
                        },
                        view,
                    );
                    Ok(())
                }
                Err(CommerceError::Http { status: 404, .. }) => {
                    self.emit(Update::EntryProblem(EntryProblem::UnknownPhone));
                    Ok(())
                }
                Err(e) => Err(e.into()),
            };
        };
        // The customer's own session, beside the kiosk's.
        let session = staff.fresh_session().await?;
        match session.identify(&phone, digits.trim()).await {
            Ok(customer) => self.sell_for(session, customer).await,
            Err(CommerceError::Http { status: 400, .. }) if wrong + 1 < CODE_TRIES => {
                self.sale = Sale::Identify {
                    phone: Some(phone),
                    wrong: wrong + 1,
                };
                let demo = self.demo_code();
                let left = CODE_TRIES - wrong - 1;
                self.emit(Update::Show(super::strategies::entry(
                    EntryKind::MyCode,
                    left,
                    "",
                    String::new(),
                    &demo,
                )));
                self.emit(Update::EntryProblem(EntryProblem::WrongCode));
                Ok(())
            }
            Err(CommerceError::Http { status: 400, .. }) => {
                tracing::info!("identification: too many wrong codes");
                let home = self.home();
                self.show(Sale::Basket, home);
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Routes this module's intents (and the delivery screen's, `delivery.rs`).
    pub(super) async fn handle_customer(&mut self, intent: Intent) -> Result<(), Failure> {
        match intent {
            Intent::FindCustomer => self.find_customer(),
            Intent::SearchCustomers(text) => self.search_customers(&text).await,
            Intent::ChooseCustomer(pk) => self.choose_customer(&pk).await,
            Intent::NewCustomerForm => self.new_customer_form().await,
            Intent::CreateCustomer(form) => self.create_customer(*form).await,
            Intent::Identify => self.identify(),
            Intent::Collect => self.collect().await,
            Intent::ShipTo(pk) => self.ship_to(&pk).await,
            Intent::NewAddressForm => self.new_address_form().await,
            Intent::CityChosen(index) => self.city_chosen(index).await,
            Intent::SaveAddress(form) => self.save_address(form).await,
            Intent::BackToDelivery => self.back_to_delivery(),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_shows_enough_to_recognise_and_no_more() {
        assert_eq!(masked_phone("5321112233"), "532 *** ** 33");
        assert_eq!(masked_phone("12"), "**");
        assert_eq!(masked_email("ayse.yilmaz@example.com"), "ay***@example.com");
        assert_eq!(masked_email("nobody"), "***");
    }
}
