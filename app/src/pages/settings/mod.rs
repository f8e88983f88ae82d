//! Account settings: API keys and the team.
mod api_keys;
mod team;

pub use api_keys::ApiKeysPage;
pub use team::TeamPage;
