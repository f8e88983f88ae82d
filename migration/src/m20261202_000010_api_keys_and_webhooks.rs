//! API keys, the events every change produces, webhooks (manual and Zapier
//! REST hooks) and the log of their deliveries.
use crate::m20261123_000001_create_teams_and_users::{Teams, Users};
use crate::{cascade, fk_col, id_col, index, timestamp_col};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiKeys::Table)
                    .col(id_col(ApiKeys::Id))
                    .col(fk_col(ApiKeys::UserId))
                    .col(fk_col(ApiKeys::TeamId))
                    .col(ColumnDef::new(ApiKeys::Name).string_len(100).not_null())
                    .col(ColumnDef::new(ApiKeys::Prefix).string_len(12).not_null())
                    .col(ColumnDef::new(ApiKeys::KeyHash).string_len(64).not_null().unique_key())
                    .col(timestamp_col(ApiKeys::CreatedAt))
                    .col(ColumnDef::new(ApiKeys::LastUsedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(ApiKeys::ExpiresAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(ApiKeys::RevokedAt).timestamp_with_time_zone().null())
                    .foreign_key(&mut cascade(
                        (ApiKeys::Table, ApiKeys::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (ApiKeys::Table, ApiKeys::TeamId),
                        (Teams::Table, Teams::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_api_keys_user", ApiKeys::Table, [ApiKeys::UserId]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(id_col(Events::Id))
                    .col(fk_col(Events::UserId))
                    .col(ColumnDef::new(Events::Kind).string_len(40).not_null())
                    .col(ColumnDef::new(Events::EventTypeId).string_len(32).null())
                    .col(ColumnDef::new(Events::SubjectId).string_len(32).not_null())
                    .col(ColumnDef::new(Events::Body).text().not_null())
                    .col(ColumnDef::new(Events::IsTest).boolean().not_null().default(false))
                    .col(timestamp_col(Events::CreatedAt))
                    .foreign_key(&mut cascade((Events::Table, Events::UserId), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_events_user_kind",
                Events::Table,
                [Events::UserId, Events::Kind, Events::CreatedAt],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Webhooks::Table)
                    .col(id_col(Webhooks::Id))
                    .col(fk_col(Webhooks::UserId))
                    .col(fk_col(Webhooks::TeamId))
                    .col(ColumnDef::new(Webhooks::Source).string_len(16).not_null())
                    .col(ColumnDef::new(Webhooks::TargetUrl).text().not_null())
                    .col(ColumnDef::new(Webhooks::Events).text().not_null())
                    .col(ColumnDef::new(Webhooks::EventTypeId).string_len(32).null())
                    .col(ColumnDef::new(Webhooks::SecretSealed).text().not_null())
                    .col(ColumnDef::new(Webhooks::Active).boolean().not_null().default(true))
                    .col(ColumnDef::new(Webhooks::FailingSince).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(Webhooks::DisabledReason).text().null())
                    .col(timestamp_col(Webhooks::CreatedAt))
                    .col(timestamp_col(Webhooks::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (Webhooks::Table, Webhooks::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Webhooks::Table, Webhooks::TeamId),
                        (Teams::Table, Teams::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_webhooks_user", Webhooks::Table, [Webhooks::UserId]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(id_col(WebhookDeliveries::Id))
                    .col(fk_col(WebhookDeliveries::WebhookId))
                    .col(fk_col(WebhookDeliveries::EventId))
                    .col(ColumnDef::new(WebhookDeliveries::Status).string_len(16).not_null())
                    .col(
                        ColumnDef::new(WebhookDeliveries::NextAttemptAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(timestamp_col(WebhookDeliveries::CreatedAt))
                    .col(timestamp_col(WebhookDeliveries::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (WebhookDeliveries::Table, WebhookDeliveries::WebhookId),
                        (Webhooks::Table, Webhooks::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (WebhookDeliveries::Table, WebhookDeliveries::EventId),
                        (Events::Table, Events::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_webhook_deliveries_webhook",
                WebhookDeliveries::Table,
                [WebhookDeliveries::WebhookId, WebhookDeliveries::CreatedAt],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookAttempts::Table)
                    .col(id_col(WebhookAttempts::Id))
                    .col(fk_col(WebhookAttempts::DeliveryId))
                    .col(ColumnDef::new(WebhookAttempts::StatusCode).integer().null())
                    .col(ColumnDef::new(WebhookAttempts::DurationMs).integer().not_null())
                    .col(ColumnDef::new(WebhookAttempts::ResponseBody).text().null())
                    .col(ColumnDef::new(WebhookAttempts::Error).text().null())
                    .col(
                        ColumnDef::new(WebhookAttempts::NextRetryAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(timestamp_col(WebhookAttempts::CreatedAt))
                    .foreign_key(&mut cascade(
                        (WebhookAttempts::Table, WebhookAttempts::DeliveryId),
                        (WebhookDeliveries::Table, WebhookDeliveries::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_webhook_attempts_delivery",
                WebhookAttempts::Table,
                [WebhookAttempts::DeliveryId],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookAttempts::Table.into_iden(),
            WebhookDeliveries::Table.into_iden(),
            Webhooks::Table.into_iden(),
            Events::Table.into_iden(),
            ApiKeys::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    UserId,
    TeamId,
    Name,
    Prefix,
    KeyHash,
    CreatedAt,
    LastUsedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    UserId,
    Kind,
    EventTypeId,
    SubjectId,
    Body,
    IsTest,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    UserId,
    TeamId,
    Source,
    TargetUrl,
    Events,
    EventTypeId,
    SecretSealed,
    Active,
    FailingSince,
    DisabledReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    WebhookId,
    EventId,
    Status,
    NextAttemptAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookAttempts {
    Table,
    Id,
    DeliveryId,
    StatusCode,
    DurationMs,
    ResponseBody,
    Error,
    NextRetryAt,
    CreatedAt,
}
