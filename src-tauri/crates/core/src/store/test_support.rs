//! What the store's tests share: a layout, and histories seeded through the store itself.

use super::{Layout, PastImage, PastJob, Store};
use crate::accounts::Account;
use crate::job::{JobStatus, Slot};
use crate::library::{Filter, LibraryQuery};

pub(super) const DAY: i64 = 86_400_000;
/// 2026-01-15, mid-month, so time zones cannot move it to another month.
pub(super) const T0: i64 = 1_768_478_400_000;

pub(super) struct Files;
impl Layout for Files {
    fn job_dir(&self, job_id: i64) -> String {
        format!("jobs/{job_id}")
    }
    fn image_files(&self, file: &str, thumb: &str) -> Vec<String> {
        vec![file.into(), thumb.into()]
    }
    fn image_names(&self, job_id: i64, slot: Slot, extension: &str) -> (String, String) {
        let stem = format!("jobs/{job_id}/{}", slot.stem());
        (format!("{stem}.{extension}"), format!("{stem}.thumb.jpg"))
    }
}

pub(super) fn demo(store: &Store) -> Account {
    store.accounts().unwrap().remove(0)
}

/// Finished jobs with all five images, at the given times.
pub(super) fn seed(store: &Store, account: &Account, jobs: &[(&str, i64)]) -> Vec<i64> {
    let refs: Vec<String> = jobs
        .iter()
        .map(|_| uuid::Uuid::new_v4().to_string())
        .collect();
    let images: Vec<PastImage> = Slot::ALL
        .iter()
        .map(|slot| PastImage {
            slot: *slot,
            extension: "png",
            width: 8,
            height: 8,
            bytes: 64,
        })
        .collect();
    let past: Vec<PastJob<'_>> = jobs
        .iter()
        .zip(&refs)
        .map(|((prompt, at), reference)| PastJob {
            reference,
            account,
            prompt,
            remote_id: None,
            created_at: *at,
            status: JobStatus::Done,
            error: None,
            images: &images,
        })
        .collect();
    store.insert_past_jobs(&past, &Files).unwrap()
}

pub(super) fn query(filter: Filter) -> LibraryQuery {
    LibraryQuery {
        filter,
        ..LibraryQuery::default()
    }
}

pub(super) fn search(text: &str) -> LibraryQuery {
    query(Filter {
        search: text.into(),
        ..Filter::default()
    })
}

pub(super) fn prompts(store: &Store, q: &LibraryQuery) -> Vec<String> {
    store
        .page(q, None, 1000)
        .unwrap()
        .jobs
        .into_iter()
        .map(|j| j.prompt)
        .collect()
}

pub(super) fn ids(store: &Store, q: &LibraryQuery) -> Vec<i64> {
    store
        .page(q, None, 1000)
        .unwrap()
        .jobs
        .iter()
        .map(|j| j.id)
        .collect()
}
