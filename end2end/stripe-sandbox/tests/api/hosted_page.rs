//! The hosted checkout page: what it shows, Pay (redirect, PaymentIntent, Charge, event), Cancel,
//! and the control endpoints that do the same without a browser.

use reqwest::StatusCode;
use serde_json::{Value, json};
use stripe_sandbox::CheckoutError;

use crate::helpers::{CANCEL_URL, TestApp, header, json, session_form, without};

async fn click(app: &TestApp, id: &str, button: &str) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/checkout/{id}/{button}")))
        .send()
        .await
        .expect("POST")
}

#[tokio::test]
async fn the_page_shows_what_is_bought_and_labelled_buttons() {
    let app = TestApp::spawn().await;
    let session = app.create_session_with(&session_form()).await;
    let url = session["url"].as_str().expect("url");
    let html = app.http.get(url).send().await.expect("GET").text().await.expect("text");
    assert!(html.contains("<h1>Pay for Intro call &lt;30 min&gt;</h1>"), "{html}");
    assert!(html.contains(r#"data-testid="stripe-amount">€25.00<"#));
    assert!(html.contains(r#"<button type="submit" data-testid="stripe-pay">Pay €25.00</button>"#));
    assert!(html.contains(r#"<button type="submit" data-testid="stripe-cancel">Cancel</button>"#));
    assert!(html.contains("jane@example.com") && html.contains("<html lang=\"en\">"));

    let no_cancel = app.create_session_with(&without(session_form(), "cancel_url")).await;
    let (_, html) = app
        .page(&format!("/checkout/{}", no_cancel["id"].as_str().expect("id")))
        .await;
    assert!(!html.contains("stripe-cancel"));
    let (status, _) = app.page("/checkout/cs_test_nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pay_redirects_to_success_and_leaves_a_payment_and_an_event() {
    let app = TestApp::spawn().await;
    let id = app.create_session().await;
    let response = click(&app, &id, "pay").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let expected = format!("http://127.0.0.1:3000/bookings/b1/paid?session_id={id}");
    assert_eq!(header(&response, "location").as_deref(), Some(expected.as_str()));

    let session = app.stripe.session(&id).expect("session");
    assert!(session.paid);
    let intents = app.stripe.payment_intents();
    assert_eq!(intents.len(), 1);
    assert_eq!(session.payment_intent.as_deref(), Some(intents[0].id.as_str()));
    assert_eq!(intents[0].amount, 2500);
    assert_eq!(intents[0].metadata.get("booking_id").map(String::as_str), Some("b1"));
    let charges = app.stripe.charges();
    assert_eq!(charges[0].id, intents[0].latest_charge);
    assert_eq!(charges[0].payment_intent, intents[0].id);

    let events = app.stripe.events_of_type("checkout.session.completed");
    assert_eq!(events.len(), 1);
    let object = events[0].object();
    assert_eq!(object["id"], id.as_str());
    assert_eq!(object["payment_status"], "paid");
    assert_eq!(object["payment_intent"], intents[0].id.as_str());
    assert_eq!(events[0].body["request"], json!({"id": null, "idempotency_key": null}));

    // A second click lands in the same place and pays nothing more.
    let again = click(&app, &id, "pay").await;
    assert_eq!(header(&again, "location").as_deref(), Some(expected.as_str()));
    assert_eq!(app.stripe.payment_intents().len(), 1);
    let (_, html) = app.page(&format!("/checkout/{id}")).await;
    assert!(html.contains(r#"data-testid="stripe-complete""#) && !html.contains("stripe-pay"));
}

#[tokio::test]
async fn cancel_goes_back_and_leaves_the_session_open() {
    let app = TestApp::spawn().await;
    let id = app.create_session().await;
    let response = click(&app, &id, "cancel").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(header(&response, "location").as_deref(), Some(CANCEL_URL));
    assert!(!app.stripe.session(&id).expect("session").paid);
    assert!(app.stripe.events().is_empty());
    assert!(app.stripe.pay(&id).is_ok(), "still payable");
}

#[tokio::test]
async fn an_expired_session_cannot_be_paid_on_the_page() {
    let app = TestApp::spawn().await;
    let id = app.create_session().await;
    let expire = format!("/v1/checkout/sessions/{id}/expire");
    app.post(&expire, &Vec::new(), None).await;
    let (_, html) = app.page(&format!("/checkout/{id}")).await;
    assert!(html.contains(r#"data-testid="stripe-expired""#) && !html.contains("stripe-pay"));
    assert_eq!(click(&app, &id, "pay").await.status(), StatusCode::GONE);
    assert!(app.stripe.payment_intents().is_empty());
}

#[tokio::test]
async fn control_endpoints_pay_and_cancel_without_a_browser() {
    let app = TestApp::spawn().await;
    let id = app.create_session().await;
    let cancelled = json(
        app.control(&format!("checkout/sessions/{id}/cancel"), &Value::Null)
            .await,
    )
    .await;
    assert_eq!(cancelled, json!({"redirectUrl": CANCEL_URL}));

    let response = app.control(&format!("checkout/sessions/{id}/pay"), &Value::Null).await;
    assert_eq!(response.status(), StatusCode::OK);
    let paid = json(response).await;
    assert!(paid["redirectUrl"].as_str().is_some_and(|url| url.ends_with(&id)));
    assert_eq!(paid["session"]["payment_status"], "paid");

    let twice = app.control(&format!("checkout/sessions/{id}/pay"), &Value::Null).await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    let unknown = app.control("checkout/sessions/cs_test_nope/pay", &Value::Null).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.stripe.cancel(&id), Err(CheckoutError::AlreadyPaid));
}
