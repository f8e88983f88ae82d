//! Events and webhooks end to end: a real receiver on loopback, signatures
//! checked by this file's own HMAC code, retries, the delivery log,
//! Zapier's REST hooks, filters and the safety rules.
use crate::helpers::{Backend, TestApp, manage_parts, spawn_app_configured};
use crate::on_both_databases;
use crate::support::receiver::{Received, Receiver};
use app::ssr::entities::{webhook, webhook_delivery};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use reqwest::Method;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::Sha256;

on_both_databases!(
    a_booking_reaches_a_webhook_signed_both_ways,
    failed_deliveries_are_retried_logged_and_redelivered,
    rescheduling_and_cancelling_send_their_events,
    an_event_type_filter_narrows_booking_events,
    zapier_hooks_deliver_sample_and_go_away_on_410,
    a_webhook_failing_for_three_days_is_switched_off_once,
    contacts_added_by_hand_are_events_too,
    a_test_event_goes_to_one_webhook_only,
    a_rolled_secret_signs_beside_the_new_one_for_a_day,
);

/// `X-Slotline-Signature` as a receiver would compute it with `secret`.
fn slotline_signature_of(received: &Received, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(received.body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// One Standard Webhooks signature as a receiver would compute it with `secret`.
fn standard_signature_of(received: &Received, secret: &str) -> String {
    let id = received.header("webhook-id");
    let timestamp = received.header("webhook-timestamp");
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(received.body.as_bytes());
    format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    )
}

/// The signature checks a receiver would write, independent of the server's
/// code: GitHub style over the body, and Standard Webhooks over id.ts.body.
fn verify(received: &Received, secret: &str) {
    assert_eq!(
        received.header("x-slotline-signature"),
        slotline_signature_of(received, secret)
    );
    assert_eq!(
        received.header("webhook-signature"),
        standard_signature_of(received, secret)
    );
    let timestamp = received.header("webhook-timestamp");
    let id = received.header("webhook-id");
    let age = chrono::Utc::now().timestamp() - timestamp.parse::<i64>().unwrap();
    assert!(
        (0..120).contains(&age),
        "webhook-timestamp is the attempt's time: {age}s ago"
    );
    assert_eq!(received.header("x-slotline-delivery"), id);
}

/// Adds a manual webhook for `events` as the dashboard does; returns its secret.
pub(crate) async fn add_webhook(
    app: &TestApp,
    client: &reqwest::Client,
    url: &str,
    events: &[&str],
    event_type: &str,
) -> String {
    let names: Vec<String> = events.iter().map(|e| format!("form[events][{e}]")).collect();
    let mut fields = vec![("form[target_url]", url), ("form[event_type_id]", event_type)];
    fields.extend(names.iter().map(|n| (n.as_str(), "on")));
    app.call::<app::functions::developer::CreateWebhook>(client, &fields)
        .await
        .ok()["secret"]
        .as_str()
        .expect("the secret, shown once")
        .to_owned()
}

/// Books the next free time of `host`/`event`; returns the manage redirect.
async fn book_next(app: &TestApp, host: &str, event: &str, email: &str) -> String {
    let slot = app.first_free_slot(host, event).await;
    app.book(host, event, &slot, email).await.redirect()
}

fn iso_millis(value: &Value) -> bool {
    let text = value.as_str().unwrap_or_default();
    chrono::DateTime::parse_from_rfc3339(text).is_ok() && text.len() == 24 && text.ends_with('Z')
}

async fn webhook_log(app: &TestApp, client: &reqwest::Client, id: &str) -> Value {
    app.call::<app::functions::developer::WebhookLog>(client, &[("id", id)])
        .await
        .ok()
}

async fn only_webhook_id(app: &TestApp) -> String {
    webhook::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("a webhook")
        .id
        .into()
}

async fn a_booking_reaches_a_webhook_signed_both_ways(app: TestApp) {
    let receiver = Receiver::start().await;
    let client = app.pro_owner("signer").await;
    app.create_event_type(&client, "intro", 30).await;
    let secret = add_webhook(
        &app,
        &client,
        &receiver.url,
        &["booking.created", "contact.created"],
        "",
    )
    .await;
    assert!(secret.starts_with("whsec_") && secret.len() == 50, "{secret}");
    let (booking_id, _) = manage_parts(&book_next(&app, "signer", "intro", "grace@example.com").await);
    app.drain_jobs().await;

    let received = receiver.received();
    assert_eq!(received.len(), 2, "booking.created and contact.created");
    for delivery in &received {
        verify(delivery, &secret);
        assert_eq!(delivery.header("content-type"), "application/json");
    }
    let booking = received
        .iter()
        .find(|r| r.header("x-slotline-event") == "booking.created")
        .expect("booking.created");
    let envelope = booking.json();
    assert_eq!(envelope["apiVersion"], "2025-02-09");
    assert_eq!(envelope["event"], "booking.created");
    assert!(iso_millis(&envelope["timestamp"]), "{}", envelope["timestamp"]);
    let data = &envelope["data"];
    assert_eq!(data["id"], booking_id);
    assert_eq!(data["status"], "confirmed");
    assert_eq!(data["eventType"]["slug"], "intro");
    assert_eq!(data["eventType"]["duration"], 30);
    assert_eq!(
        data["invitee"],
        json!({"name": "Ada Lovelace", "email": "grace@example.com", "timezone": "America/New_York"})
    );
    assert_eq!(data["host"]["email"], "signer@example.com");
    assert!(iso_millis(&data["startTime"]) && iso_millis(&data["endTime"]));
    for key in ["meetingLink", "location", "notes", "recurringGroupId"] {
        assert!(
            data.as_object().unwrap().contains_key(key) && data[key].is_null(),
            "{key}: {data}"
        );
    }
    assert_eq!(data["isRecurring"], false);
    assert!(data.get("cancelReason").is_none());

    let contact = received
        .iter()
        .find(|r| r.header("x-slotline-event") == "contact.created")
        .unwrap()
        .json();
    assert_eq!(contact["data"]["email"], "grace@example.com");
    assert_eq!(contact["data"]["source"], "booking");
    for key in ["id", "name", "phone", "company", "notes", "createdAt"] {
        assert!(contact["data"].as_object().unwrap().contains_key(key), "{key}");
    }

    // A second booking by the same person is no new contact.
    book_next(&app, "signer", "intro", "grace@example.com").await;
    app.drain_jobs().await;
    assert_eq!(receiver.received().len(), 3);

    let log = webhook_log(&app, &client, &only_webhook_id(&app).await).await;
    let deliveries = log["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 3);
    assert!(deliveries.iter().all(|d| d["status"] == "succeeded"), "{log}");
    assert_eq!(deliveries[0]["attempts"][0]["status_code"], 200);
}

async fn failed_deliveries_are_retried_logged_and_redelivered(app: TestApp) {
    let receiver = Receiver::start().await;
    let client = app.pro_owner("flaky").await;
    app.create_event_type(&client, "intro", 30).await;
    let secret = add_webhook(&app, &client, &receiver.url, &["booking.created"], "").await;
    receiver.reply_with(&[500, 503]);
    book_next(&app, "flaky", "intro", "ada@example.com").await;
    app.drain_jobs().await;

    let received = receiver.received();
    assert_eq!(received.len(), 3, "two failures, then success");
    let ids: Vec<String> = received.iter().map(|r| r.header("x-slotline-delivery")).collect();
    assert!(
        ids.iter().all(|id| id == &ids[0]),
        "one delivery id on every retry: {ids:?}"
    );
    assert!(
        received.iter().all(|r| r.body == received[0].body),
        "the same body, timestamp included"
    );
    for r in &received {
        verify(r, &secret);
    }
    let hook_id = only_webhook_id(&app).await;
    let log = webhook_log(&app, &client, &hook_id).await;
    let delivery = &log["deliveries"][0];
    assert_eq!(delivery["id"], ids[0]);
    assert_eq!(delivery["status"], "succeeded");
    let statuses: Vec<&Value> = delivery["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status_code"])
        .collect();
    assert_eq!(statuses, [&json!(500), &json!(503), &json!(200)]);
    assert!(
        delivery["attempts"][0]["next_retry"].is_string(),
        "a failed attempt says when the next comes"
    );
    assert!(delivery["attempts"][2]["next_retry"].is_null());

    for _ in 0..3 {
        app.call::<app::functions::developer::RedeliverWebhook>(&client, &[("delivery_id", &ids[0])])
            .await
            .ok();
    }
    assert_eq!(app.pending_jobs().await, 1, "a pending delivery is queued once");
    app.drain_jobs().await;
    let received = receiver.received();
    assert_eq!(received.len(), 4);
    assert_eq!(
        received[3].header("x-slotline-delivery"),
        ids[0],
        "a redelivery keeps its id"
    );
    let log = webhook_log(&app, &client, &hook_id).await;
    assert_eq!(log["deliveries"][0]["attempts"].as_array().unwrap().len(), 4);
    // Someone else cannot redeliver it.
    let stranger = app.sign_up("stranger").await;
    let refused = app
        .call::<app::functions::developer::RedeliverWebhook>(&stranger, &[("delivery_id", &ids[0])])
        .await
        .err();
    assert_eq!(refused, app::error::AppError::NotFound);
}

async fn rescheduling_and_cancelling_send_their_events(app: TestApp) {
    let receiver = Receiver::start().await;
    let client = app.pro_owner("mover").await;
    app.create_event_type(&client, "intro", 30).await;
    add_webhook(
        &app,
        &client,
        &receiver.url,
        &["booking.created", "booking.rescheduled", "booking.cancelled"],
        "",
    )
    .await;
    let (id, token) = manage_parts(&book_next(&app, "mover", "intro", "ada@example.com").await);
    let first = app.first_free_slot("mover", "intro").await;
    app.call::<app::functions::bookings::Reschedule>(
        &crate::helpers::browser(),
        &[("id", &id), ("token", &token), ("start", &first)],
    )
    .await;
    app.call::<app::functions::bookings::CancelAsInvitee>(
        &crate::helpers::browser(),
        &[("id", &id), ("token", &token), ("reason", "Double-booked")],
    )
    .await
    .ok();
    app.drain_jobs().await;
    let events: Vec<Value> = receiver.received().iter().map(Received::json).collect();
    let kinds: Vec<&str> = events.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["booking.created", "booking.rescheduled", "booking.cancelled"]);
    assert!(events.iter().all(|e| e["data"]["id"] == id), "a booking keeps its id");
    let moved = &events[1]["data"];
    assert_eq!(moved["previousStartTime"], events[0]["data"]["startTime"]);
    assert_eq!(moved["previousEndTime"], events[0]["data"]["endTime"]);
    assert_eq!(
        moved["startTime"].as_str().unwrap(),
        chrono::DateTime::parse_from_rfc3339(&first)
            .unwrap()
            .with_timezone(&chrono::Utc)
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    );
    let cancelled = &events[2]["data"];
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancelReason"], "Double-booked");
}

async fn an_event_type_filter_narrows_booking_events(app: TestApp) {
    let receiver = Receiver::start().await;
    let client = app.pro_owner("filter").await;
    let wanted = app.create_event_type(&client, "wanted", 30).await;
    app.create_event_type(&client, "other", 30).await;
    add_webhook(&app, &client, &receiver.url, &["booking.created"], &wanted).await;
    book_next(&app, "filter", "other", "one@example.com").await;
    let (kept, _) = manage_parts(&book_next(&app, "filter", "wanted", "two@example.com").await);
    app.drain_jobs().await;
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].json()["data"]["id"], kept);
    assert_eq!(received[0].json()["data"]["eventType"]["id"], wanted);
}

async fn zapier_hooks_deliver_sample_and_go_away_on_410(app: TestApp) {
    let receiver = Receiver::start().await;
    let client = app.pro_owner("zappy").await;
    app.create_event_type(&client, "intro", 30).await;
    let key = app.api_key(&client).await;
    let sample: Value = app.api_json("/api/v1/hooks/sample?event=booking.created", &key).await;
    assert_eq!(
        sample.as_array().unwrap().len(),
        1,
        "one realistic example before any booking"
    );
    assert_eq!(sample[0]["eventType"]["slug"], "intro");

    let hook: Value = app
        .api(Method::POST, "/api/v1/hooks", &key)
        .json(&json!({"targetUrl": receiver.url, "event": "booking.created"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let page = app
        .call::<app::functions::developer::WebhooksPage>(&client, &[])
        .await
        .ok();
    assert_eq!(page["webhooks"][0]["label"], "Zapier");
    let (first, _) = manage_parts(&book_next(&app, "zappy", "intro", "one@example.com").await);
    let (second, _) = manage_parts(&book_next(&app, "zappy", "intro", "two@example.com").await);
    app.drain_jobs().await;
    assert_eq!(receiver.received().len(), 2);
    // The hook's secret is shown in the dashboard; deliveries carry its signature.
    let secret = app
        .call::<app::functions::developer::ZapierWebhookSecret>(&client, &[("id", hook["id"].as_str().unwrap())])
        .await
        .ok()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    verify(&receiver.received()[0], &secret);

    let sample: Value = app.api_json("/api/v1/hooks/sample?event=booking.created", &key).await;
    let ids: Vec<&Value> = sample.as_array().unwrap().iter().map(|d| &d["id"]).collect();
    assert_eq!(ids, [&json!(second), &json!(first)], "real bookings, newest first");

    receiver.reply_with(&[410]);
    book_next(&app, "zappy", "intro", "three@example.com").await;
    app.drain_jobs().await;
    assert_eq!(receiver.received().len(), 3, "410 is not retried");
    assert!(
        webhook::Entity::find().one(&app.state.db).await.unwrap().is_none(),
        "410 unsubscribes"
    );
    book_next(&app, "zappy", "intro", "four@example.com").await;
    app.drain_jobs().await;
    assert_eq!(receiver.received().len(), 3);
}

async fn a_webhook_failing_for_three_days_is_switched_off_once(app: TestApp) {
    let receiver = Receiver::start().await;
    let client = app.pro_owner("failing").await;
    app.create_event_type(&client, "intro", 30).await;
    add_webhook(&app, &client, &receiver.url, &["booking.created"], "").await;
    receiver.reply_with(&[500; 40]);
    book_next(&app, "failing", "intro", "one@example.com").await;
    app.runner.run_until_idle().await.unwrap();
    let hook = webhook::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert!(hook.active, "one failure does not switch it off");
    assert!(hook.failing_since.is_some());
    // The run of failures began more than three days ago.
    webhook::Entity::update_many()
        .col_expr(
            webhook::Column::FailingSince,
            Expr::value(chrono::Utc::now() - chrono::Duration::days(3) - chrono::Duration::minutes(1)),
        )
        .exec(&app.state.db)
        .await
        .unwrap();
    book_next(&app, "failing", "intro", "two@example.com").await;
    app.drain_jobs().await;
    let hook = webhook::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert!(!hook.active);
    assert!(hook.disabled_reason.unwrap().contains("3 days"));
    let mails: Vec<_> = app
        .smtp
        .messages()
        .into_iter()
        .filter(|m| m.data.contains("Your Slotline webhook was switched off"))
        .collect();
    assert_eq!(mails.len(), 1, "the owner is told once");
    assert!(mails[0].rcpt_to.iter().any(|r| r.contains("failing@example.com")));
    let pending = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.is_in([webhook_delivery::PENDING, webhook_delivery::RETRYING]))
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(pending.is_empty(), "nothing more is sent to a switched-off webhook");
    // Switching it back on starts afresh.
    app.call::<app::functions::developer::SetWebhookActive>(&client, &[("id", hook.id.as_str()), ("active", "true")])
        .await
        .ok();
    let hook = webhook::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert!(hook.active && hook.failing_since.is_none() && hook.disabled_reason.is_none());
}

async fn contacts_added_by_hand_are_events_too(app: TestApp) {
    let receiver = Receiver::start().await;
    let client = app.pro_owner("crm").await;
    add_webhook(&app, &client, &receiver.url, &["contact.created"], "").await;
    app.call::<app::functions::contacts::AddContact>(
        &client,
        &[
            ("form[name]", "Zoë Ünal"),
            ("form[email]", "zoe@example.com"),
            ("form[phone]", ""),
            ("form[company]", "Ünal GmbH"),
            ("form[notes]", "line1\nline2 — ✓"),
        ],
    )
    .await
    .ok();
    app.drain_jobs().await;
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let data = &received[0].json()["data"];
    assert_eq!(data["source"], "manual");
    assert_eq!(data["name"], "Zoë Ünal");
    assert_eq!(data["company"], "Ünal GmbH");
    assert_eq!(data["notes"], "line1\nline2 — ✓");
    assert!(data["phone"].is_null());
}

async fn a_test_event_goes_to_one_webhook_only(app: TestApp) {
    let (one, two) = (Receiver::start().await, Receiver::start().await);
    let client = app.pro_owner("tester").await;
    app.create_event_type(&client, "intro", 30).await;
    add_webhook(&app, &client, &one.url, &["booking.created"], "").await;
    add_webhook(&app, &client, &two.url, &["booking.created"], "").await;
    let page = app
        .call::<app::functions::developer::WebhooksPage>(&client, &[])
        .await
        .ok();
    let first_id = page["webhooks"][0]["id"].as_str().unwrap().to_owned();
    app.call::<app::functions::developer::SendTestWebhook>(&client, &[("id", &first_id)])
        .await
        .ok();
    app.drain_jobs().await;
    assert_eq!(one.received().len(), 1);
    assert!(two.received().is_empty());
    assert_eq!(one.received()[0].json()["data"]["eventType"]["slug"], "intro");
    let log = webhook_log(&app, &client, &first_id).await;
    assert_eq!(log["deliveries"][0]["is_test"], true);

    for _ in 1..app::ssr::access::TEST_EVENTS_PER_MINUTE {
        app.call::<app::functions::developer::SendTestWebhook>(&client, &[("id", &first_id)])
            .await
            .ok();
    }
    let refused = app
        .call::<app::functions::developer::SendTestWebhook>(&client, &[("id", &first_id)])
        .await
        .err();
    assert_eq!(refused.status_code(), 429, "{refused:?}");
    let second_id = page["webhooks"][1]["id"].as_str().unwrap().to_owned();
    app.call::<app::functions::developer::SendTestWebhook>(&client, &[("id", &second_id)])
        .await
        .ok();
}

/// A name that resolves to loopback at delivery time (as after DNS
/// rebinding) is refused then, once, without retries.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn internal_addresses_are_refused_at_delivery() {
    let app = spawn_app_configured(Backend::Sqlite, Default::default(), |config| {
        config.webhook_allow_private = false;
    })
    .await
    .unwrap();
    let receiver = Receiver::start().await;
    let client = app.pro_owner("rebound").await;
    app.create_event_type(&client, "intro", 30).await;
    add_webhook(&app, &client, "https://hooks.example.com/in", &["booking.created"], "").await;
    // The name now points at the receiver on loopback.
    let rebound = receiver.url.replace("127.0.0.1", "localhost");
    webhook::Entity::update_many()
        .col_expr(webhook::Column::TargetUrl, Expr::value(rebound))
        .exec(&app.state.db)
        .await
        .unwrap();
    book_next(&app, "rebound", "intro", "one@example.com").await;
    app.drain_jobs().await;
    assert!(receiver.received().is_empty());
    let log = webhook_log(&app, &client, &only_webhook_id(&app).await).await;
    let delivery = &log["deliveries"][0];
    assert_eq!(delivery["status"], "failed");
    let attempts = delivery["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1, "not retried");
    assert!(attempts[0]["error"].as_str().unwrap().contains("private"), "{delivery}");
}

async fn a_rolled_secret_signs_beside_the_new_one_for_a_day(app: TestApp) {
    let receiver = Receiver::start().await;
    let client = app.pro_owner("roller").await;
    app.create_event_type(&client, "intro", 30).await;
    let old = add_webhook(&app, &client, &receiver.url, &["booking.created"], "").await;
    let id = only_webhook_id(&app).await;
    let rolled = app
        .call::<app::functions::developer::RollWebhookSecret>(&client, &[("id", &id)])
        .await
        .ok();
    let new = rolled["secret"].as_str().unwrap().to_owned();
    assert!(new.starts_with("whsec_") && new != old);
    let until = rolled["previous_valid_until"]
        .as_str()
        .expect("when the old secret stops");
    assert!(
        until.contains("CET") || until.contains("CEST") || until.contains("Berlin"),
        "{until}"
    );

    book_next(&app, "roller", "intro", "during@example.com").await;
    app.drain_jobs().await;
    let during = receiver.received().remove(0);
    assert_eq!(
        during.header("x-slotline-signature"),
        slotline_signature_of(&during, &new)
    );
    assert_eq!(
        during.header("webhook-signature"),
        format!(
            "{} {}",
            standard_signature_of(&during, &new),
            standard_signature_of(&during, &old)
        ),
        "the new secret's signature, then the old one's"
    );

    // A day later the old secret is done with.
    webhook::Entity::update_many()
        .col_expr(
            webhook::Column::PreviousSecretUntil,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .exec(&app.state.db)
        .await
        .unwrap();
    book_next(&app, "roller", "intro", "after@example.com").await;
    app.drain_jobs().await;
    let after = receiver.received().remove(1);
    verify(&after, &new);
}
