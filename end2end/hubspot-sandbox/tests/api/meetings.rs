//! Meetings: create with a contact association, read with associations, update.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_hubspot_error, json};

pub fn meeting(contact_id: &str, external_url: &str) -> Value {
    json!({
        "properties": {
            "hs_timestamp": "2026-12-01T10:00:00Z",
            "hs_meeting_title": "Intro call",
            "hs_meeting_body": "Booked through Slotline",
            "hs_meeting_start_time": "2026-12-01T10:00:00Z",
            "hs_meeting_end_time": "2026-12-01T10:30:00Z",
            "hs_meeting_outcome": "SCHEDULED",
            "hs_meeting_location": "Zoom",
            "hs_meeting_external_url": external_url,
        },
        "associations": [{
            "to": {"id": contact_id},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 200}],
        }],
    })
}

pub async fn contact(app: &TestApp, token: &str, email: &str) -> String {
    let body = json!({"properties": {"email": email}});
    json(app.post(token, "contacts", &body).await).await["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

#[tokio::test]
async fn a_meeting_is_created_with_its_contact_and_updated() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let contact_id = contact(&app, &token, "jane@example.com").await;

    let response = app
        .post(&token, "meetings", &meeting(&contact_id, "http://slotline/b/1"))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created = json(response).await;
    let id = created["id"].as_str().expect("id").to_owned();
    assert_eq!(
        created["properties"]["hs_meeting_start_time"],
        "2026-12-01T10:00:00.000Z"
    );
    assert_eq!(created["properties"]["hs_object_id"], id.as_str());

    let read = json(
        app.get(
            &token,
            &format!("meetings/{id}?associations=contacts&properties=hs_meeting_title"),
        )
        .await,
    )
    .await;
    assert_eq!(read["properties"]["hs_meeting_title"], "Intro call");
    assert_eq!(
        read["associations"],
        json!({"contacts": {"results": [{"id": contact_id, "type": "meeting_to_contact"}]}})
    );

    let patch = json!({"properties": {"hs_meeting_outcome": "CANCELED"}});
    let response = app.patch(&token, &format!("meetings/{id}"), &patch).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json(response).await["properties"]["hs_meeting_outcome"], "CANCELED");

    let meetings = app.hub.meetings();
    assert_eq!(meetings.len(), 1);
    assert_eq!(meetings[0].contact_ids, vec![contact_id]);
    assert_eq!(meetings[0].object.property("hs_meeting_outcome"), Some("CANCELED"));
    assert_eq!(meetings[0].object.property("hs_meeting_title"), Some("Intro call"));
}

#[tokio::test]
async fn a_meeting_needs_hs_timestamp_and_an_existing_contact() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let contact_id = contact(&app, &token, "jane@example.com").await;

    let mut body = meeting(&contact_id, "http://slotline/b/1");
    body["properties"]
        .as_object_mut()
        .expect("object")
        .remove("hs_timestamp");
    let response = app.post(&token, "meetings", &body).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error = json(response).await;
    assert_hubspot_error(&error, "VALIDATION_ERROR");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("hs_timestamp")));

    let response = app
        .post(&token, "meetings", &meeting("424242", "http://slotline/b/1"))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_hubspot_error(&json(response).await, "VALIDATION_ERROR");

    let mut body = meeting(&contact_id, "http://slotline/b/1");
    body["properties"]["hs_meeting_outcome"] = json!("CANCELLED");
    assert_eq!(
        app.post(&token, "meetings", &body).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert!(app.hub.meetings().is_empty());
}

#[tokio::test]
async fn unknown_meetings_are_404() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let patch = json!({"properties": {"hs_meeting_outcome": "CANCELED"}});
    let response = app.patch(&token, "meetings/77", &patch).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_hubspot_error(&json(response).await, "OBJECT_NOT_FOUND");
}
