//! Tells pages and server functions which client a request came from, so
//! that their limits key on it as the API's do.
use crate::api::rate_limit::RateLimits;
use app::ssr::access::ClientIp;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use std::sync::Arc;

pub async fn tag_client_ip(State(limits): State<Arc<RateLimits>>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let client = limits.client_ip(peer.ip(), request.headers());
        request.extensions_mut().insert(ClientIp(client));
    }
    next.run(request).await
}
