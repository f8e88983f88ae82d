//! Companies: create (never deduplicated), read, update, search, scopes, faults and the rate limit.

use std::time::Duration;

use hubspot_sandbox::{Fault, SandboxConfig};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{COMPANY_SCOPES, TestApp, assert_hubspot_error, created_id, json, search_by};

pub async fn company(app: &TestApp, token: &str, domain: &str, name: &str) -> String {
    let body = json!({"properties": {"domain": domain, "name": name}, "associations": []});
    created_id(app.post(token, "companies", &body).await).await
}

#[tokio::test]
async fn companies_are_created_twice_with_one_domain_read_and_updated() {
    let app = TestApp::spawn().await;
    let token = app.connect_with(COMPANY_SCOPES).await.access;
    let body = json!({"properties": {"domain": "Acme.Example", "name": "Acme", "is_public": "false"}});
    let response = app.post(&token, "companies", &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created = json(response).await;
    let id = created["id"].as_str().expect("id").to_owned();
    assert_eq!(created["properties"]["domain"], "acme.example");
    assert_eq!(created["properties"]["hs_object_id"], id.as_str());
    assert!(created["properties"]["createdate"].is_string());
    assert!(created["properties"]["hs_lastmodifieddate"].is_string());

    // HubSpot does not deduplicate companies created through the API, so neither does the sandbox.
    let again = created_id(app.post(&token, "companies", &body).await).await;
    assert_ne!(again, id);
    assert_eq!(app.hub.companies().len(), 2);

    let read = json(app.get(&token, &format!("companies/{id}")).await).await;
    assert_eq!(read["properties"]["name"], "Acme");
    assert!(
        read["properties"].get("is_public").is_none(),
        "not a default property: {read}"
    );
    let read = json(
        app.get(&token, &format!("companies/{id}?properties=industry,is_public"))
            .await,
    )
    .await;
    assert_eq!(read["properties"]["industry"], serde_json::Value::Null);
    assert_eq!(read["properties"]["is_public"], "false");

    let patch = json!({"properties": {"industry": "COMPUTER_SOFTWARE", "numberofemployees": "12"}});
    let response = app.patch(&token, &format!("companies/{id}"), &patch).await;
    assert_eq!(response.status(), StatusCode::OK);
    let company = &app.hub.companies()[0];
    assert_eq!(company.property("industry"), Some("COMPUTER_SOFTWARE"));
    assert_eq!(company.property("numberofemployees"), Some("12"));

    let response = app.patch(&token, "companies/424242", &patch).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_hubspot_error(&json(response).await, "OBJECT_NOT_FOUND");
}

#[tokio::test]
async fn a_company_needs_a_domain_or_a_name_and_typed_values() {
    let app = TestApp::spawn().await;
    let token = app.connect_with(COMPANY_SCOPES).await.access;
    let response = app
        .post(&token, "companies", &json!({"properties": {"city": "Paris"}}))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_hubspot_error(&json(response).await, "VALIDATION_ERROR");

    let body = json!({"properties": {"name": "Acme", "annualrevenue": "lots", "industry": "Software"}});
    let response = app.post(&token, "companies", &body).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let message = json(response).await["message"].as_str().unwrap_or_default().to_owned();
    assert!(
        message.starts_with("Property values were not valid: [{\"isValid\":false"),
        "{message}"
    );
    assert!(
        message.contains("INVALID_NUMBER") && message.contains("INVALID_OPTION"),
        "{message}"
    );
    assert!(app.hub.companies().is_empty());

    let read_only = json!({"properties": {"name": "Acme", "num_associated_contacts": "3"}});
    assert_eq!(
        app.post(&token, "companies", &read_only).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn companies_are_found_by_domain_once_the_search_lag_has_passed() {
    let app = TestApp::spawn_with(SandboxConfig {
        search_lag: Duration::from_secs(5),
        ..Default::default()
    })
    .await;
    let token = app.connect_with(COMPANY_SCOPES).await.access;
    let id = company(&app, &token, "acme.example", "Acme").await;
    company(&app, &token, "other.example", "Other").await;

    let mut search = search_by("domain", "ACME.example");
    search["properties"] = json!(["domain", "name"]);
    let body = json(app.post(&token, "companies/search", &search).await).await;
    assert_eq!(body["total"], 0, "just written, not indexed yet: {body}");

    app.hub.advance_clock(Duration::from_secs(6));
    let body = json(app.post(&token, "companies/search", &search).await).await;
    assert_eq!(body["total"], 1);
    assert_eq!(body["results"][0]["id"], id.as_str());
    assert_eq!(body["results"][0]["properties"]["name"], "Acme");
    let by_name = json(app.post(&token, "companies/search", &search_by("name", "other")).await).await;
    assert_eq!(by_name["total"], 1);
}

#[tokio::test]
async fn company_calls_need_the_company_scopes() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let body = json!({"properties": {"domain": "acme.example"}});
    let response = app.post(&token, "companies", &body).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let error = json(response).await;
    assert_hubspot_error(&error, "MISSING_SCOPES");
    assert_eq!(
        error["errors"][0]["context"]["requiredGranularScopes"],
        json!(["crm.objects.companies.write"])
    );
    let search = app
        .post(&token, "companies/search", &search_by("domain", "acme.example"))
        .await;
    assert_eq!(search.status(), StatusCode::FORBIDDEN);
    let error = json(app.get(&token, "companies/1").await).await;
    assert_eq!(
        error["errors"][0]["context"]["requiredGranularScopes"],
        json!(["crm.objects.companies.read"])
    );
    assert!(app.hub.companies().is_empty());
}

#[tokio::test]
async fn faults_and_the_rate_limit_apply_to_companies() {
    let app = TestApp::spawn_with(SandboxConfig {
        rate_limit: Some((2, Duration::from_secs(10))),
        ..Default::default()
    })
    .await;
    let token = app.connect_with(COMPANY_SCOPES).await.access;
    app.hub.push_faults([Fault::ServerErrorAfterWrite]);
    let body = json!({"properties": {"domain": "acme.example"}});
    let response = app.post(&token, "companies", &body).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        app.hub.companies().len(),
        1,
        "the write happened; only the answer was lost"
    );

    assert_eq!(app.post(&token, "companies", &body).await.status(), StatusCode::CREATED);
    let response = app.post(&token, "companies", &body).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.hub.companies().len(), 2);
    assert_eq!(app.hub.rate_limited_count(), 1);
}

#[tokio::test]
async fn unknown_object_types_are_refused() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let response = app.post(&token, "deals", &json!({"properties": {}})).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_hubspot_error(&json(response).await, "VALIDATION_ERROR");
}
