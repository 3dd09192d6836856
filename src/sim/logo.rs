//! Bank logos for the simulator's installment pages: a band in the bank's colour, as a
//! PNG, so the kiosk's logo fetching and decoding run against real images.

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
