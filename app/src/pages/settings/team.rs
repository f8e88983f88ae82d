//! `/settings/team`: members, their API keys (for the owner, who may revoke
//! any of them) and the plan.
use super::api_keys::KeyTable;
use crate::components::field::field_error;
use crate::components::{ErrorNotice, FormAlert, Loading, SelectField};
use crate::domain::team::Plan;
use crate::dto::TeamDto;
use crate::functions::developer::{RevokeApiKey, SetTeamPlan, team_page};
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
    let page = Resource::new(
        move || (set_plan.version().get(), revoke.version().get()),
        |_| team_page(),
    );
    view! {
        <h1>"Team"</h1>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(team) => view! { <TeamView team set_plan revoke/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TeamView(team: TeamDto, set_plan: ServerAction<SetTeamPlan>, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let value = set_plan.value();
    let saved = move || value.get().is_some_and(|r| r.is_ok());
    view! {
        <p data-testid="team-name">{team.name.clone()}</p>
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
