//! The job pipeline: submit, follow, download, and tell whoever listens.

mod budget;
mod download;
mod engine;
mod ledger;
mod pace;
mod preview;
#[cfg(test)]
mod scripted_tests;
mod submission;
mod tracker;
mod transfers;
mod wording;

pub use engine::{Engine, EngineConfig, JobSink, Notice, NoticeSink};
// The job model is its own module (the store keeps jobs, the engine moves them along).
pub use crate::job::{ImageRecord, Job, JobStatus, Slot};
