//! The device's own parts: the settings file, the data directory and its free space,
//! the clock, the database with its catalog copy and offline queue.

use super::{count, fail, ok, warn, Check, Device, Lang, Topic};
use crate::settings::Settings;
use std::path::Path;

/// Free space below this fails (the queue and print jobs need room); below the warn
/// level it is time to clean up.
const FREE_FAIL: u64 = 50 << 20;
const FREE_WARN: u64 = 500 << 20;

pub(super) fn settings_check(device: &Device) -> Check {
    const NAME: Topic = Topic::Settings;
    let lang = device.lang;
    let path = device.settings_file.map(|p| p.display().to_string());
    match (&device.settings, path) {
        (Err(e), _) => fail(
            NAME,
            say!(
                lang,
                "{e}. Fix the file, or write it again with `provision`.",
                "{e}. Dosyayı düzeltin ya da `provision` ile yeniden yazın."
            ),
        ),
        (Ok(_), None) => warn(
            NAME,
            say!(
                lang,
                "no settings file: the kiosk runs in demo mode. Give it one with --config or in the default place.",
                "ayar dosyası yok: kiosk demo modunda çalışıyor. --config ile ya da varsayılan yerde bir dosya verin."
            ),
        ),
        (Ok(settings), Some(path)) if settings.commerce.url.is_none() => fail(
            NAME,
            say!(
                lang,
                "{path} names no commerce.url: the kiosk will not start. Add the store server's address.",
                "{path} içinde commerce.url yok: kiosk başlamaz. Mağaza sunucusunun adresini ekleyin."
            ),
        ),
        (Ok(_), Some(path)) => ok(
            NAME,
            say!(
                lang,
                "{path} is valid and private",
                "{path} geçerli ve yalnızca kiosk okuyabiliyor"
            ),
        ),
    }
}

pub(super) fn data_dir_checks(dir: &Path, lang: Lang) -> Vec<Check> {
    const NAME: Topic = Topic::DataDirectory;
    let shown = dir.display();
    if let Err(e) = std::fs::create_dir_all(dir) {
        return vec![fail(
            NAME,
            say!(
                lang,
                "{shown} cannot be created ({e}). Give the kiosk's user a writable data directory.",
                "{shown} oluşturulamıyor ({e}). Kiosk kullanıcısına yazılabilir bir veri klasörü verin."
            ),
        )];
    }
    let probe = dir.join(format!(".doctor-{}", std::process::id()));
    let writable = std::fs::write(&probe, b"ok").and_then(|_| std::fs::remove_file(&probe));
    let mut checks = vec![match writable {
        Ok(()) => ok(NAME, say!(lang, "{shown} is writable", "{shown} yazılabilir")),
        Err(e) => fail(
            NAME,
            say!(
                lang,
                "{shown} is not writable ({e}). Give the kiosk's user write access to it.",
                "{shown} yazılamıyor ({e}). Kiosk kullanıcısına yazma izni verin."
            ),
        ),
    }];
    const FREE: Topic = Topic::FreeSpace;
    checks.push(match rustix::fs::statvfs(dir) {
        Ok(stats) => {
            let free = stats.f_bavail.saturating_mul(stats.f_frsize);
            let text = say!(lang, "{} MiB free", "{} MiB boş", free >> 20);
            if free < FREE_FAIL {
                fail(
                    FREE,
                    say!(
                        lang,
                        "{text}. Free space on the device: orders and receipts need room.",
                        "{text}. Cihazda yer açın: siparişler ve fişler yer ister."
                    ),
                )
            } else if free < FREE_WARN {
                warn(
                    FREE,
                    say!(
                        lang,
                        "{text}. Free some space before it runs out.",
                        "{text}. Yer bitmeden biraz yer açın."
                    ),
                )
            } else {
                ok(FREE, text)
            }
        }
        Err(e) => warn(FREE, say!(lang, "cannot be read ({e})", "okunamıyor ({e})")),
    });
    checks
}

/// A clock before this build was made is certainly wrong (TLS and order times depend on it).
pub(super) fn clock_check(lang: Lang) -> Check {
    const BUILT_AFTER: i64 = 1_767_225_600; // 2026-01-01
    let now = chrono::Utc::now();
    if now.timestamp() < BUILT_AFTER {
        fail(
            Topic::Clock,
            say!(
                lang,
                "the clock says {now}, before this kiosk was built. Set the time (NTP) and check the RTC battery.",
                "saat {now} gösteriyor, bu kiosk yapılmadan önce. Saati ayarlayın (NTP) ve RTC pilini kontrol edin."
            ),
        )
    } else {
        ok(Topic::Clock, format!("{}", now.format("%Y-%m-%d %H:%M:%S UTC")))
    }
}

pub(super) fn store_checks(dir: &Path, settings: &Settings, lang: Lang) -> Vec<Check> {
    const NAME: Topic = Topic::Database;
    let store = match crate::offline::Store::open(dir) {
        Ok(store) => store,
        Err(e) => return vec![fail(NAME, format!("{e}"))],
    };
    let mut checks = Vec::new();
    let shown = store.path().display();
    let quick = store.read(|db| db.query_row("PRAGMA quick_check", [], |row| row.get::<_, String>(0)));
    checks.push(match quick {
        Ok(answer) if answer == "ok" => ok(
            NAME,
            say!(
                lang,
                "{shown} passes its integrity check",
                "{shown} bütünlük denetiminden geçiyor"
            ),
        ),
        Ok(answer) => fail(
            NAME,
            say!(
                lang,
                "{shown} is damaged ({answer}). Export the queue (`queue export`), then move the file aside.",
                "{shown} bozuk ({answer}). Kuyruğu dışa aktarın (`queue export`), sonra dosyayı kenara taşıyın."
            ),
        ),
        Err(e) => fail(NAME, format!("{e}")),
    });
    const CATALOG: Topic = Topic::CatalogCopy;
    checks.push(match crate::offline::catalog::summary(&store) {
        Ok((0, _)) => warn(
            CATALOG,
            say!(
                lang,
                "empty: the kiosk cannot sell offline until it syncs once (`catalog sync`, or by itself online).",
                "boş: kiosk bir kez eşitlenene kadar çevrimdışı satamaz (`catalog sync`, ya da çevrimiçiyken kendisi)."
            ),
        ),
        Ok((products, synced)) => {
            let products = count(lang, products as i64, "product", "products", "ürün");
            let age = synced
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| chrono::Utc::now().signed_duration_since(t));
            match age {
                Some(age) if age > chrono::Duration::hours(24) => warn(
                    CATALOG,
                    say!(
                        lang,
                        "{products}, synced {} ago: offline prices may be stale. Check the line to the server.",
                        "{products}, {} önce eşitlendi: çevrimdışı fiyatlar eski olabilir. Sunucuya giden hattı kontrol edin.",
                        count(lang, age.num_hours(), "hour", "hours", "saat")
                    ),
                ),
                Some(age) => ok(
                    CATALOG,
                    say!(
                        lang,
                        "{products}, synced {}",
                        "{products}, {} eşitlendi",
                        super::minutes_ago(lang, age.num_minutes())
                    ),
                ),
                None => ok(CATALOG, products),
            }
        }
        Err(e) => fail(CATALOG, format!("{e}")),
    });
    checks.push(queue_check(&store, settings, lang));
    checks
}

fn queue_check(store: &crate::offline::Store, settings: &Settings, lang: Lang) -> Check {
    use crate::offline::queue;
    const NAME: Topic = Topic::OfflineQueue;
    let page = match queue::page(store, 0, 1) {
        Ok(page) => page,
        Err(e) => return fail(NAME, format!("{e}")),
    };
    let (waiting, amount) = queue::waiting(store).unwrap_or_default();
    let oldest = queue::list(store)
        .unwrap_or_default()
        .into_iter()
        .filter(|o| matches!(o.state, queue::State::Waiting | queue::State::Sending))
        .filter_map(|o| chrono::DateTime::parse_from_rfc3339(&o.created_at).ok())
        .min()
        .map(|t| chrono::Utc::now().signed_duration_since(t));
    let (amount, set_aside) = (crate::commerce::money::format_try(amount), page.set_aside);
    let oldest_text = oldest
        .map(|age| match age.num_minutes() {
            ..1 => say!(
                lang,
                ", the oldest less than a minute old",
                ", en eskisi bir dakikadan yeni"
            ),
            minutes => {
                let age = count(lang, minutes, "minute", "minutes", "dakika");
                say!(lang, ", the oldest {age} old", ", en eskisi {age}lık")
            }
        })
        .unwrap_or_default();
    let text = say!(
        lang,
        "{waiting} waiting ({amount}), {set_aside} set aside{oldest_text}",
        "{waiting} bekliyor ({amount}), {set_aside} kenarda{oldest_text}"
    );
    let limit = chrono::Duration::hours(settings.offline.max_age_hours as i64);
    let stuck = queue::stuck(store, &queue::StuckRule::from(&settings.offline)).unwrap_or_default();
    if !stuck.is_empty() {
        let no_answer = say!(lang, "no answer", "yanıt yok");
        let references: Vec<String> = stuck
            .iter()
            .map(|o| format!("{} ({})", o.reference, o.reason.as_deref().unwrap_or(&no_answer)))
            .collect();
        let (n, references) = (stuck.len(), references.join("; "));
        fail(
            NAME,
            say!(
                lang,
                "{text}; {n} could not be confirmed by the server: {references}. They are not sent again until the server says it does not have them: send `queue export` to support.",
                "{text}; {n} sipariş sunucuca doğrulanamadı: {references}. Sunucu onlara sahip olmadığını söyleyene kadar yeniden gönderilmezler: `queue export` çıktısını desteğe gönderin."
            ),
        )
    } else if oldest.is_some_and(|age| age >= limit) {
        fail(
            NAME,
            say!(
                lang,
                "{text}: past the age limit, offline sales have stopped. Bring the line back.",
                "{text}: yaş sınırı aşıldı, çevrimdışı satış durdu. Hattı geri getirin."
            ),
        )
    } else if set_aside > 0 {
        warn(
            NAME,
            say!(
                lang,
                "{text}. A clerk should look at the set-aside orders (Orders).",
                "{text}. Bir kasiyer kenara alınan siparişlere bakmalı (Siparişler)."
            ),
        )
    } else if oldest.is_some_and(|age| age > chrono::Duration::hours(1)) {
        warn(
            NAME,
            say!(
                lang,
                "{text}. The line has been down for a while.",
                "{text}. Hat bir süredir kesik."
            ),
        )
    } else {
        ok(NAME, text)
    }
}
