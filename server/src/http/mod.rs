//! The HTTP surface: health check, Leptos pages and server functions, and
//! static files.
mod client_ip;
mod health;
mod hubspot_oauth;
pub mod security;
mod server_fn_status;

use crate::api::rate_limit::RateLimits;
use crate::integrations::hubspot::HubspotOAuth;
use app::ssr::AppState;
use axum::Router;
use axum::extract::FromRef;
use axum::middleware::from_fn_with_state;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

/// Router state: the app's state plus what Leptos needs to render.
#[derive(Clone)]
pub struct ServerState {
    pub app: AppState,
    pub leptos: LeptosOptions,
    /// Set when HubSpot app credentials are configured.
    pub hubspot: Option<Arc<HubspotOAuth>>,
    pub rate_limits: Arc<RateLimits>,
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
    // Explicit static routes: the fallback alone would never see `/pkg/x.js`,
    // which the `/{host}/{event}` page route matches first.
    Ok(Router::new()
        .route("/healthz", axum::routing::get(health::healthz))
        .merge(api)
        .merge(crate::api::document_route(document))
        .route(
            "/integrations/hubspot/connect",
            axum::routing::get(hubspot_oauth::connect),
        )
        .route(
            "/integrations/hubspot/callback",
            axum::routing::get(hubspot_oauth::callback),
        )
        .nest_service(
            "/pkg",
            ServeDir::new(site_root.join(state.leptos.site_pkg_dir.as_ref())),
        )
        .route_service("/favicon.svg", ServeFile::new(site_root.join("favicon.svg")))
        .leptos_routes_with_context(&state, routes, page_context.clone(), move || {
            app::shell(leptos_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(
            page_context,
            app::shell,
        ))
        .layer(axum::middleware::from_fn(server_fn_status::map_error_status))
        .layer(from_fn_with_state(state.rate_limits.clone(), client_ip::tag_client_ip))
        .layer(from_fn_with_state(public.clone(), security::same_origin_writes))
        .layer(from_fn_with_state(public, security::protective_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state))
}
