//! `GET /healthz`: 200 once the database answers and is fully migrated;
//! and, when switched on, `GET /metrics` for Prometheus.
use app::ssr::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use migration::{Migrator, MigratorTrait};
use serde_json::{Value, json};

pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match Migrator::get_pending_migrations(&state.db).await {
        Ok(pending) if pending.is_empty() => (StatusCode::OK, Json(json!({"status": "ok", "database": "ok"}))),
        Ok(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "unavailable", "database": "migrations pending"})),
        ),
        Err(error) => {
            tracing::warn!(error = %error, "health check could not reach the database");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "database": "unreachable"})),
            )
        }
    }
}

/// Prometheus's text format; `503` when the queue cannot be read.
pub async fn metrics(State(state): State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    match crate::monitoring::render(&state.db).await {
        Ok(text) => (
            [(
                axum::http::header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(error) => {
            tracing::warn!(%error, "metrics could not read the job queue");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
