//! One task per account follows every job of that account still on its way. A service with
//! a batch lookup is asked about all of them in one request per tick, so N jobs cost O(1)
//! requests; every request spends from the account's budget.

use std::collections::HashMap;
use std::sync::Arc;
use tokio::time::Instant;

use tokio::sync::mpsc;
use tokio::time::sleep_until;
use tracing::Instrument;

use super::budget::SharedBudget;
use super::context::Context;
use super::pace::ProgressClock;
use super::spans::job_span;
use super::{download, preview};
use crate::job::JobStatus;
use crate::providers::{Provider, ProviderError, RemoteState};

pub(super) enum Command {
    Follow {
        job_id: i64,
        remote_id: String,
        /// When to give up if no result has come by then.
        deadline: Instant,
        /// When to look first: at once after a restart, later when the service just said
        /// the job is queued.
        first_look: Instant,
        /// Shown on the job while it is queued (how many are ahead of it), gone once it runs.
        note: Option<String>,
    },
    Forget(i64),
    /// A new token or address: use it, and wake up if a rejected token paused everything.
    Provider(Arc<dyn Provider>),
}

/// The handle the engine keeps; dropping it ends the task once its queue is drained.
pub(super) struct Tracker {
    pub tx: mpsc::UnboundedSender<Command>,
    pub task: tokio::task::AbortHandle,
    /// What the task uses now, so a replacement starts with the same.
    pub provider: Arc<dyn Provider>,
}

impl Tracker {
    pub fn start(ctx: Arc<Context>, account_id: i64, provider: Arc<dyn Provider>) -> Tracker {
        let (tx, rx) = mpsc::unbounded_channel();
        let budget = ctx.budget(account_id);
        let follower = Follower {
            ctx: ctx.clone(),
            account_id,
            provider: provider.clone(),
            flights: HashMap::new(),
            budget,
            paused: false,
        };
        let run = tokio::spawn(follower.run(rx));
        let task = run.abort_handle();
        tokio::spawn(replace_if_dead(ctx, account_id, run));
        Tracker { tx, task, provider }
    }

    pub fn is_alive(&self) -> bool {
        !self.task.is_finished()
    }
}

/// A tracker that died (a panic: a bug, never a service's doing) is replaced after a pause,
/// and the account's jobs are followed again from the store; it is never sent to again.
async fn replace_if_dead(ctx: Arc<Context>, account_id: i64, run: tokio::task::JoinHandle<()>) {
    let id = run.id();
    if !run.await.is_err_and(|e| e.is_panic()) {
        return;
    }
    tracing::error!("the tracker of account {account_id} stopped on an internal error");
    // A bug that strikes on every poll is retried at a walk, not in a tight loop.
    tokio::time::sleep(ctx.config().pace().max_backoff.min(REVIVE_PAUSE)).await;
    ctx.revive(account_id, id).await;
}

const REVIVE_PAUSE: std::time::Duration = std::time::Duration::from_secs(5);

/// A job being polled.
struct Flight {
    remote_id: String,
    deadline: Instant,
    due: Instant,
    failures: u32,
    clock: ProgressClock,
    /// Partial previews are a nicety: fetched now and then, not on every poll.
    last_preview: Option<Instant>,
    /// What the job says while queued (its place in the queue); dropped once it runs.
    queued_note: Option<String>,
}

const PREVIEW_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

struct Follower {
    ctx: Arc<Context>,
    account_id: i64,
    provider: Arc<dyn Provider>,
    flights: HashMap<i64, Flight>,
    budget: SharedBudget,
    /// The token was rejected: nothing is asked until a new one arrives.
    paused: bool,
}

impl Follower {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Command>) {
        loop {
            let wake = self.next_due();
            tokio::select! {
                command = rx.recv() => match command {
                    Some(command) => self.handle(command),
                    None => return,
                },
                () = sleep_until_some(wake) => self.tick().await,
            }
        }
    }

    fn next_due(&self) -> Option<Instant> {
        if self.paused {
            return None;
        }
        let due = self.flights.values().map(|f| f.due).min()?;
        Some(due)
    }

    fn handle(&mut self, command: Command) {
        match command {
            Command::Follow {
                job_id,
                remote_id,
                deadline,
                first_look,
                note,
            } => {
                let flight = Flight {
                    remote_id,
                    deadline,
                    due: first_look,
                    failures: 0,
                    clock: ProgressClock::default(),
                    last_preview: None,
                    queued_note: note,
                };
                self.flights.insert(job_id, flight);
            }
            Command::Forget(job_id) => {
                self.flights.remove(&job_id);
            }
            Command::Provider(provider) => {
                self.provider = provider;
                self.paused = false;
                let now = Instant::now();
                self.flights.values_mut().for_each(|f| f.due = now);
            }
        }
    }

    async fn tick(&mut self) {
        let now = Instant::now();
        let limit = self.provider.batch_limit().max(1);
        // A batch request costs the same for one job or fifty, so a batch asks about all of
        // them as soon as any is due.
        let mut due: Vec<i64> = self
            .flights
            .iter()
            .filter(|(_, f)| limit > 1 || f.due <= now)
            .map(|(id, _)| *id)
            .collect();
        due.sort_unstable();
        for chunk in due.chunks(limit) {
            if let Err(wait) = self.budget.take(now) {
                self.defer(chunk, now + wait);
                continue;
            }
            let ids: Vec<String> = chunk
                .iter()
                .filter_map(|id| self.flights.get(id).map(|f| f.remote_id.clone()))
                .collect();
            let answer = if limit > 1 {
                self.provider.poll_batch(&ids).await
            } else {
                self.poll_one(&ids[0]).await
            };
            self.apply(chunk, answer).await;
            if self.paused {
                return;
            }
        }
    }

    async fn poll_one(
        &self,
        remote_id: &str,
    ) -> Result<HashMap<String, RemoteState>, ProviderError> {
        let state = self.provider.poll(remote_id).await?;
        Ok(HashMap::from([(remote_id.to_owned(), state)]))
    }

    fn defer(&mut self, job_ids: &[i64], until: Instant) {
        for id in job_ids {
            if let Some(f) = self.flights.get_mut(id) {
                f.due = f.due.max(until);
            }
        }
    }

    async fn apply(
        &mut self,
        job_ids: &[i64],
        answer: Result<HashMap<String, RemoteState>, ProviderError>,
    ) {
        let mut states = match answer {
            Ok(states) => states,
            Err(e) if e.is_auth() => return self.pause(&e).await,
            Err(e) if e.is_transient() => return self.retry_later(job_ids, &e).await,
            Err(e) => {
                for &id in job_ids {
                    let stop = self.stop_with(id, JobStatus::Failed, e.to_string());
                    stop.instrument(job_span(id)).await;
                }
                return;
            }
        };
        let now = Instant::now();
        for &job_id in job_ids {
            let span = job_span(job_id);
            self.apply_one(job_id, &mut states, now)
                .instrument(span)
                .await;
        }
    }

    async fn apply_one(
        &mut self,
        job_id: i64,
        states: &mut HashMap<String, RemoteState>,
        now: Instant,
    ) {
        let Some(flight) = self.flights.get(&job_id) else {
            return;
        };
        match states.remove(&flight.remote_id) {
            Some(state) => self.advance(job_id, state, now).await,
            None => {
                let gone = ProviderError::NotFound {
                    service: self.provider.kind().display_name(),
                };
                self.stop_with(job_id, JobStatus::Failed, gone.to_string())
                    .await;
            }
        }
        self.check_timeout(job_id).await;
    }

    async fn advance(&mut self, job_id: i64, state: RemoteState, now: Instant) {
        let pace = self.ctx.config().pace();
        let Some(flight) = self.flights.get_mut(&job_id) else {
            return;
        };
        flight.failures = 0;
        match state {
            RemoteState::Queued => {
                flight.due = now + pace.queued();
                let (ledger, note) = (self.ctx.ledger(), flight.queued_note.clone());
                ledger.progress(job_id, JobStatus::Queued, None, note).await;
            }
            RemoteState::Running { progress, preview } => {
                flight.clock.observe(now, progress);
                flight.due = now + pace.running(&flight.clock, now);
                flight.queued_note = None;
                let ledger = self.ctx.ledger();
                let changed = ledger
                    .progress(job_id, JobStatus::Running, progress, None)
                    .await;
                let stale = flight
                    .last_preview
                    .is_none_or(|at| now.duration_since(at) >= PREVIEW_EVERY);
                if let (true, true, Some(url)) = (changed, stale, preview) {
                    flight.last_preview = Some(now);
                    preview::start(&self.ctx, self.provider.clone(), job_id, url);
                }
            }
            RemoteState::Completed(outputs) => {
                let deadline = flight.deadline;
                self.flights.remove(&job_id);
                let (grid, upscales) = (outputs.grid.is_some(), outputs.upscales.len());
                tracing::info!(grid, upscales, "rendered");
                let provider = self.provider.clone();
                download::start(&self.ctx, provider, job_id, outputs, deadline);
            }
            RemoteState::Failed { message } => {
                self.stop_with(job_id, JobStatus::Failed, message).await;
            }
        }
    }

    /// Keeps the jobs where they are, says what is wrong, and waits longer each time.
    async fn retry_later(&mut self, job_ids: &[i64], e: &ProviderError) {
        let pace = self.ctx.config().pace();
        let now = Instant::now();
        for &job_id in job_ids {
            let Some(flight) = self.flights.get_mut(&job_id) else {
                continue;
            };
            flight.failures += 1;
            flight.due = now + pace.backoff(flight.failures, e.retry_after());
            let note = format!("{e} (attempt {})", flight.failures);
            let noted = async {
                self.ctx.ledger().note(job_id, note).await;
                self.check_timeout(job_id).await;
            };
            noted.instrument(job_span(job_id)).await;
        }
    }

    /// A rejected token fails every request alike: stop asking, say so once, and wait for a
    /// new token rather than failing each job.
    async fn pause(&mut self, e: &ProviderError) {
        self.paused = true;
        let message = e.to_string();
        let waiting = format!("Waiting for a new token. {message}");
        self.ctx.token_rejected(self.account_id, message).await;
        for &job_id in self.flights.keys() {
            let note = self.ctx.ledger().note(job_id, waiting.clone());
            note.instrument(job_span(job_id)).await;
        }
    }

    /// Checked after a poll, never before: a job resumed long after the app closed gets one
    /// look first, and is most likely finished and paid for.
    async fn check_timeout(&mut self, job_id: i64) {
        let late = |f: &Flight| Instant::now() > f.deadline;
        if self.flights.get(&job_id).is_some_and(late) {
            let waited = crate::wording::duration(self.ctx.job_timeout());
            let why = format!(
                "No result after {waited}. The service may still finish it: \
                 “Keep waiting” looks again."
            );
            self.stop_with(job_id, JobStatus::TimedOut, why).await;
        }
    }

    async fn stop_with(&mut self, job_id: i64, status: JobStatus, message: String) {
        self.flights.remove(&job_id);
        self.ctx.finish(job_id, status, message).await;
    }
}

async fn sleep_until_some(at: Option<Instant>) {
    match at {
        Some(at) => sleep_until(at).await,
        None => std::future::pending().await,
    }
}
