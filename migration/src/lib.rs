//! Database schema for Slotline, as an ordered list of migrations.
//!
//! Migrations describe tables with SeaQuery only and never import the app's
//! entities, so an old migration keeps meaning what it meant when it ran.
pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_teams_and_users;
mod m20261123_000002_create_event_types;
mod m20261123_000003_create_availability;
mod m20261123_000004_create_contacts;
mod m20261123_000005_create_bookings;
mod m20261123_000006_create_jobs;
mod m20261123_000007_booking_questions;
mod m20261123_000008_create_hubspot_connections;
mod m20261123_000009_hubspot_sync;
mod m20261202_000010_api_keys_and_webhooks;
mod m20261203_000011_job_pools;
mod m20261203_000012_integration_tables;
mod m20261203_000013_session_idle;
mod m20261203_000014_refresh_lease;
mod m20261203_000015_booking_limits;
mod m20261203_000016_password_resets;
mod m20261203_000017_webhook_previous_secret;
mod m20261203_000018_event_type_hubspot_sync;
mod m20261203_000019_hubspot_mappings;
mod m20261203_000020_agent_api;
mod m20261203_000021_contact_sync;
mod m20261204_000022_payments;
mod m20261205_000023_bookings_host_created_at;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_teams_and_users::Migration),
            Box::new(m20261123_000002_create_event_types::Migration),
            Box::new(m20261123_000003_create_availability::Migration),
            Box::new(m20261123_000004_create_contacts::Migration),
            Box::new(m20261123_000005_create_bookings::Migration),
            Box::new(m20261123_000006_create_jobs::Migration),
            Box::new(m20261123_000007_booking_questions::Migration),
            Box::new(m20261123_000008_create_hubspot_connections::Migration),
            Box::new(m20261123_000009_hubspot_sync::Migration),
            Box::new(m20261202_000010_api_keys_and_webhooks::Migration),
            Box::new(m20261203_000011_job_pools::Migration),
            Box::new(m20261203_000012_integration_tables::Migration),
            Box::new(m20261203_000013_session_idle::Migration),
            Box::new(m20261203_000014_refresh_lease::Migration),
            Box::new(m20261203_000015_booking_limits::Migration),
            Box::new(m20261203_000016_password_resets::Migration),
            Box::new(m20261203_000017_webhook_previous_secret::Migration),
            Box::new(m20261203_000018_event_type_hubspot_sync::Migration),
            Box::new(m20261203_000019_hubspot_mappings::Migration),
            Box::new(m20261203_000020_agent_api::Migration),
            Box::new(m20261203_000021_contact_sync::Migration),
            Box::new(m20261204_000022_payments::Migration),
            Box::new(m20261205_000023_bookings_host_created_at::Migration),
        ]
    }
}

/// Ids are CUID2 strings (24 characters).
fn id_col<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).string_len(32).not_null().primary_key().to_owned()
}

fn fk_col<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).string_len(32).not_null().to_owned()
}

fn timestamp_col<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().not_null().to_owned()
}

/// A plain index on `columns` of `table`, created on its own: SeaQuery's
/// inline `.index()` in `create_table` fails on SQLite and PostgreSQL.
fn index<T, C>(name: &str, table: T, columns: impl IntoIterator<Item = C>) -> IndexCreateStatement
where
    T: IntoIden,
    C: IntoIndexColumn,
{
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    index.to_owned()
}

/// Adds one column to `table`: SQLite adds columns one statement at a time.
async fn add_column<T: IntoIden>(manager: &SchemaManager<'_>, table: T, column: ColumnDef) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).add_column(column).to_owned())
        .await
}

/// Drops one column of `table`.
async fn drop_column<T: IntoIden, C: IntoIden>(manager: &SchemaManager<'_>, table: T, column: C) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).drop_column(column).to_owned())
        .await
}

/// A foreign key whose rows go when their parent row goes.
fn cascade<T, C, P, Q>(from: (T, C), to: (P, Q)) -> ForeignKeyCreateStatement
where
    T: IntoIden,
    C: IntoIden,
    P: IntoIden,
    Q: IntoIden,
{
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}
