//! `[receipt]`: the store's header and footer printed on every receipt, and the
//! receipt's language.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReceiptSettings {
    /// The store's name and address lines, at the top of every receipt.
    pub header: Vec<String>,
    pub footer: String,
    /// The receipt's language: "tr" or "en".
    pub language: String,
}

impl Default for ReceiptSettings {
    fn default() -> Self {
        ReceiptSettings {
            header: vec![
                "Instore Demo Mağazası".into(),
                "İstiklal Caddesi 1, Beyoğlu, İstanbul".into(),
            ],
            footer: "Bizi tercih ettiğiniz için teşekkürler.".into(),
            language: "tr".into(),
        }
    }
}

impl ReceiptSettings {
    pub(super) fn check(&self) -> Result<(), String> {
        if !matches!(self.language.as_str(), "tr" | "en") {
            return Err(format!(
                "receipt.language: {:?} is not offered; use \"tr\" or \"en\"",
                self.language
            ));
        }
        Ok(())
    }
}
