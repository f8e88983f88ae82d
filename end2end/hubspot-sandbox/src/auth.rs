//! Bearer-token authentication and scope checks in front of every `/crm` route.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sandbox_support::http::bearer;

use crate::errors::ApiError;
use crate::object_kind::ObjectKind;
use crate::sandbox::Sandbox;
use crate::tokens::AccessCheck;

const CONTACTS_READ: &str = "crm.objects.contacts.read";
const CONTACTS_WRITE: &str = "crm.objects.contacts.write";
const COMPANIES_READ: &str = "crm.objects.companies.read";
const COMPANIES_WRITE: &str = "crm.objects.companies.write";

/// Lets the call through only with a live access token that carries every scope the call needs.
pub(crate) async fn require_access_token(State(sandbox): State<Sandbox>, request: Request, next: Next) -> Response {
    let check = match bearer(request.headers()) {
        Some(token) => sandbox.check_access(token),
        None => AccessCheck::Unknown,
    };
    match check {
        AccessCheck::Unknown => ApiError::InvalidAuthentication.into_response(),
        AccessCheck::Expired { seconds_ago } => ApiError::ExpiredAuthentication { seconds_ago }.into_response(),
        AccessCheck::Live { scopes } => {
            let missing: Vec<&'static str> = required_scopes(request.method(), request.uri().path())
                .into_iter()
                .filter(|needed| !scopes.iter().any(|scope| scope == needed))
                .collect();
            if missing.is_empty() {
                next.run(request).await
            } else {
                ApiError::MissingScopes(missing).into_response()
            }
        }
    }
}

/// The scopes of every object type a call touches: companies have their own, contacts and
/// engagements (meetings) share the contacts ones. Reads are GETs, searches and batch reads
/// (despite POST).
fn required_scopes(method: &Method, path: &str) -> Vec<&'static str> {
    let write = !(method == Method::GET || path.ends_with("/search") || path.ends_with("/batch/read"));
    let segments: Vec<&str> = path.split('/').filter(|segment| !segment.is_empty()).collect();
    let types: Vec<&str> = match segments.as_slice() {
        ["crm", "objects", _, from, _, "associations", _, to, ..] | ["crm", "associations", _, from, to, ..] => {
            vec![*from, *to]
        }
        ["crm", _, _, object_type, ..] => vec![*object_type],
        _ => Vec::new(),
    };
    let mut scopes = Vec::new();
    for object_type in types {
        let companies = ObjectKind::parse(object_type) == Some(ObjectKind::Company);
        let scope = match (companies, write) {
            (true, true) => COMPANIES_WRITE,
            (true, false) => COMPANIES_READ,
            (false, true) => CONTACTS_WRITE,
            (false, false) => CONTACTS_READ,
        };
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    scopes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_needs_only_the_read_scope() {
        let scopes = |method: &Method, path: &str| required_scopes(method, &format!("/crm/objects/2026-03/{path}"));
        assert_eq!(scopes(&Method::POST, "contacts/search"), [CONTACTS_READ]);
        assert_eq!(scopes(&Method::POST, "contacts/batch/read"), [CONTACTS_READ]);
        assert_eq!(scopes(&Method::POST, "contacts/batch/archive"), [CONTACTS_WRITE]);
        assert_eq!(scopes(&Method::DELETE, "contacts/1"), [CONTACTS_WRITE]);
        assert_eq!(scopes(&Method::POST, "contacts"), [CONTACTS_WRITE]);
        assert_eq!(scopes(&Method::GET, "contacts/1"), [CONTACTS_READ]);
        assert_eq!(scopes(&Method::PATCH, "meetings/1"), [CONTACTS_WRITE]);
    }

    #[test]
    fn companies_have_their_own_scopes() {
        let scopes = |method: &Method, path: &str| required_scopes(method, path);
        assert_eq!(
            scopes(&Method::POST, "/crm/objects/2026-03/companies"),
            [COMPANIES_WRITE]
        );
        assert_eq!(
            scopes(&Method::POST, "/crm/objects/2026-03/companies/search"),
            [COMPANIES_READ]
        );
        assert_eq!(
            scopes(&Method::GET, "/crm/properties/2026-03/companies"),
            [COMPANIES_READ]
        );
        assert_eq!(
            scopes(&Method::GET, "/crm/properties/2026-03/contacts/email"),
            [CONTACTS_READ]
        );
    }

    #[test]
    fn associations_need_the_write_scope_of_both_sides() {
        let put = required_scopes(
            &Method::PUT,
            "/crm/objects/2026-03/contacts/1/associations/default/companies/2",
        );
        assert_eq!(put, [CONTACTS_WRITE, COMPANIES_WRITE]);
        let batch = required_scopes(
            &Method::POST,
            "/crm/associations/2026-03/companies/contacts/batch/create",
        );
        assert_eq!(batch, [COMPANIES_WRITE, CONTACTS_WRITE]);
        let meeting = required_scopes(
            &Method::PUT,
            "/crm/objects/2026-03/meetings/1/associations/default/contacts/2",
        );
        assert_eq!(meeting, [CONTACTS_WRITE]);
    }
}
