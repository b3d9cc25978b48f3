//! One listed image: left out, already here (or deleted by the person), or brought home as a
//! finished job with its grid and upscales, through the same download as a live job's (one
//! task per job in the engine's transfers, under their slots, never the last one) and paid
//! for from the import's budget.

use std::sync::Arc;

use tokio::sync::oneshot;
use tracing::Instrument;

use super::trust;
use crate::accounts::Account;
use crate::clock::now_ms;
use crate::engine::blocking;
use crate::engine::budget::SharedBudget;
use crate::engine::context::Context;
use crate::engine::download::JobDownload;
use crate::engine::spans::job_span;
use crate::engine::transfers::Kind;
use crate::job::Slot;
use crate::media::Ceiling;
use crate::providers::{Outputs, PastItem, Provider, RemoteState};

pub(super) enum Outcome {
    Imported,
    /// In the library already, or deleted from it by the person.
    AlreadyHere,
    /// The service made no image (it failed the job, or is still making it).
    NoImage,
    /// Why it could not come home (whole).
    Failed(String),
    /// Its download was stopped: the job was deleted, or the app is closing.
    Stopped,
}

pub(super) async fn bring_home(
    ctx: &Arc<Context>,
    provider: &Arc<dyn Provider>,
    account: &Account,
    item: &PastItem,
    budget: &SharedBudget,
) -> Outcome {
    let RemoteState::Completed(outputs) = &item.state else {
        return Outcome::NoImage;
    };
    if let Err(why) = trust::check_addresses(&account.base_url, outputs) {
        return Outcome::Failed(format!("“{}”: {why}.", short(&item.prompt)));
    }
    let job_id = match record(ctx, account, item).await {
        Ok(Some(id)) => id,
        Ok(None) => return Outcome::AlreadyHere,
        Err(why) => return Outcome::Failed(why),
    };
    let span = job_span(job_id);
    fetch(ctx, provider, job_id, item, outputs, budget)
        .instrument(span)
        .await
}

/// Brings the recorded job's images home and says how it went.
async fn fetch(
    ctx: &Arc<Context>,
    provider: &Arc<dyn Provider>,
    job_id: i64,
    item: &PastItem,
    outputs: &Outputs,
    budget: &SharedBudget,
) -> Outcome {
    tracing::info!(remote_id = item.remote_id, "importing");
    let Some(problem) = download(ctx, provider, job_id, outputs, budget).await else {
        return Outcome::Stopped;
    };
    let why = problem
        .as_ref()
        .map(|p| format!("“{}”: {p}", short(&item.prompt)));
    ctx.ledger().imported(job_id, problem).await;
    match why {
        None => Outcome::Imported,
        Some(why) => Outcome::Failed(why),
    }
}

/// The job's row, unless the library has this image already or the person deleted it.
async fn record(
    ctx: &Arc<Context>,
    account: &Account,
    item: &PastItem,
) -> Result<Option<i64>, String> {
    let (ctx, account, item) = (ctx.clone(), account.clone(), item.clone());
    blocking::run(move || {
        let ids = [item.remote_id.clone()];
        let store = ctx.store();
        let known = store.known_remote_ids(account.provider, &ids);
        let deleted = store.deleted_remote_ids(account.provider, &ids);
        if !known.map_err(|e| e.to_string())?.is_empty()
            || !deleted.map_err(|e| e.to_string())?.is_empty()
        {
            return Ok(None);
        }
        let at = trust::made_at(item.created_at, now_ms());
        let id = ctx
            .ledger()
            .blocking()
            .import(&account, &item, at, ctx.media());
        id.map(Some).map_err(|e| e.to_string())
    })
    .await
}

/// Every image of the job, as the job's one download in the engine's transfers, so deleting
/// the job stops it. The first problem, if any; `None` when the download was stopped.
async fn download(
    ctx: &Arc<Context>,
    provider: &Arc<dyn Provider>,
    job_id: i64,
    outputs: &Outputs,
    budget: &SharedBudget,
) -> Option<Option<String>> {
    let grid = outputs.grid.iter().map(|u| (Slot::Grid, u.clone()));
    let ups = outputs
        .upscales
        .iter()
        .enumerate()
        .filter_map(|(i, u)| Some((Slot::upscale(i)?, u.clone())));
    let download = JobDownload {
        job_id,
        provider: provider.clone(),
        images: grid.chain(ups).collect(),
        import: Some(budget.clone()),
        ceiling: Ceiling::ORDINARY,
        enhanced: false,
    };
    let (told, heard) = oneshot::channel();
    let task_ctx = ctx.clone();
    let work = async move {
        let _ = told.send(download.run(&task_ctx).await);
    };
    let work = work.instrument(job_span(job_id));
    // A job just recorded has no download yet; one that dies of a bug drops `told`.
    ctx.transfers().start(job_id, Kind::Download, work, || {});
    heard.await.ok()
}

/// The start of a prompt, to name a job in one line.
fn short(prompt: &str) -> String {
    let mut words: String = prompt.chars().take(60).collect();
    if prompt.chars().count() > 60 {
        words.push('…');
    }
    words
}
