//! What the customer's receipt says: its lines, totals and how it was paid, in the
//! receipt's language, for an order the server placed, an order taken offline, and the
//! technicians' sample.
//!
//! Not here: the ESC/POS bytes that print it (`encoding.rs`).

use crate::commerce::Money;
use serde::{Deserialize, Serialize};

/// Every Turkish letter; a code page must print all of them.
pub const TURKISH_LETTERS: &str = "ÇĞİÖŞÜçğıöşü";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceiptLine {
    pub name: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub total: Money,
}

/// How an order was paid, for the thank-you screen and the receipt: the card (name and
/// masked number), the installments, or the account a transfer goes to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Paid {
    pub card: String,
    pub installments: u32,
    /// Funds transfer: the bank, the IBAN (grouped) and the reference to quote.
    pub bank: String,
    pub iban: String,
    pub reference: String,
    /// How and where the goods go: the store to collect in, or the shipping option and
    /// address (`shipped`); empty when not known.
    #[serde(default)]
    pub delivery: String,
    #[serde(default)]
    pub shipped: bool,
    /// Whose order it is; empty for the kiosk's own account.
    #[serde(default)]
    pub customer: String,
    /// Pay on delivery: how the customer pays at the door, and its fee (formatted).
    #[serde(default)]
    pub choice: String,
    #[serde(default)]
    pub fee: String,
}

/// The kiosk's own name for a payment type in `language` ("tr" or "en"), for the slip
/// and the thank-you screen: the server's option names may be in another language.
/// Brands (BKM Express, Garanti Pay, Paycell, Masterpass, MobilExpress) and types this
/// build does not know keep the server's name (`None`).
pub fn payment_name(payment_type: &str, language: &str) -> Option<&'static str> {
    let (tr, en) = match payment_type {
        "cash_register" => ("Kasada ödeme", "Paid at the register"),
        "pay_on_delivery" => ("Kapıda ödeme", "Pay on delivery"),
        "saved_card" => ("Kayıtlı kart", "Saved card"),
        "funds_transfer" => ("Havale/EFT", "Funds transfer"),
        "loyalty_money" => ("Sadakat puanı", "Loyalty money"),
        "pay_later" => ("Sonra öde", "Pay later"),
        "credit_payment" => ("Alışveriş kredisi", "Shopping credit"),
        "gift_card" => ("Hediye kartı", "Gift card"),
        // Where a refund's money went.
        "cash" => ("Nakit iade", "Cash refund"),
        "card" => ("Karta iade", "Back to the card"),
        "store_credit" => ("Mağaza kredisi", "Store credit"),
        _ => return None,
    };
    Some(if language == "en" { en } else { tr })
}

/// What a receipt says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub header: Vec<String>,
    pub lines: Vec<ReceiptLine>,
    pub service_fee: Option<Money>,
    /// Installment interest: what the plan adds to the goods and the fee.
    #[serde(default)]
    pub interest: Option<Money>,
    /// Anything else in the total (shipping, a discount), so the lines add up to it.
    #[serde(default)]
    pub other: Option<Money>,
    pub total: Money,
    /// The payment's name: the kiosk's for a known type, else the server's option.
    pub payment: String,
    /// Pay on delivery: how the customer pays at the door.
    #[serde(default)]
    pub choice: Option<String>,
    pub installments: Option<u32>,
    /// The card paid with (name and masked number), where one was.
    #[serde(default)]
    pub card: Option<String>,
    /// A funds transfer: the bank, the IBAN to transfer to and the reference to quote.
    #[serde(default)]
    pub transfer: Option<(String, String, String)>,
    /// Shipping's fee, a line of its own.
    #[serde(default)]
    pub shipping: Option<Money>,
    /// The voucher's code and what it took off the goods.
    #[serde(default)]
    pub discount: Option<(String, Money)>,
    /// The gift cards that paid part of the total (masked numbers), before `payment`.
    #[serde(default)]
    pub gift_cards: Vec<(String, Money)>,
    /// How the goods reach the customer: shipped (true) or collected, and where.
    #[serde(default)]
    pub delivery: Option<(bool, String)>,
    /// Whose order it is.
    #[serde(default)]
    pub customer: Option<String>,
    /// The server's order number, or the kiosk's reference for an order taken offline.
    pub order_number: String,
    /// The order's receipt page, printed as a QR code.
    pub link: Option<String>,
    /// Taken offline and not sent yet.
    pub pending: bool,
    /// Local date and time, as printed.
    pub printed_at: String,
    pub footer: String,
    /// "tr" or "en".
    pub language: String,
}

pub(super) struct Words {
    pub(super) quantity_each: &'static str,
    pub(super) service_fee: &'static str,
    pub(super) interest: &'static str,
    pub(super) other: &'static str,
    pub(super) shipping: &'static str,
    pub(super) voucher: &'static str,
    pub(super) gift_card: &'static str,
    pub(super) shipped: &'static str,
    pub(super) collect: &'static str,
    pub(super) customer: &'static str,
    pub(super) transfer: &'static str,
    pub(super) reference: &'static str,
    pub(super) total: &'static str,
    pub(super) payment: &'static str,
    pub(super) installments: &'static str,
    pub(super) single_payment: &'static str,
    pub(super) order: &'static str,
    pub(super) pending: &'static str,
    pub(super) pending_note: &'static str,
    pub(super) link: &'static str,
}

pub(super) fn words(language: &str) -> Words {
    if language == "en" {
        Words {
            quantity_each: "x",
            service_fee: "Service fee",
            interest: "Installment interest",
            other: "Other",
            shipping: "Shipping",
            voucher: "Voucher",
            gift_card: "Gift card",
            shipped: "Shipped",
            collect: "Collect in the store",
            customer: "Customer",
            transfer: "Transfer to",
            reference: "Write in the description:",
            total: "TOTAL",
            payment: "Payment",
            installments: "installments",
            single_payment: "Single payment",
            order: "Order number",
            pending: "OFFLINE, PENDING",
            pending_note: "Taken offline; sent to the store when the line returns.",
            link: "Your receipt online:",
        }
    } else {
        Words {
            quantity_each: "x",
            service_fee: "Hizmet bedeli",
            interest: "Vade farkı",
            other: "Diğer",
            shipping: "Kargo",
            voucher: "Kupon",
            gift_card: "Hediye kartı",
            shipped: "Kargo ile",
            collect: "Mağazadan teslim",
            customer: "Müşteri",
            transfer: "Havale yapılacak hesap",
            reference: "Açıklamaya yazın:",
            total: "TOPLAM",
            payment: "Ödeme",
            installments: "taksit",
            single_payment: "Tek çekim",
            order: "Sipariş numarası",
            pending: "ÇEVRİMDIŞI, BEKLEMEDE",
            pending_note: "Çevrimdışı alındı; bağlantı gelince mağazaya gönderilecek.",
            link: "Fişiniz çevrimiçi:",
        }
    }
}

fn printed_now() -> String {
    chrono::Local::now().format("%d.%m.%Y %H:%M").to_string()
}

/// The receipt of an order the server placed.
/// The receipt of an order the server placed. Its lines add up to the total: what the
/// goods and the service fee leave is installment interest when paid in installments,
/// and "other" otherwise. A voucher's discount is a line of its own.
pub fn for_order(
    order: &crate::commerce::OrderRecord,
    link: Option<String>,
    settings: &crate::settings::ReceiptSettings,
    paid: &Paid,
) -> Receipt {
    let goods: Money = order.items.iter().map(|i| i.total_amount).sum();
    let shipping = order.shipping_amount.filter(|s| !s.is_zero());
    let discount = order.discount_amount.filter(|d| !d.is_zero()).map(|d| {
        let code = order.voucher_code.clone().unwrap_or_default();
        (code, d)
    });
    let off = discount.as_ref().map(|(_, d)| *d).unwrap_or_default();
    // The order's amount is what the gift cards left; the receipt's total is all of it.
    let gift_cards: Vec<(String, Money)> = order.gift_cards.iter().map(|g| (g.number.clone(), g.amount)).collect();
    let total = order.amount + gift_cards.iter().map(|(_, amount)| *amount).sum::<Money>();
    let rest = total - goods + off - order.service_fee.unwrap_or_default() - shipping.unwrap_or_default();
    let in_installments = order.installment_count.is_some_and(|n| n > 1);
    Receipt {
        shipping,
        discount,
        gift_cards,
        delivery: Some((paid.shipped, paid.delivery.clone())).filter(|d| !d.1.is_empty()),
        customer: Some(paid.customer.clone()).filter(|c| !c.is_empty()),
        interest: Some(rest).filter(|r| in_installments && !r.is_zero()),
        other: Some(rest).filter(|r| !in_installments && !r.is_zero()),
        card: Some(paid.card.clone()).filter(|c| !c.is_empty()),
        transfer: Some((paid.bank.clone(), paid.iban.clone(), paid.reference.clone())).filter(|t| !t.1.is_empty()),
        header: settings.header.clone(),
        lines: order
            .items
            .iter()
            .map(|i| ReceiptLine {
                name: i.name.clone(),
                quantity: i.quantity,
                unit_price: i.unit_price,
                total: i.total_amount,
            })
            .collect(),
        service_fee: order.service_fee,
        total,
        payment: payment_name(&order.payment_type, &settings.language)
            .map(str::to_string)
            .unwrap_or_else(|| order.payment_option.clone()),
        choice: Some(paid.choice.clone()).filter(|c| !c.is_empty()),
        installments: order.installment_count,
        order_number: order.number.clone(),
        link,
        pending: false,
        printed_at: printed_now(),
        footer: settings.footer.clone(),
        language: settings.language.clone(),
    }
}

/// The slip of an order taken offline: its local reference, "offline, pending".
pub fn for_queued(
    order: &crate::offline::queue::QueuedOrder,
    (fee, choice): (Money, Option<String>),
    settings: &crate::settings::ReceiptSettings,
) -> Receipt {
    Receipt {
        header: settings.header.clone(),
        lines: order
            .order
            .lines
            .iter()
            .map(|l| ReceiptLine {
                name: l.name.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price,
                total: l.unit_price * Money::from(l.quantity),
            })
            .collect(),
        service_fee: Some(fee).filter(|f| !f.is_zero()),
        interest: None,
        other: None,
        card: None,
        transfer: None,
        shipping: None,
        discount: None,
        gift_cards: Vec::new(),
        delivery: None,
        customer: order.order.contact.clone(),
        total: order.amount + fee,
        payment: payment_name(&order.order.payment_type, &settings.language)
            .map(str::to_string)
            .or_else(|| order.order.option_name.clone())
            .unwrap_or_else(|| order.order.payment_type.clone()),
        choice,
        installments: None,
        order_number: order.reference.clone(),
        link: None,
        pending: true,
        printed_at: printed_now(),
        footer: settings.footer.clone(),
        language: settings.language.clone(),
    }
}

/// The sample `devices test-print` prints: every Turkish letter, a barcode, a QR code.
pub fn sample(language: &str) -> Receipt {
    let line = |name: &str, quantity: u32, unit: &str| {
        let unit_price: Money = unit.parse().unwrap_or_default();
        ReceiptLine {
            name: name.into(),
            quantity,
            unit_price,
            total: unit_price * Money::from(quantity),
        }
    };
    let lines = vec![
        line("Türkçe: ÇĞİÖŞÜ çğıöşü", 1, "1.00"),
        line("Çorap 3'lü Paket", 2, "119.99"),
        line("İpek Eşarp Desenli", 1, "459.00"),
    ];
    Receipt {
        header: vec!["Yazıcı deneme fişi".into(), "ÇĞİÖŞÜ çğıöşü".into()],
        total: lines.iter().map(|l| l.total).sum(),
        lines,
        service_fee: None,
        interest: None,
        other: None,
        card: None,
        transfer: None,
        shipping: None,
        discount: None,
        gift_cards: Vec::new(),
        delivery: None,
        customer: None,
        payment: "Kapıda ödeme".into(),
        choice: Some("Kapıda nakit".into()),
        installments: None,
        order_number: "2026112700042".into(),
        link: Some("https://instore.example.com/orders/completed/test/".into()),
        pending: false,
        printed_at: printed_now(),
        footer: "Şimdi ödeyin, ğüşıöç İÇĞÜŞÖ".into(),
        language: language.into(),
    }
}
