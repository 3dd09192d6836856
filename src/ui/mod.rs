//! The touchscreen: Slint on the main thread, the controller on tokio worker threads.
//!
//! `run_kiosk` builds the window, wires each adapter callback to an [`Intent`] and
//! starts the controller, which logs in and loads data after the first frame. Screens
//! change only through `view::apply` on the UI thread.

pub mod controller;
pub mod environment;
pub mod keyboard;
pub mod keys;
mod measure;
pub mod metrics;
mod products;
pub mod screenshots;
pub mod setup;
pub mod speech;
pub mod view;

use measure::{drive_bench_sale, Phases};
pub use measure::{memory_kib, Measure};

slint::include_modules!();

use crate::settings::{Layout, Mode, Settings};
use controller::{Backend, ControllerConfig, ControllerHandle, Intent, Sink};
use slint::{ComponentHandle, Model};
use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Builds the controller's configuration from settings and an optional URL override.
pub fn controller_config(settings: &Settings, commerce_url: Option<String>) -> ControllerConfig {
    let url = commerce_url.or_else(|| settings.commerce.url.clone());
    let backend = match url {
        Some(url) => Backend::Server {
            url,
            email: settings.commerce.email.clone().unwrap_or_default(),
            password: settings.commerce.password.clone().unwrap_or_default(),
        },
        None => Backend::Demo(Box::new(crate::sim::Scenario {
            cash_register_auto_pay_after_polls: Some(settings.demo.cash_register_auto_pay_after_polls),
            cash_register_poll_seconds: settings.demo.cash_register_poll_seconds,
            ..Default::default()
        })),
    };
    ControllerConfig {
        backend,
        connect_timeout: settings.commerce.connect_timeout(),
        request_timeout: settings.commerce.request_timeout(),
        call_staff_after: Duration::from_secs(settings.kiosk.call_staff_after_seconds),
        self_service: settings.kiosk.mode == Mode::SelfService,
        thank_you_seconds: settings.kiosk.thank_you_seconds as u32,
        data_dir: None,
        tick_every: Duration::from_secs(10),
        price_tolerance_percent: settings.offline.price_tolerance_percent,
        catalog_every: Duration::from_secs(settings.offline.catalog_refresh_minutes.max(1) * 60),
        retention: Duration::from_secs(settings.offline.retention_days * 24 * 3600),
        offline_payment_types: settings.offline.payment_types.clone(),
        self_service_payment_types: settings.kiosk.payment_types.clone(),
        handoff: settings.handoff.clone(),
        handoff_wait: Duration::from_secs(settings.kiosk.handoff_wait_seconds),
        settings: settings.clone(),
        settings_file: None,
        pins: settings.pins.clone(),
        limits: crate::offline::queue::Limits::from(&settings.offline),
        printer: Some(settings.printer.clone()).filter(|p| !p.port.is_empty()),
        scanner: Some(settings.scanner.clone()).filter(|s| !s.port.is_empty()),
        receipt: settings.receipt.clone(),
        exit_on_panic: false,
    }
}

/// Sets the window's fixed properties from settings.
pub fn prepare_window(window: &MainWindow, settings: &Settings) {
    let kiosk = window.global::<KioskAdapter>();
    kiosk.set_portrait(settings.kiosk.layout == Layout::Portrait);
    kiosk.set_self_service(settings.kiosk.mode == Mode::SelfService);
    kiosk.set_fullscreen(settings.kiosk.fullscreen);
    kiosk.set_agreement_text(settings.kiosk.sales_agreement().into());
    kiosk.set_screen(if settings.kiosk.mode == Mode::SelfService {
        Screen::Welcome
    } else {
        Screen::Basket
    });
    set_language(window, &settings.kiosk.language);
    let step = window.global::<StepAdapter>();
    step.on_shown(|digits, kind| view::shown_digits(&digits, kind).into());
    window.global::<DayCloseAdapter>().on_shown(|digits| {
        crate::commerce::money::format_try(view::counted_cash(&digits).unwrap_or_default()).into()
    });
    step.on_without_last(|digits| {
        let mut digits = digits.to_string();
        digits.pop();
        digits.into()
    });
    let (width, height) = settings.kiosk.layout.size();
    window
        .window()
        .set_size(slint::LogicalSize::new(width as f32, height as f32));
}

/// Switches the screens' language (`tr`, `en`, as the settings name it); English is
/// the source language.
pub fn set_language(window: &MainWindow, language: &str) {
    if let Err(e) = slint::select_bundled_translation(language) {
        tracing::warn!(language, error = %e, "no translation bundled");
    }
    window.global::<KioskAdapter>().set_language(language_of(language));
}

/// A language as the settings name it (`tr`, `en`); anything else is Turkish, the
/// settings' default (they refuse any other name on load).
pub fn language_of(code: &str) -> Language {
    match code {
        "en" => Language::En,
        _ => Language::Tr,
    }
}

/// The settings' (and gettext's) name of a language.
pub fn language_code(language: Language) -> &'static str {
    match language {
        Language::Tr => "tr",
        Language::En => "en",
    }
}

/// A sink that applies updates on the UI thread of `window`.
pub fn window_sink(window: &MainWindow) -> Sink {
    let weak = window.as_weak();
    Arc::new(move |update| {
        let _ = weak.upgrade_in_event_loop(move |window| view::apply(&window, update));
    })
}

/// Marks the kiosk busy at once (so a second tap finds the buttons disabled) and
/// hands the intent to the controller.
fn dispatch(window: &slint::Weak<MainWindow>, handle: &ControllerHandle, intent: Intent) {
    if let Some(window) = window.upgrade() {
        let kiosk = window.global::<KioskAdapter>();
        if kiosk.get_busy() {
            return;
        }
        kiosk.set_busy(true);
    }
    handle.send(intent);
}

/// Connects every adapter callback to the controller.
pub fn wire(window: &MainWindow, handle: &ControllerHandle, settings: &Settings) {
    keys::wire(window, handle);
    keyboard::wire(window);
    products::wire(window, handle);
    speech::wire(window, speech::Speaker::start(&settings.kiosk.speech_command));
    window.invoke_focus_keys();
    let weak = window.as_weak();
    macro_rules! on {
        ($global:ty, $setter:ident, [$($arg:ident),*] => $intent:expr) => {{
            let (weak, handle) = (weak.clone(), handle.clone());
            window.global::<$global>().$setter(move |$($arg),*| dispatch(&weak, &handle, $intent));
        }};
    }
    on!(KioskAdapter, on_start, [] => Intent::Start);
    on!(KioskAdapter, on_browse, [] => Intent::Browse);
    on!(KioskAdapter, on_new_sale, [] => Intent::NewSale);
    on!(KioskAdapter, on_cancel, [] => Intent::Cancel);
    on!(KioskAdapter, on_back, [] => Intent::Back);
    on!(KioskAdapter, on_retry, [] => Intent::Retry);
    on!(UnconfirmedAdapter, on_check, [] => Intent::Retry);
    on!(ThankYouAdapter, on_send_receipt, [channel] => Intent::SendReceipt(match channel {
        ReceiptChannel::Email => crate::commerce::ReceiptChannel::Email,
        ReceiptChannel::Sms => crate::commerce::ReceiptChannel::Sms,
    }));
    on!(StepAdapter, on_choose, [key] => Intent::Choose(key.to_string()));
    on!(StepAdapter, on_confirm, [agreed] => Intent::Confirm { agreed });
    // The keypad screen is also the staff's PIN pad.
    let (w, h) = (weak.clone(), handle.clone());
    window.global::<StepAdapter>().on_submit(move |digits| {
        let pin = w
            .upgrade()
            .is_some_and(|window| window.global::<StepAdapter>().get_entry_kind() == EntryKind::Pin);
        let intent = if pin {
            Intent::Pin(digits.to_string())
        } else {
            Intent::Number(digits.to_string())
        };
        dispatch(&w, &h, intent);
    });
    on!(KioskAdapter, on_staff, [] => Intent::Staff);
    on!(KioskAdapter, on_call_staff, [] => Intent::CallStaff);
    on!(DiagnosticsAdapter, on_refresh, [] => Intent::ShowDiagnostics);
    on!(DiagnosticsAdapter, on_export, [] => Intent::ExportDiagnostics);
    on!(DiagnosticsAdapter, on_setup, [] => Intent::OpenSetup);
    on!(UnconfirmedAdapter, on_end_sale, [] => Intent::EndUnconfirmed);
    on!(BasketAdapter, on_change_quantity, [product, delta] => {
        Intent::ChangeQuantity(product.to_string(), delta)
    });
    on!(BasketAdapter, on_remove, [product] => Intent::Remove(
        product.to_string()
    ));
    on!(BasketAdapter, on_pay, [] => Intent::Pay);
    on!(BasketAdapter, on_apply_voucher, [code] => Intent::ApplyVoucher(code.to_string()));
    on!(BasketAdapter, on_remove_voucher, [] => Intent::RemoveVoucher);
    on!(PaymentAdapter, on_gift_card, [] => Intent::GiftCard);
    on!(PaymentAdapter, on_remove_gift_cards, [] => Intent::RemoveGiftCards);
    on!(PaymentAdapter, on_complete_on_gift_cards, [] => Intent::CompleteOnGiftCards);
    // Not a request: it only tells the controller where a scan goes.
    let h = handle.clone();
    window
        .global::<BasketAdapter>()
        .on_voucher_panel(move |open| h.send(Intent::VoucherPanel(open)));
    on!(OrdersAdapter, on_open, [] => Intent::ShowOrders);
    on!(OrdersAdapter, on_day_close, [] => Intent::DayClose);
    on!(DayCloseAdapter, on_close, [digits] => Intent::CloseDay(digits.to_string()));
    on!(OrdersAdapter, on_returns, [] => Intent::Returns);
    on!(ReturnAdapter, on_find, [text] => Intent::FindOrder(text.to_string()));
    on!(ReturnAdapter, on_note, [number] => Intent::NoteReturn(number.to_string()));
    on!(ReturnAdapter, on_submit, [cancel_whole, cash_confirmed] => Intent::MakeReturn { cancel_whole, cash_confirmed });
    on!(ReturnAdapter, on_exchange, [] => Intent::Exchange);
    on!(ReturnAdapter, on_another, [] => Intent::Returns);
    on!(ThankYouAdapter, on_refund_credit_left, [] => Intent::RefundCreditLeft);
    // What comes back changes on the screen alone: no request, no busy overlay.
    let pick = |h: ControllerHandle, make: fn(i32, i32) -> controller::ReturnPick| {
        move |a: i32, b: i32| h.send(Intent::ReturnPick(make(a, b)))
    };
    let returns = window.global::<ReturnAdapter>();
    returns.on_units(pick(handle.clone(), |line, delta| controller::ReturnPick::Units {
        line: line.max(0) as usize,
        delta,
    }));
    let h = handle.clone();
    returns.on_choose_reason(move |i| h.send(Intent::ReturnPick(controller::ReturnPick::Reason(i.max(0) as usize))));
    let h = handle.clone();
    returns.on_choose_way(move |i| h.send(Intent::ReturnPick(controller::ReturnPick::Way(i.max(0) as usize))));

    on!(OrdersAdapter, on_show_page, [number] => Intent::OrdersPage(number.max(0) as usize));
    on!(OrdersAdapter, on_reprint, [] => Intent::ReprintLast);
    on!(PaymentAdapter, on_choose, [pk] => Intent::ChooseOption(
        pk.to_string()
    ));
    on!(CashRegisterAdapter, on_choose_installment, [pk] => {
        Intent::CashRegisterInstallment(pk.to_string())
    });
    on!(PayOnDeliveryAdapter, on_place_order, [choice, agreed] => {
        Intent::PayOnDelivery {
            choice: choice.to_string(),
            agreed,
        }
    });
    on!(SavedCardAdapter, on_choose_card, [token] => Intent::SavedCard(
        token.to_string()
    ));
    on!(SavedCardAdapter, on_choose_installment, [pk] => {
        Intent::SavedCardInstallment(pk.to_string())
    });
    on!(SavedCardAdapter, on_confirm, [agreed] => {
        Intent::SavedCardConfirm { agreed }
    });

    on!(CustomerAdapter, on_open, [] => Intent::FindCustomer);
    on!(CustomerAdapter, on_find, [text] => Intent::SearchCustomers(text.to_string()));
    on!(CustomerAdapter, on_choose, [pk] => Intent::ChooseCustomer(pk.to_string()));
    on!(CustomerAdapter, on_new_customer, [] => Intent::NewCustomerForm);
    on!(CustomerAdapter, on_identify, [] => Intent::Identify);
    on!(DeliveryAdapter, on_collect, [] => Intent::Collect);
    on!(DeliveryAdapter, on_ship_to, [pk] => Intent::ShipTo(pk.to_string()));
    on!(DeliveryAdapter, on_new_address, [] => Intent::NewAddressForm);
    on!(DeliveryAdapter, on_choose_city, [index] => Intent::CityChosen(index));
    on!(DeliveryAdapter, on_back, [] => Intent::BackToDelivery);
    // The forms are read as they stand when their button is tapped.
    let (w, h) = (weak.clone(), handle.clone());
    window.global::<CustomerAdapter>().on_create(move || {
        let Some(window) = w.upgrade() else { return };
        let form = window.global::<CustomerAdapter>();
        let customer = crate::commerce::customers::NewCustomer {
            first_name: form.get_first_name().to_string(),
            last_name: form.get_last_name().to_string(),
            phone: form.get_phone().to_string(),
            email: form.get_email().to_string(),
            consents: form
                .get_consents()
                .iter()
                .map(|row| {
                    let consent = crate::commerce::customers::Consent {
                        key: row.key.to_string(),
                        label: row.label.to_string(),
                        required: row.required,
                    };
                    (consent, row.checked)
                })
                .collect(),
        };
        dispatch(&w, &h, Intent::CreateCustomer(Box::new(customer)));
    });
    let (w, h) = (weak.clone(), handle.clone());
    window.global::<DeliveryAdapter>().on_save_address(move || {
        let Some(window) = w.upgrade() else { return };
        let form = window.global::<DeliveryAdapter>();
        let address = controller::AddressForm {
            title: form.get_title().to_string(),
            city: form.get_city_index(),
            district: form.get_district_index(),
            line: form.get_line().to_string(),
        };
        dispatch(&w, &h, Intent::SaveAddress(address));
    });

    // The code field empties once its code was sent.
    let w = weak.clone();
    let h = handle.clone();
    window.global::<BasketAdapter>().on_add_code(move |code| {
        if let Some(window) = w.upgrade() {
            window.global::<BasketAdapter>().set_code(Default::default());
        }
        dispatch(&w, &h, Intent::AddCode(code.to_string()));
    });
    // Demo cashier: not a request of the kiosk's own, so it does not block the screen.
    let h = handle.clone();
    window
        .global::<CashRegisterAdapter>()
        .on_pay_at_register(move || h.send(Intent::PayAtRegister));
    let h = handle.clone();
    window
        .global::<HandoffAdapter>()
        .on_demo_approve(move || h.send(Intent::ApproveOnPhone));
    let (w, h) = (weak.clone(), handle.clone());
    window.global::<KioskAdapter>().on_set_language(move |language| {
        if let Some(window) = w.upgrade() {
            set_language(&window, language_code(language));
        }
        h.send(Intent::Language(language_code(language).into()));
    });
    start_timers(window, handle, settings);
}

/// Self-service idle reset and the thank-you countdown, on the UI thread.
///
/// Idle time is counted in ticks of a one-second Slint timer rather than read from the
/// clock, so Slint's mock time drives it in tests exactly as real time does on a device.
fn start_timers(window: &MainWindow, handle: &ControllerHandle, settings: &Settings) {
    let idle_seconds = Rc::new(Cell::new(0u64));
    let (idle, weak) = (idle_seconds.clone(), window.as_weak());
    let still_here = move || {
        idle.set(0);
        if let Some(window) = weak.upgrade() {
            window.global::<KioskAdapter>().set_idle_prompt(false);
        }
    };
    window.global::<Activity>().on_touched(still_here.clone());
    window.global::<KioskAdapter>().on_still_here(still_here);

    let prompt_after = settings.kiosk.idle_prompt_after_seconds;
    let reset_after = settings.kiosk.idle_reset_after_seconds;
    let (weak, handle) = (window.as_weak(), handle.clone());
    let timer = slint::Timer::default();
    timer.start(slint::TimerMode::Repeated, Duration::from_secs(1), move || {
        let Some(window) = weak.upgrade() else { return };
        let kiosk = window.global::<KioskAdapter>();
        if !kiosk.get_self_service() || kiosk.get_busy() {
            return;
        }
        let screen = kiosk.get_screen();
        if screen == Screen::ThankYou {
            let thanks = window.global::<ThankYouAdapter>();
            let left = thanks.get_reset_in() - 1;
            thanks.set_reset_in(left);
            if left <= 0 {
                // The next customer starts in the standard view.
                kiosk.set_accessible(false);
                dispatch(&weak, &handle, Intent::NewSale);
            }
            return;
        }
        // Nobody resets a sale that waits for the register or for a payment's answer, or
        // that sits on the start screen.
        if matches!(
            screen,
            Screen::Welcome | Screen::CashRegisterBarcode | Screen::Unconfirmed
        ) {
            idle_seconds.set(0);
            kiosk.set_idle_prompt(false);
            return;
        }
        let idle = idle_seconds.get() + 1;
        idle_seconds.set(idle);
        // In accessible mode the kiosk asks twice as late, and waits twice as long.
        let slower = if kiosk.get_accessible() { 2 } else { 1 };
        let (prompt_after, reset_after) = (prompt_after * slower, reset_after * slower);
        if idle >= prompt_after {
            let left = (prompt_after + reset_after).saturating_sub(idle);
            kiosk.set_idle_seconds_left(left as i32);
            kiosk.set_idle_prompt(left > 0);
            if left == 0 {
                idle_seconds.set(0);
                kiosk.set_accessible(false);
                dispatch(&weak, &handle, Intent::NewSale);
            }
        }
    });
    // The timer lives as long as the window.
    std::mem::forget(timer);
}

/// Chooses how the window reaches the screen, before the first window is made.
pub fn select_display(display: crate::settings::Display) -> anyhow::Result<()> {
    use crate::settings::Display;
    let name = match display {
        Display::Auto => return Ok(()),
        Display::Window => "winit-software",
        Display::Linuxkms => "linuxkms-software",
    };
    slint::BackendSelector::new()
        .backend_name(name.into())
        .select()
        .map_err(|e| anyhow::anyhow!("kiosk.display = {display:?}: {e}"))
}

/// Starts the kiosk again in this process's place (new settings apply from the start).
/// The account lock's file is closed on exec, so the new process takes it.
fn restart() {
    use std::os::unix::process::CommandExt;
    tracing::info!("settings saved: the kiosk starts again on them");
    let Ok(program) = std::env::current_exe() else { return };
    let error = std::process::Command::new(program)
        .args(std::env::args_os().skip(1))
        .exec();
    tracing::error!(%error, "the kiosk could not start again; exiting for the service manager");
    std::process::exit(0);
}

/// Runs `work` once the window's first frame is on the screen. The software renderer has
/// no rendering notifier, and a timer of the event loop's first turn fires before the
/// window exists: winit's X11 backend fires timers as a turn starts, then creates the
/// window, draws its first frame and maps it; linuxkms draws after the timers too. So
/// the work waits for the second turn. Until it did, the controller, the devices and
/// the login (the simulator's too, in demo mode) ran before the first frame was drawn.
/// One case stays: on a desktop with a session bus, winit holds the window until the
/// XDG portal answers, which can take more than a turn (`environment.rs` names no bus
/// only where none is set).
fn after_first_frame(work: impl FnOnce() + 'static) {
    slint::Timer::single_shot(Duration::ZERO, move || slint::Timer::single_shot(Duration::ZERO, work));
}

/// Opens the kiosk window and runs until it is closed.
pub fn run_kiosk(
    settings: Settings,
    commerce_url: Option<String>,
    data_dir: Option<std::path::PathBuf>,
    settings_file: Option<std::path::PathBuf>,
    measure: Measure,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut phases = Phases::new(started);
    // The kiosk sells on the account's basket: no `queue drain` from a shell, and no
    // second kiosk on the same data, may use it meanwhile.
    let _account = match &data_dir {
        Some(dir) => Some(crate::offline::lock::lock_account(dir, "the kiosk")?),
        None => None,
    };
    phases.mark("lock");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    phases.mark("runtime");
    select_display(settings.kiosk.display)?;
    let window = MainWindow::new()?;
    phases.mark("window");
    prepare_window(&window, &settings);
    if settings.kiosk.fullscreen {
        window.window().set_fullscreen(true);
    }
    let mut config = controller_config(&settings, commerce_url);
    config.exit_on_panic = true;
    let demo = matches!(config.backend, Backend::Demo(_));
    if demo {
        tracing::info!("no commerce server configured: demo mode against the built-in simulator");
    }
    config.data_dir = data_dir;
    config.settings_file = settings_file.clone();
    let config_data_dir = config.data_dir.clone();
    // Log in and load data only once the window is up (`after_first_frame`).
    window.show()?;
    phases.mark("shown");
    let (sink, weak) = (window_sink(&window), window.as_weak());
    // The status endpoint watches what the screen is told, and reads the database.
    let sink = match settings.status.address().map_err(anyhow::Error::msg)? {
        Some(listen) => {
            let facts = crate::status::Shared::default();
            runtime.block_on(crate::status::serve(
                listen,
                facts.clone(),
                config.data_dir.clone(),
                crate::offline::queue::StuckRule::from(&settings.offline),
            ))?;
            metrics::watching(sink, facts)
        }
        None => sink,
    };
    phases.mark("status");
    let handle_slot: Rc<std::cell::RefCell<Option<ControllerHandle>>> = Rc::default();
    let (slot, settings_for_wire) = (handle_slot.clone(), settings.clone());
    let enter = runtime.handle().clone();
    after_first_frame(move || {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        tracing::info!(ms = format!("{ms:.1}"), "first frame");
        if measure == Measure::FirstFrame {
            phases.mark("frame");
            println!("first-frame-ms {ms:.1}");
            println!("phases-ms {phases}");
            let _ = slint::quit_event_loop();
            return;
        }
        // Devices after the first frame: pseudo-terminals and threads can wait for it.
        let mut config = config;
        if let Some(dir) = config.data_dir.clone() {
            let (mut printer, mut scanner) = (settings_for_wire.printer.clone(), settings_for_wire.scanner.clone());
            crate::devices::virtual_devices::attach(&mut printer, &mut scanner, &dir, demo);
            config.printer = Some(printer).filter(|p| !p.port.is_empty());
            config.scanner = Some(scanner).filter(|s| !s.port.is_empty());
        }
        let _guard = enter.enter();
        let handle = controller::spawn(config, sink);
        if let Some(window) = weak.upgrade() {
            wire(&window, &handle, &settings_for_wire);
            // Setup reopened by the technician: saved settings apply by starting again.
            if let Some(target) = settings_file.clone().or_else(Settings::default_path) {
                let dir = config_data_dir.clone().unwrap_or_else(std::env::temp_dir);
                setup::wire(&window, enter.clone(), settings_for_wire.clone(), target, dir, |_| {
                    restart()
                });
            }
            if measure == Measure::Sale {
                drive_bench_sale(&window, &handle);
            }
        }
        *slot.borrow_mut() = Some(handle);
    });
    window.run()?;
    drop(handle_slot);
    runtime.shutdown_timeout(Duration::from_secs(1));
    Ok(())
}
