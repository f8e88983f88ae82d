//! Account settings: the password, API keys and the team.
mod account;
mod api_keys;
mod team;

pub use account::AccountPage;
pub use api_keys::ApiKeysPage;
pub use team::TeamPage;
