//! The event type's HubSpot section: "Setting of Contacts" and "Setting of
//! Companies", each a list of "HubSpot property ← booking information" rows
//! added and removed one at a time. Every change is its own small form, so
//! each works before hydration and shows its errors beside its fields.
use crate::components::field::field_error;
use crate::components::{ErrorNotice, FormAlert, Loading, SelectField};
use crate::domain::hubspot_mapping::{CrmObject, PropertyDef};
use crate::dto::{HubspotMappingDto, MappingRowDto, ObjectMappingDto};
use crate::error::AppError;
use crate::functions::hubspot_mapping::{
    AddHubspotMapping, RefreshHubspotProperties, RemoveHubspotMapping, SaveHubspotChoices, SetHubspotCompanies,
    hubspot_mapping,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;

/// The actions of the section; any of them finishing reloads it.
#[derive(Clone, Copy)]
pub struct MappingActions {
    add: ServerAction<AddHubspotMapping>,
    remove: ServerAction<RemoveHubspotMapping>,
    choices: ServerAction<SaveHubspotChoices>,
    companies: ServerAction<SetHubspotCompanies>,
    refresh: ServerAction<RefreshHubspotProperties>,
}

/// The section's settings, `None` for an event type not saved yet.
pub type MappingResource = Resource<Result<Option<HubspotMappingDto>, AppError>>;

impl Default for MappingActions {
    fn default() -> Self {
        Self {
            add: ServerAction::new(),
            remove: ServerAction::new(),
            choices: ServerAction::new(),
            companies: ServerAction::new(),
            refresh: ServerAction::new(),
        }
    }
}

impl MappingActions {
    /// The settings of the event type `id` gives, reloaded after each action.
    /// The page creates it at its top, outside any `<Suspense/>`: a resource
    /// made inside one raced its sibling's while hydrating.
    pub fn settings(self, id: Signal<Option<String>>) -> MappingResource {
        Resource::new(
            move || {
                (
                    id.get(),
                    self.add.version().get(),
                    self.remove.version().get(),
                    self.choices.version().get(),
                    self.companies.version().get(),
                    self.refresh.version().get(),
                )
            },
            |(id, ..)| async move {
                match id {
                    Some(id) => hubspot_mapping(id.into(), false).await.map(Some),
                    None => Ok(None),
                }
            },
        )
    }
}

#[component]
pub fn HubspotMappingEditor(settings: MappingResource, actions: MappingActions) -> impl IntoView {
    view! {
        <section class="card narrow" aria-labelledby="hubspot-heading" data-testid="hubspot-mapping">
            <h2 id="hubspot-heading">"HubSpot"</h2>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(Some(dto)) => view! { <Settings dto actions/> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Settings(dto: HubspotMappingDto, actions: MappingActions) -> impl IntoView {
    let sync = if dto.sync_on {
        "Bookings of this event type sync to your team’s HubSpot. Choose below which HubSpot property each piece of booking information fills."
    } else {
        "HubSpot sync is off for this event type (see “HubSpot” above), so these settings wait until it is on."
    };
    let refresh_value = actions.refresh.value();
    let HubspotMappingDto {
        event_type_id,
        connected,
        problem,
        listed_at,
        create_companies,
        companies_need_reconnect,
        sources,
        objects,
        ..
    } = dto;
    let companies_listed = objects
        .iter()
        .any(|o| o.object == CrmObject::Companies && !o.properties.is_empty());
    let refresh_id = event_type_id.clone();
    view! {
        <p class="muted" data-testid="hubspot-mapping-sync">{sync}</p>
        {(!connected).then(|| view! {
            <p class="notice">"Your team has not connected HubSpot. " <A href="/dashboard/integrations">"Connect it on the Integrations page"</A> " to choose its properties."</p>
        })}
        {problem.filter(|_| connected).map(|problem| view! { <p class="notice" role="status" data-testid="hubspot-mapping-problem">{problem}</p> })}
        {companies_need_reconnect.then(|| view! {
            <p class="notice" data-testid="hubspot-mapping-reconnect">"This event type makes companies, but your team’s HubSpot connection was made without access to companies."</p>
        })}
        {(connected && (companies_need_reconnect || !companies_listed)).then(|| view! {
            // A plain link: the browser leaves for HubSpot, so the router must not handle it.
            <p><a href="/integrations/hubspot/connect?companies=1" rel="external" class="button small" data-testid="hubspot-allow-companies">"Allow companies"</a>
            " (an owner or admin of the team reconnects HubSpot, granting access to companies)"</p>
        })}
        {connected.then(move || view! {
            <ActionForm action=actions.refresh attr:class="inline-form">
                <FormAlert value=refresh_value/>
                <input type="hidden" name="event_type_id" value=refresh_id/>
                <p class="muted">
                    {listed_at.map(|at| format!("HubSpot’s properties as listed {at}. "))}
                    <button type="submit" class="button small" data-testid="hubspot-refresh-properties">"Refresh"</button>
                </p>
            </ActionForm>
        })}
        {objects.into_iter().map(|object| {
            let companies = (object.object == CrmObject::Companies).then(|| view! {
                <CompaniesSwitch on=create_companies event_type_id=event_type_id.clone() action=actions.companies/>
            });
            view! {
                <ObjectSettings object sources=sources.clone() event_type_id=event_type_id.clone() actions>
                    {companies}
                </ObjectSettings>
            }
        }).collect_view()}
    }
}

#[component]
fn CompaniesSwitch(on: bool, event_type_id: String, action: ServerAction<SetHubspotCompanies>) -> impl IntoView {
    let value = action.value();
    view! {
        <ActionForm action attr:class="companies-form">
            <FormAlert value/>
            <input type="hidden" name="event_type_id" value=event_type_id/>
            <input type="hidden" name="on" value=(!on).to_string()/>
            <p>
                {if on {
                    "Each booking from a business e-mail address is linked to the HubSpot company of its domain, made if HubSpot has none."
                } else {
                    "Companies are made only when a row below is set. Turn this on to link every business e-mail domain to its company."
                }}
                " Free e-mail domains such as gmail.com never make a company."
            </p>
            <button type="submit" class="button small" data-testid="hubspot-create-companies">
                {if on { "Stop creating companies" } else { "Create companies" }}
            </button>
        </ActionForm>
    }
}

/// The fixed first row of an object: what Slotline always sends.
fn fixed_row(object: CrmObject) -> (&'static str, &'static str) {
    match object {
        CrmObject::Contacts => ("Email (email)", "E-mail — always sent"),
        CrmObject::Companies => ("Company domain name (domain)", "E-mail’s domain — always sent"),
    }
}

#[component]
fn ObjectSettings(
    object: ObjectMappingDto,
    sources: Vec<(String, String)>,
    event_type_id: String,
    actions: MappingActions,
    children: Children,
) -> impl IntoView {
    let key = object.object.as_str();
    let heading_id = format!("hubspot-{key}-heading");
    let labelled_by = heading_id.clone();
    let (fixed_property, fixed_source) = fixed_row(object.object);
    let ObjectMappingDto {
        label,
        properties,
        rows,
        ..
    } = object;
    view! {
        <section aria-labelledby=labelled_by data-testid=format!("hubspot-{key}")>
            <h3 id=heading_id>"Setting of " {label.clone()}</h3>
            {children()}
            <div class="table-scroll">
                <table class="data-table">
                    <caption class="visually-hidden">{format!("HubSpot {key} properties and the booking information that fills each")}</caption>
                    <thead>
                        <tr><th scope="col">"HubSpot property"</th><th scope="col">"Filled from"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr>
                    </thead>
                    <tbody>
                        <tr><td>{fixed_property}</td><td>{fixed_source}</td><td></td></tr>
                        {rows.into_iter().map(|row| view! {
                            <MappingRow row object=key event_type_id=event_type_id.clone() actions/>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <AddRow object=key properties sources event_type_id action=actions.add/>
        </section>
    }
}

#[component]
fn MappingRow(
    row: MappingRowDto,
    object: &'static str,
    event_type_id: String,
    actions: MappingActions,
) -> impl IntoView {
    let name = format!("{} ({})", row.property_label, row.property);
    let testid = format!("hubspot-{object}-row-{}", row.property);
    let choices = if row.choices.is_empty() {
        (!row.options.is_empty()).then(|| {
            let labels: Vec<&str> = row.options.iter().map(|o| o.label.as_str()).collect();
            view! { <p class="muted">"Takes one of: " {labels.join(", ")}</p> }.into_any()
        })
    } else {
        Some(view! { <ChoiceMatching row=row.clone() object event_type_id=event_type_id.clone() action=actions.choices/> }.into_any())
    };
    view! {
        <tr data-testid=testid>
            <td>{name.clone()}</td>
            <td>{row.source_label.clone()} {choices}</td>
            <td>
                <ActionForm action=actions.remove attr:class="inline-form">
                    <input type="hidden" name="event_type_id" value=event_type_id/>
                    <input type="hidden" name="object" value=object/>
                    <input type="hidden" name="position" value=row.position.to_string()/>
                    <button type="submit" class="button small" aria-label=format!("Remove the row for {name}")>"Remove"</button>
                </ActionForm>
            </td>
        </tr>
    }
}

/// A choice question filling an enumeration: which option each answer picks.
#[component]
fn ChoiceMatching(
    row: MappingRowDto,
    object: &'static str,
    event_type_id: String,
    action: ServerAction<SaveHubspotChoices>,
) -> impl IntoView {
    let value = action.value();
    let mut options = vec![(String::new(), "The option with the same label".to_owned())];
    options.extend(row.options.iter().map(|o| (o.value.clone(), o.label.clone())));
    let prefix = format!("hubspot-{object}-{}", row.property);
    view! {
        <details>
            <summary data-testid=format!("{prefix}-choices")>"Match each answer to an option of " {row.property_label.clone()}</summary>
            <ActionForm action>
                <FormAlert value/>
                <input type="hidden" name="event_type_id" value=event_type_id/>
                <input type="hidden" name="object" value=object/>
                <input type="hidden" name="position" value=row.position.to_string()/>
                {row.choices.into_iter().enumerate().map(|(place, (answer, chosen))| view! {
                    <SelectField
                        id=format!("{prefix}-choice-{place}")
                        name=format!("choices[{place}]")
                        label=format!("Answer “{answer}”")
                        options=options.clone()
                        value=chosen
                    />
                }).collect_view()}
                <button type="submit" class="button small" data-testid=format!("{prefix}-save-choices")>"Save matches"</button>
            </ActionForm>
        </details>
    }
}

fn property_choice(property: &PropertyDef) -> (String, String) {
    let several = if property.multiple { ", several" } else { "" };
    (
        property.name.clone(),
        format!("{} ({}{several})", property.label, property.kind.label()),
    )
}

/// The "+" of an object: a property and the information that fills it.
#[component]
fn AddRow(
    object: &'static str,
    properties: Vec<PropertyDef>,
    sources: Vec<(String, String)>,
    event_type_id: String,
    action: ServerAction<AddHubspotMapping>,
) -> impl IntoView {
    let value = action.value();
    let mut property_options = vec![(String::new(), "Choose a property".to_owned())];
    property_options.extend(properties.iter().map(property_choice));
    let mut source_options = vec![(String::new(), "Choose the information".to_owned())];
    source_options.extend(sources);
    let prefix = format!("hubspot-{object}");
    view! {
        <ActionForm action attr:class="mapping-add" attr:novalidate=true>
            <FormAlert value/>
            <input type="hidden" name="event_type_id" value=event_type_id/>
            <input type="hidden" name="object" value=object/>
            <SelectField id=format!("{prefix}-property") name="property" label="HubSpot property" options=property_options value="" error=field_error(value, "property")/>
            <SelectField id=format!("{prefix}-source") name="source" label="Filled from" options=source_options value="" error=field_error(value, "source")/>
            <button type="submit" class="button" data-testid=format!("{prefix}-add") aria-label=format!("Add a row to {object}") disabled=move || action.pending().get()>"+ Add row"</button>
        </ActionForm>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::hubspot_mapping::PropertyType;

    #[test]
    fn properties_are_offered_with_their_type() {
        let property = PropertyDef {
            name: "hs_buying_role".into(),
            label: "Buying Role".into(),
            kind: PropertyType::Enumeration,
            multiple: true,
            options: Vec::new(),
        };
        assert_eq!(property_choice(&property).1, "Buying Role (options, several)");
    }
}
