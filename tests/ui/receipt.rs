//! The receipt without paper (#24): the thank-you screen's QR code of the order's page
//! on the server, read back from the screen's own pixels and followed to the receipt;
//! a receipt cut short by the printer said on that screen, kept and printed later; and
//! for a customer's sale, the receipt by e-mail and SMS, each once, a failed send saying
//! why and leaving the QR code.

use super::common;
use super::harness::*;
use instore_kiosk::commerce::ReceiptChannel;
use instore_kiosk::sim::world::SentReceipt;
use instore_kiosk::sim::Scenario;
use instore_kiosk::ui::{CustomerAdapter, KioskAdapter, PrinterProblem, ReceiptSent, Screen, ThankYouAdapter};
use slint::{ComponentHandle, Model};
use std::time::{Duration, Instant};

/// What a phone's camera reads from the QR code the thank-you screen shows.
fn qr_on_screen(k: &Kiosk) -> String {
    let image = k.window.global::<ThankYouAdapter>().get_receipt_qr();
    let pixels = image.to_rgba8().expect("the QR code is pixels");
    let luma: Vec<u8> = pixels
        .as_bytes()
        .chunks_exact(4)
        .map(|p| ((p[0] as u32 * 299 + p[1] as u32 * 587 + p[2] as u32 * 114) / 1000) as u8)
        .collect();
    rxing::helpers::detect_in_luma(
        luma,
        pixels.width(),
        pixels.height(),
        Some(rxing::BarcodeFormat::QR_CODE),
    )
    .expect("a QR code a phone can read")
    .getText()
    .to_string()
}

/// The page behind the QR code, as a phone set to English gets it (no session).
fn receipt_page(link: &str) -> (u16, String) {
    let answer = reqwest::blocking::Client::new()
        .get(link)
        .header("Accept-Language", "en")
        .send()
        .expect("the receipt's page answers");
    (answer.status().as_u16(), answer.text().unwrap())
}

#[test]
fn a_receipt_cut_short_by_the_paper_running_out_is_offered_as_a_qr_code_and_prints_when_the_paper_is_back() {
    use common::escpos::decode;
    use common::printer::PAPER_PRESENT;
    let (k, _sim, printer, data) = super::devices::with_a_printer(&[]);
    // The paper ends a few lines into the receipt.
    printer.behaviour.lock().unwrap().paper_out_after = Some(120);
    k.sell_socks_on_delivery();
    let number = k.text("OrderCard::order-number");
    k.wait("the printer out of paper, the receipt waiting", |w| {
        let kiosk = w.global::<KioskAdapter>();
        kiosk.get_printer_problem() == PrinterProblem::PaperOut && kiosk.get_print_jobs_waiting() == 1
    });
    assert_eq!(kiosk_screen(&k.window), Screen::ThankYou, "the thank-you screen stays");
    assert_eq!(
        k.text("ReceiptCard::receipt-unprinted"),
        "Your receipt did not print. Scan the code to take it on your phone; it will print when the printer is back."
    );
    let store = instore_kiosk::offline::Store::open(data.path()).unwrap();
    assert_eq!(
        instore_kiosk::devices::printer::waiting(&store).unwrap(),
        1,
        "the job is kept"
    );

    // The code on screen leads a phone to the order's receipt.
    let thanks = k.window.global::<ThankYouAdapter>();
    assert!(thanks.get_has_receipt());
    let link = qr_on_screen(&k);
    assert_eq!(link, thanks.get_receipt_link().as_str());
    assert!(link.contains("/orders/completed/"), "{link}");
    let (status, page) = receipt_page(&link);
    assert_eq!(status, 200);
    assert!(page.contains(&format!("Receipt {number}")), "{page}");
    assert!(
        page.contains("Çorap 3&#39;lü Paket") || page.contains("Çorap 3'lü Paket"),
        "{page}"
    );
    assert!(page.contains("Total: 129.89 TRY"), "{page}");
    // The kiosk's own sale: nobody to send it to.
    assert!(!thanks.get_can_email() && !thanks.get_can_sms());

    // Paper again: the receipt prints whole, and the screen stops saying it did not.
    {
        let mut behaviour = printer.behaviour.lock().unwrap();
        behaviour.paper_out_after = None;
        behaviour.paper = Some(PAPER_PRESENT);
    }
    k.wait("the receipt printed", |w| {
        let kiosk = w.global::<KioskAdapter>();
        kiosk.get_printer_problem() == PrinterProblem::None && kiosk.get_print_jobs_waiting() == 0
    });
    let deadline = Instant::now() + Duration::from_secs(5);
    while !decode(&printer.bytes()).barcodes.contains(&number) {
        assert!(
            Instant::now() < deadline,
            "the whole receipt, barcode and all, never printed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let unprinted =
        i_slint_backend_testing::ElementHandle::find_by_element_id(&k.window, "ReceiptCard::receipt-unprinted");
    assert_eq!(unprinted.count(), 0, "the note is gone once it printed");
}

#[test]
fn a_customers_receipt_goes_by_e_mail_and_by_sms_once_each_and_a_failed_send_keeps_the_qr_code() {
    let rt = runtime();
    let sim = sim_in(&rt, Scenario::default());
    let k = Kiosk::start(rt, settings_for(Some(sim.url())));
    k.type_code("8690000010059");
    k.wait("one line", |w| basket_lines(w) == 1);
    k.tap("Customer");
    k.wait("the customer search", |w| kiosk_screen(w) == Screen::CustomerSearch);
    k.window.global::<CustomerAdapter>().set_search("yılmaz".into());
    k.tap("Search");
    k.wait("a result", |w| {
        w.global::<CustomerAdapter>().get_results().row_count() == 1
    });
    k.tap("Ayşe Yılmaz");
    k.wait("her basket", |w| kiosk_screen(w) == Screen::Basket);
    k.pay_and_collect_here();
    k.pay_on_delivery_in_cash();
    let number = k.text("OrderCard::order-number");
    let sent = || sim.world().receipts_sent.clone();

    let email = "E-mail to ay***@example.com";
    let sms = "SMS to 532 *** ** 33";
    assert!(k.exists(email) && k.exists(sms), "both offered, masked");
    k.tap(email);
    k.wait("e-mailed", |w| w.global::<ThankYouAdapter>().get_emailed());
    assert!(k.exists("E-mailed to ay***@example.com"));
    assert!(!k.enabled("E-mailed to ay***@example.com"), "sent once, not again");
    assert_eq!(
        sent(),
        [SentReceipt {
            number: number.clone(),
            channel: ReceiptChannel::Email,
            to: "ayse.yilmaz@example.com".into(),
        }]
    );

    // The server is away for the SMS: the screen says so and the code stays.
    sim.world().scenario.faults.unavailable_paths = vec!["/orders/completed/".into()];
    k.tap(sms);
    k.wait("the send failed", |w| {
        w.global::<ThankYouAdapter>().get_sent() == ReceiptSent::Unreachable
    });
    assert_eq!(
        k.text("ReceiptSend::send-problem"),
        "Not sent: the store server cannot be reached. The code still works."
    );
    assert_eq!(kiosk_screen(&k.window), Screen::ThankYou);
    assert!(k.window.global::<ThankYouAdapter>().get_has_receipt());
    assert!(k.exists("E-mailed to ay***@example.com"), "what was sent stays sent");
    assert_eq!(sent().len(), 1);

    // Back: the SMS goes, to her number.
    sim.world().scenario.faults.unavailable_paths.clear();
    k.tap(sms);
    k.wait("texted", |w| w.global::<ThankYouAdapter>().get_texted());
    assert!(!k.enabled("Sent by SMS to 532 *** ** 33"));
    let texted = sent();
    assert_eq!(texted.len(), 2);
    assert_eq!(
        (texted[1].channel, texted[1].number.as_str()),
        (ReceiptChannel::Sms, number.as_str())
    );
    assert!(texted[1].to.ends_with("1112233"), "{:?}", texted[1].to);
}
