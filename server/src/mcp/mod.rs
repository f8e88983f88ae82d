//! The MCP server at `/mcp` (Streamable HTTP, `rmcp`): the agent tools
//! behind the REST API's keys and rate limits.
mod http_layer;
mod tools;

use crate::http::ServerState;
use axum::Router;
use axum::middleware::from_fn_with_state;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use std::sync::Arc;
pub use tools::SlotlineTools;

/// `/mcp`, answering only requests whose `Host` is the public URL's host
/// or a loopback name (the operator's own machine): a page whose DNS name
/// was rebound to this server names itself in `Host`, and is refused.
pub fn routes(state: &ServerState) -> anyhow::Result<Router<ServerState>> {
    let public = url::Url::parse(&state.app.config.public_url)?;
    let host = public
        .host_str()
        .ok_or_else(|| anyhow::anyhow!("SLOTLINE_PUBLIC_URL names no host"))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let config = StreamableHttpServerConfig::default().with_allowed_hosts([
        host,
        "localhost".into(),
        "127.0.0.1".into(),
        "::1".into(),
    ]);
    let app = state.app.clone();
    let service = StreamableHttpService::new(
        move || Ok(SlotlineTools::new(app.clone())),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    Ok(Router::new()
        .nest_service("/mcp", service)
        .layer(from_fn_with_state(state.clone(), http_layer::authenticate))
        .layer(axum::middleware::from_fn(http_layer::answer_as_accepted)))
}
