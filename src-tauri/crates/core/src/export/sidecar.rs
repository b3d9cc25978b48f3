//! The JSON beside each exported job: everything known about it, for people and for scripts,
//! and which files are its (a clash may have given them a ` (2)`).

use serde::Serialize;

use super::metadata::{iso_date, split_parameters};
use crate::job::{Job, JobStatus};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Sidecar<'a> {
    /// As sent, parameters included.
    prompt: &'a str,
    parameters: &'a str,
    service: &'static str,
    job_id: i64,
    remote_id: Option<&'a str>,
    status: JobStatus,
    /// Why it failed, when it did.
    error: Option<&'a str>,
    created_at: String,
    updated_at: String,
    pub images: Vec<SidecarImage>,
    /// Slots the library has a record of but no file for.
    pub missing: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SidecarImage {
    slot: String,
    file: String,
    width: u32,
    height: u32,
}

impl<'a> Sidecar<'a> {
    pub fn new(job: &'a Job) -> Sidecar<'a> {
        Sidecar {
            prompt: &job.prompt,
            parameters: split_parameters(&job.prompt).1,
            service: job.provider.display_name(),
            job_id: job.id,
            remote_id: job.remote_id.as_deref(),
            status: job.status,
            error: job.error.as_deref(),
            created_at: iso_date(job.created_at),
            updated_at: iso_date(job.updated_at),
            images: Vec::new(),
            missing: Vec::new(),
        }
    }

    /// An image written as `file`; `slot` is its [`image_label`](super::metadata::image_label).
    pub fn add(&mut self, slot: String, file: String, width: u32, height: u32) {
        self.images.push(SidecarImage {
            slot,
            file,
            width,
            height,
        });
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut json = serde_json::to_vec_pretty(self).expect("plain data serializes");
        json.push(b'\n');
        json
    }
}
