//! Limits on bookings: a host's most bookings a day, and an index to count
//! an invitee e-mail's recent bookings by.
use crate::{add_column, drop_column};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const EMAIL_INDEX: &str = "idx_bookings_invitee_email_created_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let cap = ColumnDef::new(Users::MaxBookingsPerDay).integer().null().to_owned();
        add_column(manager, Users::Table, cap).await?;
        manager
            .create_index(
                Index::create()
                    .name(EMAIL_INDEX)
                    .table(Bookings::Table)
                    .col(Bookings::InviteeEmail)
                    .col(Bookings::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(EMAIL_INDEX).table(Bookings::Table).to_owned())
            .await?;
        drop_column(manager, Users::Table, Users::MaxBookingsPerDay).await
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    MaxBookingsPerDay,
}

#[derive(DeriveIden)]
enum Bookings {
    Table,
    InviteeEmail,
    CreatedAt,
}
