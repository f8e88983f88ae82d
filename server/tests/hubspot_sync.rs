//! Booking changes reaching HubSpot (the sandbox) through durable jobs:
//! in order, exactly once, through faults, token expiry and revocation.
use crate::helpers::{TestApp, browser, manage_parts};
use crate::on_both_databases;
use app::functions::bookings::{CancelAsInvitee, Reschedule};
use app::functions::integrations::{DisconnectHubspot, SetHubspotContactPolicy};
use app::ssr::entities::{booking, external_link, hubspot_sync_log, integration_connection as hubspot_connection, job};
use hubspot_sandbox::{Chaos, Fault, TokenEventKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use std::time::{Duration, Instant};

on_both_databases!(
    a_booking_its_reschedule_and_its_cancellation_reach_hubspot_in_order,
    bookings_never_wait_for_a_slow_or_failing_hubspot,
    injected_failures_still_sync_every_booking_exactly_once,
    an_expiring_or_expired_access_token_is_refreshed,
    concurrent_syncs_refresh_a_rotating_token_once,
    a_failing_token_endpoint_is_retried_then_reported_without_disconnecting,
    a_revoked_refresh_token_disconnects_and_emails_the_owner_once,
    failure_emails_go_out_at_most_once_a_week,
    disconnecting_drops_pending_syncs,
    an_existing_contact_is_updated_or_left_alone_as_the_team_chose,
    an_event_type_with_hubspot_off_sends_nothing,
    the_daily_check_refreshes_an_idle_token_and_flags_a_revoked_one,
);

/// Ada, owner of a Pro team connected to the sandbox, with event type `intro`.
pub(crate) async fn connected(app: &TestApp) -> reqwest::Client {
    let ada = app.pro_owner("ada").await;
    app.create_event_type(&ada, "intro", 30).await;
    assert_eq!(app.connect_hubspot(&ada).await.1, "/dashboard/integrations?connected=1");
    ada
}

/// Books the first free slot as `name <email>`; returns the booking id and manage token.
pub(crate) async fn book_as(app: &TestApp, name: &str, email: &str) -> (String, String) {
    let slot = app.first_free_slot("ada", "intro").await;
    let to = app
        .book_with(
            "ada",
            "intro",
            &slot,
            email,
            &[("form[name]", name), ("form[phone]", "+49 30 1234567")],
        )
        .await
        .redirect();
    manage_parts(&to)
}

/// Books `count` invitees, `invitee0@example.com` onwards; returns the booking ids.
async fn book_invitees(app: &TestApp, count: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..count {
        let (id, _) = book_as(app, &format!("Invitee {i}"), &format!("invitee{i}@example.com")).await;
        ids.push(id);
    }
    ids
}

async fn stored(app: &TestApp, id: &str) -> booking::Model {
    booking::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

/// A booking's HubSpot ids, as Slotline linked them.
struct Linked {
    hubspot_contact_id: Option<String>,
    hubspot_meeting_id: Option<String>,
}

async fn linked(app: &TestApp, id: &str) -> Linked {
    let links = external_link::Entity::find()
        .filter(external_link::Column::LocalKind.eq(external_link::BOOKING))
        .filter(external_link::Column::LocalId.eq(id))
        .all(&app.state.db)
        .await
        .unwrap();
    let remote = |kind: &str| {
        links
            .iter()
            .find(|l| l.remote_kind == kind)
            .and_then(|l| l.remote_id.clone())
    };
    Linked {
        hubspot_contact_id: remote("contact"),
        hubspot_meeting_id: remote("meeting"),
    }
}

async fn log_lines(app: &TestApp) -> Vec<hubspot_sync_log::Model> {
    hubspot_sync_log::Entity::find()
        .order_by_asc(hubspot_sync_log::Column::CreatedAt)
        .all(&app.state.db)
        .await
        .unwrap()
}

async fn a_booking_its_reschedule_and_its_cancellation_reach_hubspot_in_order(app: TestApp) {
    connected(&app).await;
    let (id, token) = book_as(&app, "Mary Ann Smith", "mary@example.com").await;
    // All three changes are queued before any job runs: order must still hold.
    let first = stored(&app, &id).await;
    let later = app.first_free_slot("ada", "intro").await;
    let moved = app
        .call::<Reschedule>(&browser(), &[("id", &id), ("token", &token), ("start", &later)])
        .await
        .redirect();
    assert!(moved.contains("rescheduled=1"));
    app.call::<CancelAsInvitee>(&browser(), &[("id", &id), ("token", &token), ("reason", "")])
        .await
        .ok();
    app.drain_jobs().await;

    let contacts = app.hubspot.contacts();
    assert_eq!(contacts.len(), 1);
    let contact = &contacts[0];
    assert_eq!(contact.property("email"), Some("mary@example.com"));
    assert_eq!(contact.property("firstname"), Some("Mary Ann"));
    assert_eq!(contact.property("lastname"), Some("Smith"));
    assert_eq!(contact.property("phone"), Some("+49301234567"));

    let meetings = app.hubspot.meetings();
    assert_eq!(meetings.len(), 1, "one meeting, patched, never recreated or deleted");
    let meeting = &meetings[0];
    assert_eq!(meeting.contact_ids, std::slice::from_ref(&contact.id));
    assert_eq!(
        meeting.object.property("hs_meeting_title"),
        Some("Event intro with Mary Ann Smith")
    );
    assert_eq!(meeting.object.property("hs_meeting_body"), Some("Booked via Slotline"));
    assert_eq!(meeting.object.property("hs_meeting_outcome"), Some("CANCELED"));
    let now = stored(&app, &id).await;
    assert_ne!(now.start_at, first.start_at);
    assert_eq!(
        meeting.object.property("hs_meeting_start_time"),
        Some(app::ssr::time_fmt::iso(now.start_at).as_str())
    );
    assert_eq!(
        meeting.object.property("hs_timestamp"),
        Some(app::ssr::time_fmt::iso(now.start_at).as_str())
    );
    assert_eq!(
        meeting.object.property("hs_meeting_end_time"),
        Some(app::ssr::time_fmt::iso(now.end_at).as_str())
    );
    assert_eq!(
        meeting.object.property("hs_meeting_external_url"),
        Some(format!("http://slotline.test/dashboard/bookings/{id}").as_str())
    );
    let ids = linked(&app, &id).await;
    assert_eq!(ids.hubspot_contact_id.as_deref(), Some(contact.id.as_str()));
    assert_eq!(ids.hubspot_meeting_id.as_deref(), Some(meeting.object.id.as_str()));

    let lines = log_lines(&app).await;
    let actions: Vec<(&str, bool)> = lines.iter().map(|l| (l.action.as_str(), l.succeeded)).collect();
    assert_eq!(actions, [("created", true), ("rescheduled", true), ("cancelled", true)]);
    assert!(
        lines
            .iter()
            .all(|l| l.meeting_id.as_deref() == Some(meeting.object.id.as_str()))
    );
}

/// How long each of `count` bookings takes to answer.
async fn booking_latencies(app: &TestApp, label: &str, count: usize) -> Vec<Duration> {
    let mut took = Vec::new();
    for i in 0..count {
        let started = Instant::now();
        book_as(app, "Grace Hopper", &format!("{label}{i}@example.com")).await;
        took.push(started.elapsed());
    }
    took
}

async fn bookings_never_wait_for_a_slow_or_failing_hubspot(app: TestApp) {
    let ada = app.pro_owner("ada").await;
    app.create_event_type(&ada, "intro", 30).await;
    // Real workers this time, so HubSpot calls run while bookings are made.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers = app.runner.spawn_workers(2, stopped);
    let without = booking_latencies(&app, "before", 4).await;

    // Job workers write while the callback stores the tokens; it must still succeed.
    assert_eq!(app.connect_hubspot(&ada).await.1, "/dashboard/integrations?connected=1");
    // Every call now takes 5 s (beyond the client's timeout) or fails.
    app.hubspot.push_faults((0..200).map(|i| {
        if i % 2 == 0 {
            Fault::Slow(Duration::from_secs(5))
        } else {
            Fault::ServerError
        }
    }));
    let with = booking_latencies(&app, "during", 4).await;
    // The syncs were under way: HubSpot takes up its (slow, failing) answers
    // as calls arrive, whether or not they are answered before the client gives up.
    // Generous: on a loaded machine the workers reach the syncs late.
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.hubspot.pending_faults() == 200 {
        assert!(Instant::now() < deadline, "no HubSpot calls were made");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let slowest_without = without.iter().max().copied().unwrap_or_default();
    for took in &with {
        // Generous bounds: a booking that waited on HubSpot would take 5 s or more.
        assert!(
            *took < slowest_without + Duration::from_millis(1_500),
            "with HubSpot slow: {with:?}; without HubSpot: {without:?}"
        );
    }
    let _ = stop.send(true);
    for worker in workers {
        let _ = worker.await;
    }
}

async fn injected_failures_still_sync_every_booking_exactly_once(app: TestApp) {
    connected(&app).await;
    app.hubspot.set_chaos(Some(Chaos::new(0.3).with_seed(7)));
    let ids = book_invitees(&app, 8).await;
    app.drain_jobs().await;
    app.hubspot.set_chaos(None);

    let contacts = app.hubspot.contacts();
    let meetings = app.hubspot.meetings();
    assert_eq!(contacts.len(), 8, "no duplicate contacts");
    assert_eq!(meetings.len(), 8, "no duplicate meetings");
    for id in &ids {
        let booking = linked(&app, id).await;
        let meeting_id = booking.hubspot_meeting_id.expect("synced");
        let meeting = meetings.iter().find(|m| m.object.id == meeting_id).unwrap();
        assert_eq!(meeting.contact_ids, [booking.hubspot_contact_id.unwrap()]);
    }
    let lines = log_lines(&app).await;
    assert_eq!(lines.iter().filter(|l| l.succeeded).count(), 8);
    assert!(lines.iter().any(|l| !l.succeeded), "the faults show in the log");
    assert!(
        app.hubspot.requests().iter().any(|r| r.status >= 429),
        "faults were injected"
    );
}

async fn an_expiring_or_expired_access_token_is_refreshed(app: TestApp) {
    connected(&app).await;
    // Expired at HubSpot although Slotline thinks it is fresh: a 401, a refresh, a retry.
    app.hubspot.expire_access_tokens();
    let (first, _) = book_as(&app, "Ada Lovelace", "one@example.com").await;
    app.drain_jobs().await;
    assert!(linked(&app, &first).await.hubspot_meeting_id.is_some());
    let refreshed = |app: &TestApp| {
        app.hubspot
            .token_events()
            .iter()
            .filter(|e| e.kind == TokenEventKind::Refreshed)
            .count()
    };
    assert_eq!(refreshed(&app), 1);
    assert!(app.hubspot.requests().iter().any(|r| r.status == 401));

    // About to expire: refreshed before use, so HubSpot never answers 401.
    let unauthorized_so_far = app.hubspot.requests().iter().filter(|r| r.status == 401).count();
    let mut connection: hubspot_connection::ActiveModel = hubspot_connection::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    connection.access_expires_at = Set(Some(chrono::Utc::now() + chrono::Duration::minutes(2)));
    connection.update(&app.state.db).await.unwrap();
    let (second, _) = book_as(&app, "Ada Lovelace", "two@example.com").await;
    app.drain_jobs().await;
    assert!(linked(&app, &second).await.hubspot_meeting_id.is_some());
    assert_eq!(refreshed(&app), 2);
    assert_eq!(
        app.hubspot.requests().iter().filter(|r| r.status == 401).count(),
        unauthorized_so_far
    );
}

/// Twenty syncs of one team find every access token expired at once while
/// HubSpot rotates refresh tokens: had two of them spent the same refresh
/// token, the second would get `invalid_grant` and disconnect the team.
async fn concurrent_syncs_refresh_a_rotating_token_once(app: TestApp) {
    connected(&app).await;
    let ids = book_invitees(&app, 20).await;
    app.hubspot.set_refresh_rotation(true);
    app.hubspot.expire_access_tokens();
    expire_stored_token(&app).await;

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers = app.runner.spawn_pool(app::ssr::jobs::Queue::Default, 20, stopped);
    let deadline = Instant::now() + Duration::from_secs(90);
    while app.pending_jobs().await > 0 {
        assert!(Instant::now() < deadline, "syncs still pending");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = stop.send(true);
    for worker in workers {
        let _ = worker.await;
    }

    assert_eq!(
        hubspot_connection::Entity::find().count(&app.state.db).await.unwrap(),
        1,
        "still connected"
    );
    let events = app.hubspot.token_events();
    let refreshes = events.iter().filter(|e| e.kind == TokenEventKind::Refreshed).count();
    assert_eq!(refreshes, 1, "one refresh served every job: {events:?}");
    assert_eq!(app.hubspot.contacts().len(), 20);
    let meetings = app.hubspot.meetings();
    assert_eq!(meetings.len(), 20, "every booking synced once");
    for id in &ids {
        let meeting_id = linked(&app, id).await.hubspot_meeting_id.expect("synced");
        assert!(meetings.iter().any(|m| m.object.id == meeting_id));
    }
    assert!(log_lines(&app).await.iter().all(|l| l.succeeded), "no failed attempt");
}

/// Marks the stored access token expired, so the next sync refreshes first.
async fn expire_stored_token(app: &TestApp) {
    let mut connection: hubspot_connection::ActiveModel = hubspot_connection::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    connection.access_expires_at = Set(Some(chrono::Utc::now() - chrono::Duration::minutes(1)));
    connection.update(&app.state.db).await.unwrap();
}

async fn a_failing_token_endpoint_is_retried_then_reported_without_disconnecting(app: TestApp) {
    connected(&app).await;
    expire_stored_token(&app).await;
    app.hubspot.refuse_token_requests(1_000);
    let (id, _) = book_as(&app, "Ada Lovelace", "one@example.com").await;
    app.drain_jobs().await;
    assert_eq!(
        hubspot_connection::Entity::find().count(&app.state.db).await.unwrap(),
        1,
        "invalid_client is not a revoked grant"
    );
    let failures: Vec<_> = log_lines(&app).await.into_iter().filter(|l| !l.succeeded).collect();
    assert!(failures.len() > 1, "retried");
    assert!(
        failures.iter().all(|l| l.message.contains("invalid_client")),
        "{failures:?}"
    );
    app.smtp.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(alerts(&app), 1, "the owner hears of it once");
    assert!(linked(&app, &id).await.hubspot_meeting_id.is_none());

    // Once HubSpot takes the credentials again, the next booking syncs.
    app.hubspot.refuse_token_requests(0);
    let (next, _) = book_as(&app, "Ada Lovelace", "two@example.com").await;
    app.drain_jobs().await;
    assert!(linked(&app, &next).await.hubspot_meeting_id.is_some());
}

fn alerts(app: &TestApp) -> usize {
    app.smtp
        .messages()
        .iter()
        .filter(|m| m.data.contains("HubSpot sync needs your attention"))
        .count()
}

async fn a_revoked_refresh_token_disconnects_and_emails_the_owner_once(app: TestApp) {
    connected(&app).await;
    app.hubspot.revoke_all_refresh_tokens();
    book_as(&app, "Ada Lovelace", "one@example.com").await;
    book_as(&app, "Ada Lovelace", "two@example.com").await;
    app.drain_jobs().await;
    assert_eq!(
        hubspot_connection::Entity::find().count(&app.state.db).await.unwrap(),
        0,
        "disconnected"
    );
    app.smtp.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(alerts(&app), 1, "one email, not one per booking");
    let mail = app
        .smtp
        .messages()
        .into_iter()
        .find(|m| m.data.contains("HubSpot sync"))
        .unwrap();
    assert_eq!(mail.rcpt_to, ["ada@example.com"]);
    assert!(mail.data.contains("/dashboard/integrations"));
    let lines = log_lines(&app).await;
    assert!(lines.iter().any(|l| l.action == "token" && !l.succeeded));
    assert!(app.hubspot.meetings().is_empty());
}

async fn failure_emails_go_out_at_most_once_a_week(app: TestApp) {
    use app::ssr::services::hubspot::alert_owner;
    connected(&app).await;
    let team = hubspot_connection::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .team_id;
    let start = chrono::Utc::now();
    let day = chrono::Duration::days(1);
    assert!(alert_owner(&app.state.db, &team, "first failure", start).await.unwrap());
    assert!(
        !alert_owner(&app.state.db, &team, "second failure", start + day * 3)
            .await
            .unwrap()
    );
    assert!(
        alert_owner(&app.state.db, &team, "a week later", start + day * 8)
            .await
            .unwrap()
    );
    app.drain_jobs().await;
    app.smtp.wait_for(2, Duration::from_secs(5)).await;
    assert_eq!(alerts(&app), 2);
    let bodies: Vec<String> = app.smtp.messages().into_iter().map(|m| m.data).collect();
    assert!(bodies.iter().any(|b| b.contains("first failure")));
    assert!(bodies.iter().any(|b| b.contains("a week later")));
    assert!(!bodies.iter().any(|b| b.contains("second failure")));
}

async fn disconnecting_drops_pending_syncs(app: TestApp) {
    let ada = connected(&app).await;
    book_as(&app, "Ada Lovelace", "one@example.com").await;
    let syncs = || {
        job::Entity::find()
            .filter(job::Column::Kind.eq("sync_booking_to_hubspot"))
            .count(&app.state.db)
    };
    assert_eq!(syncs().await.unwrap(), 1);
    app.call::<DisconnectHubspot>(&ada, &[]).await.ok();
    assert_eq!(syncs().await.unwrap(), 0);
    app.drain_jobs().await;
    assert!(app.hubspot.contacts().is_empty() && app.hubspot.meetings().is_empty());
    // Not connected: new bookings queue nothing for HubSpot.
    book_as(&app, "Ada Lovelace", "two@example.com").await;
    assert_eq!(syncs().await.unwrap(), 0);
}

async fn an_existing_contact_is_updated_or_left_alone_as_the_team_chose(app: TestApp) {
    let ada = connected(&app).await;
    book_as(&app, "Grace Hopper", "grace@example.com").await;
    app.drain_jobs().await;

    app.call::<SetHubspotContactPolicy>(&ada, &[("update", "false")])
        .await
        .ok();
    book_as(&app, "Grace Brewster Murray", "grace@example.com").await;
    app.drain_jobs().await;
    let contacts = app.hubspot.contacts();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].property("lastname"), Some("Hopper"), "left as it was");
    assert_eq!(app.hubspot.meetings().len(), 2, "the meeting is still logged");

    app.call::<SetHubspotContactPolicy>(&ada, &[("update", "true")])
        .await
        .ok();
    book_as(&app, "Grace Brewster Murray Hopper", "grace@example.com").await;
    app.drain_jobs().await;
    let contacts = app.hubspot.contacts();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].property("firstname"), Some("Grace Brewster Murray"));
}

async fn an_event_type_with_hubspot_off_sends_nothing(app: TestApp) {
    let ada = connected(&app).await;
    let id = match app
        .save_event_type(&ada, "", "private", 30, &[("form[hubspot_sync]", "off")])
        .await
    {
        crate::helpers::Answer::Ok(saved) => {
            assert_eq!(saved["hubspot_sync"], false);
            saved["id"].as_str().unwrap().to_owned()
        }
        _ => panic!("the event type is saved"),
    };
    // Saving again without the field leaves the choice as it was.
    let resaved = app.save_event_type(&ada, &id, "private", 45, &[]).await;
    assert!(matches!(resaved, crate::helpers::Answer::Ok(ref v) if v["hubspot_sync"] == false));
    let bad = app
        .save_event_type(&ada, &id, "private", 45, &[("form[hubspot_sync]", "maybe")])
        .await
        .err();
    assert!(matches!(bad, app::error::AppError::Validation(ref f) if f[0].field == "hubspot_sync"));

    let slot = app.first_free_slot("ada", "private").await;
    let (private, token) = manage_parts(&app.book("ada", "private", &slot, "quiet@example.com").await.redirect());
    let later = app.first_free_slot("ada", "private").await;
    app.call::<Reschedule>(&browser(), &[("id", &private), ("token", &token), ("start", &later)])
        .await
        .redirect();
    app.drain_jobs().await;
    assert!(app.hubspot.contacts().is_empty() && app.hubspot.meetings().is_empty());
    let syncs = job::Entity::find()
        .filter(job::Column::Kind.eq("sync_booking_to_hubspot"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(syncs, 0, "no sync was even queued");

    // The team's other event types still sync.
    let (synced, _) = book_as(&app, "Grace Hopper", "grace@example.com").await;
    app.drain_jobs().await;
    assert!(linked(&app, &synced).await.hubspot_meeting_id.is_some());
}

/// Runs the daily connection check as the day `day` days from now.
async fn daily_check(app: &TestApp, day: i64) {
    use app::ssr::jobs::{CheckHubspotConnections, schedule_once};
    let now = chrono::Utc::now();
    let check = CheckHubspotConnections {
        day: (now + chrono::Duration::days(day)).date_naive(),
    };
    assert!(schedule_once(&app.state.db, &check, check.id(), now).await.unwrap());
    app.drain_jobs().await;
}

/// Makes the stored tokens look a day and an hour old.
async fn idle_for_a_day(app: &TestApp) {
    hubspot_connection::Entity::update_many()
        .col_expr(
            hubspot_connection::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::hours(25)),
        )
        .exec(&app.state.db)
        .await
        .unwrap();
}

async fn the_daily_check_refreshes_an_idle_token_and_flags_a_revoked_one(app: TestApp) {
    connected(&app).await;
    let refreshes = |app: &TestApp| {
        app.hubspot
            .token_events()
            .iter()
            .filter(|e| e.kind == TokenEventKind::Refreshed)
            .count()
    };
    daily_check(&app, 0).await;
    assert_eq!(refreshes(&app), 0, "tokens stored today are left alone");

    idle_for_a_day(&app).await;
    daily_check(&app, 1).await;
    assert_eq!(refreshes(&app), 1, "an idle connection is refreshed");
    daily_check(&app, 2).await;
    assert_eq!(refreshes(&app), 1, "at most once a day");

    // HubSpot stopped accepting the app while no one booked: the check finds it.
    app.hubspot.revoke_all_refresh_tokens();
    idle_for_a_day(&app).await;
    daily_check(&app, 3).await;
    assert_eq!(
        hubspot_connection::Entity::find().count(&app.state.db).await.unwrap(),
        0,
        "the dead connection is removed"
    );
    app.smtp.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(alerts(&app), 1, "the owner is told before a booking fails");
    assert!(
        log_lines(&app)
            .await
            .iter()
            .any(|l| l.action == "token" && !l.succeeded)
    );
}
