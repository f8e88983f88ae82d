//! `/dashboard/webhooks/{id}`: every delivery of one webhook with each
//! attempt's status, duration and response, and "Redeliver".
use super::DashboardShell;
use crate::components::{ErrorNotice, Loading};
use crate::dto::{AttemptDto, DeliveryDto, DeliveryLogDto};
use crate::functions::developer::{RedeliverWebhook, webhook_log};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn WebhookLogPage() -> impl IntoView {
    view! {
        <Title text="Delivery log"/>
        <DashboardShell>
            <Log/>
        </DashboardShell>
    }
}

#[component]
fn Log() -> impl IntoView {
    let params = use_params_map();
    let redeliver = ServerAction::<RedeliverWebhook>::new();
    let refresh = RwSignal::new(0u32);
    let log = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                redeliver.version().get(),
                refresh.get(),
            )
        },
        |(id, ..)| webhook_log(id.into()),
    );
    view! {
        <p><A href="/dashboard/webhooks">"← All webhooks"</A></p>
        <h1>"Delivery log"</h1>
        <button type="button" class="button" on:click=move |_| refresh.update(|n| *n += 1) data-testid="refresh-log">"Refresh"</button>
        <p class="form-success" role="status" hidden=move || !redeliver.value().with(|v| matches!(v, Some(Ok(()))))>
            "Redelivery queued."
        </p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match log.await {
                    Ok(log) => view! { <LogView log redeliver/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn LogView(log: DeliveryLogDto, redeliver: ServerAction<RedeliverWebhook>) -> impl IntoView {
    view! {
        <p>
            <span class="badge">{log.webhook.label.clone()}</span>" "
            <code class="url" data-testid="log-target">{log.webhook.target_url.clone()}</code>
        </p>
        <p class="muted">{format!("Times are in {}. The 50 latest deliveries are listed, newest first.", log.time_zone)}</p>
        {if log.deliveries.is_empty() {
            view! { <p class="muted" data-testid="deliveries-empty">"Nothing delivered yet."</p> }.into_any()
        } else {
            view! {
                <ol class="delivery-list" data-testid="delivery-list">
                    {log.deliveries.into_iter().map(|d| view! { <Delivery delivery=d redeliver/> }).collect_view()}
                </ol>
            }
            .into_any()
        }}
    }
}

fn status_label(status: &str) -> &'static str {
    match status {
        "succeeded" => "Delivered",
        "retrying" => "Failed, will retry",
        "failed" => "Failed",
        _ => "Queued",
    }
}

#[component]
fn Delivery(delivery: DeliveryDto, redeliver: ServerAction<RedeliverWebhook>) -> impl IntoView {
    let heading = format!("delivery-{}", delivery.id);
    let summary = format!("Delivery {} · queued {}", delivery.id, delivery.created);
    let form_id = delivery.id.to_string();
    view! {
        <li class="card delivery" data-testid="delivery" data-delivery-id=delivery.id.to_string() data-status=delivery.status.clone() aria-labelledby=heading.clone()>
            <h2 id=heading.clone() class="delivery-heading">
                <code>{delivery.event.clone()}</code>
                {delivery.is_test.then_some(" (test)")}
                " · "
                <span data-testid="delivery-status">{status_label(&delivery.status)}</span>
            </h2>
            <p class="muted">{summary}</p>
            <table class="data-table attempts" data-testid="attempts">
                <caption class="visually-hidden">"Attempts"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Attempt"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Duration"</th>
                        <th scope="col">"Response"</th>
                        <th scope="col">"Next retry"</th>
                    </tr>
                </thead>
                <tbody>
                    {delivery.attempts.into_iter().enumerate().map(|(n, a)| view! { <AttemptRow number=n + 1 attempt=a/> }).collect_view()}
                </tbody>
            </table>
            <ActionForm action=redeliver>
                <input type="hidden" name="delivery_id" value=form_id/>
                <button type="submit" class="button" data-testid="redeliver">"Redeliver"</button>
            </ActionForm>
        </li>
    }
}

#[component]
fn AttemptRow(number: usize, attempt: AttemptDto) -> impl IntoView {
    view! {
        <tr data-testid="attempt-row">
            <td>{format!("#{number}, {}", attempt.at)}</td>
            <td data-testid="attempt-status">{attempt.status_code.map_or_else(|| "No answer".to_owned(), |c| c.to_string())}</td>
            <td>{format!("{} ms", attempt.duration_ms)}</td>
            <td>
                {attempt.error.map(|e| view! { <p class="field-error">{e}</p> })}
                {attempt.response_body.filter(|b| !b.is_empty()).map(|b| view! { <pre class="response-body">{b}</pre> })}
            </td>
            <td>{attempt.next_retry.unwrap_or_else(|| "—".to_owned())}</td>
        </tr>
    }
}
