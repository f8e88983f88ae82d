//! The control endpoints acting as a HubSpot user: create, edit, archive, restore, merge and seed
//! contacts, checked like the API's writes and recorded as `CRM_UI`.

use hubspot_sandbox::{SANDBOX_USER_ID, UserActionError};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, assert_hubspot_error, json};

#[tokio::test]
async fn a_user_creates_edits_archives_restores_and_merges_contacts() {
    let app = TestApp::spawn().await;
    let response = app
        .control(
            "contacts",
            &json!({"properties": {"email": "Jane@Example.com", "lifecyclestage": "lead"}}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let jane = json(response).await;
    let id = jane["id"].as_str().expect("id").to_owned();
    assert_eq!(jane["properties"]["email"], "jane@example.com");
    assert!(jane["properties"]["lastmodifieddate"].is_string());

    let patch = json!({"properties": {"lifecyclestage": "customer", "phone": "+44 20 7946 0000"}});
    let response = app
        .control_call(Method::PATCH, &format!("contacts/{id}"), Some(&patch))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json(response).await["properties"]["lifecyclestage"], "customer");

    let token = app.connect().await.access;
    let read = json!({"inputs": [{"id": id}], "properties": [], "propertiesWithHistory": ["lifecyclestage"]});
    let body = json(app.post(&token, "contacts/batch/read", &read).await).await;
    let history = &body["results"][0]["propertiesWithHistory"]["lifecyclestage"];
    assert_eq!(history[0]["value"], "customer");
    assert_eq!(history[0]["sourceType"], "CRM_UI");
    assert_eq!(history[0]["updatedByUserId"], SANDBOX_USER_ID);
    assert_eq!(history[1]["value"], "lead");

    let response = app.control_call(Method::DELETE, &format!("contacts/{id}"), None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&token, &format!("contacts/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let response = app.control(&format!("contacts/{id}/restore"), &json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);

    let john = app
        .hub
        .user_create_contact(&[("email", "john@example.com")])
        .expect("john");
    let response = app
        .control(
            "contacts/merge",
            &json!({"primaryObjectId": id, "objectIdToMerge": john.id}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let merged = json(response).await;
    let merged_ids = format!("{id};{}", john.id);
    assert_eq!(merged["properties"]["hs_merged_object_ids"], merged_ids.as_str());
    assert_eq!(app.hub.contacts().len(), 1);

    let html = app
        .http
        .get(app.url("/"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("text");
    assert_eq!(html.matches(r#"data-testid="contact-row""#).count(), 1);
    assert!(html.contains("<td>customer</td>"), "{html}");
    assert!(html.contains(&format!("<td>{merged_ids}</td>")), "{html}");
    let modified = merged["properties"]["lastmodifieddate"].as_str().expect("date");
    assert!(html.contains(&format!("<td>{modified}</td>")), "{html}");
}

#[tokio::test]
async fn user_writes_are_checked_like_the_apis() {
    let app = TestApp::spawn().await;
    let bad = app
        .control(
            "contacts",
            &json!({"properties": {"email": "jane@example.com", "lifecyclestage": "Customer"}}),
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_hubspot_error(&json(bad).await, "VALIDATION_ERROR");

    app.hub
        .user_create_contact(&[("email", "jane@example.com")])
        .expect("jane");
    assert!(matches!(
        app.hub.user_create_contact(&[("email", "JANE@example.com")]),
        Err(UserActionError::Conflict(_))
    ));
    assert!(matches!(
        app.hub.user_update_contact("999999", &[("firstname", "X")]),
        Err(UserActionError::NotFound(_))
    ));
    assert!(matches!(
        app.hub.user_create_contact(&[("createdate", "2026-01-01T00:00:00Z")]),
        Err(UserActionError::Invalid(_))
    ));
    let response = app.control_call(Method::DELETE, "contacts/999999", None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = app.control("contacts/seed", &json!({"count": 0})).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn seeded_contacts_are_numbered_and_carry_the_given_properties() {
    let app = TestApp::spawn().await;
    let ids = app
        .hub
        .seed_contacts(10_000, "bulk", &[("lifecyclestage", "subscriber")])
        .expect("seed");
    assert_eq!(ids.len(), 10_000);
    let contacts = app.hub.contacts();
    assert_eq!(contacts.len(), 10_000);
    assert_eq!(contacts[0].property("email"), Some("bulk-00001@example.com"));
    assert_eq!(contacts[9_999].property("email"), Some("bulk-10000@example.com"));
    assert!(
        contacts
            .iter()
            .all(|c| c.property("lifecyclestage") == Some("subscriber"))
    );
    assert!(
        contacts
            .iter()
            .all(|c| c.property("firstname").is_some() && c.property("lastname").is_some())
    );

    // The page lists a bounded number of them.
    let html = app
        .http
        .get(app.url("/"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("text");
    assert_eq!(html.matches(r#"data-testid="contact-row""#).count(), 500);
    assert!(html.contains("Contacts (10000, the first 500 shown)"));
}
