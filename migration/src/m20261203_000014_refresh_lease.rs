//! A connection's token refresh is leased to one job at a time, so that two
//! jobs never spend the same (rotating) refresh token.
use crate::{add_column, drop_column};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let lease = ColumnDef::new(IntegrationConnections::RefreshLeaseUntil)
            .timestamp_with_time_zone()
            .null()
            .to_owned();
        add_column(manager, IntegrationConnections::Table, lease).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_column(
            manager,
            IntegrationConnections::Table,
            IntegrationConnections::RefreshLeaseUntil,
        )
        .await
    }
}

#[derive(DeriveIden)]
enum IntegrationConnections {
    Table,
    RefreshLeaseUntil,
}
