//! `#[server]` functions by resource: a few lines each, from context to a
//! service to a DTO.
pub mod auth;
pub mod availability;
#[cfg(feature = "ssr")]
mod booking_views;
pub mod bookings;
pub mod contacts;
pub mod developer;
pub mod event_types;
pub mod hubspot_mapping;
pub mod integrations;
pub mod passwords;
pub mod payments;
pub mod questions;
