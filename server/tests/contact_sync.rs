//! Two-way contact sync with the HubSpot sandbox: the reconcile by stage,
//! live changes both ways (webhooks, the incremental pull, pushes of
//! edits), per-field newest-wins with conflicts in the sync log, merges,
//! archives, the webhook's signature check, and a 10,000-contact reconcile
//! by the real binary within HubSpot's limits, killed and resumed.
use crate::helpers::{Backend, TestApp, spawn_app_configured};
use crate::hubspot_sync::connected;
use crate::support::server_process::ServerProcess;
use app::functions::contacts::{AddContact, ListContacts, MergeContacts, UpdateContact};
use app::functions::integrations::SetContactSync;
use app::ssr::entities::{contact, contact_sync_run as run, hubspot_sync_log, integration_connection};
use base64::Engine;
use hmac::{Hmac, Mac};
use hubspot_sandbox::{SandboxConfig, SandboxObject};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use sha2::Sha256;
use std::time::{Duration, Instant};

/// Turns on "Both ways" for `stages`, as the card's form does.
async fn both_ways(app: &TestApp, owner: &reqwest::Client, stages: &[&str]) {
    let mut fields: Vec<(String, String)> = vec![
        ("direction".into(), "both_ways".into()),
        ("nightly_time".into(), "03:00".into()),
    ];
    fields.extend(stages.iter().map(|s| (format!("stages[{s}]"), "on".to_owned())));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call::<SetContactSync>(owner, &fields).await.ok();
}

async fn local(app: &TestApp, email: &str) -> Option<contact::Model> {
    contact::Entity::find()
        .filter(contact::Column::Email.eq(email))
        .one(&app.state.db)
        .await
        .unwrap()
}

fn remote(app: &TestApp, email: &str) -> Option<SandboxObject> {
    app.hubspot
        .contacts()
        .into_iter()
        .find(|c| c.properties.get("email").map(String::as_str) == Some(email))
}

fn person(email: &str, first: &str, stage: &str) -> Vec<(&'static str, String)> {
    vec![
        ("email", email.to_owned()),
        ("firstname", first.to_owned()),
        ("lastname", "Example".to_owned()),
        ("lifecyclestage", stage.to_owned()),
    ]
}

fn create_in_hubspot(app: &TestApp, email: &str, first: &str, stage: &str, extra: &[(&str, &str)]) -> String {
    let fields = person(email, first, stage);
    let mut properties: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    properties.extend_from_slice(extra);
    app.hubspot.user_create_contact(&properties).unwrap().id
}

async fn latest_run(app: &TestApp) -> run::Model {
    run::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("a reconcile ran")
}

async fn log_lines(app: &TestApp) -> Vec<String> {
    hubspot_sync_log::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.message)
        .collect()
}

/// Ada's team, connected, with Carla (customer), Sue (subscriber) and Leo
/// (lead) in HubSpot and Mona added by hand in Slotline, reconciled both ways.
async fn reconciled(app: &TestApp) -> reqwest::Client {
    let ada = connected(app).await;
    create_in_hubspot(
        app,
        "carla@example.com",
        "Carla",
        "customer",
        &[("phone", "+1 415 555 0100")],
    );
    create_in_hubspot(app, "sue@example.com", "Sue", "subscriber", &[]);
    create_in_hubspot(app, "leo@example.com", "Leo", "lead", &[]);
    app.call::<AddContact>(
        &ada,
        &[
            ("form[name]", "Mona Lisa"),
            ("form[email]", "mona@example.com"),
            ("form[phone]", ""),
            ("form[company]", "Louvre"),
            ("form[notes]", ""),
        ],
    )
    .await
    .ok();
    both_ways(app, &ada, &["customer", "subscriber"]).await;
    app.drain_jobs().await;
    ada
}

async fn edit(app: &TestApp, owner: &reqwest::Client, found: &contact::Model, phone: &str, company: &str) {
    let id = found.id.to_string();
    app.call::<UpdateContact>(
        owner,
        &[
            ("id", id.as_str()),
            ("form[name]", found.name.as_str()),
            ("form[email]", found.email.as_str()),
            ("form[phone]", phone),
            ("form[company]", company),
            ("form[notes]", ""),
        ],
    )
    .await
    .ok();
}

crate::on_both_databases!(
    switching_on_both_ways_pulls_the_chosen_stages_and_pushes_the_rest,
    an_edit_on_either_side_reaches_the_other_and_the_newer_change_wins,
    hubspot_webhooks_bring_changes_merges_and_deletions_within_seconds,
    webhooks_with_a_bad_signature_or_an_old_timestamp_change_nothing,
    duplicates_in_slotline_merge_with_their_bookings,
    the_nightly_reconcile_comes_once_a_day_and_disconnecting_stops_everything,
);

async fn switching_on_both_ways_pulls_the_chosen_stages_and_pushes_the_rest(app: TestApp) {
    let ada = reconciled(&app).await;
    let carla = local(&app, "carla@example.com").await.expect("a customer comes in");
    assert_eq!(carla.lifecycle_stage.as_deref(), Some("customer"));
    assert_eq!(carla.phone.as_deref(), Some("+14155550100"), "read as E.164");
    assert_eq!(carla.name, "Carla Example");
    assert!(local(&app, "sue@example.com").await.is_some(), "a subscriber comes in");
    assert!(
        local(&app, "leo@example.com").await.is_none(),
        "a lead stays in HubSpot"
    );
    let mona = remote(&app, "mona@example.com").expect("Slotline's own contact reaches HubSpot");
    assert_eq!(mona.properties["firstname"], "Mona");
    assert_eq!(mona.properties["company"], "Louvre");
    let finished = latest_run(&app).await;
    assert_eq!(finished.status, run::FINISHED);
    assert_eq!(
        (finished.pulled, finished.pushed, finished.skipped),
        (2, 1, 1),
        "the lead is skipped by the filter"
    );
    assert_eq!(finished.processed, finished.total, "the bar ends full");
    let customers = app
        .call::<ListContacts>(&ada, &[("tag", "customer"), ("archived", "false")])
        .await
        .ok();
    let emails: Vec<&str> = customers["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["carla@example.com"]);
    assert!(
        customers["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["label"] == "Customer")
    );
    // A second reconcile finds everything in step.
    let before = app.hubspot.contacts().len();
    app.call::<app::functions::integrations::ReconcileContactsNow>(&ada, &[])
        .await
        .ok();
    app.drain_jobs().await;
    assert_eq!(app.hubspot.contacts().len(), before, "nothing made twice");
    assert_eq!(contact::Entity::find().count(&app.state.db).await.unwrap(), 3);
}

async fn an_edit_on_either_side_reaches_the_other_and_the_newer_change_wins(app: TestApp) {
    let ada = reconciled(&app).await;
    let carla = local(&app, "carla@example.com").await.unwrap();
    let carla_id = remote(&app, "carla@example.com").unwrap().id;

    // Slotline's edit reaches HubSpot.
    edit(&app, &ada, &carla, "+1 415 555 0100", "Acme").await;
    app.drain_jobs().await;
    assert_eq!(remote(&app, "carla@example.com").unwrap().properties["company"], "Acme");

    // Both sides change the phone; HubSpot's change is the newer one.
    let carla = local(&app, "carla@example.com").await.unwrap();
    edit(&app, &ada, &carla, "+1 415 555 0111", "Acme").await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    app.hubspot
        .user_update_contact(&carla_id, &[("phone", "+1 415 555 0122")])
        .unwrap();
    app.drain_jobs().await;
    assert_eq!(
        local(&app, "carla@example.com").await.unwrap().phone.as_deref(),
        Some("+14155550122")
    );
    assert_eq!(
        remote(&app, "carla@example.com").unwrap().properties["phone"],
        "+1 415 555 0122"
    );
    let lines = log_lines(&app).await;
    assert!(
        lines.iter().any(|l| l.contains("Conflict on phone")
            && l.contains("+14155550111")
            && l.contains("+14155550122")
            && l.contains("kept HubSpot's")),
        "{lines:?}"
    );

    // Now Slotline's change is the newer one.
    app.hubspot
        .user_update_contact(&carla_id, &[("phone", "+1 415 555 0133")])
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let carla = local(&app, "carla@example.com").await.unwrap();
    edit(&app, &ada, &carla, "+1 415 555 0144", "Acme").await;
    app.drain_jobs().await;
    assert_eq!(
        remote(&app, "carla@example.com").unwrap().properties["phone"],
        "+14155550144"
    );
    assert_eq!(
        local(&app, "carla@example.com").await.unwrap().phone.as_deref(),
        Some("+14155550144")
    );
    assert!(
        log_lines(&app)
            .await
            .iter()
            .any(|l| l.contains("Conflict on phone") && l.contains("kept Slotline's")),
    );
}

/// Runs jobs until `done` holds, for at most `within`; returns how long it took.
async fn until(app: &TestApp, within: Duration, mut done: impl AsyncFnMut() -> bool) -> Duration {
    let started = Instant::now();
    loop {
        app.drain_jobs().await;
        if done().await {
            return started.elapsed();
        }
        assert!(started.elapsed() < within, "not done within {within:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn hubspot_webhooks_bring_changes_merges_and_deletions_within_seconds(app: TestApp) {
    let ada = reconciled(&app).await;
    create_in_hubspot(&app, "cara@example.com", "Cara", "customer", &[]);
    app.call::<app::functions::integrations::ReconcileContactsNow>(&ada, &[])
        .await
        .ok();
    app.drain_jobs().await;
    assert!(local(&app, "cara@example.com").await.is_some());
    app.hubspot
        .set_webhook_target(Some(format!("{}/integrations/hubspot/webhook", app.address)));

    let carla_id = remote(&app, "carla@example.com").unwrap().id;
    app.hubspot
        .user_update_contact(&carla_id, &[("phone", "+1 415 555 0177")])
        .unwrap();
    let took = until(&app, Duration::from_secs(5), async || {
        local(&app, "carla@example.com").await.unwrap().phone.as_deref() == Some("+14155550177")
    })
    .await;
    assert!(took < Duration::from_secs(5), "{took:?}");
    let connection = integration_connection::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(connection.webhook_seen_at.is_some(), "the card can say webhooks arrive");

    // A contact that leaves the chosen stages keeps its new tag and is no longer pulled.
    app.hubspot
        .user_update_contact(&carla_id, &[("lifecyclestage", "other"), ("company", "Not Pulled")])
        .unwrap();
    until(&app, Duration::from_secs(5), async || {
        local(&app, "carla@example.com")
            .await
            .unwrap()
            .lifecycle_stage
            .as_deref()
            == Some("other")
    })
    .await;
    assert_ne!(
        local(&app, "carla@example.com").await.unwrap().company.as_deref(),
        Some("Not Pulled")
    );
    app.hubspot
        .user_update_contact(&carla_id, &[("lifecyclestage", "customer")])
        .unwrap();
    until(&app, Duration::from_secs(5), async || {
        local(&app, "carla@example.com").await.unwrap().company.as_deref() == Some("Not Pulled")
    })
    .await;

    // A contact made in HubSpot in a chosen stage arrives.
    create_in_hubspot(&app, "nina@example.com", "Nina", "customer", &[]);
    until(&app, Duration::from_secs(5), async || {
        local(&app, "nina@example.com").await.is_some()
    })
    .await;

    // Deleted in HubSpot: archived here, never deleted.
    let sue_id = remote(&app, "sue@example.com").unwrap().id;
    app.hubspot.user_archive_contact(&sue_id).unwrap();
    until(&app, Duration::from_secs(5), async || {
        local(&app, "sue@example.com").await.unwrap().archived_at.is_some()
    })
    .await;

    // Merged in HubSpot: the two Slotline contacts become one, linked to the new record.
    let cara_id = remote(&app, "cara@example.com").unwrap().id;
    let merged = app.hubspot.user_merge_contacts(&carla_id, &cara_id).unwrap();
    until(&app, Duration::from_secs(5), async || {
        local(&app, "cara@example.com").await.is_none() || local(&app, "carla@example.com").await.is_none()
    })
    .await;
    let links = app::ssr::entities::external_link::Entity::find()
        .filter(app::ssr::entities::external_link::Column::RemoteId.eq(&merged.id))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(links.len(), 1, "one Slotline contact is linked to the merged record");
}

fn signed(secret: &str, uri: &str, body: &str, at_millis: i64) -> (String, String) {
    let timestamp = at_millis.to_string();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("POST{uri}{body}{timestamp}").as_bytes());
    (
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()),
        timestamp,
    )
}

async fn webhooks_with_a_bad_signature_or_an_old_timestamp_change_nothing(app: TestApp) {
    reconciled(&app).await;
    let connection = integration_connection::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let carla_id = remote(&app, "carla@example.com").unwrap().id;
    let uri = format!("{}/integrations/hubspot/webhook", app.address);
    let body = format!(
        r#"[{{"eventId":1,"subscriptionId":1,"portalId":{},"appId":1,"occurredAt":0,"subscriptionType":"contact.deletion","attemptNumber":0,"objectId":{carla_id},"changeSource":"CRM_UI"}}]"#,
        connection.account_id
    );
    let secret = app.config.hubspot.as_ref().unwrap().client_secret.clone();
    let now = chrono::Utc::now().timestamp_millis();
    let post = |signature: String, timestamp: String| {
        crate::helpers::browser()
            .post(&uri)
            .header("content-type", "application/json")
            .header("X-HubSpot-Signature-v3", signature)
            .header("X-HubSpot-Request-Timestamp", timestamp)
            .body(body.clone())
            .send()
    };
    let (forged, at) = signed("not-the-secret", &uri, &body, now);
    let (stale, old) = signed(&secret, &uri, &body, now - 6 * 60 * 1000);
    for (signature, timestamp) in [(forged, at.clone()), (stale, old), ("".to_owned(), at)] {
        let answer = post(signature, timestamp).await.unwrap();
        assert_eq!(answer.status(), 401);
        let error: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(error["error"]["code"], "invalid_signature");
    }
    assert_eq!(app.pending_jobs().await, 0, "nothing queued");
    let unchanged = integration_connection::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.webhook_seen_at, None);
    let (good, at) = signed(&secret, &uri, &body, now);
    assert_eq!(post(good, at).await.unwrap().status(), 204);
    app.drain_jobs().await;
    assert!(local(&app, "carla@example.com").await.unwrap().archived_at.is_some());
}

async fn duplicates_in_slotline_merge_with_their_bookings(app: TestApp) {
    let ada = connected(&app).await;
    let (first, _) = crate::hubspot_sync::book_as(&app, "Pat Doe", "pat@example.com").await;
    let (second, _) = crate::hubspot_sync::book_as(&app, "Patricia Doe", "patricia@example.com").await;
    let db = &app.state.db;
    let team = local(&app, "pat@example.com").await.unwrap().team_id;
    let groups = app::ssr::services::contacts::duplicates(db, &team).await.unwrap();
    assert_eq!(groups.len(), 1, "same phone");
    let (keep, other) = (&groups[0].contacts[0], &groups[0].contacts[1]);
    assert_eq!(keep.email, "pat@example.com", "the older first");
    let (keep_id, other_id) = (keep.id.to_string(), other.id.to_string());
    app.call::<MergeContacts>(&ada, &[("keep", keep_id.as_str()), ("other", other_id.as_str())])
        .await
        .ok();
    assert!(local(&app, "patricia@example.com").await.is_none());
    for booking in [first, second] {
        let row = app::ssr::entities::booking::Entity::find_by_id(booking.as_str())
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.contact_id.to_string(), keep_id, "bookings move to the kept contact");
    }
    assert!(
        app::ssr::services::contacts::duplicates(db, &team)
            .await
            .unwrap()
            .is_empty()
    );
}

/// HubSpot's limit for OAuth apps, which the sandbox enforces here.
const HUBSPOT_LIMIT: u32 = 110;

/// The server binary against the test app's database and sandbox.
async fn binary(app: &TestApp, name: &str) -> ServerProcess {
    let mut env = app.hubspot_env();
    env.push(("SLOTLINE_JOB_LEASE_SECS", "3".to_owned()));
    let dir = app.config.data_dir.join(name);
    ServerProcess::start(&app.config.database_url, &dir, &app.smtp.url(), 1, &env).await
}

async fn wait_for_run(app: &TestApp, within: Duration, done: impl Fn(&run::Model) -> bool) -> run::Model {
    let started = Instant::now();
    loop {
        if let Some(found) = run::Entity::find().one(&app.state.db).await.unwrap()
            && done(&found)
        {
            return found;
        }
        assert!(
            started.elapsed() < within,
            "the reconcile did not get there in {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// 10,000 customers in HubSpot and 150 contacts of Slotline's own: the
/// binary reconciles them in one run, killed halfway and resumed by a
/// second process, within HubSpot's limits and 200 MB.
async fn ten_thousand_contacts(backend: Backend) {
    let Some(app) = spawn_app_configured(
        backend,
        SandboxConfig {
            rate_limit: Some((HUBSPOT_LIMIT, Duration::from_secs(10))),
            search_rate_limit: Some((5, Duration::from_secs(1))),
            ..SandboxConfig::default()
        },
        |_| {},
    )
    .await
    else {
        return;
    };
    let ada = connected(&app).await;
    app.hubspot
        .seed_contacts(10_000, "seed", &[("lifecyclestage", "customer")])
        .unwrap();
    for n in 0..150 {
        let (name, email) = (format!("Local {n}"), format!("local{n}@example.com"));
        app.call::<AddContact>(
            &ada,
            &[
                ("form[name]", name.as_str()),
                ("form[email]", email.as_str()),
                ("form[phone]", ""),
                ("form[company]", ""),
                ("form[notes]", ""),
            ],
        )
        .await
        .ok();
    }
    both_ways(&app, &ada, &["customer"]).await;

    let began = Instant::now();
    let mut first = binary(&app, "first").await;
    let halfway = wait_for_run(&app, Duration::from_secs(120), |r| r.processed >= 2_000).await;
    first.kill();
    assert_eq!(halfway.status, run::RUNNING, "killed mid-reconcile");
    let second = binary(&app, "second").await;
    let finished = wait_for_run(&app, Duration::from_secs(600), |r| r.status != run::RUNNING).await;
    assert_eq!(finished.status, run::FINISHED, "{:?}", finished.message);
    let peak = second.peak_memory();

    assert_eq!(app.hubspot.rate_limited_count(), 0, "no 429s");
    let busiest = app.hubspot.max_requests_per_10s();
    assert!(
        busiest <= HUBSPOT_LIMIT as usize,
        "{busiest} requests in one 10 s window"
    );
    assert!(peak < 200 * 1024 * 1024, "peak memory {} MB", peak / 1024 / 1024);
    assert_eq!(
        contact::Entity::find().count(&app.state.db).await.unwrap(),
        10_150,
        "every HubSpot customer once, none twice"
    );
    let in_hubspot = app.hubspot.contacts();
    assert_eq!(in_hubspot.len(), 10_150, "every Slotline contact once, none twice");
    let requests = app.hubspot.requests_by_endpoint().values().sum::<u64>();
    assert!(requests < 400, "{requests} requests for 10,150 contacts");
    assert!(finished.pulled >= 10_000 && finished.pushed >= 150, "{finished:?}");
    println!(
        "10,150 contacts reconciled in {:.1} s across a kill: {requests} HubSpot requests, at most {busiest} in 10 s, \
         peak memory of the resuming process {} MB",
        began.elapsed().as_secs_f64(),
        peak / 1024 / 1024
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_contacts_reconcile_within_limits_across_a_kill_sqlite() {
    ten_thousand_contacts(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_contacts_reconcile_within_limits_across_a_kill_postgres() {
    ten_thousand_contacts(Backend::Postgres).await;
}

/// With no webhooks, the pull every interval brings HubSpot's changes.
async fn the_pull_brings_changes_without_webhooks(backend: Backend) {
    let interval = Duration::from_secs(2);
    let Some(app) = spawn_app_configured(backend, SandboxConfig::default(), |config| {
        config.job_workers = 1;
        if let Some(hubspot) = config.hubspot.as_mut() {
            hubspot.pull_interval = interval;
        }
    })
    .await
    else {
        return;
    };
    let ada = connected(&app).await;
    let carla_id = create_in_hubspot(&app, "carla@example.com", "Carla", "customer", &[]);
    both_ways(&app, &ada, &["customer"]).await;
    wait_for_run(&app, Duration::from_secs(30), |r| r.status == run::FINISHED).await;
    app.hubspot
        .user_update_contact(&carla_id, &[("company", "Pulled Inc")])
        .unwrap();
    let started = Instant::now();
    loop {
        if local(&app, "carla@example.com").await.unwrap().company.as_deref() == Some("Pulled Inc") {
            break;
        }
        // One interval, plus the moment the pull itself takes on a busy machine.
        assert!(
            started.elapsed() < interval + Duration::from_secs(3),
            "not pulled within one interval"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_pull_brings_changes_without_webhooks_sqlite() {
    the_pull_brings_changes_without_webhooks(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_pull_brings_changes_without_webhooks_postgres() {
    the_pull_brings_changes_without_webhooks(Backend::Postgres).await;
}

async fn the_nightly_reconcile_comes_once_a_day_and_disconnecting_stops_everything(app: TestApp) {
    use app::ssr::entities::job;
    use app::ssr::services::contact_sync::schedule;
    let ada = reconciled(&app).await;
    let every = chrono::Duration::minutes(10);
    // Past the day's nightly time (03:00 in Ada's zone; 20:00 UTC is 08:00 or
    // later in every zone): one reconcile, however often the clock ticks.
    let evening = chrono::Utc::now().date_naive().and_hms_opt(20, 0, 0).unwrap().and_utc();
    schedule::tick(&app.state.db, evening, every).await.unwrap();
    schedule::tick(&app.state.db, evening + chrono::Duration::minutes(1), every)
        .await
        .unwrap();
    let nightly = job::Entity::find()
        .filter(job::Column::Kind.eq("reconcile_hubspot_contacts"))
        .filter(job::Column::Status.eq(job::PENDING))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(nightly, 1);
    let pulls = job::Entity::find()
        .filter(job::Column::Kind.eq("pull_hubspot_contacts"))
        .filter(job::Column::Status.eq(job::PENDING))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(pulls, 1, "one pull per interval");

    // A run under way, then the owner disconnects: the run stops, the queue empties, the contacts stay.
    app.call::<app::functions::integrations::ReconcileContactsNow>(&ada, &[])
        .await
        .ok();
    app.call::<app::functions::integrations::DisconnectHubspot>(&ada, &[])
        .await
        .ok();
    let stopped = run::Entity::find()
        .filter(run::Column::Status.eq(run::RUNNING))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stopped, 0);
    let queued = job::Entity::find()
        .filter(job::Column::Status.eq(job::PENDING))
        .filter(job::Column::Kind.ne("revoke_hubspot_token"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(queued, 0, "no sync left queued");
    assert!(local(&app, "carla@example.com").await.is_some());
    schedule::tick(&app.state.db, evening + chrono::Duration::days(1), every)
        .await
        .unwrap();
    assert_eq!(app.pending_jobs().await, 1, "only the token's revocation");
}
