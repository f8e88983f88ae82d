//! Request encoding: bracket names nest, JSON bodies are refused, and unknown, missing or malformed
//! parameters get Stripe's codes.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, assert_error, form, header, json, session_form, with, without};

#[tokio::test]
async fn bracket_names_nest_into_the_session() {
    let app = TestApp::spawn().await;
    let body = with(session_form(), "expand[]", "payment_intent");
    let response = app.post("/v1/checkout/sessions", &body, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "request-id").is_some_and(|id| id.starts_with("req_")));
    let session = json(response).await;
    let id = session["id"].as_str().expect("id");
    assert!(id.starts_with("cs_test_"));
    assert_eq!(session["object"], "checkout.session");
    assert_eq!(session["amount_total"], 2500);
    assert_eq!(session["currency"], "eur");
    assert_eq!(session["metadata"], json!({"booking_id": "b1"}));
    assert_eq!(session["client_reference_id"], "b1");
    assert_eq!(session["customer_email"], "jane@example.com");
    assert_eq!(session["status"], "open");
    assert_eq!(session["payment_status"], "unpaid");
    assert_eq!(session["payment_intent"], json!(null));
    assert_eq!(session["livemode"], false);
    assert_eq!(session["url"], format!("{}/checkout/{id}", app.stripe.base_url));
    let created = session["created"].as_i64().expect("created");
    assert_eq!(session["expires_at"].as_i64(), Some(created + 24 * 3600));
    let stored = app.stripe.session(id).expect("stored");
    assert_eq!(
        stored.payment_intent_metadata.get("booking_id").map(String::as_str),
        Some("b1")
    );
    assert_eq!(stored.line_items[0].name, "Intro call <30 min>");
}

#[tokio::test]
async fn several_line_items_add_up() {
    let app = TestApp::spawn().await;
    let body = session_form()
        .into_iter()
        .chain(form(&[
            ("line_items[1][price_data][currency]", "eur"),
            ("line_items[1][price_data][unit_amount]", "300"),
            ("line_items[1][price_data][product_data][name]", "Notes"),
            ("line_items[1][quantity]", "2"),
        ]))
        .collect();
    let session = app.create_session_with(&body).await;
    assert_eq!(session["amount_total"], 3100);
}

#[tokio::test]
async fn json_bodies_are_refused() {
    let app = TestApp::spawn().await;
    let response = app
        .http
        .post(app.url("/v1/checkout/sessions"))
        .bearer_auth(&app.stripe.config().secret_key)
        .json(&json!({"mode": "payment"}))
        .send()
        .await
        .expect("POST");
    let body = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request_error", None).await;
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("x-www-form-urlencoded"))
    );
    assert!(app.stripe.sessions().is_empty());
}

#[tokio::test]
async fn unknown_missing_and_malformed_parameters_name_themselves() {
    let app = TestApp::spawn().await;
    let path = "/v1/checkout/sessions";
    let cases = [
        (
            with(session_form(), "line_items[0][price]", "price_1"),
            "parameter_unknown",
            "line_items[0][price]",
        ),
        (
            without(session_form(), "success_url"),
            "parameter_missing",
            "success_url",
        ),
        (
            with(session_form(), "line_items[0][price_data][unit_amount]", "25.00"),
            "parameter_invalid_integer",
            "line_items[0][price_data][unit_amount]",
        ),
        (
            with(session_form(), "success_url", ""),
            "parameter_invalid_empty",
            "success_url",
        ),
        (
            without(session_form(), "line_items[0][quantity]"),
            "parameter_missing",
            "line_items[0][quantity]",
        ),
        (
            with(session_form(), "metadata[a][b]", "x"),
            "parameter_unknown",
            "metadata[a][b]",
        ),
    ];
    for (body, code, param) in cases {
        let response = app.post(path, &body, None).await;
        let error = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request_error", Some(code)).await;
        assert_eq!(error["error"]["param"], param);
    }
    let upper = with(session_form(), "line_items[0][price_data][currency]", "EUR");
    let error = assert_error(
        app.post(path, &upper, None).await,
        StatusCode::BAD_REQUEST,
        "invalid_request_error",
        None,
    )
    .await;
    assert_eq!(error["error"]["param"], "line_items[0][price_data][currency]");
    assert!(app.stripe.sessions().is_empty());

    let id = app.create_session().await;
    let response = app.get(&format!("/v1/checkout/sessions/{id}?limit=3")).await;
    let error = assert_error(
        response,
        StatusCode::BAD_REQUEST,
        "invalid_request_error",
        Some("parameter_unknown"),
    )
    .await;
    assert_eq!(error["error"]["param"], "limit");
}

#[tokio::test]
async fn unknown_paths_and_methods_are_stripe_404s() {
    let app = TestApp::spawn().await;
    for response in [
        app.get("/v1/customers").await,
        app.get("/v1/refunds").await,
        app.post("/v1/checkout/sessions/cs_test_x", &form(&[]), None).await,
    ] {
        assert_error(response, StatusCode::NOT_FOUND, "invalid_request_error", None).await;
    }
}
