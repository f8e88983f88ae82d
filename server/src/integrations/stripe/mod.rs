//! Stripe: the API calls paid bookings make (`client`) and the check of a
//! webhook's `Stripe-Signature` (`signature`); the services and jobs that
//! use them are `app::ssr::services::payments` and `jobs::*stripe*`.
//!
//! Plain `reqwest` with Stripe's form encoding rather than `async-stripe`:
//! Slotline makes seven calls, and `async-stripe` generates the whole API
//! (minutes of compile time on every clean build) and pins an API release
//! of its own, where Slotline must send exactly what `STRIPE.md` says.
pub mod client;
pub mod signature;

pub use client::{Charge, CheckoutSession, PaymentIntent, Refund, StripeClient, StripeError};

/// The API release the client was written for, sent as `Stripe-Version`.
pub const API_VERSION: &str = "2026-07-29.dahlia";
