//! Every change to a job goes through here: written to the store, then announced to whoever
//! listens. Nothing else in the engine writes a job or announces one, so the window never shows
//! a state the database does not hold, and a write that fails is always logged, never dropped.
//!
//! Each write is a short SQLite write that may still wait on the disk, so the ledger has two
//! faces. `Ledger`'s methods are async and do their SQLite work on the blocking pool, never
//! stalling the async workers: the engine's tasks use them. `Ledger::blocking` gives the same
//! writes as they are, for code already on the blocking pool (the engine's own methods, which
//! the shell runs there, and work bundled into one `blocking::run`).

mod writes;

use std::sync::Arc;

pub(super) use self::writes::BlockingLedger;
use super::blocking;
use crate::accounts::Account;
use crate::job::{Batch, Job, JobStatus, Slot};
use crate::media::SavedImage;
use crate::providers::EnhanceScale;
use crate::store::{Store, StoreError};

/// Receives every job after it changed.
pub type JobSink = Arc<dyn Fn(&Job) + Send + Sync>;

/// An image safely on disk, for its job's row: its slot, its files, and the address it came
/// from (none for a grid made here).
pub(super) struct Arrival {
    pub slot: Slot,
    pub saved: SavedImage,
    pub url: Option<String>,
}

/// The ledger for async code: each method runs its SQLite work on the blocking pool.
#[derive(Clone)]
pub(super) struct Ledger {
    blocking: BlockingLedger,
}

impl Ledger {
    pub fn new(store: Store, sink: JobSink) -> Self {
        let blocking = BlockingLedger::new(store, sink);
        Self { blocking }
    }

    /// The same writes, blocking: only for code already on the blocking pool.
    pub fn blocking(&self) -> &BlockingLedger {
        &self.blocking
    }

    pub async fn read(&self, job_id: i64) -> Result<Option<Job>, StoreError> {
        self.run(move |l| l.read(job_id)).await
    }

    /// The job as stored; `None` when it is gone or cannot be read (logged).
    pub async fn job(&self, job_id: i64) -> Option<Job> {
        self.run(move |l| l.job(job_id)).await
    }

    /// The job's slots whose images the person deleted; none when they cannot be read (logged).
    pub async fn withheld(&self, job_id: i64) -> Vec<Slot> {
        self.run(move |l| l.withheld(job_id)).await
    }

    /// Records a job before anything is sent, so nothing sent is ever unrecorded.
    pub async fn open(
        &self,
        account: &Account,
        prompt: &str,
        batch: Option<Batch>,
    ) -> Result<Job, StoreError> {
        let (account, prompt) = (account.clone(), prompt.to_owned());
        let reference = uuid::Uuid::new_v4().to_string();
        self.run(move |l| l.open(&reference, &account, &prompt, batch.as_ref()))
            .await
    }

    /// Records an Enhance of `parent_image` before it is sent; its prompt is the parent's.
    pub async fn open_enhancement(
        &self,
        account: &Account,
        prompt: &str,
        parent_image: i64,
        scale: EnhanceScale,
    ) -> Result<Job, StoreError> {
        let (account, prompt) = (account.clone(), prompt.to_owned());
        let reference = uuid::Uuid::new_v4().to_string();
        let open = move |l: &BlockingLedger| {
            l.open_enhancement(&reference, &account, &prompt, parent_image, scale)
        };
        self.run(open).await
    }

    /// The service has the job under `remote_id`; returns the job as it now stands.
    pub async fn accepted(&self, job_id: i64, remote_id: &str) -> Result<Option<Job>, StoreError> {
        let remote_id = remote_id.to_owned();
        let accept = move |l: &BlockingLedger| {
            l.accepted(job_id, &remote_id)?;
            l.read(job_id)
        };
        self.run(accept).await
    }

    /// A new status or progress; returns whether anything changed (and was announced).
    pub async fn progress(&self, job_id: i64, status: JobStatus, progress: Option<u8>) -> bool {
        self.run(move |l| l.progress(job_id, status, progress))
            .await
    }

    /// Shows a passing problem on the job, keeping its status and progress.
    pub async fn note(&self, job_id: i64, message: String) {
        self.run(move |l| l.note(job_id, &message)).await
    }

    /// What the service charged for the job.
    pub async fn credits(&self, job_id: i64, credits: u32) {
        self.run(move |l| l.credits(job_id, credits)).await
    }

    /// Every image of the job is home.
    pub async fn done(&self, job_id: i64) {
        self.run(move |l| l.done(job_id)).await
    }

    /// An image of a live job is home, and announced.
    pub async fn image(&self, job_id: i64, arrived: Arrival) -> Result<(), StoreError> {
        self.run(move |l| l.image(job_id, &arrived)).await
    }

    /// An imported job's image, kept quiet like the job until `imported`.
    pub async fn import_image(&self, job_id: i64, arrived: Arrival) -> Result<(), StoreError> {
        self.run(move |l| l.import_image(job_id, &arrived)).await
    }

    /// An imported job is home (or some of its images could not come): announced once,
    /// already finished.
    pub async fn imported(&self, job_id: i64, problem: Option<String>) {
        self.run(move |l| l.imported(job_id, problem.as_deref()))
            .await
    }

    /// A newer partial render is on disk.
    pub async fn preview(&self, job_id: i64) {
        self.run(move |l| l.preview(job_id)).await
    }

    /// Runs `work` with the blocking ledger on the blocking pool.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&BlockingLedger) -> T + Send + 'static,
    ) -> T {
        let ledger = self.blocking.clone();
        blocking::run(move || work(&ledger)).await
    }
}
