//! The background task that delivers app webhooks: it polls the outbox, posts each batch as a
//! JSON array signed with `X-HubSpot-Signature-v3` to the app's target URL, and retries failures
//! (non-2xx, no connection, no answer within 5 s) with a short back-off, raising `attemptNumber`.

use std::time::Duration;

use chrono::Utc;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use crate::sandbox::WeakSandbox;
use crate::webhook_signature::sign_v3;
use crate::webhooks::{Batch, WebhookDelivery};

/// How often the outbox is emptied: events leave well within half a second of the change.
const POLL_EVERY: Duration = Duration::from_millis(100);
/// HubSpot counts an answer slower than this as a failure.
const ANSWER_WITHIN: Duration = Duration::from_secs(5);
/// HubSpot retries for a day; the sandbox gives up sooner so tests stay fast.
const MAX_ATTEMPTS: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// Starts the delivery task; it ends once the sandbox is dropped.
pub(crate) fn spawn(sandbox: WeakSandbox) {
    tokio::spawn(async move {
        // Built on first use: most sandboxes (one per test) never send a webhook.
        let mut client: Option<reqwest::Client> = None;
        loop {
            tokio::time::sleep(POLL_EVERY).await;
            let Some(strong) = sandbox.upgrade() else { return };
            let batches = strong.lock().webhooks.take_batches();
            drop(strong);
            if batches.is_empty() {
                continue;
            }
            if client.is_none() {
                client = build_client();
            }
            let Some(client) = &client else { continue };
            // Each batch retries on its own, so one failing request never holds up later events
            // (HubSpot does not promise ordering either).
            for batch in batches {
                tokio::spawn(deliver(sandbox.clone(), client.clone(), batch));
            }
        }
    });
}

fn build_client() -> Option<reqwest::Client> {
    match reqwest::Client::builder().timeout(ANSWER_WITHIN).build() {
        Ok(client) => Some(client),
        Err(error) => {
            tracing::error!(%error, "hubspot sandbox: no HTTP client, webhooks are dropped");
            None
        }
    }
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
    match sent {
        Ok(response) => (Some(response.status().as_u16()), None),
        Err(error) if error.is_timeout() => (None, Some(format!("no answer within {ANSWER_WITHIN:?}"))),
        Err(error) => (None, Some(error.to_string())),
    }
}
