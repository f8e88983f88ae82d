//! Secret-key authentication in front of every `/v1` route: `Authorization: Bearer sk_…` with the
//! configured key, else `401` in Stripe's shape.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sandbox_support::http::bearer;

use crate::errors::ApiError;
use crate::sandbox::Sandbox;

pub(crate) async fn require_secret_key(State(sandbox): State<Sandbox>, request: Request, next: Next) -> Response {
    match bearer(request.headers()) {
        Some(key) if key == sandbox.config().secret_key => next.run(request).await,
        Some(key) => ApiError::unauthenticated(format!("Invalid API Key provided: {}", masked(key))).into_response(),
        None => ApiError::unauthenticated(
            "You did not provide an API key. You need to provide your API key in the Authorization header, \
             using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
                .to_owned(),
        )
        .into_response(),
    }
}

/// A key as Stripe echoes a wrong one: its mode prefix and last four characters.
fn masked(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    let prefix = ["sk_test_", "sk_live_", "rk_test_", "rk_live_"]
        .into_iter()
        .find(|prefix| key.starts_with(prefix))
        .unwrap_or("");
    format!(
        "{prefix}{}{tail}",
        "*".repeat(chars.len().saturating_sub(prefix.len() + 4))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_keys_are_echoed_masked() {
        assert_eq!(masked("sk_test_abcdef123456"), "sk_test_********3456");
        assert_eq!(masked("abc"), "abc");
    }
}
