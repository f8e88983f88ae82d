//! `/settings/team`: members, their API keys (for the owner, who may revoke
//! any of them), the region phone numbers are read in, and the plan.
use super::api_keys::KeyTable;
use crate::components::field::field_error;
use crate::components::{ErrorNotice, FormAlert, Loading, SelectField, TextField};
use crate::domain::team::Plan;
use crate::dto::TeamDto;
use crate::functions::developer::{RevokeApiKey, SetTeamPhoneRegion, SetTeamPlan, team_page};
use crate::pages::dashboard::DashboardShell;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TeamPage() -> impl IntoView {
    view! {
        <Title text="Team"/>
        <DashboardShell>
            <Team/>
        </DashboardShell>
    }
}

#[component]
fn Team() -> impl IntoView {
    let set_plan = ServerAction::<SetTeamPlan>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let set_region = ServerAction::<SetTeamPhoneRegion>::new();
    let page = Resource::new(
        move || {
            (
                set_plan.version().get(),
                revoke.version().get(),
                set_region.version().get(),
            )
        },
        |_| team_page(),
    );
    view! {
        <h1>"Team"</h1>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(team) => view! { <TeamView team set_plan revoke set_region/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TeamView(
    team: TeamDto,
    set_plan: ServerAction<SetTeamPlan>,
    revoke: ServerAction<RevokeApiKey>,
    set_region: ServerAction<SetTeamPhoneRegion>,
) -> impl IntoView {
    let value = set_plan.value();
    let saved = move || value.get().is_some_and(|r| r.is_ok());
    let is_owner = team.is_owner;
    let region = team.phone_region.clone();
    let region_default = team.phone_region_default.clone();
    view! {
        <p data-testid="team-name">{team.name.clone()}</p>
        {is_owner.then(|| view! { <PhoneRegionForm action=set_region region region_default/> })}
        <section class="card narrow" aria-labelledby="plan-heading">
            <h2 id="plan-heading">"Plan"</h2>
            {if team.can_set_plan {
                view! {
                    <ActionForm action=set_plan>
                        <FormAlert value/>
                        <SelectField id="team-plan" name="plan" label="Your team’s plan" options=Plan::ALL.map(|plan| (plan.as_str(), plan.offer())).to_vec() value=team.plan.clone() error=field_error(value, "plan")/>
                        <p class="hint">"You run this server: there is no billing yet, so you set the plan."</p>
                        <button type="submit" class="button primary" data-testid="save-plan">"Save plan"</button>
                        <p class="form-success" role="status" hidden=move || !saved()>"Plan saved."</p>
                    </ActionForm>
                }
                .into_any()
            } else {
                view! { <p data-testid="team-plan-label">{format!("Your team is on the {} plan. To change it, ask the people who run this Slotline server.", team.plan_label)}</p> }.into_any()
            }}
        </section>
        <section aria-labelledby="members-heading">
            <h2 id="members-heading">"Members"</h2>
            <div class="table-scroll">
                <table class="data-table" data-testid="team-members">
                    <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th></tr></thead>
                    <tbody>
                        {team.members.iter().map(|m| view! {
                            <tr data-testid="team-member-row"><td>{m.name.clone()}</td><td>{m.email.clone()}</td><td>{m.role.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        {team.is_owner.then(|| view! {
            <section aria-labelledby="team-keys-heading" data-testid="team-keys">
                <h2 id="team-keys-heading">"API keys by member"</h2>
                <p class="muted">"As the team’s owner you can revoke any member’s key; it stops working at once."</p>
                {team.members.into_iter().map(|m| {
                    let heading = format!("member-keys-{}", m.id);
                    view! {
                        <section class="member-keys" aria-labelledby=heading.clone() data-testid="member-keys">
                            <h3 id=heading.clone()>{format!("{} ({})", m.name, m.email)}</h3>
                            <KeyTable keys=m.keys revoke/>
                        </section>
                    }
                }).collect_view()}
            </section>
        })}
    }
}

/// The region national phone numbers are read in, for bookings and lookups.
#[component]
fn PhoneRegionForm(action: ServerAction<SetTeamPhoneRegion>, region: String, region_default: String) -> impl IntoView {
    let value = action.value();
    let saved = move || value.get().is_some_and(|r| r.is_ok());
    let current = match (region.is_empty(), region_default.is_empty()) {
        (false, _) => format!("Numbers without a country code are read as {region}."),
        (true, false) => {
            format!("Numbers without a country code are read as {region_default}, the country of your time zone.")
        }
        (true, true) => {
            "Numbers without a country code cannot be read: your time zone has no country. Set one here.".to_owned()
        }
    };
    view! {
        <section class="card narrow" aria-labelledby="phone-region-heading">
            <h2 id="phone-region-heading">"Phone numbers"</h2>
            <p data-testid="phone-region-current">{current}</p>
            <ActionForm action>
                <FormAlert value/>
                <TextField id="phone-region" name="phone_region" label="Country for national phone numbers" value=region autocomplete="off" hint="Two letters, like DE or US. Leave blank to use your time zone’s country." error=field_error(value, "phone_region")/>
                <button type="submit" class="button" data-testid="save-phone-region">"Save"</button>
                <p class="form-success" role="status" hidden=move || !saved()>"Saved."</p>
            </ActionForm>
        </section>
    }
}
