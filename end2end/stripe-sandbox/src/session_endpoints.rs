//! `POST /v1/checkout/sessions`, `GET /v1/checkout/sessions/{id}` and
//! `POST /v1/checkout/sessions/{id}/expire`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::{HeaderMap, header};
use serde_json::Value;

use crate::checkout::CheckoutError;
use crate::config::SandboxConfig;
use crate::errors::ApiError;
use crate::params::Params;
use crate::record::RequestContext;
use crate::sandbox::Sandbox;
use crate::session::{CheckoutSession, SessionStatus};
use crate::session_params::NewSession;
use crate::{expand, ids};

pub(crate) async fn create(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let params = Params::from_form(&headers, &body)?;
    let origin = origin(&headers, sandbox.config());
    let mut state = sandbox.lock();
    let now = state.unix_now();
    let new = NewSession::parse(params, now)?;
    expand::check(&new.expand, expand::SESSION)?;
    let id = ids::new_id(ids::SESSION);
    let session = CheckoutSession {
        hosted_url: format!("{origin}/checkout/{id}"),
        id,
        status: SessionStatus::Open,
        paid: false,
        amount_total: new.amount_total(),
        line_items: new.line_items,
        currency: new.currency,
        success_url: new.success_url,
        cancel_url: new.cancel_url,
        client_reference_id: new.client_reference_id,
        customer_email: new.customer_email,
        metadata: new.metadata,
        payment_intent_metadata: new.payment_intent_metadata,
        payment_intent: None,
        created: now,
        expires_at: new.expires_at,
    };
    let json = expand::session(&state, &session, &new.expand);
    state.sessions.push(session);
    Ok(Json(json))
}

pub(crate) async fn retrieve(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let expand = expand::from_query(query.as_deref(), expand::SESSION)?;
    let mut state = sandbox.lock();
    state.expire_due();
    let session = state
        .session(&id)
        .ok_or_else(|| ApiError::no_such("checkout.session", &id, "id"))?;
    Ok(Json(expand::session(&state, session, &expand)))
}

pub(crate) async fn expire(
    State(sandbox): State<Sandbox>,
    Extension(context): Extension<RequestContext>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let mut params = Params::from_form(&headers, &body)?;
    let expand = params.list("expand")?;
    params.finish()?;
    expand::check(&expand, expand::SESSION)?;
    let mut state = sandbox.lock();
    let not_open = |status: &str| {
        ApiError::invalid(format!(
            "Only Checkout Sessions with a status in [\"open\"] can be expired. This Checkout Session has a \
             status of \"{status}\"."
        ))
    };
    match state.expire(&id, &context.cause()) {
        Ok(()) => {}
        Err(CheckoutError::NoSuchSession) => return Err(ApiError::no_such("checkout.session", &id, "id")),
        Err(CheckoutError::AlreadyPaid) => return Err(not_open(SessionStatus::Complete.as_str())),
        Err(CheckoutError::Expired) => return Err(not_open(SessionStatus::Expired.as_str())),
    }
    let session = state
        .session(&id)
        .ok_or_else(|| ApiError::no_such("checkout.session", &id, "id"))?;
    Ok(Json(expand::session(&state, session, &expand)))
}

/// The origin hosted pages are served from: the configured public URL, else the `Host` the app
/// reached the sandbox at.
fn origin(headers: &HeaderMap, config: &SandboxConfig) -> String {
    if let Some(url) = &config.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}
