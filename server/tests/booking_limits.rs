//! Limits on the public booking form: per client IP (told apart by
//! `X-Forwarded-For` from a trusted proxy), per invitee e-mail and per host
//! an hour, and the host's own cap on bookings a day.
use crate::helpers::{Answer, Backend, TestApp, browser, spawn_app_configured};
use crate::on_both_databases;
use app::error::AppError;
use app::functions::availability::SaveAvailability;
use app::functions::bookings::Book;
use app::ssr::access::AccessLimits;
use app::ssr::services::booking_page::{PageQuery, load};
use app::ssr::services::bookings::BookingLimits;
use hubspot_sandbox::SandboxConfig;
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;

on_both_databases!(a_host_s_daily_cap_closes_a_day_once_it_is_reached);

async fn limited(backend: Backend, limits: AccessLimits) -> Option<TestApp> {
    spawn_app_configured(backend, SandboxConfig::default(), |config| {
        config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        config.access_limits = limits;
    })
    .await
}

/// Bookings an hour per invitee e-mail and per host; the rest as by default.
fn hourly(per_email_per_hour: u32, per_host_per_hour: u32) -> AccessLimits {
    AccessLimits {
        bookings: BookingLimits {
            per_email_per_hour,
            per_host_per_hour,
        },
        ..AccessLimits::default()
    }
}

/// The free starts of the first day with any, as the booking page offers them.
/// A day with at least five free times, and those times. Today may have
/// only a few left, depending on when the test runs, so later days and the
/// next month are searched too.
async fn first_day_slots(app: &TestApp) -> (String, Vec<String>) {
    let mut month = None;
    for _ in 0..2 {
        let query = PageQuery {
            month: month.clone(),
            ..PageQuery::default()
        };
        let page = load(&app.state.db, "ada", "intro", query).await.unwrap();
        for day in page.days.iter().filter(|d| d.has_slots) {
            let slots = slots_on(app, &page.month, &day.date).await;
            if slots.len() >= 5 {
                return (day.date.clone(), slots);
            }
        }
        month = page.next_month.clone();
    }
    panic!("no day with five free times in two months")
}

async fn slots_on(app: &TestApp, month: &str, day: &str) -> Vec<String> {
    let query = PageQuery {
        month: Some(month.to_owned()),
        date: Some(day.to_owned()),
        ..PageQuery::default()
    };
    let page = load(&app.state.db, "ada", "intro", query).await.unwrap();
    page.slots.into_iter().map(|s| s.start).collect()
}

async fn book_from(app: &TestApp, client: &str, start: &str, email: &str) -> StatusCode {
    browser()
        .post(format!("{}{}", app.address, Book::PATH))
        .header("Accept", "application/json")
        .header("X-Forwarded-For", client)
        .form(&[
            ("form[host]", "ada"),
            ("form[event]", "intro"),
            ("form[start]", start),
            ("form[time_zone]", "Europe/Berlin"),
            ("form[name]", "Grace Hopper"),
            ("form[email]", email),
            ("form[phone]", ""),
            ("form[notes]", ""),
        ])
        .send()
        .await
        .expect("the server answers")
        .status()
}

fn went_through(status: StatusCode) -> bool {
    status.is_success() || status.is_redirection()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bookings_are_limited_per_client_ip() {
    let app = limited(
        Backend::Sqlite,
        AccessLimits {
            bookings_per_ip_per_hour: 2,
            ..AccessLimits::default()
        },
    )
    .await
    .expect("SQLite always runs");
    let ada = app.sign_up("ada").await;
    app.create_event_type(&ada, "intro", 30).await;
    let (_, slots) = first_day_slots(&app).await;
    assert!(went_through(
        book_from(&app, "198.51.100.1", &slots[0], "one@example.com").await
    ));
    assert!(went_through(
        book_from(&app, "198.51.100.1", &slots[1], "two@example.com").await
    ));
    assert_eq!(
        book_from(&app, "198.51.100.1", &slots[2], "three@example.com").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert!(went_through(
        book_from(&app, "198.51.100.2", &slots[2], "three@example.com").await
    ));
}

async fn bookings_are_limited_per_invitee_email_and_per_host(backend: Backend) {
    let Some(app) = limited(backend, hourly(2, 3)).await else {
        return;
    };
    let ada = app.sign_up("ada").await;
    app.create_event_type(&ada, "intro", 30).await;
    let (_, slots) = first_day_slots(&app).await;
    for start in &slots[..2] {
        assert!(matches!(
            app.book("ada", "intro", start, "Mallory@Example.com").await,
            Answer::Redirect(_)
        ));
    }
    let AppError::TooManyRequests {
        message,
        retry_after_secs,
    } = app.book("ada", "intro", &slots[2], "mallory@example.com").await.err()
    else {
        panic!("the third booking of one address is refused")
    };
    assert!(
        message.contains("This e-mail address has made too many bookings"),
        "{message}"
    );
    assert!((3_000..=3_600).contains(&retry_after_secs), "{retry_after_secs}");

    assert!(matches!(
        app.book("ada", "intro", &slots[2], "grace@example.com").await,
        Answer::Redirect(_)
    ));
    let AppError::TooManyRequests { message, .. } = app.book("ada", "intro", &slots[3], "alan@example.com").await.err()
    else {
        panic!("the host's fourth booking of the hour is refused")
    };
    assert!(message.contains("Host ada is taking no more bookings"), "{message}");

    // Another host's calendar is not affected.
    let grace = app.sign_up("grace").await;
    app.create_event_type(&grace, "intro", 30).await;
    let start = app.first_free_slot("grace", "intro").await;
    assert!(matches!(
        app.book("grace", "intro", &start, "alan@example.com").await,
        Answer::Redirect(_)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bookings_are_limited_per_invitee_email_and_per_host_on_sqlite() {
    bookings_are_limited_per_invitee_email_and_per_host(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bookings_are_limited_per_invitee_email_and_per_host_on_postgres() {
    bookings_are_limited_per_invitee_email_and_per_host(Backend::Postgres).await;
}

/// Bookings by one address that queue for the host's schedule lock count
/// each other once they hold it. The test holds the lock while three line
/// up behind it, then lets go: exactly the limit of two goes through. (On
/// PostgreSQL a count taken in the locking statement itself would see none
/// of the others, and all three would.)
async fn queued_bookings_of_one_address_stop_at_its_limit(backend: Backend) {
    use app::ssr::entities::user;
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let Some(app) = limited(backend, hourly(2, BookingLimits::default().per_host_per_hour)).await else {
        return;
    };
    let ada = app.sign_up("ada").await;
    app.create_event_type(&ada, "intro", 30).await;
    let (_, slots) = first_day_slots(&app).await;
    let held = app::ssr::db::write_transaction(&app.state.db).await.unwrap();
    user::Entity::update_many()
        .col_expr(
            user::Column::ScheduleVersion,
            Expr::col(user::Column::ScheduleVersion).add(1),
        )
        .filter(user::Column::Slug.eq("ada"))
        .exec(&held)
        .await
        .unwrap();
    let queued = async {
        tokio::join!(
            book_from(&app, "198.51.100.1", &slots[0], "mallory@example.com"),
            book_from(&app, "198.51.100.2", &slots[1], "mallory@example.com"),
            book_from(&app, "198.51.100.3", &slots[2], "mallory@example.com"),
        )
    };
    let release = async {
        // Long enough for all three to reach the lock, well within
        // SQLite's busy timeout of 5 s.
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        held.commit().await.unwrap();
    };
    let ((a, b, c), ()) = tokio::join!(queued, release);
    let answers = [a, b, c];
    assert_eq!(answers.iter().filter(|s| went_through(**s)).count(), 2, "{answers:?}");
    assert!(answers.contains(&StatusCode::TOO_MANY_REQUESTS), "{answers:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn queued_bookings_of_one_address_stop_at_its_limit_on_sqlite() {
    queued_bookings_of_one_address_stop_at_its_limit(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn queued_bookings_of_one_address_stop_at_its_limit_on_postgres() {
    queued_bookings_of_one_address_stop_at_its_limit(Backend::Postgres).await;
}

/// Saves Ada's availability with a daily cap, as the page does.
async fn save_cap(app: &TestApp, client: &reqwest::Client, cap: u32) -> reqwest::Response {
    use app::ssr::entities::user;
    use app::ssr::services::availability;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let ada = user::Entity::find()
        .filter(user::Column::Slug.eq("ada"))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("Ada signed up");
    let mut current = serde_json::to_value(availability::get(&app.state.db, &ada).await.unwrap()).unwrap();
    current["max_bookings_per_day"] = serde_json::json!(cap);
    client
        .post(format!("{}{}", app.address, SaveAvailability::PATH))
        .header("Accept", "application/json")
        .json(&serde_json::json!({ "availability": current }))
        .send()
        .await
        .expect("the server answers")
}

async fn a_host_s_daily_cap_closes_a_day_once_it_is_reached(app: TestApp) {
    let ada = app.sign_up("ada").await;
    app.create_event_type(&ada, "intro", 30).await;
    app.create_event_type(&ada, "demo", 30).await;

    let refused = save_cap(&app, &ada, 0).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.unwrap();
    assert!(body.contains("max_bookings_per_day"), "{body}");
    let saved = save_cap(&app, &ada, 2).await;
    assert!(saved.status().is_success(), "{}", saved.status());
    let saved: serde_json::Value = saved.json().await.unwrap();
    assert_eq!(saved["max_bookings_per_day"], 2);

    let (day, slots) = first_day_slots(&app).await;
    assert!(matches!(
        app.book("ada", "intro", &slots[0], "one@example.com").await,
        Answer::Redirect(_)
    ));
    // The cap counts across event types.
    assert!(matches!(
        app.book("ada", "demo", &slots[2], "two@example.com").await,
        Answer::Redirect(_)
    ));
    let month = &day[..7];
    assert!(
        slots_on(&app, month, &day).await.is_empty(),
        "the full day offers no more times"
    );
    assert!(matches!(
        app.book("ada", "intro", &slots[4], "three@example.com").await.err(),
        AppError::SlotTaken
    ));
}
