//! The demo products' pictures, drawn when asked: a silhouette of the kind of thing
//! (a top, trousers, a bag, a shoe…) in the colour its name says, on a light ground,
//! as a small PNG. No file comes from outside, and each product looks like itself, so
//! a picture shown against the wrong product would be seen.
//!
//! Not here: where they are served (`server/mod.rs`, `/media/products/`), how the kiosk
//! loads and keeps them (`ui/controller/pictures.rs`).

/// The side of a picture, in pixels.
pub const SIDE: u32 = 128;

/// The colour a product's name says it is.
fn colour(name: &str) -> [u8; 3] {
    let name = crate::fold::turkish_lower(name);
    let colours: [(&str, [u8; 3]); 11] = [
        ("beyaz", [245, 245, 240]),
        ("siyah", [35, 35, 40]),
        ("lacivert", [28, 40, 90]),
        ("gri", [140, 144, 150]),
        ("bordo", [120, 20, 40]),
        ("haki", [110, 115, 70]),
        ("taba", [160, 90, 40]),
        ("kahverengi", [100, 60, 30]),
        ("deve tüyü", [193, 154, 107]),
        ("kot", [60, 90, 140]),
        ("desenli", [170, 60, 140]),
    ];
    colours
        .iter()
        .find(|(word, _)| name.contains(word))
        .map(|(_, rgb)| *rgb)
        .unwrap_or([60, 120, 170])
}

/// Whether (x, y), each from 0 to 1, is inside the silhouette of the kind `sku` names.
fn inside(sku: &str, x: f32, y: f32) -> bool {
    let kind = sku.split('-').next().unwrap_or_default();
    let within = |x0: f32, y0: f32, x1: f32, y1: f32| x >= x0 && x <= x1 && y >= y0 && y <= y1;
    let disc = |cx: f32, cy: f32, r: f32| (x - cx).powi(2) + (y - cy).powi(2) <= r * r;
    match kind {
        // A top: body and sleeves; a coat is longer.
        "TSH" | "SWT" | "COA" => {
            let bottom = if kind == "COA" { 0.92 } else { 0.82 };
            within(0.3, 0.2, 0.7, bottom) || (within(0.12, 0.2, 0.88, 0.45) && y - 0.2 < (0.5 - (x - 0.5).abs()) * 1.2)
        }
        "JNS" => within(0.28, 0.12, 0.72, 0.28) || within(0.28, 0.12, 0.47, 0.9) || within(0.53, 0.12, 0.72, 0.9),
        "SCK" => within(0.3, 0.15, 0.45, 0.7) || within(0.3, 0.6, 0.6, 0.75) || within(0.55, 0.25, 0.7, 0.85),
        "BAG" => within(0.2, 0.38, 0.8, 0.85) || (disc(0.5, 0.38, 0.2) && !disc(0.5, 0.38, 0.13) && y < 0.38),
        "SHO" => within(0.15, 0.55, 0.85, 0.72) || within(0.15, 0.35, 0.45, 0.6),
        "CAP" => (disc(0.5, 0.6, 0.3) && y < 0.6) || within(0.5, 0.55, 0.9, 0.62),
        "BLT" => within(0.1, 0.45, 0.9, 0.57) && !within(0.62, 0.47, 0.7, 0.55),
        "SCF" => (x - y).abs() < 0.12 || within(0.6, 0.6, 0.75, 0.9),
        "GLV" => {
            within(0.32, 0.4, 0.68, 0.85)
                || within(0.32, 0.15, 0.41, 0.45)
                || within(0.455, 0.12, 0.545, 0.45)
                || within(0.59, 0.15, 0.68, 0.45)
                || within(0.18, 0.45, 0.32, 0.58)
        }
        "UMB" => (disc(0.5, 0.5, 0.38) && y < 0.5) || within(0.48, 0.5, 0.52, 0.85),
        // Anything else: a folded garment.
        _ => within(0.2, 0.3, 0.8, 0.75),
    }
}

/// A product's picture as a PNG.
pub fn product_png(sku: &str, name: &str) -> Vec<u8> {
    let [r, g, b] = colour(name);
    // White things get a grey outline's worth of contrast from a darker ground.
    let ground = if r > 200 && g > 200 {
        [214, 220, 228]
    } else {
        [238, 241, 245]
    };
    let mut data = Vec::with_capacity((SIDE * SIDE * 3) as usize);
    for py in 0..SIDE {
        for px in 0..SIDE {
            let (x, y) = ((px as f32 + 0.5) / SIDE as f32, (py as f32 + 0.5) / SIDE as f32);
            data.extend_from_slice(&if inside(sku, x, y) { [r, g, b] } else { ground });
        }
    }
    encode(&data, SIDE, SIDE)
}

fn encode(rgb: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    if let Ok(mut writer) = encoder.write_header() {
        let _ = writer.write_image_data(rgb);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_product_is_drawn_in_its_colour_and_its_shape() {
        let decode = |png: Vec<u8>| {
            let decoder = png::Decoder::new(std::io::Cursor::new(png));
            let mut reader = decoder.read_info().unwrap();
            let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
            reader.next_frame(&mut buffer).unwrap();
            buffer
        };
        let at = |pixels: &[u8], x: u32, y: u32| {
            let i = ((y * SIDE + x) * 3) as usize;
            [pixels[i], pixels[i + 1], pixels[i + 2]]
        };
        let black_top = decode(product_png("TSH-002", "Pamuklu Tişört Siyah"));
        assert_eq!(at(&black_top, SIDE / 2, SIDE / 2), [35, 35, 40]);
        assert_eq!(at(&black_top, 2, 2), [238, 241, 245]);
        let bag = decode(product_png("BAG-040", "Deri Çanta Taba"));
        assert_eq!(at(&bag, SIDE / 2, SIDE * 3 / 4), [160, 90, 40]);
        assert_ne!(black_top, bag);
    }
}
