//! REST API v1 (CONTRACTS §3): `X-API-Key` auth, rate limits, JSON errors,
//! and the OpenAPI document generated from the same route table.
mod agent_errors;
pub mod auth;
mod availability;
mod bookings;
mod contacts;
pub mod error;
mod event_types;
mod hooks;
mod json;
mod me;
pub mod rate_limit;

use crate::http::ServerState;
use axum::Json;
use axum::Router;
use axum::routing::get;
use error::{ApiError, ErrorBody, ErrorDetail};
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Errors every authenticated operation can answer.
#[derive(utoipa::IntoResponses)]
pub enum AuthErrors {
    /// Missing, malformed, unknown, expired or revoked key (`invalid_api_key`).
    #[response(status = 401)]
    InvalidKey(ErrorBody),
    /// Rate limited (`rate_limited`); see `Retry-After`.
    #[response(
        status = 429,
        headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))
    )]
    RateLimited(ErrorBody),
    /// Server error; the body carries no internals (`internal`).
    #[response(status = 500)]
    Internal(ErrorBody),
}

struct ApiKeyScheme;

impl Modify for ApiKeyScheme {
    fn modify(&self, openapi: &mut Document) {
        openapi.components.get_or_insert_default().add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-API-Key",
                "A key from Settings → API keys: sl_live_ and 64 characters.",
            ))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Slotline API",
        version = "1",
        description = "Slotline's REST API v1. Authenticate with the `X-API-Key` header. Without a valid key, 5 \
                       requests a minute per client IP; with one, 60 a minute per user, reported in \
                       `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`."
    ),
    modifiers(&ApiKeyScheme),
    components(schemas(ErrorBody, ErrorDetail))
)]
struct ApiDoc;

/// The `/api/v1` routes, behind authentication and rate limits, and their
/// OpenAPI document.
pub fn routes(state: &ServerState) -> (Router<ServerState>, Document) {
    let (router, document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(me::me))
        .routes(routes!(event_types::list))
        .routes(routes!(hooks::create))
        .routes(routes!(hooks::delete))
        .routes(routes!(hooks::sample))
        .routes(routes!(availability::availability))
        .routes(routes!(bookings::create, bookings::list))
        .routes(routes!(bookings::cancel_at))
        .routes(routes!(bookings::get))
        .routes(routes!(bookings::cancel))
        .routes(routes!(bookings::reschedule))
        .routes(routes!(contacts::find))
        .split_for_parts();
    let router = router
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::authenticate))
        .route("/api/v1/{*rest}", axum::routing::any(unknown_route));
    (router, document)
}

async fn unknown_route() -> ApiError {
    ApiError::App(app::error::AppError::NotFound)
}

/// `GET /api/openapi.json`, no key needed.
pub fn document_route(document: Document) -> Router<ServerState> {
    let document = std::sync::Arc::new(document);
    Router::new().route(
        "/api/openapi.json",
        get(move || {
            let document = document.clone();
            async move { Json(document.as_ref().clone()) }
        }),
    )
}
