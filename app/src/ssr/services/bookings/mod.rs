//! Bookings: creating (`create`), rescheduling and cancelling (`change`)
//! them without ever double-booking a host, the free times they are checked
//! against (`slots`) and the hourly limits (`limits`), and reading them
//! (`read`). Each takes a typed command and an `Actor` and answers with `BookingDetails`, which every edge (pages,
//! server functions, the REST API) maps to its own shape.
//!
//! Every change to a host's calendar runs in one transaction whose first
//! statement bumps `users.schedule_version` for that host. That write takes
//! the host's row lock on PostgreSQL and the database write lock on SQLite,
//! so concurrent bookings of one host run one after another: each sees the
//! bookings committed before it when it re-checks the slot. The partial
//! unique index on `(host_id, start_at)` stays as the last line of defence.
mod change;
mod create;
mod error;
mod idempotency;
mod limits;
mod read;
mod slots;

pub use change::{Cancel, Reschedule, cancel, reschedule};
pub use create::{Booked, Created, book_once, create};
pub use error::BookingError;
pub use idempotency::{Claim, KEY_LIFETIME_HOURS};
pub use limits::BookingLimits;
pub use read::{Cursor, Narrow, Search, get, list_for_host, search, starting_at, upcoming_of_contact};
pub use slots::{SlotWindow, free_slots};

use crate::domain::questions::{Answer, Question};
use crate::domain::{BookingId, UserId};
use crate::ssr::entities::{booking, event_type, event_type_question as question, payment, user};
use crate::ssr::ids::hash_token;
use crate::ssr::services::questions;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// An active event type with its host and questions, found by their public slugs.
pub async fn find_public_event(
    db: &impl ConnectionTrait,
    host_slug: &str,
    event_slug: &str,
) -> Result<Bookable, BookingError> {
    // One query, as every booking request starts here: a row per question
    // (one without a question when the form asks none).
    let rows = event_type::Entity::find()
        .find_also_related(user::Entity)
        .find_also_related(question::Entity)
        .filter(user::Column::Slug.eq(host_slug.to_lowercase()))
        .filter(event_type::Column::Slug.eq(event_slug.to_lowercase()))
        .filter(event_type::Column::Active.eq(true))
        .order_by_asc(question::Column::Position)
        .order_by_asc(question::Column::CreatedAt)
        .all(db)
        .await?;
    let mut rows = rows.into_iter();
    let Some((event, Some(host), first)) = rows.next() else {
        return Err(BookingError::NotFound);
    };
    let questions = first
        .into_iter()
        .chain(rows.filter_map(|(_, _, question)| question))
        .map(questions::to_question)
        .collect();
    Ok(Bookable { host, event, questions })
}

/// An event type with its host and the questions its booking form asks:
/// what a booking is checked against.
#[derive(Debug, Clone)]
pub struct Bookable {
    pub host: user::Model,
    pub event: event_type::Model,
    pub questions: Vec<Question>,
}

impl Bookable {
    /// `event` of `host`, with its questions read.
    pub async fn read(db: &impl ConnectionTrait, host: user::Model, event: event_type::Model) -> Result<Self, DbErr> {
        let questions = questions::for_event(db, &event.id).await?;
        Ok(Self { host, event, questions })
    }
}

pub async fn find_host(db: &impl ConnectionTrait, host_slug: &str) -> Result<user::Model, BookingError> {
    user::Entity::find()
        .filter(user::Column::Slug.eq(host_slug.to_lowercase()))
        .one(db)
        .await?
        .ok_or(BookingError::NotFound)
}

/// Serializes calendar changes of one host; must be the transaction's first statement.
pub(crate) async fn lock_host_schedule(txn: &DatabaseTransaction, host_id: &UserId) -> Result<(), BookingError> {
    user::Entity::update_many()
        .col_expr(
            user::Column::ScheduleVersion,
            Expr::col(user::Column::ScheduleVersion).add(1),
        )
        .filter(user::Column::Id.eq(host_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// A start time as forms and the API send it (RFC 3339).
pub fn parse_start(raw: &str) -> Result<DateTime<Utc>, BookingError> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| BookingError::field("start", "Choose a time from the list."))
}

/// The booking whose manage token this is; anything else is not found.
/// The link ends with the booking.
pub async fn find_by_token(
    db: &impl ConnectionTrait,
    id: &BookingId,
    token: &str,
) -> Result<booking::Model, BookingError> {
    let booking = booking::Entity::find_by_id(id)
        .filter(booking::Column::ManageTokenHash.eq(hash_token(token)))
        .one(db)
        .await?
        .ok_or(BookingError::NotFound)?;
    if booking.end_at <= Utc::now() {
        return Err(BookingError::Ended);
    }
    Ok(booking)
}

/// Who is reading or changing a booking: its invitee, holding the manage
/// link's secret, or its host (signed in, or through an API key).
pub enum Actor<'a> {
    Invitee { token: &'a str },
    Host(&'a user::Model),
}

/// A booking with the host and event type it belongs to: the read model
/// every edge maps to its own shape.
#[derive(Debug, Clone)]
pub struct BookingDetails {
    pub booking: booking::Model,
    pub host: user::Model,
    pub event_type: event_type::Model,
}

impl BookingDetails {
    pub(super) async fn of(db: &impl ConnectionTrait, booking: booking::Model) -> Result<Self, BookingError> {
        let (host, event_type) = host_and_event(db, &booking).await?;
        Ok(Self {
            booking,
            host,
            event_type,
        })
    }

    /// Whether it can still be moved or cancelled: confirmed and not over.
    pub fn can_change(&self, now: DateTime<Utc>) -> bool {
        self.booking.status.allows_change(self.booking.end_at, now)
    }

    pub fn is_past(&self, now: DateTime<Utc>) -> bool {
        self.booking.end_at <= now
    }

    pub fn answers(&self) -> Vec<Answer> {
        answers(&self.booking)
    }
}

pub(super) async fn find_for(
    db: &impl ConnectionTrait,
    id: &BookingId,
    actor: &Actor<'_>,
) -> Result<booking::Model, BookingError> {
    match actor {
        Actor::Invitee { token } => find_by_token(db, id, token).await,
        Actor::Host(host) => booking::Entity::find_by_id(id)
            .filter(booking::Column::HostId.is_in(hosts_managed_by(db, host).await?))
            .one(db)
            .await?
            .ok_or(BookingError::NotFound),
    }
}

/// The hosts whose bookings `user` may see and change: their own, and for
/// a team's owner or admin every member's (a receptionist answering for
/// the whole team).
pub async fn hosts_managed_by(db: &impl ConnectionTrait, user: &user::Model) -> Result<Vec<UserId>, BookingError> {
    if !user.role.manages_team_bookings() {
        return Ok(vec![user.id.clone()]);
    }
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::TeamId.eq(&user.team_id))
        .into_tuple()
        .all(db)
        .await?)
}

/// The host and event type a booking belongs to.
/// A booking with its host, event type and payment (if it took one), in
/// one query: every email about a booking starts with this read.
pub async fn details_and_payment(
    db: &impl ConnectionTrait,
    id: &BookingId,
) -> Result<Option<(BookingDetails, Option<payment::Model>)>, DbErr> {
    let found = booking::Entity::find_by_id(id)
        .find_also_related(event_type::Entity)
        .and_also_related(user::Entity)
        .find_also(booking::Entity, payment::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(booking, event_type, host, payment)| {
        Some((
            BookingDetails {
                booking,
                host: host?,
                event_type: event_type?,
            },
            payment,
        ))
    }))
}

pub async fn host_and_event(
    db: &impl ConnectionTrait,
    booking: &booking::Model,
) -> Result<(user::Model, event_type::Model), BookingError> {
    let host = user::Entity::find_by_id(&booking.host_id)
        .one(db)
        .await?
        .ok_or(BookingError::NotFound)?;
    let event = event_type::Entity::find_by_id(&booking.event_type_id)
        .one(db)
        .await?
        .ok_or(BookingError::NotFound)?;
    Ok((host, event))
}

/// The invitee's answers to the event type's questions.
pub fn answers(booking: &booking::Model) -> Vec<Answer> {
    serde_json::from_str(&booking.answers).unwrap_or_else(|error| {
        tracing::error!(booking.id = %booking.id, %error, "unreadable answers");
        Vec::new()
    })
}
