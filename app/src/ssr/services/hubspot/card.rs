//! What the integrations card shows, and the choices made on it.
use super::connect::{refusal, require_manager};
use super::mappings::PropertySource;
use super::{HubspotSettings, connection_of_team, mappings, two_way};
use crate::domain::hubspot_mapping::CrmObject;
use crate::dto::{HubspotCardDto, SyncLogLine};
use crate::error::AppError;
use crate::ssr::entities::{hubspot_sync_log as sync_log, integration_connection as connection, user};
use crate::ssr::services::team_of;
use crate::ssr::time_fmt::moment_in;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

pub async fn set_update_existing(db: &DatabaseConnection, user: &user::Model, update: bool) -> Result<(), AppError> {
    require_manager(db, user).await?;
    let found = connection_of_team(db, &user.team_id).await?.ok_or(AppError::NotFound)?;
    let mut settings = HubspotSettings::of(&found);
    settings.update_existing_contacts = update;
    let mut model: connection::ActiveModel = found.into();
    model.settings = Set(settings.to_json());
    model.updated_at = Set(Utc::now());
    model.update(db).await?;
    Ok(())
}

/// The team's sync log, newest first; only failures when asked.
pub async fn sync_log(
    db: &DatabaseConnection,
    user: &user::Model,
    failures_only: bool,
) -> Result<Vec<SyncLogLine>, AppError> {
    let mut query = sync_log::Entity::find()
        .filter(sync_log::Column::TeamId.eq(&user.team_id))
        .order_by_desc(sync_log::Column::CreatedAt)
        .limit(100);
    if failures_only {
        query = query.filter(sync_log::Column::Succeeded.eq(false));
    }
    let tz = user.zone();
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|line| SyncLogLine {
            when: moment_in(tz, line.created_at),
            booking_id: line.booking_id,
            action: line.action,
            succeeded: line.succeeded,
            http_status: line.http_status.and_then(|s| u16::try_from(s).ok()),
            message: line.message,
            contact_id: line.contact_id,
            meeting_id: line.meeting_id,
        })
        .collect())
}

/// The portal's lifecycle stages (value, label), from the property list
/// (cached for ten minutes); `None` when HubSpot cannot say.
async fn lifecycle_stages(
    db: &DatabaseConnection,
    found: &connection::Model,
    source: Option<&dyn PropertySource>,
) -> Result<Option<Vec<(String, String)>>, AppError> {
    let Some(source) = source else {
        return Ok(None);
    };
    let listed = mappings::properties(
        db,
        &found.id,
        CrmObject::Contacts,
        false,
        source.fetch(found, CrmObject::Contacts),
    )
    .await?;
    Ok(listed.ok().and_then(|(list, _)| {
        list.into_iter()
            .find(|p| p.name == "lifecyclestage")
            .map(|p| p.options.into_iter().map(|o| (o.value, o.label)).collect())
    }))
}

/// What the integrations page shows the user about their team's HubSpot;
/// `source` lists the portal's lifecycle stages.
pub async fn card(
    db: &DatabaseConnection,
    user: &user::Model,
    configured: bool,
    source: Option<&dyn PropertySource>,
) -> Result<HubspotCardDto, AppError> {
    let team = team_of(db, user).await?;
    let found = connection_of_team(db, &team.id).await?;
    let contact_sync = match &found {
        Some(found) => {
            let offered = lifecycle_stages(db, found, source).await?;
            Some(two_way::card(db, user, found, offered).await?)
        }
        None => None,
    };
    let tz = user.zone();
    let at = |instant| moment_in(tz, instant);
    Ok(HubspotCardDto {
        configured,
        refusal: refusal(&team, user),
        plan: team.plan,
        portal_id: found.as_ref().map(|c| c.account_id.clone()),
        connected_at: found.as_ref().map(|c| at(c.updated_at)),
        last_success_at: found.as_ref().and_then(|c| c.last_success_at).map(at),
        update_existing_contacts: found
            .as_ref()
            .is_none_or(|c| HubspotSettings::of(c).update_existing_contacts),
        contact_sync,
        companies_need_reconnect: match &found {
            Some(c) if !mappings::can_use_companies(&c.scopes) => mappings::team_uses_companies(db, &team.id).await?,
            _ => false,
        },
    })
}
