//! Batch read: properties with history (who wrote each value, when), its input limits, `207` for
//! ids not found, lookup by email, and the read scope.

use std::time::Duration;

use hubspot_sandbox::{SANDBOX_APP_ID, SANDBOX_USER_ID};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_hubspot_error, json, result_ids};
use crate::meetings::contact;

fn read(ids: &[&str], history: &[&str]) -> Value {
    let inputs: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
    json!({"inputs": inputs, "properties": ["email", "firstname"], "propertiesWithHistory": history})
}

#[tokio::test]
async fn history_lists_every_value_newest_first_with_its_source() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let body = json!({"properties": {"email": "jane@example.com", "firstname": "Jane"}});
    let id = json(app.post(&token, "contacts", &body).await).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.hub.advance_clock(Duration::from_secs(1));
    app.hub
        .user_update_contact(&id, &[("firstname", "Janet"), ("lifecyclestage", "lead")])
        .expect("a user edits the contact");
    app.hub.advance_clock(Duration::from_secs(1));
    let patch = json!({"properties": {"firstname": "Jan", "lifecyclestage": "lead"}});
    let patched = json(app.patch(&token, &format!("contacts/{id}"), &patch).await).await;
    app.hub.advance_clock(Duration::from_secs(1));
    // Writing a value the contact already has changes no history, but it is still a write.
    let same = json!({"properties": {"firstname": "Jan"}});
    let last_write = json(app.patch(&token, &format!("contacts/{id}"), &same).await).await;
    assert_ne!(
        last_write["properties"]["lastmodifieddate"],
        patched["properties"]["lastmodifieddate"]
    );

    let response = app
        .post(
            &token,
            "contacts/batch/read",
            &read(&[&id], &["firstname", "lifecyclestage", "phone"]),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = json(response).await;
    assert_eq!(body["status"], "COMPLETE");
    assert!(body["startedAt"].is_string() && body["completedAt"].is_string());
    let result = &body["results"][0];
    assert_eq!(result["id"], id.as_str());
    assert_eq!(result["archived"], false);
    assert_eq!(result["properties"]["firstname"], "Jan");
    assert_eq!(
        result["properties"]["lastmodifieddate"],
        last_write["properties"]["lastmodifieddate"]
    );
    assert!(result["createdAt"].is_string() && result["updatedAt"].is_string());

    let history = &result["propertiesWithHistory"];
    assert!(history.get("phone").is_none(), "never set: {history}");
    let names = history["firstname"].as_array().expect("firstname history");
    let values: Vec<&str> = names.iter().filter_map(|entry| entry["value"].as_str()).collect();
    assert_eq!(values, ["Jan", "Janet", "Jane"]);
    let sources: Vec<&str> = names.iter().filter_map(|entry| entry["sourceType"].as_str()).collect();
    assert_eq!(sources, ["INTEGRATION", "CRM_UI", "INTEGRATION"]);
    assert_eq!(names[0]["sourceId"], SANDBOX_APP_ID.to_string());
    assert_eq!(names[1]["updatedByUserId"], SANDBOX_USER_ID);
    assert!(names[1].get("sourceId").is_none());
    let times: Vec<&str> = names.iter().filter_map(|entry| entry["timestamp"].as_str()).collect();
    assert!(times[0] > times[1] && times[1] > times[2], "{times:?}");
    assert!(
        times.iter().all(|t| t.len() == 24 && t.ends_with('Z')),
        "ISO with ms: {times:?}"
    );
    assert_eq!(names[0]["timestamp"], patched["properties"]["lastmodifieddate"]);
    let stages = history["lifecyclestage"].as_array().expect("stage history");
    assert_eq!(stages.len(), 1, "the app wrote the same stage again: {stages:?}");
    assert_eq!(stages[0]["sourceType"], "CRM_UI");
}

#[tokio::test]
async fn ids_not_found_make_a_207_and_emails_work_as_ids() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let jane = contact(&app, &token, "jane@example.com").await;
    let john = contact(&app, &token, "john@example.com").await;

    let response = app
        .post(
            &token,
            "contacts/batch/read",
            &read(&[&jane, "999999", &john, "888888"], &[]),
        )
        .await;
    assert_eq!(response.status(), StatusCode::MULTI_STATUS);
    let body = json(response).await;
    let mut found = result_ids(&body);
    found.sort();
    assert_eq!(found, [jane.clone(), john.clone()]);
    assert!(body["results"][0].get("propertiesWithHistory").is_none());
    assert_eq!(body["numErrors"], 1);
    let error = &body["errors"][0];
    assert_eq!(error["status"], "error");
    assert_eq!(error["category"], "OBJECT_NOT_FOUND");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(error["context"]["ids"], json!(["999999", "888888"]));

    let by_email = json!({"inputs": [{"id": "JOHN@example.com"}], "idProperty": "email",
                          "properties": ["email"], "propertiesWithHistory": ["email"]});
    let body = json(app.post(&token, "contacts/batch/read", &by_email).await).await;
    assert_eq!(result_ids(&body), [john]);
    assert_eq!(
        body["results"][0]["propertiesWithHistory"]["email"][0]["value"],
        "john@example.com"
    );
}

#[tokio::test]
async fn at_most_100_inputs_or_50_with_history() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let id = contact(&app, &token, "jane@example.com").await;
    let ids = |n: usize| vec![id.as_str(); n];
    let status = |body: Value| {
        let app = &app;
        let token = token.clone();
        async move { app.post(&token, "contacts/batch/read", &body).await.status() }
    };
    assert_eq!(status(read(&ids(50), &["email"])).await, StatusCode::OK);
    assert_eq!(status(read(&ids(100), &[])).await, StatusCode::OK);
    for body in [read(&ids(51), &["email"]), read(&ids(101), &[]), read(&[], &[])] {
        let response = app.post(&token, "contacts/batch/read", &body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_hubspot_error(&json(response).await, "VALIDATION_ERROR");
    }
}

#[tokio::test]
async fn batch_read_needs_only_the_read_scope() {
    let app = TestApp::spawn().await;
    let writer = app.connect().await.access;
    let id = contact(&app, &writer, "jane@example.com").await;
    let reader = app.connect_with("oauth crm.objects.contacts.read").await.access;
    let response = app.post(&reader, "contacts/batch/read", &read(&[&id], &[])).await;
    assert_eq!(response.status(), StatusCode::OK);
    let archive = json!({"inputs": [{"id": id}]});
    let response = app.post(&reader, "contacts/batch/archive", &archive).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let companies = app.post(&reader, "companies/batch/read", &read(&["1"], &[])).await;
    assert_eq!(companies.status(), StatusCode::FORBIDDEN);
}
