//! The booking form's extra fields: the host's questions and the phone
//! setting, from the editor through the booking to what is shown after.
use crate::helpers::{TestApp, browser, manage_parts};
use crate::on_both_databases;
use app::error::{AppError, FieldError};
use app::functions::bookings::{HostBooking, ManagedBooking};
use app::functions::questions::{DeleteQuestion, ListQuestions, MoveQuestion, SaveQuestion};
use app::ssr::entities::booking;
use sea_orm::EntityTrait;

on_both_databases!(
    answers_are_checked_stored_in_order_and_kept_when_questions_change,
    the_phone_number_is_hidden_optional_or_required_per_event_type,
    questions_are_edited_and_reordered_by_their_host_only,
    bad_question_settings_are_refused_field_by_field,
    numbers_yes_no_and_dates_are_checked_on_the_booking_form,
    several_options_are_ticked_one_box_each,
);

/// Adds a question; returns its id.
pub(crate) async fn add_question(
    app: &TestApp,
    host: &reqwest::Client,
    event: &str,
    fields: &[(&str, &str)],
) -> String {
    let mut form = vec![("event_type_id", event), ("id", "")];
    form.extend_from_slice(fields);
    let saved = app.call::<SaveQuestion>(host, &form).await.ok();
    saved["id"].as_str().expect("an id").to_owned()
}

async fn question_labels(app: &TestApp, host: &reqwest::Client, event: &str) -> Vec<String> {
    let list = app.call::<ListQuestions>(host, &[("event_type_id", event)]).await.ok();
    list.as_array()
        .unwrap()
        .iter()
        .map(|q| q["label"].as_str().unwrap().to_owned())
        .collect()
}

fn fields_of(error: AppError) -> Vec<String> {
    match error {
        AppError::Validation(list) => list.into_iter().map(|FieldError { field, .. }| field).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

async fn answers_are_checked_stored_in_order_and_kept_when_questions_change(app: TestApp) {
    let host = app.sign_up("ada").await;
    let event = app.create_event_type(&host, "intro", 30).await;
    let company = add_question(
        &app,
        &host,
        &event,
        &[
            ("form[label]", "Company"),
            ("form[kind]", "short_text"),
            ("form[required]", "on"),
        ],
    )
    .await;
    let size = add_question(
        &app,
        &host,
        &event,
        &[
            ("form[label]", "Team size?"),
            ("form[kind]", "choice"),
            ("form[required]", "on"),
            ("form[options]", "1–10\n11–50\n51+"),
        ],
    )
    .await;
    let agenda = add_question(
        &app,
        &host,
        &event,
        &[("form[label]", "Agenda"), ("form[kind]", "long_text")],
    )
    .await;
    let slot = app.first_free_slot("ada", "intro").await;
    let (company_field, size_field) = (format!("form[answers][{company}]"), format!("form[answers][{size}]"));

    let missing = app.book("ada", "intro", &slot, "grace@example.com").await.err();
    assert_eq!(
        fields_of(missing),
        [format!("answer-{company}"), format!("answer-{size}")]
    );
    let off_list = app
        .book_with(
            "ada",
            "intro",
            &slot,
            "grace@example.com",
            &[(&company_field, "Analytical Engines Ltd"), (&size_field, "500")],
        )
        .await
        .err();
    assert_eq!(fields_of(off_list), [format!("answer-{size}")]);

    let to = app
        .book_with(
            "ada",
            "intro",
            &slot,
            "grace@example.com",
            &[
                (&size_field, "11–50"),
                (&company_field, "  Analytical Engines Ltd "),
                ("form[answers][not-a-question]", "ignored"),
            ],
        )
        .await
        .redirect();
    let (id, token) = manage_parts(&to);
    let shown = app
        .call::<ManagedBooking>(&browser(), &[("id", &id), ("token", &token)])
        .await
        .ok();
    let answers: Vec<(&str, &str)> = shown["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["question"].as_str().unwrap(), a["value"].as_str().unwrap()))
        .collect();
    assert_eq!(
        answers,
        [("Company", "Analytical Engines Ltd"), ("Team size?", "11–50")],
        "in the form's order, blank optional answers left out"
    );

    // Renaming or deleting a question later leaves what was answered as it was.
    app.call::<SaveQuestion>(
        &host,
        &[
            ("event_type_id", &event),
            ("id", &company),
            ("form[label]", "Employer"),
            ("form[kind]", "short_text"),
        ],
    )
    .await
    .ok();
    app.call::<DeleteQuestion>(&host, &[("event_type_id", &event), ("id", &size)])
        .await
        .ok();
    app.call::<DeleteQuestion>(&host, &[("event_type_id", &event), ("id", &agenda)])
        .await
        .ok();
    let seen_by_host = app.call::<HostBooking>(&host, &[("id", &id)]).await.ok();
    assert_eq!(seen_by_host["answers"][0]["question"], "Company");
    assert_eq!(seen_by_host["answers"][1]["value"], "11–50");
    let stored = booking::Entity::find_by_id(id.as_str())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.answers.contains("Analytical Engines Ltd"));
}

async fn set_phone_field(app: &TestApp, host: &reqwest::Client, event: &str, setting: &str) -> crate::helpers::Answer {
    app.save_event_type(host, event, "intro", 30, &[("form[phone_field]", setting)])
        .await
}

/// Books `slot` of Ada's `intro` giving `phone`; returns the stored booking.
async fn book_with_phone(app: &TestApp, slot: &str, email: &str, phone: &str) -> booking::Model {
    let to = app
        .book_with("ada", "intro", slot, email, &[("form[phone]", phone)])
        .await
        .redirect();
    let (id, _) = manage_parts(&to);
    booking::Entity::find_by_id(id.as_str())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

async fn the_phone_number_is_hidden_optional_or_required_per_event_type(app: TestApp) {
    let host = app.sign_up("ada").await;
    let event = app.create_event_type(&host, "intro", 30).await;

    set_phone_field(&app, &host, &event, "required").await.ok();
    let slot = app.first_free_slot("ada", "intro").await;
    let missing = app.book("ada", "intro", &slot, "grace@example.com").await.err();
    assert_eq!(missing.message_for("phone").as_deref(), Some("Enter a phone number."));
    let bad = app
        .book_with(
            "ada",
            "intro",
            &slot,
            "grace@example.com",
            &[("form[phone]", "call me")],
        )
        .await
        .err();
    assert!(bad.message_for("phone").is_some());
    let stored = book_with_phone(&app, &slot, "grace@example.com", "+1 212 555 0100").await;
    assert_eq!(stored.invitee_phone.as_deref(), Some("+12125550100"), "kept in E.164");

    // Not asked: whatever a crafted request sends is not stored.
    set_phone_field(&app, &host, &event, "hidden").await.ok();
    let slot = app.first_free_slot("ada", "intro").await;
    let stored = book_with_phone(&app, &slot, "alan@example.com", "not even a number").await;
    assert_eq!(stored.invitee_phone, None);

    let unknown = set_phone_field(&app, &host, &event, "sometimes").await.err();
    assert_eq!(fields_of(unknown), ["phone_field"]);
}

async fn questions_are_edited_and_reordered_by_their_host_only(app: TestApp) {
    let ada = app.sign_up("ada").await;
    let grace = app.sign_up("grace").await;
    let event = app.create_event_type(&ada, "intro", 30).await;
    let mut ids = Vec::new();
    for label in ["First", "Second", "Third"] {
        ids.push(
            add_question(
                &app,
                &ada,
                &event,
                &[("form[label]", label), ("form[kind]", "short_text")],
            )
            .await,
        );
    }
    app.call::<MoveQuestion>(&ada, &[("event_type_id", &event), ("id", &ids[2]), ("up", "true")])
        .await
        .ok();
    assert_eq!(question_labels(&app, &ada, &event).await, ["First", "Third", "Second"]);
    // Moving the first one up changes nothing.
    app.call::<MoveQuestion>(&ada, &[("event_type_id", &event), ("id", &ids[0]), ("up", "true")])
        .await
        .ok();
    app.call::<DeleteQuestion>(&ada, &[("event_type_id", &event), ("id", &ids[2])])
        .await
        .ok();
    app.call::<MoveQuestion>(&ada, &[("event_type_id", &event), ("id", &ids[0]), ("up", "false")])
        .await
        .ok();
    assert_eq!(question_labels(&app, &ada, &event).await, ["Second", "First"]);

    // Another host can neither see nor change them.
    assert_eq!(
        app.call::<ListQuestions>(&grace, &[("event_type_id", &event)])
            .await
            .err(),
        AppError::NotFound
    );
    let hijack = app
        .call::<SaveQuestion>(
            &grace,
            &[
                ("event_type_id", &event),
                ("id", &ids[0]),
                ("form[label]", "Mine now"),
                ("form[kind]", "short_text"),
            ],
        )
        .await
        .err();
    assert_eq!(hijack, AppError::NotFound);
    assert_eq!(
        app.call::<DeleteQuestion>(&grace, &[("event_type_id", &event), ("id", &ids[0])])
            .await
            .err(),
        AppError::NotFound
    );
    // Nor can a question be moved to another event type by naming it.
    let other = app.create_event_type(&ada, "other", 15).await;
    assert_eq!(
        app.call::<DeleteQuestion>(&ada, &[("event_type_id", &other), ("id", &ids[0])])
            .await
            .err(),
        AppError::NotFound
    );
    assert_eq!(question_labels(&app, &ada, &event).await, ["Second", "First"]);
}

async fn bad_question_settings_are_refused_field_by_field(app: TestApp) {
    let host = app.sign_up("ada").await;
    let event = app.create_event_type(&host, "intro", 30).await;
    let long = "q".repeat(301);
    let refused = app
        .call::<SaveQuestion>(
            &host,
            &[
                ("event_type_id", &event),
                ("id", ""),
                ("form[label]", &long),
                ("form[kind]", "choice"),
                ("form[options]", "Only one"),
            ],
        )
        .await
        .err();
    assert_eq!(fields_of(refused), ["label", "options"]);
    for i in 0..20 {
        add_question(
            &app,
            &host,
            &event,
            &[("form[label]", &format!("Q{i}")), ("form[kind]", "short_text")],
        )
        .await;
    }
    let too_many = app
        .call::<SaveQuestion>(
            &host,
            &[
                ("event_type_id", &event),
                ("id", ""),
                ("form[label]", "One more"),
                ("form[kind]", "short_text"),
            ],
        )
        .await
        .err();
    assert!(too_many.message_for("label").unwrap().contains("at most 20"));
}

async fn numbers_yes_no_and_dates_are_checked_on_the_booking_form(app: TestApp) {
    let host = app.sign_up("ada").await;
    let event = app.create_event_type(&host, "intro", 30).await;
    let mut ids = Vec::new();
    for (label, kind) in [
        ("Employees", "number"),
        ("Existing customer?", "yes_no"),
        ("Go-live", "date"),
    ] {
        let fields = [("form[label]", label), ("form[kind]", kind), ("form[required]", "on")];
        ids.push(add_question(&app, &host, &event, &fields).await);
    }
    let listed = app
        .call::<ListQuestions>(&host, &[("event_type_id", &event)])
        .await
        .ok();
    let kinds: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["number", "yes_no", "date"]);
    let names: Vec<String> = ids.iter().map(|id| format!("form[answers][{id}]")).collect();
    let slot = app.first_free_slot("ada", "intro").await;

    let wrong = app
        .book_with(
            "ada",
            "intro",
            &slot,
            "grace@example.com",
            &[
                (&names[0], "a dozen"),
                (&names[1], "perhaps"),
                (&names[2], "next spring"),
            ],
        )
        .await
        .err();
    let fields: Vec<String> = ids.iter().map(|id| format!("answer-{id}")).collect();
    assert_eq!(fields_of(wrong), fields);

    let to = app
        .book_with(
            "ada",
            "intro",
            &slot,
            "grace@example.com",
            &[(&names[0], "120"), (&names[1], "no"), (&names[2], "2027-01-15")],
        )
        .await
        .redirect();
    assert_eq!(stored_answers(&app, &to).await, ["120", "No", "2027-01-15"]);
}

/// The answer values stored for the booking a booking form led to.
async fn stored_answers(app: &TestApp, redirect: &str) -> Vec<String> {
    let (id, _) = manage_parts(redirect);
    let stored = booking::Entity::find_by_id(id.as_str())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let answers: Vec<serde_json::Value> = serde_json::from_str(&stored.answers).unwrap();
    answers
        .iter()
        .map(|a| a["value"].as_str().unwrap().to_owned())
        .collect()
}

async fn several_options_are_ticked_one_box_each(app: TestApp) {
    let host = app.sign_up("ada").await;
    let event = app.create_event_type(&host, "intro", 30).await;
    let fields = [
        ("form[label]", "What brings you here?"),
        ("form[kind]", "multiple_choice"),
        ("form[options]", "Pricing\nA demo\nSupport"),
        ("form[required]", "on"),
    ];
    let id = add_question(&app, &host, &event, &fields).await;
    let slot = app.first_free_slot("ada", "intro").await;
    let missing = app.book("ada", "intro", &slot, "grace@example.com").await.err();
    assert_eq!(
        missing.message_for(&format!("answer-{id}")).as_deref(),
        Some("Choose at least one answer.")
    );
    let (support, pricing) = (format!("form[answers][{id}:2]"), format!("form[answers][{id}:0]"));
    let to = app
        .book_with(
            "ada",
            "intro",
            &slot,
            "grace@example.com",
            &[(&support, "Support"), (&pricing, "Pricing")],
        )
        .await
        .redirect();
    assert_eq!(
        stored_answers(&app, &to).await,
        ["Pricing\nSupport"],
        "in the host's order, one per line"
    );

    let later = app.first_free_slot("ada", "intro").await;
    let made_up = format!("form[answers][{id}]");
    let refused = app
        .book_with("ada", "intro", &later, "alan@example.com", &[(&made_up, "Free lunch")])
        .await
        .err();
    assert_eq!(
        refused.message_for(&format!("answer-{id}")).as_deref(),
        Some("Choose only from the options.")
    );
}
