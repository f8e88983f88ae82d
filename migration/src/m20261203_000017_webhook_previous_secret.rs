//! A rolled webhook secret stays valid for a day: deliveries meanwhile are
//! signed with both, so a receiver can switch over without dropping any.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Webhooks::Table)
                    .add_column(ColumnDef::new(Webhooks::PreviousSecretSealed).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Webhooks::Table)
                    .add_column(
                        ColumnDef::new(Webhooks::PreviousSecretUntil)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Webhooks::PreviousSecretUntil, Webhooks::PreviousSecretSealed] {
            manager
                .alter_table(Table::alter().table(Webhooks::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    PreviousSecretSealed,
    PreviousSecretUntil,
}
