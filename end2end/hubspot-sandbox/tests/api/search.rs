//! Search: required fields, filters, paging and the lag behind writes.

use std::time::Duration;

use hubspot_sandbox::SandboxConfig;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, assert_hubspot_error, json, search_by};
use crate::meetings::{contact, meeting};

#[tokio::test]
async fn contacts_are_found_by_email_once_the_search_lag_has_passed() {
    let app = TestApp::spawn_with(SandboxConfig {
        search_lag: Duration::from_secs(5),
        ..Default::default()
    })
    .await;
    let token = app.connect().await.access;
    let id = contact(&app, &token, "jane@example.com").await;

    let body = json(
        app.post(&token, "contacts/search", &search_by("email", "JANE@example.com"))
            .await,
    )
    .await;
    assert_eq!(body["total"], 0, "just written, not indexed yet: {body}");

    app.hub.advance_clock(Duration::from_secs(6));
    let response = app
        .post(&token, "contacts/search", &search_by("email", "JANE@example.com"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = json(response).await;
    assert_eq!(body["total"], 1);
    assert_eq!(body["results"][0]["id"], id.as_str());
    assert_eq!(body["results"][0]["properties"]["email"], "jane@example.com");
    assert!(body.get("paging").is_none());

    // An update is searchable only after the lag too; until then search shows the old value.
    let patch = json!({"properties": {"firstname": "Janet"}});
    app.patch(&token, &format!("contacts/{id}"), &patch).await;
    let body = json(
        app.post(&token, "contacts/search", &search_by("firstname", "Janet"))
            .await,
    )
    .await;
    assert_eq!(body["total"], 0);
    app.hub.advance_clock(Duration::from_secs(6));
    let body = json(
        app.post(&token, "contacts/search", &search_by("firstname", "janet"))
            .await,
    )
    .await;
    assert_eq!(body["total"], 1);
}

#[tokio::test]
async fn search_requires_after_limit_properties_and_sorts() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    for field in ["after", "limit", "properties", "sorts"] {
        let mut body = search_by("email", "jane@example.com");
        body.as_object_mut().expect("object").remove(field);
        let response = app.post(&token, "contacts/search", &body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "without {field}");
        let error = json(response).await;
        assert_hubspot_error(&error, "VALIDATION_ERROR");
        assert!(error["message"].as_str().is_some_and(|m| m.ends_with(field)), "{error}");
    }
    let unknown = search_by("foo", "1");
    assert_eq!(
        app.post(&token, "contacts/search", &unknown).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn search_pages_with_after() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    for i in 0..5 {
        contact(&app, &token, &format!("p{i}@example.com")).await;
    }
    let page = |after: &str| {
        json!({"filterGroups": [], "properties": ["email"], "limit": 2, "after": after,
               "sorts": [{"propertyName": "email", "direction": "DESCENDING"}]})
    };
    let first = json(app.post(&token, "contacts/search", &page("0")).await).await;
    assert_eq!(first["total"], 5);
    assert_eq!(first["results"][0]["properties"]["email"], "p4@example.com");
    assert_eq!(first["paging"]["next"]["after"], "2");
    let last = json(app.post(&token, "contacts/search", &page("4")).await).await;
    assert_eq!(last["results"].as_array().map(Vec::len), Some(1));
    assert!(last.get("paging").is_none());
}

#[tokio::test]
async fn meetings_are_found_by_external_url() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let contact_id = contact(&app, &token, "jane@example.com").await;
    app.post(
        &token,
        "meetings",
        &meeting(&contact_id, "http://slotline/dashboard/bookings/1"),
    )
    .await;
    let created = json(
        app.post(
            &token,
            "meetings",
            &meeting(&contact_id, "http://slotline/dashboard/bookings/2"),
        )
        .await,
    )
    .await;

    let mut body = search_by("hs_meeting_external_url", "http://slotline/dashboard/bookings/2");
    body["properties"] = json!(["hs_meeting_external_url"]);
    let found = json(app.post(&token, "meetings/search", &body).await).await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["results"][0]["id"], created["id"]);
    assert_eq!(
        found["results"][0]["properties"]["hs_meeting_external_url"],
        "http://slotline/dashboard/bookings/2"
    );
}
