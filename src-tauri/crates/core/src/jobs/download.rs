//! Bringing a finished job's images home: in parallel (bounded across all jobs), each
//! retried a few times, only the ones not safely on disk yet.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use tokio::task::JoinSet;
use url::Url;

use super::engine::Inner;
use super::model::{JobStatus, Slot};
use super::poller::human;
use crate::media::{MediaError, SavedImage};
use crate::providers::{Outputs, Provider};
use crate::store::NewImage;

const ATTEMPTS: u32 = 3;
/// A job that finishes rendering just before its timeout still gets this long (at most one
/// job timeout) to bring its images home.
const LAST_CHANCE: Duration = Duration::from_secs(60);

/// Starts the job's download in its own task, unless one is already running. The job
/// timeout covers it: what has not arrived by `deadline` is left for a retry.
pub(super) fn start(
    inner: &Arc<Inner>,
    provider: Arc<dyn Provider>,
    job_id: i64,
    outputs: Outputs,
    deadline: Instant,
) {
    // Held across the spawn so the task cannot remove its entry before it is added.
    let mut downloads = inner.lock_downloads();
    if downloads.contains_key(&job_id) {
        return;
    }
    let until = deadline.max(Instant::now() + inner.job_timeout().min(LAST_CHANCE));
    let task_inner = inner.clone();
    let task = tokio::spawn(async move {
        let work = all(&task_inner, &provider, job_id, &outputs);
        if tokio::time::timeout_at(until, work).await.is_err() {
            let waited = human(task_inner.job_timeout());
            let why = format!(
                "The images did not all arrive within the job timeout ({waited}). Those that \
                 did are kept; “Retry download” fetches the rest."
            );
            task_inner.finish(job_id, JobStatus::DownloadFailed, &why);
        }
    });
    downloads.insert(job_id, task.abort_handle());
    drop(downloads);
    tokio::spawn(watch(inner.clone(), job_id, task));
}

/// Clears the job's entry when its download ends however it ends, so a later retry starts a
/// new task; one that died (a panic) leaves the job failed and retriable, never "downloading"
/// for ever.
async fn watch(inner: Arc<Inner>, job_id: i64, task: tokio::task::JoinHandle<()>) {
    let id = task.id();
    let ended = task.await;
    {
        let mut downloads = inner.lock_downloads();
        // A cancelled download's entry may already belong to a newer one.
        if downloads.get(&job_id).is_some_and(|h| h.id() == id) {
            downloads.remove(&job_id);
        }
    }
    if ended.is_err_and(|e| e.is_panic()) {
        tracing::error!("the download of job {job_id} stopped on an internal error");
        let why = "Atelier stopped downloading this job after an internal error. Images that \
                   arrived are kept; “Retry download” fetches the rest.";
        inner.finish(job_id, JobStatus::DownloadFailed, why);
    }
}

/// Downloads every image the job does not have yet, then marks it done, or says which image
/// could not be brought home (images that did arrive are kept, and a retry fetches the rest).
async fn all(inner: &Arc<Inner>, provider: &Arc<dyn Provider>, job_id: i64, outputs: &Outputs) {
    if let Err(e) = inner
        .store
        .set_status(job_id, JobStatus::Downloading, None, None)
    {
        tracing::error!("marking job {job_id} as downloading: {e}");
    }
    inner.emit(job_id);
    inner.media.remove_preview(job_id);

    let mut set = JoinSet::new();
    for (slot, url) in wanted(inner, job_id, outputs) {
        let (inner, provider) = (inner.clone(), provider.clone());
        set.spawn(async move {
            // Closed only at shutdown, when the task is being dropped anyway.
            let _slot = inner.download_slots.clone().acquire_owned().await;
            let result = fetch_with_retries(&inner, &provider, job_id, slot, &url).await;
            (slot, url, result)
        });
    }
    let mut problems = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((slot, url, Ok(saved))) => record(inner, job_id, slot, &url, &saved),
            Ok((slot, _, Err(e))) => problems.push((slot, e.to_string())),
            Err(e) => problems.push((Slot::Grid, format!("the download task stopped: {e}"))),
        }
    }
    if problems.is_empty() && outputs.grid.is_none() {
        if let Err(e) = compose(inner, job_id).await {
            problems.push((Slot::Grid, e.to_string()));
        }
    }
    if let Some(credits) = outputs.credits {
        let _ = inner.store.set_credits(job_id, credits);
    }
    problems.sort_by_key(|(slot, _)| slot.index());
    match problems.first() {
        None => {
            let _ = inner.store.set_status(job_id, JobStatus::Done, None, None);
            inner.emit(job_id);
        }
        Some((slot, msg)) => inner.finish(
            job_id,
            JobStatus::DownloadFailed,
            &format!("Could not download {}: {msg}", label(*slot)),
        ),
    }
}

/// Services that send only the four singles get a grid made here, so every job has one.
async fn compose(inner: &Inner, job_id: i64) -> Result<(), MediaError> {
    let job = inner.store.job(job_id).ok().flatten();
    let singles: Vec<String> = job
        .iter()
        .flat_map(|j| &j.images)
        .filter(|i| i.slot != Slot::Grid)
        .map(|i| i.file.clone())
        .collect();
    if job
        .iter()
        .flat_map(|j| &j.images)
        .any(|i| i.slot == Slot::Grid)
    {
        return Ok(());
    }
    let saved = inner.media.compose_grid(job_id, singles).await?;
    let row = NewImage {
        slot: Slot::Grid,
        file: &saved.file,
        thumb: &saved.thumb,
        width: saved.width,
        height: saved.height,
        bytes: saved.bytes,
        source_url: None,
    };
    inner
        .store
        .put_image(job_id, &row)
        .map_err(|e| MediaError::NotAnImage(e.to_string()))?;
    inner.emit(job_id);
    Ok(())
}

/// The job's images that are not safely on disk yet.
fn wanted(inner: &Inner, job_id: i64, outputs: &Outputs) -> Vec<(Slot, Url)> {
    let have: Vec<Slot> = inner
        .store
        .job(job_id)
        .ok()
        .flatten()
        .map(|j| {
            j.images
                .into_iter()
                .filter(|i| inner.media.resolve(&i.file).is_file())
                .map(|i| i.slot)
                .collect()
        })
        .unwrap_or_default();
    let grid = outputs.grid.clone().map(|u| (Slot::Grid, u));
    let ups = outputs
        .upscales
        .iter()
        .enumerate()
        .filter_map(|(i, u)| Some((Slot::upscale(i)?, u.clone())));
    grid.into_iter()
        .chain(ups)
        .filter(|(slot, _)| !have.contains(slot))
        .collect()
}

async fn fetch_with_retries(
    inner: &Inner,
    provider: &Arc<dyn Provider>,
    job_id: i64,
    slot: Slot,
    url: &Url,
) -> Result<SavedImage, MediaError> {
    let mut attempt = 1;
    loop {
        let result = match provider.fetch_asset(url).await {
            Ok(asset) => inner.media.save(job_id, slot, asset).await,
            Err(e) => Err(e.into()),
        };
        match result {
            Err(e) if e.is_transient() && attempt < ATTEMPTS => {
                tokio::time::sleep(Duration::from_millis(500) * 2u32.pow(attempt)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

fn record(inner: &Inner, job_id: i64, slot: Slot, url: &Url, saved: &SavedImage) {
    let row = NewImage {
        slot,
        file: &saved.file,
        thumb: &saved.thumb,
        width: saved.width,
        height: saved.height,
        bytes: saved.bytes,
        source_url: Some(url.as_str()),
    };
    if let Err(e) = inner.store.put_image(job_id, &row) {
        tracing::error!("recording {} of job {job_id}: {e}", label(slot));
    }
    inner.emit(job_id);
}

fn label(slot: Slot) -> &'static str {
    match slot {
        Slot::Grid => "the grid",
        Slot::U1 => "U1",
        Slot::U2 => "U2",
        Slot::U3 => "U3",
        Slot::U4 => "U4",
    }
}
