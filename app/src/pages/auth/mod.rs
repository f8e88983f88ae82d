//! Sign-up, log-in and log-out for hosts.
mod login;
mod signup;

pub use login::{LoginPage, LogoutButton, LogoutPage};
pub use signup::SignupPage;
