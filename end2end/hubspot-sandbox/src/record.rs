//! Records every request the sandbox answers (method, path, status, arrival time) for tests and the
//! sandbox page. Paths only: query strings can carry OAuth `state` and codes.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::sandbox::Sandbox;
use crate::snapshot::RecordedRequest;

pub(crate) async fn record(State(sandbox): State<Sandbox>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let at = sandbox.now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    tracing::info!(%method, %path, status, "hubspot sandbox request");
    sandbox.record_request(RecordedRequest {
        method,
        path,
        status,
        at,
    });
    response
}
