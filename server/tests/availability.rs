//! A host's weekly hours and date overrides: saved as the dashboard saves
//! them, read back as saved (rules and overrides come from one read), and
//! followed by the booking page and by bookings.
use crate::helpers::{Answer, TestApp};
use crate::on_both_databases;
use app::dto::AvailabilityDto;
use app::error::AppError;
use app::functions::availability::SaveAvailability;
use app::ssr::entities::user;
use app::ssr::services::availability;
use app::ssr::services::booking_page::{PageQuery, load};
use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

on_both_databases!(weekly_hours_and_date_overrides_come_back_as_saved_and_shape_the_booking_page);

async fn ada(app: &TestApp) -> user::Model {
    user::Entity::find()
        .filter(user::Column::Slug.eq("ada"))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("Ada signed up")
}

/// The free times the booking page offers on `date`.
async fn slots_on(app: &TestApp, date: NaiveDate) -> Vec<String> {
    let query = PageQuery {
        month: Some(date.format("%Y-%m").to_string()),
        date: Some(date.to_string()),
        ..PageQuery::default()
    };
    let page = load(&app.state.db, "ada", "intro", query).await.unwrap();
    page.slots.into_iter().map(|s| s.start).collect()
}

async fn weekly_hours_and_date_overrides_come_back_as_saved_and_shape_the_booking_page(app: TestApp) {
    let client = app.sign_up("ada").await;
    app.create_event_type(&client, "intro", 30).await;
    let mut wanted = serde_json::to_value(availability::get(&app.state.db, &ada(&app).await).await.unwrap()).unwrap();

    // A Wednesday two weeks or more ahead is off; the Thursday after has
    // two short ranges instead of the weekly hours.
    let mut off = (Utc::now() + Duration::days(14)).date_naive();
    while off.weekday() != Weekday::Wed {
        off += Duration::days(1);
    }
    let short = off + Duration::days(1);
    let usual = short + Duration::days(7);
    let before = slots_on(&app, short).await;
    assert!(
        !slots_on(&app, off).await.is_empty(),
        "a Wednesday has the weekly hours"
    );
    // Saved out of order: the read puts dates and ranges in order.
    wanted["overrides"] = serde_json::json!([
        { "date": short.to_string(), "hours": [{ "start": 780, "end": 840 }, { "start": 600, "end": 660 }] },
        { "date": off.to_string(), "hours": null },
    ]);
    let saved = client
        .post(format!("{}{}", app.address, SaveAvailability::PATH))
        .header("Accept", "application/json")
        .json(&serde_json::json!({ "availability": wanted }))
        .send()
        .await
        .expect("the server answers");
    assert!(saved.status().is_success(), "{}", saved.text().await.unwrap());

    let read: AvailabilityDto = availability::get(&app.state.db, &ada(&app).await).await.unwrap();
    let expected: AvailabilityDto = serde_json::from_value(serde_json::json!({
        "time_zone": wanted["time_zone"],
        "weekly": wanted["weekly"],
        "max_bookings_per_day": null,
        "overrides": [
            { "date": off.to_string(), "hours": null },
            { "date": short.to_string(), "hours": [{ "start": 600, "end": 660 }, { "start": 780, "end": 840 }] },
        ],
    }))
    .unwrap();
    assert_eq!(read, expected);

    assert_eq!(
        slots_on(&app, off).await,
        Vec::<String>::new(),
        "the day off offers nothing"
    );
    let on_short = slots_on(&app, short).await;
    assert!(!on_short.is_empty(), "the short day offers its two ranges");
    assert!(
        on_short.len() < before.len(),
        "two hours offer fewer times than the weekly hours: {on_short:?} vs {before:?}"
    );
    assert_eq!(
        slots_on(&app, usual).await.len(),
        before.len(),
        "the Thursday after keeps the weekly hours"
    );

    // A booking re-reads the hours under the host's lock: a time the weekly
    // hours offered but the day off does not is refused; one of the short
    // day's times books, and the page no longer offers it.
    let wednesday_after = slots_on(&app, off + Duration::days(7)).await;
    let off_time =
        (chrono::DateTime::parse_from_rfc3339(&wednesday_after[0]).unwrap() - Duration::days(7)).to_rfc3339();
    assert!(
        matches!(
            app.book("ada", "intro", &off_time, "grace@example.com").await,
            Answer::Err(AppError::SlotTaken)
        ),
        "{off_time} is on the day off"
    );
    app.book("ada", "intro", &on_short[0], "grace@example.com")
        .await
        .redirect();
    assert!(
        !slots_on(&app, short).await.contains(&on_short[0]),
        "{} is booked",
        on_short[0]
    );
}
