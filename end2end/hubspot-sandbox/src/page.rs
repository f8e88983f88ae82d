//! The read-only "HubSpot sandbox" page (`GET /`): contacts with their companies, lifecycle stage
//! and merged ids, archived contacts, companies, meetings, webhook deliveries, token events,
//! revocations and the latest requests, as captioned tables with `data-testid`s for Playwright.

use std::fmt::Write;

use axum::extract::State;
use axum::response::Html;
use sandbox_support::html::{cells, escape, table};

use crate::html::page;
use crate::object_kind::ObjectKind;
use crate::objects::{Standing, StoredObject};
use crate::sandbox::Sandbox;
use crate::state::{State as SandboxState, iso};

/// How many recent requests (and webhook deliveries) the page lists.
const RECENT_REQUESTS: usize = 200;
/// How many contacts the page lists: a seeded portal has tens of thousands.
const LISTED_CONTACTS: usize = 500;

pub(crate) async fn show(State(sandbox): State<Sandbox>) -> Html<String> {
    let state = sandbox.lock();
    let config = sandbox.config();
    let mut body = format!(
        "<h1>HubSpot sandbox</h1>\n<p>Portal <strong>{}</strong> (hub id {}), app <code>{}</code>. \
         JSON at <a href=\"/_sandbox/state\">/_sandbox/state</a>.</p>\n",
        escape(&config.hub_domain()),
        config.hub_id,
        escape(&config.client_id),
    );
    body.push_str(&contacts_table(&state));
    body.push_str(&archived_contacts_table(&state));
    body.push_str(&companies_table(&state));
    body.push_str(&meetings_table(&state));
    body.push_str(&deliveries_table(&state));
    body.push_str(&token_tables(&state));
    body.push_str(&requests_table(&state));
    Html(page("HubSpot sandbox", &body))
}

fn contacts_table(state: &SandboxState) -> String {
    let total = state.objects.live(ObjectKind::Contact).count();
    let rows: String = state
        .objects
        .live(ObjectKind::Contact)
        .take(LISTED_CONTACTS)
        .map(|contact| {
            let get = |name| contact.property(name).unwrap_or("");
            let updated = iso(contact.snapshot().updated_at);
            let companies = companies_of(state, &contact.id);
            cells(
                "contact-row",
                &[
                    &contact.id,
                    get("email"),
                    get("firstname"),
                    get("lastname"),
                    get("phone"),
                    &updated,
                    &companies,
                    get("lifecyclestage"),
                    get("lastmodifieddate"),
                    get("hs_merged_object_ids"),
                ],
            )
        })
        .collect();
    let caption = if total > LISTED_CONTACTS {
        format!("Contacts ({total}, the first {LISTED_CONTACTS} shown)")
    } else {
        format!("Contacts ({total})")
    };
    table(
        "contacts",
        &caption,
        &[
            "Id",
            "Email",
            "First name",
            "Last name",
            "Phone",
            "Updated",
            "Companies",
            "Lifecycle stage",
            "Last modified",
            "Merged ids",
        ],
        &rows,
    )
}

fn archived_contacts_table(state: &SandboxState) -> String {
    let archived: Vec<&StoredObject> = state
        .objects
        .all(ObjectKind::Contact)
        .iter()
        .filter(|contact| contact.standing == Standing::Archived)
        .collect();
    let rows: String = archived
        .iter()
        .take(LISTED_CONTACTS)
        .map(|contact| {
            let get = |name| contact.property(name).unwrap_or("");
            cells(
                "archived-contact-row",
                &[&contact.id, get("email"), get("firstname"), get("lastname")],
            )
        })
        .collect();
    let caption = format!("Archived contacts ({})", archived.len());
    let headings = ["Id", "Email", "First name", "Last name"];
    table("archived-contacts", &caption, &headings, &rows)
}

fn deliveries_table(state: &SandboxState) -> String {
    let rows: String = state
        .webhooks
        .deliveries()
        .rev()
        .take(RECENT_REQUESTS)
        .map(|delivery| {
            let outcome = match (&delivery.status, &delivery.error) {
                (Some(status), _) => status.to_string(),
                (None, Some(error)) => error.clone(),
                (None, None) => String::new(),
            };
            let mut types: Vec<&str> = delivery
                .events
                .iter()
                .filter_map(|event| event["subscriptionType"].as_str())
                .collect();
            types.dedup();
            cells(
                "webhook-delivery-row",
                &[
                    &iso(delivery.at),
                    &delivery.target_url,
                    &delivery.attempt.to_string(),
                    &delivery.events.len().to_string(),
                    &types.join(", "),
                    &outcome,
                ],
            )
        })
        .collect();
    let target = state.webhooks.settings().target_url.as_deref().unwrap_or("off");
    let caption = format!("Webhook deliveries, newest first (target: {})", escape(target));
    let headings = ["At", "Target", "Attempt", "Events", "Types", "Status or error"];
    table("webhook-deliveries", &caption, &headings, &rows)
}

/// A contact's companies as `Acme (1002, primary), Other (1003)`.
fn companies_of(state: &SandboxState, contact_id: &str) -> String {
    let primary = state
        .associations
        .primary(ObjectKind::Contact, contact_id, ObjectKind::Company);
    let described: Vec<String> = state
        .associations
        .linked_ids(ObjectKind::Contact, contact_id, ObjectKind::Company)
        .into_iter()
        .map(|id| {
            let company = state.objects.find(ObjectKind::Company, &id);
            let name = company
                .and_then(|company| company.property("name").or_else(|| company.property("domain")))
                .unwrap_or("");
            let primary = if primary == Some(id.as_str()) { ", primary" } else { "" };
            format!("{name} ({id}{primary})")
        })
        .collect();
    described.join(", ")
}

fn companies_table(state: &SandboxState) -> String {
    let companies: Vec<&StoredObject> = state.objects.live(ObjectKind::Company).collect();
    let rows: String = companies
        .iter()
        .map(|company| {
            let get = |name| company.property(name).unwrap_or("");
            let contacts = state
                .associations
                .linked_ids(ObjectKind::Company, &company.id, ObjectKind::Contact)
                .join(", ");
            let updated = iso(company.snapshot().updated_at);
            cells(
                "company-row",
                &[&company.id, get("name"), get("domain"), &contacts, &updated],
            )
        })
        .collect();
    let caption = format!("Companies ({})", companies.len());
    let headings = ["Id", "Name", "Domain", "Contacts", "Updated"];
    table("companies", &caption, &headings, &rows)
}

fn meetings_table(state: &SandboxState) -> String {
    let meetings: Vec<&StoredObject> = state.objects.live(ObjectKind::Meeting).collect();
    let rows: String = meetings
        .iter()
        .map(|meeting| {
            let get = |name| meeting.property(name).unwrap_or("");
            let contact_ids = state
                .associations
                .linked_ids(ObjectKind::Meeting, &meeting.id, ObjectKind::Contact);
            let contacts: Vec<String> = contact_ids
                .iter()
                .map(|id| {
                    let contact = state.objects.find(ObjectKind::Contact, id);
                    match contact.and_then(|contact| contact.property("email")) {
                        Some(email) => format!("{email} ({id})"),
                        None => id.clone(),
                    }
                })
                .collect();
            let contacts = contacts.join(", ");
            let values = [
                meeting.id.as_str(),
                get("hs_meeting_title"),
                get("hs_meeting_start_time"),
                get("hs_meeting_end_time"),
                get("hs_meeting_outcome"),
                &contacts,
                get("hs_meeting_external_url"),
            ];
            cells("meeting-row", &values)
        })
        .collect();
    let caption = format!("Meetings ({})", meetings.len());
    let headings = ["Id", "Title", "Start", "End", "Outcome", "Contacts", "External URL"];
    table("meetings", &caption, &headings, &rows)
}

/// Tokens are shown shortened: enough to tell them apart, not enough to reuse from a screenshot.
fn short(token: &str) -> String {
    let tail: String = token
        .chars()
        .rev()
        .take(6)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("…{tail}")
}

fn token_tables(state: &SandboxState) -> String {
    let events: String = state
        .tokens
        .events()
        .iter()
        .map(|event| {
            let token = event.token.as_deref().map(short).unwrap_or_default();
            cells("token-event-row", &[&iso(event.at), event.kind.label(), &token])
        })
        .collect();
    let revocations: String = state
        .tokens
        .revocations()
        .iter()
        .map(|token| cells("revocation-row", &[&short(token)]))
        .collect();
    let mut html = table(
        "token-events",
        "Token events",
        &["At", "Event", "Refresh token"],
        &events,
    );
    let caption = format!(
        "Revocations through the revoke endpoint ({})",
        state.tokens.revocations().len()
    );
    let _ = write!(html, "{}", table("revocations", &caption, &["Token"], &revocations));
    html
}

fn requests_table(state: &SandboxState) -> String {
    let rows: String = state
        .requests
        .entries()
        .rev()
        .take(RECENT_REQUESTS)
        .map(|request| {
            cells(
                "request-row",
                &[
                    &iso(request.at),
                    &request.method,
                    &request.path,
                    &request.status.to_string(),
                ],
            )
        })
        .collect();
    let caption = format!(
        "Latest requests, newest first (last {RECENT_REQUESTS} of {}; rate limited: {})",
        state.requests.total(),
        state.rate.rejected()
    );
    table("requests", &caption, &["At", "Method", "Path", "Status"], &rows)
}
