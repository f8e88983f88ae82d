//! Secrets at rest (OAuth tokens), sealed with AES-256-GCM under
//! `SLOTLINE_SECRET_KEY`: a fresh random nonce per value, stored as
//! `v1.<base64(nonce ‖ ciphertext ‖ tag)>` so the format can change later.
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;

const PREFIX: &str = "v1.";
const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("sealed value is malformed")]
    Malformed,
    #[error("sealed value does not open with this key")]
    WrongKeyOrTampered,
}

/// Seals and opens secrets with one key. `Debug` never shows the key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(…)")
    }
}

impl SecretBox {
    pub fn new(key: &[u8; 32]) -> Self {
        Self {
            cipher: Aes256Gcm::new(key.into()),
        }
    }

    pub fn seal(&self, plaintext: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
            .expect("AES-GCM encryption of an in-memory value cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        format!("{PREFIX}{}", STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str) -> Result<String, SealError> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|b64| STANDARD.decode(b64).ok())
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or(SealError::Malformed)?;
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| SealError::WrongKeyOrTampered)?;
        String::from_utf8(plain).map_err(|_| SealError::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_and_does_not_show_the_plaintext() {
        let secret = SecretBox::new(&[9; 32]);
        let sealed = secret.seal("refresh-token-123");
        assert!(sealed.starts_with("v1.") && !sealed.contains("refresh-token-123"));
        assert_eq!(secret.open(&sealed).unwrap(), "refresh-token-123");
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce() {
        let secret = SecretBox::new(&[9; 32]);
        assert_ne!(secret.seal("same"), secret.seal("same"));
    }

    #[test]
    fn another_key_or_a_flipped_bit_does_not_open() {
        let sealed = SecretBox::new(&[1; 32]).seal("token");
        assert!(matches!(
            SecretBox::new(&[2; 32]).open(&sealed),
            Err(SealError::WrongKeyOrTampered)
        ));
        let mut bytes = STANDARD.decode(&sealed[3..]).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = format!("v1.{}", STANDARD.encode(bytes));
        assert!(SecretBox::new(&[1; 32]).open(&tampered).is_err());
        assert!(matches!(
            SecretBox::new(&[1; 32]).open("plain"),
            Err(SealError::Malformed)
        ));
    }
}
