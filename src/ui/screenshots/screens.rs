//! The screens' script: every screen of `SCREENS`, in order, reached by driving the
//! real controller against the demo simulator as a person's taps would, and rendered
//! once it settles.
//!
//! Not here: the offscreen platform and the PNG (`mod.rs`), the scratch queue for the
//! clerk's orders (`scratch.rs`).

use super::scratch::scratch_queue;
use super::{render_png, Look, Rendered, Session};
use crate::settings::{Layout, Settings};
use crate::ui::controller::{self, Intent, Sink};
use crate::ui::view::{apply, ScreenError, Update, View};
use crate::ui::{
    prepare_window, BasketAdapter, CashRegisterAdapter, KioskAdapter, MainWindow, PayOnDeliveryAdapter,
    SavedCardAdapter, Screen,
};
use slint::platform::software_renderer::MinimalSoftwareWindow;
use slint::{ComponentHandle, Model};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// Renders every screen for one layout and language into `out`.
pub(super) fn render_set(
    surface: &MinimalSoftwareWindow,
    window: &MainWindow,
    runtime: &tokio::runtime::Runtime,
    layout: Layout,
    language: &str,
    out: &Path,
    (rendered, look): (&mut Rendered, &mut Look),
) -> anyhow::Result<()> {
    let mut settings = Settings::default();
    settings.kiosk.layout = layout;
    settings.kiosk.language = language.into();
    // The demo register never pays by itself here: the barcode must stay on screen.
    settings.demo.cash_register_auto_pay_after_polls = 10_000;
    prepare_window(window, &settings);
    // The window is shared by every set: clear what the previous set's offline kiosk left.
    apply(
        window,
        Update::Queue {
            waiting: 0,
            line_down: false,
            store_problem: String::new(),
            stuck: 0,
            clock_skew_minutes: 0,
            line_problem: crate::ui::LineProblem::Unreachable,
        },
    );
    let size = layout.size();
    let (tx, updates) = mpsc::channel();
    let sink: Sink = std::sync::Arc::new(move |update| {
        let _ = tx.send(update);
    });
    let scratch = std::env::temp_dir().join(format!("instore-screens-{}-{}", std::process::id(), language));
    let _ = std::fs::remove_dir_all(&scratch);
    scratch_queue(&scratch)?;
    let mut config = crate::ui::controller_config(&settings, None);
    config.data_dir = Some(scratch.clone());
    // No background sending while the screens are taken: the queue must stay as made.
    config.tick_every = Duration::from_secs(24 * 3600);
    let handle = {
        let _guard = runtime.enter();
        controller::spawn(config, sink)
    };
    let s = Session {
        window,
        updates,
        handle,
    };
    s.wait("the connection", |w| {
        !w.global::<KioskAdapter>().get_server().is_empty()
    })?;
    let mut shot = |name: &str| -> anyhow::Result<()> {
        // Never a screen caught under the busy overlay of an answer still on its way.
        s.wait(name, |_| true)?;
        if !super::wanted(name) {
            return Ok(());
        }
        let path = out.join(format!("{name}-{}x{}-{language}.png", size.0, size.1));
        render_png(surface, size, &path)?;
        look(window, &path);
        if name == "cash-register-barcode" {
            let number = window.global::<CashRegisterAdapter>().get_number().to_string();
            rendered.barcode_numbers.push((path.clone(), number));
        }
        if name == "handoff" {
            let url = window.global::<crate::ui::HandoffAdapter>().get_url().to_string();
            rendered.handoff_urls.push((path.clone(), url));
        }
        if name.starts_with("thank-you") && window.global::<crate::ui::ThankYouAdapter>().get_has_receipt() {
            let link = window
                .global::<crate::ui::ThankYouAdapter>()
                .get_receipt_link()
                .to_string();
            rendered.receipt_links.push((path.clone(), link));
        }
        rendered.files.push(path);
        Ok(())
    };

    s.settle();
    apply(window, Update::Show(View::Welcome));
    shot("welcome")?;
    apply(window, Update::Show(View::Basket));
    for code in ["8690000010011", "8690000010103", "8690000010059"] {
        s.handle.send(Intent::AddCode(code.into()));
    }
    s.wait("three lines", |w| {
        w.global::<BasketAdapter>().get_lines().row_count() == 3
    })?;
    shot("basket")?;
    // The code field typing letters (a SKU) on the on-screen keyboard.
    let keyboard = window.global::<crate::ui::KeyboardAdapter>();
    keyboard.set_layout(crate::ui::KeyboardLayout::Text);
    keyboard.set_for_code(true);
    shot("basket-letters-keyboard")?;
    keyboard.set_for_code(false);
    // The product search over the basket: typed on its keyboard, then put away. One
    // glove in stock here, the coat on no shelf of this store.
    let search = window.global::<crate::ui::SearchAdapter>();
    search.set_open(true);
    search.set_query("yün".into());
    search.set_state(crate::ui::SearchState::Searching);
    s.handle.send(Intent::SearchProducts("yün".into()));
    s.wait("the products found, with their pictures", |w| {
        let search = w.global::<crate::ui::SearchAdapter>();
        search.get_state() == crate::ui::SearchState::Done
            && search.get_results().row_count() == 2
            && search.get_results().iter().all(|card| card.has_picture)
    })?;
    shot("product-search-keyboard")?;
    window.invoke_focus_keys();
    shot("product-search")?;
    // Browsing instead: the categories with their pictures, then one's products.
    search.set_view(crate::ui::ProductsView::Categories);
    search.set_state(crate::ui::SearchState::Searching);
    s.handle.send(Intent::BrowseCategories);
    s.wait("the categories, with their pictures", |w| {
        let search = w.global::<crate::ui::SearchAdapter>();
        search.get_state() == crate::ui::SearchState::Done
            && search.get_categories().row_count() == crate::sim::catalog::CATEGORIES.len()
            && search.get_categories().iter().all(|tile| tile.has_picture)
    })?;
    shot("categories")?;
    let tops = search.get_categories().row_data(0).expect("a first category");
    search.set_category_pk(tops.pk.clone());
    search.set_category_name(tops.name.clone());
    search.set_results(Default::default());
    search.set_view(crate::ui::ProductsView::Category);
    search.set_state(crate::ui::SearchState::Searching);
    s.handle.send(Intent::OpenCategory(tops.pk.to_string()));
    s.wait("the category's products, with their pictures", |w| {
        let search = w.global::<crate::ui::SearchAdapter>();
        search.get_state() == crate::ui::SearchState::Done
            && search.get_results().row_count() > 0
            && search.get_results().iter().all(|card| card.has_picture)
    })?;
    shot("category-products")?;
    // Boots, found by name, ask for their size: each size's stock here.
    search.set_view(crate::ui::ProductsView::ByName);
    search.set_query("bot".into());
    search.set_state(crate::ui::SearchState::Searching);
    s.handle.send(Intent::SearchProducts("bot".into()));
    s.wait("the boots, with their picture", |w| {
        let search = w.global::<crate::ui::SearchAdapter>();
        search.get_state() == crate::ui::SearchState::Done
            && search.get_results().row_count() == 1
            && search.get_results().iter().all(|card| card.has_picture)
    })?;
    window.invoke_focus_keys();
    search.set_chosen(search.get_results().row_data(0).expect("the boots"));
    search.set_choosing(true);
    shot("variant-choice")?;
    search.set_choosing(false);
    // The coat, on no shelf here: the other stores that have it.
    search.set_query("kaban".into());
    search.set_state(crate::ui::SearchState::Searching);
    s.handle.send(Intent::SearchProducts("kaban".into()));
    s.wait("the coat, with its picture", |w| {
        let search = w.global::<crate::ui::SearchAdapter>();
        search.get_state() == crate::ui::SearchState::Done
            && search.get_results().row_count() == 1
            && search.get_results().iter().all(|card| card.has_picture)
    })?;
    let coat = search.get_results().row_data(0).expect("the coat");
    search.set_elsewhere_of(coat.clone());
    search.set_elsewhere_state(crate::ui::ElsewhereState::Loading);
    search.set_elsewhere_open(true);
    s.handle.send(Intent::StockElsewhere(coat.pk.to_string()));
    s.wait("the other stores", |w| {
        w.global::<crate::ui::SearchAdapter>().get_elsewhere_state() == crate::ui::ElsewhereState::Done
    })?;
    shot("stock-elsewhere")?;
    search.set_elsewhere_open(false);
    search.set_view(crate::ui::ProductsView::ByName);
    search.set_open(false);
    super::extras::voucher_screens(&s, &mut shot)?;
    // Accessible mode, as a self-service customer turns it on from the bar at the bottom.
    let kiosk = window.global::<KioskAdapter>();
    let self_service = kiosk.get_self_service();
    kiosk.set_self_service(true);
    // A self-service customer's Start over with lines in the basket: the question.
    kiosk.set_confirming(crate::ui::Confirming::StartOver);
    shot("basket-start-over")?;
    kiosk.set_confirming(crate::ui::Confirming::None);
    kiosk.set_accessible(true);
    shot("basket-accessible")?;

    s.send_and_wait(Intent::Pay, Screen::PaymentOptions)?;
    shot("payment-options-accessible")?;
    kiosk.set_accessible(false);
    kiosk.set_self_service(self_service);
    shot("payment-options")?;
    super::extras::gift_card_screens(&s, &mut shot)?;
    s.send_and_wait(
        Intent::ChooseOption(s.option_pk("Cash Register (installments)")?),
        Screen::CashRegisterInstallments,
    )?;
    shot("cash-register-installments")?;
    let first = window
        .global::<CashRegisterAdapter>()
        .get_banks()
        .row_data(0)
        .and_then(|b| b.installments.row_data(1));
    let plan = first.ok_or_else(|| anyhow::anyhow!("no installment plan"))?;
    s.send_and_wait(
        Intent::CashRegisterInstallment(plan.pk.to_string()),
        Screen::CashRegisterBarcode,
    )?;
    s.wait("the countdown", |w| {
        w.global::<CashRegisterAdapter>().get_seconds_left() > 0
    })?;
    shot("cash-register-barcode")?;

    s.send_and_wait(Intent::Cancel, Screen::Basket)?;
    s.send_and_wait(Intent::Pay, Screen::PaymentOptions)?;
    s.send_and_wait(
        Intent::ChooseOption(s.option_pk("Pay on Delivery")?),
        Screen::PayOnDelivery,
    )?;
    let pod = window.global::<PayOnDeliveryAdapter>();
    if let Some(choice) = pod.get_choices().row_data(0) {
        // As a tap on it does (`PayOnDeliveryPage.pick`).
        pod.set_selected(choice.value);
        pod.set_selected_fee(choice.fee);
        pod.set_selected_total(choice.total);
    }
    pod.set_agreed(true);
    shot("pay-on-delivery")?;
    // "Read the agreement": the kiosk's own text over the step.
    window.global::<KioskAdapter>().set_reading_agreement(true);
    shot("sales-agreement")?;
    window.global::<KioskAdapter>().set_reading_agreement(false);

    s.send_and_wait(Intent::Cancel, Screen::Basket)?;
    s.send_and_wait(Intent::Pay, Screen::PaymentOptions)?;
    s.send_and_wait(Intent::ChooseOption(s.option_pk("Saved Card")?), Screen::SavedCardList)?;
    shot("saved-card-list")?;
    let card = window
        .global::<SavedCardAdapter>()
        .get_cards()
        .row_data(0)
        .map(|c| c.token.to_string());
    s.send_and_wait(
        Intent::SavedCard(card.unwrap_or_default()),
        Screen::SavedCardInstallments,
    )?;
    shot("saved-card-installments")?;
    let plan = window
        .global::<SavedCardAdapter>()
        .get_installments()
        .row_data(1)
        .map(|p| p.pk.to_string());
    s.send_and_wait(
        Intent::SavedCardInstallment(plan.unwrap_or_default()),
        Screen::SavedCardConfirm,
    )?;
    window.global::<SavedCardAdapter>().set_agreed(true);
    shot("saved-card-confirm")?;
    s.send_and_wait(Intent::SavedCardConfirm { agreed: true }, Screen::ThankYou)?;
    shot("thank-you")?;
    // Returned in part after the day's close.
    let sold = window.global::<crate::ui::ThankYouAdapter>().get_order_number().to_string();

    // The other strategies' screens, each left with Cancel.
    s.send_and_wait(Intent::NewSale, Screen::Basket)?;
    s.handle.send(Intent::AddCode("8690000010059".into()));
    s.wait("one line", |w| w.global::<BasketAdapter>().get_lines().row_count() == 1)?;
    let step = window.global::<crate::ui::StepAdapter>();
    let first_choice = || {
        step.get_choices()
            .row_data(0)
            .map(|r| r.key.to_string())
            .unwrap_or_default()
    };
    let option = |name: &str, screen: Screen| -> anyhow::Result<()> {
        s.send_and_wait(Intent::Cancel, Screen::Basket)?;
        s.send_and_wait(Intent::Pay, Screen::PaymentOptions)?;
        s.send_and_wait(Intent::ChooseOption(s.option_pk(name)?), screen)
    };
    option("Funds Transfer", Screen::ChoiceList)?;
    shot("funds-transfer-accounts")?;
    s.send_and_wait(Intent::Choose(first_choice()), Screen::Confirm)?;
    step.set_agreed(true);
    shot("funds-transfer-details")?;
    option("Loyalty Money", Screen::Confirm)?;
    shot("loyalty-money")?;
    option("Pay Later", Screen::Confirm)?;
    shot("pay-later")?;
    option("Shopping Credit", Screen::ChoiceList)?;
    shot("credit-payment-options")?;
    option("Paycell (with agreement)", Screen::Confirm)?;
    shot("paycell-terms")?;
    s.handle.send(Intent::Confirm { agreed: true });
    s.wait("the SMS confirmation", |w| {
        w.global::<crate::ui::StepAdapter>().get_terms_text().is_empty()
    })?;
    s.send_and_wait(Intent::Confirm { agreed: true }, Screen::NumberEntry)?;
    step.set_digits("55".into());
    shot("paycell-otp")?;
    option("MobilExpress (phone verification)", Screen::NumberEntry)?;
    step.set_digits("532123".into());
    shot("mobilexpress-phone")?;
    s.handle.send(Intent::Number("5321234567".into()));
    s.wait("the code", |w| {
        w.global::<crate::ui::StepAdapter>().get_max_digits() == 8
    })?;
    step.set_digits("554".into());
    shot("mobilexpress-otp")?;
    s.send_and_wait(Intent::Number("5544".into()), Screen::ChoiceList)?;
    shot("mobilexpress-cards")?;
    s.send_and_wait(Intent::Choose(first_choice()), Screen::SavedCardInstallments)?;
    shot("mobilexpress-installments")?;
    option("Redirection", Screen::Confirm)?;
    s.send_and_wait(Intent::Confirm { agreed: true }, Screen::Handoff)?;
    shot("handoff")?;
    s.send_and_wait(Intent::Cancel, Screen::Basket)?;

    // Selling for a customer: the search, a new customer's form, the delivery screen
    // with a line only shipped, a new address and the shipping options.
    let customers = window.global::<crate::ui::CustomerAdapter>();
    let search = |text: &str| -> anyhow::Result<()> {
        s.send_and_wait(Intent::FindCustomer, Screen::CustomerSearch)?;
        customers.set_search(text.into());
        s.handle.send(Intent::SearchCustomers(text.into()));
        s.wait("the customers found", |w| {
            w.global::<crate::ui::CustomerAdapter>().get_searched()
        })
    };
    search("Yılmaz")?;
    // The search opens on its field, the keyboard up; put away, the results show.
    shot("customer-search-keyboard")?;
    window.invoke_focus_keys();
    shot("customer-search")?;
    s.send_and_wait(Intent::NewCustomerForm, Screen::CustomerNew)?;
    customers.set_first_name("Zeynep".into());
    customers.set_last_name("Kaya".into());
    customers.set_phone("0212 555 12 12".into());
    if let Some(mut first) = customers.get_consents().row_data(0) {
        first.checked = true;
        customers.get_consents().set_row_data(0, first);
    }
    apply(
        window,
        Update::CustomerProblem(crate::ui::CustomerProblem::Phone, String::new()),
    );
    window.invoke_focus_keys();
    shot("customer-new")?;
    customers.set_email("zeynep".into());
    keyboard.set_focus(crate::ui::FieldId::Email);
    shot("customer-new-keyboard")?;
    window.invoke_focus_keys();
    search("Yılmaz")?;
    let pk = customers.get_results().row_data(0).map(|c| c.key.to_string());
    s.send_and_wait(Intent::ChooseCustomer(pk.unwrap_or_default()), Screen::Basket)?;
    s.handle.send(Intent::AddCode("8690000010134".into()));
    s.wait("the coat, shipped only", |w| {
        w.global::<BasketAdapter>().get_lines().row_count() == 2
    })?;
    // As the basket reads when the customer's own (web shop) basket held something.
    apply(window, Update::BasketNotice(crate::ui::view::Notice::SetAside));
    shot("customer-basket")?;
    s.send_and_wait(Intent::Pay, Screen::Delivery)?;
    shot("delivery")?;
    s.send_and_wait(Intent::NewAddressForm, Screen::AddressNew)?;
    let delivery = window.global::<crate::ui::DeliveryAdapter>();
    delivery.set_picking(crate::ui::AddressPicking::City);
    shot("address-city")?;
    delivery.set_picking(crate::ui::AddressPicking::None);
    let istanbul = delivery.get_cities().iter().position(|c| c == "İstanbul").unwrap_or(0) as i32;
    delivery.set_city_index(istanbul);
    s.handle.send(Intent::CityChosen(istanbul));
    s.wait("the districts", |w| {
        w.global::<crate::ui::DeliveryAdapter>().get_districts().row_count() > 0
    })?;
    delivery.set_district_index(0);
    delivery.set_title("Yazlık".into());
    delivery.set_line("Moda Cad. No: 40 D: 2".into());
    window.invoke_focus_keys();
    shot("address-new")?;
    keyboard.set_focus(crate::ui::FieldId::AddressTitle);
    shot("address-new-keyboard")?;
    window.invoke_focus_keys();
    s.send_and_wait(Intent::BackToDelivery, Screen::Delivery)?;
    let address = delivery.get_addresses().row_data(0).map(|a| a.key.to_string());
    s.send_and_wait(Intent::ShipTo(address.unwrap_or_default()), Screen::ChoiceList)?;
    shot("shipping-options")?;
    let first = window.global::<crate::ui::StepAdapter>().get_choices().row_data(0);
    let first = first.map(|c| c.key.to_string()).unwrap_or_default();
    s.send_and_wait(Intent::Choose(first), Screen::PaymentOptions)?;
    // The amount due with what shipping added to the goods.
    shot("payment-options-shipped")?;
    // The customer's order placed, its receipt e-mailed to them while the printer is
    // out of paper: the screen says so over the QR code.
    s.send_and_wait(
        Intent::ChooseOption(s.option_pk("Pay on Delivery")?),
        Screen::PayOnDelivery,
    )?;
    let choice = window.global::<PayOnDeliveryAdapter>().get_choices().row_data(0);
    let choice = choice.map(|c| c.value.to_string()).unwrap_or_default();
    s.send_and_wait(Intent::PayOnDelivery { choice, agreed: true }, Screen::ThankYou)?;
    s.handle
        .send(Intent::SendReceipt(crate::commerce::ReceiptChannel::Email));
    s.wait("the receipt e-mailed", |w| {
        w.global::<crate::ui::ThankYouAdapter>().get_emailed()
    })?;
    {
        use crate::devices::printer::{Problem, Report};
        let problem = |problem, waiting| Update::Printer(Report { problem, waiting });
        apply(window, problem(Some(Problem::PaperOut), 1));
        shot("thank-you-receipt-qr")?;
        apply(window, problem(None, 0));
    }
    s.send_and_wait(Intent::NewSale, Screen::Basket)?;

    apply(
        window,
        Update::Show(View::Error {
            error: ScreenError::Network(format!(
                "the commerce server at https://commerce.example.com/ cannot be reached ({})",
                "Connection refused"
            )),
            can_retry: true,
        }),
    );
    shot("error")?;
    apply(
        window,
        Update::Show(View::Unconfirmed {
            sent: crate::ui::view::Sent::Register("4640860600984".into()),
            amount: "1.730,93 ₺".into(),
            detail: "the commerce server at https://commerce.example.com/ cannot be reached (timed out)".into(),
        }),
    );
    shot("unconfirmed")?;
    s.send_and_wait(Intent::Staff, Screen::NumberEntry)?;
    shot("pin-pad")?;
    s.send_and_wait(Intent::Pin(crate::ui::controller::DEMO_PIN.into()), Screen::Diagnostics)?;
    shot("diagnostics")?;
    s.send_and_wait(Intent::OpenSetup, Screen::Setup)?;
    shot("setup-keyboard")?;
    window.invoke_focus_keys();
    shot("setup")?;
    s.send_and_wait(Intent::ShowOrders, Screen::Orders)?;
    shot("orders")?;
    // The day's close over the sales above, the scratch queue's orders waiting apart;
    // then closed 12,50 off what the till should hold.
    s.send_and_wait(Intent::DayClose, Screen::DayClose)?;
    shot("day-close")?;
    let close = window.global::<crate::ui::DayCloseAdapter>();
    let expected: String = close.get_expected().chars().filter(char::is_ascii_digit).collect();
    let expected = expected.parse::<i64>().unwrap_or(0);
    let counted = if expected >= 1250 { expected - 1250 } else { expected + 1250 };
    close.set_counted(counted.to_string().into());
    s.handle.send(Intent::CloseDay(counted.to_string()));
    s.wait("the day closed", |w| w.global::<crate::ui::DayCloseAdapter>().get_closed())?;
    shot("day-closed")?;
    super::extras::return_screens(&s, &mut shot, &sold)?;
    use crate::devices::printer::{Problem, Report};
    apply(
        window,
        Update::Printer(Report {
            problem: Some(Problem::PaperOut),
            waiting: 2,
        }),
    );
    apply(window, Update::Show(View::Basket));
    shot("printer-problem")?;
    apply(
        window,
        Update::Printer(Report {
            problem: None,
            waiting: 0,
        }),
    );
    drop(s);

    // The same kiosk with its server out of reach: it sells from its catalog copy, with
    // the options and fees the online screens above left in its store.
    let unreachable = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let (tx, updates) = mpsc::channel();
    let sink: Sink = std::sync::Arc::new(move |update| {
        let _ = tx.send(update);
    });
    let mut offline = crate::ui::controller_config(&settings, None);
    offline.backend = controller::Backend::Server {
        url: format!("http://{unreachable}/"),
        email: crate::sim::Scenario::default().demo_email,
        password: String::new(),
    };
    offline.data_dir = Some(scratch.clone());
    offline.tick_every = Duration::from_secs(24 * 3600);
    offline.connect_timeout = Duration::from_millis(500);
    let handle = {
        let _guard = runtime.enter();
        controller::spawn(offline, sink)
    };
    let s = Session {
        window,
        updates,
        handle,
    };
    s.wait("the offline basket", |w| w.global::<KioskAdapter>().get_offline())?;
    for code in ["8690000010011", "8690000010059"] {
        s.handle.send(Intent::AddCode(code.into()));
    }
    s.wait("two lines", |w| {
        w.global::<BasketAdapter>().get_lines().row_count() == 2
    })?;
    let mut shot = |name: &str| -> anyhow::Result<()> {
        // Never a screen caught under the busy overlay of an answer still on its way.
        s.wait(name, |_| true)?;
        if !super::wanted(name) {
            return Ok(());
        }
        let path = out.join(format!("{name}-{}x{}-{language}.png", size.0, size.1));
        render_png(surface, size, &path)?;
        look(window, &path);
        rendered.files.push(path);
        Ok(())
    };
    shot("offline-basket")?;
    s.send_and_wait(Intent::Pay, Screen::PaymentOptions)?;
    shot("offline-payment-options")?;
    s.send_and_wait(
        Intent::ChooseOption(s.option_pk("Pay on Delivery")?),
        Screen::PayOnDelivery,
    )?;
    let pod = window.global::<PayOnDeliveryAdapter>();
    let first = pod.get_choices().row_data(0).unwrap_or_default();
    let choice = first.value.clone();
    pod.set_selected(first.value);
    pod.set_selected_fee(first.fee);
    pod.set_selected_total(first.total);
    pod.set_agreed(true);
    shot("offline-pay-on-delivery")?;
    s.send_and_wait(
        Intent::PayOnDelivery {
            choice: choice.to_string(),
            agreed: true,
        },
        Screen::ThankYou,
    )?;
    shot("offline-thank-you")?;
    drop(s);
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}
