//! The job pipeline: submit, follow, download, and tell whoever listens.
//!
//! Dependencies point one way: `engine` (with `submission` and `enhance`, which add its
//! sending methods) over `tracker`, over `download` and `preview`, all over `context`, which
//! holds `ledger` and `transfers`; `wording` and the pacing modules sit under them all.

mod budget;
mod config;
mod context;
mod download;
mod engine;
mod enhance;
mod import;
mod ledger;
mod pace;
mod preview;
#[cfg(test)]
mod scripted_tests;
mod spans;
mod submission;
mod tracker;
mod transfers;
mod wording;

pub use config::EngineConfig;
pub use context::{Notice, NoticeSink};
pub use engine::Engine;
pub use enhance::EnhanceSource;
pub use import::Importer;
pub use ledger::JobSink;
// The job model is its own module (the store keeps jobs, the engine moves them along).
pub use crate::job::{EnhancedCopy, Enhancement, ImageRecord, Job, JobStatus, ParentImage, Slot};
