//! Contacts: batch upsert (both batch error modes), create, read, update and property validation.

use hubspot_sandbox::{BatchErrors, SandboxConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_hubspot_error, json};

fn upsert(inputs: &[(&str, Value)]) -> Value {
    let inputs: Vec<Value> = inputs
        .iter()
        .map(|(email, properties)| json!({"idProperty": "email", "id": email, "properties": properties}))
        .collect();
    json!({"inputs": inputs})
}

#[tokio::test]
async fn batch_upsert_creates_then_updates_by_email_ignoring_case() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let body = upsert(&[
        ("Jane@Example.com", json!({"firstname": "Jane", "lastname": "Doe"})),
        ("john@example.com", json!({"firstname": "John"})),
    ]);
    let response = app.post(&token, "contacts/batch/upsert", &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let created = json(response).await;
    assert_eq!(created["status"], "COMPLETE");
    assert!(created["startedAt"].is_string() && created["completedAt"].is_string());
    let results = created["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r["new"] == true && r["archived"] == false));
    let jane = results
        .iter()
        .find(|r| r["properties"]["email"] == "jane@example.com")
        .expect("jane");
    let jane_id = jane["id"].as_str().expect("id").to_owned();
    assert!(jane_id.parse::<u64>().is_ok());
    assert_eq!(jane["properties"]["hs_object_id"], jane_id.as_str());
    assert!(jane["properties"]["createdate"].is_string() && jane["createdAt"].is_string());

    let body = upsert(&[(
        "JANE@example.COM",
        json!({"phone": "+44 20 7946 0000", "firstname": "Janet"}),
    )]);
    let updated = json(app.post(&token, "contacts/batch/upsert", &body).await).await;
    let result = &updated["results"][0];
    assert_eq!(result["new"], false);
    assert_eq!(result["id"], jane_id.as_str());
    assert_eq!(result["properties"]["firstname"], "Janet");
    assert_eq!(result["properties"]["lastname"], "Doe");

    let contacts = app.hub.contacts();
    assert_eq!(contacts.len(), 2);
    assert_eq!(contacts[0].property("phone"), Some("+44 20 7946 0000"));
}

#[tokio::test]
async fn batch_upsert_refuses_empty_oversized_and_non_email_batches() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let response = app.post(&token, "contacts/batch/upsert", &json!({"inputs": []})).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_hubspot_error(&json(response).await, "VALIDATION_ERROR");

    let many: Vec<(String, Value)> = (0..101).map(|i| (format!("p{i}@example.com"), json!({}))).collect();
    let many: Vec<(&str, Value)> = many.iter().map(|(e, p)| (e.as_str(), p.clone())).collect();
    let response = app.post(&token, "contacts/batch/upsert", &upsert(&many)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let by_id = json!({"inputs": [{"idProperty": "hs_object_id", "id": "1", "properties": {}}]});
    assert_eq!(
        app.post(&token, "contacts/batch/upsert", &by_id).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert!(app.hub.contacts().is_empty());
}

#[tokio::test]
async fn creating_a_contact_twice_with_one_email_is_a_conflict() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let body = json!({"properties": {"email": "jane@example.com", "firstname": "Jane"}, "associations": []});
    let response = app.post(&token, "contacts", &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let id = json(response).await["id"].as_str().expect("id").to_owned();

    let again = json!({"properties": {"email": "JANE@example.com"}, "associations": []});
    let response = app.post(&token, "contacts", &again).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let body = json(response).await;
    assert_hubspot_error(&body, "CONFLICT");
    assert_eq!(body["message"], format!("Contact already exists. Existing ID: {id}"));
}

#[tokio::test]
async fn unknown_properties_are_refused_with_hubspots_message() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let body = json!({"properties": {"email": "jane@example.com", "foo": "bar"}});
    let response = app.post(&token, "contacts", &body).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = json(response).await;
    assert_hubspot_error(&body, "VALIDATION_ERROR");
    assert_eq!(
        body["message"],
        r#"Property values were not valid: [{"isValid":false,"message":"Property \"foo\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"foo"}]"#
    );
    assert!(app.hub.contacts().is_empty());

    let numbers = json!({"properties": {"email": "jane@example.com", "phone": 123}});
    assert_eq!(
        app.post(&token, "contacts", &numbers).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn registered_custom_properties_are_accepted() {
    let config = SandboxConfig {
        extra_contact_properties: vec!["slotline_source".to_owned()],
        ..Default::default()
    };
    let app = TestApp::spawn_with(config).await;
    let token = app.connect().await.access;
    let body = json!({"properties": {"email": "jane@example.com", "slotline_source": "booking"}});
    assert_eq!(app.post(&token, "contacts", &body).await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn contacts_are_read_and_updated_by_id_or_email() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let body = json!({"properties": {"email": "jane@example.com", "firstname": "Jane", "phone": "1"}});
    let id = json(app.post(&token, "contacts", &body).await).await["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let read = json(app.get(&token, &format!("contacts/{id}")).await).await;
    assert_eq!(read["properties"]["email"], "jane@example.com");
    assert!(
        read["properties"].get("phone").is_none(),
        "phone is not a default property: {read}"
    );
    let read = json(
        app.get(
            &token,
            "contacts/JANE@example.com?idProperty=email&properties=phone,jobtitle",
        )
        .await,
    )
    .await;
    assert_eq!(read["id"], id.as_str());
    assert_eq!(read["properties"]["phone"], "1");
    assert_eq!(read["properties"]["jobtitle"], Value::Null);

    let patch = json!({"properties": {"lastname": "Doe", "phone": ""}});
    let response = app
        .patch(&token, "contacts/jane@example.com?idProperty=email", &patch)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let patched = json(response).await;
    assert_eq!(patched["properties"]["lastname"], "Doe");
    assert!(patched["properties"].get("phone").is_none());
    assert_eq!(app.hub.contacts()[0].property("lastname"), Some("Doe"));
}

#[tokio::test]
async fn unknown_contacts_are_404() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let response = app.get(&token, "contacts/999999").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body = json(response).await;
    assert_hubspot_error(&body, "OBJECT_NOT_FOUND");
    assert_eq!(body["message"], "resource not found");
    let patch = json!({"properties": {"firstname": "X"}});
    let response = app
        .patch(&token, "contacts/nobody@example.com?idProperty=email", &patch)
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bodies_must_be_json() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let response = app
        .http
        .post(app.crm("contacts"))
        .bearer_auth(&token)
        .body("{}")
        .send()
        .await
        .expect("POST without type");
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let response = app
        .http
        .post(app.crm("contacts"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_hubspot_error(&json(response).await, "VALIDATION_ERROR");
}

#[tokio::test]
async fn in_the_default_mode_one_bad_input_fails_the_whole_upsert() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let body = upsert(&[
        ("jane@example.com", json!({"firstname": "Jane"})),
        ("john@example.com", json!({"lifecyclestage": "friend"})),
    ]);
    let response = app.post(&token, "contacts/batch/upsert", &body).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error = json(response).await;
    assert_hubspot_error(&error, "VALIDATION_ERROR");
    assert!(
        error["message"].as_str().is_some_and(|m| m.contains("INVALID_OPTION")),
        "{error}"
    );
    assert!(app.hub.contacts().is_empty());
    assert_eq!(app.state().await["batchErrors"], "400");
}

#[tokio::test]
async fn in_207_mode_good_inputs_are_upserted_and_bad_ones_reported() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let response = app.control("batch-errors", &json!({"mode": "207"})).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.state().await["batchErrors"], "207");

    let body = upsert(&[
        ("jane@example.com", json!({"firstname": "Jane"})),
        ("john@example.com", json!({"lifecyclestage": "friend"})),
        ("not-an-email", json!({})),
    ]);
    let response = app.post(&token, "contacts/batch/upsert", &body).await;
    assert_eq!(response.status(), StatusCode::MULTI_STATUS);
    let answer = json(response).await;
    assert_eq!(answer["status"], "COMPLETE");
    assert_eq!(answer["numErrors"], 2);
    assert_eq!(answer["results"].as_array().map(Vec::len), Some(1));
    assert_eq!(answer["results"][0]["properties"]["email"], "jane@example.com");
    let error = &answer["errors"][0];
    assert_eq!(error["status"], "error");
    assert_eq!(error["category"], "VALIDATION_ERROR");
    assert_eq!(error["context"], json!({"ids": ["john@example.com"]}));
    assert_eq!(
        error["message"],
        r#"Property values were not valid: [{"isValid":false,"message":"friend was not one of the allowed options: [subscriber, lead, marketingqualifiedlead, salesqualifiedlead, opportunity, customer, evangelist, other]","error":"INVALID_OPTION","name":"lifecyclestage"}]"#
    );
    assert_eq!(answer["errors"][1]["context"], json!({"ids": ["not-an-email"]}));
    let contacts = app.hub.contacts();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].property("firstname"), Some("Jane"));

    // Problems with the batch as a whole are still a 400.
    let twice = upsert(&[("a@example.com", json!({})), ("A@example.com", json!({}))]);
    let response = app.post(&token, "contacts/batch/upsert", &twice).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    app.hub.set_batch_errors(BatchErrors::Whole400);
    let response = app.post(&token, "contacts/batch/upsert", &body).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let bad = app.control("batch-errors", &json!({"mode": "partial"})).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_batch_error_mode_can_be_configured() {
    let app = TestApp::spawn_with(SandboxConfig {
        batch_errors: BatchErrors::MultiStatus207,
        ..Default::default()
    })
    .await;
    let token = app.connect().await.access;
    let body = upsert(&[("jane@example.com", json!({"foo": "bar"}))]);
    let response = app.post(&token, "contacts/batch/upsert", &body).await;
    assert_eq!(response.status(), StatusCode::MULTI_STATUS);
    assert_eq!(json(response).await["results"], json!([]));

    // A reset keeps the configured mode.
    app.hub.set_batch_errors(BatchErrors::Whole400);
    app.hub.reset();
    assert_eq!(app.state().await["batchErrors"], "207");
}
