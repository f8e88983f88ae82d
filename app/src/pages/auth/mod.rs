//! Sign-up, log-in, log-out and password resets for hosts.
mod login;
mod password;
mod signup;

pub use login::{LoginPage, LogoutButton, LogoutPage};
pub use password::{ForgotPasswordPage, ResetPasswordPage};
pub use signup::SignupPage;
