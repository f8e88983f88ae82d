//! The route table: OAuth, CRM (behind auth → accounting → rate limit → faults), control endpoints
//! and the page, all wrapped in the request recorder.

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, patch, post, put};

use crate::sandbox::Sandbox;
use crate::{API_VERSION, accounting, association_endpoints, auth, authorize, batch_archive, batch_read};
use crate::{contacts, control, errors, faults, merge, oauth_token, object_endpoints, page, property_endpoints};
use crate::{rate_limit, record, search, user_endpoints};

pub(crate) fn build(sandbox: Sandbox) -> Router {
    let objects = format!("/crm/objects/{API_VERSION}/{{object_type}}");
    let properties = format!("/crm/properties/{API_VERSION}/{{object_type}}");
    // Layers run outside-in in reverse order of addition: auth, then accounting (which counts
    // every authenticated call, refused or not), then the rate limits, then faults.
    let crm = Router::new()
        .route(&objects, post(object_endpoints::create_object))
        .route(&format!("{objects}/batch/upsert"), post(contacts::upsert_contacts))
        .route(&format!("{objects}/batch/read"), post(batch_read::read_batch))
        .route(&format!("{objects}/batch/archive"), post(batch_archive::archive_batch))
        .route(&format!("{objects}/merge"), post(merge::merge_objects))
        .route(&format!("{objects}/search"), post(search::search_objects))
        .route(
            &format!("{objects}/{{id}}"),
            get(object_endpoints::read_object)
                .patch(object_endpoints::update_object)
                .delete(object_endpoints::archive_object),
        )
        .route(
            &format!("{objects}/{{id}}/associations/default/{{to_type}}/{{to_id}}"),
            put(association_endpoints::associate_default),
        )
        .route(
            &format!("/crm/associations/{API_VERSION}/{{from_type}}/{{to_type}}/batch/create"),
            post(association_endpoints::create_batch),
        )
        .route(&properties, get(property_endpoints::list_properties))
        .route(
            &format!("{properties}/{{name}}"),
            get(property_endpoints::read_property),
        )
        .route_layer(from_fn_with_state(sandbox.clone(), faults::inject))
        .route_layer(from_fn_with_state(sandbox.clone(), rate_limit::limit))
        .route_layer(from_fn_with_state(sandbox.clone(), accounting::count))
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
        .route("/_sandbox/batch-errors", post(control::set_batch_errors))
        .route("/_sandbox/webhooks", post(control::set_webhooks))
        .route("/_sandbox/contacts", post(user_endpoints::create))
        .route("/_sandbox/contacts/merge", post(user_endpoints::merge))
        .route("/_sandbox/contacts/seed", post(user_endpoints::seed))
        .route(
            "/_sandbox/contacts/{id}",
            patch(user_endpoints::update).delete(user_endpoints::archive),
        )
        .route("/_sandbox/contacts/{id}/restore", post(user_endpoints::restore))
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
