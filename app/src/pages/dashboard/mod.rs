//! The host's dashboard: bookings, event types, availability, contacts,
//! integrations, payments and webhooks.
mod availability;
mod booking_detail;
mod bookings;
mod contact_detail;
mod contact_sync_card;
mod contacts;
mod event_type_hubspot;
mod event_type_questions;
mod event_types;
mod integrations;
mod layout;
mod payments;
mod stripe_card;
mod webhook_log;
mod webhooks;

pub use availability::AvailabilityPage;
pub use booking_detail::BookingDetailPage;
pub use bookings::BookingsPage;
pub use contact_detail::ContactDetailPage;
pub use contacts::ContactsPage;
pub use event_types::{EventTypeEditPage, EventTypesPage};
pub use integrations::IntegrationsPage;
pub use layout::{DashboardShell, use_current_user};
pub use payments::PaymentsPage;
pub use webhook_log::WebhookLogPage;
pub use webhooks::WebhooksPage;
