//! Pages by audience: public (invitees), auth, and the host's dashboard.
pub mod auth;
pub mod dashboard;
pub mod public;
pub mod settings;
