//! The staff's PINs (clerk, technician): kept only as Argon2id hashes in the settings
//! file (PHC strings), given in clear only to `provision`, which hashes them.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Whether a settings value is a hash this module made (not a PIN in clear).
pub fn is_hashed(value: &str) -> bool {
    value.starts_with("$argon2")
}

/// A PIN is 4 to 8 digits: typed on the kiosk's keypad.
pub fn check(pin: &str) -> Result<(), String> {
    if (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("a PIN is 4 to 8 digits".into())
    }
}

/// The PHC string of `pin`, with a fresh salt.
pub fn hash(pin: &str) -> Result<String, String> {
    check(pin)?;
    // 16 random bytes from the OS-seeded generator the queue's references use.
    let bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&bytes).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `pin` is the one hashed in `hash`; a damaged hash matches nothing.
pub fn verify(pin: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(pin.as_bytes(), &parsed).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_kept_as_a_salted_hash_that_only_it_matches() {
        let first = hash("2580").unwrap();
        assert!(is_hashed(&first) && !first.contains("2580"));
        assert_ne!(first, hash("2580").unwrap(), "salted");
        assert!(verify("2580", &first));
        assert!(!verify("2581", &first));
        assert!(!verify("2580", "$argon2id$broken"));
        assert!(hash("12").is_err() && hash("12ab").is_err());
    }
}
