//! `[status]`: the loopback-only status endpoint for a fleet's Prometheus.

use serde::{Deserialize, Serialize};

/// The status endpoint for a fleet's Prometheus: off unless `listen` is set, and only
/// on a loopback address (a device's metrics are not for its network).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatusSettings {
    /// For example `"127.0.0.1:9464"`.
    pub listen: Option<String>,
}

impl StatusSettings {
    /// The address to listen on, if the endpoint is on.
    pub fn address(&self) -> Result<Option<std::net::SocketAddr>, String> {
        let Some(listen) = &self.listen else { return Ok(None) };
        let address: std::net::SocketAddr = listen
            .parse()
            .map_err(|_| format!("status.listen: {listen:?} is not an address like \"127.0.0.1:9464\""))?;
        if !address.ip().is_loopback() {
            return Err(format!(
                "status.listen: {listen} is not a loopback address; the status endpoint only listens on 127.0.0.1 or ::1"
            ));
        }
        Ok(Some(address))
    }
}
