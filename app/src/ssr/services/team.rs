//! The team page: members and, for the owner, everyone's API keys; the
//! region phone numbers are read in; and the plan, which until billing
//! exists only the server's operator sets (here, or with `server admin
//! set-plan`).
use super::{api_keys, team_of};
use crate::domain::team::Plan;
use crate::dto::{TeamDto, TeamMemberDto};
use crate::error::AppError;
use crate::ssr::context::AppConfig;
use crate::ssr::entities::{team, user};
use crate::ssr::phone::PhoneRegion;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

/// The region `user`'s team reads national phone numbers in: the team's
/// setting, or else the country of the user's time zone.
pub async fn phone_region_of(db: &impl ConnectionTrait, user: &user::Model) -> Result<Option<PhoneRegion>, DbErr> {
    let team = team::Entity::find_by_id(&user.team_id).one(db).await?;
    Ok(team
        .and_then(|team| team.phone_region)
        .and_then(|code| PhoneRegion::parse(&code).ok())
        .or_else(|| PhoneRegion::of_zone(user.zone())))
}

/// Sets the region of the viewer's team; blank goes back to the time zone's.
#[tracing::instrument(skip_all, fields(team.id = %viewer.team_id))]
pub async fn set_phone_region(db: &DatabaseConnection, viewer: &user::Model, raw: &str) -> Result<(), AppError> {
    if !viewer.role.manages_team() {
        return Err(AppError::Forbidden(
            "Only the team’s owner or an admin can change this.".to_owned(),
        ));
    }
    let region = match raw.trim() {
        "" => None,
        raw => Some(PhoneRegion::parse(raw).map_err(|message| AppError::field("phone_region", message))?),
    };
    let mut model: team::ActiveModel = team_of(db, viewer).await?.into();
    model.phone_region = Set(region.map(PhoneRegion::code));
    model.update(db).await?;
    Ok(())
}

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
    let zone_region = PhoneRegion::of_zone(viewer.zone()).map(PhoneRegion::code);
    Ok(TeamDto {
        phone_region: team.phone_region.clone().unwrap_or_default(),
        phone_region_default: zone_region.unwrap_or_default(),
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
