//! Archiving: a contact leaves the list but not the database, so its
//! bookings keep their person and the host can restore it. A contact
//! deleted in HubSpot is archived here, never deleted.
use crate::domain::{ContactId, TeamId};
use crate::error::AppError;
use crate::ssr::entities::{contact, user};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

/// Archives (`Some`) or restores (`None`) one of the team's contacts; false when it has no such contact.
pub async fn set_archived(
    db: &impl ConnectionTrait,
    team_id: &TeamId,
    id: &ContactId,
    at: Option<DateTime<Utc>>,
) -> Result<bool, DbErr> {
    let updated = contact::Entity::update_many()
        .col_expr(contact::Column::ArchivedAt, Expr::value(at))
        .col_expr(contact::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(contact::Column::TeamId.eq(team_id))
        .filter(contact::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

pub async fn archive(db: &DatabaseConnection, host: &user::Model, id: &ContactId) -> Result<(), AppError> {
    if set_archived(db, &host.team_id, id, Some(Utc::now())).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn restore(db: &DatabaseConnection, host: &user::Model, id: &ContactId) -> Result<(), AppError> {
    if set_archived(db, &host.team_id, id, None).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
