//! Job pools and concurrency caps: each job names the pool of workers that
//! runs it, and jobs sharing a concurrency key (one webhook's deliveries)
//! run only a few at once. Jobs already queued run in the default pool,
//! uncapped; existing `failed` jobs become `dead`, the one terminal failure.
use crate::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .add_column(ColumnDef::new(Jobs::Queue).string_len(20).not_null().default("default"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .add_column(ColumnDef::new(Jobs::ConcurrencyKey).string_len(120).null())
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Jobs::Table)
                    .value(Jobs::Queue, "webhooks")
                    .and_where(Expr::col(Jobs::Kind).eq("deliver_webhook"))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Jobs::Table)
                    .value(Jobs::Status, "dead")
                    .and_where(Expr::col(Jobs::Status).eq("failed"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "jobs_queue_status_run_at",
                Jobs::Table,
                [Jobs::Queue, Jobs::Status, Jobs::RunAt],
            ))
            .await?;
        manager
            .create_index(index(
                "jobs_concurrency_key",
                Jobs::Table,
                [Jobs::ConcurrencyKey, Jobs::Status],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["jobs_queue_status_run_at", "jobs_concurrency_key"] {
            manager
                .drop_index(Index::drop().name(name).table(Jobs::Table).to_owned())
                .await?;
        }
        for column in [Jobs::Queue, Jobs::ConcurrencyKey] {
            manager
                .alter_table(Table::alter().table(Jobs::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Kind,
    /// `pending`, `done` or `dead`; a pending job with a live lease is running.
    Status,
    /// `default` or `webhooks`: the pool of workers that runs the job.
    Queue,
    ConcurrencyKey,
    RunAt,
}
