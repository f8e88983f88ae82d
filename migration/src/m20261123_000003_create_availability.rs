use crate::m20261123_000001_create_teams_and_users::Users;
use crate::{cascade, fk_col, id_col};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AvailabilityRules::Table)
                    .col(id_col(AvailabilityRules::Id))
                    .col(fk_col(AvailabilityRules::UserId))
                    .col(ColumnDef::new(AvailabilityRules::Weekday).small_integer().not_null())
                    .col(
                        ColumnDef::new(AvailabilityRules::StartMinute)
                            .small_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AvailabilityRules::EndMinute).small_integer().not_null())
                    .foreign_key(&mut cascade(
                        (AvailabilityRules::Table, AvailabilityRules::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AvailabilityOverrides::Table)
                    .col(id_col(AvailabilityOverrides::Id))
                    .col(fk_col(AvailabilityOverrides::UserId))
                    .col(ColumnDef::new(AvailabilityOverrides::Date).date().not_null())
                    // Both null: the day is off.
                    .col(
                        ColumnDef::new(AvailabilityOverrides::StartMinute)
                            .small_integer()
                            .null(),
                    )
                    .col(ColumnDef::new(AvailabilityOverrides::EndMinute).small_integer().null())
                    .foreign_key(&mut cascade(
                        (AvailabilityOverrides::Table, AvailabilityOverrides::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("availability_rules_user")
                    .table(AvailabilityRules::Table)
                    .col(AvailabilityRules::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("availability_overrides_user_date")
                    .table(AvailabilityOverrides::Table)
                    .col(AvailabilityOverrides::UserId)
                    .col(AvailabilityOverrides::Date)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AvailabilityOverrides::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AvailabilityRules::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AvailabilityRules {
    Table,
    Id,
    UserId,
    /// 0 = Monday .. 6 = Sunday.
    Weekday,
    StartMinute,
    EndMinute,
}

#[derive(DeriveIden)]
enum AvailabilityOverrides {
    Table,
    Id,
    UserId,
    Date,
    StartMinute,
    EndMinute,
}
