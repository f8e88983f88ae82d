use crate::m20261123_000001_create_teams_and_users::Users;
use crate::m20261123_000002_create_event_types::EventTypes;
use crate::m20261123_000004_create_contacts::Contacts;
use crate::{cascade, fk_col, id_col, timestamp_col};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Bookings::Table)
                    .col(id_col(Bookings::Id))
                    .col(fk_col(Bookings::HostId))
                    .col(fk_col(Bookings::EventTypeId))
                    .col(fk_col(Bookings::ContactId))
                    .col(timestamp_col(Bookings::StartAt))
                    .col(timestamp_col(Bookings::EndAt))
                    .col(ColumnDef::new(Bookings::BufferBeforeMin).integer().not_null())
                    .col(ColumnDef::new(Bookings::BufferAfterMin).integer().not_null())
                    .col(ColumnDef::new(Bookings::Status).string_len(20).not_null())
                    .col(ColumnDef::new(Bookings::InviteeName).string_len(200).not_null())
                    .col(ColumnDef::new(Bookings::InviteeEmail).string_len(320).not_null())
                    .col(ColumnDef::new(Bookings::InviteePhone).string_len(40).null())
                    .col(ColumnDef::new(Bookings::InviteeTimeZone).string_len(64).not_null())
                    .col(ColumnDef::new(Bookings::Notes).text().null())
                    .col(ColumnDef::new(Bookings::ManageTokenHash).string_len(64).not_null())
                    .col(ColumnDef::new(Bookings::CancelReason).text().null())
                    .col(ColumnDef::new(Bookings::CancelledBy).string_len(20).null())
                    .col(
                        ColumnDef::new(Bookings::PreviousStartAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Bookings::PreviousEndAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(Bookings::Sequence).integer().not_null().default(0))
                    .col(timestamp_col(Bookings::CreatedAt))
                    .col(timestamp_col(Bookings::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (Bookings::Table, Bookings::HostId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Bookings::Table, Bookings::EventTypeId),
                        (EventTypes::Table, EventTypes::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Bookings::Table, Bookings::ContactId),
                        (Contacts::Table, Contacts::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("bookings_host_start")
                    .table(Bookings::Table)
                    .col(Bookings::HostId)
                    .col(Bookings::StartAt)
                    .to_owned(),
            )
            .await?;
        // The last line of defence against double booking: whatever the
        // application checks, two confirmed bookings of one host can never
        // start at the same instant. Partial indexes read the same on SQLite
        // and PostgreSQL, which SeaQuery's builder does not express.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX bookings_host_start_confirmed \
                 ON bookings (host_id, start_at) WHERE status = 'confirmed'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Bookings::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Bookings {
    Table,
    Id,
    HostId,
    EventTypeId,
    ContactId,
    StartAt,
    EndAt,
    BufferBeforeMin,
    BufferAfterMin,
    Status,
    InviteeName,
    InviteeEmail,
    InviteePhone,
    InviteeTimeZone,
    Notes,
    ManageTokenHash,
    CancelReason,
    CancelledBy,
    PreviousStartAt,
    PreviousEndAt,
    Sequence,
    CreatedAt,
    UpdatedAt,
}
