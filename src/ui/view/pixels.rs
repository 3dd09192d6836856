//! Pixels for the screen: a QR code drawn (the hand-off, the receipt), a picture
//! decoded within bounds (the cash-register barcode, a bank's logo, a product), and
//! either turned into Slint's image on the UI thread.
//!
//! Not here: where the pixels come from (the controller fetches and draws them).

use slint::SharedPixelBuffer;

/// A QR code of `text` as pixels, dark on white with a quiet zone, `scale` pixels a
/// module: what a phone's camera reads off the screen.
pub fn qr_pixels(text: &str, scale: u32) -> Result<Pixels, String> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| e.to_string())?;
    let modules = code.width() as u32;
    let quiet = 4;
    let side = (modules + 2 * quiet) * scale;
    let colors = code.to_colors();
    let mut rgba = vec![255u8; (side * side * 4) as usize];
    for (i, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i as u32 % modules, i as u32 / modules);
        for dy in 0..scale {
            for dx in 0..scale {
                let (x, y) = ((mx + quiet) * scale + dx, (my + quiet) * scale + dy);
                let at = ((y * side + x) * 4) as usize;
                rgba[at..at + 3].copy_from_slice(&[0, 0, 0]);
            }
        }
    }
    Ok((side, side, rgba))
}

/// Decoded pixels: width, height, RGBA bytes. Plain data, so it can cross threads.
pub type Pixels = (u32, u32, Vec<u8>);

/// Decodes a PNG or JPEG (the cash-register barcode, a bank's logo) for the screen. A
/// picture larger than any screen is refused before it is decoded: a few KiB of PNG can
/// declare gigabytes of pixels.
pub fn decode_image(bytes: &[u8]) -> Result<Pixels, String> {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(4096);
    limits.max_image_height = Some(4096);
    limits.max_alloc = Some(64 << 20);
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    reader.limits(limits);
    let image = reader.decode().map_err(|e| e.to_string())?.to_rgba8();
    Ok((image.width(), image.height(), image.into_raw()))
}

pub(super) fn to_slint_image((width, height, rgba): &Pixels) -> slint::Image {
    slint::Image::from_rgba8(SharedPixelBuffer::<slint::Rgba8Pixel>::clone_from_slice(
        rgba, *width, *height,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_larger_than_a_screen_is_refused_before_decoding() {
        let png = |width: u32, height: u32| {
            let mut out = Vec::new();
            let mut encoder = png::Encoder::new(&mut out, width, height);
            encoder.set_color(png::ColorType::Grayscale);
            let mut writer = encoder.write_header().unwrap();
            writer.write_image_data(&vec![0; (width * height) as usize]).unwrap();
            drop(writer);
            out
        };
        assert_eq!(decode_image(&png(3, 2)).unwrap().0, 3);
        let tall = png(1, 5000);
        assert!(tall.len() < 10_000, "a small file");
        assert!(decode_image(&tall).is_err());
    }
}
