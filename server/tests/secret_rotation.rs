//! Rotating `SLOTLINE_SECRET_KEY`: values sealed under the old key still
//! open while it is among the old keys, and `server admin reseal` seals
//! every one of them (HubSpot tokens, webhook secrets, a rolled one's
//! predecessor, tokens in queued jobs) under the new key, so that the old key can go.
use crate::helpers::TestApp;
use crate::hubspot_sync::{book_as, connected};
use crate::on_both_databases;
use crate::support::receiver::Receiver;
use crate::webhooks::add_webhook;
use app::ssr::crypto::{SealError, SecretBox};
use app::ssr::entities::{integration_connection, job, webhook};
use app::ssr::services::resealing::{ResealError, Resealed, reseal_all};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

on_both_databases!(a_rotated_key_reseals_every_secret);

const OLD: [u8; 32] = [7; 32];
const NEW: [u8; 32] = [8; 32];

/// Every sealed value in the database, in a stable order.
async fn sealed_values(app: &TestApp) -> Vec<String> {
    let db = &app.state.db;
    let mut values = Vec::new();
    for found in integration_connection::Entity::find().all(db).await.unwrap() {
        values.push(found.access_token_sealed);
        values.extend(found.refresh_token_sealed);
    }
    for found in webhook::Entity::find().all(db).await.unwrap() {
        values.push(found.secret_sealed);
        values.extend(found.previous_secret_sealed);
    }
    let pending = job::Entity::find()
        .filter(job::Column::Status.eq(job::PENDING))
        .all(db)
        .await
        .unwrap();
    for found in pending {
        let payload: serde_json::Value = serde_json::from_str(&found.payload).unwrap();
        if let Some(sealed) = payload["manage_token_sealed"].as_str() {
            values.push(sealed.to_owned());
        }
    }
    values
}

fn open_all(secrets: &SecretBox, values: &[String]) -> Vec<String> {
    values.iter().map(|v| secrets.open(v).unwrap()).collect()
}

async fn a_rotated_key_reseals_every_secret(app: TestApp) {
    let ada = connected(&app).await;
    let receiver = Receiver::start().await;
    add_webhook(&app, &ada, &receiver.url, &["booking.created"], "").await;
    let hook = webhook::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    // Rolled: the old secret still signs for a day, so it is sealed too.
    app.call::<app::functions::developer::RollWebhookSecret>(&ada, &[("id", hook.id.as_str())])
        .await
        .ok();
    // Not run: its jobs wait with the manage link's token sealed in them.
    book_as(&app, "Grace Hopper", "grace@example.com").await;
    let before = sealed_values(&app).await;
    assert_eq!(
        before.len(),
        5,
        "two tokens, two webhook secrets, a queued manage token: {before:?}"
    );
    let plaintexts = open_all(&SecretBox::new(&OLD), &before);

    let rotated = SecretBox::with_old_keys(&NEW, &[OLD]);
    assert_eq!(
        open_all(&rotated, &before),
        plaintexts,
        "old values open while the old key is kept"
    );
    let missing_old_key = reseal_all(&app.state.db, &SecretBox::new(&NEW)).await;
    assert!(
        matches!(
            missing_old_key,
            Err(ResealError::Sealed {
                cause: SealError::UnknownKey(_),
                ..
            })
        ),
        "without the old key nothing can be resealed: {missing_old_key:?}"
    );

    server::admin::admin(&app.state.db, &rotated, &["reseal".to_owned()])
        .await
        .unwrap();
    let after = sealed_values(&app).await;
    assert_eq!(after.len(), before.len());
    assert_eq!(
        open_all(&SecretBox::new(&NEW), &after),
        plaintexts,
        "the new key alone opens them"
    );
    assert!(after.iter().all(|v| SecretBox::new(&OLD).open(v).is_err()));
    assert_eq!(
        reseal_all(&app.state.db, &rotated).await.unwrap(),
        Resealed::default(),
        "a second run has nothing left to do"
    );
}
