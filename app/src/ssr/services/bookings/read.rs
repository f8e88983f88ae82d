//! Reading bookings: one as an actor may see it, a host's calendar, a page
//! of a search, the ones starting at a time, and a contact's next ones.
use super::{Actor, BookingDetails, BookingError, find_for, hosts_managed_by};
use crate::domain::{BookingId, BookingStatus, ContactId, Email, EventTypeId};
use crate::ssr::entities::{booking, event_type, user};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// One booking, if `actor` may see it.
pub async fn get(db: &impl ConnectionTrait, id: &BookingId, actor: &Actor<'_>) -> Result<BookingDetails, BookingError> {
    BookingDetails::of(db, find_for(db, id, actor).await?).await
}

/// The host's bookings in start order, each with its event type.
pub async fn list_for_host(db: &impl ConnectionTrait, host: &user::Model) -> Result<Vec<BookingDetails>, BookingError> {
    let rows = booking::Entity::find()
        .filter(booking::Column::HostId.eq(&host.id))
        .order_by_asc(booking::Column::StartAt)
        .all(db)
        .await?;
    with_event_types(db, host, rows).await
}

/// Which of a host's bookings a search returns; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Bookings starting at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Bookings starting before this instant.
    pub to: Option<DateTime<Utc>>,
    pub status: Option<BookingStatus>,
    pub invitee_email: Option<Email>,
    /// E.164.
    pub invitee_phone: Option<String>,
    /// Where the previous page ended: see [`Cursor`].
    pub after: Option<Cursor>,
    /// At most this many, 1 to 100.
    pub limit: u64,
}

/// A position in start order: the last booking of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    start: DateTime<Utc>,
    id: BookingId,
}

impl Cursor {
    fn of(booking: &booking::Model) -> Self {
        Self {
            start: booking.start_at,
            id: booking.id.clone(),
        }
    }

    /// As the API hands it out: opaque to clients, `<millis>.<id>`.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.start.timestamp_millis(), self.id)
    }

    pub fn decode(raw: &str) -> Option<Self> {
        let (millis, id) = raw.trim().split_once('.')?;
        let start = DateTime::from_timestamp_millis(millis.parse().ok()?)?;
        (!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric())).then(|| Self {
            start,
            id: BookingId::from(id.to_owned()),
        })
    }
}

/// One page of the host's bookings in start order, and where the next
/// page starts when there is one.
pub async fn search(
    db: &impl ConnectionTrait,
    host: &user::Model,
    search: Search,
) -> Result<(Vec<BookingDetails>, Option<Cursor>), BookingError> {
    let mut query = booking::Entity::find().filter(booking::Column::HostId.eq(&host.id));
    if let Some(from) = search.from {
        query = query.filter(booking::Column::StartAt.gte(from));
    }
    if let Some(to) = search.to {
        query = query.filter(booking::Column::StartAt.lt(to));
    }
    if let Some(status) = search.status {
        query = query.filter(booking::Column::Status.eq(status));
    }
    if let Some(email) = &search.invitee_email {
        query = query.filter(booking::Column::InviteeEmail.eq(email.as_str()));
    }
    if let Some(phone) = &search.invitee_phone {
        query = query.filter(booking::Column::InviteePhone.eq(phone.as_str()));
    }
    if let Some(after) = &search.after {
        query = query.filter(
            Condition::any().add(booking::Column::StartAt.gt(after.start)).add(
                Condition::all()
                    .add(booking::Column::StartAt.eq(after.start))
                    .add(booking::Column::Id.gt(after.id.clone())),
            ),
        );
    }
    let limit = search.limit.clamp(1, 100);
    let mut rows = query
        .order_by_asc(booking::Column::StartAt)
        .order_by_asc(booking::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let next = (rows.len() as u64 > limit).then(|| {
        rows.truncate(limit as usize);
        rows.last().map(Cursor::of)
    });
    Ok((with_event_types(db, host, rows).await?, next.flatten()))
}

/// The confirmed bookings `user` manages (see [`hosts_managed_by`])
/// starting exactly at `start`, narrowed by whichever of event type,
/// invitee e-mail and invitee phone is given: what "cancel my appointment
/// on Tuesday at 3" names.
pub async fn starting_at(
    db: &impl ConnectionTrait,
    user: &user::Model,
    start: DateTime<Utc>,
    narrow: Narrow,
) -> Result<Vec<BookingDetails>, BookingError> {
    let mut query = booking::Entity::find()
        .filter(booking::Column::HostId.is_in(hosts_managed_by(db, user).await?))
        .filter(booking::Column::Status.eq(BookingStatus::Confirmed))
        .filter(booking::Column::StartAt.eq(start));
    query = match narrow {
        Narrow::None => query,
        Narrow::EventType(id) => query.filter(booking::Column::EventTypeId.eq(id)),
        Narrow::InviteeEmail(email) => query.filter(booking::Column::InviteeEmail.eq(email.into_inner())),
        Narrow::InviteePhone(phone) => query.filter(booking::Column::InviteePhone.eq(phone)),
    };
    let rows = query.order_by_asc(booking::Column::CreatedAt).all(db).await?;
    details_of(db, rows).await
}

/// What narrows a cancel by start time: at most one of these.
#[derive(Debug, Clone)]
pub enum Narrow {
    None,
    EventType(EventTypeId),
    InviteeEmail(Email),
    /// E.164.
    InviteePhone(String),
}

/// A contact's bookings with any host of the team that are still to come
/// (confirmed or awaiting payment, starting after `now`), soonest first, at
/// most `limit`.
pub async fn upcoming_of_contact(
    db: &impl ConnectionTrait,
    contact_id: &ContactId,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<BookingDetails>, BookingError> {
    let rows = booking::Entity::find()
        .filter(booking::Column::ContactId.eq(contact_id))
        .filter(booking::Column::Status.is_in([BookingStatus::Confirmed, BookingStatus::PendingPayment]))
        .filter(booking::Column::StartAt.gt(now))
        .order_by_asc(booking::Column::StartAt)
        .limit(limit)
        .all(db)
        .await?;
    details_of(db, rows).await
}

async fn with_event_types(
    db: &impl ConnectionTrait,
    host: &user::Model,
    rows: Vec<booking::Model>,
) -> Result<Vec<BookingDetails>, BookingError> {
    // A host's bookings are all of the host's own event types.
    let events = event_type::Entity::find()
        .filter(event_type::Column::UserId.eq(&host.id))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|booking| {
            let event_type = events.iter().find(|e| e.id == booking.event_type_id)?.clone();
            Some(BookingDetails {
                booking,
                host: host.clone(),
                event_type,
            })
        })
        .collect())
}

/// Bookings of any hosts, each with its host and event type.
async fn details_of(db: &impl ConnectionTrait, rows: Vec<booking::Model>) -> Result<Vec<BookingDetails>, BookingError> {
    let mut details = Vec::with_capacity(rows.len());
    for row in rows {
        details.push(BookingDetails::of(db, row).await?);
    }
    Ok(details)
}
