//! Vouchers on the touchscreen (#24): the basket's Voucher… opens a panel typed on the
//! on-screen keys; the server's reason for a code it will not take stays on it; the
//! discount is the basket's last line, off the total, and on the printed receipt; a scan
//! of the printed voucher while the panel is up is its code (a QR code's link too); a
//! basket that falls under the voucher's minimum says it lost it; and a server that
//! cannot be reached says so on the panel, the basket untouched.

use super::common::{self, EMAIL};
use super::harness::*;
use instore_kiosk::sim::Scenario;
use instore_kiosk::ui::{BasketAdapter, Screen, VoucherProblem};
use slint::ComponentHandle;
use std::time::{Duration, Instant};

const SOCKS: &str = "8690000010059"; // 119.99
const SCARF: &str = "8690000010103"; // 459.00

/// Types a voucher's code on the on-screen keys: its letters in lower case (the server
/// matches any case), its digits on the digits' keys, then Enter.
fn type_voucher(k: &Kiosk, letters: &str, digits: &str) {
    k.type_keys(letters);
    k.key("Digits and symbols");
    k.type_keys(digits);
    k.key("Letters");
    k.key("Enter");
}

fn basket_total(k: &Kiosk) -> String {
    k.window.global::<BasketAdapter>().get_total().to_string()
}

#[test]
fn a_voucher_typed_on_the_on_screen_keys_comes_off_the_total_and_prints_on_the_receipt() {
    use common::escpos::decode;
    let (k, sim, printer, _data) = super::devices::with_a_printer(&[]);
    assert!(!k.enabled("Add a voucher"), "no voucher on an empty basket");
    k.type_code(SOCKS);
    k.wait("one line", |w| basket_lines(w) == 1);
    k.type_code(SCARF);
    k.wait("two lines", |w| basket_lines(w) == 2);
    assert_eq!(basket_total(&k), "578,99 ₺");

    k.tap("Add a voucher");
    assert!(k.window.global::<BasketAdapter>().get_voucher_open());
    assert!(keyboard_up(&k.window), "the panel opens on its field, the keys up");
    // An expired code: the server's reason, the code kept in the field for a correction.
    type_voucher(&k, "yilbasi", "25");
    k.wait("the server's reason", |w| {
        w.global::<BasketAdapter>().get_voucher_problem() == VoucherProblem::Refused
    });
    assert_eq!(
        k.text("VoucherPage::problem"),
        "Not applied: This voucher expired on 31.12.2025."
    );
    assert_eq!(k.window.global::<BasketAdapter>().get_voucher_entry(), "yilbasi25");
    assert_eq!(basket_total(&k), "578,99 ₺", "nothing taken off");

    for _ in 0.."yilbasi25".len() {
        k.key("Backspace");
    }
    type_voucher(&k, "bahar", "10");
    k.wait("the voucher on the basket", |w| {
        let basket = w.global::<BasketAdapter>();
        basket.get_has_voucher() && !basket.get_voucher_open()
    });
    assert_eq!(k.screen(), Screen::Basket);
    assert_eq!(k.text("VoucherRow::voucher"), "Voucher BAHAR10: Spring sale 10%");
    assert_eq!(k.window.global::<BasketAdapter>().get_voucher_off(), "57,90 ₺");
    assert_eq!(basket_total(&k), "521,09 ₺");
    assert_eq!(k.text("CodeEntry::message"), "Voucher BAHAR10 applied.");
    assert!(k.exists("Remove the voucher BAHAR10"));

    // Paid with it: the order is for the discounted goods (and the door's fee).
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.pay_on_delivery_in_cash();
    let order = sim.world().all_orders().last().cloned().expect("an order");
    assert_eq!(order.voucher.as_ref().map(|(code, _)| code.as_str()), Some("BAHAR10"));
    assert_eq!(order.amount, common::money("521.09") + order.service_fee);
    let deadline = Instant::now() + Duration::from_secs(10);
    while decode(&printer.bytes()).cuts < 1 {
        assert!(Instant::now() < deadline, "no receipt printed");
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = decode(&printer.bytes()).text();
    let line = text
        .lines()
        .find(|l| l.contains("Kupon BAHAR10"))
        .unwrap_or_else(|| panic!("no voucher line: {text}"));
    assert!(line.trim_end().ends_with("-57,90 TL"), "{line}");

    // The next sale starts without it.
    k.new_sale();
    k.wait("an empty basket", |w| basket_lines(w) == 0);
    assert!(!k.window.global::<BasketAdapter>().get_has_voucher());
}

#[test]
fn a_voucher_scanned_while_its_panel_is_up_goes_on_and_a_smaller_basket_loses_it() {
    use std::io::Write;
    let (k, sim, mut master) = super::devices::with_a_scanner();
    let deadline = Instant::now() + Duration::from_secs(10);
    while master.write_all(format!("{SCARF}\r").as_bytes()).is_err() {
        assert!(Instant::now() < deadline, "the kiosk never opened the scanner's port");
        std::thread::sleep(Duration::from_millis(100));
    }
    k.wait("the scarf", |w| basket_lines(w) == 1);
    master.write_all(format!("{SOCKS}\r").as_bytes()).unwrap();
    k.wait("the socks", |w| basket_lines(w) == 2);

    // The printed voucher's QR code holds a link with the code.
    k.tap("Add a voucher");
    master.write_all(b"https://v.example/?code=HOSGELDIN50\r").unwrap();
    k.wait("the scanned voucher on the basket", |w| {
        let basket = w.global::<BasketAdapter>();
        basket.get_has_voucher() && !basket.get_voucher_open()
    });
    assert_eq!(basket_total(&k), "528,99 ₺", "50.00 off 578.99");
    assert_eq!(basket_lines(&k.window), 2, "the scan added no product");
    let on_server = sim.world().basket_json(EMAIL);
    assert_eq!(on_server["basket"]["voucher_code"], "HOSGELDIN50");

    // With the panel put away a scan is a product again.
    master.write_all(format!("{SOCKS}\r").as_bytes()).unwrap();
    k.wait("two pairs of socks", |w| basket_total_is(w, "648,98 ₺"));

    // Without the scarf the basket is under the voucher's 250.00: it comes off, and the
    // screen says why the total went up.
    k.tap("Remove İpek Eşarp Desenli");
    k.wait("the scarf gone", |w| basket_lines(w) == 1);
    assert!(!k.window.global::<BasketAdapter>().get_has_voucher());
    assert_eq!(basket_total(&k), "239,98 ₺");
    assert_eq!(
        k.text("CodeEntry::message"),
        "The basket no longer meets voucher HOSGELDIN50: it came off."
    );
}

fn basket_total_is(w: &instore_kiosk::ui::MainWindow, total: &str) -> bool {
    w.global::<BasketAdapter>().get_total() == total
}

#[test]
fn a_voucher_taken_off_or_sent_to_a_server_that_is_gone_leaves_the_basket_as_it_was() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.type_code(SCARF);
    k.wait("one line", |w| basket_lines(w) == 1);
    k.tap("Add a voucher");
    type_voucher(&k, "bahar", "10");
    k.wait("the voucher on", |w| w.global::<BasketAdapter>().get_has_voucher());
    assert_eq!(basket_total(&k), "413,10 ₺");
    k.tap("Remove the voucher BAHAR10");
    k.wait("the voucher off", |w| !w.global::<BasketAdapter>().get_has_voucher());
    assert_eq!(basket_total(&k), "459,00 ₺");
    assert!(k.enabled("Add a voucher"), "the button is back in the row");

    // The server goes away while the customer types a code.
    k.tap("Add a voucher");
    k.runtime.block_on(sim.stop());
    type_voucher(&k, "bahar", "10");
    k.wait("the panel's answer", |w| {
        w.global::<BasketAdapter>().get_voucher_problem() == VoucherProblem::Unreachable
    });
    assert_eq!(k.screen(), Screen::Basket, "no error screen over the sale");
    assert!(k.window.global::<BasketAdapter>().get_voucher_open(), "the panel stays for another try");
    assert_eq!(
        k.text("VoucherPage::problem"),
        "The store server cannot be reached. Try again, or pay without the voucher."
    );
    assert_eq!(basket_lines(&k.window), 1);
    assert_eq!(basket_total(&k), "459,00 ₺");
    // Back to the basket; the sale goes on.
    k.tap("Back to basket");
    assert!(!k.window.global::<BasketAdapter>().get_voucher_open());
}
