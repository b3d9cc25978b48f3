//! Starts jobs and keeps one tracking task per unfinished job.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::model::{Job, JobStatus};
use super::poller;
use crate::accounts::Account;
use crate::media::MediaLibrary;
use crate::providers::{Provider, RemoteJob};
use crate::store::{Store, StoreError};

/// Receives every job after it changed, with absolute image paths.
pub type JobSink = Arc<dyn Fn(&Job) + Send + Sync>;

#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The pace while a job is running; queued jobs are polled less often.
    pub poll_interval: Duration,
    /// A job that has not finished this long after it was sent is given up on.
    pub job_timeout: Duration,
    /// The longest wait between polls after repeated transient errors.
    pub max_backoff: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(2),
            job_timeout: Duration::from_secs(15 * 60),
            max_backoff: Duration::from_secs(60),
        }
    }
}

#[derive(Clone)]
pub struct Engine {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub store: Store,
    pub media: MediaLibrary,
    pub config: EngineConfig,
    sink: JobSink,
    /// One tracking task per job, so a job is never polled or downloaded twice at once.
    tracked: Mutex<HashMap<i64, tokio::task::AbortHandle>>,
}

impl Engine {
    pub fn new(store: Store, media: MediaLibrary, config: EngineConfig, sink: JobSink) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                media,
                config,
                sink,
                tracked: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Records the job, sends it, and starts tracking it. The row exists before the request
    /// leaves, carrying the reference the service will echo back.
    pub async fn submit(
        &self,
        provider: Arc<dyn Provider>,
        account: &Account,
        prompt: &str,
    ) -> Result<Job, StoreError> {
        let reference = uuid::Uuid::new_v4().to_string();
        let job = self.inner.store.insert_job(&reference, account, prompt)?;
        self.inner.emit(job.id);
        match provider.submit(prompt, &reference).await {
            Ok(remote) => self.accepted(provider, job.id, remote)?,
            Err(e) if e.is_transient() => {
                let not_received = format!("{e} The job was not received, so nothing was charged.");
                self.reconcile(provider, job.id, &reference, &not_received)
                    .await?
            }
            Err(e) => self.inner.fail(job.id, &e.to_string()),
        }
        Ok(self.inner.store.job(job.id)?.unwrap_or(job))
    }

    /// Picks up every unfinished job after a restart. `provider_for` says which provider
    /// serves a job, or why none can (no token any more, say).
    pub fn resume(
        &self,
        provider_for: impl Fn(&Job) -> Result<Arc<dyn Provider>, String>,
    ) -> Result<usize, StoreError> {
        let jobs = self.inner.store.unfinished_jobs()?;
        for job in &jobs {
            match provider_for(job) {
                Ok(provider) => self.resume_one(provider, job.clone()),
                Err(why) => self.inner.note(job, &why),
            }
        }
        Ok(jobs.len())
    }

    fn resume_one(&self, provider: Arc<dyn Provider>, job: Job) {
        match job.remote_id.clone() {
            Some(remote_id) => self.track(provider, job.id, remote_id),
            None => {
                let engine = self.clone();
                tokio::spawn(async move {
                    let not_received = "Atelier closed before the service confirmed this job, and the \
                                        service never received it: nothing was charged. Run it again.";
                    if let Err(e) = engine
                        .reconcile(provider, job.id, &job.reference, not_received)
                        .await
                    {
                        tracing::error!("reconciling job {}: {e}", job.id);
                    }
                });
            }
        }
    }

    fn accepted(
        &self,
        provider: Arc<dyn Provider>,
        job_id: i64,
        remote: RemoteJob,
    ) -> Result<(), StoreError> {
        self.inner.store.set_remote_id(job_id, &remote.remote_id)?;
        self.inner
            .store
            .set_status(job_id, JobStatus::Queued, None, None)?;
        self.inner.emit(job_id);
        self.track(provider, job_id, remote.remote_id);
        Ok(())
    }

    /// The request may or may not have reached the service. Ask by reference rather than
    /// sending it again, so nobody pays twice.
    async fn reconcile(
        &self,
        provider: Arc<dyn Provider>,
        job_id: i64,
        reference: &str,
        not_received: &str,
    ) -> Result<(), StoreError> {
        match provider.find_by_reference(reference).await {
            Ok(Some(remote)) => self.accepted(provider, job_id, remote),
            Ok(None) => {
                self.inner.fail(job_id, not_received);
                Ok(())
            }
            Err(e) => {
                let msg = format!("{e} Atelier could not confirm whether the job was received: check your provider's history.");
                self.inner.fail(job_id, &msg);
                Ok(())
            }
        }
    }

    fn track(&self, provider: Arc<dyn Provider>, job_id: i64, remote_id: String) {
        // Held across the spawn so the task cannot remove its entry before it is added.
        let mut tracked = self.inner.lock_tracked();
        if tracked.contains_key(&job_id) {
            return;
        }
        let inner = self.inner.clone();
        let task = tokio::spawn(async move {
            poller::track(&inner, provider, job_id, &remote_id).await;
            inner.lock_tracked().remove(&job_id);
        });
        tracked.insert(job_id, task.abort_handle());
    }

    /// Stops following a job at the user's request. Images already saved are kept.
    pub fn cancel(&self, job_id: i64) -> Result<(), StoreError> {
        self.stop(job_id);
        let Some(job) = self.inner.store.job(job_id)? else {
            return Ok(());
        };
        if !job.status.is_finished() {
            let why =
                "Cancelled: Atelier stopped following this job. The service may still finish \
                       it (and charge for it); its history has the result.";
            self.inner
                .store
                .set_status(job_id, JobStatus::Cancelled, None, Some(why))?;
            self.inner.media.remove_preview(job_id);
            self.inner.emit(job_id);
        }
        Ok(())
    }

    /// Stops tracking one job (its history is being deleted).
    pub fn stop(&self, job_id: i64) {
        if let Some(task) = self.inner.lock_tracked().remove(&job_id) {
            task.abort();
        }
    }

    /// Stops every tracking task. Jobs stay recorded where they were and resume on next open.
    pub fn shutdown(&self) {
        for (_, task) in self.inner.lock_tracked().drain() {
            task.abort();
        }
    }

    /// How many jobs are being tracked right now.
    pub fn in_flight(&self) -> usize {
        self.inner.lock_tracked().len()
    }
}

impl Inner {
    fn lock_tracked(&self) -> std::sync::MutexGuard<'_, HashMap<i64, tokio::task::AbortHandle>> {
        self.tracked.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Tells listeners the job's current state, straight from the store.
    pub fn emit(&self, job_id: i64) {
        match self.store.job(job_id) {
            Ok(Some(job)) => (self.sink)(&self.media.absolutize(job)),
            Ok(None) => {}
            Err(e) => tracing::error!("reading job {job_id} for an update: {e}"),
        }
    }

    pub fn fail(&self, job_id: i64, message: &str) {
        self.media.remove_preview(job_id);
        if let Err(e) = self
            .store
            .set_status(job_id, JobStatus::Failed, None, Some(message))
        {
            tracing::error!("recording job {job_id} as failed: {e}");
        }
        self.emit(job_id);
    }

    /// Shows a problem on a job without changing where it is in its life.
    pub fn note(&self, job: &Job, message: &str) {
        if let Err(e) = self
            .store
            .set_status(job.id, job.status, job.progress, Some(message))
        {
            tracing::error!("noting a problem on job {}: {e}", job.id);
        }
        self.emit(job.id);
    }
}
