//! Booking, rescheduling and cancelling through the server, and the
//! guarantee that a slot is never booked twice.
use crate::helpers::{Answer, TestApp, browser, manage_parts};
use crate::on_both_databases;
use app::error::AppError;
use app::functions::bookings::{CancelAsHost, CancelAsInvitee, HostBooking, ManagedBooking, Reschedule};
use app::ssr::entities::{booking, contact};
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};

on_both_databases!(
    an_invitee_books_a_free_slot_and_gets_a_manage_link,
    twenty_invitees_racing_for_one_slot_make_exactly_one_booking,
    a_booked_slot_is_no_longer_offered,
    bad_booking_input_is_refused_field_by_field,
    an_unknown_host_or_event_is_not_found,
    the_manage_link_needs_the_right_token,
    an_invitee_reschedules_keeping_the_booking_id,
    an_invitee_cancels_with_a_reason,
    a_host_sees_and_cancels_only_their_own_bookings,
    every_booking_upserts_one_contact_per_email,
    errors_answer_with_their_http_status,
    a_manage_link_stops_working_once_the_booking_has_ended,
    a_booking_fills_a_contacts_gaps_but_keeps_what_the_host_typed,
    fields_left_out_of_the_form_read_as_blank,
);

async fn setup(app: &TestApp) -> (reqwest::Client, String) {
    let host = app.sign_up("ada").await;
    app.create_event_type(&host, "intro", 30).await;
    let slot = app.first_free_slot("ada", "intro").await;
    (host, slot)
}

async fn an_invitee_books_a_free_slot_and_gets_a_manage_link(app: TestApp) {
    let (_, slot) = setup(&app).await;
    let to = app.book("ada", "intro", &slot, "grace@example.com").await.redirect();
    assert!(
        to.starts_with("/bookings/") && to.contains("token=") && to.ends_with("confirmed=1"),
        "{to}"
    );
    let (id, token) = manage_parts(&to);
    let shown = app
        .call::<ManagedBooking>(&browser(), &[("id", &id), ("token", &token)])
        .await
        .ok();
    assert_eq!(shown["status"], "confirmed");
    assert_eq!(shown["start"], slot.as_str());
    assert!(shown["when_invitee"].as_str().unwrap().ends_with("(America/New_York)"));
    assert!(shown["when_host"].as_str().unwrap().ends_with("(Europe/Berlin)"));
    let stored = booking::Entity::find_by_id(id.as_str())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored.manage_token_hash, token, "the token is stored hashed");
}

async fn twenty_invitees_racing_for_one_slot_make_exactly_one_booking(app: TestApp) {
    let (_, slot) = setup(&app).await;
    let app = std::sync::Arc::new(app);
    let attempts: Vec<_> = (0..20)
        .map(|i| {
            let (app, slot) = (app.clone(), slot.clone());
            tokio::spawn(async move { app.book("ada", "intro", &slot, &format!("racer{i}@example.com")).await })
        })
        .collect();
    let (mut booked, mut taken) = (0, 0);
    for attempt in attempts {
        match attempt.await.unwrap() {
            Answer::Redirect(_) => booked += 1,
            Answer::Err(AppError::SlotTaken) => taken += 1,
            Answer::Err(e) => panic!("unexpected error {e:?}"),
            Answer::Ok(v) => panic!("unexpected answer {v}"),
        }
    }
    assert_eq!((booked, taken), (1, 19));
    assert_eq!(booking::Entity::find().count(&app.state.db).await.unwrap(), 1);
}

async fn a_booked_slot_is_no_longer_offered(app: TestApp) {
    let (_, slot) = setup(&app).await;
    app.book("ada", "intro", &slot, "grace@example.com").await.redirect();
    let next = app.first_free_slot("ada", "intro").await;
    assert_ne!(next, slot);
    assert_eq!(
        app.book("ada", "intro", &slot, "late@example.com").await.err(),
        AppError::SlotTaken
    );
}

async fn bad_booking_input_is_refused_field_by_field(app: TestApp) {
    let (_, slot) = setup(&app).await;
    let long_name = "n".repeat(201);
    let long_notes = "x".repeat(5_001);
    let error = app
        .call::<app::functions::bookings::Book>(
            &browser(),
            &[
                ("form[host]", "ada"),
                ("form[event]", "intro"),
                ("form[start]", &slot),
                ("form[time_zone]", "Europe/Paris"),
                ("form[name]", &long_name),
                ("form[email]", "grace@"),
                ("form[phone]", ""),
                ("form[notes]", &long_notes),
            ],
        )
        .await
        .err();
    for field in ["name", "email", "notes"] {
        assert!(error.message_for(field).is_some(), "{field}: {error:?}");
    }
    let empty_name = app
        .call::<app::functions::bookings::Book>(
            &browser(),
            &[
                ("form[host]", "ada"),
                ("form[event]", "intro"),
                ("form[start]", &slot),
                ("form[time_zone]", "Europe/Paris"),
                ("form[name]", "   "),
                ("form[email]", "grace@example.com"),
                ("form[phone]", ""),
                ("form[notes]", ""),
            ],
        )
        .await
        .err();
    assert!(empty_name.message_for("name").is_some());
    assert_eq!(booking::Entity::find().count(&app.state.db).await.unwrap(), 0);
}

async fn an_unknown_host_or_event_is_not_found(app: TestApp) {
    let (_, slot) = setup(&app).await;
    assert_eq!(
        app.book("nobody", "intro", &slot, "g@example.com").await.err(),
        AppError::NotFound
    );
    assert_eq!(
        app.book("ada", "nothing", &slot, "g@example.com").await.err(),
        AppError::NotFound
    );
    for path in ["/nobody/intro", "/ada/nothing", "/nobody"] {
        let status = reqwest::get(format!("{}{path}", app.address)).await.unwrap().status();
        assert_eq!(status, 404, "{path}");
    }
    let status = reqwest::get(format!("{}/ada/intro", app.address))
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
}

async fn the_manage_link_needs_the_right_token(app: TestApp) {
    let (_, slot) = setup(&app).await;
    let (id, _) = manage_parts(&app.book("ada", "intro", &slot, "grace@example.com").await.redirect());
    let wrong = app
        .call::<ManagedBooking>(&browser(), &[("id", &id), ("token", "guess")])
        .await
        .err();
    assert_eq!(wrong, AppError::NotFound);
    let page = reqwest::get(format!("{}/bookings/{id}?token=guess", app.address))
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
}

async fn an_invitee_reschedules_keeping_the_booking_id(app: TestApp) {
    let (_, slot) = setup(&app).await;
    let (id, token) = manage_parts(&app.book("ada", "intro", &slot, "grace@example.com").await.redirect());
    let new_slot = app.first_free_slot("ada", "intro").await;
    let to = app
        .call::<Reschedule>(&browser(), &[("id", &id), ("token", &token), ("start", &new_slot)])
        .await
        .redirect();
    assert!(to.starts_with(&format!("/bookings/{id}?token=")), "{to}");
    let stored = booking::Entity::find_by_id(id.as_str())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(app::ssr::time_fmt::iso(stored.start_at), new_slot);
    assert_eq!(
        stored.previous_start_at.map(app::ssr::time_fmt::iso),
        Some(slot.clone())
    );
    assert_eq!(stored.sequence, 1);
    // The old time is free again.
    app.book("ada", "intro", &slot, "late@example.com").await.redirect();
}

async fn an_invitee_cancels_with_a_reason(app: TestApp) {
    let (_, slot) = setup(&app).await;
    let (id, token) = manage_parts(&app.book("ada", "intro", &slot, "grace@example.com").await.redirect());
    let cancelled = app
        .call::<CancelAsInvitee>(
            &browser(),
            &[("id", &id), ("token", &token), ("reason", "Something came up")],
        )
        .await
        .ok();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancel_reason"], "Something came up");
    app.book("ada", "intro", &slot, "next@example.com").await.redirect();
}

async fn a_host_sees_and_cancels_only_their_own_bookings(app: TestApp) {
    let (ada, slot) = setup(&app).await;
    let grace = app.sign_up("grace").await;
    let (id, _) = manage_parts(&app.book("ada", "intro", &slot, "x@example.com").await.redirect());
    assert_eq!(
        app.call::<HostBooking>(&grace, &[("id", &id)]).await.err(),
        AppError::NotFound
    );
    assert_eq!(
        app.call::<CancelAsHost>(&grace, &[("id", &id), ("reason", "")])
            .await
            .err(),
        AppError::NotFound
    );
    let cancelled = app
        .call::<CancelAsHost>(&ada, &[("id", &id), ("reason", "Double-booked elsewhere")])
        .await
        .ok();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancelled_by"], "host");
}

async fn every_booking_upserts_one_contact_per_email(app: TestApp) {
    let (_, slot) = setup(&app).await;
    app.book("ada", "intro", &slot, "Grace@Example.com").await.redirect();
    let second = app.first_free_slot("ada", "intro").await;
    app.book("ada", "intro", &second, "grace@example.com").await.redirect();
    let contacts = contact::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].email, "grace@example.com");
    assert_eq!(contacts[0].source, "booking");
}

async fn errors_answer_with_their_http_status(app: TestApp) {
    use leptos::server_fn::ServerFn;
    let (_, slot) = setup(&app).await;
    app.book("ada", "intro", &slot, "first@example.com").await.redirect();
    let post = |email: &'static str, start: String| {
        let url = format!("{}{}", app.address, app::functions::bookings::Book::PATH);
        async move {
            let fields = [
                ("form[host]", "ada".to_owned()),
                ("form[event]", "intro".to_owned()),
                ("form[start]", start),
                ("form[time_zone]", "UTC".to_owned()),
                ("form[name]", "Grace".to_owned()),
                ("form[email]", email.to_owned()),
                ("form[phone]", String::new()),
                ("form[notes]", String::new()),
            ];
            browser().post(url).form(&fields).send().await.unwrap().status()
        }
    };
    assert_eq!(post("not-an-email", slot.clone()).await, 422);
    assert_eq!(post("second@example.com", slot.clone()).await, 409);
    let unknown = format!("{}{}", app.address, ManagedBooking::PATH);
    let status = browser()
        .post(unknown)
        .form(&[("id", "nope"), ("token", "nope")])
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 404);
}

async fn a_manage_link_stops_working_once_the_booking_has_ended(app: TestApp) {
    let (ada, slot) = setup(&app).await;
    let (id, token) = manage_parts(&app.book("ada", "intro", &slot, "grace@example.com").await.redirect());
    let stored = booking::Entity::find_by_id(id.as_str())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut ended: booking::ActiveModel = stored.into();
    let start = chrono::Utc::now() - chrono::Duration::hours(2);
    ended.start_at = Set(start);
    ended.end_at = Set(start + chrono::Duration::minutes(30));
    ended.update(&app.state.db).await.unwrap();

    let link = [("id", id.as_str()), ("token", token.as_str())];
    let shown = app.call::<ManagedBooking>(&browser(), &link).await.err();
    assert!(matches!(shown, AppError::Gone(_)), "{shown:?}");
    let with_reason = [link[0], link[1], ("reason", "")];
    assert!(matches!(
        app.call::<CancelAsInvitee>(&browser(), &with_reason).await.err(),
        AppError::Gone(_)
    ));
    let later = [link[0], link[1], ("start", slot.as_str())];
    assert!(matches!(
        app.call::<Reschedule>(&browser(), &later).await.err(),
        AppError::Gone(_)
    ));
    let page = browser()
        .get(format!("{}/bookings/{id}?token={token}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 410);
    assert!(page.text().await.unwrap().contains("This link has expired"));

    // The host still sees it, and cannot cancel what took place.
    let seen = app.call::<HostBooking>(&ada, &[("id", &id)]).await.ok();
    assert_eq!(seen["status"], "confirmed");
    assert_eq!(seen["can_change"], false);
    let refused = app
        .call::<CancelAsHost>(&ada, &[("id", &id), ("reason", "")])
        .await
        .err();
    assert!(refused.message_for("reason").is_some(), "{refused:?}");
}

async fn a_booking_fills_a_contacts_gaps_but_keeps_what_the_host_typed(app: TestApp) {
    let (ada, slot) = setup(&app).await;
    app.call::<app::functions::contacts::AddContact>(
        &ada,
        &[
            ("form[name]", "Grace Hopper (CTO)"),
            ("form[email]", "grace@example.com"),
            ("form[phone]", ""),
            ("form[company]", "Navy"),
            ("form[notes]", "Met at the conference"),
        ],
    )
    .await
    .ok();
    app.book_with(
        "ada",
        "intro",
        &slot,
        "GRACE@example.com",
        &[("form[phone]", "+1 202 555 0100")],
    )
    .await
    .redirect();
    let contacts = contact::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(contacts.len(), 1);
    let grace = &contacts[0];
    assert_eq!(grace.name, "Grace Hopper (CTO)", "the host's name stays");
    assert_eq!(grace.company.as_deref(), Some("Navy"));
    assert_eq!(grace.notes.as_deref(), Some("Met at the conference"));
    assert_eq!(
        grace.phone.as_deref(),
        Some("+12025550100"),
        "an empty field is filled, in E.164"
    );

    let second = app.first_free_slot("ada", "intro").await;
    app.book_with(
        "ada",
        "intro",
        &second,
        "grace@example.com",
        &[("form[phone]", "+1 202 555 0199")],
    )
    .await
    .redirect();
    let grace = contact::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(grace.phone.as_deref(), Some("+12025550100"), "a filled field stays");
}

async fn fields_left_out_of_the_form_read_as_blank(app: TestApp) {
    let (_, slot) = setup(&app).await;
    let booked = app
        .call::<app::functions::bookings::Book>(
            &browser(),
            &[
                ("form[host]", "ada"),
                ("form[event]", "intro"),
                ("form[start]", &slot),
                ("form[time_zone]", "Europe/Berlin"),
                ("form[name]", "Grace Hopper"),
                ("form[email]", "grace@example.com"),
            ],
        )
        .await;
    assert!(matches!(booked, Answer::Redirect(_)), "no phone or notes needed");
    let refused = app
        .call::<app::functions::bookings::Book>(&browser(), &[("form[host]", "ada"), ("form[event]", "intro")])
        .await
        .err();
    let AppError::Validation(fields) = refused else {
        panic!("field errors, not {refused:?}");
    };
    let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    for field in ["name", "email"] {
        assert!(named.contains(&field), "{named:?}");
    }
}
