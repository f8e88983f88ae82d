//! The route table: OAuth, CRM (behind auth → rate limit → faults), control endpoints and the page,
//! all wrapped in the request recorder.

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};

use crate::sandbox::Sandbox;
use crate::{API_VERSION, auth, authorize, contacts, control, errors, faults, meetings, oauth_token, page, rate_limit};
use crate::{record, search};

pub(crate) fn build(sandbox: Sandbox) -> Router {
    let objects = format!("/crm/objects/{API_VERSION}");
    // Layers run outside-in in reverse order of addition: auth, then the rate limit, then faults.
    let crm = Router::new()
        .route(&format!("{objects}/contacts"), post(contacts::create_contact))
        .route(
            &format!("{objects}/contacts/batch/upsert"),
            post(contacts::upsert_contacts),
        )
        .route(&format!("{objects}/contacts/search"), post(search::search_contacts))
        .route(
            &format!("{objects}/contacts/{{id}}"),
            get(contacts::get_contact).patch(contacts::update_contact),
        )
        .route(&format!("{objects}/meetings"), post(meetings::create_meeting))
        .route(&format!("{objects}/meetings/search"), post(search::search_meetings))
        .route(
            &format!("{objects}/meetings/{{id}}"),
            get(meetings::get_meeting).patch(meetings::update_meeting),
        )
        .route_layer(from_fn_with_state(sandbox.clone(), faults::inject))
        .route_layer(from_fn_with_state(sandbox.clone(), rate_limit::limit))
        .route_layer(from_fn_with_state(sandbox.clone(), auth::require_access_token));

    let oauth = Router::new()
        .route(
            "/oauth/authorize",
            get(authorize::show_consent).post(authorize::submit_decision),
        )
        .route(&format!("/oauth/{API_VERSION}/token"), post(oauth_token::token))
        .route(
            &format!("/oauth/{API_VERSION}/token/introspect"),
            post(oauth_token::introspect),
        )
        .route(&format!("/oauth/{API_VERSION}/token/revoke"), post(oauth_token::revoke));

    let control = Router::new()
        .route("/", get(page::show))
        .route("/_sandbox", get(page::show))
        .route("/_sandbox/", get(page::show))
        .route("/_sandbox/state", get(control::state))
        .route("/_sandbox/faults", post(control::push_faults))
        .route("/_sandbox/chaos", post(control::set_chaos))
        .route("/_sandbox/revoke-refresh-tokens", post(control::revoke_refresh_tokens))
        .route("/_sandbox/expire-access-tokens", post(control::expire_access_tokens))
        .route("/_sandbox/advance-clock", post(control::advance_clock))
        .route("/_sandbox/reset", post(control::reset));

    Router::new()
        .merge(crm)
        .merge(oauth)
        .merge(control)
        .fallback(errors::not_found)
        .layer(from_fn_with_state(sandbox.clone(), record::record))
        .with_state(sandbox)
}
