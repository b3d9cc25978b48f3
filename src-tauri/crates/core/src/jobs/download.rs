//! Bringing a finished job's images home: in parallel (bounded across all jobs), each
//! retried a few times, only the ones not safely on disk yet.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use tokio::task::JoinSet;
use url::Url;

use super::budget::SharedBudget;
use super::context::{off, Context};
use super::ledger::Ledger;
use super::transfers::Kind;
use super::wording::human;
use crate::job::{JobStatus, Slot};
use crate::media::{MediaError, SavedImage};
use crate::providers::{Outputs, Provider};
use crate::store::{NewImage, StoreError};

const ATTEMPTS: u32 = 3;
/// A job that finishes rendering just before its timeout still gets this long (at most one
/// job timeout) to bring its images home.
const LAST_CHANCE: Duration = Duration::from_secs(60);

/// Starts the job's download in its own task, unless one is already running. The job
/// timeout covers it: what has not arrived by `deadline` is left for a retry.
pub(super) fn start(
    ctx: &Arc<Context>,
    provider: Arc<dyn Provider>,
    job_id: i64,
    outputs: Outputs,
    deadline: Instant,
) {
    let until = deadline.max(Instant::now() + ctx.job_timeout().min(LAST_CHANCE));
    let task_ctx = ctx.clone();
    let work = async move {
        let work = all(&task_ctx, &provider, job_id, &outputs);
        if tokio::time::timeout_at(until, work).await.is_err() {
            let waited = human(task_ctx.job_timeout());
            let why = format!(
                "The images did not all arrive within the job timeout ({waited}). Those that \
                 did are kept; “Retry download” fetches the rest."
            );
            task_ctx
                .finish_off(job_id, JobStatus::DownloadFailed, why)
                .await;
        }
    };
    // A download that dies of a bug leaves the job retriable, never "downloading" for ever.
    let panic_ctx = ctx.clone();
    let on_panic = move || {
        tracing::error!("the download of job {job_id} stopped on an internal error");
        let why = "Atelier stopped downloading this job after an internal error. Images that \
                   arrived are kept; “Retry download” fetches the rest.";
        tokio::task::spawn_blocking(move || {
            panic_ctx.finish(job_id, JobStatus::DownloadFailed, why)
        });
    };
    ctx.transfers()
        .start(job_id, Kind::Download, work, on_panic);
}

/// Downloads every image the job does not have yet, then marks it done, or says which image
/// could not be brought home (images that did arrive are kept, and a retry fetches the rest).
async fn all(ctx: &Arc<Context>, provider: &Arc<dyn Provider>, job_id: i64, outputs: &Outputs) {
    // A preview landing now would outlive the job's run.
    ctx.transfers().stop(job_id, Kind::Preview);
    let (task_ctx, task_outputs) = (ctx.clone(), outputs.clone());
    let wanted = off(move || {
        task_ctx.ledger().downloading(job_id);
        task_ctx.media().remove_preview(job_id);
        wanted(&task_ctx, job_id, &task_outputs)
    })
    .await;

    let mut set = JoinSet::new();
    for (slot, url) in wanted {
        let (ctx, provider) = (ctx.clone(), provider.clone());
        set.spawn(async move {
            let _slot = ctx.transfers().slot().await;
            let result = fetch_with_retries(&ctx, &provider, job_id, slot, &url, None).await;
            (slot, url, result)
        });
    }
    let mut problems = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((slot, url, Ok(saved))) => {
                if let Err(e) = record(ctx, job_id, slot, url, saved).await {
                    problems.push((slot, e.to_string()));
                }
            }
            Ok((slot, _, Err(e))) => problems.push((slot, e.to_string())),
            Err(e) => problems.push((Slot::Grid, format!("the download task stopped: {e}"))),
        }
    }
    if problems.is_empty() && outputs.grid.is_none() {
        if let Err(e) = compose(ctx, job_id).await {
            problems.push((Slot::Grid, e));
        }
    }
    problems.sort_by_key(|(slot, _)| slot.index());
    let failed = problems
        .first()
        .map(|(slot, msg)| format!("Could not download {}: {msg}", label(*slot)));
    let (ctx, credits) = (ctx.clone(), outputs.credits);
    off(move || {
        if let Some(credits) = credits {
            ctx.ledger().credits(job_id, credits);
        }
        match failed {
            None => ctx.ledger().done(job_id),
            Some(why) => ctx.finish(job_id, JobStatus::DownloadFailed, &why),
        }
    })
    .await;
}

/// Services that send only the four singles get a grid made here, so every job has one.
/// The error is the sentence to show: the pictures' or the database's.
async fn compose(ctx: &Context, job_id: i64) -> Result<(), String> {
    let job = ctx.ledger().off(move |l| l.job(job_id)).await;
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
    let saved = ctx
        .media()
        .compose_grid(job_id, singles)
        .await
        .map_err(|e| e.to_string())?;
    let recorded = ctx
        .ledger()
        .off(move |l| l.image(job_id, &row(Slot::Grid, None, &saved)))
        .await;
    recorded.map_err(|e| e.to_string())
}

/// The job's images that are not safely on disk yet. Blocking: SQLite and the disk.
fn wanted(ctx: &Context, job_id: i64, outputs: &Outputs) -> Vec<(Slot, Url)> {
    let have: Vec<Slot> = ctx
        .ledger()
        .job(job_id)
        .map(|j| {
            j.images
                .into_iter()
                .filter(|i| ctx.media().resolve(&i.file).is_file())
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

/// Fetches and saves one image, retrying passing trouble. An import's downloads spend from
/// `budget` (the account's) what its live jobs leave; a job's own downloads are few and
/// follow its polls.
pub(super) async fn fetch_with_retries(
    ctx: &Context,
    provider: &Arc<dyn Provider>,
    job_id: i64,
    slot: Slot,
    url: &Url,
    budget: Option<&SharedBudget>,
) -> Result<SavedImage, MediaError> {
    let mut attempt = 1;
    loop {
        if let Some(budget) = budget {
            budget.spend_spare().await;
        }
        let result = match provider.fetch_asset(url).await {
            Ok(asset) => ctx.media().save(job_id, slot, asset).await,
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

async fn record(
    ctx: &Context,
    job_id: i64,
    slot: Slot,
    url: Url,
    saved: SavedImage,
) -> Result<(), StoreError> {
    let write = move |l: &Ledger| l.image(job_id, &row(slot, Some(url.as_str()), &saved));
    ctx.ledger().off(write).await
}

pub(super) fn row<'a>(slot: Slot, url: Option<&'a str>, saved: &'a SavedImage) -> NewImage<'a> {
    NewImage {
        slot,
        file: &saved.file,
        thumb: &saved.thumb,
        width: saved.width,
        height: saved.height,
        bytes: saved.bytes,
        source_url: url,
    }
}

pub(super) fn label(slot: Slot) -> &'static str {
    match slot {
        Slot::Grid => "the grid",
        Slot::U1 => "U1",
        Slot::U2 => "U2",
        Slot::U3 => "U3",
        Slot::U4 => "U4",
    }
}
