//! Starts jobs, hands them to their account's tracker, and answers the person's requests to
//! cancel, retry or stop. SQLite is the source of truth: every step is written before the
//! next one starts, so a crash at any point leaves a job that can be picked up again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use serde::Serialize;
use tokio::time::Instant;

use super::budget::Budget;
use super::ledger::Ledger;
use super::pace::Pace;
use super::tracker::{Command, Tracker};
use super::transfers::{Kind, Transfers};
use crate::job::{Job, JobStatus};
use crate::media::{DownloadLimits, MediaLibrary};
use crate::providers::{Provider, ProviderError, RemoteJob, RemoteState};
use crate::store::{now_ms, Store, StoreError};

/// Receives every job after it changed.
pub type JobSink = Arc<dyn Fn(&Job) + Send + Sync>;
/// Receives what the person should hear about once, not once per job.
pub type NoticeSink = Arc<dyn Fn(&Notice) + Send + Sync>;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum Notice {
    /// The service rejected an account's token; its jobs wait for a new one.
    #[serde(rename_all = "camelCase")]
    TokenRejected { account_id: i64, message: String },
}

#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The pace while a job is rendering; queued jobs are looked at half as often.
    pub poll_interval: Duration,
    /// A job that has not finished this long after it was sent is given up on. The starting
    /// value: the person's preference, once set, replaces it (`Engine::set_job_timeout`).
    pub job_timeout: Duration,
    /// The longest wait between polls after repeated transient errors.
    pub max_backoff: Duration,
    /// The most poll requests per minute to one account, on average.
    pub requests_per_minute: u32,
    /// How many requests may go at once after a quiet spell.
    pub burst: u32,
    /// How many images download at once, across all jobs.
    pub parallel_downloads: usize,
    /// How long one image may take, and how slowly it may come.
    pub download_limits: DownloadLimits,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(2),
            job_timeout: Duration::from_secs(15 * 60),
            max_backoff: Duration::from_secs(60),
            requests_per_minute: 90,
            burst: 10,
            parallel_downloads: 6,
            download_limits: DownloadLimits::default(),
        }
    }
}

impl EngineConfig {
    pub(super) fn pace(&self) -> Pace {
        Pace {
            running: self.poll_interval,
            queued: self.poll_interval * 2,
            floor: (self.poll_interval / 4).max(Duration::from_millis(20)),
            max_backoff: self.max_backoff,
        }
    }

    pub(super) fn budget(&self, now: Instant) -> Budget {
        Budget::new(self.requests_per_minute, self.burst, now)
    }
}

#[derive(Clone)]
pub struct Engine {
    pub(super) inner: Arc<Inner>,
}

impl From<Arc<Inner>> for Engine {
    fn from(inner: Arc<Inner>) -> Self {
        Engine { inner }
    }
}

pub(super) struct Inner {
    pub store: Store,
    pub media: MediaLibrary,
    pub config: EngineConfig,
    pub ledger: Ledger,
    notices: OnceLock<NoticeSink>,
    /// The person may change it while jobs run; it applies to jobs followed from then on.
    job_timeout: Mutex<Duration>,
    /// One tracker per account.
    trackers: Mutex<HashMap<i64, Tracker>>,
    /// Every download and preview, one of each per job at most.
    pub transfers: Arc<Transfers>,
}

impl Engine {
    pub fn new(store: Store, media: MediaLibrary, config: EngineConfig, sink: JobSink) -> Self {
        let transfers = Transfers::new(config.parallel_downloads);
        let job_timeout = Mutex::new(config.job_timeout);
        let ledger = Ledger::new(store.clone(), sink);
        Self {
            inner: Arc::new(Inner {
                store,
                media,
                config,
                ledger,
                notices: OnceLock::new(),
                job_timeout,
                trackers: Mutex::new(HashMap::new()),
                transfers,
            }),
        }
    }

    pub fn set_job_timeout(&self, timeout: Duration) {
        *self.inner.lock_timeout() = timeout;
    }

    /// Where notices go; the first sink set stays.
    pub fn set_notice_sink(&self, sink: NoticeSink) {
        let _ = self.inner.notices.set(sink);
    }

    /// Picks up every unfinished job after a restart. `provider_for` says which provider
    /// serves a job, or why none can (no token any more, say).
    pub fn resume(
        &self,
        mut provider_for: impl FnMut(&Job) -> Result<Arc<dyn Provider>, String>,
    ) -> Result<usize, StoreError> {
        let jobs = self.inner.store.unfinished_jobs()?;
        for job in &jobs {
            match provider_for(job) {
                Ok(provider) => self.resume_one(provider, job),
                Err(why) => self.inner.ledger.note_on(job, &why),
            }
        }
        Ok(jobs.len())
    }

    fn resume_one(&self, provider: Arc<dyn Provider>, job: &Job) {
        match &job.remote_id {
            Some(remote_id) => {
                let deadline = self.deadline_of(job);
                self.follow(&provider, job, remote_id.clone(), deadline, Instant::now());
            }
            None => self.settle_later(provider, job),
        }
    }

    /// Follows a job again that the person gave up on, or whose images did not all arrive.
    /// Returns false when there is nothing to follow (the service never had it).
    pub fn retry(&self, provider: Arc<dyn Provider>, job_id: i64) -> Result<bool, StoreError> {
        let Some(job) = self.inner.store.job(job_id)? else {
            return Ok(false);
        };
        let Some(remote_id) = job.remote_id.clone().filter(|_| job.status.can_retry()) else {
            return Ok(false);
        };
        self.inner.ledger.reopen(job_id, JobStatus::Queued)?;
        // Asked for by the person: a whole new wait.
        let deadline = Instant::now() + self.inner.job_timeout();
        self.follow(&provider, &job, remote_id, deadline, Instant::now());
        Ok(true)
    }

    /// The service has the job: record its id and follow it (unless the person cancelled it
    /// meanwhile; then "Resume" can still pick it up).
    pub(super) fn accepted(
        &self,
        provider: &Arc<dyn Provider>,
        job_id: i64,
        remote: RemoteJob,
    ) -> Result<(), StoreError> {
        self.inner.ledger.accepted(job_id, &remote.remote_id)?;
        let job = self.inner.store.job(job_id)?;
        if let Some(job) = job.filter(|j| j.status != JobStatus::Cancelled) {
            let deadline = self.deadline_of(&job);
            // The reply just said where the job is; the next look can wait a beat.
            let first_look = match remote.state {
                RemoteState::Queued => Instant::now() + self.inner.config.pace().queued(),
                _ => Instant::now(),
            };
            self.follow(provider, &job, remote.remote_id, deadline, first_look);
        }
        Ok(())
    }

    /// The job timeout counts from when the job was sent, across restarts.
    fn deadline_of(&self, job: &Job) -> Instant {
        let age = Duration::from_millis(now_ms().saturating_sub(job.created_at).max(0) as u64);
        Instant::now() + self.inner.job_timeout().saturating_sub(age)
    }

    fn follow(
        &self,
        provider: &Arc<dyn Provider>,
        job: &Job,
        remote_id: String,
        deadline: Instant,
        first_look: Instant,
    ) {
        let account_id = job.account_id.unwrap_or_default();
        let mut trackers = self.inner.lock_trackers();
        let tracker = trackers
            .entry(account_id)
            .or_insert_with(|| Tracker::start(self.inner.clone(), account_id, provider.clone()));
        if !tracker.is_alive() {
            *tracker = Tracker::start(self.inner.clone(), account_id, provider.clone());
        }
        let follow = Command::Follow {
            job_id: job.id,
            remote_id,
            deadline,
            first_look,
        };
        if tracker.tx.send(follow).is_err() {
            tracing::error!("the tracker of account {account_id} has stopped");
        }
    }

    /// A new token or address for an account: its tracker uses it from now on, and jobs that
    /// waited for a new token go on.
    pub fn set_provider(&self, account_id: i64, provider: Arc<dyn Provider>) {
        if let Some(tracker) = self.inner.lock_trackers().get_mut(&account_id) {
            tracker.provider = provider.clone();
            let _ = tracker.tx.send(Command::Provider(provider));
        }
    }

    /// Starts a new tracker for an account whose tracker `dead` died, and gives it every job
    /// the dead one was polling (downloads have their own tasks).
    pub(super) fn replace_tracker(&self, account_id: i64, dead: tokio::task::Id) {
        let provider = {
            let mut trackers = self.inner.lock_trackers();
            match trackers.get(&account_id) {
                Some(t) if t.task.id() == dead => trackers.remove(&account_id).map(|t| t.provider),
                // Already replaced, or the account was forgotten meanwhile.
                _ => None,
            }
        };
        let Some(provider) = provider else { return };
        let jobs = match self.inner.store.unfinished_jobs() {
            Ok(jobs) => jobs,
            Err(e) => return tracing::error!("reading jobs to follow again: {e}"),
        };
        let polled = |j: &Job| matches!(j.status, JobStatus::Queued | JobStatus::Running);
        for job in jobs
            .iter()
            .filter(|j| j.account_id == Some(account_id) && polled(j))
        {
            if let Some(remote_id) = job.remote_id.clone() {
                let deadline = self.deadline_of(job);
                self.follow(&provider, job, remote_id, deadline, Instant::now());
            }
        }
    }

    /// Stops following an account's jobs (the account is being deleted).
    pub fn forget_account(&self, account_id: i64) {
        if let Some(tracker) = self.inner.lock_trackers().remove(&account_id) {
            tracker.task.abort();
        }
    }

    pub(super) fn token_rejected(&self, account_id: Option<i64>, e: &ProviderError) {
        let Some(account_id) = account_id else { return };
        let message = e.to_string();
        if let Ok(true) = self.inner.store.mark_token_rejected(account_id, &message) {
            self.inner.notify_token_rejected(account_id, &message);
        }
    }

    /// Stops following a job at the person's request. Images already saved are kept.
    pub fn cancel(&self, job_id: i64) -> Result<(), StoreError> {
        self.stop(job_id);
        let Some(job) = self.inner.store.job(job_id)? else {
            return Ok(());
        };
        if !job.status.is_finished() {
            let why = "Cancelled: Atelier stopped following this job. The service may still \
                       finish it (and charge for it); “Resume” looks again.";
            self.inner.finish(job_id, JobStatus::Cancelled, why);
        }
        Ok(())
    }

    /// Stops following one job and its download.
    pub fn stop(&self, job_id: i64) {
        for tracker in self.inner.lock_trackers().values() {
            let _ = tracker.tx.send(Command::Forget(job_id));
        }
        self.inner.transfers.stop_job(job_id);
    }

    /// Stops all background work. Jobs stay recorded where they were and resume on next open.
    pub fn shutdown(&self) {
        for (_, tracker) in self.inner.lock_trackers().drain() {
            tracker.task.abort();
        }
        self.inner.transfers.stop_all();
    }
}

impl Inner {
    fn lock_trackers(&self) -> MutexGuard<'_, HashMap<i64, Tracker>> {
        self.trackers.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_timeout(&self) -> MutexGuard<'_, Duration> {
        self.job_timeout.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn job_timeout(&self) -> Duration {
        *self.lock_timeout()
    }

    pub fn notify_token_rejected(&self, account_id: i64, message: &str) {
        if let Some(sink) = self.notices.get() {
            sink(&Notice::TokenRejected {
                account_id,
                message: message.to_owned(),
            });
        }
    }

    /// Ends a job's journey (for now) with a reason the person can act on.
    pub fn finish(&self, job_id: i64, status: JobStatus, message: &str) {
        self.transfers.stop(job_id, Kind::Preview);
        self.media.remove_preview(job_id);
        self.ledger.finish(job_id, status, message);
    }
}
