//! Random identifiers: OAuth codes and tokens, correlation and request ids.

use std::fmt::Write;

/// A random version-4-shaped UUID string, the form HubSpot uses for `correlationId`.
pub(crate) fn uuid_like() -> String {
    let mut bytes: [u8; 16] = rand::random();
    // Set the version (4) and variant bits so the id parses as a real UUID.
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex(&bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A fresh access token (opaque to clients, like HubSpot's).
pub(crate) fn access_token() -> String {
    let bytes: [u8; 24] = rand::random();
    format!("sandbox-at-{}", hex(&bytes))
}

/// A fresh refresh token, shaped like HubSpot's `na1-…` ones.
pub(crate) fn refresh_token() -> String {
    format!("na1-{}", uuid_like())
}

/// A fresh single-use authorization code.
pub(crate) fn auth_code() -> String {
    uuid_like()
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        // Writing to a String cannot fail.
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_like_ids_have_the_uuid_layout() {
        let id = uuid_like();
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), vec![8, 4, 4, 4, 12]);
        assert!(parts[2].starts_with('4'));
        assert_ne!(uuid_like(), id);
    }
}
