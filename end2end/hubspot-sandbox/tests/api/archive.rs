//! Archive (`DELETE` and `batch/archive`) and restore: archived objects leave reads, search and
//! batch reads until a user restores them.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::companies::company;
use crate::helpers::{COMPANY_SCOPES, TestApp, json, result_ids, search_by};
use crate::meetings::contact;

#[tokio::test]
async fn archived_contacts_vanish_until_restored() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let jane = contact(&app, &token, "jane@example.com").await;
    let before = app.hub.contacts()[0].property("lastmodifieddate").map(str::to_owned);

    assert_eq!(
        app.delete(&token, &format!("contacts/{jane}")).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&token, &format!("contacts/{jane}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let found = app
        .search(&token, "contacts", &search_by("email", "jane@example.com"))
        .await;
    assert_eq!(found["total"], 0);
    let read = json!({"inputs": [{"id": jane}], "properties": [], "propertiesWithHistory": []});
    let response = app.post(&token, "contacts/batch/read", &read).await;
    assert_eq!(response.status(), StatusCode::MULTI_STATUS);
    assert_eq!(json(response).await["errors"][0]["context"]["ids"], json!([jane]));
    assert!(app.hub.contacts().is_empty());
    assert_eq!(app.hub.archived_contacts()[0].id, jane);
    assert!(app.hub.archived_contacts()[0].archived);
    let state = app.state().await;
    assert_eq!(state["archivedContacts"][0]["archived"], true);
    assert_eq!(state["contacts"], json!([]));

    // Archiving again is still a 204; an id that never existed is not.
    assert_eq!(
        app.delete(&token, &format!("contacts/{jane}")).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete(&token, "contacts/999999").await.status(),
        StatusCode::NOT_FOUND
    );

    app.hub.advance_clock(Duration::from_secs(1));
    let response = app.control(&format!("contacts/{jane}/restore"), &json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let restored = json(response).await;
    assert_eq!(restored["archived"], false);
    assert_ne!(
        restored["properties"]["lastmodifieddate"].as_str(),
        before.as_deref(),
        "a restore is a change an incremental pull must see"
    );
    assert_eq!(
        app.get(&token, &format!("contacts/{jane}")).await.status(),
        StatusCode::OK
    );
    assert!(app.hub.archived_contacts().is_empty());
}

#[tokio::test]
async fn batch_archive_skips_unknown_ids_and_companies_archive_too() {
    let app = TestApp::spawn().await;
    let token = app.connect_with(COMPANY_SCOPES).await.access;
    let jane = contact(&app, &token, "jane@example.com").await;
    let john = contact(&app, &token, "john@example.com").await;
    let keep = contact(&app, &token, "keep@example.com").await;
    let archive = json!({"inputs": [{"id": jane}, {"id": "999999"}, {"id": john}]});
    let response = app.post(&token, "contacts/batch/archive", &archive).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let ids: Vec<String> = app.hub.contacts().into_iter().map(|c| c.id).collect();
    assert_eq!(ids, [keep]);
    let too_many: Vec<_> = (0..101).map(|i| json!({"id": i.to_string()})).collect();
    let response = app
        .post(&token, "contacts/batch/archive", &json!({"inputs": too_many}))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let acme = company(&app, &token, "acme.example", "Acme").await;
    assert_eq!(
        app.delete(&token, &format!("companies/{acme}")).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&token, &format!("companies/{acme}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(app.hub.companies().is_empty());
    assert_eq!(app.hub.archived_companies().len(), 1);
    let found = app
        .search(&token, "companies", &search_by("domain", "acme.example"))
        .await;
    assert_eq!(result_ids(&found), Vec::<String>::new());
}

#[tokio::test]
async fn a_contact_whose_email_was_taken_cannot_come_back() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let jane = contact(&app, &token, "jane@example.com").await;
    app.delete(&token, &format!("contacts/{jane}")).await;
    // An archived contact's email is free: the app may create a new contact with it.
    let again = contact(&app, &token, "jane@example.com").await;
    assert_ne!(again, jane);
    let response = app.control(&format!("contacts/{jane}/restore"), &json!({})).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let response = app.control("contacts/999999/restore", &json!({})).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
