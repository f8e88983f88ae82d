//! Two-way contact sync: when each synced field of a contact last changed
//! (conflicts are settled per field by the newer change), archived contacts,
//! the HubSpot lifecycle stage shown as a tag, where a connection's
//! incremental pull got to and when its webhooks last arrived, remote ids
//! looked up from HubSpot's side, and the reconcile runs with their progress.
use crate::{add_column, cascade, drop_column, fk_col, id_col, index, timestamp_col};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const REMOTE_INDEX: &str = "idx_external_links_remote";
const RUNS_INDEX: &str = "idx_contact_sync_runs_team";

/// The synced fields' change times, started at the contact's last update.
const CHANGE_TIMES: [Contacts; 4] = [
    Contacts::NameChangedAt,
    Contacts::EmailChangedAt,
    Contacts::PhoneChangedAt,
    Contacts::CompanyChangedAt,
];

fn nullable_timestamp<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().null().to_owned()
}

fn counter<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).integer().not_null().default(0).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in CHANGE_TIMES {
            add_column(manager, Contacts::Table, nullable_timestamp(column)).await?;
            let db = manager.get_connection();
            let update = Query::update()
                .table(Contacts::Table)
                .value(column, Expr::col(Contacts::UpdatedAt))
                .to_owned();
            db.execute(&update).await?;
        }
        add_column(manager, Contacts::Table, nullable_timestamp(Contacts::ArchivedAt)).await?;
        let stage = ColumnDef::new(Contacts::LifecycleStage)
            .string_len(100)
            .null()
            .to_owned();
        add_column(manager, Contacts::Table, stage).await?;
        add_column(
            manager,
            IntegrationConnections::Table,
            nullable_timestamp(IntegrationConnections::PulledUntil),
        )
        .await?;
        add_column(
            manager,
            IntegrationConnections::Table,
            nullable_timestamp(IntegrationConnections::WebhookSeenAt),
        )
        .await?;
        manager
            .create_index(index(
                REMOTE_INDEX,
                ExternalLinks::Table,
                [
                    ExternalLinks::Provider,
                    ExternalLinks::AccountId,
                    ExternalLinks::RemoteKind,
                    ExternalLinks::RemoteId,
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ContactSyncRuns::Table)
                    .col(id_col(ContactSyncRuns::Id))
                    .col(fk_col(ContactSyncRuns::TeamId))
                    .col(ColumnDef::new(ContactSyncRuns::AccountId).string_len(64).not_null())
                    .col(ColumnDef::new(ContactSyncRuns::Trigger).string_len(16).not_null())
                    .col(ColumnDef::new(ContactSyncRuns::Status).string_len(16).not_null())
                    .col(ColumnDef::new(ContactSyncRuns::Phase).string_len(16).not_null())
                    .col(ColumnDef::new(ContactSyncRuns::PullAfter).string_len(64).null())
                    .col(ColumnDef::new(ContactSyncRuns::PushAfter).string_len(32).null())
                    .col(counter(ContactSyncRuns::Total))
                    .col(counter(ContactSyncRuns::Processed))
                    .col(counter(ContactSyncRuns::Pulled))
                    .col(counter(ContactSyncRuns::Pushed))
                    .col(counter(ContactSyncRuns::Merged))
                    .col(counter(ContactSyncRuns::Conflicts))
                    .col(counter(ContactSyncRuns::Skipped))
                    .col(ColumnDef::new(ContactSyncRuns::Message).text().null())
                    .col(timestamp_col(ContactSyncRuns::StartedAt))
                    .col(nullable_timestamp(ContactSyncRuns::FinishedAt))
                    .col(timestamp_col(ContactSyncRuns::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (ContactSyncRuns::Table, ContactSyncRuns::TeamId),
                        (Teams::Table, Teams::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                RUNS_INDEX,
                ContactSyncRuns::Table,
                [ContactSyncRuns::TeamId, ContactSyncRuns::StartedAt],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ContactSyncRuns::Table).to_owned())
            .await?;
        manager
            .drop_index(Index::drop().name(REMOTE_INDEX).table(ExternalLinks::Table).to_owned())
            .await?;
        drop_column(
            manager,
            IntegrationConnections::Table,
            IntegrationConnections::WebhookSeenAt,
        )
        .await?;
        drop_column(
            manager,
            IntegrationConnections::Table,
            IntegrationConnections::PulledUntil,
        )
        .await?;
        drop_column(manager, Contacts::Table, Contacts::LifecycleStage).await?;
        drop_column(manager, Contacts::Table, Contacts::ArchivedAt).await?;
        for column in CHANGE_TIMES {
            drop_column(manager, Contacts::Table, column).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Contacts {
    Table,
    UpdatedAt,
    NameChangedAt,
    EmailChangedAt,
    PhoneChangedAt,
    CompanyChangedAt,
    ArchivedAt,
    LifecycleStage,
}

#[derive(DeriveIden)]
enum IntegrationConnections {
    Table,
    PulledUntil,
    WebhookSeenAt,
}

#[derive(DeriveIden)]
enum ExternalLinks {
    Table,
    Provider,
    AccountId,
    RemoteKind,
    RemoteId,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ContactSyncRuns {
    Table,
    Id,
    TeamId,
    AccountId,
    Trigger,
    Status,
    Phase,
    PullAfter,
    PushAfter,
    Total,
    Processed,
    Pulled,
    Pushed,
    Merged,
    Conflicts,
    Skipped,
    Message,
    StartedAt,
    FinishedAt,
    UpdatedAt,
}
