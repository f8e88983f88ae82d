//! A team's HubSpot connection (tokens sealed with AES-256-GCM) and the
//! single-use `state` values of OAuth connects in flight.
use crate::m20261123_000001_create_teams_and_users::{Teams, Users};
use crate::{cascade, fk_col, id_col, timestamp_col};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(hubspot_connections()).await?;
        manager
            .create_table(
                Table::create()
                    .table(OauthStates::Table)
                    .col(
                        ColumnDef::new(OauthStates::StateHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(OauthStates::Provider).string_len(20).not_null())
                    .col(ColumnDef::new(OauthStates::SessionHash).string_len(64).not_null())
                    .col(fk_col(OauthStates::UserId))
                    .col(timestamp_col(OauthStates::ExpiresAt))
                    .col(timestamp_col(OauthStates::CreatedAt))
                    .foreign_key(&mut cascade(
                        (OauthStates::Table, OauthStates::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OauthStates::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(HubspotConnections::Table).to_owned())
            .await
    }
}

/// The table as this migration made it; the integration tables' rollback
/// makes it again.
pub(crate) fn hubspot_connections() -> TableCreateStatement {
    Table::create()
        .table(HubspotConnections::Table)
        .col(id_col(HubspotConnections::Id))
        .col(fk_col(HubspotConnections::TeamId).unique_key())
        .col(fk_col(HubspotConnections::ConnectedBy))
        .col(ColumnDef::new(HubspotConnections::PortalId).string_len(32).not_null())
        .col(ColumnDef::new(HubspotConnections::Scopes).text().not_null())
        .col(ColumnDef::new(HubspotConnections::AccessTokenSealed).text().not_null())
        .col(ColumnDef::new(HubspotConnections::RefreshTokenSealed).text().not_null())
        .col(timestamp_col(HubspotConnections::AccessExpiresAt))
        .col(
            ColumnDef::new(HubspotConnections::UpdateExistingContacts)
                .boolean()
                .not_null()
                .default(true),
        )
        .col(
            ColumnDef::new(HubspotConnections::LastSuccessAt)
                .timestamp_with_time_zone()
                .null(),
        )
        .col(
            ColumnDef::new(HubspotConnections::LastErrorEmailAt)
                .timestamp_with_time_zone()
                .null(),
        )
        .col(timestamp_col(HubspotConnections::CreatedAt))
        .col(timestamp_col(HubspotConnections::UpdatedAt))
        .foreign_key(&mut cascade(
            (HubspotConnections::Table, HubspotConnections::TeamId),
            (Teams::Table, Teams::Id),
        ))
        .to_owned()
}

#[derive(DeriveIden)]
pub(crate) enum HubspotConnections {
    Table,
    Id,
    TeamId,
    ConnectedBy,
    PortalId,
    Scopes,
    AccessTokenSealed,
    RefreshTokenSealed,
    AccessExpiresAt,
    UpdateExistingContacts,
    LastSuccessAt,
    LastErrorEmailAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OauthStates {
    Table,
    StateHash,
    Provider,
    SessionHash,
    UserId,
    ExpiresAt,
    CreatedAt,
}
