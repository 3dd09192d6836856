//! The line to the store server, one layer at a time: the address, DNS, TCP, TLS, the
//! sign-in, and the server's clock against the device's.

use super::{fail, ok, Check, Lang, Topic};
use crate::commerce::CommerceError;
use crate::settings::Settings;
use std::time::Duration;

pub(super) async fn checks(settings: &Settings, lang: Lang) -> Vec<Check> {
    let Some(url) = settings.commerce.url.clone() else {
        return Vec::new();
    };
    let mut checks = Vec::new();
    let parsed = match url::Url::parse(&url) {
        Ok(parsed) => parsed,
        Err(e) => {
            return vec![fail(
                Topic::ServerAddress,
                say!(
                    lang,
                    "{url:?} is not an address ({e}). Fix commerce.url.",
                    "{url:?} bir adres değil ({e}). commerce.url ayarını düzeltin."
                ),
            )]
        }
    };
    let host = parsed.host_str().unwrap_or_default().to_string();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addresses =
        match tokio::time::timeout(Duration::from_secs(5), tokio::net::lookup_host((host.as_str(), port))).await {
            Ok(Ok(found)) => found.collect::<Vec<_>>(),
            Ok(Err(e)) => {
                return vec![fail(
                    Topic::Dns,
                    say!(
                        lang,
                        "{host} cannot be resolved ({e}). Check the network's DNS and commerce.url.",
                        "{host} çözümlenemiyor ({e}). Ağın DNS ayarını ve commerce.url ayarını kontrol edin."
                    ),
                )]
            }
            Err(_) => {
                return vec![fail(
                    Topic::Dns,
                    say!(
                        lang,
                        "{host} did not resolve within 5 s. Check the network's DNS.",
                        "{host} 5 sn içinde çözümlenmedi. Ağın DNS ayarını kontrol edin."
                    ),
                )]
            }
        };
    let ips = addresses
        .iter()
        .map(|a| a.ip().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    checks.push(ok(Topic::Dns, say!(lang, "{host} is {ips}", "{host}: {ips}")));
    let Some(address) = addresses.first().copied() else {
        checks.push(fail(
            Topic::Tcp,
            say!(lang, "{host} has no address.", "{host} için adres yok."),
        ));
        return checks;
    };
    match tokio::time::timeout(Duration::from_secs(5), tokio::net::TcpStream::connect(address)).await {
        Ok(Ok(_)) => checks.push(ok(
            Topic::Tcp,
            say!(lang, "{address} accepts connections", "{address} bağlantı kabul ediyor"),
        )),
        Ok(Err(e)) => {
            checks.push(fail(
                Topic::Tcp,
                say!(
                    lang,
                    "{address} refuses ({e}). Is the server up, and is a firewall in the way?",
                    "{address} reddediyor ({e}). Sunucu açık mı, araya bir güvenlik duvarı mı giriyor?"
                ),
            ));
            return checks;
        }
        Err(_) => {
            checks.push(fail(
                Topic::Tcp,
                say!(
                    lang,
                    "{address} did not answer within 5 s. Check the network and firewall.",
                    "{address} 5 sn içinde yanıt vermedi. Ağı ve güvenlik duvarını kontrol edin."
                ),
            ));
            return checks;
        }
    }
    let mut config = match crate::commerce::ClientConfig::new(&url) {
        Ok(config) => config,
        Err(e) => {
            checks.push(fail(Topic::ServerAddress, format!("{e}")));
            return checks;
        }
    };
    // The kiosk's own timeouts, at most 5 and 10 s: `doctor` stays quick on a dead line.
    config.connect_timeout = settings.commerce.connect_timeout().min(Duration::from_secs(5));
    config.request_timeout = settings.commerce.request_timeout().min(Duration::from_secs(10));
    let client = match crate::commerce::CommerceClient::new(config) {
        Ok(client) => client,
        Err(e) => {
            checks.push(fail(Topic::Tls, format!("{e}")));
            return checks;
        }
    };
    let email = settings.commerce.email.clone().unwrap_or_default();
    let password = settings.commerce.password.clone().unwrap_or_default();
    let login = client.login(&email, &password).await;
    if parsed.scheme() == "https" {
        checks.push(match &login {
            Err(e @ CommerceError::Untrusted { .. }) => fail(Topic::Tls, format!("{e}.")),
            Err(e) if e.is_connectivity() && !matches!(e, CommerceError::Timeout { .. }) => fail(
                Topic::Tls,
                say!(
                    lang,
                    "the secure connection failed ({e}). Check the clock and the server's certificate.",
                    "güvenli bağlantı kurulamadı ({e}). Saati ve sunucunun sertifikasını kontrol edin."
                ),
            ),
            _ => ok(
                Topic::Tls,
                say!(
                    lang,
                    "the server's certificate is trusted",
                    "sunucunun sertifikasına güveniliyor"
                ),
            ),
        });
    }
    checks.push(match login {
        Ok(_) => ok(Topic::Login, say!(lang, "signed in as {email}", "{email} olarak oturum açıldı")),
        Err(CommerceError::LoginRejected(message)) => fail(
            Topic::Login,
            say!(
                lang,
                "the server refused {email}: {message}. Check commerce.email and commerce.password.",
                "sunucu {email} hesabını reddetti: {message}. commerce.email ve commerce.password ayarlarını kontrol edin."
            ),
        ),
        Err(CommerceError::Timeout { seconds }) => fail(
            Topic::Login,
            say!(
                lang,
                "{address} accepts connections but sent no answer within {seconds:.0} s: the server, or a proxy in front of it, is hung. Call the store's IT; the kiosk sells offline meanwhile.",
                "{address} bağlantı kabul ediyor ama {seconds:.0} sn içinde yanıt vermedi: sunucu ya da önündeki proxy takıldı. Mağazanın bilgi işlemini arayın; kiosk bu arada çevrimdışı satar."
            ),
        ),
        Err(e @ CommerceError::Server { .. }) => fail(
            Topic::Login,
            say!(
                lang,
                "{e}. A proxy or load balancer in front of the server answers for it: the server behind it is down.",
                "{e}. Sunucunun önündeki proxy ya da yük dengeleyici onun yerine yanıt veriyor: arkadaki sunucu çalışmıyor."
            ),
        ),
        Err(e) => fail(Topic::Login, format!("{e}")),
    });
    // The server's answers carry its time: a device clock far from it dates orders wrong.
    checks.push(match crate::commerce::clock::skew() {
        Some(skew) => fail(
            Topic::ServerClock,
            say!(
                lang,
                "the device's clock is {}. Set the time (NTP) and check the RTC battery; meanwhile the kiosk dates orders by the server's time.",
                "cihazın saati {}. Saati ayarlayın (NTP) ve RTC pilini kontrol edin; bu arada kiosk siparişleri sunucunun saatiyle tarihler.",
                skew_text(lang, skew)
            ),
        ),
        None => ok(
            Topic::ServerClock,
            say!(
                lang,
                "the device's clock agrees with the server's",
                "cihazın saati sunucununkiyle aynı"
            ),
        ),
    });
    checks
}

/// How far the device's clock is from the server's ("3 hours 5 minutes behind the
/// server's"; positive: behind).
fn skew_text(lang: Lang, skew: chrono::Duration) -> String {
    if lang == Lang::En {
        return crate::commerce::clock::describe(skew);
    }
    let minutes = skew.num_minutes().unsigned_abs();
    let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let amount = if days >= 365 {
        format!("{} yıl {} gün", days / 365, days % 365)
    } else if days > 0 {
        format!("{days} gün {hours} saat")
    } else if hours > 0 {
        format!("{hours} saat {minutes} dakika")
    } else {
        format!("{minutes} dakika")
    };
    let side = if skew > chrono::Duration::zero() {
        "geri"
    } else {
        "ileri"
    };
    format!("sunucununkinden {amount} {side}")
}
