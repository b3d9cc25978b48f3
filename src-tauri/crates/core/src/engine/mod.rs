//! The engine that moves jobs along: it starts them, hands them to their account's tracker,
//! follows and downloads them, tells whoever listens, and answers the person's requests to
//! cancel, retry or stop. (What a job is lives in `crate::job`; the store keeps it.)
//!
//! Dependencies point one way: the `Engine` here (with `submission` and `enhance`, which add
//! its sending methods, and `importer`) over `tracker`, over `download` and `preview`, all over
//! `context`, which holds `ledger` and `transfers`; `blocking`, `wording` and the pacing
//! modules sit under them all.
//!
//! SQLite is the source of truth: every step is written before the
//! next one starts, so a crash at any point leaves a job that can be picked up again.
//!
//! One async boundary: the engine's own methods are blocking (SQLite, and the keychain behind
//! `provider_for`): callers run them on the blocking pool, as the shell does, and they use
//! the blocking face of the ledger and context (`.blocking()`). Its tasks are async and use
//! the async methods, which do the SQLite work on the blocking pool (`blocking::run`).

mod actions;
#[cfg(test)]
mod actions_tests;
mod blocking;
mod budget;
mod config;
mod context;
mod download;
mod enhance;
mod importer;
mod ledger;
mod pace;
mod preview;
#[cfg(test)]
mod scripted_tests;
mod spans;
mod submission;
mod tracker;
mod transfers;
mod wording;

pub use actions::{ActionRequest, Answer, MadeFrom};
pub use config::EngineConfig;
pub use context::{Notice, NoticeSink};
pub use enhance::EnhanceSource;
pub use importer::Importer;
pub use ledger::JobSink;
pub use submission::Outgoing;
// The job model is its own module (the store keeps jobs, the engine moves them along).
pub use crate::job::{EnhancedCopy, Enhancement, ImageRecord, Job, JobStatus, ParentImage, Slot};

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use tokio::time::Instant;

use self::context::Context;
use self::ledger::Ledger;
use self::spans::job_span;
use self::tracker::{Command, Tracker};
use crate::clock::now_ms;
use crate::media::MediaLibrary;
use crate::providers::{Provider, RemoteJob, RemoteState};
use crate::store::{Store, StoreError};

#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    pub ctx: Arc<Context>,
    /// One tracker per account.
    trackers: Mutex<HashMap<i64, Tracker>>,
}

impl Engine {
    pub fn new(store: Store, media: MediaLibrary, config: EngineConfig, sink: JobSink) -> Self {
        let ledger = Ledger::new(store.clone(), sink);
        let inner = Arc::new_cyclic(|me: &Weak<Inner>| {
            let me = me.clone();
            // Trackers know the context only; a dead one reaches the engine through this.
            let revive = Box::new(move |account_id, dead| {
                if let Some(inner) = me.upgrade() {
                    Engine { inner }.replace_tracker(account_id, dead);
                }
            });
            Inner {
                ctx: Arc::new(Context::new(store, media, config, ledger, revive)),
                trackers: Mutex::new(HashMap::new()),
            }
        });
        Self { inner }
    }

    fn ctx(&self) -> &Arc<Context> {
        &self.inner.ctx
    }

    pub fn set_job_timeout(&self, timeout: Duration) {
        self.ctx().set_job_timeout(timeout);
    }

    /// Where notices go; the first sink set stays.
    pub fn set_notice_sink(&self, sink: NoticeSink) {
        self.ctx().set_notice_sink(sink);
    }

    /// Picks up every unfinished job after a restart. `provider_for` says which provider
    /// serves a job, or why none can (no token any more, say).
    pub fn resume(
        &self,
        mut provider_for: impl FnMut(&Job) -> Result<Arc<dyn Provider>, String>,
    ) -> Result<usize, StoreError> {
        let jobs = self.ctx().ledger().blocking().unfinished()?;
        for job in &jobs {
            match provider_for(job) {
                Ok(provider) => self.resume_one(provider, job),
                Err(why) => self.ctx().ledger().blocking().note_on(job, &why),
            }
        }
        Ok(jobs.len())
    }

    fn resume_one(&self, provider: Arc<dyn Provider>, job: &Job) {
        let _span = job_span(job.id).entered();
        tracing::info!(status = job.status.as_str(), "resumed");
        // An action's modal step leaves while the job is `submitting` with the task's id:
        // whether it arrived cannot be told, so it is never sent again.
        let confirming = job.made.is_some() && job.status == JobStatus::Submitting;
        match &job.remote_id {
            Some(_) if confirming => self.lost(&provider, job),
            Some(remote_id) => {
                let deadline = self.deadline_of(job);
                let now = Instant::now();
                self.follow(&provider, job, remote_id.clone(), deadline, now, None);
            }
            // An Enhance or an action carries no reference to look it up by: never sent again.
            None if job.enhancement.is_some() || job.made.is_some() => self.lost(&provider, job),
            None => {
                let outgoing = self.resendable(job);
                self.settle_later(provider, job, outgoing);
            }
        }
    }

    /// What a job picked up after a restart may be sent as again: its prompt, unless it went
    /// with pictures (their data and checked addresses are not kept as sent, and the prompt
    /// alone is not what the person asked for).
    fn resendable(&self, job: &Job) -> Option<Arc<Outgoing>> {
        match self.ctx().store().references_of(job.id) {
            Ok(references) if references.is_empty() => Some(Outgoing::text(&job.prompt)),
            _ => None,
        }
    }

    fn lost(&self, provider: &Arc<dyn Provider>, job: &Job) {
        let what = if job.made.is_some() {
            "action"
        } else {
            "Enhance"
        };
        let why = wording::lost(provider.kind(), what);
        self.ctx()
            .blocking()
            .finish(job.id, JobStatus::Unknown, &why);
    }

    /// Follows a job again that the person gave up on, or whose images did not all arrive:
    /// `job` as the caller just read it (to find its provider). Returns false when there is
    /// nothing to follow (the service never had it).
    pub fn retry(&self, provider: Arc<dyn Provider>, job: &Job) -> Result<bool, StoreError> {
        let _span = job_span(job.id).entered();
        let Some(remote_id) = job.remote_id.clone().filter(|_| job.status.can_retry()) else {
            return Ok(false);
        };
        self.ctx()
            .ledger()
            .blocking()
            .reopen(job.id, JobStatus::Queued)?;
        // Asked for by the person: a whole new wait.
        let deadline = Instant::now() + self.ctx().job_timeout();
        self.follow(&provider, job, remote_id, deadline, Instant::now(), None);
        Ok(true)
    }

    /// The service has the job: record its id and follow it (unless the person cancelled it
    /// meanwhile; then "Resume" can still pick it up). Where the service says how many are
    /// ahead of it, the job says so until it starts.
    pub(super) async fn accepted(
        &self,
        provider: &Arc<dyn Provider>,
        job_id: i64,
        remote: RemoteJob,
    ) -> Result<(), StoreError> {
        let note = remote.ahead.map(wording::ahead);
        let job = self
            .ctx()
            .ledger()
            .accepted(job_id, &remote.remote_id, note.clone())
            .await?;
        if let Some(job) = job.filter(|j| j.status != JobStatus::Cancelled) {
            let deadline = self.deadline_of(&job);
            // The reply just said where the job is; the next look can wait a beat.
            let first_look = match remote.state {
                RemoteState::Queued => Instant::now() + self.ctx().config().pace().queued(),
                _ => Instant::now(),
            };
            let (remote_id, look) = (remote.remote_id, first_look);
            self.follow(provider, &job, remote_id, deadline, look, note);
        }
        Ok(())
    }

    /// The job timeout counts from when the job was sent, across restarts.
    fn deadline_of(&self, job: &Job) -> Instant {
        let age = Duration::from_millis(now_ms().saturating_sub(job.created_at).max(0) as u64);
        Instant::now() + self.ctx().job_timeout().saturating_sub(age)
    }

    /// Hands the job to its account's tracker; `note` stays on it while it is queued.
    fn follow(
        &self,
        provider: &Arc<dyn Provider>,
        job: &Job,
        remote_id: String,
        deadline: Instant,
        first_look: Instant,
        note: Option<String>,
    ) {
        let account_id = job.account_id.unwrap_or_default();
        let mut trackers = self.lock_trackers();
        let start = || Tracker::start(self.ctx().clone(), account_id, provider.clone());
        let tracker = trackers.entry(account_id).or_insert_with(start);
        if !tracker.is_alive() {
            *tracker = start();
        }
        let follow = Command::Follow {
            job_id: job.id,
            remote_id,
            deadline,
            first_look,
            note,
        };
        if tracker.tx.send(follow).is_err() {
            tracing::error!("the tracker of account {account_id} has stopped");
        }
    }

    /// A new token or address for an account: its tracker uses it from now on, and jobs that
    /// waited for a new token go on.
    pub fn set_provider(&self, account_id: i64, provider: Arc<dyn Provider>) {
        if let Some(tracker) = self.lock_trackers().get_mut(&account_id) {
            tracker.provider = provider.clone();
            let _ = tracker.tx.send(Command::Provider(provider));
        }
    }

    /// Starts a new tracker for an account whose tracker `dead` died, and gives it every job
    /// the dead one was polling (downloads have their own tasks).
    fn replace_tracker(&self, account_id: i64, dead: tokio::task::Id) {
        let provider = {
            let mut trackers = self.lock_trackers();
            match trackers.get(&account_id) {
                Some(t) if t.task.id() == dead => trackers.remove(&account_id).map(|t| t.provider),
                // Already replaced, or the account was forgotten meanwhile.
                _ => None,
            }
        };
        let Some(provider) = provider else { return };
        let jobs = match self.ctx().ledger().blocking().unfinished() {
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
                self.follow(&provider, job, remote_id, deadline, Instant::now(), None);
            }
        }
    }

    /// Stops following an account's jobs (the account is being deleted).
    pub fn forget_account(&self, account_id: i64) {
        if let Some(tracker) = self.lock_trackers().remove(&account_id) {
            tracker.task.abort();
        }
    }

    /// Stops following a job at the person's request. Images already saved are kept.
    pub fn cancel(&self, job_id: i64) -> Result<(), StoreError> {
        let _span = job_span(job_id).entered();
        self.stop(job_id);
        let Some(job) = self.ctx().ledger().blocking().read(job_id)? else {
            return Ok(());
        };
        match job.status {
            JobStatus::AwaitingPrompt => {
                let why = wording::cancelled_waiting(job.provider);
                self.ctx().ledger().blocking().abandon_waiting(job_id, &why);
            }
            status if !status.is_finished() => {
                let why = wording::cancelled(job.provider);
                self.ctx()
                    .blocking()
                    .finish(job_id, JobStatus::Cancelled, &why);
            }
            _ => {}
        }
        Ok(())
    }

    /// Stops following one job and its download.
    pub fn stop(&self, job_id: i64) {
        for tracker in self.lock_trackers().values() {
            let _ = tracker.tx.send(Command::Forget(job_id));
        }
        self.ctx().transfers().stop_job(job_id);
    }

    /// Stops all background work. Jobs stay recorded where they were and resume on next open.
    pub fn shutdown(&self) {
        for (_, tracker) in self.lock_trackers().drain() {
            tracker.task.abort();
        }
        self.ctx().transfers().stop_all();
    }

    fn lock_trackers(&self) -> MutexGuard<'_, HashMap<i64, Tracker>> {
        self.inner
            .trackers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }
}
