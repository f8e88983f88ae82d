//! Stand-ins for the outside services Slotline talks to, run on loopback by
//! the integration tests.

pub mod receiver;
pub mod server_process;
pub mod smtp_sink;
