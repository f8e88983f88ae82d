//! Pure types and rules of the scheduling domain: no I/O, compiled for the
//! browser too. Values are parsed here once, at the edge, and trusted after.
pub mod api_keys;
pub mod api_scopes;
pub mod booking;
pub mod contact_sync;
pub mod email;
pub mod event_type;
pub mod hubspot_mapping;
pub mod ids;
pub mod money;
pub mod person;
pub mod questions;
pub mod slots;
pub mod slug;
pub mod team;
pub mod time_zone;
pub mod webhooks;

pub use booking::{BookingSource, BookingStatus};
pub use email::Email;
pub use ids::{
    ApiKeyId, BookingId, ContactId, EventId, EventTypeId, PaymentId, QuestionId, RefundId, TeamId, UserId,
    WebhookDeliveryId, WebhookId,
};
pub use money::{Currency, Money};
pub use person::{Notes, PersonName};
pub use slug::{EventSlug, HostSlug};
pub use time_zone::TimeZoneName;
