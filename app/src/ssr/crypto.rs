//! Secrets at rest (OAuth tokens, webhook secrets, tokens in queued jobs),
//! sealed with AES-256-GCM under `SLOTLINE_SECRET_KEY`: a fresh random
//! nonce per value, stored as `v2.<key id>.<base64(nonce ‖ ciphertext ‖ tag)>`.
//! The key id names the key that sealed it, so the key can be rotated: the
//! new key seals, old ones (`SLOTLINE_SECRET_KEYS_OLD`) still open, and
//! `server admin reseal` brings every value over to the new key. Values of
//! the first format, `v1.<base64>`, carry no key id; every key is tried.
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use sha2::{Digest, Sha256};

const V1: &str = "v1.";
const V2: &str = "v2.";
const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("sealed value is malformed")]
    Malformed,
    #[error("sealed value does not open with this key")]
    WrongKeyOrTampered,
    #[error("sealed value names key {0}, which is neither the current key nor an old one")]
    UnknownKey(String),
}

struct Key {
    /// The first 8 hex digits of a hash of the key: names it, reveals nothing.
    id: String,
    cipher: Aes256Gcm,
}

impl Key {
    fn new(key: &[u8; 32]) -> Self {
        let digest = Sha256::new_with_prefix(b"slotline secret key id\0")
            .chain_update(key)
            .finalize();
        Self {
            id: digest[..4].iter().map(|b| format!("{b:02x}")).collect(),
            cipher: Aes256Gcm::new(key.into()),
        }
    }

    fn open(&self, bytes: &[u8]) -> Result<String, SealError> {
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| SealError::WrongKeyOrTampered)?;
        String::from_utf8(plain).map_err(|_| SealError::Malformed)
    }
}

/// Seals with the current key and opens with it or an old one. `Debug`
/// never shows a key.
#[derive(Clone)]
pub struct SecretBox {
    keys: std::sync::Arc<[Key]>,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(…)")
    }
}

impl SecretBox {
    pub fn new(key: &[u8; 32]) -> Self {
        Self::with_old_keys(key, &[])
    }

    /// Seals with `current`; opens values sealed with it or any of `old`.
    pub fn with_old_keys(current: &[u8; 32], old: &[[u8; 32]]) -> Self {
        Self {
            keys: std::iter::once(current).chain(old).map(Key::new).collect(),
        }
    }

    fn current(&self) -> &Key {
        &self.keys[0]
    }

    pub fn seal(&self, plaintext: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let key = self.current();
        let ciphertext = key
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
            .expect("AES-GCM encryption of an in-memory value cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        format!("{V2}{}.{}", key.id, STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str) -> Result<String, SealError> {
        let decode = |b64: &str| {
            STANDARD
                .decode(b64)
                .ok()
                .filter(|b| b.len() > NONCE_LEN)
                .ok_or(SealError::Malformed)
        };
        if let Some(rest) = sealed.strip_prefix(V2) {
            let (id, b64) = rest.split_once('.').ok_or(SealError::Malformed)?;
            let key = self
                .keys
                .iter()
                .find(|k| k.id == id)
                .ok_or_else(|| SealError::UnknownKey(id.to_owned()))?;
            return key.open(&decode(b64)?);
        }
        let bytes = decode(sealed.strip_prefix(V1).ok_or(SealError::Malformed)?)?;
        self.keys
            .iter()
            .find_map(|key| key.open(&bytes).ok())
            .ok_or(SealError::WrongKeyOrTampered)
    }

    /// Whether `sealed` is under another key than the current one (or of
    /// the first format), so that a reseal would change it.
    pub fn is_stale(&self, sealed: &str) -> bool {
        sealed
            .strip_prefix(V2)
            .and_then(|rest| rest.split_once('.'))
            .is_none_or(|(id, _)| id != self.current().id)
    }

    /// `sealed` sealed anew under the current key, if it was not already.
    pub fn reseal(&self, sealed: &str) -> Result<Option<String>, SealError> {
        if !self.is_stale(sealed) {
            return Ok(None);
        }
        Ok(Some(self.seal(&self.open(sealed)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_and_does_not_show_the_plaintext() {
        let secret = SecretBox::new(&[9; 32]);
        let sealed = secret.seal("refresh-token-123");
        assert!(sealed.starts_with("v2.") && !sealed.contains("refresh-token-123"));
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
            Err(SealError::UnknownKey(_))
        ));
        let (prefix, b64) = sealed.rsplit_once('.').unwrap();
        let mut bytes = STANDARD.decode(b64).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = format!("{prefix}.{}", STANDARD.encode(bytes));
        assert!(SecretBox::new(&[1; 32]).open(&tampered).is_err());
        assert!(matches!(
            SecretBox::new(&[1; 32]).open("plain"),
            Err(SealError::Malformed)
        ));
    }

    /// A value of the first format, as sessions before key ids stored it.
    fn v1(key: &[u8; 32], plaintext: &str) -> String {
        let nonce = [3u8; NONCE_LEN];
        let ciphertext = Aes256Gcm::new(key.into())
            .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
            .unwrap();
        format!("v1.{}", STANDARD.encode([nonce.as_slice(), &ciphertext].concat()))
    }

    #[test]
    fn after_a_rotation_old_values_open_and_reseal_under_the_new_key() {
        let (old, new) = ([1; 32], [2; 32]);
        let before = SecretBox::new(&old).seal("webhook secret");
        let legacy = v1(&old, "refresh token");
        let rotated = SecretBox::with_old_keys(&new, &[old]);
        assert_eq!(rotated.open(&before).unwrap(), "webhook secret");
        assert_eq!(rotated.open(&legacy).unwrap(), "refresh token");
        assert!(rotated.is_stale(&before) && rotated.is_stale(&legacy));

        let resealed = rotated.reseal(&before).unwrap().unwrap();
        assert!(!rotated.is_stale(&resealed));
        assert_eq!(rotated.reseal(&resealed).unwrap(), None, "already under the new key");
        let new_only = SecretBox::new(&new);
        assert_eq!(new_only.open(&resealed).unwrap(), "webhook secret");
        assert_eq!(
            new_only.open(&rotated.reseal(&legacy).unwrap().unwrap()).unwrap(),
            "refresh token"
        );
        assert!(matches!(new_only.open(&before), Err(SealError::UnknownKey(_))));
    }
}
