//! What the person at the kiosk asks for (a tap, a key, a scan) and the answers that
//! arrive on their own (a poller's, a drain's, the clock's), as one [`Intent`] enum,
//! and [`Controller::handle`], which routes each by the state of the sale.
//!
//! Not here: what each intent does (the file of its concern), the loop that takes them
//! one at a time (`mod.rs`).

use super::{staff, AddressForm, Controller, Failure, Sale};
use crate::commerce::pages::CheckoutResponse;
use crate::commerce::records::Pk;
use crate::ui::view::{Update, View};

/// Something the person at the kiosk asked for, or an answer that arrived.
#[derive(Debug, Clone)]
pub enum Intent {
    Connect,
    /// The screens' language switched (`tr`, `en`): the server's labels follow from the
    /// next request.
    Language(String),
    Start,
    AddCode(String),
    ChangeQuantity(String, i32),
    Remove(String),
    /// A voucher's code (typed, or a scan of the printed voucher) for the basket.
    ApplyVoucher(String),
    RemoveVoucher,
    /// The voucher panel opened or closed: while it is open, a scan is a voucher.
    VoucherPanel(bool),
    Pay,
    ChooseOption(String),
    CashRegisterInstallment(String),
    PayOnDelivery {
        choice: String,
        agreed: bool,
    },
    SavedCard(String),
    SavedCardInstallment(String),
    SavedCardConfirm {
        agreed: bool,
    },
    /// Leaves the page for the one before it and keeps the basket: a strategy's page
    /// for the payment options, the options or the delivery step for the basket.
    Back,
    /// Leaves a step for the basket, which is kept (the error screen, a search).
    Cancel,
    NewSale,
    Retry,
    /// A person ends a sale whose payment step was never answered (the unconfirmed
    /// screen), after the server was asked once more.
    EndUnconfirmed,
    /// A row of a choice list (a bank account, a credit option, a MobilExpress card).
    Choose(String),
    /// The confirmation screen's button, with the agreement as ticked.
    Confirm {
        agreed: bool,
    },
    /// The keypad's number: a phone, a code sent by SMS, a card's first digits.
    Number(String),
    /// The payment options' Gift card: a card's number, then its code.
    GiftCard,
    /// Every gift card off the order.
    RemoveGiftCards,
    /// The gift cards pay it all: the order is placed on them.
    CompleteOnGiftCards,
    /// Demo mode: the simulated payment service approves, as the customer's phone would.
    ApproveOnPhone,
    /// The hand-off watcher saw the checkout move on.
    HandoffAnswer(Box<CheckoutResponse>),
    /// The hand-off ended without an order: declined, timed out, or failed.
    HandoffEnded(super::handoff::HandoffEnd),
    /// Demo mode: the simulated register takes the payment now.
    PayAtRegister,
    /// The register poller saw the checkout move on.
    RegisterAnswer(Box<CheckoutResponse>),
    RegisterFailed(String),
    /// Time to look at the line and the offline queue.
    Tick,
    /// The clerk's list of offline orders, from its newest page.
    ShowOrders,
    /// The clerk's day's close: the figures since the last close.
    DayClose,
    /// Closes the day with the cash counted (digits, the last two the kuruş).
    CloseDay(String),
    /// The clerk's returns and cancellations: the order to find.
    Returns,
    /// An order to return: its number typed, its receipt's code scanned, or one listed.
    FindOrder(String),
    /// The server is away: the order's number noted for a return later.
    NoteReturn(String),
    /// What comes back changed on the screen (units, the reason, the refund's way).
    ReturnPick(super::returns::ReturnPick),
    /// The return made: lines, or the whole order cancelled; cash confirmed by the clerk.
    MakeReturn {
        cancel_whole: bool,
        cash_confirmed: bool,
    },
    /// After a refund to store credit: a sale for the same customer, paid with it first.
    Exchange,
    /// At the exchange's thank-you: what its new goods left of the credit, given back
    /// the returned order's way (the button names the cash when it is cash).
    RefundCreditLeft,
    /// Another page of that list (0 is the newest).
    OrdersPage(usize),
    /// A code from the barcode scanner: added to the basket when the basket is up.
    Scanned(String),
    /// The clerk asks for the last receipt again.
    ReprintLast,
    /// The thank-you screen's receipt, to the customer of the sale by e-mail or SMS.
    SendReceipt(crate::commerce::ReceiptChannel),
    /// The background drain ended; whether it found the line down, and whether an
    /// order failed in it (the next drain then waits longer: `housekeeping.rs`).
    Drained {
        line: Option<crate::ui::LineProblem>,
        failed: bool,
    },
    /// The background catalog refresh ended: how many products, or why not.
    CatalogRefreshed(Result<usize, String>),
    /// The hidden gesture: the staff's PIN pad.
    Staff,
    /// A customer at a self-service kiosk asks for a person.
    CallStaff,
    /// A PIN typed on the pad.
    Pin(String),
    /// The technician's checks, again.
    ShowDiagnostics,
    /// The technician's export for support.
    ExportDiagnostics,
    /// The technician reopens setup.
    OpenSetup,
    /// The clerk's Customer button: the search.
    FindCustomer,
    SearchCustomers(String),
    /// A customer of the search's results, by pk: the sale is theirs from now on.
    ChooseCustomer(String),
    NewCustomerForm,
    CreateCustomer(Box<crate::commerce::customers::NewCustomer>),
    /// Self-service: the customer says who they are with their phone and a code.
    Identify,
    /// Delivery: collect in this store.
    Collect,
    /// Delivery: ship to this address of the customer's (pk).
    ShipTo(String),
    NewAddressForm,
    /// A city chosen on the new address's form (its index in the list shown).
    CityChosen(i32),
    SaveAddress(AddressForm),
    /// From the new address's form back to the delivery screen.
    BackToDelivery,
    /// The product search's field, as it stands after each change (`products.rs`).
    SearchProducts(String),
    /// The next page of the search's results.
    MoreProducts,
    /// The server's search failed (whether the line or the server is down, and why).
    ProductsFailed {
        query: crate::ui::view::ProductQuery,
        page: u32,
        line_failed: bool,
        error: String,
    },
    /// The welcome's Browse products: a sale begins on its categories.
    Browse,
    /// The store's categories, to browse (`products.rs`).
    BrowseCategories,
    /// A category's products (its pk).
    OpenCategory(String),
    /// Which other stores have a product (its pk) this one's shelves do not.
    StockElsewhere(String),
    /// A product (its code) sold for collection at another store (its pk and name).
    CollectAt {
        store: String,
        name: String,
        code: String,
    },
    /// The server's category list failed.
    CategoriesFailed {
        line_failed: bool,
        error: String,
    },
}

impl Intent {
    /// Intents of the part of a sale before payment, which can go on without the server.
    pub(super) fn sells_offline(&self) -> bool {
        matches!(
            self,
            Intent::Start
                | Intent::Browse
                | Intent::AddCode(_)
                | Intent::ChangeQuantity(..)
                | Intent::Remove(_)
                | Intent::Pay
                | Intent::ChooseOption(_)
                | Intent::Back
                | Intent::Cancel
                | Intent::NewSale
        )
    }

    /// Intents nobody tapped: they change no button and show no busy overlay.
    pub(super) fn is_quiet(&self) -> bool {
        matches!(
            self,
            Intent::RegisterAnswer(_)
                | Intent::Language(_)
                | Intent::RegisterFailed(_)
                | Intent::PayAtRegister
                | Intent::ApproveOnPhone
                | Intent::HandoffAnswer(_)
                | Intent::HandoffEnded(_)
                | Intent::Tick
                | Intent::Drained { .. }
                | Intent::CatalogRefreshed(_)
                | Intent::SearchProducts(_)
                | Intent::MoreProducts
                | Intent::ProductsFailed { .. }
                | Intent::BrowseCategories
                | Intent::OpenCategory(_)
                | Intent::StockElsewhere(_)
                | Intent::CategoriesFailed { .. }
                | Intent::VoucherPanel(_)
                | Intent::ReturnPick(_)
        )
    }
}

impl Controller {
    /// Routes an intent by the state of the sale.
    pub(super) async fn handle(&mut self, intent: Intent) -> Result<(), Failure> {
        // A staff screen's way back (or the PIN pad's Cancel) returns to the sale as it was.
        if matches!(intent, Intent::Cancel) && self.sale.is_staff_screen() {
            // Leaving the returns any way but Sell with this credit: the credit stays on
            // its card and pays no other sale.
            if matches!(self.sale, Sale::Return { .. }) {
                self.exchange = None;
            }
            self.close_staff_screen();
            return Ok(());
        }
        let local_too = matches!(intent, Intent::PayOnDelivery { .. } | Intent::Retry);
        if self.sale.is_local() && (intent.sells_offline() || local_too) {
            return self.handle_local(intent).await;
        }
        match intent {
            Intent::Connect => self.connect().await,
            Intent::Language(language) => {
                self.set_language(language);
                Ok(())
            }
            Intent::Start => {
                self.show(Sale::Basket, View::Basket);
                Ok(())
            }
            Intent::Browse => {
                self.show(Sale::Basket, View::Basket);
                self.emit(Update::Browsing);
                self.browse_categories();
                Ok(())
            }
            Intent::AddCode(code) => self.add_code(code.trim()).await,
            Intent::ChangeQuantity(product, delta) => self.change_quantity(&product, delta).await,
            Intent::Remove(product) => self.remove(&product).await,
            Intent::ApplyVoucher(code) => self.apply_voucher(&code).await,
            Intent::RemoveVoucher => self.remove_voucher().await,
            Intent::VoucherPanel(open) => {
                self.voucher_panel = open;
                Ok(())
            }
            Intent::Pay => self.pay().await,
            Intent::ChooseOption(pk) => self.choose_option(&pk).await,
            Intent::CashRegisterInstallment(pk) => self.cash_register_installment(&pk).await,
            Intent::PayOnDelivery { choice, agreed } => self.pay_on_delivery(&choice, agreed).await,
            Intent::SavedCard(token) => self.saved_card(&token).await,
            Intent::SavedCardInstallment(pk) => self.saved_card_installment(&pk).await,
            Intent::SavedCardConfirm { agreed } => self.saved_card_confirm(agreed).await,
            Intent::Cancel => self.cancel().await,
            // From a gift card's screen, Back is the options again.
            Intent::Back if matches!(self.sale, Sale::GiftCard { .. }) => self.options_again(String::new()).await,
            Intent::Back => self.back().await,
            Intent::NewSale => self.new_sale().await,
            Intent::SendReceipt(channel) => self.send_receipt(channel).await,
            Intent::Retry => self.retry().await,
            // Ending a sale whose payment is unknown is staff's decision.
            Intent::EndUnconfirmed if self.role < staff::Role::Clerk => self.ask_pin_for(Intent::EndUnconfirmed),
            Intent::EndUnconfirmed => self.end_unconfirmed().await,
            Intent::PayAtRegister => {
                self.pay_at_register();
                Ok(())
            }
            Intent::Choose(key) => self.choose(&key).await,
            Intent::Confirm { agreed } => self.confirm(agreed).await,
            Intent::Number(digits) if matches!(self.sale, Sale::Identify { .. }) => self.identify_number(&digits).await,
            Intent::Number(digits) if matches!(self.sale, Sale::GiftCard { .. }) => self.gift_card_digits(&digits).await,
            Intent::GiftCard => self.open_gift_card(),
            Intent::RemoveGiftCards => self.remove_gift_cards().await,
            Intent::CompleteOnGiftCards => self.complete_on_gift_cards().await,

            Intent::Number(digits) => self.number(&digits).await,
            Intent::ApproveOnPhone => {
                self.approve_on_phone();
                Ok(())
            }
            Intent::HandoffAnswer(answer) => {
                if !matches!(self.sale, Sale::Handoff { .. }) {
                    return Ok(());
                }
                self.show_answer(*answer).await
            }
            Intent::HandoffEnded(end) => self.handoff_ended(end).await,
            Intent::RegisterAnswer(answer) => self.show_answer(*answer).await,
            Intent::RegisterFailed(message) => Err(Failure::Other(message)),
            Intent::Tick => {
                self.tick().await;
                Ok(())
            }
            Intent::Drained { line, failed } => {
                self.drained(line, failed).await;
                Ok(())
            }
            Intent::CatalogRefreshed(refreshed) => {
                self.catalog_refreshed(refreshed);
                Ok(())
            }
            Intent::Scanned(code) => {
                // The scanner works, whatever the screen: the technician's checks say when.
                let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                self.remember(crate::offline::remembered::LAST_SCAN, &now);
                if !self.sale.takes_scans() {
                    tracing::info!(%code, "scan ignored: the sale is past the basket");
                    return Ok(());
                }
                if self.config.self_service {
                    self.emit(Update::Show(View::Basket));
                }
                if self.voucher_panel {
                    return self.apply_voucher(&code).await;
                }
                // The receipt's code scanned on the returns' screen finds its order.
                if matches!(self.sale, Sale::Return { .. }) {
                    return self.find_order(&code).await;
                }
                // A gift card scanned on its screen is its number.
                if matches!(self.sale, Sale::GiftCard { asked: None, .. }) {
                    return self.gift_card_digits(code.trim()).await;
                }
                if self.sale.is_local() {
                    return self.handle_local(Intent::AddCode(code)).await;
                }
                self.add_code(code.trim()).await
            }
            // The clerk's and the technician's intents need the role, whatever the screen.
            Intent::ReprintLast
            | Intent::ShowOrders
            | Intent::OrdersPage(_)
            | Intent::DayClose
            | Intent::CloseDay(_)
            | Intent::Returns
            | Intent::FindOrder(_)
            | Intent::NoteReturn(_)
            | Intent::MakeReturn { .. }
            | Intent::Exchange
            | Intent::RefundCreditLeft
                if self.role < staff::Role::Clerk =>
            {
                self.ask_pin_for(intent)
            }
            Intent::ShowDiagnostics | Intent::ExportDiagnostics | Intent::OpenSetup
                if self.role < staff::Role::Technician =>
            {
                self.ask_pin_for(intent)
            }
            Intent::OpenSetup => {
                let written = self.config.settings_file.as_ref().is_some_and(|f| f.exists());
                self.emit(Update::Setup {
                    settings: Box::new(self.config.settings.clone()),
                    written,
                });
                Ok(())
            }
            Intent::ReprintLast => self.reprint_last(),
            Intent::ShowOrders => self.show_orders(0),
            Intent::DayClose => self.open_day_close().await,
            Intent::CloseDay(digits) => self.close_day(&digits),
            Intent::Returns => self.open_returns().await,
            Intent::FindOrder(text) => self.find_order(&text).await,
            Intent::NoteReturn(number) => self.note_return(&number).await,
            Intent::ReturnPick(pick) => {
                self.return_pick(pick);
                Ok(())
            }
            Intent::MakeReturn {
                cancel_whole,
                cash_confirmed,
            } => self.make_return(cancel_whole, cash_confirmed).await,
            Intent::Exchange => self.exchange().await,
            Intent::RefundCreditLeft => self.refund_credit_left().await,
            Intent::OrdersPage(number) => self.show_orders(number),
            Intent::Staff => self.ask_pin(),
            Intent::CallStaff => {
                self.call_staff(true);
                Ok(())
            }
            Intent::Pin(pin) => self.pin(&pin).await,
            Intent::SearchProducts(query) => {
                self.search_products(query);
                Ok(())
            }
            Intent::MoreProducts => {
                self.more_products();
                Ok(())
            }
            Intent::ProductsFailed {
                query,
                page,
                line_failed,
                error,
            } => {
                self.products_failed(query, page, line_failed, error);
                Ok(())
            }
            Intent::BrowseCategories => {
                self.browse_categories();
                Ok(())
            }
            Intent::OpenCategory(pk) => {
                self.open_category(Pk(pk));
                Ok(())
            }
            Intent::StockElsewhere(pk) => {
                self.stock_elsewhere(Pk(pk));
                Ok(())
            }
            Intent::CollectAt { store, name, code } => {
                self.collect_at = Some((Pk(store), name.clone()));
                self.emit(Update::CollectAt(name));
                self.add_code(code.trim()).await
            }
            Intent::CategoriesFailed { line_failed, error } => {
                self.categories_failed(line_failed, error);
                Ok(())
            }
            Intent::ShowDiagnostics => self.show_diagnostics(None).await,
            Intent::ExportDiagnostics => self.export_diagnostics().await,
            intent @ (Intent::FindCustomer
            | Intent::SearchCustomers(_)
            | Intent::ChooseCustomer(_)
            | Intent::NewCustomerForm
            | Intent::CreateCustomer(_)
            | Intent::Identify
            | Intent::Collect
            | Intent::ShipTo(_)
            | Intent::NewAddressForm
            | Intent::CityChosen(_)
            | Intent::SaveAddress(_)
            | Intent::BackToDelivery) => self.handle_customer(intent).await,
        }
    }
}
