//! Sessions end after 14 idle days as well as 30 in all: each keeps when it
//! was last used. Existing sessions count as used when they began.
use crate::{add_column, drop_column};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Nullable: SQLite cannot add a NOT NULL column without a constant
        // default, and no constant is right.
        let last_seen = ColumnDef::new(Sessions::LastSeenAt)
            .timestamp_with_time_zone()
            .null()
            .to_owned();
        add_column(manager, Sessions::Table, last_seen).await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Sessions::Table)
                    .value(Sessions::LastSeenAt, Expr::col(Sessions::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_column(manager, Sessions::Table, Sessions::LastSeenAt).await
    }
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    CreatedAt,
    LastSeenAt,
}
