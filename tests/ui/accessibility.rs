//! A kiosk everyone can use (the European Accessibility Act; EN 301 549): every control
//! of every screen labelled for assistive technology, accessible mode (controls lower,
//! larger, spoken; the idle reset twice as late), speech through the device's voice,
//! and Call staff.

use super::harness::*;
use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementQuery};
use instore_kiosk::ui::view::{
    apply, Choice, DeliveryView, DigitalReceipt, FindProblem, Paid, ReturnView, ScreenError, Sent, Trouble, Update, View,
};
use instore_kiosk::ui::{
    AddressCard, CardItem, ChoiceItem, ChoiceKind, ConfirmKind, CustomerCard, EntryKind, FactKind, InstallmentItem,
    KeyboardAdapter, KeyboardLayout, KioskAdapter, MainWindow, PaymentKind, PaymentOptionItem, Screen,
};
use slint::ComponentHandle;
use std::time::Duration;

/// Every screen the kiosk has, filled with plausible data.
fn every_view() -> Vec<View> {
    let installment = InstallmentItem {
        pk: "1".into(),
        count: 3,
        label: "3 Installments".into(),
        monthly: "83,30 ₺".into(),
        total: "249,90 ₺".into(),
    };
    let text = |s: &str| s.to_string();
    vec![
        View::Welcome,
        View::Basket,
        View::PaymentOptions {
            options: vec![PaymentOptionItem {
                pk: "1".into(),
                name: "Cash Register".into(),
                kind: PaymentKind::CashRegister,
                available: true,
                ..Default::default()
            }],
            amount: text("249,90 ₺"),
            error: String::new(),
        },
        View::CashRegisterInstallments {
            banks: vec![(text("Akbank"), None, vec![installment.clone()])],
            error: String::new(),
        },
        View::CashRegisterBarcode {
            number: text("2026112700042"),
            amount: text("249,90 ₺"),
            barcode: None,
            seconds: 5,
            plan: None,
        },
        View::PayOnDelivery {
            choices: vec![ChoiceItem {
                value: "cash".into(),
                label: "Kapıda nakit".into(),
                fee: "9,90 ₺".into(),
                total: "259,80 ₺".into(),
            }],
            amount: text("249,90 ₺"),
            error: String::new(),
        },
        View::SavedCardList {
            cards: vec![CardItem {
                token: "t".into(),
                name: "My Visa Card".into(),
                masked: "4355 08** **** **17".into(),
            }],
            amount: text("249,90 ₺"),
            error: String::new(),
        },
        View::SavedCardInstallments {
            card_name: text("My Visa Card"),
            installments: vec![installment],
            error: String::new(),
        },
        View::SavedCardConfirm {
            card: text("My Visa Card"),
            count: 3,
            total: text("262,40 ₺"),
            amount: text("262,40 ₺"),
            error: String::new(),
        },
        View::ThankYou {
            order_number: text("4075277975798"),
            amount: text("249,90 ₺"),
            method: text("Cash Register"),
            reset_in: 15,
            pending: false,
            paid: Paid::default(),
            receipt: Some(DigitalReceipt {
                link: text("https://shop.example/orders/completed/abc:def/"),
                qr: instore_kiosk::ui::view::qr_pixels("https://shop.example/orders/completed/abc:def/", 6).unwrap(),
                email: text("ay***@example.com"),
                phone: text("532 *** ** 33"),
            }),
        },
        View::Error {
            error: ScreenError::Network(text("the server cannot be reached")),
            can_retry: true,
        },
        View::Choices {
            kind: ChoiceKind::BankAccount,
            chosen: String::new(),
            rows: vec![Choice {
                key: text("1"),
                title: text("Akbank"),
                detail: text("Instore A.Ş."),
                extra: text("TR12 0006 4000 0011 2345 6789 01"),
                logo: None,
            }],
            amount: text("249,90 ₺"),
            error: String::new(),
        },
        View::Confirm {
            kind: ConfirmKind::PaycellTerms,
            facts: vec![(FactKind::Iban, text("TR12 0006 4000 0011 2345 6789 01"))],
            terms: Some((text("Terms"), text("The terms of the service."))),
            needs_agreement: true,
            amount: text("249,90 ₺"),
            error: String::new(),
        },
        View::NumberEntry {
            kind: EntryKind::Phone,
            min_digits: 10,
            max_digits: 10,
            tries_left: 0,
            demo_code: String::new(),
            amount: text("249,90 ₺"),
            error: String::new(),
        },
        View::Handoff {
            kind: PaymentKind::Redirection,
            name: text("Redirection"),
            url: text("http://127.0.0.1:9/_sim/pay/T/"),
            qr: instore_kiosk::ui::view::qr_pixels("http://127.0.0.1:9/_sim/pay/T/", 4).unwrap(),
            amount: text("249,90 ₺"),
            seconds: 300,
        },
        View::Diagnostics {
            checks: vec![(instore_kiosk::diagnostics::Level::Ok, text("clock"), text("2026-12-02"))],
            version: text("0.1.0"),
            address: text("192.0.2.2"),
            demo: true,
            exported: String::new(),
        },
        View::Unconfirmed {
            sent: Sent::Register(text("2026112700042")),
            amount: text("249,90 ₺"),
            detail: text("no answer"),
        },
        View::Orders {
            page: Default::default(),
            stuck: Default::default(),
        },
        View::CustomerSearch {
            results: vec![CustomerCard {
                key: "2".into(),
                name: "Ayşe Yılmaz".into(),
                phone: "532 *** ** 33".into(),
                email: "a***@example.com".into(),
                last_order: "".into(),
            }],
            searched: true,
        },
        View::CustomerNew(vec![instore_kiosk::commerce::customers::Consent {
            key: text("kvkk"),
            label: text("KVKK aydınlatma metni"),
            required: true,
        }]),
        View::Delivery(DeliveryView {
            store_name: text("Instore Demo Kadıköy"),
            store_address: text("Kadıköy"),
            can_collect: true,
            elsewhere: false,
            addresses: vec![AddressCard {
                key: "1".into(),
                title: "Ev".into(),
                line: "Bağdat Cad. 10".into(),
            }],
            amount: text("249,90 ₺"),
            error: String::new(),
        }),
        View::AddressNew {
            cities: vec![text("Ankara"), text("İstanbul")],
        },
        View::Return(Box::new(ReturnView::Find {
            problem: FindProblem::Offline(text("1234567890123")),
            customer: Some(text("Ayşe Yılmaz")),
            orders: vec![instore_kiosk::commerce::OrderRecord {
                number: text("1234567890123"),
                ..Default::default()
            }],
            noted: vec![text("9876543210987")],
        })),
        View::Return(Box::new(ReturnView::Lines {
            found: Box::new(an_order_to_return()),
            picked: vec![1, 0],
            reason: None,
            way: Some(0),
            trouble: Trouble::None,
        })),
        View::Return(Box::new(ReturnView::Done {
            before: text("approved"),
            after: Box::new(an_order_to_return()),
        })),
    ]
}

/// An order as a return sees it: a line that can come back, a service that cannot.
fn an_order_to_return() -> instore_kiosk::commerce::returns::OrderReturn {
    serde_json::from_value(serde_json::json!({
        "order": {"number": "1234567890123", "status": "partially_refunded", "amount": "369.89"},
        "lines": [
            {"pk": 1, "name": "Çorap 3'lü Paket", "sku": "SCK-030", "quantity": 2, "returnable_quantity": 2,
             "unit_price": "119.99", "refund_unit_amount": "119.99"},
            {"pk": 0, "name": "Kargo ücreti", "quantity": 1, "service": true, "unit_price": "29.90",
             "not_returnable_reason": "Services are not returned."}
        ],
        "cancellable": true,
        "reasons": [{"pk": 1, "name": "Wrong size"}],
        "refund_types": [{"value": "cash", "label": "Cash"}, {"value": "store_credit", "label": "Credit"}],
        "paid_amount": "369.89", "refunded_amount": "119.99",
        "refund": {"number": "R1", "amount": "119.99", "refund_type": "store_credit", "store_credit": "•••• 1234",
                   "store_credit_card": {"number": "6000901234", "code": "5544"}}
    }))
    .expect("an order to return")
}

/// What a screen offers a finger without a name for assistive technology: controls
/// (buttons, boxes, fields) with no label, and touch areas inside no labelled element.
fn unlabelled(window: &MainWindow) -> Vec<String> {
    let all = ElementQuery::from_root(window).match_descendants().find_all();
    let interactive = |e: &ElementHandle| {
        matches!(
            e.accessible_role(),
            Some(
                AccessibleRole::Button
                    | AccessibleRole::Checkbox
                    | AccessibleRole::Combobox
                    | AccessibleRole::TextInput
                    | AccessibleRole::Switch
                    | AccessibleRole::Slider
                    | AccessibleRole::Spinbox
                    | AccessibleRole::Tab
                    | AccessibleRole::ListItem
            )
        )
    };
    let labelled = |e: &ElementHandle| e.accessible_label().is_some_and(|l| !l.trim().is_empty());
    let mut missing = Vec::new();
    for e in all.iter().filter(|e| interactive(e) && !labelled(e)) {
        missing.push(format!("{:?} {:?} {:?}", e.accessible_role(), e.type_name(), e.id()));
    }
    let named: Vec<(slint::LogicalPosition, slint::LogicalSize)> = all
        .iter()
        .filter(|e| labelled(e) && e.accessible_role().is_some_and(|r| r != AccessibleRole::Text))
        .map(|e| (e.absolute_position(), e.size()))
        .collect();
    let window_size = window.window().size().to_logical(1.0);
    for area in all.iter().filter(|e| e.type_name().as_deref() == Some("TouchArea")) {
        let (at, size) = (area.absolute_position(), area.size());
        // The window-wide catchers: every touch counts for the idle timer; overlays
        // keep taps from what is under them.
        let covers = size.width * size.height >= 0.9 * window_size.width * window_size.height;
        // The staff's hidden gesture is not for the customer to find (README: Staff).
        let hidden = area.id().as_deref() == Some("Header::logo-touch");
        // A scroll bar belongs to its scroll view, which assistive technology scrolls.
        let scroll_bar = area.id().is_some_and(|id| id.starts_with("ScrollBar::"));
        if covers || hidden || scroll_bar || size.width <= 0.0 || size.height <= 0.0 {
            continue;
        }
        let centre = (at.x + size.width / 2.0, at.y + size.height / 2.0);
        let inside = named.iter().any(|(p, s)| {
            centre.0 >= p.x && centre.0 <= p.x + s.width && centre.1 >= p.y && centre.1 <= p.y + s.height
        });
        if !inside {
            missing.push(format!("a TouchArea {:?} at {at:?} in no labelled element", area.id()));
        }
    }
    missing.sort();
    missing.dedup();
    missing
}

#[test]
fn every_control_of_every_screen_is_labelled_for_assistive_technology() {
    platform();
    let window = MainWindow::new().unwrap();
    let mut checked = 0;
    let mut problems = Vec::new();
    for portrait in [false, true] {
        for accessible in [false, true] {
            let mut settings = settings_for(None);
            settings.kiosk.mode = instore_kiosk::settings::Mode::SelfService;
            settings.kiosk.layout = if portrait {
                instore_kiosk::settings::Layout::Portrait
            } else {
                instore_kiosk::settings::Layout::Landscape
            };
            instore_kiosk::ui::prepare_window(&window, &settings);
            window.global::<KioskAdapter>().set_accessible(accessible);
            window.show().unwrap();
            for view in every_view() {
                let name = format!("{view:?}")
                    .split([' ', '(', '{'])
                    .next()
                    .unwrap_or_default()
                    .to_string();
                apply(&window, Update::Show(view));
                i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(300));
                for problem in unlabelled(&window) {
                    problems.push(format!(
                        "{name} (portrait {portrait}, accessible {accessible}): {problem}"
                    ));
                }
                checked += 1;
            }
            // And the on-screen keyboard, in each of its layouts.
            apply(&window, Update::Show(View::Basket));
            for layout in [
                KeyboardLayout::Text,
                KeyboardLayout::Email,
                KeyboardLayout::Url,
                KeyboardLayout::Numbers,
            ] {
                let keys = window.global::<KeyboardAdapter>();
                keys.set_layout(layout);
                keys.set_for_code(true);
                i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(300));
                for problem in unlabelled(&window) {
                    problems.push(format!("keyboard {layout:?}: {problem}"));
                }
                keys.set_for_code(false);
            }
        }
    }
    assert!(checked >= 4 * 22, "only {checked} screens walked");
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "unlabelled:\n{}", problems.join("\n"));
}

fn self_service(speech: Option<&std::path::Path>) -> (Kiosk, instore_kiosk::sim::Simulator) {
    let rt = runtime();
    let sim = sim_in(&rt, instore_kiosk::sim::Scenario::default());
    let mut settings = settings_for(Some(sim.url()));
    settings.kiosk.mode = instore_kiosk::settings::Mode::SelfService;
    settings.kiosk.layout = instore_kiosk::settings::Layout::Portrait;
    settings.kiosk.idle_prompt_after_seconds = 5;
    settings.kiosk.speech_command = speech.map(|p| p.display().to_string()).unwrap_or_default();
    settings.pins.clerk = Some(instore_kiosk::pins::hash("2580").unwrap());
    let k = Kiosk::launch(rt, settings);
    k.wait("the welcome screen", |w| {
        kiosk_screen(w) == Screen::Welcome && !w.global::<KioskAdapter>().get_server().is_empty()
    });
    (k, sim)
}

/// A pretend voice: records each sentence it is given, after a pause in which a newer
/// sentence may stop it, as the real one would stop speaking.
fn pretend_voice(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let said = dir.join("said.txt");
    let voice = dir.join("voice");
    std::fs::write(
        &voice,
        format!("#!/bin/sh\nsleep 0.3\necho \"$*\" >> {}\n", said.display()),
    )
    .unwrap();
    std::fs::set_permissions(&voice, std::fs::Permissions::from_mode(0o755)).unwrap();
    (voice, said)
}

fn heard(said: &std::path::Path, what: &str) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        if std::fs::read_to_string(said).unwrap_or_default().contains(what) {
            return true;
        }
        if std::time::Instant::now() > deadline {
            return false;
        }
        // What the screens ask to say on a change runs with the next frame's work.
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(1));
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn accessible_mode_moves_the_controls_down_makes_them_larger_and_speaks() {
    let dir = tempfile::tempdir().unwrap();
    let (voice, said) = pretend_voice(dir.path());
    let (k, _sim) = self_service(Some(&voice));
    let start = || {
        ElementHandle::find_by_accessible_label(&k.window, "Tap to start")
            .next()
            .unwrap()
    };
    // The greeting moves down with the screen; the buttons were in the lower half
    // already (a portrait stand's controls are) and stay there, larger.
    let greeting = || {
        ElementHandle::find_by_accessible_label(&k.window, "Welcome")
            .next()
            .unwrap()
            .absolute_position()
            .y
    };
    let (before_y, before_h) = (greeting(), start().size().height);
    k.tap("Accessibility");
    k.pump();
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(100));
    assert!(k.window.global::<KioskAdapter>().get_accessible());
    let (after_y, after_h) = (greeting(), start().size().height);
    assert!(
        after_y > before_y + 200.0,
        "lower on the screen: {before_y} -> {after_y}"
    );
    let start_y = start().absolute_position().y;
    assert!(start_y > 960.0, "Tap to start in the lower half: {start_y}");
    assert!(after_h >= before_h * 1.2, "larger: {before_h} -> {after_h}");
    assert!(k.exists("Standard view") && k.exists("Repeat"), "its controls in reach");
    // The screen's title, in the kiosk's language, through the device's voice.
    assert!(
        heard(&said, "-v en -a 140 -- Welcome. Scan your items and pay here."),
        "{:?}",
        std::fs::read_to_string(&said)
    );
    // Louder twice at once: the first sentence is cut by the second, never both said.
    k.tap("Louder");
    k.tap("Louder");
    assert!(heard(&said, "-a 180 -- Volume 90"));
    let text = std::fs::read_to_string(&said).unwrap();
    assert!(!text.contains("Volume 80"), "the first was interrupted: {text}");
    // A change of the total is spoken; Repeat says it again.
    k.tap("Tap to start");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.type_code("8690000010059");
    k.wait("one line", |w| basket_lines(w) == 1);
    assert!(heard(&said, "Total: 119,99 ₺"));
    std::fs::write(&said, "").unwrap();
    k.tap("Repeat");
    assert!(heard(&said, "Total: 119,99 ₺"), "repeated");
}

#[test]
fn in_accessible_mode_the_idle_prompt_comes_twice_as_late() {
    let (k, _sim) = self_service(None);
    k.tap("Tap to start");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.tap("Accessibility");
    k.pump();
    for _ in 0..7 {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
    }
    assert!(
        !k.window.global::<KioskAdapter>().get_idle_prompt(),
        "not at 7 s (5 s in the standard view)"
    );
    for _ in 0..4 {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
    }
    assert!(k.window.global::<KioskAdapter>().get_idle_prompt(), "asked at 10 s");
}

#[test]
fn a_customer_calls_staff_and_staff_answer_with_their_pin() {
    let (k, _sim) = self_service(None);
    k.tap("Tap to start");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.tap("Call staff");
    k.wait("someone coming", |w| w.global::<KioskAdapter>().get_staff_called());
    assert!(k.exists("Someone is coming"), "the customer is told");
    assert!(
        k.text("AttentionBanner::attention").contains("asked for help"),
        "staff see it from afar"
    );
    // Staff come, and prove it with the clerk's PIN: the call is answered.
    k.send(instore_kiosk::ui::controller::Intent::Staff);
    k.wait("the PIN pad", |w| kiosk_screen(w) == Screen::NumberEntry);
    k.window
        .global::<instore_kiosk::ui::StepAdapter>()
        .set_digits("2580".into());
    k.tap("OK");
    k.wait("answered", |w| !w.global::<KioskAdapter>().get_staff_called());
    assert!(!k.exists("Someone is coming"));
}
