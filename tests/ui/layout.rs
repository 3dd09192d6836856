//! Nothing moves under a finger: a control stays where it was when something elsewhere
//! on the screen changes (the first item, a long list, a notice, a busy wait), in every
//! layout, so a tap aimed at the Pay button or a key never lands on something else.

use super::harness::*;
use i_slint_backend_testing::{AccessibleRole, ElementQuery};
use instore_kiosk::settings::{Layout, Mode};
use instore_kiosk::ui::view::{apply, Notice, Update, View};
use instore_kiosk::ui::{BasketLine, KioskAdapter, MainWindow};
use slint::ComponentHandle;
use std::time::Duration;

/// The basket's controls a finger goes back to: Pay, Start over, the keypad (in English
/// and in Turkish).
const CONTROLS: [&str; 19] = [
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
                let changes: [(&str, &dyn Fn()); 7] = [
                    ("the first item", &|| basket(&window, 1)),
                    ("its notice", &|| {
                        apply(&window, Update::BasketNotice(Notice::Added("Çorap 3'lü Paket".into())))
                    }),
                    ("a shipped item", &|| basket(&window, 2)),
                    ("a long basket", &|| basket(&window, 14)),
                    ("a long notice", &|| {
                        apply(&window, Update::BasketNotice(Notice::NoCatalog))
                    }),
                    ("another long notice", &|| {
                        apply(&window, Update::BasketNotice(Notice::SetAside))
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
    assert_eq!(compared, 8 * 7);
    assert!(moved.is_empty(), "moved under a finger or cut:\n{}", moved.join("\n"));
}
