//! The agent API: the durations an event type offers, where a booking was
//! made, a team's phone region, API key scopes, idempotency keys, and phone
//! numbers written as E.164 where they carry their country code.
use crate::{add_column, cascade, drop_column, fk_col, id_col, timestamp_col};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

const IDEMPOTENCY_INDEX: &str = "idx_idempotency_keys_user_key";
const CONTACT_PHONE_INDEX: &str = "idx_contacts_team_phone";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let durations = ColumnDef::new(EventTypes::Durations)
            .string()
            .not_null()
            .default("")
            .to_owned();
        add_column(manager, EventTypes::Table, durations).await?;
        let source = ColumnDef::new(Bookings::Source)
            .string_len(8)
            .not_null()
            .default("page")
            .to_owned();
        add_column(manager, Bookings::Table, source).await?;
        let region = ColumnDef::new(Teams::PhoneRegion).string_len(2).null().to_owned();
        add_column(manager, Teams::Table, region).await?;
        let scopes = ColumnDef::new(ApiKeys::Scopes).string().null().to_owned();
        add_column(manager, ApiKeys::Table, scopes).await?;
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(id_col(IdempotencyKeys::Id))
                    .col(fk_col(IdempotencyKeys::UserId))
                    .col(ColumnDef::new(IdempotencyKeys::IdemKey).string_len(255).not_null())
                    .col(ColumnDef::new(IdempotencyKeys::RequestHash).string_len(64).not_null())
                    .col(fk_col(IdempotencyKeys::BookingId))
                    .col(timestamp_col(IdempotencyKeys::CreatedAt))
                    .foreign_key(&mut cascade(
                        (IdempotencyKeys::Table, IdempotencyKeys::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (IdempotencyKeys::Table, IdempotencyKeys::BookingId),
                        (Bookings::Table, Bookings::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(IDEMPOTENCY_INDEX)
                    .table(IdempotencyKeys::Table)
                    .col(IdempotencyKeys::UserId)
                    .col(IdempotencyKeys::IdemKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(crate::index(
                CONTACT_PHONE_INDEX,
                Contacts::Table,
                [Contacts::TeamId, Contacts::Phone],
            ))
            .await?;
        compact_international_phones(manager, "contacts", "phone").await?;
        compact_international_phones(manager, "bookings", "invitee_phone").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(CONTACT_PHONE_INDEX)
                    .table(Contacts::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned())
            .await?;
        drop_column(manager, ApiKeys::Table, ApiKeys::Scopes).await?;
        drop_column(manager, Teams::Table, Teams::PhoneRegion).await?;
        drop_column(manager, Bookings::Table, Bookings::Source).await?;
        drop_column(manager, EventTypes::Table, EventTypes::Durations).await
    }
}

/// Rewrites phone numbers typed with their country code (`+49 30 123-4567`)
/// as E.164 (`+49301234567`), the form they are now stored and compared in.
/// A number without its country code needs its team's region to be read,
/// which a migration cannot know; such numbers stay as typed.
async fn compact_international_phones(manager: &SchemaManager<'_>, table: &str, column: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let (table, column) = (Alias::new(table), Alias::new(column));
    let select = Query::select()
        .columns([Alias::new("id"), column.clone()])
        .from(table.clone())
        .and_where(Expr::col(column.clone()).like("+%"))
        .to_owned();
    for row in db.query_all(&select).await? {
        let id: String = row.try_get("", "id")?;
        let phone: String = row.try_get("", &column.to_string())?;
        let Some(e164) = e164_of_international(&phone).filter(|e164| *e164 != phone) else {
            continue;
        };
        let update = Query::update()
            .table(table.clone())
            .value(column.clone(), e164)
            .and_where(Expr::col(Alias::new("id")).eq(id))
            .to_owned();
        db.execute(&update).await?;
    }
    Ok(())
}

/// `+`, then the digits, when nothing else in the number is ambiguous: a
/// national trunk prefix written as `(0)` would change the number.
fn e164_of_international(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.contains("(0)") || !raw.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c)) {
        return None;
    }
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    (8..=15).contains(&digits.len()).then(|| format!("+{digits}"))
}

#[derive(DeriveIden)]
enum EventTypes {
    Table,
    Durations,
}

#[derive(DeriveIden)]
enum Bookings {
    Table,
    Id,
    Source,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    PhoneRegion,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Scopes,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
    TeamId,
    Phone,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Id,
    UserId,
    IdemKey,
    RequestHash,
    BookingId,
    CreatedAt,
}

#[cfg(test)]
mod tests {
    use super::e164_of_international;

    #[test]
    fn only_numbers_with_their_country_code_are_compacted() {
        assert_eq!(
            e164_of_international("+49 30 123-4567").as_deref(),
            Some("+49301234567")
        );
        assert_eq!(
            e164_of_international("+1 (202) 555-0100").as_deref(),
            Some("+12025550100")
        );
        assert_eq!(e164_of_international("+49 (0)30 1234567"), None);
        assert_eq!(e164_of_international("+12"), None);
    }
}
