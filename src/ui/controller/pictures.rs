//! Product pictures for the screen, off the UI thread: each kept on disk under the data
//! directory (`pictures/`, at most `CACHE_LIMIT` bytes, the longest unused dropped
//! first), fetched where no copy is kept (the commerce client's `fetch_asset`: a CDN gets
//! no cookie), shrunk to the size shown and sent as pixels. A picture that cannot be had
//! (no line, a broken file, a refusal) leaves the placeholder; nothing waits for one.
//!
//! Not here: which pictures a screen wants (`products.rs`), how they show
//! (`view/products.rs`).

use super::Sink;
use crate::commerce::CommerceClient;
use crate::ui::view::{decode_image, Pixels, Update};
use std::path::{Path, PathBuf};

/// The most the kept pictures may take on disk.
pub const CACHE_LIMIT: u64 = 32 << 20;
/// A picture's side on screen, in pixels, at the largest (accessible mode's).
const SHOWN: u32 = 100;

/// Where pictures are kept: `None` keeps none (a kiosk without a data directory).
#[derive(Clone)]
pub(super) struct PictureCache {
    pub(super) dir: Option<PathBuf>,
    pub(super) limit: u64,
}

impl PictureCache {
    pub(super) fn new(data_dir: Option<&Path>) -> PictureCache {
        PictureCache {
            dir: data_dir.map(|d| d.join("pictures")),
            limit: CACHE_LIMIT,
        }
    }

    /// The file a picture's address is kept in: a hash of the address (a lost match
    /// after a toolchain changes the hash only means fetching it again).
    fn file(&self, url: &str) -> Option<PathBuf> {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        url.hash(&mut hasher);
        Some(self.dir.as_ref()?.join(format!("{:016x}.img", hasher.finish())))
    }

    /// The kept copy, marked as used now.
    fn read(&self, url: &str) -> Option<Vec<u8>> {
        let file = self.file(url)?;
        let bytes = std::fs::read(&file).ok()?;
        if let Ok(opened) = std::fs::File::options().append(true).open(&file) {
            let _ = opened.set_modified(std::time::SystemTime::now());
        }
        Some(bytes)
    }

    /// Keeps a fetched picture (written whole, then renamed into place), then drops the
    /// longest unused while the kept ones exceed the limit.
    fn keep(&self, url: &str, bytes: &[u8]) {
        let (Some(dir), Some(file)) = (&self.dir, self.file(url)) else {
            return;
        };
        let written = std::fs::create_dir_all(dir).and_then(|()| {
            let part = file.with_extension("part");
            std::fs::write(&part, bytes)?;
            std::fs::rename(&part, &file)
        });
        if let Err(e) = written {
            tracing::warn!(dir = %dir.display(), error = %e, "a picture could not be kept");
            return;
        }
        self.trim();
    }

    /// Drops the longest unused pictures until the rest fit the limit.
    pub(super) fn trim(&self) {
        let Some(dir) = &self.dir else { return };
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut kept: Vec<(std::time::SystemTime, u64, PathBuf)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                Some((meta.modified().ok()?, meta.len(), e.path()))
            })
            .collect();
        let mut total: u64 = kept.iter().map(|(_, len, _)| len).sum();
        kept.sort();
        for (_, len, path) in kept {
            if total <= self.limit {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
    }

    /// How many bytes the kept pictures take.
    #[cfg(test)]
    fn size(dir: &Path) -> u64 {
        std::fs::read_dir(dir)
            .map(|entries| entries.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum())
            .unwrap_or(0)
    }
}

/// Loads each picture (kept, or fetched when `client` is given) and sends it to the
/// screen, one at a time; a later one does not wait for a failed one.
pub(super) async fn load(cache: PictureCache, client: Option<CommerceClient>, urls: Vec<String>, sink: Sink) {
    let mut seen = std::collections::HashSet::new();
    for url in urls.into_iter().filter(|u| seen.insert(u.clone())) {
        let kept = {
            let (cache, url) = (cache.clone(), url.clone());
            tokio::task::spawn_blocking(move || cache.read(&url))
                .await
                .ok()
                .flatten()
        };
        let bytes = match (kept, &client) {
            (Some(bytes), _) => bytes,
            (None, Some(client)) => match client.fetch_asset(&url).await {
                Ok(bytes) => {
                    let (cache, url, kept) = (cache.clone(), url.clone(), bytes.clone());
                    let _ = tokio::task::spawn_blocking(move || cache.keep(&url, &kept)).await;
                    bytes
                }
                Err(e) => {
                    tracing::debug!(url, error = %e, "picture not fetched");
                    continue;
                }
            },
            (None, None) => continue,
        };
        let shrunk = tokio::task::spawn_blocking(move || shrink(&bytes)).await;
        match shrunk {
            Ok(Ok(pixels)) => sink(Update::Picture { url, pixels }),
            Ok(Err(e)) => tracing::warn!(url, error = %e, "unreadable picture"),
            Err(_) => {}
        }
    }
}

/// Decodes a picture and shrinks it to the size shown: a store's 1,000-pixel photo
/// would otherwise take 4 MB of memory for a thumbnail.
fn shrink(bytes: &[u8]) -> Result<Pixels, String> {
    let (width, height, rgba) = decode_image(bytes)?;
    if width <= SHOWN && height <= SHOWN {
        return Ok((width, height, rgba));
    }
    let image = image::RgbaImage::from_raw(width, height, rgba).ok_or("a picture of the wrong size")?;
    let scale = SHOWN as f32 / width.max(height) as f32;
    let (w, h) = (
        ((width as f32 * scale) as u32).max(1),
        ((height as f32 * scale) as u32).max(1),
    );
    let small = image::imageops::thumbnail(&image, w, h);
    Ok((small.width(), small.height(), small.into_raw()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_unused_pictures_go_first_when_the_cache_is_full() {
        let dir = tempfile::tempdir().unwrap();
        let cache = PictureCache {
            dir: Some(dir.path().join("pictures")),
            limit: 2_500,
        };
        for (i, url) in ["a", "b", "c"].iter().enumerate() {
            cache.keep(url, &vec![i as u8; 1_000]);
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        // Two fit; the oldest went.
        assert!(cache.read("a").is_none());
        assert_eq!(cache.read("b").unwrap().len(), 1_000);
        // "b" was just used: a fourth drops "c".
        std::thread::sleep(std::time::Duration::from_millis(20));
        cache.keep("d", &[9; 1_000]);
        assert!(cache.read("c").is_none());
        assert!(cache.read("b").is_some() && cache.read("d").is_some());
        assert!(PictureCache::size(&dir.path().join("pictures")) <= 2_500);
    }

    #[test]
    fn a_large_photo_is_shrunk_to_the_size_shown() {
        let mut png = Vec::new();
        image::RgbaImage::from_pixel(1000, 500, image::Rgba([200, 10, 10, 255]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let (w, h, rgba) = shrink(&png).unwrap();
        assert_eq!((w, h), (100, 50));
        assert_eq!(&rgba[..4], &[200, 10, 10, 255]);
        assert!(shrink(b"not a picture").is_err());
    }
}
