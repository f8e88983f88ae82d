//! What every answer carries for the browser's protection, and the refusal
//! of cross-site writes.
//!
//! `SameSite=Lax` alone lets a sibling subdomain post to Slotline and lets
//! any site log a visitor into an account of its choosing, so an unsafe
//! request from a browser must come from Slotline's own origin.
use crate::api::error::ApiError;
use app::error::AppError;
use axum::extract::{Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, HOST, ORIGIN, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Slotline's public origin (`scheme://host[:port]`), as browsers send it
/// in `Origin`.
#[derive(Debug, Clone)]
pub struct PublicOrigin {
    origin: String,
    scheme: String,
}

impl PublicOrigin {
    pub fn new(public_url: &str) -> anyhow::Result<Arc<Self>> {
        let url = url::Url::parse(public_url)?;
        Ok(Arc::new(Self {
            origin: url.origin().ascii_serialization(),
            scheme: url.scheme().to_owned(),
        }))
    }
}

/// The page policy: Slotline's own scripts (the hydration script by its
/// per-response nonce, the wasm by `wasm-unsafe-eval`), styles and images,
/// and no framing.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Names this page's hydration nonce (Leptos makes one per response) in
/// its policy; called in the context of every rendered page.
pub fn name_nonce_in_policy() {
    let (Some(nonce), Some(options)) = (
        leptos::nonce::use_nonce(),
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(Some(&nonce))) {
        options.insert_header(CONTENT_SECURITY_POLICY, policy);
    }
}

/// Adds the protective headers every answer carries. Pages rendered by
/// Leptos have already set a policy naming their nonce; anything else gets
/// the same policy without one.
pub async fn protective_headers(State(public): State<Arc<PublicOrigin>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(CONTENT_SECURITY_POLICY)
        && let Ok(policy) = HeaderValue::from_str(&content_security_policy(None))
    {
        headers.insert(CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    if public.scheme == "https" {
        headers.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

/// Refuses a browser's unsafe request from another origin. The REST API
/// and the MCP server are key-authenticated (no cookies, so nothing to
/// forge), and requests
/// without `Origin` or `Sec-Fetch-Site` come from programs, not browsers.
pub async fn same_origin_writes(State(public): State<Arc<PublicOrigin>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    // The API and MCP take keys, HubSpot's and Stripe's webhooks a
    // signature: no cookies to ride on.
    if is_safe(request.method())
        || path.starts_with("/api/v1/")
        || path == "/mcp"
        || path.starts_with("/mcp/")
        || path == "/integrations/hubspot/webhook"
        || path == app::ssr::services::stripe::WEBHOOK_PATH
    {
        return next.run(request).await;
    }
    if from_elsewhere(request.headers(), &public) {
        tracing::warn!(
            method = %request.method(),
            path = request.uri().path(),
            origin = ?request.headers().get(ORIGIN),
            "refused a cross-site request"
        );
        let refusal =
            AppError::Forbidden("Cross-site requests are not accepted. Reload the page and try again.".into());
        return ApiError::App(refusal).into_response();
    }
    next.run(request).await
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
}

fn from_elsewhere(headers: &HeaderMap, public: &PublicOrigin) -> bool {
    if let Some(origin) = headers.get(ORIGIN) {
        let Ok(origin) = origin.to_str() else {
            return true;
        };
        // The request's own host counts too, under the public URL's scheme,
        // so that a server reached by another name than its public URL (a
        // test, a LAN address) still accepts its own pages' forms: a browser
        // sets `Host` to where it sends the request, which a foreign page
        // cannot change.
        let own_host = headers.get(HOST).and_then(|host| host.to_str().ok());
        return !(origin == public.origin
            || own_host.is_some_and(|host| origin == format!("{}://{host}", public.scheme)));
    }
    match headers.get("sec-fetch-site").and_then(|site| site.to_str().ok()) {
        Some(site) => !matches!(site, "same-origin" | "none"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public() -> Arc<PublicOrigin> {
        PublicOrigin::new("https://slotline.app/").unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn the_public_origin_and_the_requests_own_host_are_at_home() {
        let public = public();
        assert!(!from_elsewhere(
            &headers(&[("origin", "https://slotline.app")]),
            &public
        ));
        assert!(!from_elsewhere(
            &headers(&[("origin", "https://10.0.0.5:3000"), ("host", "10.0.0.5:3000")]),
            &public
        ));
        let local = PublicOrigin::new("http://127.0.0.1:3000").unwrap();
        assert!(!from_elsewhere(
            &headers(&[("origin", "http://127.0.0.1:41234"), ("host", "127.0.0.1:41234")]),
            &local
        ));
    }

    #[test]
    fn other_sites_and_sibling_subdomains_are_not() {
        let public = public();
        for origin in [
            "https://evil.example",
            "https://eu.slotline.app",
            "http://slotline.app",
            "null",
        ] {
            assert!(
                from_elsewhere(&headers(&[("origin", origin), ("host", "slotline.app")]), &public),
                "{origin}"
            );
        }
        assert!(from_elsewhere(&headers(&[("sec-fetch-site", "same-site")]), &public));
        assert!(from_elsewhere(&headers(&[("sec-fetch-site", "cross-site")]), &public));
    }

    #[test]
    fn programs_that_send_neither_header_are_let_through() {
        assert!(!from_elsewhere(&HeaderMap::new(), &public()));
        assert!(!from_elsewhere(
            &headers(&[("sec-fetch-site", "same-origin")]),
            &public()
        ));
    }

    #[test]
    fn the_page_policy_names_its_nonce_and_forbids_framing() {
        let policy = content_security_policy(Some("abc"));
        assert!(
            policy.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"),
            "{policy}"
        );
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(!content_security_policy(None).contains("nonce"));
    }
}
