//! Associations: default associations, batch create with primary companies, partial failures and
//! scopes.

use hubspot_sandbox::SandboxAssociation;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::companies::company;
use crate::helpers::{COMPANY_SCOPES, TestApp, assert_hubspot_error, json};
use crate::meetings::contact;

const BATCH_CREATE: &str = "/crm/associations/2026-03/contacts/companies/batch/create";

fn default_path(contact_id: &str, company_id: &str) -> String {
    format!("/crm/objects/2026-03/contacts/{contact_id}/associations/default/companies/{company_id}")
}

fn inputs(pairs: &[(&str, &str, u32)]) -> Value {
    let inputs: Vec<Value> = pairs
        .iter()
        .map(|(from, to, type_id)| {
            json!({"from": {"id": from}, "to": {"id": to},
                   "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}]})
        })
        .collect();
    json!({"inputs": inputs})
}

#[tokio::test]
async fn a_default_association_links_contact_and_company_both_ways_once() {
    let app = TestApp::spawn().await;
    let token = app.connect_with(COMPANY_SCOPES).await.access;
    let jane = contact(&app, &token, "jane@example.com").await;
    let acme = company(&app, &token, "acme.example", "Acme").await;

    for _ in 0..2 {
        let response = app.call(Method::PUT, &token, &default_path(&jane, &acme), None).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = json(response).await;
        assert_eq!(body["status"], "COMPLETE");
        assert!(body["startedAt"].is_string() && body["completedAt"].is_string());
        let spec = |from: &str, to: &str, type_id: u32| {
            json!({"from": {"id": from}, "to": {"id": to},
                   "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}})
        };
        assert_eq!(
            body["results"],
            json!([spec(&jane, &acme, 279), spec(&acme, &jane, 280)])
        );
    }
    assert_eq!(
        app.hub.associations(),
        vec![SandboxAssociation {
            from_type: "contacts".to_owned(),
            from_id: jane.clone(),
            to_type: "companies".to_owned(),
            to_id: acme.clone(),
            type_ids: vec![279],
        }]
    );
    assert_eq!(app.hub.companies_of_contact(&jane), vec![acme.clone()]);
    assert_eq!(app.hub.primary_company_of_contact(&jane), None);

    let read = json(
        app.get(&token, &format!("contacts/{jane}?associations=companies"))
            .await,
    )
    .await;
    assert_eq!(
        read["associations"],
        json!({"companies": {"results": [{"id": acme, "type": "contact_to_company_unlabeled"}]}})
    );
    let read = json(
        app.get(&token, &format!("companies/{acme}?associations=contacts"))
            .await,
    )
    .await;
    assert_eq!(read["associations"]["contacts"]["results"][0]["id"], jane.as_str());

    let response = app
        .call(Method::PUT, &token, &default_path(&jane, "424242"), None)
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_hubspot_error(&json(response).await, "OBJECT_NOT_FOUND");
}

#[tokio::test]
async fn a_new_primary_company_replaces_the_old_one() {
    let app = TestApp::spawn().await;
    let token = app.connect_with(COMPANY_SCOPES).await.access;
    let jane = contact(&app, &token, "jane@example.com").await;
    let acme = company(&app, &token, "acme.example", "Acme").await;
    let globex = company(&app, &token, "globex.example", "Globex").await;

    let body = inputs(&[(&jane, &acme, 1)]);
    let response = app.call(Method::POST, &token, BATCH_CREATE, Some(&body)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created = json(response).await;
    assert_eq!(created["status"], "COMPLETE");
    let result = &created["results"][0];
    assert_eq!(result["fromObjectTypeId"], "0-1");
    assert_eq!(result["toObjectTypeId"], "0-2");
    assert_eq!(
        result["fromObjectId"].as_u64().map(|id| id.to_string()),
        Some(jane.clone())
    );
    assert_eq!(result["labels"], json!(["Primary"]));
    assert_eq!(
        app.hub.primary_company_of_contact(&jane).as_deref(),
        Some(acme.as_str())
    );

    // From the company side (type 2 = company → contact primary).
    let reverse = inputs(&[(&globex, &jane, 2)]);
    let path = "/crm/associations/2026-03/companies/contacts/batch/create";
    assert_eq!(
        app.call(Method::POST, &token, path, Some(&reverse)).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        app.hub.primary_company_of_contact(&jane).as_deref(),
        Some(globex.as_str())
    );
    assert_eq!(app.hub.companies_of_contact(&jane), vec![acme.clone(), globex.clone()]);
    let types: Vec<Vec<u32>> = app.hub.associations().into_iter().map(|a| a.type_ids).collect();
    assert_eq!(types, vec![vec![279], vec![1, 279]]);

    let state = app.state().await;
    assert_eq!(
        state["associations"][1],
        json!({"fromType": "contacts", "fromId": jane, "toType": "companies", "toId": globex, "typeIds": [1, 279]})
    );
}

#[tokio::test]
async fn inputs_naming_unknown_objects_fail_alone() {
    let app = TestApp::spawn().await;
    let token = app.connect_with(COMPANY_SCOPES).await.access;
    let jane = contact(&app, &token, "jane@example.com").await;
    let acme = company(&app, &token, "acme.example", "Acme").await;

    let body = inputs(&[(&jane, &acme, 279), ("999", &acme, 279)]);
    let response = app.call(Method::POST, &token, BATCH_CREATE, Some(&body)).await;
    assert_eq!(response.status(), StatusCode::MULTI_STATUS);
    let answer = json(response).await;
    assert_eq!(answer["numErrors"], 1);
    assert_eq!(answer["results"].as_array().map(Vec::len), Some(1));
    let error = &answer["errors"][0];
    assert_eq!(error["status"], "error");
    assert_eq!(error["category"], "VALIDATION_ERROR");
    assert_eq!(error["context"]["objectId"], json!(["999"]));
    assert_eq!(error["context"]["objectType"], json!(["CONTACT"]));
    assert_eq!(app.hub.companies_of_contact(&jane), vec![acme.clone()]);

    let none_valid = inputs(&[("999", &acme, 279)]);
    let response = app.call(Method::POST, &token, BATCH_CREATE, Some(&none_valid)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_hubspot_error(&json(response).await, "VALIDATION_ERROR");

    let wrong_type = inputs(&[(&jane, &acme, 200)]);
    let response = app.call(Method::POST, &token, BATCH_CREATE, Some(&wrong_type)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.hub.associations().len(), 1);
}

#[tokio::test]
async fn associating_a_company_needs_both_write_scopes() {
    let app = TestApp::spawn().await;
    let writer = app.connect_with(COMPANY_SCOPES).await.access;
    let jane = contact(&app, &writer, "jane@example.com").await;
    let acme = company(&app, &writer, "acme.example", "Acme").await;

    let contacts_only = app.connect().await.access;
    let response = app
        .call(Method::PUT, &contacts_only, &default_path(&jane, &acme), None)
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let error = json(response).await;
    assert_eq!(
        error["errors"][0]["context"]["requiredGranularScopes"],
        json!(["crm.objects.companies.write"])
    );
    let body = inputs(&[(&jane, &acme, 279)]);
    let response = app.call(Method::POST, &contacts_only, BATCH_CREATE, Some(&body)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(app.hub.associations().is_empty());
}

#[tokio::test]
async fn a_contact_can_be_created_with_its_primary_company() {
    let app = TestApp::spawn().await;
    let token = app.connect_with(COMPANY_SCOPES).await.access;
    let acme = company(&app, &token, "acme.example", "Acme").await;
    let body = json!({
        "properties": {"email": "jane@example.com"},
        "associations": [{"to": {"id": acme}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]}],
    });
    let response = app.post(&token, "contacts", &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let jane = json(response).await["id"].as_str().expect("id").to_owned();
    assert_eq!(
        app.hub.primary_company_of_contact(&jane).as_deref(),
        Some(acme.as_str())
    );
}
