//! Counts and times every HTTP request by method, route and status. The
//! route is the pattern that matched (`/{host}/{event}`), never the path
//! itself, so that labels stay few; requests no route matched (static
//! files, unknown pages) count as `fallback`.
use crate::monitoring::{HTTP_DURATION, HTTP_REQUESTS};
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// The pattern that matched, passed from inside routing to [`record`].
#[derive(Clone)]
struct Route(String);

/// Inside routing (a route layer), where the matched pattern is known.
pub async fn name_route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(Route(route));
    }
    response
}

/// Around everything: one count and one timing per answered request.
pub async fn record(request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let route = response
        .extensions()
        .get::<Route>()
        .map_or_else(|| "fallback".to_owned(), |r| r.0.clone());
    let status = response.status().as_u16().to_string();
    metrics::counter!(HTTP_REQUESTS, "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(HTTP_DURATION, "method" => method, "route" => route).record(started.elapsed().as_secs_f64());
    response
}
