//! `/settings/api-keys`: create a key (shown once), see and revoke yours.
use crate::components::field::field_error;
use crate::components::{CopyField, ErrorNotice, FormAlert, Loading, SelectField, TextField};
use crate::domain::api_keys::KeyExpiry;
use crate::domain::api_scopes::{ApiScope, SCOPES_SHOWN};
use crate::dto::ApiKeyDto;
use crate::functions::developer::{CreateApiKey, RevokeApiKey, api_keys_page};
use crate::pages::dashboard::DashboardShell;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    view! {
        <Title text="API keys"/>
        <DashboardShell>
            <ApiKeys/>
        </DashboardShell>
    }
}

#[component]
fn ApiKeys() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let value = create.value();
    let page = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| api_keys_page(),
    );
    let created = move || value.get().and_then(Result::ok);
    view! {
        <h1>"API keys"</h1>
        <p class="muted">
            "A key lets a tool such as Zapier, or an AI agent through the MCP server at /mcp, use Slotline’s API as you, within what you allow it. Send it in the "
            <code>"X-API-Key"</code>" header; the API is described at "
            <a href="/api/openapi.json">"/api/openapi.json"</a>"."
        </p>
        <section class="card narrow" aria-labelledby="new-key-heading">
            <h2 id="new-key-heading">"Create an API key"</h2>
            <ActionForm action=create attr:novalidate=true>
                <FormAlert value/>
                <TextField id="api-key-name" name="name" label="Name" required=true hint="What will use it, e.g. “Zapier”." error=field_error(value, "name")/>
                <SelectField id="api-key-expiry" name="expires_in_days" label="Expires" options=KeyExpiry::CHOICES.to_vec() value="" error=field_error(value, "expires_in_days")/>
                <ScopeBoxes error=field_error(value, "scopes")/>
                <button type="submit" class="button primary" data-testid="create-api-key">"Create API key"</button>
            </ActionForm>
            {move || created().map(|new| view! {
                <div class="form-success secret-once" data-testid="new-api-key-panel">
                    <p><strong>"Copy your new key now."</strong>" For your security it is shown only this once; Slotline keeps only a fingerprint of it."</p>
                    <CopyField id="new-api-key" label=format!("API key “{}”", new.api_key.name) value=new.key/>
                </div>
            })}
        </section>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! {
                        <p data-testid="api-key-usage">
                            {match page.limit {
                                Some(limit) => format!("{} plan: {} of {limit} active keys in use.", page.plan_label, page.active),
                                None => format!("{} plan: unlimited keys ({} active).", page.plan_label, page.active),
                            }}
                        </p>
                        <KeyTable keys=page.keys revoke/>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Keys with a Revoke button each; shared with the team page.
#[component]
pub fn KeyTable(keys: Vec<ApiKeyDto>, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    if keys.is_empty() {
        return view! { <p class="muted" data-testid="api-keys-empty">"No API keys yet."</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="data-table" data-testid="api-keys-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Key"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col">"Scopes"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {keys.into_iter().map(|key| {
                        let active = key.status == "active";
                        view! {
                            <tr data-testid="api-key-row" data-status=key.status.clone()>
                                <td>{key.name.clone()}</td>
                                <td><code>{format!("{}…", key.prefix)}</code></td>
                                <td>{key.created}</td>
                                <td>{key.last_used.unwrap_or_else(|| "Never".to_owned())}</td>
                                <td>{key.expires.unwrap_or_else(|| "Never".to_owned())}</td>
                                <td>{key.scopes.join(", ")}</td>
                                <td>{status_label(&key.status)}</td>
                                <td>
                                    {active.then(|| view! {
                                        <ActionForm action=revoke>
                                            <input type="hidden" name="id" value=key.id.to_string()/>
                                            <button type="submit" class="button danger" data-testid="revoke-api-key" aria-label=format!("Revoke key {}", key.name)>"Revoke"</button>
                                        </ActionForm>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

fn status_label(status: &str) -> &'static str {
    match status {
        "active" => "Active",
        "expired" => "Expired",
        _ => "Revoked",
    }
}

/// The key form's scope boxes, all ticked to begin with.
#[component]
fn ScopeBoxes(error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <fieldset class="field option-group" aria-describedby=move || error.get().map(|_| "api-key-scopes-error") aria-invalid=move || error.get().map(|_| "true")>
            <legend>"What the key may do"</legend>
            <input type="hidden" name=format!("scopes[{SCOPES_SHOWN}]") value="1"/>
            {ApiScope::ALL.into_iter().map(|scope| {
                let id = format!("api-key-scope-{}", scope.as_str().replace(':', "-"));
                view! {
                    <div class="checkbox-field">
                        <input type="checkbox" id=id.clone() name=format!("scopes[{}]", scope.as_str()) value="on" data-testid=id.clone() checked=true/>
                        <label for=id>{scope.description()}" "<code>{scope.as_str()}</code></label>
                    </div>
                }
            }).collect_view()}
            <p id="api-key-scopes-error" class="field-error" hidden=move || error.get().is_none()>{move || error.get()}</p>
        </fieldset>
    }
}
