//! The daily purge: what is past the retention goes, in batches; dead jobs,
//! deliveries still being retried and their events, and what is recent stay.
use crate::helpers::TestApp;
use crate::on_both_databases;
use crate::support::receiver::Receiver;
use crate::webhooks::add_webhook;
use app::ssr::entities::{
    event, hubspot_sync_log, job, oauth_state, password_reset, stripe_event, team, user, webhook_attempt,
    webhook_delivery,
};
use app::ssr::jobs::{PurgeExpiredData, schedule_once};
use app::ssr::services::hubspot::{SyncRecord, record};
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

on_both_databases!(the_daily_purge_keeps_only_what_is_recent_or_unfinished);

async fn count<E: EntityTrait>(app: &TestApp) -> u64
where
    E::Model: Sync,
{
    E::find().count(&app.state.db).await.unwrap()
}

/// Makes every row so far look 100 days old.
async fn age_everything(app: &TestApp) {
    let db = &app.state.db;
    let then = Utc::now() - Duration::days(100);
    job::Entity::update_many()
        .col_expr(job::Column::UpdatedAt, Expr::value(then))
        .exec(db)
        .await
        .unwrap();
    event::Entity::update_many()
        .col_expr(event::Column::CreatedAt, Expr::value(then))
        .exec(db)
        .await
        .unwrap();
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(then))
        .exec(db)
        .await
        .unwrap();
    webhook_attempt::Entity::update_many()
        .col_expr(webhook_attempt::Column::CreatedAt, Expr::value(then))
        .exec(db)
        .await
        .unwrap();
    hubspot_sync_log::Entity::update_many()
        .col_expr(hubspot_sync_log::Column::CreatedAt, Expr::value(then))
        .exec(db)
        .await
        .unwrap();
}

async fn the_daily_purge_keeps_only_what_is_recent_or_unfinished(app: TestApp) {
    let receiver = Receiver::start().await;
    let ada = app.pro_owner("ada").await;
    app.create_event_type(&ada, "intro", 30).await;
    add_webhook(&app, &ada, &receiver.url, &["booking.created"], "").await;
    let db = &app.state.db;
    let host = user::Entity::find().one(db).await.unwrap().unwrap();
    let team = team::Entity::find().one(db).await.unwrap().unwrap();

    // Three old bookings: two delivered, one whose delivery is still retrying.
    for n in 0..3 {
        let slot = app.first_free_slot("ada", "intro").await;
        app.book("ada", "intro", &slot, &format!("old{n}@example.com"))
            .await
            .redirect();
    }
    app.drain_jobs().await;
    let mut retrying: webhook_delivery::ActiveModel =
        webhook_delivery::Entity::find().one(db).await.unwrap().unwrap().into();
    retrying.status = Set(webhook_delivery::RETRYING.to_owned());
    let retrying = retrying.update(db).await.unwrap();
    let mut dead: job::ActiveModel = job::Entity::find().one(db).await.unwrap().unwrap().into();
    dead.status = Set(job::DEAD.to_owned());
    let dead = dead.update(db).await.unwrap();
    record(db, SyncRecord::failure(&team.id, None, "created", Some(500), "old"))
        .await
        .unwrap();
    age_everything(&app).await;

    // What is recent.
    let slot = app.first_free_slot("ada", "intro").await;
    app.book("ada", "intro", &slot, "new@example.com").await.redirect();
    app.drain_jobs().await;
    record(db, SyncRecord::failure(&team.id, None, "created", Some(500), "new"))
        .await
        .unwrap();
    let now = Utc::now();
    for (hash, expires_at) in [
        ("expired", now - Duration::minutes(1)),
        ("live", now + Duration::minutes(30)),
    ] {
        password_reset::ActiveModel {
            token_hash: Set(hash.to_owned()),
            user_id: Set(host.id.clone()),
            expires_at: Set(expires_at),
            created_at: Set(now - Duration::hours(1)),
        }
        .insert(db)
        .await
        .unwrap();
        oauth_state::ActiveModel {
            state_hash: Set(hash.to_owned()),
            provider: Set("hubspot".to_owned()),
            session_hash: Set("session".to_owned()),
            user_id: Set(host.id.clone()),
            expires_at: Set(expires_at),
            created_at: Set(now - Duration::minutes(20)),
        }
        .insert(db)
        .await
        .unwrap();
    }
    for (id, received_at) in [("evt_old", now - Duration::days(100)), ("evt_new", now)] {
        stripe_event::ActiveModel {
            id: Set(id.to_owned()),
            team_id: Set(host.team_id.clone()),
            kind: Set("checkout.session.completed".to_owned()),
            received_at: Set(received_at),
        }
        .insert(db)
        .await
        .unwrap();
    }
    let events_before = count::<event::Entity>(&app).await;
    let deliveries_before = count::<webhook_delivery::Entity>(&app).await;

    let today = PurgeExpiredData { day: now.date_naive() };
    assert!(schedule_once(db, &today, today.id(), now).await.unwrap());
    assert!(
        !schedule_once(db, &today, today.id(), now).await.unwrap(),
        "a day's purge is scheduled once, by however many processes"
    );
    app.drain_jobs().await;

    let old = Utc::now() - Duration::days(90);
    let jobs = job::Entity::find().all(db).await.unwrap();
    assert!(
        jobs.iter().any(|j| j.id == dead.id),
        "a dead job waits for its retry or dismissal"
    );
    assert!(
        jobs.iter().all(|j| j.id == dead.id || j.updated_at > old),
        "every finished old job went"
    );
    assert!(
        jobs.iter()
            .any(|j| j.kind == "purge_expired_data" && j.status == job::DONE)
    );

    let deliveries = webhook_delivery::Entity::find().all(db).await.unwrap();
    assert_eq!(deliveries.len(), 2, "the retrying one and the new one");
    assert!(deliveries.iter().any(|d| d.id == retrying.id));
    assert_eq!(count::<webhook_delivery::Entity>(&app).await + 2, deliveries_before);
    let events = event::Entity::find().all(db).await.unwrap();
    assert!(
        events.iter().any(|e| e.id == retrying.event_id),
        "a retrying delivery keeps its event"
    );
    assert!(events.iter().all(|e| e.id == retrying.event_id || e.created_at > old));
    assert!(events.len() < events_before as usize);
    let attempts = webhook_attempt::Entity::find().all(db).await.unwrap();
    assert!(!attempts.is_empty() && attempts.iter().all(|a| a.created_at > old));

    let log = hubspot_sync_log::Entity::find().all(db).await.unwrap();
    assert_eq!(log.iter().map(|l| l.message.as_str()).collect::<Vec<_>>(), ["new"]);
    let taken_in = stripe_event::Entity::find().all(db).await.unwrap();
    assert_eq!(
        taken_in.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["evt_new"],
        "Stripe stopped redelivering the old one long ago"
    );
    let resets = password_reset::Entity::find().all(db).await.unwrap();
    assert_eq!(
        resets.iter().map(|r| r.token_hash.as_str()).collect::<Vec<_>>(),
        ["live"]
    );
    let states = oauth_state::Entity::find()
        .filter(oauth_state::Column::Provider.eq("hubspot"))
        .all(db)
        .await
        .unwrap();
    assert_eq!(
        states.iter().map(|s| s.state_hash.as_str()).collect::<Vec<_>>(),
        ["live"]
    );
}
