//! Paid event types: an event type's price and refund window, a team's
//! Stripe webhook secret, bookings held while their invitee pays (the
//! double-booking guard now covers held slots too), the payments and
//! refunds themselves, and the Stripe events already taken in.
use crate::{add_column, cascade, drop_column, fk_col, id_col, index, timestamp_col};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const OLD_GUARD: &str = "bookings_host_start_confirmed";
const GUARD: &str = "bookings_host_start_taken";
const PAYMENTS_BOOKING: &str = "idx_payments_booking";
const PAYMENTS_TEAM: &str = "idx_payments_team_created";
const PAYMENTS_SESSION: &str = "idx_payments_checkout_session";
const REFUNDS_PAYMENT: &str = "idx_refunds_payment";

fn money<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().to_owned()
}

fn currency<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).string_len(3).not_null().to_owned()
}

fn optional_text<T: IntoIden>(name: T, len: u32) -> ColumnDef {
    ColumnDef::new(name).string_len(len).null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            EventTypes::Table,
            ColumnDef::new(EventTypes::PriceAmount).big_integer().null().to_owned(),
        )
        .await?;
        add_column(manager, EventTypes::Table, optional_text(EventTypes::PriceCurrency, 3)).await?;
        add_column(
            manager,
            EventTypes::Table,
            ColumnDef::new(EventTypes::RefundWindowHours)
                .integer()
                .not_null()
                .default(24)
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            IntegrationConnections::Table,
            ColumnDef::new(IntegrationConnections::WebhookSecretSealed)
                .text()
                .null()
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            Bookings::Table,
            ColumnDef::new(Bookings::ContactIsNew)
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
        )
        .await?;
        // A slot held for payment is as taken as a confirmed one.
        let db = manager.get_connection();
        db.execute_unprepared(&format!("DROP INDEX {OLD_GUARD}")).await?;
        db.execute_unprepared(&format!(
            "CREATE UNIQUE INDEX {GUARD} ON bookings (host_id, start_at) \
             WHERE status IN ('confirmed', 'pending_payment')"
        ))
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Payments::Table)
                    .col(id_col(Payments::Id))
                    .col(fk_col(Payments::TeamId))
                    .col(fk_col(Payments::BookingId))
                    .col(money(Payments::Amount))
                    .col(currency(Payments::Currency))
                    .col(ColumnDef::new(Payments::Status).string_len(20).not_null())
                    .col(
                        ColumnDef::new(Payments::RefundedAmount)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ColumnDef::new(Payments::ReturnKeyHash).string_len(64).not_null())
                    .col(ColumnDef::new(Payments::ManageTokenSealed).text().not_null())
                    .col(optional_text(Payments::CheckoutSessionId, 255))
                    .col(ColumnDef::new(Payments::CheckoutUrl).text().null())
                    .col(optional_text(Payments::PaymentIntentId, 255))
                    .col(optional_text(Payments::ChargeId, 255))
                    .col(optional_text(Payments::Method, 32))
                    .col(optional_text(Payments::CardBrand, 32))
                    .col(optional_text(Payments::CardLast4, 4))
                    .col(timestamp_col(Payments::HoldExpiresAt))
                    .col(ColumnDef::new(Payments::PaidAt).timestamp_with_time_zone().null())
                    .col(timestamp_col(Payments::CreatedAt))
                    .col(timestamp_col(Payments::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (Payments::Table, Payments::TeamId),
                        (Teams::Table, Teams::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Payments::Table, Payments::BookingId),
                        (Bookings::Table, Bookings::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(PAYMENTS_BOOKING, Payments::Table, [Payments::BookingId])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                PAYMENTS_TEAM,
                Payments::Table,
                [Payments::TeamId, Payments::CreatedAt],
            ))
            .await?;
        manager
            .create_index(index(PAYMENTS_SESSION, Payments::Table, [Payments::CheckoutSessionId]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Refunds::Table)
                    .col(id_col(Refunds::Id))
                    .col(fk_col(Refunds::PaymentId))
                    .col(money(Refunds::Amount))
                    .col(currency(Refunds::Currency))
                    .col(ColumnDef::new(Refunds::Reason).string_len(20).not_null())
                    .col(ColumnDef::new(Refunds::Status).string_len(20).not_null())
                    .col(optional_text(Refunds::StripeRefundId, 255))
                    .col(ColumnDef::new(Refunds::Attempts).integer().not_null().default(0))
                    .col(ColumnDef::new(Refunds::LastError).text().null())
                    .col(timestamp_col(Refunds::CreatedAt))
                    .col(timestamp_col(Refunds::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (Refunds::Table, Refunds::PaymentId),
                        (Payments::Table, Payments::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(REFUNDS_PAYMENT, Refunds::Table, [Refunds::PaymentId]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StripeEvents::Table)
                    .col(
                        ColumnDef::new(StripeEvents::Id)
                            .string_len(255)
                            .not_null()
                            .primary_key(),
                    )
                    .col(fk_col(StripeEvents::TeamId))
                    .col(ColumnDef::new(StripeEvents::Kind).string_len(100).not_null())
                    .col(timestamp_col(StripeEvents::ReceivedAt))
                    .foreign_key(&mut cascade(
                        (StripeEvents::Table, StripeEvents::TeamId),
                        (Teams::Table, Teams::Id),
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            StripeEvents::Table.into_iden(),
            Refunds::Table.into_iden(),
            Payments::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(&format!("DROP INDEX {GUARD}")).await?;
        db.execute_unprepared(&format!(
            "CREATE UNIQUE INDEX {OLD_GUARD} ON bookings (host_id, start_at) WHERE status = 'confirmed'"
        ))
        .await?;
        drop_column(manager, Bookings::Table, Bookings::ContactIsNew).await?;
        drop_column(
            manager,
            IntegrationConnections::Table,
            IntegrationConnections::WebhookSecretSealed,
        )
        .await?;
        drop_column(manager, EventTypes::Table, EventTypes::RefundWindowHours).await?;
        drop_column(manager, EventTypes::Table, EventTypes::PriceCurrency).await?;
        drop_column(manager, EventTypes::Table, EventTypes::PriceAmount).await
    }
}

#[derive(DeriveIden)]
enum EventTypes {
    Table,
    PriceAmount,
    PriceCurrency,
    RefundWindowHours,
}

#[derive(DeriveIden)]
enum IntegrationConnections {
    Table,
    WebhookSecretSealed,
}

#[derive(DeriveIden)]
enum Bookings {
    Table,
    Id,
    ContactIsNew,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
    TeamId,
    BookingId,
    Amount,
    Currency,
    Status,
    RefundedAmount,
    ReturnKeyHash,
    ManageTokenSealed,
    CheckoutSessionId,
    CheckoutUrl,
    PaymentIntentId,
    ChargeId,
    Method,
    CardBrand,
    CardLast4,
    HoldExpiresAt,
    PaidAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Refunds {
    Table,
    Id,
    PaymentId,
    Amount,
    Currency,
    Reason,
    Status,
    StripeRefundId,
    Attempts,
    LastError,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StripeEvents {
    Table,
    Id,
    TeamId,
    Kind,
    ReceivedAt,
}
