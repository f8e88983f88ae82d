//! The team page: members and, for the owner, everyone's API keys and the
//! plan (a setting until billing exists).
use super::{api_keys, team_of};
use crate::domain::team::Plan;
use crate::dto::{TeamDto, TeamMemberDto};
use crate::error::AppError;
use crate::ssr::entities::{team, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

pub async fn page(db: &DatabaseConnection, viewer: &user::Model) -> Result<TeamDto, AppError> {
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
        members: rows,
    })
}

/// Changes the team's plan; only its owner may.
#[tracing::instrument(skip_all, fields(team.id = %owner.team_id))]
pub async fn set_plan(db: &DatabaseConnection, owner: &user::Model, raw: &str) -> Result<(), AppError> {
    if !owner.role.manages_team() {
        return Err(AppError::Forbidden(
            "Only the team’s owner can change the plan.".to_owned(),
        ));
    }
    let plan = Plan::ALL
        .into_iter()
        .find(|plan| plan.as_str() == raw)
        .ok_or_else(|| AppError::field("plan", "Choose Free, Pro or Organization."))?;
    let mut model: team::ActiveModel = team_of(db, owner).await?.into();
    model.plan = Set(plan);
    model.update(db).await?;
    tracing::info!(plan = plan.as_str(), "plan changed");
    Ok(())
}
