//! Identifiers and secrets minted by the server.
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new CUID2 id (24 characters), as the API contract requires.
pub fn new_id() -> String {
    cuid2::create_id()
}

/// A secret for a URL or cookie: 32 random bytes, base64url without padding.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A new API key: `sl_live_` and 64 base62 characters from the thread's
/// CSPRNG, 72 characters in all.
pub fn new_api_key() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    format!("{API_KEY_PREFIX}{}", Alphanumeric.sample_string(&mut rand::rng(), 64))
}

pub const API_KEY_PREFIX: &str = "sl_live_";

/// A webhook signing secret: `whsec_` and padded base64 of 32 random bytes,
/// the Standard Webhooks form.
pub fn new_webhook_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// What the database keeps of a token: its SHA-256, hex encoded.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_24_characters() {
        assert_eq!(new_id().len(), 24);
    }

    #[test]
    fn api_keys_are_72_base62_characters_after_their_prefix() {
        let key = new_api_key();
        assert_eq!(key.len(), 72);
        assert!(key.starts_with("sl_live_"));
        assert!(key[8..].chars().all(|c| c.is_ascii_alphanumeric()), "{key}");
        assert_ne!(key, new_api_key());
    }

    #[test]
    fn webhook_secrets_carry_32_bytes() {
        let secret = new_webhook_secret();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(secret.strip_prefix("whsec_").unwrap())
            .unwrap();
        assert_eq!(bytes.len(), 32);
    }

    #[test]
    fn tokens_are_long_random_and_hash_stably() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), a);
    }
}
