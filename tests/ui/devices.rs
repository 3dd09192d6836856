//! The counter's devices: a serial scanner into the basket, receipts after each sale
//! and reprint, and a printer that cannot be reached.

use super::common::{self, EMAIL};
use super::harness::*;
use instore_kiosk::sim::{Scenario, Simulator};
use instore_kiosk::ui::{BasketAdapter, KioskAdapter, PrinterProblem, Screen};
use slint::ComponentHandle;
use std::time::{Duration, Instant};

#[test]
fn a_code_from_the_serial_scanner_lands_in_the_basket_on_the_server_and_noise_changes_nothing() {
    use std::io::Write;
    let (k, sim, mut master) = with_a_scanner();
    let server_lines = |sim: &Simulator| {
        sim.world().basket_json(EMAIL)["basket"]["basketitem_set"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|l| {
                        (
                            l["product"]["sku"].as_str().unwrap_or("").to_string(),
                            l["quantity"].as_u64().unwrap_or(0),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };

    // Noise first: control bytes, a line too long, a line never finished.
    let deadline = Instant::now() + Duration::from_secs(10);
    while master.write_all(b"\x00\x1b\xfe\xff\r").is_err() {
        assert!(Instant::now() < deadline, "the kiosk never opened the scanner's port");
        std::thread::sleep(Duration::from_millis(100));
    }
    master.write_all(&[b'7'; 200]).unwrap();
    master.write_all(b"\r869000").unwrap();
    std::thread::sleep(Duration::from_millis(1600));
    assert_eq!(basket_lines(&k.window), 0);
    assert!(server_lines(&sim).is_empty(), "garbage changed nothing");

    // A real code, twice within the repeat window: one T-shirt, on the server too.
    master.write_all(b"8690000010011\r8690000010011\r").unwrap();
    k.wait("the scanned line", |w| basket_lines(w) == 1);
    assert_eq!(k.text("CodeEntry::message"), "Added: Pamuklu Tişört Beyaz");
    std::thread::sleep(Duration::from_millis(500));
    k.wait("settled", |_| true);
    assert_eq!(server_lines(&sim), [("TSH-001".to_string(), 1)]);

    // Past the window, the same code again is a second one.
    std::thread::sleep(Duration::from_millis(1200));
    master.write_all(b"8690000010011\r").unwrap();
    k.wait("two of it", |w| w.global::<BasketAdapter>().get_total() == "499,80 ₺");
    assert_eq!(server_lines(&sim), [("TSH-001".to_string(), 2)]);

    // On the payment screen a scan is not taken: the sale is past the basket.
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    master.write_all(b"8690000010059\r").unwrap();
    std::thread::sleep(Duration::from_millis(800));
    k.wait("settled", |_| true);
    assert_eq!(k.screen(), Screen::PaymentOptions);
    assert_eq!(server_lines(&sim), [("TSH-001".to_string(), 2)]);
}

#[test]
fn each_sale_prints_a_receipt_offline_slips_say_pending_and_the_clerk_can_reprint() {
    use common::escpos::decode;
    let (k, sim, printer, data) = with_a_printer(&["Kadıköy Şubesi"]);
    let receipts = || {
        let bytes = printer.bytes();
        let printed = decode(&bytes);
        (printed.cuts, printed)
    };

    k.sell_socks_on_delivery();
    let number = k.text("OrderCard::order-number");
    let deadline = Instant::now() + Duration::from_secs(10);
    while receipts().0 < 1 {
        assert!(Instant::now() < deadline, "no receipt printed");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (_, first) = receipts();
    let text = first.text();
    assert!(
        text.contains("Kadıköy Şubesi") && text.contains("Çorap 3'lü Paket"),
        "{text}"
    );
    assert!(
        text.contains("Hizmet bedeli") && text.contains("9,90 TL"),
        "the fee: {text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("TOPLAM") && l.ends_with("129,89 TL")),
        "{text}"
    );
    assert_eq!(
        first.barcodes,
        std::slice::from_ref(&number),
        "the order number as a barcode"
    );
    assert_eq!(first.qr_codes.len(), 1);
    assert!(first.qr_codes[0].starts_with(&sim.url()) && first.qr_codes[0].contains("/orders/completed/"));
    assert!(!text.contains("BEKLEMEDE"));

    // Offline: the slip carries the local reference and says it is pending.
    k.new_sale();
    k.wait("an empty basket", |w| {
        kiosk_screen(w) == Screen::Basket && basket_lines(w) == 0
    });
    wait_for_catalog_copy(data.path());
    sim.world().scenario.faults.drop_rate = 1.0;
    k.sell_socks_on_delivery();
    let reference = k.text("OrderCard::order-number");
    let deadline = Instant::now() + Duration::from_secs(10);
    while receipts().0 < 2 {
        assert!(Instant::now() < deadline, "no slip printed offline");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (_, both) = receipts();
    assert_eq!(both.barcodes, [number.clone(), reference.clone()]);
    let slip = both.text();
    let slip = &slip[slip.rfind("Kadıköy Şubesi").unwrap()..];
    assert!(slip.contains("ÇEVRİMDIŞI, BEKLEMEDE"), "{slip}");
    assert_eq!(
        both.qr_codes.len(),
        1,
        "no receipt link before the server has the order"
    );

    // The clerk reprints the last one.
    k.new_sale();
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.tap("Orders");
    k.wait("the orders", |w| kiosk_screen(w) == Screen::Orders);
    k.tap("Reprint last receipt");
    let deadline = Instant::now() + Duration::from_secs(10);
    while receipts().0 < 3 {
        assert!(Instant::now() < deadline, "no reprint");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(receipts().1.barcodes, [number, reference.clone(), reference]);
}

#[test]
fn a_printer_that_cannot_be_reached_is_shown_and_the_receipt_waits() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let data = tempfile::tempdir().unwrap();
    let mut settings = settings_for(Some(sim.url()));
    settings.printer.port = data.path().join("no-printer-here").display().to_string();
    let k = Kiosk::launch_with(rt, settings, Some(data.path().to_path_buf()));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.sell_socks_on_delivery();
    k.wait("the printer banner", |w| {
        w.global::<KioskAdapter>().get_printer_problem() == PrinterProblem::Unreachable
    });
    assert_eq!(
        k.text("PrinterBanner::printer-banner"),
        "The receipt printer cannot be reached (unplugged or switched off?). Receipts waiting: 1. They print when it is back."
    );
    let store = instore_kiosk::offline::Store::open(data.path()).unwrap();
    assert_eq!(
        instore_kiosk::devices::printer::waiting(&store).unwrap(),
        1,
        "the receipt is kept"
    );
}

/// The order is placed but its record cannot be read back: the slip is still printed,
/// from what the kiosk knows, so "Reprint last receipt" gives this customer's slip and
/// not the previous customer's.
#[test]
fn a_sale_whose_order_cannot_be_read_back_still_prints_its_slip() {
    use common::escpos::decode;
    let (k, sim, printer, _data) = with_a_printer(&[]);
    let cuts = || decode(&printer.bytes()).cuts;
    let wait_for = |n: usize, what: &str| {
        let deadline = Instant::now() + Duration::from_secs(10);
        while cuts() < n {
            assert!(Instant::now() < deadline, "{what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    };

    sim.world().scenario.faults.unavailable_paths = vec!["/orders/completed/".into()];
    k.sell_socks_on_delivery();
    let number = k.text("OrderCard::order-number");
    wait_for(1, "no slip for an order that could not be read back");
    let printed = decode(&printer.bytes());
    let text = printed.text();
    assert!(text.contains("Çorap 3'lü Paket"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("TOPLAM") && l.ends_with("129,89 TL")),
        "{text}"
    );
    assert_eq!(printed.barcodes, std::slice::from_ref(&number));

    k.new_sale();
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.tap("Orders");
    k.wait("the orders", |w| kiosk_screen(w) == Screen::Orders);
    k.tap("Reprint last receipt");
    wait_for(2, "no reprint");
    assert_eq!(decode(&printer.bytes()).barcodes, [number.clone(), number]);
}

/// A kiosk selling on the simulator with a pretend receipt printer on a real
/// pseudo-terminal (the receipt's header lines given, else the default), at the basket.
/// A kiosk reading a serial scanner on a pseudo-terminal. The kiosk locks the port, as
/// it does a real one: the test keeps the other end, to write what the scanner reads.
pub(super) fn with_a_scanner() -> (Kiosk, Simulator, serialport::TTYPort) {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let (master, path) = common::printer::terminal();
    let mut settings = settings_for(Some(sim.url()));
    settings.scanner.port = path;
    (Kiosk::start(rt, settings), sim, master)
}

pub(super) fn with_a_printer(header: &[&str]) -> (Kiosk, Simulator, common::printer::FakePrinter, tempfile::TempDir) {
    use common::printer::{answering, terminal, FakePrinter};
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let data = tempfile::tempdir().unwrap();
    let (master, path) = terminal();
    let printer = FakePrinter::start(master, answering());
    let mut settings = settings_for(Some(sim.url()));
    settings.printer.port = path;
    if !header.is_empty() {
        settings.receipt.header = header.iter().map(|line| line.to_string()).collect();
    }
    let k = Kiosk::launch_with(rt, settings, Some(data.path().to_path_buf()));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    (k, sim, printer, data)
}

/// A receipt that cannot be kept as a print job (here it cannot even be made: a code
/// page without Turkish letters, which a settings file would refuse) is shown to the
/// clerk on the printer's banner, not only written to the log.
#[test]
fn a_receipt_that_cannot_be_kept_is_shown_to_the_clerk() {
    use common::printer::{answering, terminal, FakePrinter};
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let data = tempfile::tempdir().unwrap();
    let (master, path) = terminal();
    let _printer = FakePrinter::start(master, answering());
    let mut settings = settings_for(Some(sim.url()));
    settings.printer.port = path;
    settings.printer.code_page = "PC437".into();
    let k = Kiosk::launch_with(rt, settings, Some(data.path().to_path_buf()));
    k.wait("the basket", |w| kiosk_screen(w) == Screen::Basket);
    k.sell_socks_on_delivery();
    k.wait("the printer banner", |w| {
        w.global::<KioskAdapter>().get_printer_problem() == PrinterProblem::Storage
    });
    let banner = k.text("PrinterBanner::printer-banner");
    assert!(
        banner.starts_with("Receipts cannot be kept: the receipt of ") && banner.contains("could not be made"),
        "{banner}"
    );
}

/// A receipt's lines add up to TOPLAM: a 3-installment sale prints the installment
/// interest on a line of its own. A funds transfer prints the bank, the IBAN and the
/// reference to quote; the thank-you screen says the same.
#[test]
fn receipts_itemize_the_total_and_say_how_it_was_paid() {
    use common::escpos::decode;
    use slint::Model;
    let (k, sim, printer, _data) = with_a_printer(&[]);
    let wait_for = |n: usize| {
        let deadline = Instant::now() + Duration::from_secs(10);
        while decode(&printer.bytes()).cuts < n {
            assert!(Instant::now() < deadline, "receipt {n} not printed");
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let amount = |line: &str| -> rust_decimal::Decimal {
        let figure = line.rsplit(' ').nth(1).unwrap_or_default();
        figure
            .replace('.', "")
            .replace(',', ".")
            .parse()
            .unwrap_or_else(|_| panic!("{line}"))
    };
    k.type_code("8690000010011");
    k.wait("one line", |w| basket_lines(w) == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Cash Register (installments)");
    k.wait("installments", |w| kiosk_screen(w) == Screen::CashRegisterInstallments);
    let plan = k
        .window
        .global::<instore_kiosk::ui::CashRegisterAdapter>()
        .get_banks()
        .row_data(0)
        .unwrap();
    let three = plan.installments.iter().find(|i| i.count == 3).unwrap();
    k.find("3 Installments").invoke_accessible_default_action();
    k.wait("the barcode", |w| kiosk_screen(w) == Screen::CashRegisterBarcode);
    // The barcode's screen repeats the plan chosen a step before.
    assert_eq!(
        k.text("CashRegisterBarcodePage::plan"),
        format!(
            "{}: 3 installments of {}, {} in all",
            plan.bank, three.monthly, three.total
        )
    );
    let number = k.text("CashRegisterBarcodePage::number");
    sim.world().cash_register_pay(&number).unwrap();
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    assert_eq!(k.text("OrderCard::paid-with"), "3 installments");
    wait_for(1);
    let text = decode(&printer.bytes()).text();
    let lines: Vec<&str> = text.lines().collect();
    let total = lines
        .iter()
        .find(|l| l.starts_with("TOPLAM"))
        .map(|l| amount(l))
        .unwrap();
    let goods = lines
        .iter()
        .find(|l| l.starts_with("  1 x"))
        .map(|l| amount(l))
        .unwrap();
    let interest = lines.iter().find(|l| l.starts_with("Vade farkı")).map(|l| amount(l));
    assert!(interest.is_some(), "an interest line: {text}");
    assert_eq!(goods + interest.unwrap(), total, "the lines add up: {text}");

    k.new_sale();
    k.wait("the basket", |w| {
        kiosk_screen(w) == Screen::Basket && basket_lines(w) == 0
    });
    k.type_code("8690000010059");
    k.wait("one line", |w| basket_lines(w) == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Funds Transfer");
    k.wait("the banks", |w| kiosk_screen(w) == Screen::ChoiceList);
    k.tap("Akbank");
    k.wait("the details", |w| kiosk_screen(w) == Screen::Confirm);
    k.tap("I have read and accept the sales agreement.");
    k.tap("Place order");
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    let said = k.text("OrderCard::paid-with");
    assert!(
        said.starts_with("Transfer to Akbank, IBAN TR33 0001 0000 0000 0000 0000 01, and write K"),
        "{said}"
    );
    wait_for(2);
    let text = decode(&printer.bytes()).text();
    let second = text.rsplit("TOPLAM").next().unwrap_or_default();
    assert!(second.contains("Havale yapılacak hesap: Akbank"), "{text}");
    assert!(second.contains("TR33 0001 0000 0000 0000 0000 01"), "{text}");
    assert!(second.contains("Açıklamaya yazın: K"), "{text}");
}

/// Pay on delivery says what the customer pays, before and after: the chosen way to
/// pay at the door is marked, the total with its fee shows before the order is placed,
/// and the thank-you screen and the Turkish slip name the payment (in their own
/// words), the choice and the fee, with no card's "single payment" on a cash order.
#[test]
fn pay_on_delivery_names_the_choice_and_the_fee_before_and_after() {
    use common::escpos::decode;
    let (k, _sim, printer, _data) = with_a_printer(&[]);
    k.type_code("8690000010011");
    k.wait("one line", |w| basket_lines(w) == 1);
    k.tap("Pay");
    k.wait("the payment options", |w| kiosk_screen(w) == Screen::PaymentOptions);
    k.tap("Pay on Delivery");
    k.wait("pay on delivery", |w| kiosk_screen(w) == Screen::PayOnDelivery);
    assert!(
        !k.exists("PayOnDeliveryPage::due-at-door"),
        "nothing chosen, no total yet"
    );
    let cash = k.find("Cash on delivery");
    assert_eq!(cash.accessible_checked(), Some(false));
    k.tap("Cash on delivery");
    k.pump();
    assert_eq!(k.find("Cash on delivery").accessible_checked(), Some(true));
    assert_eq!(
        k.text("PayOnDeliveryPage::due-at-door"),
        "To pay at the door: 259,80 ₺ (service fee 9,90 ₺ included)"
    );
    k.tap("I have read and accept the sales agreement.");
    k.tap("Place order");
    k.wait("the thank-you screen", |w| kiosk_screen(w) == Screen::ThankYou);
    assert_eq!(k.text("OrderCard::order-summary"), "259,80 ₺  ·  Pay on Delivery");
    assert_eq!(
        k.text("OrderCard::pay-choice"),
        "To pay at the door: Cash on delivery, service fee 9,90 ₺ included"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while decode(&printer.bytes()).cuts < 1 {
        assert!(Instant::now() < deadline, "no receipt printed");
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = decode(&printer.bytes()).text();
    assert!(text.lines().any(|l| l == "Ödeme: Kapıda ödeme"), "{text}");
    assert!(text.lines().any(|l| l == "Cash on delivery"), "the choice: {text}");
    assert!(text.contains("Hizmet bedeli") && text.contains("9,90 TL"), "{text}");
    assert!(
        !text.contains("Tek çekim") && !text.contains("Pay on Delivery"),
        "{text}"
    );
}
