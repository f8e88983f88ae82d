//! `/dashboard/integrations`: the HubSpot card and the Stripe card.
//! Connecting HubSpot leaves the app for HubSpot's consent page and comes
//! back here with the outcome in the query string.
use super::DashboardShell;
use super::contact_sync_card::ContactSyncSettings;
use super::stripe_card::StripeSection;
use crate::components::{ErrorNotice, FormAlert, Loading};
use crate::dto::HubspotCardDto;
use crate::dto::SyncLogLine;
use crate::functions::integrations::{
    DisconnectHubspot, SetContactSync, SetHubspotContactPolicy, hubspot_card, hubspot_sync_log,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn IntegrationsPage() -> impl IntoView {
    view! {
        <Title text="Integrations"/>
        <DashboardShell>
            <h1>"Integrations"</h1>
            <HubspotSection/>
            <StripeSection/>
        </DashboardShell>
    }
}

/// What the OAuth callback reported, as the person should read it.
fn callback_message(error: &str) -> &'static str {
    match error {
        "access_denied" => "HubSpot access was not granted, so nothing was connected. You can try again at any time.",
        "state" => "That connection attempt had expired or was already used. Please connect again.",
        "forbidden" => "Your plan or role does not allow connecting HubSpot.",
        _ => {
            "HubSpot could not be connected. Please try again; if it keeps failing, check the server's HubSpot settings."
        }
    }
}

#[component]
fn HubspotSection() -> impl IntoView {
    let disconnect = ServerAction::<DisconnectHubspot>::new();
    let policy = ServerAction::<SetHubspotContactPolicy>::new();
    let contact_sync = ServerAction::<SetContactSync>::new();
    let card = Resource::new(
        move || {
            (
                disconnect.version().get(),
                policy.version().get(),
                contact_sync.version().get(),
            )
        },
        |_| hubspot_card(),
    );
    let query = use_query_map();
    let error = move || query.read().get("error").map(|e| callback_message(&e));
    let connected = move || query.read().get("connected").is_some();
    view! {
        <section class="card integration" aria-labelledby="hubspot-heading" data-testid="hubspot-card">
            <h2 id="hubspot-heading">"HubSpot"</h2>
            <p class="muted">"Every booking, reschedule and cancellation reaches your HubSpot portal in the background: the invitee as a contact, the booking as a meeting."</p>
            {move || error().map(|message| view! { <div class="form-alert" role="alert" data-testid="hubspot-error">{message}</div> })}
            {move || (connected() && error().is_none()).then(|| view! { <div class="form-success" role="status" data-testid="hubspot-connected-notice">"HubSpot is connected."</div> })}
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match card.await {
                        Ok(card) => view! { <HubspotState card disconnect policy contact_sync/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Transition>
            <SyncLog refresh=Signal::derive(move || disconnect.version().get())/>
        </section>
    }
}

/// Every sync attempt, newest first; `?log=failures` shows only failures.
#[component]
fn SyncLog(refresh: Signal<usize>) -> impl IntoView {
    let query = use_query_map();
    let failures_only = Memo::new(move |_| query.read().get("log").as_deref() == Some("failures"));
    let lines = Resource::new(
        move || (failures_only.get(), refresh.get()),
        |(only, _)| hubspot_sync_log(only),
    );
    view! {
        <section class="sync-log" aria-labelledby="sync-log-heading">
            <h3 id="sync-log-heading">"Sync log"</h3>
            <p class="filter-links">
                <A href="/dashboard/integrations" attr:aria-current=move || (!failures_only.get()).then_some("page") attr:data-testid="sync-log-all">"All attempts"</A>
                " · "
                <A href="/dashboard/integrations?log=failures" attr:aria-current=move || failures_only.get().then_some("page") attr:data-testid="sync-log-failures">"Failures only"</A>
            </p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match lines.await {
                        Ok(lines) if lines.is_empty() => view! { <p class="muted" data-testid="sync-log-empty">"Nothing synced yet."</p> }.into_any(),
                        Ok(lines) => view! { <SyncLogTable lines/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

fn action_label(action: &str) -> &'static str {
    match action {
        "created" => "Booked",
        "rescheduled" => "Rescheduled",
        "cancelled" => "Cancelled",
        "contact" => "Contact sync",
        _ => "Connection",
    }
}

/// A log message as a sentence, whatever punctuation it came with.
fn sentence(message: String) -> String {
    if message.ends_with(['.', '!', '?']) {
        message
    } else {
        format!("{message}.")
    }
}

#[component]
fn SyncLogTable(lines: Vec<SyncLogLine>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="data-table">
                <caption class="visually-hidden">"HubSpot sync attempts, newest first"</caption>
                <thead>
                    <tr><th scope="col">"When"</th><th scope="col">"Change"</th><th scope="col">"Result"</th><th scope="col">"Details"</th></tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|line| {
                        let result = if line.succeeded { "Succeeded" } else { "Failed" };
                        let status = line.http_status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
                        let ids = match (&line.contact_id, &line.meeting_id) {
                            (Some(c), Some(m)) => format!(" Contact {c}, meeting {m}."),
                            _ => String::new(),
                        };
                        view! {
                            <tr data-testid="sync-log-row" data-succeeded=line.succeeded.to_string()>
                                <td>{line.when}</td>
                                <td>
                                    {match line.booking_id {
                                        Some(id) => view! { <A href=format!("/dashboard/bookings/{id}")>{action_label(&line.action)}</A> }.into_any(),
                                        None => view! { <span>{action_label(&line.action)}</span> }.into_any(),
                                    }}
                                </td>
                                <td class:failed=!line.succeeded>{result}{status}</td>
                                <td>{sentence(line.message)}{ids}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn HubspotState(
    card: HubspotCardDto,
    disconnect: ServerAction<DisconnectHubspot>,
    policy: ServerAction<SetHubspotContactPolicy>,
    contact_sync: ServerAction<SetContactSync>,
) -> impl IntoView {
    if !card.configured {
        return view! {
            <p data-testid="hubspot-status">"HubSpot is not configured on this Slotline server."</p>
            <p class="muted">"Its administrator sets SLOTLINE_HUBSPOT_CLIENT_ID and SLOTLINE_HUBSPOT_CLIENT_SECRET to a HubSpot public app’s credentials."</p>
        }
        .into_any();
    }
    let Some(portal) = card.portal_id.clone() else {
        return match card.refusal {
            Some(reason) => view! {
                <p data-testid="hubspot-status">"Not connected."</p>
                <p class="notice" data-testid="hubspot-refusal">{reason}</p>
            }
            .into_any(),
            // A plain link: the browser leaves for HubSpot, so the router must not handle it.
            None => view! {
                <p data-testid="hubspot-status">"Not connected."</p>
                <a href="/integrations/hubspot/connect" rel="external" class="button primary" data-testid="hubspot-connect">"Connect HubSpot"</a>
            }
            .into_any(),
        };
    };
    let may_manage = card.refusal.is_none();
    let last_sync = card.last_success_at.clone().unwrap_or_else(|| "not yet".to_owned());
    let (update, keep) = (card.update_existing_contacts, !card.update_existing_contacts);
    let disconnect_value = disconnect.value();
    let policy_value = policy.value();
    view! {
        <p data-testid="hubspot-status">"Connected to HubSpot portal " <strong data-testid="hubspot-portal">{portal}</strong></p>
        <dl class="details-list">
            <dt>"Connected"</dt><dd>{card.connected_at.clone()}</dd>
            <dt>"Last successful sync"</dt><dd data-testid="hubspot-last-sync">{last_sync}</dd>
        </dl>
        {card.refusal.clone().map(|reason| view! { <p class="notice">{reason}</p> })}
        {card.companies_need_reconnect.then(|| view! {
            <div class="notice" data-testid="hubspot-reconnect-companies">
                <p>"An event type makes HubSpot companies, but this connection was made before Slotline asked for access to companies. Until HubSpot is connected again, bookings sync their contacts and meetings without companies."</p>
                {may_manage.then(|| view! {
                    <a href="/integrations/hubspot/connect" rel="external" class="button">"Reconnect HubSpot"</a>
                })}
            </div>
        })}
        {may_manage.then(|| view! {
            <ActionForm action=policy attr:class="policy-form">
                <FormAlert value=policy_value/>
                <fieldset>
                    <legend>"When the invitee is already a contact in HubSpot"</legend>
                    <div class="choice">
                        <input type="radio" id="hubspot-update" name="update" value="true" checked=update data-testid="hubspot-update-existing"/>
                        <label for="hubspot-update">"Update the contact with the booking’s details"</label>
                    </div>
                    <div class="choice">
                        <input type="radio" id="hubspot-keep" name="update" value="false" checked=keep data-testid="hubspot-keep-existing"/>
                        <label for="hubspot-keep">"Leave the contact as it is"</label>
                    </div>
                </fieldset>
                <button type="submit" class="button" data-testid="hubspot-save-policy">"Save"</button>
            </ActionForm>
        })}
        {card.contact_sync.clone().map(|sync| view! { <ContactSyncSettings card=sync may_manage save=contact_sync/> })}
        {may_manage.then(|| view! {
            <ActionForm action=disconnect>
                <FormAlert value=disconnect_value/>
                <p class="muted">"Disconnecting stops syncing and revokes Slotline’s access. Contacts and meetings already in HubSpot stay there."</p>
                <button type="submit" class="button danger" data-testid="hubspot-disconnect">"Disconnect HubSpot"</button>
            </ActionForm>
        })}
    }
    .into_any()
}
