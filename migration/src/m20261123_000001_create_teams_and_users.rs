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
                    .table(Teams::Table)
                    .col(id_col(Teams::Id))
                    .col(ColumnDef::new(Teams::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Teams::Plan).string_len(20).not_null())
                    .col(timestamp_col(Teams::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(id_col(Users::Id))
                    .col(fk_col(Users::TeamId))
                    .col(ColumnDef::new(Users::Role).string_len(20).not_null())
                    .col(ColumnDef::new(Users::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Users::Email).string_len(320).not_null().unique_key())
                    .col(ColumnDef::new(Users::Slug).string_len(40).not_null().unique_key())
                    .col(ColumnDef::new(Users::PasswordHash).string().not_null())
                    .col(ColumnDef::new(Users::TimeZone).string_len(64).not_null())
                    .col(
                        ColumnDef::new(Users::ScheduleVersion)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(timestamp_col(Users::CreatedAt))
                    .foreign_key(&mut cascade((Users::Table, Users::TeamId), (Teams::Table, Teams::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(
                        ColumnDef::new(Sessions::TokenHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(fk_col(Sessions::UserId))
                    .col(timestamp_col(Sessions::ExpiresAt))
                    .col(timestamp_col(Sessions::CreatedAt))
                    .foreign_key(&mut cascade(
                        (Sessions::Table, Sessions::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Sessions::Table).to_owned())
            .await?;
        manager.drop_table(Table::drop().table(Users::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Teams::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
pub enum Teams {
    Table,
    Id,
    Name,
    Plan,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum Users {
    Table,
    Id,
    TeamId,
    Role,
    Name,
    Email,
    Slug,
    PasswordHash,
    TimeZone,
    /// Bumped as the first write of every booking transaction so that
    /// concurrent bookings for one host are serialized (see the bookings service).
    ScheduleVersion,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    TokenHash,
    UserId,
    ExpiresAt,
    CreatedAt,
}
