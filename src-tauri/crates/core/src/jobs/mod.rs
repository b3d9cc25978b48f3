//! The job pipeline: submit, poll, download, and tell whoever listens.

mod download;
mod engine;
pub mod model;
mod poller;

pub use engine::{Engine, EngineConfig, JobSink};
pub use model::{ImageRecord, Job, JobStatus, Slot};
