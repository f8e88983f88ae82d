//! HubSpot property mapping per event type ("HubSpot property ← booking
//! information" rows for contacts and companies), the switch that makes
//! companies for an event type, and each connection's cached property list.
use crate::{add_column, cascade, drop_column, fk_col, id_col, index, timestamp_col};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const EVENT_TYPE_INDEX: &str = "idx_hubspot_mappings_event_type_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HubspotMappings::Table)
                    .col(id_col(HubspotMappings::Id))
                    .col(fk_col(HubspotMappings::EventTypeId))
                    .col(ColumnDef::new(HubspotMappings::Object).string_len(16).not_null())
                    .col(ColumnDef::new(HubspotMappings::Property).string().not_null())
                    .col(ColumnDef::new(HubspotMappings::Source).string().not_null())
                    .col(ColumnDef::new(HubspotMappings::Choices).text().not_null())
                    .col(ColumnDef::new(HubspotMappings::Position).integer().not_null())
                    .col(timestamp_col(HubspotMappings::CreatedAt))
                    .foreign_key(&mut cascade(
                        (HubspotMappings::Table, HubspotMappings::EventTypeId),
                        (EventTypes::Table, EventTypes::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                EVENT_TYPE_INDEX,
                HubspotMappings::Table,
                [HubspotMappings::EventTypeId],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(HubspotPropertyCache::Table)
                    .col(fk_col(HubspotPropertyCache::ConnectionId))
                    .col(ColumnDef::new(HubspotPropertyCache::Object).string_len(16).not_null())
                    .col(ColumnDef::new(HubspotPropertyCache::Properties).text().not_null())
                    .col(timestamp_col(HubspotPropertyCache::FetchedAt))
                    .primary_key(
                        Index::create()
                            .col(HubspotPropertyCache::ConnectionId)
                            .col(HubspotPropertyCache::Object),
                    )
                    .foreign_key(&mut cascade(
                        (HubspotPropertyCache::Table, HubspotPropertyCache::ConnectionId),
                        (IntegrationConnections::Table, IntegrationConnections::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        let companies = ColumnDef::new(EventTypes::HubspotCompanies)
            .boolean()
            .not_null()
            .default(false)
            .to_owned();
        add_column(manager, EventTypes::Table, companies).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_column(manager, EventTypes::Table, EventTypes::HubspotCompanies).await?;
        manager
            .drop_table(Table::drop().table(HubspotPropertyCache::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(HubspotMappings::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum HubspotMappings {
    Table,
    Id,
    EventTypeId,
    Object,
    Property,
    Source,
    Choices,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum HubspotPropertyCache {
    Table,
    ConnectionId,
    Object,
    Properties,
    FetchedAt,
}

#[derive(DeriveIden)]
enum EventTypes {
    Table,
    Id,
    HubspotCompanies,
}

#[derive(DeriveIden)]
enum IntegrationConnections {
    Table,
    Id,
}
