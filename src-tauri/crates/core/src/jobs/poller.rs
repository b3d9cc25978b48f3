//! One job's tracking loop: poll until the service says it is finished, then download.

use std::sync::Arc;
use std::time::Duration;

use super::download;
use super::engine::Inner;
use super::model::JobStatus;
use crate::providers::{Provider, ProviderError, RemoteState};
use crate::store::now_ms;

/// What the loop does after applying one poll.
enum Next {
    PollAgain(Duration),
    Stop,
}

pub(super) async fn track(
    inner: &Arc<Inner>,
    provider: Arc<dyn Provider>,
    job_id: i64,
    remote_id: &str,
) {
    let mut failures: u32 = 0;
    loop {
        let next = match provider.poll(remote_id).await {
            Ok(state) => {
                failures = 0;
                apply(inner, &provider, job_id, state).await
            }
            Err(e) if e.is_transient() => {
                failures += 1;
                transient(inner, job_id, &e, failures)
            }
            Err(e) => {
                inner.fail(job_id, &e.to_string());
                Next::Stop
            }
        };
        // Checked after a poll, never before: a job resumed long after the app closed gets
        // one look first, and is most likely finished and paid for.
        match next {
            Next::PollAgain(_) if timed_out(inner, job_id) => {
                let waited = human(inner.config.job_timeout);
                inner.fail(
                    job_id,
                    &format!(
                        "Gave up after {waited} without a result. The service may still \
                         finish it: check its history."
                    ),
                );
                return;
            }
            Next::PollAgain(delay) => tokio::time::sleep(delay).await,
            Next::Stop => return,
        }
    }
}

/// "15 minutes", "1 minute", "20 seconds".
fn human(d: Duration) -> String {
    let secs = d.as_secs().max(1);
    let (n, unit) = if secs >= 60 {
        (secs.div_ceil(60), "minute")
    } else {
        (secs, "second")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

fn timed_out(inner: &Inner, job_id: i64) -> bool {
    let Ok(Some(job)) = inner.store.job(job_id) else {
        return false;
    };
    let age = Duration::from_millis(now_ms().saturating_sub(job.created_at).max(0) as u64);
    age > inner.config.job_timeout
}

async fn apply(
    inner: &Arc<Inner>,
    provider: &Arc<dyn Provider>,
    job_id: i64,
    state: RemoteState,
) -> Next {
    let base = inner.config.poll_interval;
    match state {
        RemoteState::Queued => {
            update(inner, job_id, JobStatus::Queued, None);
            Next::PollAgain(base * 3 / 2)
        }
        RemoteState::Running { progress, preview } => {
            let changed = update(inner, job_id, JobStatus::Running, progress);
            if let (true, Some(url)) = (changed, preview) {
                fetch_preview(inner, provider, job_id, &url).await;
            }
            Next::PollAgain(base)
        }
        RemoteState::Completed(outputs) => {
            download::all(inner, provider, job_id, &outputs).await;
            Next::Stop
        }
        RemoteState::Failed { message } => {
            inner.fail(job_id, &message);
            Next::Stop
        }
    }
}

/// Records a new status or progress; returns whether anything changed (and was announced).
fn update(inner: &Inner, job_id: i64, status: JobStatus, progress: Option<u8>) -> bool {
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

/// A partial render is a nicety: if it cannot be fetched, the job goes on without it.
async fn fetch_preview(inner: &Inner, provider: &Arc<dyn Provider>, job_id: i64, url: &url::Url) {
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

/// Keeps the job where it is, says what is wrong, and waits longer each time.
fn transient(inner: &Inner, job_id: i64, e: &ProviderError, failures: u32) -> Next {
    if let Ok(Some(job)) = inner.store.job(job_id) {
        inner.note(&job, &format!("{e} (attempt {failures})"));
    }
    let exp = inner
        .config
        .poll_interval
        .saturating_mul(1 << failures.min(6));
    let delay = e.retry_after().unwrap_or(exp).min(inner.config.max_backoff);
    Next::PollAgain(delay)
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
