//! Password resets: the hash of each e-mailed single-use link, valid an hour.
use crate::{cascade, fk_col, index, timestamp_col};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const USER_INDEX: &str = "idx_password_resets_user_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PasswordResets::Table)
                    .col(
                        ColumnDef::new(PasswordResets::TokenHash)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(fk_col(PasswordResets::UserId))
                    .col(timestamp_col(PasswordResets::ExpiresAt))
                    .col(timestamp_col(PasswordResets::CreatedAt))
                    .foreign_key(&mut cascade(
                        (PasswordResets::Table, PasswordResets::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(USER_INDEX, PasswordResets::Table, [PasswordResets::UserId]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PasswordResets::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum PasswordResets {
    Table,
    TokenHash,
    UserId,
    ExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
