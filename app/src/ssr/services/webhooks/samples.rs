//! Examples of each event: Zapier's performList (the user's latest real
//! events, or one realistic example) and the dashboard's test delivery.
use super::fan_out::{Announcement, Subject, record_test};
use super::{event_types_of, own, stored_events};
use crate::domain::webhooks::EventKey;
use crate::domain::{EventTypeId, WebhookId};
use crate::error::AppError;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{event, user};
use crate::ssr::ids::new_id;
use crate::ssr::outbox::payloads::{
    BookingData, ContactData, EventTypeRef, HostRef, InviteeRef, PaymentData, meeting_link,
};
use crate::ssr::time_fmt::iso;
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// Sends the webhook an example of its first event, marked as a test.
pub async fn send_test(db: &DatabaseConnection, user: &user::Model, id: &WebhookId) -> Result<(), AppError> {
    let hook = own(db, user, id).await?;
    let key = stored_events(&hook)
        .first()
        .copied()
        .unwrap_or(EventKey::BookingCreated);
    let data = example(db, user, key, hook.event_type_id.as_ref()).await?;
    let txn = write_transaction(db).await?;
    let subject = Subject {
        user_id: &user.id,
        id: data["id"].as_str().unwrap_or_default(),
        event_type_id: hook.event_type_id.as_ref(),
    };
    record_test(&txn, &hook.id, Announcement::new(key, subject, &data)?).await?;
    txn.commit().await?;
    Ok(())
}

/// Zapier's performList: the `data` of the user's latest real events of
/// `key` (at most 3, newest first), or one realistic example.
pub async fn sample(
    db: &DatabaseConnection,
    user: &user::Model,
    key: EventKey,
    event_type_id: Option<&EventTypeId>,
) -> Result<Vec<serde_json::Value>, AppError> {
    let mut query = event::Entity::find()
        .filter(event::Column::UserId.eq(&user.id))
        .filter(event::Column::Kind.eq(key.as_str()))
        .filter(event::Column::IsTest.eq(false));
    if let Some(id) = event_type_id {
        query = query.filter(event::Column::EventTypeId.eq(id));
    }
    let latest = query.order_by_desc(event::Column::CreatedAt).limit(3).all(db).await?;
    let data: Vec<serde_json::Value> = latest
        .iter()
        .filter_map(|e| serde_json::from_str::<serde_json::Value>(&e.body).ok())
        .filter_map(|mut body| body.get_mut("data").map(serde_json::Value::take))
        .collect();
    if !data.is_empty() {
        return Ok(data);
    }
    Ok(vec![example(db, user, key, event_type_id).await?])
}

/// A realistic `data` object of `key`, built around the user's own event type.
async fn example(
    db: &DatabaseConnection,
    user: &user::Model,
    key: EventKey,
    event_type_id: Option<&EventTypeId>,
) -> Result<serde_json::Value, AppError> {
    let event_types = event_types_of(db, user).await?;
    let chosen = event_type_id
        .and_then(|id| event_types.iter().find(|e| e.id == *id))
        .or_else(|| event_types.first());
    let event_type = chosen.map_or_else(
        || EventTypeRef {
            id: new_id(),
            name: "Intro call".to_owned(),
            slug: "intro".to_owned(),
            duration: 30,
        },
        |e| EventTypeRef {
            id: e.id.to_string(),
            name: e.name.clone(),
            slug: e.slug.clone(),
            duration: e.duration_min,
        },
    );
    let start = (Utc::now() + Duration::days(7))
        .date_naive()
        .and_hms_opt(15, 0, 0)
        .map_or_else(Utc::now, |t| t.and_utc());
    let end = start + Duration::minutes(event_type.duration.into());
    let location = chosen.and_then(|e| e.location.clone());
    let booking = BookingData {
        id: new_id(),
        event_type,
        start_time: iso(start),
        end_time: iso(end),
        status: if key == EventKey::BookingCancelled {
            "cancelled"
        } else {
            "confirmed"
        }
        .to_owned(),
        invitee: InviteeRef {
            name: "Ada Lovelace".to_owned(),
            email: "ada@example.com".to_owned(),
            timezone: "Europe/London".to_owned(),
        },
        host: HostRef {
            id: user.id.to_string(),
            name: user.name.clone(),
            email: user.email.clone(),
        },
        meeting_link: meeting_link(location.as_deref()),
        location,
        notes: Some("Looking forward to it.".to_owned()),
        is_recurring: false,
        recurring_group_id: None,
        cancel_reason: (key == EventKey::BookingCancelled).then(|| Some("Something came up.".to_owned())),
        previous_start_time: (key == EventKey::BookingRescheduled).then(|| iso(start - Duration::days(1))),
        previous_end_time: (key == EventKey::BookingRescheduled).then(|| iso(end - Duration::days(1))),
    };
    let value = match key {
        EventKey::BookingCreated | EventKey::BookingCancelled | EventKey::BookingRescheduled => {
            serde_json::to_value(booking)
        }
        EventKey::PaymentReceived => serde_json::to_value(PaymentData {
            id: new_id(),
            booking_id: booking.id,
            amount: 5_000,
            currency: "usd".to_owned(),
            payment_method: Some("card".to_owned()),
            transaction_id: Some("txn_3QExample".to_owned()),
        }),
        EventKey::ContactCreated => serde_json::to_value(ContactData {
            id: new_id(),
            name: "Ada Lovelace".to_owned(),
            email: "ada@example.com".to_owned(),
            phone: Some("+44 20 7946 0958".to_owned()),
            company: Some("Analytical Engines Ltd".to_owned()),
            notes: None,
            created_at: iso(Utc::now()),
            source: "booking".to_owned(),
        }),
    };
    value.map_err(|_| AppError::Internal)
}
