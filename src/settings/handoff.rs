//! `[handoff]`: the hand-off page addresses of the wallets whose pages give none.

use serde::{Deserialize, Serialize};

/// Hand-off page addresses for the wallets whose reference flow has no `redirect_url`
/// (BKM Express, Masterpass): the page the customer opens on the phone. Filled from the
/// page context (`{transaction_id}`, `{token}`, `{order_no}`, `{msisdn}`) and
/// `{commerce}`, the commerce server's address without its last slash. The defaults are
/// the built-in simulator's service page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HandoffSettings {
    pub bkm_express: String,
    pub masterpass: String,
}

impl Default for HandoffSettings {
    fn default() -> Self {
        HandoffSettings {
            bkm_express: "{commerce}/_sim/pay/{transaction_id}/".into(),
            masterpass: "{commerce}/_sim/pay/{token}/".into(),
        }
    }
}
