//! The background task that delivers app webhooks: it polls the outbox, posts each batch as a
//! JSON array signed with `X-HubSpot-Signature-v3` to the app's target URL, and retries failures
//! (non-2xx, no connection, no answer within 5 s) with a short back-off, raising `attemptNumber`.

use std::time::Duration;

use chrono::Utc;
use reqwest::header::CONTENT_TYPE;
use sandbox_support::delivery::Delivery;
use serde_json::{Value, json};

use crate::sandbox::WeakSandbox;
use crate::webhook_signature::sign_v3;
use crate::webhooks::{Batch, WebhookDelivery};

const DELIVERY: Delivery = Delivery {
    sandbox: "hubspot sandbox",
    // Events leave well within half a second of the change.
    poll_every: Duration::from_millis(100),
    // HubSpot counts an answer slower than this as a failure.
    answer_within: Duration::from_secs(5),
};
/// HubSpot retries for a day; the sandbox gives up sooner so tests stay fast.
const MAX_ATTEMPTS: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// Starts the delivery task; it ends once the sandbox is dropped.
pub(crate) fn spawn(sandbox: WeakSandbox) {
    let outbox = sandbox.clone();
    DELIVERY.spawn(
        move || Some(outbox.upgrade()?.lock().webhooks.take_batches()),
        // Each batch retries on its own, so one failing request never holds up later events
        // (HubSpot does not promise ordering either).
        move |client, batches| {
            for batch in batches {
                tokio::spawn(deliver(sandbox.clone(), client.clone(), batch));
            }
        },
    );
}

async fn deliver(sandbox: WeakSandbox, client: reqwest::Client, mut batch: Batch) {
    let mut backoff = FIRST_BACKOFF;
    for attempt in 0..MAX_ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(backoff).await;
            backoff *= 2;
        }
        for event in &mut batch.events {
            event["attemptNumber"] = json!(attempt);
        }
        let (status, error) = post(&client, &batch).await;
        let Some(strong) = sandbox.upgrade() else { return };
        let delivery = WebhookDelivery {
            at: strong.now(),
            target_url: batch.target_url.clone(),
            attempt,
            events: batch.events.clone(),
            status,
            error,
        };
        let succeeded = delivery.succeeded();
        let current = strong.lock().webhooks.record(batch.generation, delivery);
        if succeeded || !current {
            return;
        }
    }
}

/// One signed POST; the status code, or why there is none.
async fn post(client: &reqwest::Client, batch: &Batch) -> (Option<u16>, Option<String>) {
    let body = Value::Array(batch.events.clone()).to_string();
    // The receiver checks the timestamp against its own clock, so it is real time, not the
    // sandbox clock.
    let timestamp = Utc::now().timestamp_millis().to_string();
    let signature = sign_v3(&batch.secret, "POST", &batch.target_url, &body, &timestamp);
    let sent = client
        .post(&batch.target_url)
        .header(CONTENT_TYPE, "application/json")
        .header("X-HubSpot-Request-Timestamp", &timestamp)
        .header("X-HubSpot-Signature-v3", signature)
        .body(body)
        .send()
        .await;
    DELIVERY.outcome(sent)
}
