//! The booking form's extra fields: whether to ask for a phone number, the
//! host's own questions, and the invitee's answers on each booking.
use crate::m20261123_000002_create_event_types::EventTypes;
use crate::{cascade, fk_col, id_col, timestamp_col};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(EventTypes::Table)
                    .add_column(
                        ColumnDef::new(PhoneField::PhoneField)
                            .string_len(16)
                            .not_null()
                            .default("optional"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Bookings::Table)
                    .add_column(ColumnDef::new(Bookings::Answers).text().not_null().default("[]"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EventTypeQuestions::Table)
                    .col(id_col(EventTypeQuestions::Id))
                    .col(fk_col(EventTypeQuestions::EventTypeId))
                    .col(ColumnDef::new(EventTypeQuestions::Position).integer().not_null())
                    .col(ColumnDef::new(EventTypeQuestions::Label).string_len(300).not_null())
                    .col(ColumnDef::new(EventTypeQuestions::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(EventTypeQuestions::Required).boolean().not_null())
                    .col(ColumnDef::new(EventTypeQuestions::Options).text().not_null())
                    .col(timestamp_col(EventTypeQuestions::CreatedAt))
                    .foreign_key(&mut cascade(
                        (EventTypeQuestions::Table, EventTypeQuestions::EventTypeId),
                        (EventTypes::Table, EventTypes::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("event_type_questions_event_type")
                    .table(EventTypeQuestions::Table)
                    .col(EventTypeQuestions::EventTypeId)
                    .col(EventTypeQuestions::Position)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EventTypeQuestions::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Bookings::Table)
                    .drop_column(Bookings::Answers)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(EventTypes::Table)
                    .drop_column(PhoneField::PhoneField)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum PhoneField {
    PhoneField,
}

#[derive(DeriveIden)]
enum Bookings {
    Table,
    Answers,
}

#[derive(DeriveIden)]
enum EventTypeQuestions {
    Table,
    Id,
    EventTypeId,
    Position,
    Label,
    Kind,
    Required,
    /// The choices of a choice question, one per line.
    Options,
    CreatedAt,
}
