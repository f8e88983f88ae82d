//! Slotline's web application: pages, components and server functions,
//! compiled twice — for the server (`ssr`) and for the browser (`hydrate`).
//! The browser build comes in two bundles: the whole app (`frontend`) and,
//! with `islands-bundle`, only the public pages' islands (`islands`).
#![recursion_limit = "256"]

// The route table and its lazy pages: each lazy page is a wasm export, so
// the islands bundle would otherwise carry every dashboard page.
#[cfg(not(feature = "islands-bundle"))]
pub mod app;
pub mod components;
pub mod domain;
pub mod dto;
pub mod error;
pub mod functions;
pub mod hydration;
#[cfg(not(feature = "islands-bundle"))]
mod lazy_pages;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

#[cfg(not(feature = "islands-bundle"))]
pub use app::{App, shell};
