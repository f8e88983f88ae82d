//! A rolled webhook secret stays valid for a day: deliveries meanwhile are
//! signed with both, so a receiver can switch over without dropping any.
use crate::{add_column, drop_column};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sealed = ColumnDef::new(Webhooks::PreviousSecretSealed).text().null().to_owned();
        add_column(manager, Webhooks::Table, sealed).await?;
        let until = ColumnDef::new(Webhooks::PreviousSecretUntil)
            .timestamp_with_time_zone()
            .null()
            .to_owned();
        add_column(manager, Webhooks::Table, until).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Webhooks::PreviousSecretUntil, Webhooks::PreviousSecretSealed] {
            drop_column(manager, Webhooks::Table, column).await?;
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
