//! Nothing moves under a finger: a control stays where it was when something elsewhere
//! on the screen changes (the first item, a long list, a notice, a busy wait), in every
//! layout, so a tap aimed at the Pay button or a key never lands on something else.

use super::harness::*;
use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementQuery};
use instore_kiosk::settings::{Layout, Mode};
use instore_kiosk::ui::view::{apply, DeliveryView, Notice, Update, View};
use instore_kiosk::ui::{AddressCard, BasketLine, EntryKind, KioskAdapter, MainWindow};
use slint::ComponentHandle;
use std::time::Duration;

/// The basket's controls a finger goes back to: Pay, Start over, the keypad, the product
/// search (in English and in Turkish).
const CONTROLS: [&str; 21] = [
    "Find a product by name",
    "Ürünü adıyla bul",
    "Öde",
    "Baştan başla",
    "Ekle",
    "Görevli çağır",
    "Pay",
    "Start over",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "0",
    "backspace",
    "Add",
    "Call staff",
];

/// Where each control is (x, y, width, height), as a finger finds it.
fn places(window: &MainWindow) -> Vec<(String, [i32; 4])> {
    let mut found = Vec::new();
    let buttons = ElementQuery::from_root(window)
        .match_descendants()
        .match_accessible_role(AccessibleRole::Button);
    for button in buttons.find_all() {
        let label = button.accessible_label().unwrap_or_default();
        if CONTROLS.contains(&label.as_str()) {
            let (at, size) = (button.absolute_position(), button.size());
            found.push((
                label.to_string(),
                [at.x, at.y, size.width, size.height].map(|v| v.round() as i32),
            ));
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Texts that do not fit their box (the `Label`'s own measure, as `tests/screens.rs`).
fn cut_texts(window: &MainWindow) -> Vec<String> {
    ElementQuery::from_root(window)
        .match_descendants()
        .match_predicate(|e| e.accessible_id().is_some_and(|id| id == "overflows"))
        .find_all()
        .into_iter()
        .map(|e| {
            format!(
                "the text {:?} is cut ({:?})",
                e.accessible_label().unwrap_or_default(),
                e.size()
            )
        })
        .collect()
}

/// What is out of reach on the basket: a control beyond the window's edges or under the
/// bar at the bottom, a line's Remove button beyond the list's edge (the Pay button's).
fn out_of_reach(window: &MainWindow, places: &[(String, [i32; 4])]) -> Vec<String> {
    let size = window.window().size().to_logical(window.window().scale_factor());
    let (width, height) = (size.width.round() as i32, size.height.round() as i32);
    let bar_top = places
        .iter()
        .find(|(label, _)| label == "Call staff" || label == "Görevli çağır")
        .map_or(height, |(_, [_, y, _, _])| y - 8);
    let pay_right = places
        .iter()
        .find(|(label, _)| label == "Pay" || label == "Öde")
        .map_or(width, |(_, [x, _, w, _])| x + w);
    let mut problems = Vec::new();
    for (label, [x, y, w, h]) in places {
        let in_bar = label == "Call staff" || label == "Görevli çağır";
        if *x < 0 || x + w > width || y + h > height || (!in_bar && y + h > bar_top) {
            problems.push(format!("{label} at {:?} is out of reach", [x, y, w, h]));
        }
    }
    // Each line shown has its Remove button in view (an element beyond what its
    // scroll view shows is not found at all), within the list's edge.
    let buttons = ElementQuery::from_root(window)
        .match_descendants()
        .match_accessible_role(AccessibleRole::Button);
    let mut rows: Vec<(String, i32, i32)> = Vec::new();
    for button in buttons.find_all() {
        let label = button.accessible_label().unwrap_or_default().to_string();
        let y = button.absolute_position().y.round() as i32;
        let right = (button.absolute_position().x + button.size().width).round() as i32;
        rows.push((label, y, right));
    }
    for (label, y, _) in &rows {
        let name = label
            .strip_prefix("One more ")
            .or_else(|| label.strip_prefix("Bir adet daha "));
        let Some(name) = name else { continue };
        let remove = rows.iter().find(|(other, other_y, _)| {
            other_y == y && (*other == format!("Remove {name}") || *other == format!("{name} ürününü çıkar"))
        });
        match remove {
            None => problems.push(format!("the line {name} shows no Remove button")),
            Some((_, _, right)) if *right > pay_right => problems.push(format!(
                "{name}'s Remove reaches {right}, beyond the list's edge at {pay_right}"
            )),
            Some(_) => {}
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

fn lines(count: usize) -> Vec<BasketLine> {
    (0..count)
        .map(|i| BasketLine {
            product: format!("{i}").into(),
            name: if i % 2 == 0 {
                "Yün Kaban Deve Tüyü Uzun Model Kışlık".into()
            } else {
                "Çorap".into()
            },
            code: format!("86900000100{i:02}").into(),
            unit_price: "119,99 ₺".into(),
            quantity: 1,
            total: "119,99 ₺".into(),
            shipped: i == 1,
        })
        .collect()
}

fn basket(window: &MainWindow, count: usize) {
    apply(
        window,
        Update::Basket {
            lines: lines(count),
            total: format!("{},00 ₺", count * 120),
            count: count as i32,
            voucher: None,
        },
    );
}

/// The basket with a voucher's line, its name as long as a store may write it.
fn basket_with_voucher(window: &MainWindow, count: usize) {
    apply(
        window,
        Update::Basket {
            lines: lines(count),
            total: format!("{},00 ₺", count * 120 - 50),
            count: count as i32,
            voucher: Some(instore_kiosk::ui::view::BasketVoucher {
                code: "HOSGELDIN50".into(),
                name: "Hoş geldin indirimi: 250 TL ve üzeri alışverişte 50 TL".into(),
                off: "50,00 ₺".into(),
            }),
        },
    );
}

#[test]
fn the_pay_button_and_the_keys_stay_put_whatever_the_basket_and_its_notices_do() {
    platform();
    let window = MainWindow::new().unwrap();
    let mut moved = Vec::new();
    let mut compared = 0;
    for (layout, language) in [(Layout::Landscape, "en"), (Layout::Portrait, "tr")] {
        for mode in [Mode::Clerk, Mode::SelfService] {
            for accessible in [false, true] {
                let mut settings = settings_for(None);
                settings.kiosk.language = language.into();
                settings.kiosk.layout = layout;
                settings.kiosk.mode = mode;
                instore_kiosk::ui::prepare_window(&window, &settings);
                window.global::<KioskAdapter>().set_accessible(accessible);
                window.show().unwrap();
                apply(&window, Update::Show(View::Basket));
                basket(&window, 0);
                apply(&window, Update::BasketNotice(Notice::Clear));
                i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(300));
                let before = places(&window);
                assert!(
                    before.iter().any(|(label, _)| label == "Pay" || label == "Öde")
                        && before.iter().any(|(label, _)| label == "Add" || label == "Ekle"),
                    "{layout:?} {mode:?}: no Pay or Add on the basket: {before:?}"
                );
                let changes: [(&str, &dyn Fn()); 10] = [
                    ("the first item", &|| basket(&window, 1)),
                    ("its notice", &|| {
                        apply(&window, Update::BasketNotice(Notice::Added("Çorap 3'lü Paket".into())))
                    }),
                    ("a shipped item", &|| basket(&window, 2)),
                    ("a long basket", &|| basket(&window, 14)),
                    ("a voucher", &|| basket_with_voucher(&window, 3)),
                    ("its notice", &|| {
                        apply(&window, Update::BasketNotice(Notice::VoucherApplied("HOSGELDIN50".into())))
                    }),
                    ("a long notice", &|| {
                        apply(&window, Update::BasketNotice(Notice::NoCatalog))
                    }),
                    ("another long notice", &|| {
                        apply(&window, Update::BasketNotice(Notice::SetAside))
                    }),
                    ("a sold-out notice", &|| {
                        let name = "Yün Kaban Deve Tüyü Uzun Model Kışlık".into();
                        apply(&window, Update::BasketNotice(Notice::SoldOut(name)))
                    }),
                    ("an emptied basket", &|| {
                        basket(&window, 0);
                        apply(&window, Update::BasketNotice(Notice::NotFound("123".into())))
                    }),
                ];
                for (change, make) in changes {
                    make();
                    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(300));
                    let after = places(&window);
                    compared += 1;
                    for problem in out_of_reach(&window, &after) {
                        moved.push(format!(
                            "{layout:?} {mode:?} accessible {accessible}: after {change}, {problem}"
                        ));
                    }
                    for cut in cut_texts(&window) {
                        moved.push(format!(
                            "{layout:?} {mode:?} accessible {accessible}: after {change}, {cut}"
                        ));
                    }
                    for ((label, was), (_, now)) in before.iter().zip(&after) {
                        if was != now {
                            moved.push(format!(
                                "{layout:?} {mode:?} accessible {accessible}: after {change}, {label} moved from {was:?} to {now:?}"
                            ));
                        }
                    }
                    if before.len() != after.len() {
                        moved.push(format!(
                            "{layout:?} {mode:?} accessible {accessible}: after {change}, {} controls instead of {}",
                            after.len(),
                            before.len()
                        ));
                    }
                }
            }
        }
    }
    assert_eq!(compared, 10 * 8);
    assert!(moved.is_empty(), "moved under a finger or cut:\n{}", moved.join("\n"));
}

/// A portrait stand's controls belong in its lower half, within reach of a customer's
/// hand (and a wheelchair user's): the welcome's buttons, the keys of the phone, code
/// and PIN pads. The header's buttons are the exception every screen shares.
#[test]
fn a_portrait_screens_controls_are_in_its_lower_half_and_large() {
    platform();
    let window = MainWindow::new().unwrap();
    let mut settings = settings_for(None);
    settings.kiosk.layout = Layout::Portrait;
    settings.kiosk.mode = Mode::SelfService;
    instore_kiosk::ui::prepare_window(&window, &settings);
    window.show().unwrap();
    let entry = |kind| View::NumberEntry {
        kind,
        min_digits: 4,
        max_digits: 10,
        tries_left: 0,
        demo_code: "0000".into(),
        amount: "249,90 ₺".into(),
        error: String::new(),
    };
    let screens = [
        ("welcome", View::Welcome),
        ("my phone", entry(EntryKind::MyPhone)),
        ("my code", entry(EntryKind::MyCode)),
        ("staff PIN", entry(EntryKind::Pin)),
        ("payment phone", entry(EntryKind::Phone)),
    ];
    let mut high = Vec::new();
    for (name, view) in screens {
        apply(&window, Update::Show(view));
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(300));
        let header = 100.0;
        let buttons = ElementQuery::from_root(&window)
            .match_descendants()
            .match_accessible_role(AccessibleRole::Button)
            .find_all();
        let mut on_page = 0;
        for button in buttons {
            let (at, size) = (button.absolute_position(), button.size());
            if at.y < header {
                continue;
            }
            on_page += 1;
            let label = button.accessible_label().unwrap_or_default();
            if at.y + size.height / 2.0 < 960.0 {
                high.push(format!("{name}: {label} at y {} is in the upper half", at.y));
            }
            if size.height < 96.0 && !["Accessibility", "Call staff"].contains(&label.as_str()) {
                high.push(format!("{name}: {label} is only {} high", size.height));
            }
        }
        assert!(on_page >= 2, "{name}: only {on_page} buttons found");
    }
    assert!(high.is_empty(), "out of reach or small:\n{}", high.join("\n"));
}

/// "+ A new address" is never cut at the list's edge nor scrolled out of sight, however
/// many addresses the customer has: it sits under the list, above the ways out.
#[test]
fn a_new_address_is_always_in_full_view_under_the_customers_addresses() {
    platform();
    let window = MainWindow::new().unwrap();
    for layout in [Layout::Landscape, Layout::Portrait] {
        for count in [0, 2, 9] {
            let mut settings = settings_for(None);
            settings.kiosk.layout = layout;
            instore_kiosk::ui::prepare_window(&window, &settings);
            window.show().unwrap();
            let addresses = (0..count)
                .map(|i| AddressCard {
                    key: format!("{i}").into(),
                    title: format!("Address {i}").into(),
                    line: "Moda Cad. No: 12 D: 4, Kadıköy/İstanbul".into(),
                })
                .collect();
            apply(
                &window,
                Update::Show(View::Delivery(DeliveryView {
                    store_name: "Instore Demo Kadıköy".into(),
                    store_address: "Kadıköy".into(),
                    can_collect: false,
                    elsewhere: false,
                    addresses,
                    amount: "2.618,99 ₺".into(),
                    error: String::new(),
                })),
            );
            i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(300));
            let rect = |label: &str| {
                let found: Vec<_> = ElementHandle::find_by_accessible_label(&window, label).collect();
                let e = found
                    .first()
                    .unwrap_or_else(|| panic!("{layout:?}, {count} addresses: no {label:?} in view"));
                (e.absolute_position().y, e.size().height)
            };
            let (new_y, new_h) = rect("+ A new address");
            let (back_y, _) = rect("Back to basket");
            assert!(
                new_y + new_h <= back_y,
                "{layout:?}, {count} addresses: + A new address ({new_y}+{new_h}) runs into the ways out at {back_y}"
            );
        }
    }
}
