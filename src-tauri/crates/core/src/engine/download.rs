//! Bringing a finished job's images home: in parallel (bounded across all jobs), each
//! retried a few times, only the ones not safely on disk yet.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use tokio::task::JoinSet;
use url::Url;

use super::blocking;
use super::budget::SharedBudget;
use super::context::Context;
use super::enhance::download_ceiling;
use super::ledger::Arrival;
use super::transfers::Kind;
use crate::job::{Job, JobStatus, Slot};
use crate::media::{Ceiling, MediaError, SavedImage};
use crate::providers::{Outputs, Provider};

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
            let waited = crate::wording::duration(task_ctx.job_timeout());
            let why = format!(
                "The images did not all arrive within the job timeout ({waited}). Those that \
                 did are kept; “Retry download” fetches the rest."
            );
            task_ctx
                .finish(job_id, JobStatus::DownloadFailed, why)
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
            panic_ctx
                .blocking()
                .finish(job_id, JobStatus::DownloadFailed, why)
        });
    };
    let work = tracing::Instrument::instrument(work, super::spans::job_span(job_id));
    ctx.transfers()
        .start(job_id, Kind::Download, work, on_panic);
}

/// Downloads every image the job does not have yet, then marks it done, or says which image
/// could not be brought home (images that did arrive are kept, and a retry fetches the rest).
async fn all(ctx: &Arc<Context>, provider: &Arc<dyn Provider>, job_id: i64, outputs: &Outputs) {
    // A preview landing now would outlive the job's run.
    ctx.transfers().stop(job_id, Kind::Preview);
    let (task_ctx, task_outputs) = (ctx.clone(), outputs.clone());
    let (wanted, ceiling, enhanced) =
        blocking::run(move || prepare(&task_ctx, job_id, &task_outputs)).await;

    let download = JobDownload {
        job_id,
        provider: provider.clone(),
        images: wanted,
        import: None,
        ceiling,
        enhanced,
    };
    let mut failed = download.run(ctx).await;
    if failed.is_none() && needs_composing(outputs) {
        if let Err(e) = compose(ctx, job_id).await {
            failed = Some(format!(
                "Could not download {}: {e}",
                label(Slot::Grid, false)
            ));
        }
    }
    if let Some(credits) = outputs.credits {
        ctx.ledger().credits(job_id, credits).await;
    }
    match failed {
        None => ctx.ledger().done(job_id).await,
        Some(why) => ctx.finish(job_id, JobStatus::DownloadFailed, why).await,
    }
}

/// Only singles came: a grid is made of them. A job that makes one picture (an Enhance, an
/// action's upscale) has it as the grid; a Describe may come with no picture at all, only
/// its prompts.
fn needs_composing(outputs: &Outputs) -> bool {
    let described = outputs.upscales.is_empty() && !outputs.prompts.is_empty();
    outputs.grid.is_none() && !described
}

/// Records what the finished job offers next, marks it `downloading`, and says which images
/// it lacks and how large they may be. Blocking: SQLite and the disk.
fn prepare(ctx: &Context, job_id: i64, outputs: &Outputs) -> (Vec<(Slot, Url)>, Ceiling, bool) {
    let ledger = ctx.ledger().blocking();
    ledger.outputs(job_id, &outputs.buttons, &outputs.prompts);
    ledger.downloading(job_id);
    ctx.media().remove_preview(job_id);
    let job = ledger.job(job_id);
    let ceiling = download_ceiling(ledger, job.as_ref());
    let enhanced = job.as_ref().is_some_and(|j| j.enhancement.is_some());
    (wanted(ctx, job_id, job, outputs), ceiling, enhanced)
}

/// Services that send only the four singles get a grid made here, so every job has one.
/// The error is the sentence to show: the pictures' or the database's.
async fn compose(ctx: &Context, job_id: i64) -> Result<(), String> {
    let job = ctx.ledger().job(job_id).await;
    let singles: Vec<String> = job
        .iter()
        .flat_map(|j| &j.images)
        .filter(|i| i.slot != Slot::Grid)
        .map(|i| i.file.clone())
        .collect();
    let grid_deleted = ctx.ledger().withheld(job_id).await.contains(&Slot::Grid);
    if grid_deleted
        || job
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
    let (slot, url) = (Slot::Grid, None);
    let recorded = ctx
        .ledger()
        .image(job_id, Arrival { slot, saved, url })
        .await;
    recorded.map_err(|e| e.to_string())
}

/// The job's images that are not safely on disk yet. Blocking: SQLite and the disk.
fn wanted(ctx: &Context, job_id: i64, job: Option<Job>, outputs: &Outputs) -> Vec<(Slot, Url)> {
    // A slot the person deleted is left alone, even though the service still offers it:
    // "Retry download" brings what failed to arrive, it does not resurrect what was deleted,
    // and its file's place stays free for Undo to bring the deleted image back.
    let mut have = ctx.ledger().blocking().withheld(job_id);
    have.extend(
        job.into_iter()
            .flat_map(|j| j.images)
            .filter(|i| ctx.media().resolve(&i.file).is_file())
            .map(|i| i.slot),
    );
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

/// One job's images on their way home, for a live job and an import alike: all at once,
/// each under one of the engine's transfer slots, retried, saved into the job's folder (while
/// its row is there) and recorded.
pub(super) struct JobDownload {
    pub job_id: i64,
    pub provider: Arc<dyn Provider>,
    pub images: Vec<(Slot, Url)>,
    /// An import's budget: its downloads spend what the account's live jobs leave, never
    /// take the last transfer slot, and are recorded quietly until the whole job is home.
    pub import: Option<SharedBudget>,
    /// How large its pictures may be: an Enhance's are larger than any other.
    pub ceiling: Ceiling,
    /// An Enhance: its one picture, in the grid's slot, is named as what it is.
    pub enhanced: bool,
}

impl JobDownload {
    /// The first problem (by slot), as a sentence; `None` when every image is home.
    pub async fn run(self, ctx: &Arc<Context>) -> Option<String> {
        let this = Arc::new(self);
        let mut set = JoinSet::new();
        for (slot, url) in this.images.clone() {
            let (ctx, this) = (ctx.clone(), this.clone());
            set.spawn(async move { (slot, this.one(&ctx, slot, url).await) });
        }
        let mut problems = Vec::new();
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok((_, Ok(()))) => {}
                Ok((slot, Err(e))) => problems.push((slot, e)),
                Err(e) => problems.push((Slot::Grid, format!("the download task stopped: {e}"))),
            }
        }
        problems.sort_by_key(|(slot, _)| slot.index());
        let (slot, why) = problems.into_iter().next()?;
        Some(format!(
            "Could not download {}: {why}",
            label(slot, this.enhanced)
        ))
    }

    async fn one(&self, ctx: &Arc<Context>, slot: Slot, url: Url) -> Result<(), String> {
        let _slot = match self.import {
            Some(_) => ctx.transfers().import_slot().await,
            None => ctx.transfers().slot().await,
        };
        let saved = self
            .fetch(ctx, slot, &url)
            .await
            .map_err(|e| e.to_string())?;
        let arrived = Arrival {
            slot,
            saved,
            url: Some(url.into()),
        };
        let recorded = match self.import {
            Some(_) => ctx.ledger().import_image(self.job_id, arrived).await,
            None => ctx.ledger().image(self.job_id, arrived).await,
        };
        recorded.map_err(|e| e.to_string())
    }

    /// Fetches and saves one image, retrying passing trouble.
    async fn fetch(
        &self,
        ctx: &Arc<Context>,
        slot: Slot,
        url: &Url,
    ) -> Result<SavedImage, MediaError> {
        let mut attempt = 1;
        loop {
            if let Some(budget) = &self.import {
                budget.spend_spare().await;
            }
            let result = match self.provider.fetch_asset(url).await {
                Ok(asset) => match job_folder(ctx, self.job_id).await {
                    Ok(()) => {
                        ctx.media()
                            .save_within(self.job_id, slot, asset, self.ceiling)
                            .await
                    }
                    Err(e) => Err(e),
                },
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
}

/// Makes the job's folder, unless its row is gone (deleted meanwhile): the store's lock
/// keeps a deletion from slipping in between.
async fn job_folder(ctx: &Arc<Context>, job_id: i64) -> Result<(), MediaError> {
    let ctx = ctx.clone();
    blocking::run(move || {
        let made = ctx
            .store()
            .while_job_exists(job_id, || ctx.media().make_job_dir(job_id));
        match made {
            Ok(Some(made)) => made,
            Ok(None) => Err(MediaError::JobGone),
            Err(e) => Err(MediaError::Io {
                path: ctx.media().resolve(&ctx.media().job_dir(job_id)),
                source: std::io::Error::other(e),
            }),
        }
    })
    .await
}

/// The picture in `slot`, in a sentence: an Enhance's one enhanced picture sits in the grid's.
pub(super) fn label(slot: Slot, enhanced: bool) -> &'static str {
    match slot {
        Slot::Grid if enhanced => "the enhanced picture",
        Slot::Grid => "the grid",
        Slot::U1 => "U1",
        Slot::U2 => "U2",
        Slot::U3 => "U3",
        Slot::U4 => "U4",
    }
}
