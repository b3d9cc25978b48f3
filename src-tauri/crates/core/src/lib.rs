//! Atelier's core: everything the app does that is not a window.
//!
//! The Tauri shell is a thin layer of commands and events over [`Atelier`]; every piece here is
//! tested without a window (providers against stand-in servers over real HTTP, the store on a
//! real SQLite file, secrets against the real secret service).

pub mod accounts;
pub mod app;
pub mod clock;
pub mod data_folder;
pub mod engine;
#[cfg(test)]
mod enum_names;
pub mod export;
pub mod import;
pub mod job;
pub mod library;
pub mod media;
pub mod preferences;
#[cfg(test)]
mod proptest_support;
pub mod providers;
pub mod secrets;
pub mod store;
mod wording;

pub use app::{Atelier, AtelierError, ErrorCode, ErrorReply};
