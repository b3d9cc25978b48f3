//! What a poll's answer changes for one job: its status and progress, its partial preview,
//! and a note about a passing problem.

use std::sync::Arc;
use std::time::Duration;

use super::engine::Inner;
use super::model::JobStatus;
use crate::providers::Provider;

/// Records a new status or progress; returns whether anything changed (and was announced).
pub(super) fn update(inner: &Inner, job_id: i64, status: JobStatus, progress: Option<u8>) -> bool {
    let Ok(Some(job)) = inner.store.job(job_id) else {
        return false;
    };
    if job.status == status && job.progress == progress && job.error.is_none() {
        return false;
    }
    match inner.store.set_status(job_id, status, progress, None) {
        Ok(()) => {
            inner.emit(job_id);
            true
        }
        Err(e) => {
            tracing::error!("recording progress of job {job_id}: {e}");
            false
        }
    }
}

/// Shows a passing problem on the job, keeping its status and progress.
pub(super) fn note(inner: &Inner, job_id: i64, message: &str) {
    if let Ok(Some(job)) = inner.store.job(job_id) {
        inner.note(&job, message);
    }
}

/// A partial render is a nicety: if it cannot be fetched, the job goes on without it.
pub(super) async fn fetch_preview(
    inner: &Inner,
    provider: &Arc<dyn Provider>,
    job_id: i64,
    url: &url::Url,
) {
    let saved = match provider.fetch_asset(url).await {
        Ok(asset) => inner
            .media
            .save_preview(job_id, asset)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match saved {
        Ok(()) => {
            if inner.store.bump_preview(job_id).is_ok() {
                inner.emit(job_id);
            }
        }
        Err(e) => tracing::warn!("preview of job {job_id} skipped: {e}"),
    }
}

/// "15 minutes", "1 minute", "20 seconds".
pub(super) fn human(d: Duration) -> String {
    let secs = d.as_secs().max(1);
    let (n, unit) = if secs >= 60 {
        (secs.div_ceil(60), "minute")
    } else {
        (secs, "second")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_naturally() {
        assert_eq!(human(Duration::from_secs(15 * 60)), "15 minutes");
        assert_eq!(human(Duration::from_secs(61)), "2 minutes");
        assert_eq!(human(Duration::from_secs(60)), "1 minute");
        assert_eq!(human(Duration::from_millis(300)), "1 second");
        assert_eq!(human(Duration::from_secs(20)), "20 seconds");
    }
}
