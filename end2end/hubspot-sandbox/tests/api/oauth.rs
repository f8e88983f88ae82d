//! The OAuth code flow, introspection, refresh, revocation and API authentication.

use std::time::Duration;

use hubspot_sandbox::{SANDBOX_APP_ID, SandboxConfig, TokenEventKind};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{REDIRECT_URI, SCOPES, TestApp, assert_hubspot_error, json};

#[tokio::test]
async fn the_consent_page_names_the_app_and_lists_the_scopes() {
    let app = TestApp::spawn().await;
    let response = app.http.get(app.authorize_url("abc")).send().await.expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.expect("text");
    assert!(html.contains("<title>HubSpot sandbox — grant access</title>"));
    assert!(html.contains("slotline-sandbox-client"));
    assert!(html.contains("<li><code>crm.objects.contacts.write</code></li>"));
    assert!(html.contains(r#"data-testid="grant-access""#) && html.contains(r#"data-testid="deny-access""#));
    assert!(html.contains(r#"<input type="hidden" name="state" value="abc">"#));
}

#[tokio::test]
async fn an_unknown_client_id_gets_a_400_page() {
    let app = TestApp::spawn().await;
    let url = format!(
        "{}?client_id=someone-else&redirect_uri=http://x/cb&scope=oauth",
        app.hub.authorize_url()
    );
    let response = app.http.get(url).send().await.expect("GET");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.expect("text").contains("unknown client_id"));
}

#[tokio::test]
async fn granting_redirects_back_with_a_code_and_the_state() {
    let app = TestApp::spawn().await;
    let response = decide(&app, "s t&ate", "grant").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().expect("ascii").to_owned();
    let url = url::Url::parse(&location).expect("URL");
    assert!(location.starts_with(REDIRECT_URI));
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(pairs[0].0, "code");
    assert_eq!(pairs[1], ("state".to_owned(), "s t&ate".to_owned()));
}

/// Submits the consent page's form with `decision`.
async fn decide(app: &TestApp, state: &str, decision: &str) -> reqwest::Response {
    let form = [
        ("client_id", "slotline-sandbox-client"),
        ("redirect_uri", REDIRECT_URI),
        ("scope", SCOPES),
        ("state", state),
        ("decision", decision),
    ];
    app.http
        .post(app.url("/oauth/authorize"))
        .form(&form)
        .send()
        .await
        .expect("POST")
}

#[tokio::test]
async fn denying_redirects_back_with_access_denied() {
    let app = TestApp::spawn().await;
    let response = decide(&app, "xyz", "deny").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        response.headers()["location"],
        format!("{REDIRECT_URI}?error=access_denied&error_description=The+user+declined+access&state=xyz").as_str()
    );
    let denied = app.hub.deny(&app.authorize_url("xyz")).await.expect("deny");
    assert!(denied.contains("error=access_denied"));
}

#[tokio::test]
async fn a_code_is_exchanged_once_for_tokens_without_hub_id() {
    let app = TestApp::spawn().await;
    let code = app.code_for(SCOPES).await;
    let response = app.exchange(&code, REDIRECT_URI).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = json(response).await;
    assert_eq!(body["expires_in"], 1800);
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["token_use"], "access_token");
    assert!(body["access_token"].is_string() && body["refresh_token"].is_string());
    assert!(body.get("hub_id").is_none() && body.get("scopes").is_none(), "{body}");

    let again = app.exchange(&code, REDIRECT_URI).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    let body = json(again).await;
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["status"], "BAD_AUTH_CODE");
    assert_eq!(
        app.hub
            .token_events()
            .iter()
            .filter(|e| e.kind == TokenEventKind::Issued)
            .count(),
        1
    );
}

#[tokio::test]
async fn a_code_is_refused_for_another_redirect_uri_or_when_old() {
    let app = TestApp::spawn().await;
    let code = app.code_for(SCOPES).await;
    let body = json(app.exchange(&code, "http://127.0.0.1:3000/elsewhere").await).await;
    assert_eq!(
        (body["error"].as_str(), body["status"].as_str()),
        (Some("invalid_grant"), Some("BAD_AUTH_CODE"))
    );

    app.hub.advance_clock(Duration::from_secs(11 * 60));
    let body = json(app.exchange(&code, REDIRECT_URI).await).await;
    assert_eq!(body["status"], "BAD_AUTH_CODE");
    assert_eq!(body["message"], "auth code has expired");
}

#[tokio::test]
async fn bad_client_credentials_and_missing_parameters_are_400s() {
    let app = TestApp::spawn().await;
    let code = app.code_for(SCOPES).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", "slotline-sandbox-client"),
        ("client_secret", "wrong"),
        ("redirect_uri", REDIRECT_URI),
        ("code", code.as_str()),
    ];
    let response = app.token_call("token", &form).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = json(response).await;
    assert_eq!(
        (body["error"].as_str(), body["status"].as_str()),
        (Some("invalid_client"), Some("BAD_CLIENT_ID"))
    );

    let without_code = [
        ("grant_type", "authorization_code"),
        ("client_id", "slotline-sandbox-client"),
        ("client_secret", "slotline-sandbox-secret"),
        ("redirect_uri", REDIRECT_URI),
    ];
    let body = json(app.token_call("token", &without_code).await).await;
    assert_eq!(body["error"], "invalid_request");
    assert_eq!(body["message"], "missing required parameter: code");

    // Parameters in the query string instead of the body do not count.
    let url = app.url(&format!(
        "/oauth/2026-03/token?grant_type=authorization_code&code={code}"
    ));
    let response = app.http.post(url).send().await.expect("POST");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_token_response_carries_hub_id_when_configured() {
    let app = TestApp::spawn_with(SandboxConfig {
        token_response_has_hub_id: true,
        ..Default::default()
    })
    .await;
    let code = app.code_for(SCOPES).await;
    let body = json(app.exchange(&code, REDIRECT_URI).await).await;
    assert_eq!(body["hub_id"], 4_242_424);
    assert_eq!(
        body["scopes"],
        json!(["oauth", "crm.objects.contacts.read", "crm.objects.contacts.write"])
    );
}

#[tokio::test]
async fn introspection_reports_the_portal_of_a_live_token() {
    let app = TestApp::spawn().await;
    let tokens = app.connect().await;
    let form = [
        ("client_id", "slotline-sandbox-client"),
        ("client_secret", "slotline-sandbox-secret"),
        ("token", tokens.access.as_str()),
        ("token_type_hint", "access_token"),
    ];
    let body = json(app.token_call("token/introspect", &form).await).await;
    assert_eq!(body["active"], true);
    assert_eq!(body["hub_id"], 4_242_424);
    assert_eq!(body["hub_domain"], "sandbox-4242424.hubspot.test");
    assert_eq!(body["app_id"], SANDBOX_APP_ID);
    assert_eq!(body["client_id"], "slotline-sandbox-client");
    assert_eq!(body["token"], tokens.access.as_str());
    assert!(
        body["expires_in"]
            .as_i64()
            .is_some_and(|left| left > 1790 && left <= 1800)
    );
    assert!(body["scopes"].as_array().is_some_and(|s| s.len() == 3));

    app.hub.expire_access_tokens();
    let body = json(app.token_call("token/introspect", &form).await).await;
    assert_eq!(body, json!({"active": false}));
}

#[tokio::test]
async fn refreshing_gives_a_new_access_token_and_keeps_the_refresh_token() {
    let app = TestApp::spawn_with(SandboxConfig {
        access_token_ttl: Duration::from_secs(60),
        ..Default::default()
    })
    .await;
    let tokens = app.connect().await;
    let response = app.refresh(&tokens.refresh).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = json(response).await;
    assert_eq!(body["refresh_token"], tokens.refresh.as_str());
    assert_eq!(body["expires_in"], 60);
    let access = body["access_token"].as_str().expect("access token");
    assert_ne!(access, tokens.access);
    assert_eq!(app.get(access, "contacts/1").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn after_revocation_refresh_fails_with_invalid_grant() {
    let app = TestApp::spawn().await;
    let tokens = app.connect().await;
    let form = [
        ("client_id", "slotline-sandbox-client"),
        ("client_secret", "slotline-sandbox-secret"),
        ("token", tokens.refresh.as_str()),
        ("token_type_hint", "refresh_token"),
    ];
    let response = app.token_call("token/revoke", &form).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.hub.revocations(), vec![tokens.refresh.clone()]);

    let response = app.refresh(&tokens.refresh).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        json(response).await,
        json!({
            "error": "invalid_grant",
            "error_description": "refresh token is invalid, expired or revoked",
            "status": "BAD_REFRESH_TOKEN",
            "message": "refresh token is invalid, expired or revoked",
        })
    );
    let body = json(app.get(&tokens.access, "contacts/1").await).await;
    assert_hubspot_error(&body, "INVALID_AUTHENTICATION");
}

#[tokio::test]
async fn calls_without_a_known_token_get_invalid_authentication() {
    let app = TestApp::spawn().await;
    let response = app.http.get(app.crm("contacts/1")).send().await.expect("GET");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body = json(response).await;
    assert_hubspot_error(&body, "INVALID_AUTHENTICATION");
    assert_eq!(
        body["message"],
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more \
         details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
    );
    let body = json(app.get("made-up", "contacts/1").await).await;
    assert_hubspot_error(&body, "INVALID_AUTHENTICATION");
}

#[tokio::test]
async fn an_expired_token_gets_expired_authentication_until_refreshed() {
    let app = TestApp::spawn().await;
    let tokens = app.connect().await;
    app.hub.expire_access_tokens();
    let response = app.get(&tokens.access, "contacts/1").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body = json(response).await;
    assert_hubspot_error(&body, "EXPIRED_AUTHENTICATION");
    assert_eq!(
        body["message"],
        "The OAuth token used to make this call expired 1 second(s) ago."
    );

    app.hub.advance_clock(Duration::from_secs(90));
    let body = json(app.get(&tokens.access, "contacts/1").await).await;
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("expired 90 second(s) ago")),
        "{body}"
    );

    let refreshed = json(app.refresh(&tokens.refresh).await).await;
    let access = refreshed["access_token"].as_str().expect("access token");
    assert_eq!(app.get(access, "contacts/1").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_token_without_the_write_scope_cannot_write() {
    let app = TestApp::spawn().await;
    let tokens = app.connect_with("oauth crm.objects.contacts.read").await;
    let response = app
        .post(&tokens.access, "contacts", &json!({"properties": {"email": "a@b.co"}}))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_hubspot_error(&json(response).await, "MISSING_SCOPES");
}
