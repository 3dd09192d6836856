//! Code128 barcodes as PNG images, for `CashRegisterCompletePage.barcode`.
//!
//! The bars come from the `barcoders` crate; this file only lays them out as pixels with
//! a quiet zone and writes a greyscale PNG with the `png` crate.

use base64::Engine;

/// Pixels per narrow bar and bar height; wide enough for a scanner reading a screen.
const MODULE_PX: usize = 3;
const HEIGHT_PX: usize = 120;
const QUIET_MODULES: usize = 12;

/// The modules (1 = black) of a Code128 barcode of `text`, digits packed as set C.
pub fn code128_modules(text: &str) -> Result<Vec<u8>, String> {
    let data = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let even = text.len() - text.len() % 2;
        let (pairs, rest) = text.split_at(even);
        if rest.is_empty() {
            format!("\u{0106}{pairs}")
        } else if pairs.is_empty() {
            format!("\u{0181}{rest}")
        } else {
            format!("\u{0106}{pairs}\u{0181}{rest}")
        }
    } else {
        format!("\u{0181}{text}")
    };
    barcoders::sym::code128::Code128::new(data)
        .map(|c| c.encode())
        .map_err(|e| format!("{e:?}"))
}

/// A PNG of the Code128 barcode of `text`.
pub fn code128_png(text: &str) -> Result<Vec<u8>, String> {
    let modules = code128_modules(text)?;
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
        let mut data = Vec::with_capacity(width * HEIGHT_PX);
        for _ in 0..HEIGHT_PX {
            data.extend_from_slice(&row);
        }
        writer.write_image_data(&data).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// A bank's logo for the simulator: a band in the bank's colour, as a PNG.
pub fn logo_png(slug: &str) -> Vec<u8> {
    let (width, height) = (120u32, 40u32);
    let colour: [u8; 3] = match slug {
        "akbank" => [227, 6, 19],
        "garanti" => [0, 135, 90],
        _ => [90, 90, 120],
    };
    let mut data = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            // A white stripe so the logo is more than a flat block.
            let stripe = (x + y) % 40 < 8;
            data.extend_from_slice(if stripe { &[255, 255, 255] } else { &colour });
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        if let Ok(mut writer) = encoder.write_header() {
            let _ = writer.write_image_data(&data);
        }
    }
    out
}

/// The barcode as the page context carries it: base64 of the PNG.
pub fn code128_png_base64(text: &str) -> Result<String, String> {
    Ok(base64::engine::general_purpose::STANDARD.encode(code128_png(text)?))
}
