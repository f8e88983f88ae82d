//! Moving HubSpot's data into the integration tables: a database at the
//! schema before them, with a connection and HubSpot-linked bookings, is
//! migrated, and the next change patches the same HubSpot objects; links
//! name their portal, so another portal never gets the old one's ids.
use crate::helpers::{TestApp, browser};
use crate::hubspot_sync::{book_as, connected};
use crate::on_both_databases;
use app::functions::bookings::Reschedule;
use app::ssr::entities::{hubspot_sync_log, integration_connection};
use migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::Expr;
use sea_orm::{ConnectionTrait, EntityTrait, Statement};

on_both_databases!(
    a_migrated_hubspot_link_is_patched_by_the_next_reschedule,
    a_team_reconnected_to_another_portal_starts_afresh_there,
);

/// One text column of every row `sql` returns.
async fn column(app: &TestApp, sql: &str) -> Vec<Option<String>> {
    let db = &app.state.db;
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.try_get::<Option<String>>("", "value").unwrap())
        .collect()
}

/// How many migrations to undo so that `name` and every later one are undone.
fn steps_back_to_before(name: &str) -> u32 {
    let migrations = Migrator::migrations();
    let from_newest = migrations
        .iter()
        .rev()
        .position(|migration| migration.name() == name)
        .expect("a migration of that name");
    u32::try_from(from_newest + 1).unwrap()
}

/// Moves the booking to the next free time as its invitee, and syncs.
async fn reschedule_and_sync(app: &TestApp, id: &str, token: &str) {
    let later = app.first_free_slot("ada", "intro").await;
    app.call::<Reschedule>(&browser(), &[("id", id), ("token", token), ("start", &later)])
        .await
        .redirect();
    app.drain_jobs().await;
}

async fn a_migrated_hubspot_link_is_patched_by_the_next_reschedule(app: TestApp) {
    connected(&app).await;
    let (id, token) = book_as(&app, "Mary Ann Smith", "mary@example.com").await;
    app.drain_jobs().await;
    let [meeting] = app.hubspot.meetings().try_into().expect("one meeting");

    // Back to the schema before the integration tables: the ids are only
    // in the old columns now.
    Migrator::down(
        &app.state.db,
        Some(steps_back_to_before("m20261203_000012_integration_tables")),
    )
    .await
    .unwrap();
    let old = column(
        &app,
        &format!("SELECT hubspot_meeting_id AS value FROM bookings WHERE id = '{id}'"),
    )
    .await;
    assert_eq!(old, [Some(meeting.object.id.clone())]);
    let portals = column(&app, "SELECT portal_id AS value FROM hubspot_connections").await;
    assert_eq!(portals, [Some("4242424".to_owned())]);

    Migrator::up(&app.state.db, None).await.unwrap();
    reschedule_and_sync(&app, &id, &token).await;

    let meetings = app.hubspot.meetings();
    assert_eq!(meetings.len(), 1, "no second meeting was created");
    assert_eq!(meetings[0].object.id, meeting.object.id);
    assert_eq!(meetings[0].object.property("hs_meeting_outcome"), Some("RESCHEDULED"));
    assert_eq!(app.hubspot.contacts().len(), 1);
}

async fn a_team_reconnected_to_another_portal_starts_afresh_there(app: TestApp) {
    connected(&app).await;
    let (id, token) = book_as(&app, "Mary Ann Smith", "mary@example.com").await;
    app.drain_jobs().await;
    let [first] = app.hubspot.meetings().try_into().expect("one meeting");

    // The team now names another portal, as after connecting to it.
    integration_connection::Entity::update_many()
        .col_expr(integration_connection::Column::AccountId, Expr::value("999"))
        .exec(&app.state.db)
        .await
        .unwrap();
    reschedule_and_sync(&app, &id, &token).await;

    let meetings = app.hubspot.meetings();
    assert_eq!(meetings.len(), 1, "the old portal's booking is not sent to the new one");
    assert_eq!(
        meetings[0].object.property("hs_meeting_outcome"),
        first.object.property("hs_meeting_outcome"),
        "the old portal's meeting is left as it was"
    );
    let log = hubspot_sync_log::Entity::find().all(&app.state.db).await.unwrap();
    assert!(
        log.iter()
            .any(|l| l.action == "rescheduled" && l.message.starts_with("Skipped:")),
        "the skip is in the sync log"
    );

    // A booking made after the reconnect goes to the new portal.
    book_as(&app, "Grace Hopper", "grace@example.com").await;
    app.drain_jobs().await;
    assert_eq!(app.hubspot.meetings().len(), 2);
}
