//! Refunds: full, partial, too much, unknown payments, and the injected failures.

use reqwest::StatusCode;
use serde_json::json;
use stripe_sandbox::{Fault, RefundStatus};

use crate::helpers::{TestApp, assert_error, form, header, json};

const REFUNDS: &str = "/v1/refunds";

#[tokio::test]
async fn a_full_refund_refunds_the_charge() {
    let app = TestApp::spawn().await;
    let (_, intent) = app.paid_session().await;
    let body = form(&[("payment_intent", &intent), ("metadata[booking_id]", "b1")]);
    let response = app.post(REFUNDS, &body, Some("refund-b1")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let request_id = header(&response, "request-id");
    let refund = json(response).await;
    let id = refund["id"].as_str().expect("id");
    assert!(id.starts_with("re_"));
    assert_eq!(refund["object"], "refund");
    assert_eq!(refund["status"], "succeeded");
    assert_eq!(refund["amount"], 2500);
    assert_eq!(refund["currency"], "eur");
    assert_eq!(refund["payment_intent"], intent.as_str());
    assert_eq!(refund["metadata"], json!({"booking_id": "b1"}));
    let charge_id = refund["charge"].as_str().expect("charge");
    assert_eq!(json(app.get(&format!("{REFUNDS}/{id}")).await).await, refund);

    let charge = json(app.get(&format!("/v1/charges/{charge_id}")).await).await;
    assert_eq!(
        (charge["refunded"].as_bool(), charge["amount_refunded"].as_i64()),
        (Some(true), Some(2500))
    );
    let types: Vec<String> = app.stripe.events().iter().map(|e| e.event_type.clone()).collect();
    assert_eq!(
        types,
        ["checkout.session.completed", "refund.created", "charge.refunded"]
    );
    let refunded = &app.stripe.events_of_type("charge.refunded")[0];
    assert_eq!(refunded.object()["amount_refunded"], 2500);
    assert_eq!(
        refunded.body["request"],
        json!({"id": request_id, "idempotency_key": "refund-b1"})
    );

    let again = app.post(REFUNDS, &form(&[("payment_intent", &intent)]), None).await;
    assert_error(
        again,
        StatusCode::BAD_REQUEST,
        "invalid_request_error",
        Some("charge_already_refunded"),
    )
    .await;
}

#[tokio::test]
async fn partial_refunds_add_up_to_the_charge_but_not_beyond() {
    let app = TestApp::spawn().await;
    let (_, intent) = app.paid_session().await;
    let refund = |amount: &str| form(&[("payment_intent", &intent), ("amount", amount)]);
    let first = json(app.post(REFUNDS, &refund("1000"), None).await).await;
    assert_eq!(first["amount"], 1000);
    let too_much = app.post(REFUNDS, &refund("1501"), None).await;
    let error = assert_error(too_much, StatusCode::BAD_REQUEST, "invalid_request_error", None).await;
    assert_eq!(error["error"]["param"], "amount");
    assert!(error["error"]["message"].as_str().is_some_and(|m| m.contains("€15.00")));
    let charge = &app.stripe.charges()[0];
    assert_eq!((charge.amount_refunded, charge.refunded()), (1000, false));

    assert_eq!(app.post(REFUNDS, &refund("1500"), None).await.status(), StatusCode::OK);
    assert!(app.stripe.charges()[0].refunded());
    assert_eq!(app.stripe.refunds().len(), 2);
}

#[tokio::test]
async fn bad_refund_requests_are_refused() {
    let app = TestApp::spawn().await;
    let (_, intent) = app.paid_session().await;
    let cases = [
        (form(&[]), StatusCode::BAD_REQUEST, Some("parameter_missing")),
        (
            form(&[("payment_intent", "pi_nope")]),
            StatusCode::NOT_FOUND,
            Some("resource_missing"),
        ),
        (
            form(&[("payment_intent", &intent), ("amount", "0")]),
            StatusCode::BAD_REQUEST,
            None,
        ),
        (
            form(&[("payment_intent", &intent), ("amount", "ten")]),
            StatusCode::BAD_REQUEST,
            Some("parameter_invalid_integer"),
        ),
        (
            form(&[("payment_intent", &intent), ("reason", "changed_mind")]),
            StatusCode::BAD_REQUEST,
            None,
        ),
    ];
    for (body, status, code) in cases {
        assert_error(
            app.post(REFUNDS, &body, None).await,
            status,
            "invalid_request_error",
            code,
        )
        .await;
    }
    assert!(app.stripe.refunds().is_empty());
    assert_error(
        app.get("/v1/refunds/re_nope").await,
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        Some("resource_missing"),
    )
    .await;
}

#[tokio::test]
async fn injected_refund_failures() {
    let app = TestApp::spawn().await;
    let (_, intent) = app.paid_session().await;
    let body = form(&[("payment_intent", &intent), ("amount", "500")]);

    app.stripe.push_fault(Fault::RefundServerError, 1);
    let lost = app.post(REFUNDS, &body, Some("refund-1")).await;
    assert_error(lost, StatusCode::INTERNAL_SERVER_ERROR, "api_error", None).await;
    assert!(app.stripe.refunds().is_empty());
    // The same key replays the saved 500; a new key tries again.
    let replayed = app.post(REFUNDS, &body, Some("refund-1")).await;
    assert_eq!(replayed.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(header(&replayed, "idempotent-replayed").as_deref(), Some("true"));

    let response = app
        .control("faults", &json!({"kind": "refund_failure", "count": 1}))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let failed = json(app.post(REFUNDS, &body, Some("refund-2")).await).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(
        app.stripe.charges()[0].amount_refunded,
        0,
        "a failed refund takes nothing"
    );
    let types: Vec<String> = app
        .stripe
        .events()
        .iter()
        .skip(1)
        .map(|e| e.event_type.clone())
        .collect();
    assert_eq!(types, ["refund.created", "refund.failed"]);

    let ok = json(app.post(REFUNDS, &body, Some("refund-3")).await).await;
    assert_eq!(ok["status"], "succeeded");
    assert_eq!(app.stripe.pending_faults(), 0);
}

#[tokio::test]
async fn a_pending_refund_settles_later() {
    let app = TestApp::spawn().await;
    let (_, intent) = app.paid_session().await;
    app.stripe.push_fault(Fault::RefundPending, 2);
    let body = form(&[("payment_intent", &intent), ("amount", "1000")]);
    let first = json(app.post(REFUNDS, &body, None).await).await;
    let second = json(app.post(REFUNDS, &body, None).await).await;
    assert_eq!(
        (&first["status"], &second["status"]),
        (&json!("pending"), &json!("pending"))
    );
    assert_eq!(app.stripe.charges()[0].amount_refunded, 2000, "pending refunds count");

    let first_id = first["id"].as_str().expect("id");
    let settled = app.stripe.settle_refund(first_id, true).expect("pending");
    assert_eq!(settled.status, RefundStatus::Succeeded);
    let path = format!("refunds/{}/settle", second["id"].as_str().expect("id"));
    let failed = json(app.control(&path, &json!({"status": "failed"})).await).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(
        app.stripe.charges()[0].amount_refunded,
        1000,
        "the failed one gave its amount back"
    );
    assert_eq!(
        app.control(&path, &json!({"status": "failed"})).await.status(),
        StatusCode::CONFLICT
    );

    let updates = app.stripe.events_of_type("refund.updated");
    assert_eq!(updates.len(), 2);
    assert_eq!(
        updates[0].body["data"]["previous_attributes"],
        json!({"status": "pending"})
    );
    assert_eq!(updates[0].object()["status"], "succeeded");
    assert_eq!(app.stripe.events_of_type("refund.failed").len(), 1);
}
