//! What syncing bookings to HubSpot needs: ordered jobs, the HubSpot ids on
//! each booking, and the sync log.
use crate::m20261123_000001_create_teams_and_users::Teams;
use crate::{cascade, fk_col, id_col, timestamp_col};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Jobs sharing a key run one after another, in the order they were enqueued.
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .add_column(ColumnDef::new(Jobs::OrderingKey).string_len(120).null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("jobs_ordering_key")
                    .table(Jobs::Table)
                    .col(Jobs::OrderingKey)
                    .col(Jobs::Status)
                    .to_owned(),
            )
            .await?;
        add_booking_columns(manager).await?;
        manager
            .create_table(
                Table::create()
                    .table(HubspotSyncLog::Table)
                    .col(id_col(HubspotSyncLog::Id))
                    .col(fk_col(HubspotSyncLog::TeamId))
                    .col(ColumnDef::new(HubspotSyncLog::BookingId).string_len(32).null())
                    .col(ColumnDef::new(HubspotSyncLog::Action).string_len(20).not_null())
                    .col(ColumnDef::new(HubspotSyncLog::Succeeded).boolean().not_null())
                    .col(ColumnDef::new(HubspotSyncLog::HttpStatus).integer().null())
                    .col(ColumnDef::new(HubspotSyncLog::Message).text().not_null())
                    .col(ColumnDef::new(HubspotSyncLog::ContactId).string_len(32).null())
                    .col(ColumnDef::new(HubspotSyncLog::MeetingId).string_len(32).null())
                    .col(timestamp_col(HubspotSyncLog::CreatedAt))
                    .foreign_key(&mut cascade(
                        (HubspotSyncLog::Table, HubspotSyncLog::TeamId),
                        (Teams::Table, Teams::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("hubspot_sync_log_team_created")
                    .table(HubspotSyncLog::Table)
                    .col(HubspotSyncLog::TeamId)
                    .col(HubspotSyncLog::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(HubspotSyncLog::Table).to_owned())
            .await?;
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
            .drop_index(Index::drop().name("jobs_ordering_key").table(Jobs::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .drop_column(Jobs::OrderingKey)
                    .to_owned(),
            )
            .await
    }
}

/// The HubSpot ids on `bookings` as this migration added them; the
/// integration tables' rollback adds them again.
pub(crate) async fn add_booking_columns(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    for column in [Bookings::HubspotContactId, Bookings::HubspotMeetingId] {
        manager
            .alter_table(
                Table::alter()
                    .table(Bookings::Table)
                    .add_column(ColumnDef::new(column).string_len(32).null())
                    .to_owned(),
            )
            .await?;
    }
    // Set while a meeting create was sent but its answer never came.
    manager
        .alter_table(
            Table::alter()
                .table(Bookings::Table)
                .add_column(
                    ColumnDef::new(Bookings::HubspotMeetingSentAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .to_owned(),
        )
        .await
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    OrderingKey,
    Status,
}

#[derive(DeriveIden)]
enum Bookings {
    Table,
    HubspotContactId,
    HubspotMeetingId,
    HubspotMeetingSentAt,
}

#[derive(DeriveIden)]
enum HubspotSyncLog {
    Table,
    Id,
    TeamId,
    BookingId,
    /// `created`, `rescheduled`, `cancelled` or `token`.
    Action,
    Succeeded,
    HttpStatus,
    Message,
    ContactId,
    MeetingId,
    CreatedAt,
}
