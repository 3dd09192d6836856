//! CODE128 barcodes: one rule for which code set carries which characters, and the
//! three shapes the kiosk needs of it: the bars as modules (the receipt preview), the
//! bars as a PNG (the simulator's cash-register barcode) and the `GS k` payload an
//! ESC/POS printer draws itself (the printed receipt). One rule, so the printed bars and
//! the preview of them cannot disagree.
//!
//! Not here: any I/O. The bars come from the `barcoders` crate; the printer's command
//! bytes around the payload are `devices::receipt`'s.

/// A CODE128 code set: C packs two digits a symbol, B carries printable ASCII.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeSet {
    B,
    C,
}

/// A run of characters in one code set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub set: CodeSet,
    pub text: String,
}

/// How `text` is split into code sets: all digits go two a symbol in set C (an odd last
/// digit in set B); anything else is set B, with what set B cannot carry dropped.
pub fn plan(text: &str) -> Vec<Run> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let pairs = if digits { text.len() - text.len() % 2 } else { 0 };
    let mut runs = Vec::new();
    if pairs > 0 {
        runs.push(Run {
            set: CodeSet::C,
            text: text[..pairs].to_string(),
        });
    }
    // '{' starts a code-set switch in ESC/POS's payload, so it is never data.
    let rest: String = text[pairs..]
        .chars()
        .filter(|c| (' '..='~').contains(c) && *c != '{')
        .collect();
    if !rest.is_empty() {
        runs.push(Run {
            set: CodeSet::B,
            text: rest,
        });
    }
    runs
}

/// The modules (1 = black) of the barcode of `text`, without quiet zones.
pub fn modules(text: &str) -> Result<Vec<u8>, String> {
    let runs = plan(text);
    if runs.is_empty() {
        return Err(format!("{text:?} has nothing a CODE128 barcode can carry"));
    }
    // barcoders takes the start or switch of code set as these characters.
    let data: String = runs
        .iter()
        .map(|run| match run.set {
            CodeSet::C => format!("\u{0106}{}", run.text),
            CodeSet::B => format!("\u{0181}{}", run.text),
        })
        .collect();
    barcoders::sym::code128::Code128::new(data)
        .map(|c| c.encode())
        .map_err(|e| format!("{e:?}"))
}

/// The data of ESC/POS's `GS k 73` (CODE128) for `text`: each run opened by `{C` or
/// `{B`, set-C digits packed two a byte. Also the number of modules the printed bars take
/// with 10 modules of quiet zone each side, for choosing a module width that fits.
pub fn escpos_payload(text: &str) -> (Vec<u8>, u32) {
    let mut payload = Vec::new();
    let mut symbols = 0u32;
    for run in plan(text) {
        match run.set {
            CodeSet::C => {
                payload.extend_from_slice(b"{C");
                for pair in run.text.as_bytes().chunks(2) {
                    payload.push((pair[0] - b'0') * 10 + (pair[1] - b'0'));
                    symbols += 1;
                }
            }
            CodeSet::B => {
                payload.extend_from_slice(b"{B");
                payload.extend_from_slice(run.text.as_bytes());
                symbols += run.text.len() as u32;
            }
        }
    }
    // A symbol is 11 modules: each data symbol, and each start or switch of code set;
    // then the check symbol, the 13-module stop and the quiet zones.
    let switches = plan(text).len() as u32;
    let modules = 11 * (symbols + switches) + 11 + 13 + 20;
    (payload, modules)
}

/// Pixels per module and bar height of the PNG: wide enough for a scanner reading a screen.
const MODULE_PX: usize = 3;
const HEIGHT_PX: usize = 120;
const QUIET_MODULES: usize = 12;

/// A greyscale PNG of the barcode of `text`, with quiet zones.
pub fn png(text: &str) -> Result<Vec<u8>, String> {
    let modules = modules(text)?;
    let width = (modules.len() + 2 * QUIET_MODULES) * MODULE_PX;
    let mut row = vec![255u8; width];
    for (i, &m) in modules.iter().enumerate() {
        if m == 1 {
            let start = (QUIET_MODULES + i) * MODULE_PX;
            row[start..start + MODULE_PX].fill(0);
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width as u32, HEIGHT_PX as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        let data = row.repeat(HEIGHT_PX);
        writer.write_image_data(&data).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_go_two_a_symbol_with_an_odd_last_digit_in_set_b() {
        assert_eq!(
            plan("12345"),
            vec![
                Run {
                    set: CodeSet::C,
                    text: "1234".into()
                },
                Run {
                    set: CodeSet::B,
                    text: "5".into()
                }
            ]
        );
        assert_eq!(
            plan("K2026-X"),
            vec![Run {
                set: CodeSet::B,
                text: "K2026-X".into()
            }]
        );
        assert_eq!(escpos_payload("12345678").0, vec![b'{', b'C', 12, 34, 56, 78]);
    }

    #[test]
    fn printed_and_drawn_bars_are_one_width() {
        // The payload's module count is what barcoders draws, plus 20 of quiet zone.
        for text in ["2026112700042", "12345678", "7", "K20261127-XHJGMN"] {
            let (_, printed) = escpos_payload(text);
            assert_eq!(printed, modules(text).unwrap().len() as u32 + 20, "{text}");
        }
    }

    #[test]
    fn text_without_barcode_characters_is_an_error() {
        assert!(modules("").is_err());
        assert!(modules("ÇĞ").is_err());
    }
}
