//! The read-only "Stripe sandbox" page (`GET /`): sessions, payments, refunds, events with their
//! deliveries and the latest requests, as captioned tables with `data-testid`s for Playwright.

use axum::extract::State;
use axum::response::Html;
use sandbox_support::html::{cells, escape, table};

use crate::html::page;
use crate::money;
use crate::payment::{CARD_BRAND, CARD_LAST4};
use crate::sandbox::Sandbox;
use crate::state::State as SandboxState;

/// How many recent requests the page lists.
const RECENT_REQUESTS: usize = 200;

pub(crate) async fn show(State(sandbox): State<Sandbox>) -> Html<String> {
    let mut state = sandbox.lock();
    state.expire_due();
    let webhook = state.events.settings().url.as_deref().unwrap_or("off").to_owned();
    let held = if state.events.is_held() { " (events held)" } else { "" };
    let mut body = format!(
        "<h1>Stripe sandbox</h1>\n<p>Test mode. Webhooks to <code>{}</code>{held}. JSON at \
         <a href=\"/_sandbox/state\">/_sandbox/state</a>.</p>\n",
        escape(&webhook)
    );
    body.push_str(&sessions_table(&state));
    body.push_str(&payments_table(&state));
    body.push_str(&refunds_table(&state));
    body.push_str(&events_table(&state));
    body.push_str(&requests_table(&state));
    Html(page("Stripe sandbox", &body))
}

fn sessions_table(state: &SandboxState) -> String {
    let rows: String = state
        .sessions
        .iter()
        .map(|session| {
            let metadata: Vec<String> = session.metadata.iter().map(|(k, v)| format!("{k}={v}")).collect();
            cells(
                "session-row",
                &[
                    &session.id,
                    session.status.as_str(),
                    if session.paid { "paid" } else { "unpaid" },
                    &session.product_names(),
                    &money::format(session.amount_total, &session.currency),
                    session.customer_email.as_deref().unwrap_or(""),
                    session.client_reference_id.as_deref().unwrap_or(""),
                    &metadata.join(", "),
                    session.payment_intent.as_deref().unwrap_or(""),
                    &session.expires_at.to_string(),
                ],
            )
        })
        .collect();
    let caption = format!("Checkout Sessions ({})", state.sessions.len());
    let headings = [
        "Id",
        "Status",
        "Payment",
        "Product",
        "Amount",
        "Email",
        "Client reference",
        "Metadata",
        "PaymentIntent",
        "Expires at",
    ];
    table("sessions", &caption, &headings, &rows)
}

fn payments_table(state: &SandboxState) -> String {
    let rows: String = state
        .payment_intents
        .iter()
        .map(|intent| {
            let refunded = state
                .charge(&intent.latest_charge)
                .map(|charge| money::format(charge.amount_refunded, &charge.currency))
                .unwrap_or_default();
            cells(
                "payment-row",
                &[
                    &intent.id,
                    &intent.latest_charge,
                    &money::format(intent.amount, &intent.currency),
                    &format!("{CARD_BRAND} {CARD_LAST4}"),
                    &refunded,
                ],
            )
        })
        .collect();
    let caption = format!("Payments ({})", state.payment_intents.len());
    let headings = ["PaymentIntent", "Charge", "Amount", "Card", "Refunded"];
    table("payments", &caption, &headings, &rows)
}

fn refunds_table(state: &SandboxState) -> String {
    let rows: String = state
        .refunds
        .iter()
        .map(|refund| {
            cells(
                "refund-row",
                &[
                    &refund.id,
                    refund.status.as_str(),
                    &money::format(refund.amount, &refund.currency),
                    &refund.payment_intent,
                    &refund.charge,
                ],
            )
        })
        .collect();
    let caption = format!("Refunds ({})", state.refunds.len());
    let headings = ["Id", "Status", "Amount", "PaymentIntent", "Charge"];
    table("refunds", &caption, &headings, &rows)
}

fn events_table(state: &SandboxState) -> String {
    let rows: String = state
        .events
        .all()
        .iter()
        .rev()
        .map(|event| {
            let outcomes: Vec<String> = event
                .attempts
                .iter()
                .map(|attempt| match (attempt.status, &attempt.error) {
                    (Some(status), _) => status.to_string(),
                    (None, Some(error)) => error.clone(),
                    (None, None) => String::new(),
                })
                .collect();
            cells(
                "event-row",
                &[
                    &event.id,
                    &event.event_type,
                    event.object()["id"].as_str().unwrap_or(""),
                    event.delivery.as_str(),
                    &outcomes.join(", "),
                ],
            )
        })
        .collect();
    let caption = format!("Events, newest first ({})", state.events.all().len());
    let headings = ["Id", "Type", "Object", "Delivery", "Attempts"];
    table("events", &caption, &headings, &rows)
}

fn requests_table(state: &SandboxState) -> String {
    let rows: String = state
        .requests
        .entries()
        .rev()
        .take(RECENT_REQUESTS)
        .map(|request| {
            let replayed = if request.replayed { "replayed" } else { "" };
            cells(
                "request-row",
                &[
                    &request.at.timestamp().to_string(),
                    &request.method,
                    &request.path,
                    &request.status.to_string(),
                    request.idempotency_key.as_deref().unwrap_or(""),
                    replayed,
                ],
            )
        })
        .collect();
    let caption = format!(
        "Latest API requests, newest first (last {RECENT_REQUESTS} of {})",
        state.requests.total()
    );
    let headings = ["At", "Method", "Path", "Status", "Idempotency key", "Replay"];
    table("requests", &caption, &headings, &rows)
}
