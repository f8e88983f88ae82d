//! Webhook deliveries go straight to their target: the real binary, started
//! with proxy settings in its environment, still delivers to the receiver.
use crate::helpers::{Backend, fresh_database};
use crate::support::receiver::Receiver;
use crate::support::server_process::ServerProcess;
use crate::support::smtp_sink::SmtpSink;
use app::dto::WebhookForm;
use app::ssr::crypto::SecretBox;
use app::ssr::entities::user;
use app::ssr::services::webhooks;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn webhooks_ignore_the_environments_proxy() {
    let (database, url) = fresh_database(Backend::Sqlite).await.expect("SQLite always runs");
    let smtp = SmtpSink::start().await;
    let receiver = Receiver::start().await;
    // Nothing listens on port 9: a delivery sent through this proxy fails.
    let dead_proxy = "http://127.0.0.1:9".to_owned();
    let env = [
        ("SLOTLINE_SEED_DEMO", "1".to_owned()),
        ("SLOTLINE_WEBHOOK_ALLOW_PRIVATE", "1".to_owned()),
        ("HTTP_PROXY", dead_proxy.clone()),
        ("http_proxy", dead_proxy.clone()),
        ("HTTPS_PROXY", dead_proxy.clone()),
        ("ALL_PROXY", dead_proxy),
        ("NO_PROXY", String::new()),
    ];
    let server = ServerProcess::start(&url, &database.dir, &smtp.url(), 1, &env).await;
    let db = server::startup::connect(&url, 2).await.unwrap();
    let demo = user::Entity::find()
        .filter(user::Column::Slug.eq("demo"))
        .one(&db)
        .await
        .unwrap()
        .expect("the demo host");
    // The key `ServerProcess` gives the binary.
    let secrets = SecretBox::new(&[7; 32]);
    let form = WebhookForm {
        target_url: receiver.url.clone(),
        events: [("booking.created".to_owned(), "on".to_owned())].into(),
        event_type_id: String::new(),
    };
    webhooks::create_manual(&db, &secrets, true, &demo, form).await.unwrap();

    server.book_demo(&db, "grace@example.com").await;

    for _ in 0..100 {
        if !receiver.received().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let received = receiver.received();
    assert_eq!(received.len(), 1, "delivered directly, not through the proxy");
    assert_eq!(received[0].json()["event"], "booking.created");
}
