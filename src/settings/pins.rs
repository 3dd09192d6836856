//! `[pins]`: the staff's PINs, kept as Argon2id hashes only.

use serde::{Deserialize, Serialize};

/// The staff's PINs, as Argon2id hashes (`provision` hashes the PINs given in clear).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PinSettings {
    pub clerk: Option<String>,
    pub technician: Option<String>,
}

impl PinSettings {
    /// Hashes any PIN given in clear (checked first: 4 to 8 digits).
    pub fn hash_clear(&mut self) -> Result<(), String> {
        for (name, pin) in [
            ("pins.clerk", &mut self.clerk),
            ("pins.technician", &mut self.technician),
        ] {
            if let Some(value) = pin.as_mut().filter(|v| !crate::pins::is_hashed(v)) {
                *value = crate::pins::hash(value).map_err(|e| format!("{name}: {e}"))?;
            }
        }
        Ok(())
    }

    /// Only hashes may be kept: a PIN in clear is refused.
    pub(super) fn check(&self) -> Result<(), String> {
        for (name, pin) in [("pins.clerk", &self.clerk), ("pins.technician", &self.technician)] {
            if pin.as_deref().is_some_and(|p| !crate::pins::is_hashed(p)) {
                return Err(format!(
                    "{name}: a PIN in clear; write the settings with `instore-kiosk provision --from FILE`, which keeps it hashed"
                ));
            }
        }
        Ok(())
    }
}
