//! The one error type of the commerce client.
//!
//! Each variant's message tells a clerk or technician what happened and what to do next.
//! [`CommerceError::may_have_been_processed`] is what decides whether a request can be
//! repeated without risking a double order.

use thiserror::Error;

#[derive(Debug, Clone, Error, PartialEq)]
pub enum CommerceError {
    #[error(
        "the commerce server at {url} cannot be reached ({detail}); check the network and the commerce URL in settings"
    )]
    Unreachable { url: String, detail: String },
    #[error("the commerce server did not answer within {seconds:.1} s")]
    Timeout { seconds: f64 },
    #[error("the connection to the commerce server broke before it answered ({0})")]
    ConnectionLost(String),
    #[error("the commerce server failed with HTTP {status}; try again in a moment")]
    Server { status: u16 },
    #[error("the commerce server answered HTTP {status} to {what}: {message}")]
    Http { status: u16, what: String, message: String },
    #[error("the commerce server's answer to {what} could not be read: {detail}")]
    Malformed { what: String, detail: String },
    #[error("login refused: {0}")]
    LoginRejected(String),
    #[error("the session expired and logging in again did not help")]
    SessionExpired,
    #[error("the commerce URL {0:?} is not usable: {1}")]
    BadUrl(String, String),
    #[error(
        "the server's {what} link {link} leads away from the commerce server at {server}; it is not followed, so the session stays with the server (check the proxy in front of the server)"
    )]
    ForeignLink { what: String, link: String, server: String },
    #[error(
        "the commerce server at {url} showed a certificate this device does not trust ({detail}); check the device's clock and that commerce.url names the server as its certificate does (the kiosk never falls back to plain http)"
    )]
    Untrusted { url: String, detail: String },
    #[error("the commerce server's name {host} cannot be found ({detail}); check the network's DNS and commerce.url")]
    NameNotFound { host: String, detail: String },
}

impl CommerceError {
    /// The line or the server is down: worth a Retry button, and (for some strategies)
    /// worth keeping the sale offline.
    pub fn is_connectivity(&self) -> bool {
        matches!(
            self,
            CommerceError::Unreachable { .. }
                | CommerceError::Timeout { .. }
                | CommerceError::ConnectionLost(_)
                | CommerceError::Server { .. }
                | CommerceError::Untrusted { .. }
                | CommerceError::NameNotFound { .. }
        )
    }

    /// No answer came at all (the name, the connection, TLS, the wait, a cut): the line,
    /// not anything the server said.
    pub fn is_transport(&self) -> bool {
        matches!(
            self,
            CommerceError::Unreachable { .. }
                | CommerceError::Timeout { .. }
                | CommerceError::ConnectionLost(_)
                | CommerceError::Untrusted { .. }
                | CommerceError::NameNotFound { .. }
        )
    }

    /// Whether the server may have acted on the request although no usable answer came
    /// back. Only when this is false may a non-idempotent step be sent again blindly.
    pub fn may_have_been_processed(&self) -> bool {
        matches!(
            self,
            CommerceError::Timeout { .. }
                | CommerceError::ConnectionLost(_)
                | CommerceError::Server { .. }
                | CommerceError::Malformed { .. }
        )
    }
}

pub type Result<T, E = CommerceError> = std::result::Result<T, E>;
