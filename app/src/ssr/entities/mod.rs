//! SeaORM entities: one module per table, mirroring the migrations.
pub mod availability_override;
pub mod availability_rule;
pub mod booking;
pub mod contact;
pub mod event_type;
pub mod event_type_question;
pub mod hubspot_connection;
pub mod hubspot_sync_log;
pub mod job;
pub mod oauth_state;
pub mod session;
pub mod team;
pub mod user;
