//! Compares two folders of screenshots pixel by pixel, for a change that must not move
//! a pixel (a refactor) or to see exactly where one did:
//!
//! ```text
//! instore-kiosk screenshots --out /tmp/before   # on the old commit
//! instore-kiosk screenshots --out /tmp/after    # on the new one
//! cargo run --example compare_screens -- /tmp/before /tmp/after
//! ```
//!
//! Prints one line per PNG: identical, or how many pixels differ and the box they are
//! in. Exits non-zero when any file differs or is missing on one side.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [before, after] = args.as_slice() else {
        eprintln!("usage: compare_screens BEFORE_DIR AFTER_DIR");
        return ExitCode::from(2);
    };
    match compare(Path::new(before), Path::new(after)) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Returns how many files differ (or are on one side only).
fn compare(before: &Path, after: &Path) -> Result<usize, String> {
    let names = |dir: &Path| -> Result<std::collections::BTreeSet<String>, String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".png"))
            .collect())
    };
    let (old, new) = (names(before)?, names(after)?);
    let mut differ = 0;
    for name in old.union(&new) {
        if !old.contains(name) || !new.contains(name) {
            println!(
                "{name}: only in {}",
                if old.contains(name) { "before" } else { "after" }
            );
            differ += 1;
            continue;
        }
        let load = |dir: &Path| {
            image::open(dir.join(name))
                .map(|i| i.to_rgba8())
                .map_err(|e| format!("{name}: {e}"))
        };
        let (a, b) = (load(before)?, load(after)?);
        if a.dimensions() != b.dimensions() {
            println!("{name}: size {:?} became {:?}", a.dimensions(), b.dimensions());
            differ += 1;
            continue;
        }
        let mut count = 0u64;
        let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
        for (x, y, pixel) in a.enumerate_pixels() {
            if pixel != b.get_pixel(x, y) {
                count += 1;
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            }
        }
        if count == 0 {
            println!("{name}: identical");
        } else {
            println!("{name}: {count} pixels differ, in ({x0},{y0})-({x1},{y1})");
            differ += 1;
        }
    }
    println!("{} files, {differ} differ", old.union(&new).count());
    Ok(differ)
}
