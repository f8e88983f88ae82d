//! `/dashboard/webhooks`: signed webhooks, manual and Zapier's, with the
//! form to add one (its secret shown once) and each one's controls.
use super::DashboardShell;
use crate::components::field::field_error;
use crate::components::{CheckboxField, CopyField, ErrorNotice, FormAlert, Loading, SelectField, TextField};
use crate::domain::webhooks::EventKey;
use crate::dto::{WebhookDto, WebhookSecret, WebhooksDto as PageDto};
use crate::error::AppError;
use crate::functions::developer::{
    CreateWebhook, DeleteWebhook, RollWebhookSecret, SendTestWebhook, SetWebhookActive, ZapierWebhookSecret,
    webhooks_page,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn WebhooksPage() -> impl IntoView {
    view! {
        <Title text="Webhooks"/>
        <DashboardShell>
            <Webhooks/>
        </DashboardShell>
    }
}

/// The actions that change the list, so that any of them refreshes it.
#[derive(Clone, Copy)]
struct Actions {
    create: ServerAction<CreateWebhook>,
    delete: ServerAction<DeleteWebhook>,
    toggle: ServerAction<SetWebhookActive>,
}

#[component]
fn Webhooks() -> impl IntoView {
    let actions = Actions {
        create: ServerAction::new(),
        delete: ServerAction::new(),
        toggle: ServerAction::new(),
    };
    let page = Resource::new(
        move || {
            (
                actions.create.version().get(),
                actions.delete.version().get(),
                actions.toggle.version().get(),
            )
        },
        |_| webhooks_page(),
    );
    view! {
        <h1>"Webhooks"</h1>
        <p class="muted">
            "Slotline POSTs each event you choose to your URL as JSON, signed with the webhook’s secret: check "
            <code>"X-Slotline-Signature"</code>" (HMAC-SHA256 of the body, hex) or the Standard Webhooks "
            <code>"webhook-signature"</code>" header. Failed deliveries are retried for more than a day."
        </p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <WebhookList page actions/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A secret just made or revealed, shown this once.
fn secret_panel(result: Option<Result<WebhookSecret, AppError>>) -> Option<impl IntoView + use<>> {
    let secret = result?.ok()?;
    Some(view! {
        <div class="form-success secret-once" data-testid="webhook-secret-panel">
            <p><strong>"Copy this signing secret now."</strong>" It is shown only this once."</p>
            <CopyField id="webhook-secret" label="Signing secret" value=secret.secret/>
            {secret.previous_valid_until.map(|until| view! {
                <p data-testid="webhook-previous-secret">
                    {format!("The old secret keeps working until {until}: until then each delivery is signed with both, so your endpoint can switch over without missing one.")}
                </p>
            })}
        </div>
    })
}

#[component]
fn WebhookList(page: PageDto, actions: Actions) -> impl IntoView {
    let value = actions.create.value();
    let usage = match page.limit {
        Some(limit) => format!(
            "{} plan: {} of {limit} webhooks in use, Zapier’s included.",
            page.plan_label,
            page.webhooks.len()
        ),
        None => format!("{} plan: unlimited webhooks.", page.plan_label),
    };
    let filter_options: Vec<(String, String)> = std::iter::once((String::new(), "All event types".to_owned()))
        .chain(page.event_types.iter().map(|e| (e.id.to_string(), e.name.clone())))
        .collect();
    let events_error = field_error(value, "events");
    view! {
        <p data-testid="webhook-usage">{usage}</p>
        {if page.webhooks.is_empty() {
            view! { <p class="muted" data-testid="webhooks-empty">"No webhooks yet."</p> }.into_any()
        } else {
            view! {
                <ul class="webhook-list" data-testid="webhook-list">
                    {page.webhooks.into_iter().map(|hook| view! { <WebhookItem hook actions/> }).collect_view()}
                </ul>
            }
            .into_any()
        }}
        <section class="card narrow" aria-labelledby="add-webhook-heading">
            <h2 id="add-webhook-heading">"Add a webhook"</h2>
            <ActionForm action=actions.create attr:novalidate=true>
                <FormAlert value/>
                <TextField id="webhook-url" name="form[target_url]" label="Endpoint URL" kind="url" required=true hint="An https:// address that accepts POST requests." error=field_error(value, "target_url")/>
                <fieldset
                    class="field"
                    class:field-invalid=move || events_error.get().is_some()
                    aria-invalid=move || events_error.get().is_some().then_some("true")
                    aria-describedby=move || events_error.get().is_some().then_some("webhook-events-error")
                    data-testid="webhook-events"
                >
                    <legend>"Events to send"</legend>
                    {EventKey::ALL.into_iter().map(|key| view! {
                        <CheckboxField id=format!("webhook-event-{}", key.as_str().replace('.', "-")) name=format!("form[events][{key}]") label=format!("{} ({key})", key.label()) checked=key == EventKey::BookingCreated/>
                    }).collect_view()}
                    <p class="field-error" id="webhook-events-error" hidden=move || events_error.get().is_none()>{move || events_error.get()}</p>
                </fieldset>
                <SelectField id="webhook-event-type" name="form[event_type_id]" label="Only bookings of" options=filter_options value="" error=field_error(value, "event_type_id")/>
                <button type="submit" class="button primary" data-testid="create-webhook">"Add webhook"</button>
            </ActionForm>
            {move || secret_panel(value.get())}
        </section>
    }
}

#[component]
fn WebhookItem(hook: WebhookDto, actions: Actions) -> impl IntoView {
    let id = hook.id.clone();
    let is_zapier = hook.label == "Zapier";
    let test = ServerAction::<SendTestWebhook>::new();
    let roll = ServerAction::<RollWebhookSecret>::new();
    let reveal = ServerAction::<ZapierWebhookSecret>::new();
    let tested = move || {
        test.value().with(|v| match v {
            Some(Ok(())) => Some("Test event queued: see the delivery log."),
            Some(Err(_)) => Some("The test event could not be queued. Please try again."),
            None => None,
        })
    };
    let roll_panel = move || secret_panel(roll.value().get());
    let reveal_panel = move || secret_panel(reveal.value().get());
    let log_href = format!("/dashboard/webhooks/{id}");
    let item_id = id.to_string();
    let stored_id = StoredValue::new(id);
    let id_field = move || view! { <input type="hidden" name="id" value=stored_id.get_value().to_string()/> };
    view! {
        <li class="card webhook" data-testid="webhook-item" data-webhook-id=item_id>
            <p>
                <span class="badge" data-testid="webhook-label">{hook.label.clone()}</span>" "
                <code class="url" data-testid="webhook-target">{hook.target_url.clone()}</code>
            </p>
            <p class="muted">
                {format!("Events: {}", hook.events.join(", "))}
                {hook.event_type.clone().map(|name| format!(" · only bookings of {name}"))}
                {format!(" · added {}", hook.created)}
            </p>
            <p data-testid="webhook-status">
                {if hook.active { "Active".to_owned() } else { format!("Switched off{}", hook.disabled_reason.clone().map(|r| format!(": {r}")).unwrap_or_default()) }}
            </p>
            <div class="actions">
                <A href=log_href attr:data-testid="webhook-log-link">"Delivery log"</A>
                <ActionForm action=test>
                    {id_field()}
                    <button type="submit" class="button" data-testid="webhook-send-test">"Send test event"</button>
                </ActionForm>
                <ActionForm action=actions.toggle>
                    {id_field()}
                    <input type="hidden" name="active" value=(!hook.active).to_string()/>
                    <button type="submit" class="button" data-testid="webhook-toggle">{if hook.active { "Switch off" } else { "Switch on" }}</button>
                </ActionForm>
                {if is_zapier {
                    view! {
                        <ActionForm action=reveal>
                            {id_field()}
                            <button type="submit" class="button" data-testid="webhook-reveal-secret">"Show signing secret"</button>
                        </ActionForm>
                    }
                    .into_any()
                } else {
                    view! {
                        <ActionForm action=roll>
                            {id_field()}
                            <button type="submit" class="button" data-testid="webhook-roll-secret">"Roll secret"</button>
                        </ActionForm>
                    }
                    .into_any()
                }}
                <ActionForm action=actions.delete>
                    {id_field()}
                    <button type="submit" class="button danger" data-testid="webhook-delete" aria-label=format!("Delete webhook to {}", hook.target_url)>"Delete"</button>
                </ActionForm>
            </div>
            <p class="form-success" role="status" data-testid="webhook-test-status" hidden=move || tested().is_none()>{tested}</p>
            {roll_panel}
            {reveal_panel}
        </li>
    }
}
