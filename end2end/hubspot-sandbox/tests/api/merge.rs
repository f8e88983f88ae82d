//! Contact merge: a new record with a new id, old ids read as the new record, values, merged ids,
//! associations, search and errors.

use std::time::Duration;

use hubspot_sandbox::{SandboxConfig, UserActionError};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::companies::company;
use crate::helpers::{COMPANY_SCOPES, TestApp, assert_hubspot_error, json, range_search, result_ids, search_by};
use crate::meetings::meeting;

async fn create(app: &TestApp, token: &str, properties: Value) -> String {
    let response = app.post(token, "contacts", &json!({"properties": properties})).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    json(response).await["id"].as_str().expect("id").to_owned()
}

fn merge_body(primary: &str, other: &str) -> Value {
    json!({"primaryObjectId": primary, "objectIdToMerge": other})
}

#[tokio::test]
async fn a_merge_makes_a_new_record_that_both_old_ids_read_as() {
    let app = TestApp::spawn().await;
    let token = app.connect_with(COMPANY_SCOPES).await.access;
    let ann = create(&app, &token, json!({"email": "ann@example.com", "firstname": "Ann"})).await;
    let bee = create(
        &app,
        &token,
        json!({"email": "bee@example.com", "firstname": "Bee", "lastname": "Keeper", "phone": "+1 555 0100"}),
    )
    .await;
    let acme = company(&app, &token, "acme.example", "Acme").await;
    let path = format!("/crm/objects/2026-03/contacts/{ann}/associations/default/companies/{acme}");
    assert_eq!(
        app.call(Method::PUT, &token, &path, None).await.status(),
        StatusCode::OK
    );
    app.post(&token, "meetings", &meeting(&bee, "http://slotline/b/1"))
        .await;

    let response = app.post(&token, "contacts/merge", &merge_body(&ann, &bee)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let merged = json(response).await;
    let new_id = merged["id"].as_str().expect("id").to_owned();
    assert!(new_id != ann && new_id != bee);
    let properties = &merged["properties"];
    assert_eq!(properties["email"], "ann@example.com");
    assert_eq!(properties["firstname"], "Ann", "the primary's values win");
    assert_eq!(properties["lastname"], "Keeper", "the other's fill blanks");
    assert_eq!(properties["phone"], "+1 555 0100");
    assert_eq!(properties["hs_object_id"], new_id.as_str());
    assert_eq!(properties["hs_merged_object_ids"], format!("{ann};{bee}"));

    for old in [&ann, &bee] {
        let response = app
            .get(&token, &format!("contacts/{old}?properties=hs_merged_object_ids"))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let read = json(response).await;
        assert_eq!(read["id"], new_id.as_str());
        assert_eq!(read["properties"]["hs_merged_object_ids"], format!("{ann};{bee}"));
    }
    let batch = json!({"inputs": [{"id": ann}, {"id": bee}], "properties": [], "propertiesWithHistory": []});
    let read = json(app.post(&token, "contacts/batch/read", &batch).await).await;
    assert_eq!(result_ids(&read), std::slice::from_ref(&new_id));

    let linked = json(
        app.get(&token, &format!("contacts/{new_id}?associations=companies,meetings"))
            .await,
    )
    .await;
    assert_eq!(linked["associations"]["companies"]["results"][0]["id"], acme.as_str());
    assert_eq!(
        linked["associations"]["meetings"]["results"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(app.hub.companies_of_contact(&new_id), [acme]);
    assert_eq!(app.hub.meetings()[0].contact_ids, std::slice::from_ref(&new_id));

    let contacts = app.hub.contacts();
    assert_eq!(contacts.len(), 1, "old ids leave listings");
    assert_eq!(contacts[0].id, new_id);
    assert_eq!(app.hub.contact(&bee).map(|c| c.id), Some(new_id.clone()));
    let all = range_search(
        json!({"propertyName": "hs_object_id", "operator": "GTE", "value": "0"}),
        "hs_object_id",
        10,
        "0",
    );
    assert_eq!(result_ids(&app.search(&token, "contacts", &all).await), [new_id]);
    // Search no longer finds the merged-away record by its email.
    let found = app
        .search(&token, "contacts", &search_by("email", "bee@example.com"))
        .await;
    assert_eq!(found["total"], 0);
}

#[tokio::test]
async fn search_sees_a_merge_only_after_the_lag() {
    let app = TestApp::spawn_with(SandboxConfig {
        search_lag: Duration::from_secs(5),
        ..Default::default()
    })
    .await;
    let token = app.connect().await.access;
    let ann = create(&app, &token, json!({"email": "ann@example.com"})).await;
    let bee = create(&app, &token, json!({"email": "bee@example.com"})).await;
    app.hub.advance_clock(Duration::from_secs(6));
    let merged = json(app.post(&token, "contacts/merge", &merge_body(&ann, &bee)).await).await;

    let all = range_search(
        json!({"propertyName": "hs_object_id", "operator": "GT", "value": "0"}),
        "hs_object_id",
        10,
        "0",
    );
    let before = app.search(&token, "contacts", &all).await;
    assert_eq!(result_ids(&before), [ann, bee], "the index still has the old records");
    app.hub.advance_clock(Duration::from_secs(6));
    let after = app.search(&token, "contacts", &all).await;
    assert_eq!(result_ids(&after), [merged["id"].as_str().expect("id").to_owned()]);
}

#[tokio::test]
async fn merging_needs_two_different_known_contacts() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let ann = create(&app, &token, json!({"email": "ann@example.com"})).await;
    let bee = create(&app, &token, json!({"email": "bee@example.com"})).await;

    let response = app.post(&token, "contacts/merge", &merge_body(&ann, &ann)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_hubspot_error(&json(response).await, "VALIDATION_ERROR");
    let response = app.post(&token, "contacts/merge", &merge_body(&ann, "999999")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = app.post(&token, "companies/merge", &merge_body(&ann, &bee)).await;
    assert_eq!(
        response.status(),
        StatusCode::FORBIDDEN,
        "companies need their own scope"
    );

    // A user merges through the sandbox; merging an old id again is merging the record it became.
    let merged = app.hub.user_merge_contacts(&bee, &ann).expect("user merge");
    assert_eq!(merged.property("email"), Some("bee@example.com"));
    assert!(matches!(
        app.hub.user_merge_contacts(&ann, &bee),
        Err(UserActionError::Invalid(_))
    ));
    let response = app.control("contacts/merge", &merge_body(&merged.id, "999999")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
