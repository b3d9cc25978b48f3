//! A running job's partial render, fetched now and then while it runs.

use std::sync::Arc;

use tracing::Instrument;

use super::context::Context;
use super::spans::job_span;
use super::transfers::Kind;
use crate::providers::Provider;

/// Fetches the partial render behind `url` unless the job's last one is still on its way,
/// within the same limit as downloads.
pub(super) fn start(ctx: &Arc<Context>, provider: Arc<dyn Provider>, job_id: i64, url: url::Url) {
    let task_ctx = ctx.clone();
    let work = async move {
        let Some(_slot) = task_ctx.transfers().slot().await else {
            return;
        };
        fetch(&task_ctx, &provider, job_id, &url).await;
    };
    let work = work.instrument(job_span(job_id));
    ctx.transfers().start(job_id, Kind::Preview, work, || {});
}

/// A partial render is a nicety: if it cannot be fetched, the job goes on without it.
async fn fetch(ctx: &Context, provider: &Arc<dyn Provider>, job_id: i64, url: &url::Url) {
    let saved = match provider.fetch_asset(url).await {
        Ok(asset) => ctx
            .media()
            .save_preview(job_id, asset)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match saved {
        Ok(()) => ctx.ledger().preview(job_id).await,
        Err(e) => tracing::warn!("preview of job {job_id} skipped: {e}"),
    }
}
