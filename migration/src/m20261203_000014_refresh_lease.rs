//! A connection's token refresh is leased to one job at a time, so that two
//! jobs never spend the same (rotating) refresh token.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(IntegrationConnections::Table)
                    .add_column(
                        ColumnDef::new(IntegrationConnections::RefreshLeaseUntil)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(IntegrationConnections::Table)
                    .drop_column(IntegrationConnections::RefreshLeaseUntil)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum IntegrationConnections {
    Table,
    RefreshLeaseUntil,
}
