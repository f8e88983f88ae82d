//! The team page: members and, for the owner, everyone's API keys; and the
//! plan, which until billing exists only the server's operator sets (here,
//! or with `server admin set-plan`).
use super::{api_keys, team_of};
use crate::domain::team::Plan;
use crate::dto::{TeamDto, TeamMemberDto};
use crate::error::AppError;
use crate::ssr::context::AppConfig;
use crate::ssr::entities::{team, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

pub async fn page(db: &DatabaseConnection, config: &AppConfig, viewer: &user::Model) -> Result<TeamDto, AppError> {
    let team = team_of(db, viewer).await?;
    let is_owner = viewer.role.manages_team();
    let members = user::Entity::find()
        .filter(user::Column::TeamId.eq(&team.id))
        .order_by_asc(user::Column::CreatedAt)
        .all(db)
        .await?;
    let mut rows = Vec::with_capacity(members.len());
    for member in &members {
        rows.push(TeamMemberDto {
            id: member.id.clone(),
            name: member.name.clone(),
            email: member.email.clone(),
            role: member.role.label().to_owned(),
            keys: if is_owner {
                api_keys::keys_of(db, member, viewer).await?
            } else {
                Vec::new()
            },
        });
    }
    let plan = team.plan;
    Ok(TeamDto {
        name: team.name,
        plan: plan.as_str().to_owned(),
        plan_label: plan.label().to_owned(),
        is_owner,
        can_set_plan: config.is_operator(&viewer.email),
        members: rows,
    })
}

/// Changes the viewer's team's plan; only an operator may, since a plan is
/// what a team pays for.
#[tracing::instrument(skip_all, fields(team.id = %viewer.team_id))]
pub async fn set_plan(
    db: &DatabaseConnection,
    config: &AppConfig,
    viewer: &user::Model,
    raw: &str,
) -> Result<(), AppError> {
    if !config.is_operator(&viewer.email) {
        return Err(AppError::Forbidden(
            "Plans are set by the people who run this Slotline server. Ask them to change yours.".to_owned(),
        ));
    }
    let plan = parse_plan(raw).ok_or_else(|| AppError::field("plan", "Choose Free, Pro or Organization."))?;
    store_plan(db, team_of(db, viewer).await?, plan).await
}

pub fn parse_plan(raw: &str) -> Option<Plan> {
    Plan::ALL.into_iter().find(|plan| plan.as_str() == raw.trim())
}

/// Sets a team's plan on the operator's word: the team found by its id, a
/// member's e-mail or a member's host slug (`server admin set-plan`).
pub async fn set_plan_as_operator(db: &DatabaseConnection, which: &str, plan: Plan) -> Result<team::Model, AppError> {
    let which = which.trim();
    let team = match team::Entity::find_by_id(which).one(db).await? {
        Some(team) => team,
        None => {
            let member = user::Entity::find()
                .filter(
                    Condition::any()
                        .add(user::Column::Email.eq(which.to_lowercase()))
                        .add(user::Column::Slug.eq(which.to_lowercase())),
                )
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?;
            team_of(db, &member).await?
        }
    };
    let id = team.id.clone();
    store_plan(db, team, plan).await?;
    team::Entity::find_by_id(&id).one(db).await?.ok_or(AppError::NotFound)
}

async fn store_plan(db: &DatabaseConnection, team: team::Model, plan: Plan) -> Result<(), AppError> {
    let mut model: team::ActiveModel = team.into();
    model.plan = Set(plan);
    model.update(db).await?;
    tracing::info!(plan = plan.as_str(), "plan changed");
    Ok(())
}
