//! Request accounting for rate-limit tests (busiest ten seconds, searches, per endpoint) and the
//! optional search rate limit.

use std::time::Duration;

use hubspot_sandbox::SandboxConfig;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, assert_hubspot_error, json, search_by};
use crate::meetings::contact;

#[tokio::test]
async fn calls_are_counted_per_window_per_endpoint_and_searches_apart() {
    let app = TestApp::spawn_with(SandboxConfig {
        rate_limit: Some((3, Duration::from_secs(10))),
        ..Default::default()
    })
    .await;
    let token = app.connect().await.access;
    let id = contact(&app, &token, "jane@example.com").await;
    for _ in 0..2 {
        app.post(&token, "contacts/search", &search_by("email", "jane@example.com"))
            .await;
    }
    let read = json!({"inputs": [{"id": id}], "properties": [], "propertiesWithHistory": []});
    assert_eq!(
        app.post(&token, "contacts/batch/read", &read).await.status(),
        StatusCode::OK
    );
    app.get(&token, &format!("contacts/{id}")).await;
    // Over the limit: refused, but still a call the app made.
    let refused = app.get(&token, &format!("contacts/{id}")).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    // Without a valid token nothing reaches the accounting.
    app.get("not-a-token", &format!("contacts/{id}")).await;

    assert_eq!(app.hub.max_requests_per_10s(), 4);
    assert_eq!(app.hub.search_requests(), 2);
    let by_endpoint = app.hub.requests_by_endpoint();
    assert_eq!(by_endpoint.get("GET /crm/objects/2026-03/contacts/{id}"), Some(&2));
    assert_eq!(by_endpoint.get("POST /crm/objects/2026-03/contacts/search"), Some(&2));
    assert_eq!(
        by_endpoint.get("POST /crm/objects/2026-03/contacts/batch/read"),
        Some(&1)
    );
    assert_eq!(by_endpoint.get("POST /crm/objects/2026-03/contacts"), Some(&1));

    let state = app.state().await;
    assert_eq!(state["maxRequestsPer10s"], 4);
    assert_eq!(state["searchRequests"], 2);
    assert_eq!(state["requestsByEndpoint"]["GET /crm/objects/2026-03/contacts/{id}"], 2);
    assert_eq!(state["rateLimited"], 1);

    let reset = app.http.post(app.url("/_sandbox/reset")).send().await.expect("reset");
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    let state = app.state().await;
    assert_eq!(state["maxRequestsPer10s"], 0);
    assert_eq!(state["searchRequests"], 0);
    assert_eq!(state["requestsByEndpoint"], json!({}));
    assert_eq!(state["webhookDeliveries"], json!([]));
}

#[tokio::test]
async fn the_search_limit_answers_a_secondly_429() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    app.hub.set_search_rate_limit(Some((2, Duration::from_secs(60))));
    let search = search_by("email", "jane@example.com");
    for _ in 0..2 {
        assert_eq!(
            app.post(&token, "contacts/search", &search).await.status(),
            StatusCode::OK
        );
    }
    let response = app.post(&token, "contacts/search", &search).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let body = json(response).await;
    assert_hubspot_error(&body, "RATE_LIMITS");
    assert_eq!(body["policyName"], "SECONDLY");
    // Other calls have their own limit.
    assert_eq!(app.get(&token, "contacts/1").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.hub.rate_limited_count(), 1);
    assert_eq!(app.hub.search_requests(), 3);
}
