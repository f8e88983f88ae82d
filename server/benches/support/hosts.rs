//! Hosts for benchmarks: signed up as a host does, with an event type, and
//! the free times their booking page lists.
use app::dto::{EventTypeForm, SignupForm};
use app::ssr::entities::{event_type, user};
use app::ssr::services::bookings::{self, SlotWindow};
use app::ssr::services::{accounts, event_types};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{DatabaseConnection, EntityTrait};

/// Host `slug`, named `name`, with a 30-minute event type `event` and the
/// default weekday hours.
pub async fn seed_host(
    db: &DatabaseConnection,
    slug: &str,
    name: &str,
    event: &str,
) -> anyhow::Result<(user::Model, event_type::Model)> {
    let host = accounts::sign_up(
        db,
        SignupForm {
            name: name.into(),
            email: format!("{slug}@example.com"),
            password: "correct horse battery".into(),
            slug: slug.into(),
            time_zone: "Europe/Berlin".into(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("signing a host up: {e:?}"))?;
    let created = event_types::create(
        db,
        &host,
        EventTypeForm {
            name: "Intro call".into(),
            slug: event.into(),
            duration: "30".into(),
            ..EventTypeForm::default()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("creating an event type: {e:?}"))?;
    let event = event_type::Entity::find_by_id(created.id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the new event type"))?;
    Ok((host, event))
}

/// The first `count` times `host` offers now, as its booking page lists them.
pub async fn free_starts(
    db: &DatabaseConnection,
    (host, event): &(user::Model, event_type::Model),
    count: usize,
) -> anyhow::Result<Vec<DateTime<Utc>>> {
    let now = Utc::now();
    let window = SlotWindow {
        from: now,
        to: now + Duration::days(event.horizon_days.into()),
        minutes: event.duration_min as u32,
        exclude: None,
    };
    let mut starts = bookings::free_slots(db, host, event, window, now)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    anyhow::ensure!(
        starts.len() >= count,
        "{} has {} free times left, fewer than {count}: run fewer rounds",
        host.slug,
        starts.len()
    );
    starts.truncate(count);
    Ok(starts)
}
