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
use super::actions::MadeFrom;
use super::blocking;
use crate::accounts::Account;
use crate::job::{Batch, Job, JobStatus, Slot, SourceRole};
use crate::media::SavedImage;
use crate::providers::{EnhanceScale, ProviderKind};
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

    /// Records a prompt's job with its references (library pictures sent with it), in the
    /// job's own transaction.
    pub async fn open_referencing(
        &self,
        account: &Account,
        prompt: &str,
        sources: Vec<(i64, SourceRole)>,
        batch: Option<Batch>,
    ) -> Result<Job, StoreError> {
        let (account, prompt) = (account.clone(), prompt.to_owned());
        let reference = uuid::Uuid::new_v4().to_string();
        let open = move |l: &BlockingLedger| {
            l.open_referencing(&reference, &account, &prompt, &sources, batch.as_ref())
        };
        self.run(open).await
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

    /// Records a job made by an action, a Describe or a Blend before it is sent.
    pub async fn open_made(&self, account: &Account, made: &MadeFrom) -> Result<Job, StoreError> {
        let (account, made) = (account.clone(), made.clone());
        let reference = uuid::Uuid::new_v4().to_string();
        let open = move |l: &BlockingLedger| {
            let what = (made.action, made.label.as_str());
            l.open_made(&reference, &account, &made.prompt, what, &made.sources)
        };
        self.run(open).await
    }

    /// The service has the job under `remote_id`; returns the job as it now stands. `note`
    /// says how far back in the service's queue it is.
    pub async fn accepted(
        &self,
        job_id: i64,
        remote_id: &str,
        note: Option<String>,
    ) -> Result<Option<Job>, StoreError> {
        let remote_id = remote_id.to_owned();
        let accept = move |l: &BlockingLedger| {
            l.accepted(job_id, &remote_id, note.as_deref())?;
            l.read(job_id)
        };
        self.run(accept).await
    }

    /// The service made task `remote_id` and waits for the person's prompt.
    pub async fn awaiting_prompt(&self, job_id: i64, remote_id: &str, note: String) {
        let remote_id = remote_id.to_owned();
        self.run(move |l| l.awaiting_prompt(job_id, &remote_id, &note))
            .await
    }

    /// The modal step of task `remote_id` is about to leave.
    pub async fn confirming(&self, job_id: i64, remote_id: &str) -> Result<(), StoreError> {
        let remote_id = remote_id.to_owned();
        self.run(move |l| l.confirming(job_id, &remote_id)).await
    }

    /// The person answered the modal step with `prompt`.
    pub async fn prompted(&self, job_id: i64, prompt: &str) -> Result<(), StoreError> {
        let prompt = prompt.to_owned();
        self.run(move |l| l.prompted(job_id, &prompt)).await
    }

    /// Another job of `provider` that already has the service's task `remote_id`.
    pub async fn follower_of(
        &self,
        provider: ProviderKind,
        remote_id: &str,
        except: i64,
    ) -> Option<i64> {
        let remote_id = remote_id.to_owned();
        self.run(move |l| l.follower_of(provider, &remote_id, except))
            .await
    }

    /// A new status or progress; returns whether anything changed (and was announced).
    /// `note`: what still holds while it waits (its place in the queue), or none.
    pub async fn progress(
        &self,
        job_id: i64,
        status: JobStatus,
        progress: Option<u8>,
        note: Option<String>,
    ) -> bool {
        self.run(move |l| l.progress(job_id, status, progress, note.as_deref()))
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
