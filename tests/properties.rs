//! Properties of the parsers that take what the outside world sends: the checkout
//! envelope, money, the scanner's bytes and the printer's bytes (the virtual printer's
//! reader). Each runs a bounded number of generated cases (256) in `cargo test`; a
//! failure prints the smallest input found.

use instore_kiosk::commerce::money::{parse_money_value, wire};
use instore_kiosk::commerce::pages::{CheckoutResponse, PageName};
use instore_kiosk::commerce::Money;
use instore_kiosk::devices::scanner::{Line, LineReader};
use instore_kiosk::devices::{encoding, paper, receipt};
use instore_kiosk::settings::{PrinterSettings, ScannerSettings};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::time::Instant;

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|x| json!(x)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((text(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// Short text, with any characters.
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter)
}

/// A page name: one this build knows, or anything.
fn page_name() -> impl Strategy<Value = Value> {
    prop_oneof![
        proptest::sample::select(PageName::ALL).prop_map(|p| json!(p.as_str())),
        any_json(),
    ]
}

/// Something shaped like the checkout envelope, with anything in its places.
fn envelope() -> impl Strategy<Value = Value> {
    (
        proptest::collection::vec((page_name(), any_json()), 0..4),
        any_json(),
        any_json(),
    )
        .prop_map(|(pages, errors, pre_order)| {
            let list: Vec<Value> = pages
                .into_iter()
                .map(|(name, context)| json!({"page_name": name, "page_context": context}))
                .collect();
            json!({"context_list": list, "errors": errors, "pre_order": pre_order})
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_checkout_parser_never_panics(envelope in envelope(), bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = CheckoutResponse::parse(envelope.to_string().as_bytes());
        let _ = CheckoutResponse::parse(&bytes);
    }

    #[test]
    fn money_parses_any_json_without_panic_and_round_trips(value in any_json(), cents in any::<i64>()) {
        let _ = parse_money_value(&value);
        let amount = Money::new(cents, 2);
        prop_assert_eq!(parse_money_value(&json!(wire(amount))).unwrap(), Some(amount));
    }

    #[test]
    fn the_scanner_reads_the_same_codes_however_the_bytes_arrive(
        bytes in proptest::collection::vec(
            prop_oneof![4 => b'0'..=b'9', 1 => Just(b'\r'), 1 => Just(b'\n'), 1 => any::<u8>()],
            0..200,
        ),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let settings = ScannerSettings::default();
        let now = Instant::now();
        let at_once = LineReader::new(&settings).push(&bytes, now);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let mut reader = LineReader::new(&settings);
        let mut in_pieces = Vec::new();
        let mut from = 0;
        for cut in cuts.into_iter().chain([bytes.len()]) {
            in_pieces.extend(reader.push(&bytes[from..cut], now));
            from = cut;
        }
        prop_assert_eq!(&at_once, &in_pieces);
        for line in at_once {
            if let Line::Code(code) = line {
                prop_assert!(code.len() <= settings.max_length);
                prop_assert!(code.bytes().all(|b| b.is_ascii_graphic() || b == b' '), "{:?}", code);
            }
        }
    }

    #[test]
    fn the_receipt_reader_never_panics_and_never_reads_past_its_input(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let (_, consumed) = paper::read(&bytes);
        prop_assert!(consumed <= bytes.len());
    }

    #[test]
    fn a_receipt_split_anywhere_reads_back_the_same(cuts in proptest::collection::vec(any::<usize>(), 1..6)) {
        let printer = PrinterSettings::default();
        let bytes = encoding::encode(&receipt::sample("tr"), &printer).unwrap();
        let (whole, _) = paper::read(&bytes);
        let columns = encoding::columns(printer.paper_width_mm);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (bytes.len() + 1)).collect();
        cuts.sort_unstable();
        // As the virtual printer reads its port: whatever arrived, less what made papers.
        let (mut pending, mut papers, mut from) = (Vec::new(), Vec::new(), 0);
        for cut in cuts.into_iter().chain([bytes.len()]) {
            pending.extend_from_slice(&bytes[from..cut]);
            from = cut;
            let (done, consumed) = paper::read(&pending);
            papers.extend(done);
            pending.drain(..consumed);
        }
        prop_assert_eq!(papers.len(), whole.len());
        for (a, b) in papers.iter().zip(&whole) {
            prop_assert_eq!(a.text(columns), b.text(columns));
        }
    }
}
