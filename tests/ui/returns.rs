//! Returns and cancellations (#24) through the real screens against the simulator: an
//! order found by scanning its receipt's barcode, a partial return refunded in cash the
//! clerk confirms (the return slip printed, the refund in the day's close), an order not
//! yet shipped cancelled whole after its number was typed on the keypad, an exchange for
//! a customer paid first with the return's store credit, and a return asked for while
//! the server is away noted for later, nothing refunded.

use super::common;
use super::harness::*;
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use instore_kiosk::sim::{Scenario, Simulator};
use instore_kiosk::ui::{DayCloseAdapter, OrderStatus, PaymentAdapter, RefundWay, ReturnAdapter, ReturnStage, Screen};
use slint::{ComponentHandle, Model};
use std::io::Write;
use std::time::{Duration, Instant};

const SOCKS: &str = "8690000010059"; // 119.99
const SCARF: &str = "8690000010103"; // 459.00

/// Taps the button labelled `label` (not a title that reads the same).
fn tap_button(k: &Kiosk, label: &str) {
    ElementHandle::find_by_accessible_label(&k.window, label)
        .find(|e| e.accessible_role() == Some(AccessibleRole::Button))
        .unwrap_or_else(|| panic!("no button {label:?} on {:?}", k.screen()))
        .invoke_accessible_default_action();
}

fn busy(w: &instore_kiosk::ui::MainWindow) -> bool {
    w.global::<instore_kiosk::ui::KioskAdapter>().get_busy()
}

fn stage(w: &instore_kiosk::ui::MainWindow) -> ReturnStage {
    w.global::<ReturnAdapter>().get_stage()
}

fn open_returns(k: &Kiosk) {
    k.wait("the kiosk free", |w| !busy(w));
    k.tap("Orders");
    k.wait("the orders", |w| kiosk_screen(w) == Screen::Orders);
    tap_button(k, "Returns");
    k.wait("the returns", |w| kiosk_screen(w) == Screen::Returns && stage(w) == ReturnStage::Find);
}

fn choose_reason(k: &Kiosk, reason: &str) {
    k.tap("Reason");
    k.pump();
    tap_button(k, reason);
    k.wait("the reason", |w| w.global::<ReturnAdapter>().get_reason() >= 0);
}

/// Waits for the printer to have printed `what`; everything printed so far.
fn printed(printer: &common::printer::FakePrinter, what: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = common::escpos::decode(&printer.bytes()).text();
        if text.contains(what) {
            return text;
        }
        assert!(Instant::now() < deadline, "{what:?} was not printed: {text}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Ayşe's scarf, bought at this store's register: its order's number.
fn ayse_bought_a_scarf(rt: &tokio::runtime::Runtime, sim: &Simulator) -> String {
    rt.block_on(async {
        let staff = common::logged_in(sim).await;
        let (ayse, _) = staff.session_for(&instore_kiosk::commerce::Pk("2".into())).await.unwrap();
        common::fill_basket(&ayse, &[SCARF]).await;
        let pay = instore_kiosk::checkout::Choices::pay("cash_register");
        let (done, _) = common::checkout_paying_register(&ayse, &sim.url(), pay).await;
        done.order.unwrap().number
    })
}

/// On the order's lines: the scarf back, for `reason`, to store credit.
fn scarf_to_store_credit(k: &Kiosk, reason: &str) {
    k.tap("One more İpek Eşarp Desenli back");
    choose_reason(k, reason);
    tap_button(k, "Store credit on a gift card");
    k.wait("the way", |w| {
        let returns = w.global::<ReturnAdapter>();
        returns.get_ways().row_data(returns.get_way().max(0) as usize).is_some_and(|w| w.way == RefundWay::StoreCredit)
    });
    tap_button(k, "Refund 459,00 ₺");
    k.wait("the refund", |w| stage(w) == ReturnStage::Done);
}

/// A kiosk with a printer and a serial scanner, and its data directory.
fn counter(sim: &Simulator, rt: tokio::runtime::Runtime) -> (Kiosk, common::printer::FakePrinter, serialport::TTYPort, tempfile::TempDir) {
    use common::printer::{answering, terminal, FakePrinter};
    let data = tempfile::tempdir().unwrap();
    let (printer_end, printer_path) = terminal();
    let printer = FakePrinter::start(printer_end, answering());
    let (scanner_end, scanner_path) = terminal();
    let mut settings = settings_for(Some(sim.url()));
    settings.printer.port = printer_path;
    settings.scanner.port = scanner_path;
    let k = Kiosk::launch_with(rt, settings, Some(data.path().to_path_buf()));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket && !busy(w));
    (k, printer, scanner_end, data)
}

#[test]
fn a_scanned_receipt_finds_its_order_and_part_of_it_comes_back_in_cash() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let (k, printer, mut scanner, data) = counter(&sim, rt);
    // Two pairs of socks and a scarf, paid at the register.
    for (code, lines) in [(SOCKS, 1), (SOCKS, 1), (SCARF, 2)] {
        k.type_code(code);
        k.wait("the line", |w| basket_lines(w) == lines && !w.global::<instore_kiosk::ui::KioskAdapter>().get_busy());
    }
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Cash Register");
    k.wait("the barcode", |w| kiosk_screen(w) == Screen::CashRegisterBarcode);
    let number = k.text("CashRegisterBarcodePage::number");
    assert!(k.runtime.block_on(common::pay_at_register(&sim.url(), &number)).is_success());
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    printed(&printer, "TOPLAM");
    let receipt = common::escpos::decode(&printer.bytes());
    assert_eq!(receipt.barcodes, [number.clone()], "the receipt carries the order's number as a barcode");
    let link = receipt.qr_codes.first().cloned().expect("and its page's address as a QR code");
    k.new_sale();

    // The receipt's barcode, scanned on the returns' screen.
    open_returns(&k);
    scanner.write_all(format!("{number}\r\n").as_bytes()).unwrap();
    k.wait("the order's lines", |w| stage(w) == ReturnStage::Lines);
    let returns = k.window.global::<ReturnAdapter>();
    assert_eq!(returns.get_number(), number.as_str());
    assert_eq!(returns.get_status(), OrderStatus::Approved, "the order's state before, from the server");
    assert_eq!(returns.get_paid(), "698,98 ₺");
    let lines: Vec<(String, i32)> = returns.get_lines().iter().map(|l| (l.name.to_string(), l.can)).collect();
    assert_eq!(lines, [("Çorap 3'lü Paket".to_string(), 2), ("İpek Eşarp Desenli".to_string(), 1)]);
    assert!(!returns.get_cancellable(), "taken at the counter: returned by line, not cancelled");
    assert_eq!(returns.get_ways().row_data(0).unwrap().way, RefundWay::Cash, "paid at the register, back from the till");
    assert!(!k.enabled("Choose what comes back"), "nothing chosen yet");

    // One pair of socks back; nothing moves under the finger as its amount shows.
    let at = |label: &str| {
        let button = k.find(label);
        (button.absolute_position().x.round() as i32, button.absolute_position().y.round() as i32)
    };
    let (plus, minus) = (at("One more Çorap 3'lü Paket back"), at("One fewer Çorap 3'lü Paket back"));
    k.tap("One more Çorap 3'lü Paket back");
    k.wait("one chosen", |w| w.global::<ReturnAdapter>().get_total() == "119,99 ₺");
    k.pump();
    assert_eq!(at("One more Çorap 3'lü Paket back"), plus);
    assert_eq!(at("One fewer Çorap 3'lü Paket back"), minus);
    assert!(!k.enabled("Refund 119,99 ₺"), "a reason first");
    choose_reason(&k, "Wrong size");
    // Cash leaves the till only once the clerk says so.
    tap_button(&k, "Refund 119,99 ₺");
    k.pump();
    assert!(k.exists("Give the customer 119,99 ₺ from the till?"));
    assert_eq!(stage(&k.window), ReturnStage::Lines, "asked, not yet refunded");
    tap_button(&k, "Refund in cash");
    k.wait("the refund", |w| stage(w) == ReturnStage::Done);
    assert_eq!(returns.get_refunded(), "119,99 ₺");
    assert_eq!(returns.get_refunded_way(), RefundWay::Cash);
    assert!(k.exists("Give the customer 119,99 ₺ from the till."));
    assert_eq!(returns.get_before(), OrderStatus::Approved);
    assert_eq!(returns.get_status(), OrderStatus::PartiallyRefunded, "the order's state after, from the server");
    assert_eq!(returns.get_kept(), "578,99 ₺", "the new total");
    let on_server = sim.world().all_orders().iter().find(|o| o.number == number).unwrap().json();
    assert_eq!(on_server["status"], "partially_refunded");
    assert_eq!(on_server["refunds"][0]["amount"], "119.99");

    // The return slip, in the receipt's language.
    let slip = printed(&printer, "İADE FİŞİ");
    for words in ["Çorap 3'lü Paket x1", "Nakit iade", "Wrong size"] {
        assert!(slip.contains(words), "{words:?} in {slip}");
    }
    let total = slip.lines().find(|l| l.starts_with("İade tutarı")).unwrap_or_default();
    assert!(total.trim_end().ends_with("119,99 TL"), "{slip}");

    // The day's close: the sale, the cash refund apart, and the till less what went back.
    let store = instore_kiosk::offline::Store::open(data.path()).unwrap();
    let noted = instore_kiosk::offline::returns::refunds_since(&store, None).unwrap();
    assert_eq!(noted.len(), 1);
    tap_button(&k, "Back to basket");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket && !busy(w));
    k.tap("Orders");
    k.wait("the orders", |w| kiosk_screen(w) == Screen::Orders);
    tap_button(&k, "Close the day");
    k.wait("the day's close", |w| kiosk_screen(w) == Screen::DayClose);
    let close = k.window.global::<DayCloseAdapter>();
    let returned: Vec<(String, String)> = close.get_returns().iter().map(|r| (r.name.to_string(), r.amount.to_string())).collect();
    assert_eq!(returned, [("Cash refund".to_string(), "119,99 ₺".to_string())]);
    assert_eq!(close.get_expected(), "578,99 ₺", "698,98 taken, 119,99 handed back");

    // The receipt's QR code, read by a wedge scanner, finds the order as it is now.
    tap_button(&k, "Back to basket");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket && !busy(w));
    open_returns(&k);
    super::gift_cards::wedge(&k, &link);
    k.wait("the order's lines", |w| stage(w) == ReturnStage::Lines);
    assert_eq!(returns.get_status(), OrderStatus::PartiallyRefunded);
    assert_eq!(returns.get_lines().row_data(0).unwrap().can, 1, "one pair is back already");
    assert_eq!(returns.get_lines().row_data(0).unwrap().returned, 1);
}

#[test]
fn an_order_not_yet_shipped_is_found_by_its_typed_number_and_cancelled_whole() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    // The coat, shipped to the store's address and paid by a saved card: not yet left.
    let number = rt.block_on(async {
        let client = common::logged_in(&sim).await;
        common::fill_basket(&client, &["8690000010134"]).await;
        let mut choices = instore_kiosk::checkout::Choices::pay("saved_card");
        choices.card = Some("my-visa-card".into());
        choices.ship_to = Some("1".into());
        let (done, _) = common::checkout_paying_register(&client, &sim.url(), choices).await;
        done.order.unwrap().number
    });
    let stock_before = sim.world().product_stock("COA-110");
    let (k, printer, _scanner, _data) = counter(&sim, rt);
    open_returns(&k);
    for digit in number.chars() {
        tap_button(&k, &digit.to_string());
    }
    tap_button(&k, "Find");
    k.wait("the order's lines", |w| stage(w) == ReturnStage::Lines);
    let returns = k.window.global::<ReturnAdapter>();
    let coat = returns.get_lines().row_data(0).unwrap();
    assert_eq!(coat.can, 0);
    assert_eq!(coat.why_not, "Not shipped yet: cancel the order instead.");
    let fee = returns.get_lines().row_data(1).expect("the shipping fee's line");
    assert_eq!(fee.why_not, "Services are not returned.", "greyed with the server's reason");
    assert!(returns.get_cancellable());
    assert_eq!(returns.get_ways().row_data(0).unwrap().way, RefundWay::Card);

    assert!(!k.enabled("Cancel the whole order"), "a reason first");
    choose_reason(&k, "Changed my mind");
    tap_button(&k, "Cancel the whole order");
    k.pump();
    let paid = returns.get_kept().to_string();
    assert!(k.exists(&format!("Cancel order {number}? All that was paid, {paid}, goes back.")));
    tap_button(&k, "Cancel the order");
    k.wait("the cancellation", |w| stage(w) == ReturnStage::Done);
    assert!(returns.get_cancelled());
    assert_eq!(returns.get_refunded(), paid.as_str(), "everything paid, shipping too");
    assert_eq!(returns.get_refunded_way(), RefundWay::Card);
    assert_eq!(returns.get_status(), OrderStatus::Cancelled);
    assert_eq!(sim.world().product_stock("COA-110"), stock_before + 1, "the coat is back in stock");
    let slip = printed(&printer, "SİPARİŞ İPTALİ");
    assert!(slip.contains("Karta iade"), "{slip}");

    // Found again, it can be neither cancelled nor returned.
    tap_button(&k, "Another return");
    k.wait("the finding screen", |w| stage(w) == ReturnStage::Find);
    k.send(instore_kiosk::ui::controller::Intent::FindOrder(number.clone()));
    k.wait("the order again", |w| stage(w) == ReturnStage::Lines);
    assert!(!returns.get_cancellable());
    assert_eq!(returns.get_why_not_cancel(), "The order is already cancelled.");
    assert_eq!(returns.get_lines().row_data(0).unwrap().why_not, "The order was cancelled.");
}

#[test]
fn an_exchange_pays_the_customers_new_goods_with_the_return_first() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    // Ayşe bought a scarf at this store last week.
    let number = ayse_bought_a_scarf(&rt, &sim);
    let (k, printer, _scanner, _data) = counter(&sim, rt);
    super::customers::choose_customer(&k, "5321112233", "Ayşe Yılmaz");
    open_returns(&k);
    // Her orders, to pick from.
    let returns = k.window.global::<ReturnAdapter>();
    assert_eq!(returns.get_customer(), "Ayşe Yılmaz");
    assert_eq!(returns.get_customer_orders().row_data(0).unwrap().number, number.as_str());
    tap_button(&k, &format!("{number}  ·  {}  ·  459,00 ₺", returns.get_customer_orders().row_data(0).unwrap().placed));
    k.wait("the order's lines", |w| stage(w) == ReturnStage::Lines);
    assert_eq!(returns.get_order_customer(), "Ayşe Yılmaz");
    k.tap("One more İpek Eşarp Desenli back");
    choose_reason(&k, "Did not like it");
    tap_button(&k, "Store credit on a gift card");
    k.wait("the way", |w| {
        let returns = w.global::<ReturnAdapter>();
        returns.get_ways().row_data(returns.get_way().max(0) as usize).is_some_and(|w| w.way == RefundWay::StoreCredit)
    });
    tap_button(&k, "Refund 459,00 ₺");
    k.wait("the refund", |w| stage(w) == ReturnStage::Done || !w.global::<ReturnAdapter>().get_refusal().is_empty());
    assert_eq!(returns.get_refusal(), "");
    assert!(returns.get_exchange_offered());
    assert!(!returns.get_store_credit().is_empty());
    printed(&printer, "Mağaza kredisi kartı");

    // The exchange: a sale for her, the credit paying first.
    tap_button(&k, "Sell with this credit");
    k.wait("her basket", |w| kiosk_screen(w) == Screen::Basket);
    assert!(k.exists("For Ayşe Yılmaz"));
    k.type_code("8690000010042"); // the sweater, 749.50
    k.wait("one line", |w| basket_lines(w) == 1);
    k.pay_and_collect_here();
    k.wait("the credit on the order", |w| w.global::<PaymentAdapter>().get_gift_cards().row_count() == 1);
    let payment = k.window.global::<PaymentAdapter>();
    assert_eq!(payment.get_gift_cards_total(), "459,00 ₺");
    assert_eq!(payment.get_amount(), "290,50 ₺", "the difference is paid");
    k.tap("Cash Register");
    k.wait("the barcode", |w| kiosk_screen(w) == Screen::CashRegisterBarcode);
    let register = k.text("CashRegisterBarcodePage::number");
    assert!(k.runtime.block_on(common::pay_at_register(&sim.url(), &register)).is_success());
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    let world = sim.world();
    let order = world.all_orders().last().unwrap().json();
    assert_eq!(order["amount"], "290.50");
    assert_eq!(order["gift_cards"][0]["amount"], "459.00");
    let returned = world.all_orders().iter().find(|o| o.number == number).unwrap().json();
    assert_eq!(returned["status"], "refunded");
}

#[test]
fn an_exchange_for_less_gives_the_difference_back_the_returned_orders_way() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let number = ayse_bought_a_scarf(&rt, &sim);
    let (k, printer, _scanner, _data) = counter(&sim, rt);
    open_returns(&k);
    k.send(instore_kiosk::ui::controller::Intent::FindOrder(number.clone()));
    k.wait("the order's lines", |w| stage(w) == ReturnStage::Lines);
    scarf_to_store_credit(&k, "Wrong size");
    tap_button(&k, "Sell with this credit");
    k.wait("her basket", |w| kiosk_screen(w) == Screen::Basket && !busy(w));
    // Socks instead of the scarf: the credit pays them whole.
    k.type_code(SOCKS);
    k.wait("one line", |w| basket_lines(w) == 1 && !busy(w));
    k.pay_and_collect_here();
    k.wait("the credit covering it", |w| w.global::<PaymentAdapter>().get_gift_cards_cover());
    tap_button(&k, "Pay with the gift cards");
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    k.wait("what the credit left", |w| {
        w.global::<instore_kiosk::ui::ThankYouAdapter>().get_credit_left() == instore_kiosk::ui::CreditLeft::Offered
    });
    assert!(k.exists("The exchange leaves 339,01 ₺ of the store credit."));
    // Her scarf was paid at the register: the difference is cash, the button says so.
    tap_button(&k, "Give the customer 339,01 ₺ from the till");
    k.wait("the difference given back", |w| {
        w.global::<instore_kiosk::ui::ThankYouAdapter>().get_credit_left() == instore_kiosk::ui::CreditLeft::Refunded
    });
    assert!(k.exists("The exchange's 339,01 ₺ left is given back in cash."));
    {
        let world = sim.world();
        let returned = world.all_orders().iter().find(|o| o.number == number).unwrap().json();
        assert_eq!(returned["refunds"][1]["amount"], "339.01");
        assert_eq!(returned["refunds"][1]["refund_type"], "cash");
        let new = world.all_orders().last().unwrap().json();
        assert_eq!(new["gift_cards"][0]["amount"], "119.99", "the new goods, paid by the credit");
    }
    let slip = printed(&printer, "Değişim");
    assert!(slip.contains("Nakit iade"), "{slip}");
}

#[test]
fn store_credit_left_unspent_pays_no_other_sale() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let (k, _printer, mut scanner, _data) = counter(&sim, rt);
    k.type_code(SCARF);
    k.wait("one line", |w| basket_lines(w) == 1 && !busy(w));
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Cash Register");
    k.wait("the barcode", |w| kiosk_screen(w) == Screen::CashRegisterBarcode);
    let number = k.text("CashRegisterBarcodePage::number");
    assert!(k.runtime.block_on(common::pay_at_register(&sim.url(), &number)).is_success());
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    k.new_sale();
    open_returns(&k);
    scanner.write_all(format!("{number}\r\n").as_bytes()).unwrap();
    k.wait("the order's lines", |w| stage(w) == ReturnStage::Lines);
    scarf_to_store_credit(&k, "Faulty");
    // Not exchanged: the clerk goes back, and the next customer's sale pays in full.
    tap_button(&k, "Back to basket");
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket && !busy(w));
    k.type_code(SOCKS);
    k.wait("one line", |w| basket_lines(w) == 1 && !busy(w));
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions && !busy(w));
    let payment = k.window.global::<PaymentAdapter>();
    assert_eq!(payment.get_gift_cards().row_count(), 0, "the credit is not on this sale");
    assert_eq!(payment.get_amount(), "119,99 ₺");
}

#[test]
fn a_return_while_the_server_is_away_is_noted_and_nothing_is_refunded() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let (k, _printer, mut scanner, data) = counter(&sim, rt);
    open_returns(&k);
    sim.world().scenario.faults.drop_rate = 1.0;
    scanner.write_all(b"4006381333931\r\n").unwrap();
    k.wait("the server is away", |w| {
        w.global::<ReturnAdapter>().get_problem() == instore_kiosk::ui::ReturnProblem::Offline
    });
    assert!(k.exists("The store server cannot be reached, and a return needs it: nothing is refunded without it."));
    tap_button(&k, "Note order 4006381333931 for later");
    k.wait("noted", |w| w.global::<ReturnAdapter>().get_problem() == instore_kiosk::ui::ReturnProblem::Noted);
    let store = instore_kiosk::offline::Store::open(data.path()).unwrap();
    assert_eq!(instore_kiosk::offline::returns::noted_for_later(&store).unwrap(), ["4006381333931"]);
    assert!(instore_kiosk::offline::returns::refunds_since(&store, None).unwrap().is_empty());
    // Listed on the screen, to look up when the server is back.
    assert_eq!(k.window.global::<ReturnAdapter>().get_noted().row_count(), 1);
    sim.world().scenario.faults.drop_rate = 0.0;
    tap_button(&k, "4006381333931");
    k.wait("not found, now that the server answers", |w| {
        w.global::<ReturnAdapter>().get_problem() == instore_kiosk::ui::ReturnProblem::NotFound
    });
}
