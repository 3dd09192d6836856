//! `[commerce]`: the commerce server and the account the kiosk signs in as, the
//! request timeouts, and the rule every server address meets (https, or plain http to
//! this machine only), settings and `--commerce-url` alike.

use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommerceSettings {
    /// The commerce server; none means demo mode against the built-in simulator.
    pub url: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
    pub connect_timeout_ms: u64,
    pub request_timeout_ms: u64,
}

/// Never shows the password, so settings can be logged.
impl std::fmt::Debug for CommerceSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommerceSettings")
            .field("url", &self.url)
            .field("email", &self.email)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .field("request_timeout_ms", &self.request_timeout_ms)
            .finish()
    }
}

/// A commerce server's address as the kiosk may use it: https://, or plain http:// to a
/// server on this machine only (the password would cross the network unencrypted).
/// Settings and the `--commerce-url` flags are checked alike.
pub fn check_server_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("{url:?} is not a URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("{url:?} must start with https:// (or http://)"));
    }
    if parsed.scheme() == "http" && !is_loopback(&parsed) {
        return Err(format!(
            "{url:?} would send the password unencrypted; use https:// (plain http:// is only for a \
             server on this machine)"
        ));
    }
    Ok(())
}

/// Whether a server address is this machine: the only place plain http:// may go.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

impl Default for CommerceSettings {
    fn default() -> Self {
        CommerceSettings {
            url: None,
            email: None,
            password: None,
            connect_timeout_ms: 5_000,
            request_timeout_ms: 20_000,
        }
    }
}

impl CommerceSettings {
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    /// The section's own rules: a usable server address with an account, and timeouts
    /// in range.
    pub(super) fn check(&self) -> Result<(), String> {
        let c = self;
        if let Some(url) = &c.url {
            check_server_url(url).map_err(|e| format!("commerce.url: {e}"))?;
            if c.email.as_deref().unwrap_or("").is_empty() {
                return Err("commerce.email: required when commerce.url is set".into());
            }
            if c.password.as_deref().unwrap_or("").is_empty() {
                return Err("commerce.password: required when commerce.url is set".into());
            }
        }
        if let Some(email) = &c.email {
            if !email.contains('@') {
                return Err(format!("commerce.email: {email:?} is not an email address"));
            }
        }
        for (name, ms) in [
            ("commerce.connect_timeout_ms", c.connect_timeout_ms),
            ("commerce.request_timeout_ms", c.request_timeout_ms),
        ] {
            if !(100..=600_000).contains(&ms) {
                return Err(format!("{name}: {ms} is out of range; use 100 to 600000 milliseconds"));
            }
        }
        Ok(())
    }
}
