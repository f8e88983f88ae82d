//! `Idempotency-Key`s of API bookings: a key and the same request within
//! 24 hours answer the booking the first one made and book nothing; the
//! key with another request is refused. The key is claimed in the
//! booking's own transaction, so a booking and its key exist together or
//! not at all, and two requests racing with one key book once.
use super::create::{Created, create};
use super::limits::BookingLimits;
use super::{BookingDetails, BookingError};
use crate::domain::{BookingId, BookingSource, UserId};
use crate::dto::BookingForm;
use crate::ssr::crypto::SecretBox;
use crate::ssr::entities::{booking, event_type, idempotency_key, user};
use crate::ssr::ids::hash_token;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

/// How long a key answers with its first booking.
pub const KEY_LIFETIME_HOURS: i64 = 24;

/// One user's key and a fingerprint of the request it came with.
#[derive(Debug, Clone)]
pub struct Claim {
    user_id: UserId,
    key: String,
    request_hash: String,
}

impl Claim {
    /// `raw` must be 1 to 255 printable ASCII characters; `request` is the
    /// request as sent, which a repeat must match.
    pub fn new(user_id: UserId, raw: &str, request: &serde_json::Value) -> Result<Self, String> {
        if raw.is_empty() || raw.len() > 255 || !raw.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err("Send an Idempotency-Key of 1 to 255 printable characters, e.g. a UUID.".to_owned());
        }
        Ok(Self {
            user_id,
            key: raw.to_owned(),
            // serde_json's maps are sorted, so equal requests print alike.
            request_hash: hash_token(&request.to_string()),
        })
    }
}

/// Whether a booking was made now or by an earlier request with the key.
pub enum Booked {
    Created(Created),
    Replayed(BookingDetails),
}

/// The booking `claim`'s key made within its lifetime, if any; the key
/// with another request is [`BookingError::KeyReused`].
pub(super) async fn claimed(db: &impl ConnectionTrait, claim: &Claim) -> Result<Option<BookingDetails>, BookingError> {
    let Some(row) = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::UserId.eq(&claim.user_id))
        .filter(idempotency_key::Column::IdemKey.eq(&claim.key))
        .filter(idempotency_key::Column::CreatedAt.gt(Utc::now() - Duration::hours(KEY_LIFETIME_HOURS)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if row.request_hash != claim.request_hash {
        return Err(BookingError::KeyReused);
    }
    let booking = booking::Entity::find_by_id(&row.booking_id)
        .one(db)
        .await?
        .ok_or(BookingError::NotFound)?;
    Ok(Some(BookingDetails::of(db, booking).await?))
}

/// Claims the key for `booking_id`, in the booking's transaction.
pub(super) async fn store(
    txn: &impl ConnectionTrait,
    claim: &Claim,
    booking_id: &BookingId,
    now: DateTime<Utc>,
) -> Result<(), BookingError> {
    idempotency_key::ActiveModel {
        id: Set(crate::ssr::ids::new_id()),
        user_id: Set(claim.user_id.clone()),
        idem_key: Set(claim.key.clone()),
        request_hash: Set(claim.request_hash.clone()),
        booking_id: Set(booking_id.clone()),
        created_at: Set(now),
    }
    .insert(txn)
    .await
    .map_err(|error| {
        if crate::ssr::services::is_unique_violation(&error) {
            BookingError::KeyRace
        } else {
            BookingError::Database(error)
        }
    })?;
    Ok(())
}

/// Books once per key: the first request with `claim` books, a repeat
/// within the key's lifetime answers that booking again.
pub async fn book_once(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    limits: BookingLimits,
    event: (user::Model, event_type::Model),
    form: BookingForm,
    source: BookingSource,
    claim: &Claim,
) -> Result<Booked, BookingError> {
    // A key past its lifetime is free again.
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::UserId.eq(&claim.user_id))
        .filter(idempotency_key::Column::IdemKey.eq(&claim.key))
        .filter(idempotency_key::Column::CreatedAt.lte(Utc::now() - Duration::hours(KEY_LIFETIME_HOURS)))
        .exec(db)
        .await?;
    // Twice at most: a request that lost the race for the key finds the
    // winner's booking on its second look.
    for _ in 0..2 {
        if let Some(existing) = claimed(db, claim).await? {
            return Ok(Booked::Replayed(existing));
        }
        match create(db, secrets, limits, event.clone(), form.clone(), source, Some(claim)).await {
            Ok(created) => return Ok(Booked::Created(created)),
            Err(BookingError::AlreadyBooked(existing)) => return Ok(Booked::Replayed(*existing)),
            Err(BookingError::KeyRace) => continue,
            Err(other) => return Err(other),
        }
    }
    claimed(db, claim)
        .await?
        .map(Booked::Replayed)
        .ok_or(BookingError::KeyRace)
}
