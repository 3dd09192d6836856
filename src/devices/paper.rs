//! What a receipt looks like on paper, read back from the ESC/POS bytes the kiosk sent:
//! the virtual printer of demo mode writes each receipt as text and as a PNG preview,
//! so a person can read what a real printer would have printed.
//!
//! It understands the commands `encoding.rs` sends (text in PC857, bold, double size,
//! justification, reverse, CODE128, QR code, cut); anything else is skipped.

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use image::{GrayImage, Luma};

#[derive(Debug, Clone, PartialEq)]
pub enum Element {
    Text {
        text: String,
        bold: bool,
        big: bool,
        centered: bool,
        reversed: bool,
    },
    Barcode(String),
    Qr(String),
}

/// One receipt: everything up to a cut.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paper {
    pub elements: Vec<Element>,
}

fn cp857(byte: u8) -> char {
    if byte < 0x80 {
        byte as char
    } else {
        oem_cp::decode_char_incomplete_table_lossy(byte, &oem_cp::code_table::DECODING_TABLE_CP857)
    }
}

/// Splits a stream of printer bytes into receipts; the bytes after the last cut are
/// returned as the unfinished rest.
pub fn read(bytes: &[u8]) -> (Vec<Paper>, usize) {
    let mut papers = Vec::new();
    let mut paper = Paper::default();
    let (mut bold, mut big, mut centered, mut reversed) = (false, false, false, false);
    let mut line = String::new();
    let mut consumed = 0;
    let mut i = 0;
    let at = |i: usize| bytes.get(i).copied();
    macro_rules! flush {
        () => {
            paper.elements.push(Element::Text {
                text: std::mem::take(&mut line),
                bold,
                big,
                centered,
                reversed,
            })
        };
    }
    while i < bytes.len() {
        let b = bytes[i];
        let need = |n: usize| i + n <= bytes.len();
        match b {
            b'\n' => {
                flush!();
                i += 1;
            }
            0x10 => i += 3,
            0x1b | 0x1d if !need(3) => break,
            0x1b => {
                let arg = at(i + 2).unwrap_or(0);
                match at(i + 1) {
                    Some(b'@') => {
                        (bold, big, centered, reversed) = (false, false, false, false);
                        i += 2;
                        continue;
                    }
                    Some(b'E') => bold = arg & 1 == 1,
                    Some(b'a') => centered = arg == 1 || arg == b'1',
                    Some(b'd') => {
                        if arg > 0 {
                            flush!();
                        }
                        for _ in 1..arg {
                            line.clear();
                            flush!();
                        }
                    }
                    _ => {}
                }
                i += 3;
            }
            0x1d => {
                let arg = at(i + 2).unwrap_or(0);
                match at(i + 1) {
                    Some(b'!') => {
                        big = arg != 0;
                        i += 3;
                    }
                    Some(b'B') => {
                        reversed = arg & 1 == 1;
                        i += 3;
                    }
                    Some(b'V') => {
                        // `GS V 65 n` and `GS V 66 n` are four bytes: a read may end inside.
                        let length = if matches!(arg, 65 | 66) { 4 } else { 3 };
                        if !need(length) {
                            break;
                        }
                        if !line.is_empty() {
                            flush!();
                        }
                        papers.push(std::mem::take(&mut paper));
                        i += length;
                        consumed = i;
                    }
                    Some(b'k') if arg >= 65 => {
                        let n = at(i + 3).unwrap_or(0) as usize;
                        if !need(4 + n) {
                            break;
                        }
                        paper
                            .elements
                            .push(Element::Barcode(code128_text(&bytes[i + 4..i + 4 + n])));
                        i += 4 + n;
                    }
                    Some(b'(') => {
                        let len = at(i + 3).unwrap_or(0) as usize + 256 * at(i + 4).unwrap_or(0) as usize;
                        if !need(5 + len) {
                            break;
                        }
                        let body = &bytes[i + 5..i + 5 + len];
                        if arg == b'k' && body.len() > 3 && body[0] == 49 && body[1] == 80 {
                            paper
                                .elements
                                .push(Element::Qr(String::from_utf8_lossy(&body[3..]).into_owned()));
                        }
                        i += 5 + len;
                    }
                    _ => i += 3,
                }
            }
            0x00..=0x1f => i += 1,
            _ => {
                line.push(cp857(b));
                i += 1;
            }
        }
    }
    (papers, consumed)
}

fn code128_text(data: &[u8]) -> String {
    let mut text = String::new();
    let mut digits = false;
    let mut i = 0;
    while i < data.len() {
        if data[i] == b'{' && i + 1 < data.len() {
            digits = data[i + 1] == b'C';
            i += 2;
            continue;
        }
        if digits {
            text.push_str(&format!("{:02}", data[i]));
        } else {
            text.push(data[i] as char);
        }
        i += 1;
    }
    text
}

impl Paper {
    /// The receipt as plain text, `columns` wide.
    pub fn text(&self, columns: usize) -> String {
        let mut out = String::new();
        for element in &self.elements {
            let line = match element {
                Element::Text { text, centered, .. } if *centered => {
                    let pad = columns.saturating_sub(text.chars().count()) / 2;
                    format!("{}{text}", " ".repeat(pad))
                }
                Element::Text { text, .. } => text.clone(),
                Element::Barcode(data) => format!("[barcode {data}]"),
                Element::Qr(data) => format!("[QR {data}]"),
            };
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out.push_str(&"✂ ".repeat(columns / 2));
        out.push('\n');
        out
    }

    /// The receipt as a picture, `width` dots wide (576 for 80 mm, 384 for 58 mm), text
    /// in `columns` fixed cells as a printer's Font A lays it out.
    pub fn png(&self, width: u32, columns: usize) -> Result<Vec<u8>, String> {
        let cell = width as f32 / columns as f32;
        let (regular, bold_font) = fonts()?;
        let (regular, bold_font) = (&regular, &bold_font);
        let margin = 16u32;
        // First pass: the height.
        let mut pictures: Vec<GrayImage> = Vec::new();
        let mut height = margin;
        for element in &self.elements {
            match element {
                Element::Text { big, .. } => height += if *big { 48 } else { 26 },
                Element::Barcode(data) => {
                    let picture = barcode_picture(data)?;
                    height += picture.height() + 30;
                    pictures.push(picture);
                }
                Element::Qr(data) => {
                    let picture = qrcode::QrCode::new(data.as_bytes())
                        .map_err(|e| e.to_string())?
                        .render::<Luma<u8>>()
                        .module_dimensions(6, 6)
                        .build();
                    height += picture.height() + 8;
                    pictures.push(picture);
                }
            }
        }
        height += margin;
        let mut canvas = GrayImage::from_pixel(width, height, Luma([255]));
        let mut y = margin as f32;
        let mut pictures = pictures.into_iter();
        for element in &self.elements {
            match element {
                Element::Text {
                    text,
                    bold,
                    big,
                    centered,
                    reversed,
                } => {
                    let size = if *big { 40.0 } else { 20.0 };
                    let font = if *bold { &bold_font } else { &regular };
                    let scaled = font.as_scaled(PxScale::from(size));
                    let step = if *big { cell * 2.0 } else { cell };
                    let advance = step * text.chars().count() as f32;
                    let x = if *centered {
                        ((width as f32 - advance) / 2.0).max(0.0)
                    } else {
                        0.0
                    };
                    let line_height = if *big { 48.0 } else { 26.0 };
                    if *reversed {
                        for py in (y as u32)..((y + line_height) as u32).min(height) {
                            for px in (x as u32)..((x + advance) as u32).min(width) {
                                canvas.put_pixel(px, py, Luma([0]));
                            }
                        }
                    }
                    draw_text(
                        &mut canvas,
                        font,
                        size,
                        x,
                        y + scaled.ascent(),
                        text,
                        *reversed,
                        Some(step),
                    );
                    y += line_height;
                }
                Element::Barcode(data) | Element::Qr(data) => {
                    let picture = pictures.next().expect("made above");
                    let x = width.saturating_sub(picture.width()) / 2;
                    image::imageops::overlay(&mut canvas, &picture, i64::from(x), y as i64);
                    y += picture.height() as f32 + 8.0;
                    if matches!(element, Element::Barcode(_)) {
                        let scaled = regular.as_scaled(PxScale::from(20.0));
                        let advance: f32 = data.chars().map(|c| scaled.h_advance(scaled.glyph_id(c))).sum();
                        draw_text(
                            &mut canvas,
                            regular,
                            20.0,
                            (width as f32 - advance) / 2.0,
                            y + scaled.ascent(),
                            data,
                            false,
                            None,
                        );
                        y += 22.0;
                    }
                }
            }
        }
        let mut png = Vec::new();
        image::DynamicImage::ImageLuma8(canvas)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .map_err(|e| e.to_string())?;
        Ok(png)
    }
}

/// Where Debian's fonts-dejavu-core puts the monospaced face a receipt is drawn with.
/// Read from the system rather than built in: the kiosk binary stays smaller (its size
/// is most of its memory), and only the demo's previews need it.
const FONT_DIR: &str = "/usr/share/fonts/truetype/dejavu";

fn fonts() -> Result<(FontVec, FontVec), String> {
    let load = |name: &str| {
        let path = std::path::Path::new(FONT_DIR).join(name);
        let bytes = std::fs::read(&path)
            .map_err(|e| format!("{} cannot be read ({e}); install fonts-dejavu-core", path.display()))?;
        FontVec::try_from_vec(bytes).map_err(|e| format!("{}: {e}", path.display()))
    };
    Ok((load("DejaVuSansMono.ttf")?, load("DejaVuSansMono-Bold.ttf")?))
}

fn barcode_picture(data: &str) -> Result<GrayImage, String> {
    let modules = crate::barcode::modules(data)?;
    let (module, height) = (2u32, 80u32);
    let mut picture = GrayImage::from_pixel(modules.len() as u32 * module, height, Luma([255]));
    for (i, bar) in modules.iter().enumerate() {
        if *bar == 1 {
            for x in 0..module {
                for y in 0..height {
                    picture.put_pixel(i as u32 * module + x, y, Luma([0]));
                }
            }
        }
    }
    Ok(picture)
}

/// Draws `text` from `x`; with `cell`, each character centred in a cell of that width.
#[allow(clippy::too_many_arguments)]
fn draw_text(
    canvas: &mut GrayImage,
    font: &FontVec,
    size: f32,
    x: f32,
    baseline: f32,
    text: &str,
    white: bool,
    cell: Option<f32>,
) {
    let scaled = font.as_scaled(PxScale::from(size));
    let mut caret = x;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        let advance = scaled.h_advance(id);
        let left = cell.map_or(caret, |cell| caret + (cell - advance) / 2.0);
        let glyph = id.with_scale_and_position(PxScale::from(size), ab_glyph::point(left, baseline));
        caret += cell.unwrap_or(advance);
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let (px, py) = (bounds.min.x as i64 + i64::from(gx), bounds.min.y as i64 + i64::from(gy));
                if px < 0 || py < 0 || px >= i64::from(canvas.width()) || py >= i64::from(canvas.height()) {
                    return;
                }
                let pixel = canvas.get_pixel_mut(px as u32, py as u32);
                let ink = (coverage.clamp(0.0, 1.0) * 255.0) as u8;
                pixel.0[0] = if white {
                    pixel.0[0].saturating_add(ink)
                } else {
                    pixel.0[0].saturating_sub(ink)
                };
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_that_ends_inside_a_cut_waits_for_the_rest() {
        let whole = b"\x1b@Merhaba\n\x1dVA\x03";
        for cut in 0..=whole.len() {
            let (papers, consumed) = read(&whole[..cut]);
            assert!(consumed <= cut, "consumed {consumed} of {cut} bytes");
            if cut < whole.len() {
                assert!(papers.is_empty(), "a receipt before its cut is complete ({cut} bytes)");
            }
        }
        let (papers, consumed) = read(whole);
        assert_eq!((papers.len(), consumed), (1, whole.len()));
    }

    #[test]
    fn the_sample_receipt_reads_back_and_renders() {
        let bytes = super::super::encoding::encode(&super::super::receipt::sample("tr"), &Default::default()).unwrap();
        let (papers, consumed) = read(&bytes);
        assert_eq!((papers.len(), consumed), (1, bytes.len()));
        let text = papers[0].text(48);
        assert!(text.contains("Türkçe: ÇĞİÖŞÜ çğıöşü"), "{text}");
        assert!(text.contains("[barcode 2026112700042]"), "{text}");
        let png = papers[0].png(576, 48).unwrap();
        let picture = image::load_from_memory(&png).unwrap();
        assert_eq!(picture.width(), 576);
        assert!(picture.height() > 600);
    }
}
