//! No log line, stored error or sync-log row carries a secret: the real
//! binary, logging at the operator's default level, goes through a host's
//! whole day — log-in, an API key and its use, webhooks (one failing), a
//! booking with its manage link, HubSpot connected, synced and refreshed —
//! and then neither its output nor those rows hold any of the secrets.
use crate::helpers::{Answer, Backend, browser, call_at, fresh_database};
use crate::support::receiver::Receiver;
use crate::support::server_process::ServerProcess;
use crate::support::smtp_sink::SmtpSink;
use app::functions::auth::LogIn;
use app::functions::developer::{CreateApiKey, CreateWebhook};
use app::ssr::crypto::SecretBox;
use app::ssr::entities::{hubspot_sync_log, integration_connection, job, webhook_attempt};
use hubspot_sandbox::{Sandbox, SandboxConfig};
use sea_orm::EntityTrait;
use std::time::Duration;

const DEMO_PASSWORD: &str = "demo password for the log test";

/// Where a GET of `path` on `base` redirects.
async fn location(client: &reqwest::Client, base: &str, path: &str) -> String {
    let response = client.get(format!("{base}{path}")).send().await.unwrap();
    response.headers()["location"].to_str().unwrap().to_owned()
}

async fn add_webhook(base: &str, client: &reqwest::Client, url: &str) -> String {
    let fields = [
        ("form[target_url]", url),
        ("form[event_type_id]", ""),
        ("form[events][booking.created]", "on"),
    ];
    call_at::<CreateWebhook>(base, client, &fields).await.ok()["secret"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Waits until `done` holds, checking every 100 ms for 30 s.
async fn eventually<F: Future<Output = bool>>(what: &str, mut done: impl FnMut() -> F) {
    for _ in 0..300 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not happen within 30 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_secret_reaches_the_logs_or_stored_errors() {
    let (database, url) = fresh_database(Backend::Sqlite).await.expect("SQLite always runs");
    let smtp = SmtpSink::start().await;
    let receiver = Receiver::start().await;
    let hubspot = Sandbox::spawn(SandboxConfig {
        rotate_refresh_tokens: true,
        ..SandboxConfig::default()
    })
    .await;
    let config = hubspot.config().clone();
    let env = [
        ("SLOTLINE_SEED_DEMO", "1".to_owned()),
        ("SLOTLINE_DEMO_PASSWORD", DEMO_PASSWORD.to_owned()),
        ("SLOTLINE_WEBHOOK_ALLOW_PRIVATE", "1".to_owned()),
        ("SLOTLINE_WEBHOOK_FIRST_RETRY_MS", "200".to_owned()),
        ("SLOTLINE_HUBSPOT_CLIENT_ID", config.client_id.clone()),
        ("SLOTLINE_HUBSPOT_CLIENT_SECRET", config.client_secret.clone()),
        ("SLOTLINE_HUBSPOT_API_BASE", hubspot.base_url.clone()),
        (
            "SLOTLINE_HUBSPOT_AUTH_URL",
            format!("{}/oauth/authorize", hubspot.base_url),
        ),
    ];
    let log = database.dir.join("server.log");
    let server = ServerProcess::start_logging(&url, &database.dir, &smtp.url(), 2, &env, Some(&log)).await;
    let base = server.base.clone();
    let db = server::startup::connect(&url, 2).await.unwrap();

    let host = browser();
    let logged_in = call_at::<LogIn>(
        &base,
        &host,
        &[("email", "demo@slotline.test"), ("password", DEMO_PASSWORD)],
    )
    .await;
    assert!(matches!(logged_in, Answer::Redirect(_)));
    let api_key = call_at::<CreateApiKey>(&base, &host, &[("name", "Logs"), ("expires_in_days", "")])
        .await
        .ok()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let me = reqwest::Client::new()
        .get(format!("{base}/api/v1/me"))
        .header("X-API-Key", &api_key)
        .send()
        .await
        .unwrap();
    assert!(me.status().is_success());
    // A Zapier-style hook URL carries a credential; so may its query.
    let delivered_secret = add_webhook(&base, &host, &format!("{}?token=query-credential", receiver.url)).await;
    let failing_secret = add_webhook(&base, &host, "http://127.0.0.1:9/hook?token=failing-credential").await;

    // HubSpot: the OAuth code arrives in the callback's query.
    let authorize = location(&host, &base, "/integrations/hubspot/connect").await;
    let callback = url::Url::parse(&hubspot.grant(&authorize).await).unwrap();
    let code = callback
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let landed = location(
        &host,
        &base,
        &format!("{}?{}", callback.path(), callback.query().unwrap()),
    )
    .await;
    assert!(landed.ends_with("connected=1"), "{landed}");

    let first_manage_token = server.book_demo(&db, "grace@example.com").await;
    eventually("the first sync", || async { hubspot.meetings().len() == 1 }).await;
    // Every access token expires at once: the next sync refreshes (and HubSpot rotates).
    hubspot.expire_access_tokens();
    let second_manage_token = server.book_demo(&db, "alan@example.com").await;
    eventually("the sync after a refresh", || async { hubspot.meetings().len() == 2 }).await;
    eventually("the deliveries", || async { receiver.received().len() >= 2 }).await;
    eventually("failed delivery attempts", || async {
        webhook_attempt::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .iter()
            .any(|a| a.error.is_some())
    })
    .await;

    let secrets = SecretBox::new(&[7; 32]);
    let connection = integration_connection::Entity::find().one(&db).await.unwrap().unwrap();
    let access_token = secrets.open(&connection.access_token_sealed).unwrap();
    let refresh_token = secrets
        .open(connection.refresh_token_sealed.as_deref().unwrap())
        .unwrap();
    let mut all_refresh_tokens: Vec<String> = hubspot.token_events().into_iter().filter_map(|e| e.token).collect();
    all_refresh_tokens.dedup();
    assert!(all_refresh_tokens.len() >= 2, "HubSpot rotated the refresh token");
    let mut forbidden = vec![
        ("an API key", api_key.clone()),
        ("a webhook secret", delivered_secret),
        ("a webhook secret", failing_secret),
        ("a hook URL's credential", "query-credential".to_owned()),
        ("a hook URL's credential", "failing-credential".to_owned()),
        ("a manage-link token", first_manage_token),
        ("a manage-link token", second_manage_token),
        ("an OAuth code", code),
        ("an access token", access_token),
        ("a refresh token", refresh_token),
        ("the HubSpot client secret", config.client_secret.clone()),
    ];
    forbidden.extend(all_refresh_tokens.into_iter().map(|t| ("a refresh token", t)));
    drop(server);

    let output = std::fs::read_to_string(&log).unwrap();
    assert!(output.contains("booking created"), "the log was captured");
    assert!(
        output.contains("HubSpot access token refreshed"),
        "a refresh was logged"
    );
    assert_eq!(
        output.matches(DEMO_PASSWORD).count(),
        1,
        "the demo password is shown once, when the demo host is seeded"
    );
    let mut stored = Vec::new();
    for row in job::Entity::find().all(&db).await.unwrap() {
        stored.push(format!(
            "job {} last_error {:?} payload {}",
            row.kind, row.last_error, row.payload
        ));
    }
    for row in hubspot_sync_log::Entity::find().all(&db).await.unwrap() {
        stored.push(format!("sync log {}", row.message));
    }
    for row in webhook_attempt::Entity::find().all(&db).await.unwrap() {
        stored.push(format!("webhook attempt {:?}", row.error));
    }
    for (what, secret) in &forbidden {
        assert!(!output.contains(secret.as_str()), "the log holds {what}");
        for row in &stored {
            assert!(!row.contains(secret.as_str()), "{row} holds {what}");
        }
    }
}
