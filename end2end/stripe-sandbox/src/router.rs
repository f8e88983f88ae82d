//! The route table: the API (behind the request recorder → auth → idempotency → faults), the hosted
//! checkout page, control endpoints and the sandbox page.

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};

use crate::sandbox::Sandbox;
use crate::{auth, control, errors, faults, hosted_page, idempotency, page, record};
use crate::{payment_endpoints, refund_endpoints, session_endpoints};

pub(crate) fn build(sandbox: Sandbox) -> Router {
    // Layers run outside-in in reverse order of addition: the recorder (which names the request),
    // auth (refusals are never saved under a key), idempotency, then faults (so that an injected
    // 500 is saved and replayed, as Stripe saves its own).
    let api = Router::new()
        .route("/v1/checkout/sessions", post(session_endpoints::create))
        .route("/v1/checkout/sessions/{id}", get(session_endpoints::retrieve))
        .route("/v1/checkout/sessions/{id}/expire", post(session_endpoints::expire))
        .route("/v1/payment_intents/{id}", get(payment_endpoints::payment_intent))
        .route("/v1/charges/{id}", get(payment_endpoints::charge))
        .route("/v1/refunds", post(refund_endpoints::create))
        .route("/v1/refunds/{id}", get(refund_endpoints::retrieve))
        .route_layer(from_fn_with_state(sandbox.clone(), faults::inject))
        .route_layer(from_fn_with_state(sandbox.clone(), idempotency::apply))
        .route_layer(from_fn_with_state(sandbox.clone(), auth::require_secret_key))
        .route_layer(from_fn_with_state(sandbox.clone(), record::record));

    let hosted = Router::new()
        .route("/checkout/{id}", get(hosted_page::show))
        .route("/checkout/{id}/pay", post(hosted_page::pay))
        .route("/checkout/{id}/cancel", post(hosted_page::cancel));

    let control = Router::new()
        .route("/", get(page::show))
        .route("/_sandbox", get(page::show))
        .route("/_sandbox/", get(page::show))
        .route("/_sandbox/state", get(control::state))
        .route("/_sandbox/reset", post(control::reset))
        .route("/_sandbox/webhooks", post(control::set_webhooks))
        .route("/_sandbox/checkout/sessions/{id}/pay", post(control::pay))
        .route("/_sandbox/checkout/sessions/{id}/cancel", post(control::cancel))
        .route("/_sandbox/events/hold", post(control::hold_events))
        .route("/_sandbox/events/release", post(control::release_events))
        .route("/_sandbox/events/{id}/redeliver", post(control::redeliver))
        .route("/_sandbox/faults", post(control::push_faults))
        .route("/_sandbox/refunds/{id}/settle", post(control::settle_refund))
        .route("/_sandbox/advance-clock", post(control::advance_clock));

    Router::new()
        .merge(api)
        .merge(hosted)
        .merge(control)
        .method_not_allowed_fallback(errors::not_found)
        .fallback(errors::not_found)
        .with_state(sandbox)
}
