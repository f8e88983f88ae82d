//! HubSpot sync per event type: on for every existing one, so that nothing
//! changes for a connected team.
use crate::{add_column, drop_column};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sync = ColumnDef::new(EventTypes::HubspotSync)
            .boolean()
            .not_null()
            .default(true)
            .to_owned();
        add_column(manager, EventTypes::Table, sync).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_column(manager, EventTypes::Table, EventTypes::HubspotSync).await
    }
}

#[derive(DeriveIden)]
enum EventTypes {
    Table,
    HubspotSync,
}
