//! The optional rolling-window rate limit.

use std::time::Duration;

use hubspot_sandbox::SandboxConfig;
use reqwest::StatusCode;

use crate::helpers::{TestApp, assert_hubspot_error, json, search_by};

#[tokio::test]
async fn calls_over_the_limit_get_hubspots_429_and_are_counted() {
    let config = SandboxConfig {
        rate_limit: Some((3, Duration::from_secs(10))),
        ..Default::default()
    };
    let app = TestApp::spawn_with(config).await;
    let token = app.connect().await.access;
    for _ in 0..3 {
        assert_eq!(app.get(&token, "contacts/1").await.status(), StatusCode::NOT_FOUND);
    }
    // Search does not count against the ten-secondly limit.
    let search = app
        .post(&token, "contacts/search", &search_by("email", "a@example.com"))
        .await;
    assert_eq!(search.status(), StatusCode::OK);

    let response = app.get(&token, "contacts/1").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().get("retry-after").is_none());
    let body = json(response).await;
    assert_hubspot_error(&body, "RATE_LIMITS");
    assert_eq!(body["message"], "You have reached your ten_secondly_rolling limit.");
    assert_eq!(body["errorType"], "RATE_LIMIT");
    assert_eq!(body["policyName"], "TEN_SECONDLY_ROLLING");
    assert!(body["requestId"].is_string());
    assert_eq!(app.hub.rate_limited_count(), 1);

    app.hub.set_rate_limit(None);
    assert_eq!(app.get(&token, "contacts/1").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn no_limit_means_no_rejections() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    for _ in 0..150 {
        assert_eq!(app.get(&token, "contacts/1").await.status(), StatusCode::NOT_FOUND);
    }
    assert_eq!(app.hub.rate_limited_count(), 0);
}
