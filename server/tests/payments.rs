//! Paid event types against the Stripe sandbox: the slot held while the
//! invitee pays and confirmed only by Stripe's signed event, two invitees
//! racing for one paid slot, an abandoned checkout freeing its slot, forged
//! and stale signatures refused, a twice-delivered event acted on once, and
//! a refund failing at Stripe retried and shown.
use crate::helpers::{Answer, TestApp, browser};
use crate::on_both_databases;
use app::domain::BookingStatus;
use app::functions::bookings::CancelAsHost;
use app::functions::payments::{CheckoutStatus, ConnectStripe, HostBookingDetail};
use app::ssr::entities::{booking, contact, event, payment, refund, stripe_event};
use hmac::{Hmac, Mac};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use sha2::Sha256;
use std::time::Duration;
use stripe_sandbox::{DEFAULT_SECRET_KEY, DEFAULT_WEBHOOK_SECRET, Fault, SessionStatus};

on_both_databases!(
    a_paid_booking_waits_for_stripe_and_then_announces_the_payment,
    two_invitees_racing_for_one_paid_slot_get_one_hold,
    an_abandoned_checkout_frees_its_slot_once_the_hold_ends,
    a_forged_or_stale_signature_is_refused_and_changes_nothing,
    the_same_stripe_event_twice_makes_one_payment,
    a_refund_failing_at_stripe_is_retried_and_shown,
);

const PRICE: &str = "50.00";

/// Ada, with Stripe connected to the sandbox and a paid event type `consult`.
async fn paid_host(app: &TestApp) -> reqwest::Client {
    let owner = app.sign_up("ada").await;
    let connected = app
        .call::<ConnectStripe>(
            &owner,
            &[
                ("form[secret_key]", DEFAULT_SECRET_KEY),
                ("form[webhook_secret]", DEFAULT_WEBHOOK_SECRET),
            ],
        )
        .await;
    assert!(matches!(connected, Answer::Ok(_)), "Stripe connects");
    let saved = app
        .save_event_type(
            &owner,
            "",
            "consult",
            30,
            &[
                ("form[price]", PRICE),
                ("form[currency]", "usd"),
                ("form[refund_window]", "24"),
            ],
        )
        .await;
    assert!(matches!(saved, Answer::Ok(_)), "a priced event type saves");
    owner
}

/// Books `start` as `email`; answers Stripe's checkout URL.
async fn hold(app: &TestApp, start: &str, email: &str) -> String {
    match app.book(ada(), "consult", start, email).await {
        Answer::Redirect(url) => url,
        Answer::Ok(_) => panic!("a paid booking goes to Stripe"),
        Answer::Err(error) => panic!("{error:?}"),
    }
}

fn ada() -> &'static str {
    "ada"
}

fn session_of(checkout_url: &str) -> String {
    checkout_url.rsplit('/').next().unwrap().to_owned()
}

async fn only_booking(app: &TestApp) -> Option<booking::Model> {
    booking::Entity::find().one(&app.state.db).await.unwrap()
}

async fn taken_in(app: &TestApp) -> u64 {
    stripe_event::Entity::find().count(&app.state.db).await.unwrap()
}

/// Waits until the sandbox's webhook for `kind` reached the server.
async fn wait_for_event(app: &TestApp, kind: &str) {
    for _ in 0..200 {
        let arrived = stripe_event::Entity::find()
            .filter(stripe_event::Column::Kind.eq(kind))
            .count(&app.state.db)
            .await
            .unwrap();
        if arrived > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("Stripe's {kind} never arrived");
}

async fn events_of(app: &TestApp, kind: &str) -> Vec<serde_json::Value> {
    event::Entity::find()
        .filter(event::Column::Kind.eq(kind))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| serde_json::from_str(&e.body).unwrap())
        .collect()
}

/// Pays the held booking at the sandbox and lets the server act on it.
async fn pay(app: &TestApp, checkout_url: &str) {
    app.stripe.pay(&session_of(checkout_url)).unwrap();
    wait_for_event(app, "checkout.session.completed").await;
    app.drain_jobs().await;
}

async fn a_paid_booking_waits_for_stripe_and_then_announces_the_payment(app: TestApp) {
    paid_host(&app).await;
    let start = app.first_free_slot(ada(), "consult").await;
    let checkout = hold(&app, &start, "grace@example.com").await;
    assert!(checkout.starts_with(&app.stripe.base_url), "{checkout}");

    let held = only_booking(&app).await.unwrap();
    assert_eq!(held.status, BookingStatus::PendingPayment);
    assert_ne!(
        app.first_free_slot(ada(), "consult").await,
        start,
        "the held slot is offered to nobody else"
    );
    let session = app.stripe.session(&session_of(&checkout)).unwrap();
    assert_eq!(session.amount_total, 5_000);
    assert_eq!(session.currency, "usd");
    let key = app
        .stripe
        .requests()
        .into_iter()
        .find(|r| r.path == "/v1/checkout/sessions" && r.method == "POST")
        .and_then(|r| r.idempotency_key)
        .expect("the session was opened with an idempotency key");
    assert_eq!(key, held.id.to_string(), "the booking's id is the idempotency key");
    assert!(
        app.stripe
            .requests()
            .iter()
            .all(|r| r.stripe_version.as_deref() == Some(server::integrations::stripe::API_VERSION)),
        "every call names the API release it was written for"
    );
    assert!(
        events_of(&app, "booking.created").await.is_empty(),
        "nothing announced before payment"
    );

    let (id, return_key, from) = return_link(&session.success_url);
    let waiting = app
        .call::<CheckoutStatus>(
            &browser(),
            &[("id", &id), ("key", &return_key), ("from", &from), ("left", "false")],
        )
        .await
        .ok();
    assert!(waiting.get("Waiting").is_some(), "{waiting}");

    pay(&app, &checkout).await;
    let confirmed = only_booking(&app).await.unwrap();
    assert_eq!(confirmed.status, BookingStatus::Confirmed);
    let paid = payment::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(paid.status, payment::PAID);
    assert_eq!((paid.amount, paid.currency.as_str()), (5_000, "usd"));
    assert!(paid.payment_intent_id.as_deref().unwrap().starts_with("pi_"));
    assert!(paid.charge_id.as_deref().unwrap().starts_with("ch_"));
    assert_eq!(paid.card_last4.as_deref(), Some(stripe_sandbox::CARD_LAST4));

    let received = events_of(&app, "payment.received").await;
    assert_eq!(received.len(), 1);
    let data = &received[0]["data"];
    assert_eq!(data["id"], paid.id.to_string());
    assert_eq!(data["bookingId"], confirmed.id.to_string());
    assert_eq!(data["amount"], 5_000);
    assert_eq!(data["currency"], "usd");
    assert_eq!(data["paymentMethod"], "card");
    assert_eq!(data["transactionId"], paid.payment_intent_id.clone().unwrap());
    assert_eq!(events_of(&app, "booking.created").await.len(), 1);
    let contacts = events_of(&app, "contact.created").await;
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0]["data"]["source"], "payment");

    let done = app
        .call::<CheckoutStatus>(
            &browser(),
            &[("id", &id), ("key", &return_key), ("from", &from), ("left", "false")],
        )
        .await
        .ok();
    let manage = done["Confirmed"]["manage_url"].as_str().expect("confirmed").to_owned();
    assert!(manage.starts_with(&format!("/bookings/{id}?token=")), "{manage}");
    let mails = app.smtp.wait_for(2, Duration::from_secs(10)).await;
    let invitee = mails
        .iter()
        .find(|m| m.rcpt_to.iter().any(|t| t.contains("grace@example.com")))
        .expect("the invitee's confirmation");
    let text = plain_text(&invitee.data);
    assert!(text.contains("Payment: $50.00 paid with Visa •••• 4242"), "{text}");
}

/// The `text/plain` part of a raw message, decoded from whichever transfer
/// encoding lettre chose for it.
fn plain_text(raw: &str) -> String {
    use base64::Engine;
    let part = raw.split("Content-Type: text/plain").nth(1).expect("a text/plain part");
    let (headers, rest) = part.split_once("\r\n\r\n").expect("a part body");
    let body = rest.split("\r\n--").next().unwrap_or_default();
    if headers.contains("base64") {
        let joined: String = body.split_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD.decode(joined).unwrap();
        return String::from_utf8(bytes).unwrap();
    }
    if !headers.contains("quoted-printable") {
        return body.to_owned();
    }
    let joined = body.replace("=\r\n", "");
    let mut bytes = Vec::new();
    let mut chars = joined.bytes();
    while let Some(b) = chars.next() {
        if b == b'=' {
            let hex: Vec<u8> = chars.by_ref().take(2).collect();
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).unwrap(), 16).unwrap());
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).unwrap()
}

/// The booking id, return key and booking page of a success URL.
fn return_link(url: &str) -> (String, String, String) {
    let parsed = url::Url::parse(url).unwrap();
    let id = parsed.path_segments().unwrap().nth(1).unwrap().to_owned();
    let query = |name: &str| {
        parsed
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    (id, query("key"), query("from"))
}

async fn two_invitees_racing_for_one_paid_slot_get_one_hold(app: TestApp) {
    paid_host(&app).await;
    let start = app.first_free_slot(ada(), "consult").await;
    let (first, second) = tokio::join!(
        app.book(ada(), "consult", &start, "grace@example.com"),
        app.book(ada(), "consult", &start, "alan@example.com"),
    );
    let outcomes = [first, second];
    let held = outcomes.iter().filter(|a| matches!(a, Answer::Redirect(_))).count();
    let taken = outcomes
        .iter()
        .filter(|a| matches!(a, Answer::Err(app::error::AppError::SlotTaken)))
        .count();
    assert_eq!(
        (held, taken),
        (1, 1),
        "one holds the slot, the other is told it is taken"
    );
    assert_eq!(booking::Entity::find().count(&app.state.db).await.unwrap(), 1);
    assert_eq!(app.stripe.sessions().len(), 1, "one checkout opened");
}

async fn an_abandoned_checkout_frees_its_slot_once_the_hold_ends(app: TestApp) {
    paid_host(&app).await;
    let start = app.first_free_slot(ada(), "consult").await;
    let checkout = hold(&app, &start, "grace@example.com").await;
    // Nobody pays; the hold's job comes due.
    app.drain_jobs().await;
    let session = app.stripe.session(&session_of(&checkout)).unwrap();
    assert_eq!(session.status, SessionStatus::Expired, "Stripe was told first");
    assert!(only_booking(&app).await.is_none(), "the held booking is gone");
    assert_eq!(
        contact::Entity::find().count(&app.state.db).await.unwrap(),
        0,
        "and the contact only it made"
    );
    assert_eq!(
        app.first_free_slot(ada(), "consult").await,
        start,
        "the slot is free again"
    );
    assert!(app.smtp.messages().is_empty(), "nobody is told");
    assert!(events_of(&app, "booking.created").await.is_empty());
    hold(&app, &start, "alan@example.com").await;
}

fn signed(body: &str, secret: &str, timestamp: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!("t={timestamp},v1={}", hex::encode(mac.finalize().into_bytes()))
}

async fn post_event(app: &TestApp, body: &str, signature: Option<String>) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(format!("{}/integrations/stripe/webhook", app.address))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(signature) = signature {
        request = request.header("stripe-signature", signature);
    }
    request.send().await.unwrap()
}

async fn a_forged_or_stale_signature_is_refused_and_changes_nothing(app: TestApp) {
    paid_host(&app).await;
    let start = app.first_free_slot(ada(), "consult").await;
    let checkout = hold(&app, &start, "grace@example.com").await;
    // The sandbox's own deliveries are held back: only forged ones arrive.
    app.stripe.hold_events();
    app.stripe.pay(&session_of(&checkout)).unwrap();
    let real = app
        .stripe
        .events_of_type("checkout.session.completed")
        .pop()
        .expect("the sandbox raised the event");
    let body = real.body.to_string();
    let now = chrono::Utc::now().timestamp();
    let refused = [
        ("another secret", Some(signed(&body, "whsec_forged", now))),
        (
            "six minutes old",
            Some(signed(&body, DEFAULT_WEBHOOK_SECRET, now - 360)),
        ),
        (
            "from the future",
            Some(signed(&body, DEFAULT_WEBHOOK_SECRET, now + 360)),
        ),
        ("no header", None),
        ("garbage", Some("t=abc,v1=zz".to_owned())),
    ];
    for (why, signature) in refused {
        let response = post_event(&app, &body, signature).await;
        assert_eq!(response.status(), 400, "{why}");
        let error: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "invalid_signature", "{why}");
    }
    let tampered = body.replace("\"paid\"", "\"unpaid\"");
    let response = post_event(&app, &tampered, Some(signed(&body, DEFAULT_WEBHOOK_SECRET, now))).await;
    assert_eq!(response.status(), 400, "a body other than the signed one");
    app.drain_jobs().await;
    assert_eq!(taken_in(&app).await, 0, "nothing was taken in");
    assert!(
        payment::Entity::find()
            .filter(payment::Column::Status.eq(payment::PAID))
            .one(&app.state.db)
            .await
            .unwrap()
            .is_none()
    );
    assert!(events_of(&app, "payment.received").await.is_empty());

    let response = post_event(&app, &body, Some(signed(&body, DEFAULT_WEBHOOK_SECRET, now))).await;
    assert_eq!(response.status(), 200, "the genuine event is accepted");
}

async fn the_same_stripe_event_twice_makes_one_payment(app: TestApp) {
    paid_host(&app).await;
    let start = app.first_free_slot(ada(), "consult").await;
    let checkout = hold(&app, &start, "grace@example.com").await;
    pay(&app, &checkout).await;
    let completed = app.stripe.events_of_type("checkout.session.completed").pop().unwrap();
    app.stripe.redeliver(&completed.id).unwrap();
    let body = completed.body.to_string();
    let now = chrono::Utc::now().timestamp();
    let again = post_event(&app, &body, Some(signed(&body, DEFAULT_WEBHOOK_SECRET, now))).await;
    assert_eq!(again.status(), 200, "a repeat is acknowledged");
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.drain_jobs().await;
    assert_eq!(taken_in(&app).await, 1, "the event id is taken in once");
    assert_eq!(payment::Entity::find().count(&app.state.db).await.unwrap(), 1);
    assert_eq!(events_of(&app, "payment.received").await.len(), 1);
    assert_eq!(events_of(&app, "booking.created").await.len(), 1);
}

async fn a_refund_failing_at_stripe_is_retried_and_shown(app: TestApp) {
    let owner = paid_host(&app).await;
    let start = app.first_free_slot(ada(), "consult").await;
    let checkout = hold(&app, &start, "grace@example.com").await;
    pay(&app, &checkout).await;
    let id = only_booking(&app).await.unwrap().id.to_string();

    app.stripe.push_fault(Fault::RefundServerError, 2);
    let cancelled = app
        .call::<CancelAsHost>(&owner, &[("id", &id), ("reason", "I am ill")])
        .await
        .ok();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["refund"], "$50.00 refund requested");
    app.runner.run_until_idle().await.unwrap();
    let shown = app.call::<HostBookingDetail>(&owner, &[("id", &id)]).await.ok()["payment"].clone();
    assert_eq!(shown["status_label"], "Refund pending");
    let refund_shown = &shown["refunds"][0];
    assert_eq!(refund_shown["status"], "requested");
    assert_eq!(refund_shown["status_label"], "$50.00 refund being retried");
    assert!(
        refund_shown["last_error"].as_str().unwrap().contains("500"),
        "{refund_shown}"
    );

    app.drain_jobs().await;
    let done = refund::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(done.status, refund::SUCCEEDED);
    assert_eq!(done.attempts, 3, "two failures, then the refund");
    let at_stripe = app.stripe.refunds();
    assert_eq!(at_stripe.len(), 1, "one refund at Stripe, whatever the retries");
    assert_eq!(at_stripe[0].amount, 5_000);
    let shown = app.call::<HostBookingDetail>(&owner, &[("id", &id)]).await.ok()["payment"].clone();
    assert_eq!(shown["status_label"], "Refunded");
    assert_eq!(shown["refunds"][0]["status_label"], "$50.00 refunded");
}
