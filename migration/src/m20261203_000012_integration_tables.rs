//! Integrations in tables of their own: `integration_connections` (one per
//! provider and team: the remote account, sealed tokens, settings, status)
//! and `external_links` (a local row's counterpart in a remote account).
//! They replace `hubspot_connections` and the `hubspot_*` columns of
//! `bookings`, whose data moves here. A link names the remote account, so a
//! team reconnected to another HubSpot portal never patches the old
//! portal's ids. Ids on bookings of a team with no connection left name no
//! portal and are not kept.
use crate::m20261123_000001_create_teams_and_users::Teams;
use crate::m20261123_000008_create_hubspot_connections::{HubspotConnections, hubspot_connections};
use crate::m20261123_000009_hubspot_sync::add_booking_columns;
use crate::{cascade, fk_col, id_col, index, timestamp_col};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_tables(manager).await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO integration_connections (id, provider, team_id, account_id, connected_by, scopes, \
             access_token_sealed, refresh_token_sealed, access_expires_at, settings, status, last_success_at, \
             last_error_email_at, created_at, updated_at) \
             SELECT id, 'hubspot', team_id, portal_id, connected_by, scopes, access_token_sealed, \
             refresh_token_sealed, access_expires_at, \
             CASE WHEN update_existing_contacts THEN '{\"update_existing_contacts\":true}' \
             ELSE '{\"update_existing_contacts\":false}' END, \
             'connected', last_success_at, last_error_email_at, created_at, updated_at \
             FROM hubspot_connections",
        )
        .await?;
        // A meeting create sent without an answer has a time but no id yet.
        for (remote_kind, id_column, pending) in [
            ("contact", "b.hubspot_contact_id", "NULL"),
            (
                "meeting",
                "b.hubspot_meeting_id",
                "CASE WHEN b.hubspot_meeting_id IS NULL THEN b.hubspot_meeting_sent_at END",
            ),
        ] {
            db.execute_unprepared(&format!(
                "INSERT INTO external_links (id, provider, account_id, team_id, local_kind, local_id, \
                 remote_kind, remote_id, pending_since, remote_updated_at, created_at, updated_at) \
                 SELECT 'hubspot-{remote_kind}-' || b.id, 'hubspot', c.portal_id, c.team_id, 'booking', b.id, \
                 '{remote_kind}', {id_column}, {pending}, NULL, \
                 b.updated_at, b.updated_at \
                 FROM bookings b JOIN users u ON u.id = b.host_id \
                 JOIN hubspot_connections c ON c.team_id = u.team_id \
                 WHERE {id_column} IS NOT NULL OR {pending} IS NOT NULL"
            ))
            .await?;
        }
        for column in [
            Bookings::HubspotContactId,
            Bookings::HubspotMeetingId,
            Bookings::HubspotMeetingSentAt,
        ] {
            manager
                .alter_table(Table::alter().table(Bookings::Table).drop_column(column).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(HubspotConnections::Table).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(hubspot_connections()).await?;
        add_booking_columns(manager).await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO hubspot_connections (id, team_id, connected_by, portal_id, scopes, access_token_sealed, \
             refresh_token_sealed, access_expires_at, update_existing_contacts, last_success_at, \
             last_error_email_at, created_at, updated_at) \
             SELECT id, team_id, connected_by, account_id, scopes, access_token_sealed, \
             COALESCE(refresh_token_sealed, ''), access_expires_at, \
             settings NOT LIKE '%\"update_existing_contacts\":false%', last_success_at, last_error_email_at, \
             created_at, updated_at FROM integration_connections WHERE provider = 'hubspot'",
        )
        .await?;
        for (remote_kind, column) in [("contact", "hubspot_contact_id"), ("meeting", "hubspot_meeting_id")] {
            db.execute_unprepared(&format!(
                "UPDATE bookings SET {column} = (SELECT l.remote_id FROM external_links l \
                 JOIN integration_connections c ON c.provider = l.provider AND c.team_id = l.team_id \
                 AND c.account_id = l.account_id \
                 WHERE l.provider = 'hubspot' AND l.local_kind = 'booking' AND l.local_id = bookings.id \
                 AND l.remote_kind = '{remote_kind}')"
            ))
            .await?;
        }
        for table in [
            ExternalLinks::Table.into_iden(),
            IntegrationConnections::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

fn nullable_timestamp<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().null().to_owned()
}

async fn create_tables(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(IntegrationConnections::Table)
                .col(id_col(IntegrationConnections::Id))
                .col(
                    ColumnDef::new(IntegrationConnections::Provider)
                        .string_len(20)
                        .not_null(),
                )
                .col(fk_col(IntegrationConnections::TeamId))
                .col(
                    ColumnDef::new(IntegrationConnections::AccountId)
                        .string_len(64)
                        .not_null(),
                )
                .col(fk_col(IntegrationConnections::ConnectedBy))
                .col(ColumnDef::new(IntegrationConnections::Scopes).text().not_null())
                .col(
                    ColumnDef::new(IntegrationConnections::AccessTokenSealed)
                        .text()
                        .not_null(),
                )
                .col(ColumnDef::new(IntegrationConnections::RefreshTokenSealed).text().null())
                .col(nullable_timestamp(IntegrationConnections::AccessExpiresAt))
                .col(ColumnDef::new(IntegrationConnections::Settings).text().not_null())
                .col(ColumnDef::new(IntegrationConnections::Status).string_len(20).not_null())
                .col(nullable_timestamp(IntegrationConnections::LastSuccessAt))
                .col(nullable_timestamp(IntegrationConnections::LastErrorEmailAt))
                .col(timestamp_col(IntegrationConnections::CreatedAt))
                .col(timestamp_col(IntegrationConnections::UpdatedAt))
                .foreign_key(&mut cascade(
                    (IntegrationConnections::Table, IntegrationConnections::TeamId),
                    (Teams::Table, Teams::Id),
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            index(
                "integration_connections_provider_team",
                IntegrationConnections::Table,
                [IntegrationConnections::Provider, IntegrationConnections::TeamId],
            )
            .unique()
            .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(ExternalLinks::Table)
                .col(
                    ColumnDef::new(ExternalLinks::Id)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(ExternalLinks::Provider).string_len(20).not_null())
                .col(ColumnDef::new(ExternalLinks::AccountId).string_len(64).not_null())
                .col(fk_col(ExternalLinks::TeamId))
                .col(ColumnDef::new(ExternalLinks::LocalKind).string_len(20).not_null())
                .col(fk_col(ExternalLinks::LocalId))
                .col(ColumnDef::new(ExternalLinks::RemoteKind).string_len(20).not_null())
                .col(ColumnDef::new(ExternalLinks::RemoteId).string_len(64).null())
                .col(nullable_timestamp(ExternalLinks::PendingSince))
                .col(nullable_timestamp(ExternalLinks::RemoteUpdatedAt))
                .col(timestamp_col(ExternalLinks::CreatedAt))
                .col(timestamp_col(ExternalLinks::UpdatedAt))
                .foreign_key(&mut cascade(
                    (ExternalLinks::Table, ExternalLinks::TeamId),
                    (Teams::Table, Teams::Id),
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            index(
                "external_links_local",
                ExternalLinks::Table,
                [
                    ExternalLinks::Provider,
                    ExternalLinks::AccountId,
                    ExternalLinks::LocalKind,
                    ExternalLinks::LocalId,
                    ExternalLinks::RemoteKind,
                ],
            )
            .unique()
            .to_owned(),
        )
        .await?;
    manager
        .create_index(index(
            "external_links_remote",
            ExternalLinks::Table,
            [
                ExternalLinks::Provider,
                ExternalLinks::AccountId,
                ExternalLinks::RemoteKind,
                ExternalLinks::RemoteId,
            ],
        ))
        .await
}

#[derive(DeriveIden)]
enum IntegrationConnections {
    Table,
    Id,
    /// `hubspot` (later `stripe`, `caldav`).
    Provider,
    TeamId,
    /// The remote account: HubSpot's portal (`hub_id`).
    AccountId,
    ConnectedBy,
    /// Granted scopes, space-separated.
    Scopes,
    /// Sealed with the server's key; never plaintext.
    AccessTokenSealed,
    RefreshTokenSealed,
    AccessExpiresAt,
    /// The provider's settings, a JSON object.
    Settings,
    /// `connected`.
    Status,
    LastSuccessAt,
    LastErrorEmailAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ExternalLinks {
    Table,
    Id,
    Provider,
    AccountId,
    TeamId,
    /// `booking` (later `contact`).
    LocalKind,
    LocalId,
    /// HubSpot's `contact` or `meeting`.
    RemoteKind,
    /// Unknown while a create went out without an answer (`pending_since`).
    RemoteId,
    PendingSince,
    RemoteUpdatedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Bookings {
    Table,
    HubspotContactId,
    HubspotMeetingId,
    HubspotMeetingSentAt,
}
