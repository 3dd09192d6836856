//! Every screen rendered with the software renderer, as a person would see it, and the
//! cash-register barcode read back from the rendered pixels as a register's scanner
//! would read it off the screen.
//!
//! All of it runs with memory that is never both writable and executable (the kernel's
//! `PR_SET_MDWE`, what the device's unit asks with `MemoryDenyWriteExecute=yes`): the
//! simulator, HTTP, SQLite, fonts and the software renderer, every screen. A part that
//! made code at run time (a JIT) would fail here before it failed on a device.

use instore_kiosk::ui::screenshots::{render_all, SCREENS};

fn luma_of_png(path: &std::path::Path) -> (Vec<u8>, u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba);
    let luma = buffer[..info.buffer_size()]
        .chunks_exact(4)
        .map(|p| ((p[0] as u32 * 299 + p[1] as u32 * 587 + p[2] as u32 * 114) / 1000) as u8)
        .collect();
    (luma, info.width, info.height)
}

#[test]
fn every_screen_renders_at_both_sizes_in_both_languages_and_the_barcode_scans() {
    deny_write_execute();
    let out = tempfile::tempdir().unwrap();
    let rendered = render_all(out.path()).expect("every screen renders");

    for screen in SCREENS {
        for (width, height) in [(1280, 800), (1080, 1920)] {
            for language in ["en", "tr"] {
                let path = out.path().join(format!("{screen}-{width}x{height}-{language}.png"));
                assert!(rendered.files.contains(&path), "{} was not rendered", path.display());
                let (luma, w, h) = luma_of_png(&path);
                assert_eq!((w, h), (width, height));
                // A screen that rendered something has more than one shade in it.
                let darkest = luma.iter().min().unwrap();
                let lightest = luma.iter().max().unwrap();
                assert!(lightest - darkest > 100, "{} looks blank", path.display());
            }
        }
    }
    // English and Turkish screens differ: the catalogue was applied.
    let en = std::fs::read(out.path().join("basket-1280x800-en.png")).unwrap();
    let tr = std::fs::read(out.path().join("basket-1280x800-tr.png")).unwrap();
    assert_ne!(en, tr);

    assert_eq!(rendered.barcode_numbers.len(), 4);
    for (path, number) in &rendered.barcode_numbers {
        assert_eq!(number.len(), 13, "the screen showed {number:?}");
        let (luma, width, height) = luma_of_png(path);
        let read = rxing::helpers::detect_in_luma(luma, width, height, Some(rxing::BarcodeFormat::CODE_128))
            .unwrap_or_else(|e| panic!("no barcode read from {}: {e}", path.display()));
        assert_eq!(read.getText(), number, "{}", path.display());
    }

    // The hand-off's QR code reads, from the pixels, as the address under it.
    assert_eq!(rendered.handoff_urls.len(), 4);
    for (path, url) in &rendered.handoff_urls {
        assert!(url.starts_with("http://127.0.0.1:"), "the screen showed {url:?}");
        let (luma, width, height) = luma_of_png(path);
        let read = rxing::helpers::detect_in_luma(luma, width, height, Some(rxing::BarcodeFormat::QR_CODE))
            .unwrap_or_else(|e| panic!("no QR code read from {}: {e}", path.display()));
        assert_eq!(read.getText(), url, "{}", path.display());
    }
}

/// Asks the kernel to refuse memory that is writable and executable, from here on, for
/// this process and its children (Linux 6.3 or later).
fn deny_write_execute() {
    const PR_SET_MDWE: libc::c_int = 65;
    const PR_MDWE_REFUSE_EXEC_GAIN: libc::c_ulong = 1;
    // SAFETY: prctl with integer arguments only; it changes no memory of ours.
    let result = unsafe {
        libc::prctl(
            PR_SET_MDWE,
            PR_MDWE_REFUSE_EXEC_GAIN,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        )
    };
    assert_eq!(result, 0, "PR_SET_MDWE: {}", std::io::Error::last_os_error());
    const PR_GET_MDWE: libc::c_int = 66;
    // SAFETY: as above.
    let flags = unsafe {
        libc::prctl(
            PR_GET_MDWE,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        )
    };
    assert_eq!(
        flags as libc::c_ulong & PR_MDWE_REFUSE_EXEC_GAIN,
        PR_MDWE_REFUSE_EXEC_GAIN
    );
    // Checked for real: a writable and executable mapping is refused now.
    // SAFETY: an anonymous mapping the kernel must refuse; unmapped if it did not.
    let mapping = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_eq!(mapping, libc::MAP_FAILED, "a W+X mapping was allowed");
}
