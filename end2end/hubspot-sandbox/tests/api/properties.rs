//! The properties endpoint, and typed values on contact writes.

use hubspot_sandbox::SandboxConfig;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{COMPANY_SCOPES, TestApp, assert_hubspot_error, json};

async fn properties(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    let path = format!("/crm/properties/2026-03/{path}");
    app.call(Method::GET, token, &path, None).await
}

fn named<'a>(list: &'a Value, name: &str) -> &'a Value {
    list["results"]
        .as_array()
        .and_then(|results| results.iter().find(|property| property["name"] == name))
        .unwrap_or(&Value::Null)
}

#[tokio::test]
async fn contact_properties_are_listed_with_types_options_and_access() {
    let app = TestApp::spawn_with(SandboxConfig {
        extra_contact_properties: vec!["slotline_source".to_owned()],
        ..Default::default()
    })
    .await;
    let token = app.connect().await.access;
    let response = properties(&app, &token, "contacts").await;
    assert_eq!(response.status(), StatusCode::OK);
    let list = json(response).await;
    assert!(list.get("paging").is_none());

    let email = named(&list, "email");
    assert_eq!(email["type"], "string");
    assert_eq!(email["fieldType"], "text");
    assert_eq!(email["groupName"], "contactinformation");
    assert_eq!(
        email["modificationMetadata"],
        json!({"archivable": false, "readOnlyDefinition": true, "readOnlyValue": false})
    );
    assert_eq!(named(&list, "phone")["type"], "phone_number");
    assert_eq!(named(&list, "date_of_birth")["type"], "date");
    assert_eq!(named(&list, "hs_buying_role")["fieldType"], "checkbox");
    let stages = named(&list, "lifecyclestage")["options"].as_array().map(Vec::len);
    assert_eq!(stages, Some(8));
    let employees = &named(&list, "numemployees")["options"][6];
    assert_eq!(
        (&employees["value"], &employees["label"]),
        (&json!("1000+"), &json!("1000+"))
    );
    assert_eq!(
        named(&list, "createdate")["modificationMetadata"]["readOnlyValue"],
        true
    );
    let deals = named(&list, "num_associated_deals");
    assert_eq!(
        (&deals["calculated"], &deals["fieldType"]),
        (&json!(true), &json!("calculation_equation"))
    );
    assert_eq!(
        named(&list, "slotline_source")["modificationMetadata"]["readOnlyDefinition"],
        false
    );

    let one = json(properties(&app, &token, "contacts/hs_lead_status").await).await;
    assert_eq!(one["options"][2]["label"], "In Progress");
    let response = properties(&app, &token, "contacts/nope").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_hubspot_error(&json(response).await, "OBJECT_NOT_FOUND");
}

#[tokio::test]
async fn company_properties_need_the_company_read_scope() {
    let app = TestApp::spawn().await;
    let contacts_only = app.connect().await.access;
    let response = properties(&app, &contacts_only, "companies").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_hubspot_error(&json(response).await, "MISSING_SCOPES");

    let token = app.connect_with(COMPANY_SCOPES).await.access;
    let list = json(properties(&app, &token, "companies").await).await;
    let public = named(&list, "is_public");
    assert_eq!(
        (&public["type"], &public["fieldType"]),
        (&json!("bool"), &json!("booleancheckbox"))
    );
    assert_eq!(named(&list, "phone")["fieldType"], "phonenumber");
    assert_eq!(named(&list, "industry")["options"][0]["value"], "ACCOUNTING");
    assert_eq!(
        named(&list, "hs_lastmodifieddate")["modificationMetadata"]["readOnlyValue"],
        true
    );
}

#[tokio::test]
async fn contact_writes_are_checked_by_type() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let body = json!({"properties": {
        "email": "jane@example.com",
        "date_of_birth": "638928000000",
        "hs_buying_role": "CHAMPION;END_USER",
        "hs_lead_status": "IN_PROGRESS",
    }});
    let response = app.post(&token, "contacts", &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let contact = json(response).await;
    assert_eq!(contact["properties"]["date_of_birth"], "1990-04-01");

    let id = contact["id"].as_str().expect("id");
    let patch = json!({"properties": {"date_of_birth": "638928000001"}});
    let response = app.patch(&token, &format!("contacts/{id}"), &patch).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let message = json(response).await["message"].as_str().unwrap_or_default().to_owned();
    assert!(
        message.contains(r#"not midnight!","error":"INVALID_DATE","name":"date_of_birth"}]"#),
        "{message}"
    );

    let upsert =
        json!({"inputs": [{"idProperty": "email", "id": "john@example.com", "properties": {"numemployees": "10"}}]});
    let response = app.post(&token, "contacts/batch/upsert", &upsert).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.hub.contacts().len(), 1);
}

#[tokio::test]
async fn lifecycle_stage_is_an_enumeration_of_hubspots_default_stages() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let stage = json(properties(&app, &token, "contacts/lifecyclestage").await).await;
    assert_eq!(stage["type"], "enumeration");
    let options: Vec<(&str, &str)> = stage["options"]
        .as_array()
        .expect("options")
        .iter()
        .filter_map(|option| Some((option["value"].as_str()?, option["label"].as_str()?)))
        .collect();
    assert_eq!(
        options,
        [
            ("subscriber", "Subscriber"),
            ("lead", "Lead"),
            ("marketingqualifiedlead", "Marketing Qualified Lead"),
            ("salesqualifiedlead", "Sales Qualified Lead"),
            ("opportunity", "Opportunity"),
            ("customer", "Customer"),
            ("evangelist", "Evangelist"),
            ("other", "Other"),
        ]
    );
    let merged = json(properties(&app, &token, "contacts/hs_merged_object_ids").await).await;
    assert_eq!(merged["modificationMetadata"]["readOnlyValue"], true);
}
