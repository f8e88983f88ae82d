//! The HTTP surface: health check, Leptos pages and server functions, and
//! static files.
pub mod assets;
mod client_ip;
mod health;
mod hubspot_oauth;
mod hubspot_webhook;
mod request_metrics;
pub mod security;
mod server_fn_status;
mod stripe_webhook;

use crate::api::rate_limit::RateLimits;
use crate::integrations::hubspot::HubspotOAuth;
use anyhow::Context;
use app::ssr::AppState;
use axum::Router;
use axum::extract::FromRef;
use axum::middleware::from_fn_with_state;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::sync::Arc;
use tower_http::trace::TraceLayer;

/// A request's log span: its method and path, never its query string,
/// which carries manage-link tokens and OAuth codes.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::debug_span!("request", method = %request.method(), path = %request.uri().path())
}

/// Router state: the app's state plus what Leptos needs to render.
#[derive(Clone)]
pub struct ServerState {
    pub app: AppState,
    pub leptos: LeptosOptions,
    /// Set when HubSpot app credentials are configured.
    pub hubspot: Option<Arc<HubspotOAuth>>,
    pub rate_limits: Arc<RateLimits>,
    /// `SLOTLINE_METRICS=1`: `GET /metrics` answers.
    pub metrics: bool,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.leptos.clone()
    }
}

impl FromRef<ServerState> for AppState {
    fn from_ref(state: &ServerState) -> Self {
        state.app.clone()
    }
}

pub fn router(state: ServerState) -> anyhow::Result<Router> {
    let routes = generate_route_list(app::App);
    let public = security::PublicOrigin::new(&state.app.config.public_url)?;
    let context_state = state.app.clone();
    let page_context = move || {
        provide_context(context_state.clone());
        security::name_nonce_in_policy();
    };
    let leptos_options = state.leptos.clone();
    let site_root = std::path::PathBuf::from(state.leptos.site_root.as_ref());
    let (api, document) = crate::api::routes(&state);
    let scrape = if state.metrics {
        Router::new().route("/metrics", axum::routing::get(health::metrics))
    } else {
        Router::new()
    };
    // Explicit static routes: the fallback alone would never see `/pkg/x.js`,
    // which the `/{host}/{event}` page route matches first.
    Ok(Router::new()
        .route("/healthz", axum::routing::get(health::healthz))
        .merge(scrape)
        .merge(api)
        .merge(crate::api::document_route(document))
        .merge(crate::mcp::routes(&state)?)
        .route(
            "/integrations/hubspot/connect",
            axum::routing::get(hubspot_oauth::connect),
        )
        .route(
            "/integrations/hubspot/callback",
            axum::routing::get(hubspot_oauth::callback),
        )
        .route(
            "/integrations/hubspot/webhook",
            axum::routing::post(hubspot_webhook::receive),
        )
        .route(
            app::ssr::services::stripe::WEBHOOK_PATH,
            axum::routing::post(stripe_webhook::receive),
        )
        .merge(
            assets::routes(&site_root, state.leptos.site_pkg_dir.as_ref(), state.leptos.hash_files)
                .with_context(|| format!("reading the site's files under {}", site_root.display()))?,
        )
        .leptos_routes_with_context(&state, routes, page_context.clone(), move || {
            app::shell(leptos_options.clone())
        })
        .route_layer(axum::middleware::from_fn(request_metrics::name_route))
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(
            page_context,
            app::shell,
        ))
        .layer(axum::middleware::from_fn(server_fn_status::map_error_status))
        .layer(axum::middleware::from_fn(assets::revalidate_pages))
        .layer(from_fn_with_state(state.rate_limits.clone(), client_ip::tag_client_ip))
        .layer(from_fn_with_state(public.clone(), security::same_origin_writes))
        .layer(from_fn_with_state(public, security::protective_headers))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(axum::middleware::from_fn(request_metrics::record))
        .with_state(state))
}

#[cfg(test)]
mod tests {
    use super::request_span;
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::fmt::MakeWriter;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Self;

        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    #[test]
    fn request_logs_name_the_path_without_the_query() {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(captured.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let request = axum::http::Request::get("/bookings/abc?token=SECRET-manage-token&code=oauth-code")
                .body(axum::body::Body::empty())
                .unwrap();
            let span = request_span(&request);
            span.in_scope(|| tracing::debug!("answered"));
        });
        let logged = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(logged.contains("path=/bookings/abc"), "{logged}");
        assert!(!logged.contains("SECRET") && !logged.contains("oauth-code"), "{logged}");
    }
}
