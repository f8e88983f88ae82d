//! HTTP around the MCP service: the API's keys and rate limits, and JSON
//! answers for clients that accept only JSON.
use crate::api::auth::{admit, identify, peer_of, set_allowance};
use crate::api::error::ApiError;
use crate::http::ServerState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// The largest JSON-RPC message read to tell a tool call from the rest.
const MAX_MESSAGE_BYTES: usize = 1 << 20;
/// How long an answer may take before a JSON-only client is told so.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// Admits a request with a valid key (`Authorization: Bearer` or
/// `X-API-Key`) as its user, counting only tool calls against the user's
/// limit; without one, 401 (counted against the client's IP).
pub async fn authenticate(State(state): State<ServerState>, request: Request, next: Next) -> Response {
    let peer = peer_of(&request);
    let user = identify(&state, request.headers()).await;
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_MESSAGE_BYTES).await else {
        return ApiError::BadRequest(format!("Send at most {MAX_MESSAGE_BYTES} bytes.")).into_response();
    };
    let counted = match &user {
        Ok(_) => parts.method == Method::POST && calls_a_tool(&body),
        Err(_) => true,
    };
    let allowance = if counted {
        match admit(&state, peer, &parts.headers, user.as_ref()).await {
            Ok(allowance) => allowance,
            Err(limited) => return limited,
        }
    } else {
        None
    };
    let user = match user {
        Ok(user) => user,
        Err(error) => return ApiError::App(error).into_response(),
    };
    let mut request = Request::from_parts(parts, Body::from(body));
    request.extensions_mut().insert(user);
    let mut response = next.run(request).await;
    if let Some(allowance) = allowance {
        set_allowance(response.headers_mut(), allowance);
    }
    response
}

/// Whether a JSON-RPC message (or batch) asks to call a tool.
fn calls_a_tool(body: &[u8]) -> bool {
    let is_call = |message: &serde_json::Value| message.get("method").and_then(|m| m.as_str()) == Some("tools/call");
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Array(batch)) => batch.iter().any(is_call),
        Ok(message) => is_call(&message),
        Err(_) => false,
    }
}

/// The MCP service answers requests as server-sent events and refuses a
/// client that does not accept them; a client that accepts only JSON gets
/// the same answer as one JSON body.
pub async fn answer_as_accepted(mut request: Request, next: Next) -> Response {
    let accept = request
        .headers()
        .get(ACCEPT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("*/*")
        .to_ascii_lowercase();
    let wants_json_only = accept.contains("application/json") && !accept.contains("text/event-stream");
    if request.method() == Method::POST {
        request
            .headers_mut()
            .insert(ACCEPT, HeaderValue::from_static("application/json, text/event-stream"));
    }
    let response = next.run(request).await;
    let is_stream = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/event-stream"));
    if !(wants_json_only && is_stream) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(Ok(stream)) = tokio::time::timeout(ANSWER_TIMEOUT, to_bytes(body, usize::MAX)).await else {
        return ApiError::App(app::error::AppError::Internal).into_response();
    };
    let Some(message) = last_message(&String::from_utf8_lossy(&stream)) else {
        return ApiError::App(app::error::AppError::Internal).into_response();
    };
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(message))
}

/// The last JSON-RPC message of an event stream: the answer, after any
/// notifications.
fn last_message(stream: &str) -> Option<String> {
    stream
        .split("\n\n")
        .filter_map(|event| {
            let data: Vec<&str> = event
                .lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .map(|data| data.strip_prefix(' ').unwrap_or(data))
                .collect();
            let data = data.join("\n");
            serde_json::from_str::<serde_json::Value>(&data).ok().map(|_| data)
        })
        .last()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tool_calls_count() {
        assert!(calls_a_tool(
            br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}"#
        ));
        assert!(!calls_a_tool(br#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#));
        assert!(calls_a_tool(br#"[{"method":"ping"},{"method":"tools/call"}]"#));
        assert!(!calls_a_tool(b"not json"));
    }

    #[test]
    fn the_answer_is_the_last_message_of_the_stream() {
        let stream = "data: \nid: 0\nretry: 3000\n\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n\
                      data: {\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}\nid: 1/0\n\n";
        assert_eq!(
            last_message(stream).as_deref(),
            Some("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}")
        );
        assert_eq!(last_message("data: \n\n"), None);
    }
}
