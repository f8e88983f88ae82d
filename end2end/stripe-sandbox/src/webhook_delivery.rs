//! The background task that delivers events: it polls the event store (expiring due sessions on
//! the way, so expiry needs no API call), POSTs each event as JSON signed with `Stripe-Signature` to
//! the endpoint, and retries failures (non-2xx, no connection, no answer within 2 s) with a short
//! back-off, recording every attempt.

use std::time::Duration;

use chrono::Utc;
use reqwest::header::CONTENT_TYPE;
use sandbox_support::delivery::Delivery;

use crate::events::{DeliveryAttempt, Dispatch};
use crate::sandbox::WeakSandbox;
use crate::signature;

const DELIVERY: Delivery = Delivery {
    sandbox: "stripe sandbox",
    // Events leave well within a tenth of a second.
    poll_every: Duration::from_millis(50),
    // Stripe waits longer; the sandbox gives up sooner so tests stay fast.
    answer_within: Duration::from_secs(2),
};
/// Stripe retries for days; the sandbox tries four times, 0.1, 0.2 and 0.4 s apart.
const MAX_ATTEMPTS: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(100);

/// Starts the delivery task; it ends once the sandbox is dropped.
pub(crate) fn spawn(sandbox: WeakSandbox) {
    let store = sandbox.clone();
    DELIVERY.spawn(
        move || {
            let strong = store.upgrade()?;
            let mut state = strong.lock();
            state.expire_due();
            Some(state.events.take_dispatches())
        },
        move |client, dispatches| {
            tokio::spawn(send_in_order(sandbox.clone(), client.clone(), dispatches));
        },
    );
}

/// First attempts go out one after another, so events raised (or released) together arrive in
/// that order; a failed one retries on its own, so it never holds up later events (Stripe does not
/// promise ordering either).
async fn send_in_order(sandbox: WeakSandbox, client: reqwest::Client, dispatches: Vec<Dispatch>) {
    for dispatch in dispatches {
        if attempt(&sandbox, &client, &dispatch, 0).await {
            tokio::spawn(retry(sandbox.clone(), client.clone(), dispatch));
        }
    }
}

async fn retry(sandbox: WeakSandbox, client: reqwest::Client, dispatch: Dispatch) {
    let mut backoff = FIRST_BACKOFF;
    for number in 1..MAX_ATTEMPTS {
        tokio::time::sleep(backoff).await;
        backoff *= 2;
        if !attempt(&sandbox, &client, &dispatch, number).await {
            return;
        }
    }
}

/// Makes attempt `number` and records it; whether to try again.
async fn attempt(sandbox: &WeakSandbox, client: &reqwest::Client, dispatch: &Dispatch, number: u32) -> bool {
    // The receiver checks `t` against its own clock, so it is real time, not the sandbox clock.
    let signed_at = Utc::now().timestamp() - dispatch.signed_seconds_ago;
    let (status, error) = post(client, dispatch, signed_at).await;
    let Some(strong) = sandbox.upgrade() else { return false };
    let record = DeliveryAttempt {
        at: strong.now(),
        url: dispatch.url.clone(),
        signed_at,
        redelivery: dispatch.redelivery,
        status,
        error,
    };
    let succeeded = record.succeeded();
    let last = succeeded || number + 1 == MAX_ATTEMPTS;
    let current = strong.lock().events.record(dispatch, record, last);
    current && !last
}

/// One signed POST; the status code, or why there is none.
async fn post(client: &reqwest::Client, dispatch: &Dispatch, signed_at: i64) -> (Option<u16>, Option<String>) {
    let sent = client
        .post(&dispatch.url)
        .header(CONTENT_TYPE, "application/json; charset=utf-8")
        .header(
            "Stripe-Signature",
            signature::header(&dispatch.secret, signed_at, &dispatch.body),
        )
        .body(dispatch.body.clone())
        .send()
        .await;
    DELIVERY.outcome(sent)
}
