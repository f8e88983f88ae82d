//! The control endpoints and the sandbox page.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::companies::company;
use crate::helpers::{COMPANY_SCOPES, TestApp, json};
use crate::meetings::{contact, meeting};

#[tokio::test]
async fn state_and_page_show_what_the_app_did() {
    let app = TestApp::spawn().await;
    let tokens = app.connect().await;
    let contact_id = contact(&app, &tokens.access, "jane+<b>@example.com").await;
    app.post(&tokens.access, "meetings", &meeting(&contact_id, "http://slotline/b/1"))
        .await;
    let form = [
        ("client_id", "slotline-sandbox-client"),
        ("client_secret", "slotline-sandbox-secret"),
        ("token", tokens.refresh.as_str()),
        ("token_type_hint", "refresh_token"),
    ];
    app.token_call("token/revoke", &form).await;

    let state = json(app.http.get(app.url("/_sandbox/state")).send().await.expect("GET")).await;
    assert_eq!(state["contacts"][0]["id"], contact_id.as_str());
    assert_eq!(state["meetings"][0]["contactIds"], json!([contact_id]));
    assert_eq!(state["revocations"], json!([tokens.refresh]));
    assert_eq!(state["rateLimited"], 0);
    assert!(state["requests"].as_u64().is_some_and(|n| n >= 4));

    let html = app
        .http
        .get(app.url("/"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("text");
    assert!(html.contains("<title>HubSpot sandbox</title>"));
    assert_eq!(html.matches(r#"data-testid="contact-row""#).count(), 1);
    assert_eq!(html.matches(r#"data-testid="meeting-row""#).count(), 1);
    assert_eq!(html.matches(r#"data-testid="revocation-row""#).count(), 1);
    assert!(html.contains("jane+&lt;b&gt;@example.com") && !html.contains("<b>@"));
    assert!(html.contains("<caption>"));

    let recorded = app.hub.requests();
    assert!(
        recorded
            .iter()
            .any(|r| r.method == "POST" && r.path == "/crm/objects/2026-03/meetings" && r.status == 201)
    );
}

#[tokio::test]
async fn control_endpoints_revoke_expire_and_reset() {
    let app = TestApp::spawn().await;
    let tokens = app.connect().await;
    contact(&app, &tokens.access, "jane@example.com").await;

    let post = |path: &str| app.http.post(app.url(path)).send();
    assert_eq!(
        post("/_sandbox/expire-access-tokens").await.expect("POST").status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&tokens.access, "contacts/1").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let refreshed = json(app.refresh(&tokens.refresh).await).await;
    assert!(refreshed["access_token"].is_string());

    assert_eq!(
        post("/_sandbox/revoke-refresh-tokens").await.expect("POST").status(),
        StatusCode::NO_CONTENT
    );
    let response = app.refresh(&tokens.refresh).await;
    assert_eq!(json(response).await["status"], "BAD_REFRESH_TOKEN");
    assert!(
        app.hub.revocations().is_empty(),
        "only the revoke endpoint records revocations"
    );

    assert_eq!(
        post("/_sandbox/reset").await.expect("POST").status(),
        StatusCode::NO_CONTENT
    );
    assert!(app.hub.contacts().is_empty());
    assert!(app.hub.token_events().is_empty());
}

#[tokio::test]
async fn unknown_paths_are_404_json() {
    let app = TestApp::spawn().await;
    let response = app
        .http
        .get(app.url("/crm/v3/objects/contacts"))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(json(response).await["status"], "error");
}

#[tokio::test]
async fn state_and_page_show_companies_and_associations_until_reset() {
    let app = TestApp::spawn().await;
    let token = app.connect_with(COMPANY_SCOPES).await.access;
    let jane = contact(&app, &token, "jane@example.com").await;
    let acme = company(&app, &token, "acme.example", "Acme <Inc>").await;
    let path = format!("/crm/objects/2026-03/contacts/{jane}/associations/default/companies/{acme}");
    app.call(Method::PUT, &token, &path, None).await;
    app.post(&token, "meetings", &meeting(&jane, "http://slotline/b/1"))
        .await;

    let state = app.state().await;
    assert_eq!(state["companies"][0]["id"], acme.as_str());
    assert_eq!(state["companies"][0]["properties"]["domain"], "acme.example");
    assert!(state["companies"][0]["createdAt"].is_string() && state["companies"][0]["updatedAt"].is_string());
    let associations = state["associations"].as_array().cloned().unwrap_or_default();
    assert_eq!(associations.len(), 2);
    assert_eq!(
        associations[0],
        json!({"fromType": "contacts", "fromId": jane, "toType": "companies", "toId": acme, "typeIds": [279]})
    );
    assert_eq!(associations[1]["fromType"], "meetings");
    assert_eq!(associations[1]["typeIds"], json!([200]));
    assert_eq!(state["meetings"][0]["contactIds"], json!([jane]));

    let html = app
        .http
        .get(app.url("/"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("text");
    assert_eq!(html.matches(r#"data-testid="company-row""#).count(), 1);
    assert!(html.contains(&format!("<td>Acme &lt;Inc&gt; ({acme})</td>")), "{html}");

    app.hub.reset();
    assert!(app.hub.companies().is_empty() && app.hub.associations().is_empty());
    let state = app.state().await;
    assert_eq!(state["companies"], json!([]));
    assert_eq!(state["associations"], json!([]));
}
