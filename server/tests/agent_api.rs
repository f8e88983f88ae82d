//! The agent endpoints of REST API v1 (availability, idempotent booking,
//! cancel by start time, bookings, caller lookup, key scopes), through the
//! real server.
use crate::helpers::{Answer, TestApp};
use crate::on_both_databases;
use app::ssr::entities::{booking, idempotency_key, user};
use app::ssr::services::booking_page::{PageQuery, load};
use reqwest::{Method, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};

on_both_databases!(
    availability_is_what_the_booking_page_shows,
    availability_refuses_long_ranges_and_unoffered_durations,
    a_reused_idempotency_key_books_once,
    simultaneous_requests_with_one_key_book_once,
    bookings_take_their_chosen_duration,
    cancel_by_start_time_with_zero_one_and_two_matches,
    bookings_are_listed_a_page_at_a_time_and_moved,
    the_caller_is_found_by_any_spelling_of_their_phone,
    keys_act_only_within_their_scopes,
);

const ZONE: &str = "America/New_York";

/// Ada with a 30-minute `intro` and a key of all scopes.
async fn ada(app: &TestApp) -> (reqwest::Client, String, String) {
    let host = app.sign_up("ada").await;
    let event = app.create_event_type(&host, "intro", 30).await;
    let key = app.api_key(&host).await;
    (host, event, key)
}

async fn send(app: &TestApp, method: Method, path: &str, key: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut request = app.api(method, path, key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn book(app: &TestApp, key: &str, idempotency_key: &str, body: &Value) -> (StatusCode, Value) {
    let response = app
        .api(Method::POST, "/api/v1/bookings", key)
        .header("Idempotency-Key", idempotency_key)
        .json(body)
        .send()
        .await
        .expect("the server answers");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn booking_body(event: &str, start: &str, email: &str) -> Value {
    json!({
        "eventTypeId": event,
        "start": start,
        "invitee": {"name": "Grace Hopper", "email": email, "phone": "+49 151 1234 5678", "timeZone": ZONE},
        "notes": "Booked by the receptionist"
    })
}

/// The free starts of the next 31 days, as the API lists them.
async fn free_starts(app: &TestApp, key: &str, event: &str) -> Vec<String> {
    let today = chrono::Utc::now().date_naive();
    let path = format!(
        "/api/v1/availability?eventTypeId={event}&from={today}&to={}&timeZone={ZONE}",
        today + chrono::Duration::days(30)
    );
    let availability = app.api_json(&path, key).await;
    availability["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|slot| slot["start"].as_str().unwrap().to_owned())
        .collect()
}

fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

async fn bookings_in_database(app: &TestApp) -> u64 {
    booking::Entity::find().count(&app.state.db).await.unwrap()
}

async fn availability_is_what_the_booking_page_shows(app: TestApp) {
    let (_, event, key) = ada(&app).await;
    let page = load(
        &app.state.db,
        "ada",
        "intro",
        PageQuery {
            time_zone: Some(ZONE.into()),
            ..PageQuery::default()
        },
    )
    .await
    .unwrap();
    let days: Vec<_> = page.days.iter().filter(|d| d.has_slots).collect();
    let (first, last) = (&page.days[0].date, &page.days.last().unwrap().date);
    let path = format!("/api/v1/availability?eventTypeId={event}&from={first}&to={last}&timeZone={ZONE}");
    let availability = app.api_json(&path, &key).await;
    assert_eq!(availability["timeZone"], ZONE);
    assert_eq!(availability["duration"], 30);
    assert_eq!(availability["eventTypeId"], event.as_str());

    let mut shown = Vec::new();
    for day in days {
        let query = PageQuery {
            time_zone: Some(ZONE.into()),
            month: Some(page.month.clone()),
            date: Some(day.date.clone()),
            ..PageQuery::default()
        };
        let day_page = load(&app.state.db, "ada", "intro", query).await.unwrap();
        for slot in day_page.slots {
            shown.push((slot.start, format!("{}T{}", day.date, slot.label)));
        }
    }
    let listed: Vec<(String, String)> = availability["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["start"].as_str().unwrap().to_owned(),
                s["localStart"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(!listed.is_empty(), "the month has free times");
    assert_eq!(listed, shown, "the same times, the same local days and hours");
    let first_slot = &availability["slots"][0];
    let start = chrono::DateTime::parse_from_rfc3339(first_slot["start"].as_str().unwrap()).unwrap();
    let end = chrono::DateTime::parse_from_rfc3339(first_slot["end"].as_str().unwrap()).unwrap();
    assert_eq!(end - start, chrono::Duration::minutes(30));
    assert!(first_slot["start"].as_str().unwrap().ends_with(".000Z"));

    // The public slugs name the same event type.
    let path = format!("/api/v1/availability?host=ada&event=intro&from={first}&to={last}&timeZone={ZONE}");
    assert_eq!(app.api_json(&path, &key).await["slots"], availability["slots"]);
}

async fn availability_refuses_long_ranges_and_unoffered_durations(app: TestApp) {
    let (_, event, key) = ada(&app).await;
    let ask = |query: String| {
        let app = &app;
        let key = key.clone();
        async move { send(app, Method::GET, &format!("/api/v1/availability?{query}"), &key, None).await }
    };
    let (status, body) = ask(format!(
        "eventTypeId={event}&from=2027-01-01&to=2027-02-01&timeZone={ZONE}"
    ))
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation")
    );
    assert!(body["error"]["message"].as_str().unwrap().starts_with("to:"), "{body}");
    let (status, _) = ask(format!(
        "eventTypeId={event}&from=2027-01-01&to=2027-01-31&timeZone={ZONE}"
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "31 days are fine");
    let (status, body) = ask(format!(
        "eventTypeId={event}&from=2027-01-01&to=2027-01-02&timeZone={ZONE}&duration=45"
    ))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["message"].as_str().unwrap().starts_with("duration:"),
        "{body}"
    );
    let (status, body) = ask(format!(
        "eventTypeId={event}&from=2027-01-01&to=2027-01-02&timeZone=Mars/Olympus"
    ))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["message"].as_str().unwrap().starts_with("timeZone:"),
        "{body}"
    );
    let (status, _) = ask(format!(
        "eventTypeId=nope&from=2027-01-01&to=2027-01-02&timeZone={ZONE}"
    ))
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_reused_idempotency_key_books_once(app: TestApp) {
    let (_, event, key) = ada(&app).await;
    let start = free_starts(&app, &key, &event).await.remove(0);
    let body = booking_body(&event, &start, "grace@example.com");

    let (status, first) = book(&app, &key, "key-1", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["status"], "confirmed");
    assert_eq!(first["source"], "api");
    assert_eq!(first["start"], start.as_str());
    assert_eq!(first["invitee"]["phone"], "+4915112345678", "kept in E.164");
    assert_eq!(first["invitee"]["timeZone"], ZONE);
    let (status, again) = book(&app, &key, "key-1", &body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again, first, "the first answer again");
    assert_eq!(bookings_in_database(&app).await, 1, "nothing more booked");

    let mut other = body.clone();
    other["notes"] = json!("Something else");
    let (status, reused) = book(&app, &key, "key-1", &other).await;
    assert_eq!(
        (status, error_code(&reused)),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
    );

    let response = app
        .api(Method::POST, "/api/v1/bookings", &key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the key is required"
    );
    let (status, taken) = book(&app, &key, "key-2", &body).await;
    assert_eq!((status, error_code(&taken)), (StatusCode::CONFLICT, "slot_taken"));
    assert!(
        taken["error"]["message"].as_str().unwrap().contains("next free times"),
        "{taken}"
    );

    let mut bad = body.clone();
    bad["invitee"]["email"] = json!("not-an-email");
    bad["invitee"]["phone"] = json!("call me");
    let (status, invalid) = book(&app, &key, "key-3", &bad).await;
    assert_eq!(
        (status, error_code(&invalid)),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation")
    );
    let message = invalid["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("invitee.email:") && message.contains("invitee.phone:"),
        "{message}"
    );

    // A day later the key is free for another booking.
    idempotency_key::Entity::update_many()
        .col_expr(
            idempotency_key::Column::CreatedAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::hours(25)),
        )
        .exec(&app.state.db)
        .await
        .unwrap();
    let later = free_starts(&app, &key, &event).await.remove(0);
    let (status, fresh) = book(&app, &key, "key-1", &booking_body(&event, &later, "grace@example.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{fresh}");
    assert_ne!(fresh["id"], first["id"]);

    // The host sees where it came from, and the invitee got the e-mail.
    let stored = booking::Entity::find()
        .filter(booking::Column::Id.eq(first["id"].as_str().unwrap()))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.source, app::domain::BookingSource::Api);
    app.drain_jobs().await;
    let mails = app.smtp.messages();
    assert!(
        mails
            .iter()
            .any(|m| m.rcpt_to.iter().any(|to| to.contains("grace@example.com"))),
        "the invitee's e-mail"
    );
}

async fn simultaneous_requests_with_one_key_book_once(app: TestApp) {
    let (_, event, key) = ada(&app).await;
    let start = free_starts(&app, &key, &event).await.remove(0);
    let body = booking_body(&event, &start, "grace@example.com");
    let (a, b) = tokio::join!(book(&app, &key, "same", &body), book(&app, &key, "same", &body));
    assert_eq!(
        (a.0, b.0),
        (StatusCode::CREATED, StatusCode::CREATED),
        "{} {}",
        a.1,
        b.1
    );
    assert_eq!(a.1["id"], b.1["id"]);
    assert_eq!(bookings_in_database(&app).await, 1);
}

async fn bookings_take_their_chosen_duration(app: TestApp) {
    let (host, event, key) = ada(&app).await;
    app.save_event_type(&host, &event, "intro", 30, &[("form[durations]", "60, 15")])
        .await
        .ok();
    let types = app.api_json("/api/v1/event-types", &key).await;
    assert_eq!(types[0]["durations"], json!([15, 30, 60]));
    assert_eq!(types[0]["duration"], 30);
    let today = chrono::Utc::now().date_naive();
    let path = format!(
        "/api/v1/availability?eventTypeId={event}&from={today}&to={}&timeZone={ZONE}&duration=60",
        today + chrono::Duration::days(30)
    );
    let hour = app.api_json(&path, &key).await;
    assert_eq!(hour["duration"], 60);
    let start = hour["slots"][0]["start"].as_str().unwrap().to_owned();
    let mut body = booking_body(&event, &start, "grace@example.com");
    body["duration"] = json!(60);
    let (status, booked) = book(&app, &key, "long", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let (start, end) = (
        chrono::DateTime::parse_from_rfc3339(booked["start"].as_str().unwrap()).unwrap(),
        chrono::DateTime::parse_from_rfc3339(booked["end"].as_str().unwrap()).unwrap(),
    );
    assert_eq!(end - start, chrono::Duration::minutes(60));
    body["duration"] = json!(45);
    let (status, refused) = book(&app, &key, "odd", &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
}

async fn cancel_by_start_time_with_zero_one_and_two_matches(app: TestApp) {
    let (_, event, key) = ada(&app).await;
    let starts = free_starts(&app, &key, &event).await;
    let cancel_at = |body: Value| {
        let (app, key) = (&app, key.clone());
        async move { send(app, Method::POST, "/api/v1/bookings/cancel", &key, Some(body)).await }
    };

    let (status, body) = cancel_at(json!({"startTime": starts[0]})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "not_found"));

    let (_, booked) = book(
        &app,
        &key,
        "one",
        &booking_body(&event, &starts[0], "grace@example.com"),
    )
    .await;
    // Any offset names the same instant.
    let start = chrono::DateTime::parse_from_rfc3339(&starts[0]).unwrap();
    let local = start.with_timezone(&chrono_tz::America::New_York).to_rfc3339();
    let (status, cancelled) = cancel_at(json!({"startTime": local, "reason": "Caller asked"})).await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["id"], booked["id"]);
    assert_eq!(cancelled["status"], "cancelled");

    // A second host of Ada's team, booked at the same time as Ada.
    let grace_client = app.sign_up("grace").await;
    let grace_event = app.create_event_type(&grace_client, "intro", 30).await;
    let ada_row = user::Entity::find()
        .filter(user::Column::Slug.eq("ada"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let grace_row = user::Entity::find()
        .filter(user::Column::Slug.eq("grace"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut member: user::ActiveModel = grace_row.into();
    member.team_id = Set(ada_row.team_id.clone());
    member.role = Set(app::domain::team::Role::Member);
    member.update(&app.state.db).await.unwrap();
    let grace_key = app.api_key(&grace_client).await;
    let shared = free_starts(&app, &key, &event)
        .await
        .into_iter()
        .find(|s| s != &starts[0])
        .unwrap();
    book(&app, &key, "ada", &booking_body(&event, &shared, "alan@example.com")).await;
    let (status, other) = book(
        &app,
        &grace_key,
        "grace",
        &booking_body(&grace_event, &shared, "kay@example.com"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{other}");

    let (status, ambiguous) = cancel_at(json!({"startTime": shared})).await;
    assert_eq!((status, error_code(&ambiguous)), (StatusCode::CONFLICT, "ambiguous"));
    assert_eq!(
        ambiguous["error"]["candidates"].as_array().unwrap().len(),
        2,
        "{ambiguous}"
    );
    let (status, narrowed) = cancel_at(json!({"startTime": shared, "inviteeEmail": "kay@example.com"})).await;
    assert_eq!(status, StatusCode::OK, "{narrowed}");
    assert_eq!(narrowed["id"], other["id"], "the owner's key acts for the team");
    let (status, _) = send(
        &app,
        Method::POST,
        "/api/v1/bookings/cancel",
        &grace_key,
        Some(json!({"startTime": shared})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a member's key sees only their own");
    let (status, body) = cancel_at(json!({"startTime": shared, "inviteeEmail": "a@b.c", "eventTypeId": event})).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation")
    );
}

async fn bookings_are_listed_a_page_at_a_time_and_moved(app: TestApp) {
    let (_, event, key) = ada(&app).await;
    let starts = free_starts(&app, &key, &event).await;
    for (n, start) in starts.iter().take(3).enumerate() {
        let (status, _) = book(
            &app,
            &key,
            &format!("k{n}"),
            &booking_body(&event, start, &format!("p{n}@example.com")),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let first = app.api_json("/api/v1/bookings?limit=2", &key).await;
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    let cursor = first["nextCursor"].as_str().unwrap().to_owned();
    let second = app
        .api_json(&format!("/api/v1/bookings?limit=2&cursor={cursor}"), &key)
        .await;
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    assert_eq!(second["nextCursor"], Value::Null);
    assert_eq!(second["data"][0]["start"], starts[2].as_str());
    let by_email = app.api_json("/api/v1/bookings?inviteeEmail=p1@example.com", &key).await;
    assert_eq!(by_email["data"].as_array().unwrap().len(), 1);
    let by_phone = app.api_json("/api/v1/bookings?inviteePhone=015112345678", &key).await;
    assert_eq!(
        by_phone["data"].as_array().unwrap().len(),
        3,
        "national spelling, Ada's region (DE)"
    );

    let id = first["data"][0]["id"].as_str().unwrap().to_owned();
    let one = app.api_json(&format!("/api/v1/bookings/{id}"), &key).await;
    assert_eq!(one["id"], id.as_str());
    let (status, moved) = send(
        &app,
        Method::POST,
        &format!("/api/v1/bookings/{id}/reschedule"),
        &key,
        Some(json!({"start": starts[3]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["start"], starts[3].as_str());
    let (status, taken) = send(
        &app,
        Method::POST,
        &format!("/api/v1/bookings/{id}/reschedule"),
        &key,
        Some(json!({"start": starts[1]})),
    )
    .await;
    assert_eq!((status, error_code(&taken)), (StatusCode::CONFLICT, "slot_taken"));
    let (status, cancelled) = send(&app, Method::POST, &format!("/api/v1/bookings/{id}/cancel"), &key, None).await;
    assert_eq!(
        (status, cancelled["status"].as_str()),
        (StatusCode::OK, Some("cancelled"))
    );
    let confirmed = app.api_json("/api/v1/bookings?status=confirmed", &key).await;
    assert_eq!(confirmed["data"].as_array().unwrap().len(), 2);
    let (status, _) = send(&app, Method::GET, "/api/v1/bookings/unknown", &key, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(&app, Method::GET, "/api/v1/bookings?cursor=garbage", &key, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn the_caller_is_found_by_any_spelling_of_their_phone(app: TestApp) {
    let (_, event, key) = ada(&app).await;
    let starts = free_starts(&app, &key, &event).await;
    book(&app, &key, "a", &booking_body(&event, &starts[0], "grace@example.com")).await;
    book(&app, &key, "b", &booking_body(&event, &starts[1], "grace@example.com")).await;
    let me = app.api_json("/api/v1/me", &key).await;
    assert_eq!(me["phoneRegion"], "DE", "from Ada's time zone, Europe/Berlin");
    for spelling in ["+49 151 1234 5678", "015112345678", "+4915112345678"] {
        let query = spelling.replace('+', "%2B").replace(' ', "%20");
        let contact = app.api_json(&format!("/api/v1/contacts?phone={query}"), &key).await;
        assert_eq!(contact["email"], "grace@example.com", "{spelling}");
        assert_eq!(contact["name"], "Grace Hopper");
        assert_eq!(contact["phone"], "+4915112345678");
        let upcoming = contact["upcomingBookings"].as_array().unwrap();
        assert_eq!(upcoming.len(), 2);
        assert_eq!(upcoming[0]["start"], starts[0].as_str(), "soonest first");
    }
    let by_email = app.api_json("/api/v1/contacts?email=GRACE@example.com", &key).await;
    assert_eq!(by_email["phone"], "+4915112345678");
    let (status, _) = send(&app, Method::GET, "/api/v1/contacts?phone=%2B4930999999", &key, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = send(&app, Method::GET, "/api/v1/contacts?phone=call%20me", &key, None).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation")
    );
    let (status, _) = send(&app, Method::GET, "/api/v1/contacts", &key, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn keys_act_only_within_their_scopes(app: TestApp) {
    let (host, event, _) = ada(&app).await;
    let created = app
        .call::<app::functions::developer::CreateApiKey>(
            &host,
            &[
                ("name", "Receptionist"),
                ("expires_in_days", ""),
                ("scopes[shown]", "1"),
                ("scopes[bookings:read]", "on"),
                ("scopes[contacts:read]", "on"),
            ],
        )
        .await
        .ok();
    assert_eq!(created["api_key"]["scopes"], json!(["bookings:read", "contacts:read"]));
    let reader = created["key"].as_str().unwrap().to_owned();
    let start = free_starts(&app, &reader, &event).await.remove(0);
    let (status, body) = book(&app, &reader, "x", &booking_body(&event, &start, "grace@example.com")).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::FORBIDDEN, "insufficient_scope")
    );
    assert!(
        body["error"]["message"].as_str().unwrap().contains("bookings:write"),
        "{body}"
    );
    let (status, body) = send(
        &app,
        Method::POST,
        "/api/v1/hooks",
        &reader,
        Some(json!({"targetUrl": "https://example.com/h", "event": "booking.created"})),
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::FORBIDDEN, "insufficient_scope")
    );
    assert_eq!(bookings_in_database(&app).await, 0);

    let none = app
        .call::<app::functions::developer::CreateApiKey>(
            &host,
            &[("name", "Nothing"), ("expires_in_days", ""), ("scopes[shown]", "1")],
        )
        .await;
    let Answer::Err(error) = none else {
        panic!("a key that may do nothing is refused")
    };
    assert!(error.message_for("scopes").is_some());
}
