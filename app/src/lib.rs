//! Slotline's web application: pages, components and server functions,
//! compiled twice — for the server (`ssr`) and for the browser (`hydrate`).
#![recursion_limit = "256"]

pub mod app;
pub mod components;
pub mod domain;
pub mod dto;
pub mod error;
pub mod functions;
mod lazy_pages;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use app::{App, shell};
