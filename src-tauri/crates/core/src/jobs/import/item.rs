//! One listed image: left out, already here, or brought home as a finished job with its grid
//! and upscales, each through the engine's download (verified, thumbnails, under the limit
//! of parallel transfers) and paid for from the import's budget.

use std::sync::Arc;

use tokio::task::JoinSet;

use crate::accounts::Account;
use crate::job::Slot;
use crate::jobs::budget::SharedBudget;
use crate::jobs::context::{off, Context};
use crate::jobs::download::{fetch_with_retries, label, row};
use crate::jobs::ledger::Ledger;
use crate::providers::{Outputs, PastItem, Provider, RemoteState};
use crate::store::now_ms;

pub(super) enum Outcome {
    Imported,
    AlreadyHere,
    /// The service made no image (it failed the job, or is still making it).
    NoImage,
    /// Why it could not come home (whole).
    Failed(String),
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
    let job_id = match record(ctx, account, item).await {
        Ok(Some(id)) => id,
        Ok(None) => return Outcome::AlreadyHere,
        Err(why) => return Outcome::Failed(why),
    };
    let problem = download(ctx, provider, job_id, outputs, budget).await;
    let why = problem
        .as_ref()
        .map(|p| format!("“{}”: {p}", short(&item.prompt)));
    let (task_ctx, note) = (ctx.clone(), problem.clone());
    off(move || task_ctx.ledger().imported(job_id, note.as_deref())).await;
    match why {
        None => Outcome::Imported,
        Some(why) => Outcome::Failed(why),
    }
}

/// The job's row, unless the library has this image already. Blocking work off the workers.
async fn record(
    ctx: &Arc<Context>,
    account: &Account,
    item: &PastItem,
) -> Result<Option<i64>, String> {
    let (ctx, account, item) = (ctx.clone(), account.clone(), item.clone());
    off(move || {
        let ids = [item.remote_id.clone()];
        let known = ctx.store().known_remote_ids(account.provider, &ids);
        if !known.map_err(|e| e.to_string())?.is_empty() {
            return Ok(None);
        }
        let at = item.created_at.unwrap_or_else(now_ms);
        let id = ctx.ledger().import(&account, &item, at, ctx.media());
        id.map(Some).map_err(|e| e.to_string())
    })
    .await
}

/// Every image of the job, at once (the transfer slots bound it); the first problem, if any.
async fn download(
    ctx: &Arc<Context>,
    provider: &Arc<dyn Provider>,
    job_id: i64,
    outputs: &Outputs,
    budget: &SharedBudget,
) -> Option<String> {
    let grid = outputs.grid.iter().map(|u| (Slot::Grid, u.clone()));
    let ups = outputs
        .upscales
        .iter()
        .enumerate()
        .filter_map(|(i, u)| Some((Slot::upscale(i)?, u.clone())));
    let mut set = JoinSet::new();
    for (slot, url) in grid.chain(ups) {
        let (ctx, provider, budget) = (ctx.clone(), provider.clone(), budget.clone());
        set.spawn(async move {
            let _slot = ctx.transfers().slot().await;
            let saved = fetch_with_retries(&ctx, &provider, job_id, slot, &url, Some(&budget));
            let result = match saved.await {
                Ok(saved) => {
                    let write = move |l: &Ledger| {
                        l.import_image(job_id, &row(slot, Some(url.as_str()), &saved))
                    };
                    ctx.ledger().off(write).await.map_err(|e| e.to_string())
                }
                Err(e) => Err(e.to_string()),
            };
            (slot, result)
        });
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
    Some(format!("Could not download {}: {why}", label(slot)))
}

/// The start of a prompt, to name a job in one line.
fn short(prompt: &str) -> String {
    let mut words: String = prompt.chars().take(60).collect();
    if prompt.chars().count() > 60 {
        words.push('…');
    }
    words
}
