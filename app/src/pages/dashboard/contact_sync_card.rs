//! Two-way contact sync on the HubSpot card: which way contacts flow, the
//! lifecycle stages that come in, the nightly time, "Reconcile now" with a
//! live progress bar (polled each second while a run goes), and when
//! reconciles and webhooks last happened.
use crate::components::FormAlert;
use crate::components::field::field_error;
use crate::dto::{ContactSyncCard, ReconcileProgress};
use crate::functions::integrations::{ReconcileContactsNow, SetContactSync, fetch_reconcile_progress};
use leptos::form::ActionForm;
use leptos::prelude::*;
use std::time::Duration;

/// How often the progress bar asks while a reconcile runs.
const POLL: Duration = Duration::from_secs(1);

#[component]
pub fn ContactSyncSettings(
    card: ContactSyncCard,
    may_manage: bool,
    save: ServerAction<SetContactSync>,
) -> impl IntoView {
    let value = save.value();
    let (both, one) = (card.both_ways, !card.both_ways);
    let webhooks = card.webhooks_seen.clone().map_or_else(
        || "none yet: changes made in HubSpot arrive with the pull every 10 minutes.".to_owned(),
        |at| format!("last arrived {at}."),
    );
    let progress = card.progress.clone();
    let both_ways = card.both_ways;
    let details = card.clone();
    view! {
        <section class="contact-sync" aria-labelledby="contact-sync-heading" data-testid="contact-sync">
            <h3 id="contact-sync-heading">"Contact sync"</h3>
            {may_manage.then(|| view! {
                <ActionForm action=save attr:class="policy-form" attr:novalidate=true>
                    <FormAlert value/>
                    <fieldset>
                        <legend>"Contacts flow"</legend>
                        <div class="choice">
                            <input type="radio" id="sync-one-way" name="direction" value="to_hubspot" checked=one data-testid="contact-sync-one-way"/>
                            <label for="sync-one-way">"Slotline → HubSpot (bookings bring their invitees to HubSpot)"</label>
                        </div>
                        <div class="choice">
                            <input type="radio" id="sync-both-ways" name="direction" value="both_ways" checked=both data-testid="contact-sync-both-ways"/>
                            <label for="sync-both-ways">"Both ways (contacts made or edited on either side reach the other)"</label>
                        </div>
                    </fieldset>
                    <StageChoices card=card.clone() error=field_error(value, "stages")/>
                    <div class="field">
                        <label for="nightly-time">{format!("Nightly reconcile at ({})", card.zone)}</label>
                        <input type="time" id="nightly-time" name="nightly_time" value=card.nightly_time.clone() required=true
                            aria-invalid=move || field_error(value, "nightly_time").get().map(|_| "true")
                            aria-describedby=move || field_error(value, "nightly_time").get().map(|_| "nightly-time-error")
                            data-testid="nightly-time"/>
                        <p id="nightly-time-error" class="field-error" hidden=move || field_error(value, "nightly_time").get().is_none()>{move || field_error(value, "nightly_time").get()}</p>
                    </div>
                    <button type="submit" class="button" data-testid="contact-sync-save">"Save contact sync"</button>
                </ActionForm>
            })}
            <Reconcile initial=progress last=details.last_reconcile may_manage both_ways>
                {both_ways.then(|| view! { <dt>"Next reconcile"</dt><dd data-testid="next-reconcile">{details.next_reconcile.unwrap_or_default()}</dd> })}
                {both_ways.then(|| view! { <dt>"Webhooks from HubSpot"</dt><dd data-testid="webhooks-status">{webhooks}</dd> })}
            </Reconcile>
        </section>
    }
}

/// The lifecycle stages to bring in, as the portal lists them.
#[component]
fn StageChoices(card: ContactSyncCard, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <fieldset class="option-group" aria-describedby=move || error.get().map(|_| "stages-error") aria-invalid=move || error.get().map(|_| "true")>
            <legend>"Lifecycle stages to bring in from HubSpot"</legend>
            {card.stages.into_iter().map(|stage| {
                let id = format!("stage-{}", stage.value);
                view! {
                    <div class="choice">
                        <input type="checkbox" id=id.clone() name=format!("stages[{}]", stage.value) value="on" checked=stage.chosen data-testid=id.clone()/>
                        <label for=id>{stage.label}</label>
                    </div>
                }
            }).collect_view()}
            <p id="stages-error" class="field-error" hidden=move || error.get().is_none()>{move || error.get()}</p>
        </fieldset>
    }
}

/// When reconciles ran and run next, "Reconcile now" and the progress of
/// the latest run; `last` is the last finished one as the page was drawn.
#[component]
fn Reconcile(
    initial: Option<ReconcileProgress>,
    last: Option<String>,
    may_manage: bool,
    both_ways: bool,
    children: Children,
) -> impl IntoView {
    let start = ServerAction::<ReconcileContactsNow>::new();
    let start_value = start.value();
    let tick = RwSignal::new(0_u32);
    let latest = RwSignal::new(initial);
    let fetched = Resource::new(
        move || (tick.get(), start.version().get()),
        |_| fetch_reconcile_progress(),
    );
    Effect::new(move |_| {
        if let Some(Ok(progress)) = fetched.get() {
            let running = progress.as_ref().is_some_and(|p| p.running);
            latest.set(progress);
            if running {
                set_timeout(move || tick.update(|n| *n += 1), POLL);
            }
        }
    });
    let last_finished = move || {
        latest
            .get()
            .filter(|p| p.status == "finished")
            .and_then(|p| p.finished)
            .or_else(|| last.clone())
            .unwrap_or_else(|| "not yet".to_owned())
    };
    view! {
        <dl class="details-list">
            <dt>"Last reconcile"</dt><dd data-testid="last-reconcile">{last_finished}</dd>
            {children()}
        </dl>
        {(may_manage && both_ways).then(|| view! {
            <ActionForm action=start>
                <FormAlert value=start_value/>
                <button type="submit" class="button" data-testid="reconcile-now">"Reconcile now"</button>
            </ActionForm>
        })}
        {move || latest.get().filter(|_| both_ways).map(|p| view! { <ProgressView progress=p/> })}
    }
}

#[component]
fn ProgressView(progress: ReconcileProgress) -> impl IntoView {
    let heading = match (progress.status.as_str(), progress.trigger.as_str()) {
        ("running", "initial") => "First reconcile running",
        ("running", _) => "Reconcile running",
        ("finished", _) => "Reconcile finished",
        ("stopped", _) => "Reconcile stopped",
        _ => "Reconcile failed",
    };
    let counts = format!(
        "{} of {} contacts: {} pulled, {} pushed, {} merged, {} conflicts, {} skipped by filter.",
        progress.processed,
        progress.total,
        progress.pulled,
        progress.pushed,
        progress.merged,
        progress.conflicts,
        progress.skipped
    );
    let max = progress.total.max(1);
    let value = if progress.status == "finished" {
        max
    } else {
        progress.processed.min(max)
    };
    view! {
        <div class="reconcile-progress" data-testid="reconcile" data-status=progress.status.clone()>
            <label for="reconcile-bar">{heading}</label>
            <progress id="reconcile-bar" max=max value=value data-testid="reconcile-progress">{format!("{value} of {max}")}</progress>
            <p role="status" aria-live="polite" data-testid="reconcile-status">
                {counts}
                {progress.finished.map(|at| format!(" Finished {at}."))}
                {progress.message.map(|m| format!(" {m}"))}
            </p>
        </div>
    }
}
