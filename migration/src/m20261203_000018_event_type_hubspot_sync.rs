//! HubSpot sync per event type: on for every existing one, so that nothing
//! changes for a connected team.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(EventTypes::Table)
                    .add_column(
                        ColumnDef::new(EventTypes::HubspotSync)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(EventTypes::Table)
                    .drop_column(EventTypes::HubspotSync)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum EventTypes {
    Table,
    HubspotSync,
}
