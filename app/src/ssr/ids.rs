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
    fn tokens_are_long_random_and_hash_stably() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), a);
    }
}
