//! Bearer-token authentication and scope checks in front of every `/crm` route.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::errors::ApiError;
use crate::sandbox::Sandbox;
use crate::tokens::AccessCheck;

const READ_SCOPE: &str = "crm.objects.contacts.read";
const WRITE_SCOPE: &str = "crm.objects.contacts.write";

/// Lets the call through only with a live access token that carries the scope the call needs.
pub(crate) async fn require_access_token(State(sandbox): State<Sandbox>, request: Request, next: Next) -> Response {
    let check = match bearer(request.headers()) {
        Some(token) => sandbox.check_access(token),
        None => AccessCheck::Unknown,
    };
    match check {
        AccessCheck::Unknown => ApiError::InvalidAuthentication.into_response(),
        AccessCheck::Expired { seconds_ago } => ApiError::ExpiredAuthentication { seconds_ago }.into_response(),
        AccessCheck::Live { scopes } => {
            let needed = required_scope(request.method(), request.uri().path());
            if scopes.iter().any(|scope| scope == needed) {
                next.run(request).await
            } else {
                ApiError::MissingScopes(needed).into_response()
            }
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Contacts and engagements (meetings) share the contacts scopes; search is a read despite POST.
fn required_scope(method: &Method, path: &str) -> &'static str {
    if method == Method::GET || path.ends_with("/search") {
        READ_SCOPE
    } else {
        WRITE_SCOPE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_bearer_scheme_is_case_insensitive_and_needs_a_token() {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer abc"));
        assert_eq!(bearer(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&headers), None);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer(&headers), None);
    }

    #[test]
    fn search_needs_only_the_read_scope() {
        assert_eq!(
            required_scope(&Method::POST, "/crm/objects/2026-03/contacts/search"),
            READ_SCOPE
        );
        assert_eq!(
            required_scope(&Method::POST, "/crm/objects/2026-03/contacts"),
            WRITE_SCOPE
        );
        assert_eq!(
            required_scope(&Method::GET, "/crm/objects/2026-03/contacts/1"),
            READ_SCOPE
        );
    }
}
