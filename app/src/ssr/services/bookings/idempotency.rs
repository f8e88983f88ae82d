//! `Idempotency-Key`s of API bookings: a key and the same request within
//! 24 hours answer the booking the first one made and book nothing; the
//! key with another request is refused. The key is claimed in the
//! booking's own transaction, so a booking and its key exist together or
//! not at all, and two requests racing with one key book once.
use super::{BookingDetails, BookingError};
use crate::domain::{BookingId, UserId};
use crate::ssr::entities::{booking, idempotency_key};
use crate::ssr::ids::hash_token;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

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

/// Frees a key past its lifetime for a new booking.
pub(super) async fn forget_expired(db: &impl ConnectionTrait, claim: &Claim) -> Result<(), BookingError> {
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::UserId.eq(&claim.user_id))
        .filter(idempotency_key::Column::IdemKey.eq(&claim.key))
        .filter(idempotency_key::Column::CreatedAt.lte(Utc::now() - Duration::hours(KEY_LIFETIME_HOURS)))
        .exec(db)
        .await?;
    Ok(())
}
