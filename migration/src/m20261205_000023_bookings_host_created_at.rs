//! An index to count a host's recent bookings by: the hourly limit asks on
//! every booking, and without it the count read every booking of the host,
//! or on PostgreSQL the whole table's index by date.
use crate::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const HOST_INDEX: &str = "idx_bookings_host_id_created_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(
                HOST_INDEX,
                Bookings::Table,
                [Bookings::HostId, Bookings::CreatedAt],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(HOST_INDEX).table(Bookings::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Bookings {
    Table,
    HostId,
    CreatedAt,
}
