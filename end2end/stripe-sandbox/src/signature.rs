//! `Stripe-Signature`, as STRIPE.md gives it: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "{t}.{raw
//! body}">`, keyed by the endpoint's whole signing secret string (`whsec_` included).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header value for `body` sent at `timestamp` (unix seconds).
pub(crate) fn header(secret: &str, timestamp: i64, body: &str) -> String {
    format!("t={timestamp},v1={}", v1(secret, timestamp, body))
}

fn v1(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC accepts keys of any length, so this never fails; an empty MAC would only fail to verify.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(format!("{timestamp}.{body}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_timestamp_dot_body_with_the_whole_secret() {
        // Computed independently:
        // printf '1700000000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac 'whsec_test'
        assert_eq!(
            header("whsec_test", 1_700_000_000, r#"{"id":"evt_1"}"#),
            "t=1700000000,v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925"
        );
    }
}
