//! Reading bookings: one as an actor may see it, and a host's calendar.
use super::{Actor, BookingDetails, BookingError, find_for};
use crate::domain::BookingId;
use crate::ssr::entities::{booking, event_type, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// One booking, if `actor` may see it.
pub async fn get(db: &impl ConnectionTrait, id: &BookingId, actor: &Actor<'_>) -> Result<BookingDetails, BookingError> {
    BookingDetails::of(db, find_for(db, id, actor).await?).await
}

/// The host's bookings in start order, each with its event type.
pub async fn list_for_host(db: &impl ConnectionTrait, host: &user::Model) -> Result<Vec<BookingDetails>, BookingError> {
    let events = event_type::Entity::find()
        .filter(event_type::Column::UserId.eq(&host.id))
        .all(db)
        .await?;
    let rows = booking::Entity::find()
        .filter(booking::Column::HostId.eq(&host.id))
        .order_by_asc(booking::Column::StartAt)
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
