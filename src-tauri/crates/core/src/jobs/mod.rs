//! The job pipeline: submit, follow, download, and tell whoever listens.

mod budget;
mod download;
mod engine;
pub mod model;
mod pace;
mod poller;
#[cfg(test)]
mod scripted_tests;
mod submission;
mod tracker;

pub use engine::{Engine, EngineConfig, JobSink, Notice, NoticeSink};
pub use model::{ImageRecord, Job, JobStatus, Slot};
