//! What every worker of the engine shares: the ledger, the media folder, the transfers, the
//! settings, and where notices go. Trackers, downloads and previews see only this, never the
//! engine, so the engine's modules depend on each other in one direction.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use serde::Serialize;
use tokio::task::Id;
use tokio::time::Instant;

use super::blocking;
use super::budget::SharedBudget;
use super::config::EngineConfig;
use super::ledger::Ledger;
use super::transfers::{Kind, Transfers};
use crate::job::JobStatus;
use crate::media::MediaLibrary;
use crate::store::Store;

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

/// Called (on the blocking pool) when an account's tracker task `Id` died, to start another.
pub(super) type Revive = Box<dyn Fn(i64, Id) + Send + Sync>;

pub(super) struct Context {
    store: Store,
    media: MediaLibrary,
    config: EngineConfig,
    ledger: Ledger,
    transfers: Arc<Transfers>,
    notices: OnceLock<NoticeSink>,
    /// The person may change it while jobs run; it applies to jobs followed from then on.
    job_timeout: Mutex<Duration>,
    revive: Revive,
    /// Each account's request budget, shared by its tracker (and the trackers that replace
    /// it) and its import, so together they never ask the service more often than the rate.
    budgets: Mutex<HashMap<i64, SharedBudget>>,
}

impl Context {
    pub fn new(
        store: Store,
        media: MediaLibrary,
        config: EngineConfig,
        ledger: Ledger,
        revive: Revive,
    ) -> Self {
        Self {
            transfers: Transfers::new(config.parallel_downloads),
            job_timeout: Mutex::new(config.job_timeout),
            store,
            media,
            config,
            ledger,
            notices: OnceLock::new(),
            revive,
            budgets: Mutex::new(HashMap::new()),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    pub fn media(&self) -> &MediaLibrary {
        &self.media
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    pub fn transfers(&self) -> &Arc<Transfers> {
        &self.transfers
    }

    /// The account's request budget.
    pub fn budget(&self, account_id: i64) -> SharedBudget {
        let mut budgets = self.budgets.lock().unwrap_or_else(|e| e.into_inner());
        let budget = budgets
            .entry(account_id)
            .or_insert_with(|| SharedBudget::new(self.config.budget(Instant::now())));
        budget.clone()
    }

    pub fn job_timeout(&self) -> Duration {
        *self.lock_timeout()
    }

    pub fn set_job_timeout(&self, timeout: Duration) {
        *self.lock_timeout() = timeout;
    }

    /// Where notices go; the first sink set stays.
    pub fn set_notice_sink(&self, sink: NoticeSink) {
        let _ = self.notices.set(sink);
    }

    /// Records that the service refused the account's token and tells the person once.
    pub async fn token_rejected(self: &Arc<Self>, account_id: i64, message: String) {
        let ctx = self.clone();
        blocking::run(move || ctx.blocking().token_rejected(account_id, &message)).await
    }

    /// Ends a job's journey (for now) with a reason the person can act on.
    pub async fn finish(self: &Arc<Self>, job_id: i64, status: JobStatus, message: String) {
        let ctx = self.clone();
        blocking::run(move || ctx.blocking().finish(job_id, status, &message)).await
    }

    /// Asks the engine for a new tracker in place of the dead one.
    pub async fn revive(self: &Arc<Self>, account_id: i64, dead: Id) {
        let ctx = self.clone();
        // The engine reads the account's jobs to follow them again.
        blocking::run(move || (ctx.revive)(account_id, dead)).await
    }

    /// The same work, blocking: only for code already on the blocking pool.
    pub fn blocking(&self) -> BlockingContext<'_> {
        BlockingContext(self)
    }

    fn lock_timeout(&self) -> MutexGuard<'_, Duration> {
        self.job_timeout.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The context's blocking work (SQLite, the disk), for code already on the blocking pool: the
/// engine's own methods, and work bundled into one `blocking::run`.
pub(super) struct BlockingContext<'a>(&'a Context);

impl BlockingContext<'_> {
    /// Ends a job's journey (for now) with a reason the person can act on.
    pub fn finish(&self, job_id: i64, status: JobStatus, message: &str) {
        let ctx = self.0;
        ctx.transfers.stop(job_id, Kind::Preview);
        ctx.media.remove_preview(job_id);
        ctx.ledger.blocking().finish(job_id, status, message);
    }

    fn token_rejected(&self, account_id: i64, message: &str) {
        let ctx = self.0;
        match ctx.store.mark_token_rejected(account_id, message) {
            Ok(true) => {
                if let Some(sink) = ctx.notices.get() {
                    sink(&Notice::TokenRejected {
                        account_id,
                        message: message.to_owned(),
                    });
                }
            }
            Ok(false) => {}
            Err(e) => tracing::error!("recording a rejected token: {e}"),
        }
    }
}
