//! What a sandbox checks the same way whichever service it stands in for: bearer credentials and
//! http(s) URLs.

use axum::http::{HeaderMap, header};

/// The credential of `Authorization: Bearer …` (scheme in any case), if there is a non-empty one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, credential) = value.trim().split_once(' ')?;
    let credential = credential.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !credential.is_empty()).then_some(credential)
}

/// Whether `text` is an absolute `http` or `https` URL: somewhere a sandbox can POST or redirect to.
pub fn is_http_url(text: &str) -> bool {
    url::Url::parse(text).is_ok_and(|url| matches!(url.scheme(), "http" | "https"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_bearer_scheme_is_case_insensitive_and_needs_a_credential() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer abc"));
        assert_eq!(bearer(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static(" Bearer  sk_test_1 "));
        assert_eq!(bearer(&headers), Some("sk_test_1"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&headers), None);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer(&headers), None);
    }

    #[test]
    fn only_absolute_http_urls_count() {
        assert!(is_http_url("http://127.0.0.1:3000/hook"));
        assert!(is_http_url("https://example.com"));
        assert!(!is_http_url("localhost:3000"));
        assert!(!is_http_url("ftp://example.com"));
        assert!(!is_http_url("/relative"));
    }
}
