//! Checks `Stripe-Signature` on a webhook's raw body before anything reads
//! it: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "{t}.{body}">`, keyed by the
//! endpoint's whole `whsec_…` secret, within five minutes of now. While a
//! secret rolls Stripe sends several `v1`; any one may match.
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a signature's time may be from now, either way.
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no readable Stripe-Signature header")]
    Malformed,
    #[error("the signature's time is more than five minutes from now")]
    Stale,
    #[error("no signature matches the endpoint's secret")]
    Mismatch,
}

/// Whether `header` signs `body` with `secret` at about `now` (Unix seconds).
pub fn verify(header: &str, body: &[u8], secret: &str, now: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.extend(hex::decode(value).ok()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let matches = |signature: &Vec<u8>| {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
            return false;
        };
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        // `verify_slice` compares in constant time.
        mac.verify_slice(signature).is_ok()
    };
    if signatures.iter().any(matches) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The header Stripe would send: for tests and the sandbox's counterpart.
#[cfg(test)]
fn sign(body: &[u8], secret: &str, timestamp: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    format!("t={timestamp},v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"checkout.session.completed"}"#;
    const NOW: i64 = 1_780_000_000;

    #[test]
    fn a_signature_made_with_the_secret_is_accepted() {
        assert_eq!(verify(&sign(BODY, SECRET, NOW), BODY, SECRET, NOW), Ok(()));
        assert_eq!(verify(&sign(BODY, SECRET, NOW - 299), BODY, SECRET, NOW), Ok(()));
    }

    #[test]
    fn another_secret_or_body_is_a_mismatch() {
        let header = sign(BODY, "whsec_other", NOW);
        assert_eq!(verify(&header, BODY, SECRET, NOW), Err(SignatureError::Mismatch));
        let header = sign(BODY, SECRET, NOW);
        assert_eq!(verify(&header, b"{}", SECRET, NOW), Err(SignatureError::Mismatch));
    }

    #[test]
    fn an_old_or_future_signature_is_stale() {
        let header = sign(BODY, SECRET, NOW - 301);
        assert_eq!(verify(&header, BODY, SECRET, NOW), Err(SignatureError::Stale));
        let header = sign(BODY, SECRET, NOW + 301);
        assert_eq!(verify(&header, BODY, SECRET, NOW), Err(SignatureError::Stale));
    }

    #[test]
    fn any_of_several_v1_may_match_and_v0_is_ignored() {
        let good = sign(BODY, SECRET, NOW);
        let v1 = good.split_once(",v1=").unwrap().1;
        let header = format!("t={NOW},v0={v1},v1=00ff,v1={v1}");
        assert_eq!(verify(&header, BODY, SECRET, NOW), Ok(()));
        let only_v0 = format!("t={NOW},v0={v1}");
        assert_eq!(verify(&only_v0, BODY, SECRET, NOW), Err(SignatureError::Malformed));
    }

    #[test]
    fn a_header_without_time_or_signature_is_malformed() {
        for header in ["", "t=abc,v1=00", "v1=00", "t=1780000000"] {
            assert_eq!(
                verify(header, BODY, SECRET, NOW),
                Err(SignatureError::Malformed),
                "{header}"
            );
        }
    }
}
