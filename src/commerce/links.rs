//! The links the commerce server gives (the next page of a list, a placed order's
//! `redirect_url`, a hand-off's service page, a picture), resolved against the server
//! the kiosk was configured with.
//!
//! Behind a reverse proxy, a load balancer or a TLS-terminating ingress, a server often
//! names itself by an address the kiosk never dialled: its internal host, its own port,
//! `http://` where the kiosk speaks `https://`. A link that by what it is can only lead
//! back to the server (a page of the account's orders, the placed order's page) is
//! followed by its path and query on the configured server, and the origin it named is
//! remembered as one of the server's own names, so that the server's other links that
//! carry it (a service page it serves itself) are rebased too. Every other link is
//! another site's: a page the session would follow there is refused with both addresses
//! named, and a service page or a picture is fetched there without cookies.
//!
//! Not here: the requests themselves (`client.rs`).

use super::error::CommerceError;
use url::{Origin, Url};

/// A link that only the server's own pages can be, by where it must lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Own {
    /// The next (or previous) page of the account's orders.
    OrderList,
    /// A placed order's page (a thank-you's `redirect_url`).
    CompletedOrder,
}

impl Own {
    /// Where the server serves it, relative to its base address.
    fn path(self) -> &'static str {
        match self {
            Own::OrderList => "users/orders/",
            Own::CompletedOrder => "orders/completed/",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Own::OrderList => "next page of orders",
            Own::CompletedOrder => "order page",
        }
    }
}

/// Where a link that may lead elsewhere resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// On the commerce server (the session may go there).
    Server(Url),
    /// Another site (a payment service, a CDN): no cookie goes there.
    Elsewhere(Url),
}

impl Resolved {
    pub fn url(&self) -> &Url {
        match self {
            Resolved::Server(url) | Resolved::Elsewhere(url) => url,
        }
    }
}

/// The configured server's address and the other names it has been seen to use.
#[derive(Debug, Clone)]
pub struct Links {
    base: Url,
    aliases: Vec<Origin>,
}

impl Links {
    pub fn new(base: Url) -> Links {
        Links {
            base,
            aliases: Vec::new(),
        }
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The names the server used for itself that are not the configured one.
    pub fn aliases(&self) -> &[Origin] {
        &self.aliases
    }

    /// A link of the server's own kind `own`: on the configured server, by its path and
    /// query when it names the server otherwise. One that does not lead where `own`
    /// must is refused, naming both addresses. The name it carried is learnt.
    pub fn own(&mut self, link: &str, own: Own) -> Result<Url, CommerceError> {
        let url = self.parse(link)?;
        if url.origin() == self.base.origin() {
            return Ok(url);
        }
        if !self.relative_path(&url).starts_with(own.path()) {
            return Err(CommerceError::ForeignLink {
                what: own.what().into(),
                link: link.to_string(),
                server: self.base.to_string(),
            });
        }
        let origin = url.origin();
        if !self.aliases.contains(&origin) {
            tracing::warn!(link, server = %self.base,
                "the server names itself by another address (a proxy that does not pass the Host on?); its links are followed on the configured address");
            self.aliases.push(origin);
        }
        Ok(self.rebase(&url))
    }

    /// A link that may lead to another site: on the server (configured, or by a name it
    /// was seen to use), or elsewhere.
    pub fn any(&self, link: &str) -> Result<Resolved, CommerceError> {
        let url = self.parse(link)?;
        let origin = url.origin();
        Ok(if origin == self.base.origin() {
            Resolved::Server(url)
        } else if self.aliases.contains(&origin) {
            Resolved::Server(self.rebase(&url))
        } else {
            Resolved::Elsewhere(url)
        })
    }

    /// The same path and query on the configured server, for a link that names another
    /// address; `None` for a link already on it (or one that cannot be read).
    pub fn on_server(&self, link: &str) -> Option<Url> {
        let url = self.parse(link).ok()?;
        (url.origin() != self.base.origin()).then(|| self.rebase(&url))
    }

    /// Remembers `link`'s origin as one of the server's own names.
    pub fn learn(&mut self, link: &str) {
        if let Ok(url) = self.parse(link) {
            let origin = url.origin();
            if origin != self.base.origin() && !self.aliases.contains(&origin) {
                self.aliases.push(origin);
            }
        }
    }

    fn parse(&self, link: &str) -> Result<Url, CommerceError> {
        let link = link.trim();
        let url = if link.starts_with("http://") || link.starts_with("https://") {
            Url::parse(link)
        } else {
            self.base.join(link.trim_start_matches('/'))
        };
        url.map_err(|e| CommerceError::BadUrl(link.to_string(), e.to_string()))
    }

    /// The link's path below the server's base path (a proxy may or may not show it),
    /// without the leading slash.
    fn relative_path<'a>(&self, url: &'a Url) -> &'a str {
        let path = url.path();
        let path = path.strip_prefix(self.base.path()).unwrap_or(path);
        path.trim_start_matches('/')
    }

    fn rebase(&self, url: &Url) -> Url {
        let mut rebased = self.base.clone();
        rebased.set_path(&format!("{}{}", self.base.path(), self.relative_path(url)));
        rebased.set_query(url.query());
        rebased
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(base: &str) -> Links {
        Links::new(Url::parse(base).unwrap())
    }

    #[test]
    fn a_next_page_named_by_another_host_port_or_scheme_is_followed_on_the_configured_server() {
        for next in [
            "http://django-internal:8000/users/orders/?page=2&limit=10", // host
            "https://shop.example:8443/users/orders/?page=2&limit=10",   // port
            "http://shop.example/users/orders/?page=2&limit=10",         // scheme: TLS ended at the proxy
        ] {
            let mut links = links("https://shop.example/");
            let url = links.own(next, Own::OrderList).unwrap();
            assert_eq!(
                url.as_str(),
                "https://shop.example/users/orders/?page=2&limit=10",
                "{next}"
            );
            assert_eq!(links.aliases().len(), 1, "{next} is learnt as the server's own name");
        }
    }

    #[test]
    fn a_base_path_behind_a_proxy_is_kept_whether_or_not_the_link_shows_it() {
        let mut links = links("https://gw.example/commerce/");
        for next in [
            "http://10.0.0.5:8000/users/orders/?page=3",
            "http://10.0.0.5:8000/commerce/users/orders/?page=3",
            "/users/orders/?page=3",
        ] {
            assert_eq!(
                links.own(next, Own::OrderList).unwrap().as_str(),
                "https://gw.example/commerce/users/orders/?page=3",
                "{next}"
            );
        }
    }

    #[test]
    fn a_link_to_a_truly_different_page_is_refused_naming_both_addresses() {
        let mut links = links("https://shop.example/");
        let error = links
            .own("https://collector.example/steal?page=2", Own::OrderList)
            .unwrap_err();
        let text = error.to_string();
        assert!(text.contains("https://collector.example/steal?page=2"), "{text}");
        assert!(text.contains("https://shop.example/"), "{text}");
        assert!(links.aliases().is_empty(), "nothing is learnt from a refused link");
        // A placed order's page must be one too.
        assert!(links
            .own("https://shop.example:9/users/orders/", Own::CompletedOrder)
            .is_err());
    }

    #[test]
    fn a_service_page_is_the_servers_only_by_a_name_the_server_used() {
        let mut links = links("https://shop.example/");
        let service = "http://django-internal:8000/pay/T1/";
        assert_eq!(
            links.any(service).unwrap(),
            Resolved::Elsewhere(Url::parse(service).unwrap())
        );
        links
            .own("http://django-internal:8000/users/orders/?page=2", Own::OrderList)
            .unwrap();
        assert_eq!(
            links.any(service).unwrap(),
            Resolved::Server(Url::parse("https://shop.example/pay/T1/").unwrap())
        );
        // A payment service of its own stays where it is.
        let bank = "https://3rd-party-payment.com/pay/XASiso-daaskA12-1";
        assert_eq!(links.any(bank).unwrap(), Resolved::Elsewhere(Url::parse(bank).unwrap()));
        assert_eq!(
            links.any("/_sim/pay/T2/").unwrap(),
            Resolved::Server(Url::parse("https://shop.example/_sim/pay/T2/").unwrap())
        );
    }

    #[test]
    fn on_server_gives_the_same_path_and_query_on_the_configured_address() {
        let links = links("http://127.0.0.1:8800/");
        assert_eq!(
            links
                .on_server("https://commerce.internal:8443/_sim/pay/T9/?x=1")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8800/_sim/pay/T9/?x=1"
        );
        assert_eq!(links.on_server("http://127.0.0.1:8800/_sim/pay/T9/"), None);
    }
}
