use crate::m20261123_000001_create_teams_and_users::Teams;
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
                    .table(Contacts::Table)
                    .col(id_col(Contacts::Id))
                    .col(fk_col(Contacts::TeamId))
                    .col(ColumnDef::new(Contacts::Email).string_len(320).not_null())
                    .col(ColumnDef::new(Contacts::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Contacts::Phone).string_len(40).null())
                    .col(ColumnDef::new(Contacts::Company).string_len(200).null())
                    .col(ColumnDef::new(Contacts::Notes).text().null())
                    .col(ColumnDef::new(Contacts::Source).string_len(20).not_null())
                    .col(timestamp_col(Contacts::CreatedAt))
                    .col(timestamp_col(Contacts::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (Contacts::Table, Contacts::TeamId),
                        (Teams::Table, Teams::Id),
                    ))
                    .index(
                        Index::create()
                            .name("contacts_team_email")
                            .col(Contacts::TeamId)
                            .col(Contacts::Email)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Contacts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Contacts {
    Table,
    Id,
    TeamId,
    Email,
    Name,
    Phone,
    Company,
    Notes,
    Source,
    CreatedAt,
    UpdatedAt,
}
