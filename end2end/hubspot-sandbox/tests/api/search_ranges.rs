//! Search for incremental pulls: range operators on dates and ids, chronological sorts, and the
//! 10,000-result cap over a seeded portal.

use std::time::Duration;

use hubspot_sandbox::SandboxConfig;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_hubspot_error, json, range_search, result_ids};
use crate::meetings::contact;

fn gte(property: &str, value: impl Into<Value>) -> Value {
    json!({"propertyName": property, "operator": "GTE", "value": value.into()})
}

#[tokio::test]
async fn gte_on_lastmodifieddate_pages_in_chronological_order() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(contact(&app, &token, &format!("c{i}@example.com")).await);
        app.hub.advance_clock(Duration::from_secs(1));
    }
    // The first contact changes last, so it sorts last by modification.
    let patch = json!({"properties": {"firstname": "Changed"}});
    app.patch(&token, &format!("contacts/{}", ids[0]), &patch).await;
    let since = app.hub.contacts()[2].property("lastmodifieddate").map(str::to_owned);
    let since = since.expect("lastmodifieddate");
    let since_ms = chrono::DateTime::parse_from_rfc3339(&since)
        .expect("ISO lastmodifieddate")
        .timestamp_millis();

    // Epoch milliseconds as a string, as HUBSPOT.md prescribes.
    let filter = gte("lastmodifieddate", since_ms.to_string());
    let first = app
        .search(
            &token,
            "contacts",
            &range_search(filter.clone(), "lastmodifieddate", 2, "0"),
        )
        .await;
    assert_eq!(first["total"], 4);
    assert_eq!(result_ids(&first), [ids[2].clone(), ids[3].clone()]);
    assert_eq!(first["results"][0]["properties"]["lastmodifieddate"], since.as_str());
    let after = first["paging"]["next"]["after"].as_str().expect("next page");
    let second = app
        .search(&token, "contacts", &range_search(filter, "lastmodifieddate", 2, after))
        .await;
    assert_eq!(result_ids(&second), [ids[4].clone(), ids[0].clone()]);
    assert!(second.get("paging").is_none());

    // The same instant as ISO 8601, and as a JSON number, select the same contacts.
    for value in [json!(since), json!(since_ms)] {
        let body = range_search(gte("lastmodifieddate", value), "hs_object_id", 10, "0");
        assert_eq!(app.search(&token, "contacts", &body).await["total"], 4);
    }
}

#[tokio::test]
async fn ranges_cover_ids_numbers_and_between() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(contact(&app, &token, &format!("r{i}@example.com")).await);
    }
    let filter =
        |operator: &str, value: &str| json!({"propertyName": "hs_object_id", "operator": operator, "value": value});
    let (app, token) = (&app, token.as_str());
    let found = |body: Value| async move { result_ids(&app.search(token, "contacts", &body).await) };
    assert_eq!(
        found(range_search(filter("GT", &ids[1]), "hs_object_id", 10, "0")).await,
        ids[2..]
    );
    assert_eq!(
        found(range_search(filter("LTE", &ids[1]), "hs_object_id", 10, "0")).await,
        ids[..2]
    );
    assert_eq!(
        found(range_search(filter("LT", &ids[0]), "hs_object_id", 10, "0")).await,
        Vec::<String>::new()
    );
    let between = json!({"propertyName": "hs_object_id", "operator": "BETWEEN", "value": ids[1], "highValue": ids[2]});
    assert_eq!(found(range_search(between, "hs_object_id", 10, "0")).await, ids[1..3]);

    // Ids sort as numbers, descending too.
    let mut body = range_search(filter("GTE", "0"), "hs_object_id", 10, "0");
    body["sorts"] = json!([{"propertyName": "hs_object_id", "direction": "DESCENDING"}]);
    let mut reversed = ids.clone();
    reversed.reverse();
    assert_eq!(found(body).await, reversed);
}

#[tokio::test]
async fn ranges_need_an_ordered_property_and_a_valid_bound() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let bad = [
        json!({"propertyName": "email", "operator": "GT", "value": "a"}),
        json!({"propertyName": "lastmodifieddate", "operator": "GTE", "value": "yesterday"}),
        json!({"propertyName": "lastmodifieddate", "operator": "GTE"}),
        json!({"propertyName": "hs_object_id", "operator": "BETWEEN", "value": "1"}),
    ];
    for filter in bad {
        let response = app
            .post(
                &token,
                "contacts/search",
                &range_search(filter.clone(), "hs_object_id", 10, "0"),
            )
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{filter}");
        assert_hubspot_error(&json(response).await, "VALIDATION_ERROR");
    }
}

#[tokio::test]
async fn search_stops_at_ten_thousand_results_and_slices_reach_the_rest() {
    let app = TestApp::spawn_with(SandboxConfig {
        search_lag: Duration::from_secs(5),
        ..Default::default()
    })
    .await;
    let token = app.connect().await.access;
    let response = app
        .control(
            "contacts/seed",
            &json!({"count": 10_050, "properties": {"lifecyclestage": "customer"}}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let seeded = json(response).await;
    let first: u64 = seeded["ids"][0]
        .as_str()
        .and_then(|id| id.parse().ok())
        .expect("first id");
    let last: u64 = seeded["ids"][1]
        .as_str()
        .and_then(|id| id.parse().ok())
        .expect("last id");
    assert_eq!(last - first, 10_049);

    let everyone =
        |limit: u32, after: &str| range_search(gte("lastmodifieddate", "0"), "lastmodifieddate", limit, after);
    let lagging = app.search(&token, "contacts", &everyone(200, "0")).await;
    assert_eq!(lagging["total"], 0, "an import is indexed like any write");
    app.hub.advance_clock(Duration::from_secs(6));

    let page = app.search(&token, "contacts", &everyone(200, "9800")).await;
    assert_eq!(page["total"], 10_050);
    assert!(page.get("paging").is_none(), "no page past the 10,000th result");
    let ids = result_ids(&page);
    assert_eq!(ids.len(), 200);
    assert_eq!(ids[199], (first + 9_999).to_string());

    for after in ["9900", "10000"] {
        let response = app.post(&token, "contacts/search", &everyone(200, after)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "after {after}");
        assert_hubspot_error(&json(response).await, "VALIDATION_ERROR");
    }

    // A new slice from the last modification seen reaches the rest (overlapping by one).
    let boundary = page["results"][199]["properties"]["lastmodifieddate"]
        .as_str()
        .expect("lastmodifieddate")
        .to_owned();
    let rest = app
        .search(
            &token,
            "contacts",
            &range_search(gte("lastmodifieddate", boundary), "lastmodifieddate", 200, "0"),
        )
        .await;
    assert_eq!(rest["total"], 51);
    let rest_ids = result_ids(&rest);
    assert_eq!(rest_ids.first(), ids.last());
    assert_eq!(rest_ids.last(), Some(&last.to_string()));

    // So does slicing by id.
    let by_id = json!({"propertyName": "hs_object_id", "operator": "GT", "value": ids[199]});
    let rest = app
        .search(&token, "contacts", &range_search(by_id, "hs_object_id", 100, "0"))
        .await;
    assert_eq!(rest["total"], 50);
}
