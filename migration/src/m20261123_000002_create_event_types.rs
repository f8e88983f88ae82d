use crate::m20261123_000001_create_teams_and_users::Users;
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
                    .table(EventTypes::Table)
                    .col(id_col(EventTypes::Id))
                    .col(fk_col(EventTypes::UserId))
                    .col(ColumnDef::new(EventTypes::Name).string_len(200).not_null())
                    .col(ColumnDef::new(EventTypes::Slug).string_len(40).not_null())
                    .col(ColumnDef::new(EventTypes::DurationMin).integer().not_null())
                    .col(ColumnDef::new(EventTypes::Description).text().not_null())
                    .col(ColumnDef::new(EventTypes::Location).string_len(500).null())
                    .col(ColumnDef::new(EventTypes::MinNoticeMin).integer().not_null())
                    .col(ColumnDef::new(EventTypes::HorizonDays).integer().not_null())
                    .col(ColumnDef::new(EventTypes::BufferBeforeMin).integer().not_null())
                    .col(ColumnDef::new(EventTypes::BufferAfterMin).integer().not_null())
                    .col(ColumnDef::new(EventTypes::Active).boolean().not_null())
                    .col(timestamp_col(EventTypes::CreatedAt))
                    .col(timestamp_col(EventTypes::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (EventTypes::Table, EventTypes::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .index(
                        Index::create()
                            .name("event_types_user_slug")
                            .col(EventTypes::UserId)
                            .col(EventTypes::Slug)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EventTypes::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum EventTypes {
    Table,
    Id,
    UserId,
    Name,
    Slug,
    DurationMin,
    Description,
    Location,
    MinNoticeMin,
    HorizonDays,
    BufferBeforeMin,
    BufferAfterMin,
    Active,
    CreatedAt,
    UpdatedAt,
}
