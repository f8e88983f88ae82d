//! The two signatures every delivery carries (CONTRACTS §4): GitHub's style,
//! keyed by the whole `whsec_…` string, and Standard Webhooks', keyed by the
//! secret's decoded bytes and covering the id and timestamp against replays.
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// `X-Slotline-Signature`: `sha256=` and the lowercase hex HMAC of the body.
pub fn slotline_signature(secret: &str, body: &[u8]) -> String {
    format!("sha256={}", hex::encode(hmac(secret.as_bytes(), &[body])))
}

/// `webhook-signature`: `v1,` and the base64 HMAC of `id.timestamp.body`.
pub fn standard_signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> anyhow::Result<String> {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|_| anyhow::anyhow!("the webhook secret is not whsec_ and base64"))?;
    let signed = hmac(
        &key,
        &[id.as_bytes(), b".", timestamp.to_string().as_bytes(), b".", body],
    );
    Ok(format!("v1,{}", STANDARD.encode(signed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The contract's vectors, computed with the Standard Webhooks
    /// reference library (copied from shared/testdata).
    #[test]
    fn signatures_match_the_contract_vectors() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/data/webhook-signatures.json")).unwrap();
        let cases = vectors["cases"].as_array().unwrap();
        assert!(!cases.is_empty());
        for case in cases {
            let text = |k: &str| case[k].as_str().unwrap();
            let body = text("body").as_bytes();
            assert_eq!(slotline_signature(text("secret"), body), text("x_slotline_signature"));
            assert_eq!(
                standard_signature(
                    text("secret"),
                    text("webhook_id"),
                    text("webhook_timestamp").parse().unwrap(),
                    body
                )
                .unwrap(),
                text("webhook_signature")
            );
        }
    }
}
