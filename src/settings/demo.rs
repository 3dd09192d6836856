//! `[demo]`: the built-in simulator's cash register in demo mode.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DemoSettings {
    /// In demo mode the simulated register takes a cash-register payment after this many polls.
    pub cash_register_auto_pay_after_polls: u32,
    /// In demo mode, the register's polling interval in seconds.
    pub cash_register_poll_seconds: u32,
}

impl Default for DemoSettings {
    fn default() -> Self {
        DemoSettings {
            cash_register_auto_pay_after_polls: 3,
            cash_register_poll_seconds: 2,
        }
    }
}

impl DemoSettings {
    pub(super) fn check(&self) -> Result<(), String> {
        if self.cash_register_poll_seconds == 0 {
            return Err("demo.cash_register_poll_seconds: must be at least 1".into());
        }
        Ok(())
    }
}
