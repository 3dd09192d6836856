//! Every screen rendered with the software renderer, as a person would see it, and the
//! cash-register barcode read back from the rendered pixels as a register's scanner
//! would read it off the screen. On each screen, no text overflows the box Slint's
//! layout gave it (each `Label` measures itself: see `ui/widgets/label.slint`).
//!
//! All of it runs with memory that is never both writable and executable (the kernel's
//! `PR_SET_MDWE`, what the device's unit asks with `MemoryDenyWriteExecute=yes`): the
//! simulator, HTTP, SQLite, fonts and the software renderer, every screen. A part that
//! made code at run time (a JIT) would fail here before it failed on a device.

use i_slint_backend_testing::{ElementHandle, ElementQuery};
use instore_kiosk::ui::screenshots::{render_all_looking, SCREENS};

/// Texts still cut, each as (part of the file's name, words the text starts with), to be fixed under
/// #22 item 5 and named in its note. Any other cut text fails the test, and so does one
/// of these that is no longer cut: the list only shrinks.
const STILL_CUT: &[(&str, &str)] = &[];

/// The texts on this screen whose words do not fit their box, each named by its element
/// and its words, with the box's size.
fn overflowing(window: &instore_kiosk::ui::MainWindow) -> Vec<(String, String)> {
    let found: Vec<ElementHandle> = ElementQuery::from_root(window)
        .match_descendants()
        .match_predicate(|e| e.accessible_id().is_some_and(|id| id == "overflows"))
        .find_all();
    found
        .iter()
        .map(|e| {
            let size = e.size();
            let words = e.accessible_label().unwrap_or_default().to_string();
            let what = format!(
                "{} {words:?} in {:.0}x{:.0}",
                e.id().unwrap_or_default(),
                size.width,
                size.height
            );
            (words, what)
        })
        .collect()
}

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
fn every_screen_renders_at_both_sizes_in_both_languages_with_no_text_cut_and_the_barcode_scans() {
    deny_write_execute();
    let out = tempfile::tempdir().unwrap();
    let mut cut = std::collections::BTreeSet::new();
    let mut known = std::collections::BTreeSet::new();
    let mut looked = 0;
    let rendered = render_all_looking(out.path(), &mut |window, path| {
        looked += 1;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for (words, what) in overflowing(window) {
            match STILL_CUT
                .iter()
                .position(|(screen, start)| name.contains(screen) && words.starts_with(start))
            {
                Some(i) => {
                    known.insert(i);
                }
                None => {
                    cut.insert(format!("{name}: {what}"));
                }
            }
        }
    })
    .expect("every screen renders");
    assert_eq!(looked, rendered.files.len(), "every screen was looked at");
    assert!(
        cut.is_empty(),
        "{} texts do not fit their box:\n{}",
        cut.len(),
        Vec::from_iter(cut).join("\n")
    );
    let fixed: Vec<_> = (0..STILL_CUT.len())
        .filter(|i| !known.contains(i))
        .map(|i| STILL_CUT[i])
        .collect();
    assert!(fixed.is_empty(), "no longer cut, take them off STILL_CUT: {fixed:?}");

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

    // The thank-you screens' receipt QR code reads as the order's page on the server:
    // the kiosk's own sale and a customer's, at both sizes in both languages.
    assert_eq!(rendered.receipt_links.len(), 8);
    for (path, link) in &rendered.receipt_links {
        assert!(
            link.starts_with("http://127.0.0.1:") && link.contains("/orders/completed/"),
            "the screen's receipt was {link:?}"
        );
        let (luma, width, height) = luma_of_png(path);
        let read = rxing::helpers::detect_in_luma(luma, width, height, Some(rxing::BarcodeFormat::QR_CODE))
            .unwrap_or_else(|e| panic!("no QR code read from {}: {e}", path.display()));
        assert_eq!(read.getText(), link, "{}", path.display());
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
