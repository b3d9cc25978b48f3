//! The ledger's writes as they are: each a short SQLite write that may wait on the disk, for
//! code already on the blocking pool (the engine's own methods, and work inside
//! `blocking::run`). Async code uses `Ledger`, which runs these there.

use super::{Arrival, JobSink};
use crate::accounts::Account;
use crate::job::{Batch, Job, JobStatus, Slot, SourceRole};
use crate::providers::{ActionButton, ActionKind, EnhanceScale, PastItem, ProviderKind};
use crate::store::{Layout, NewImage, PastJob, Store, StoreError};

#[derive(Clone)]
pub(in crate::engine) struct BlockingLedger {
    store: Store,
    sink: JobSink,
}

impl BlockingLedger {
    pub fn new(store: Store, sink: JobSink) -> Self {
        Self { store, sink }
    }

    /// Every job not finished yet, oldest first.
    pub fn unfinished(&self) -> Result<Vec<Job>, StoreError> {
        self.store.unfinished_jobs()
    }

    /// The job as stored; `None` when it is gone or cannot be read (logged).
    pub fn job(&self, job_id: i64) -> Option<Job> {
        self.read(job_id)
            .inspect_err(|e| tracing::error!("reading job {job_id}: {e}"))
            .ok()
            .flatten()
    }

    pub fn read(&self, job_id: i64) -> Result<Option<Job>, StoreError> {
        self.store.job(job_id)
    }

    /// The job's slots whose images the person deleted; none when they cannot be read (logged).
    pub fn withheld(&self, job_id: i64) -> Vec<Slot> {
        self.store
            .withheld_slots(job_id)
            .inspect_err(|e| tracing::error!("reading the deleted images of job {job_id}: {e}"))
            .unwrap_or_default()
    }

    /// Records a job before anything is sent, so nothing sent is ever unrecorded.
    pub fn open(
        &self,
        reference: &str,
        account: &Account,
        prompt: &str,
        batch: Option<&Batch>,
    ) -> Result<Job, StoreError> {
        let job = self.store.insert_job(reference, account, prompt, batch)?;
        self.announce(job.id);
        Ok(job)
    }

    /// Records a prompt's job with the library pictures sent as its references (`sources`,
    /// in order), all in one transaction: the job never exists without them.
    pub fn open_referencing(
        &self,
        reference: &str,
        account: &Account,
        prompt: &str,
        sources: &[(i64, SourceRole)],
        batch: Option<&Batch>,
    ) -> Result<Job, StoreError> {
        let job = self
            .store
            .insert_job_from(reference, account, prompt, None, sources, batch)?;
        self.announce(job.id);
        Ok(job)
    }

    /// Records an Enhance of `parent_image` before it is sent; its prompt is the parent's.
    pub fn open_enhancement(
        &self,
        reference: &str,
        account: &Account,
        prompt: &str,
        parent_image: i64,
        scale: EnhanceScale,
    ) -> Result<Job, StoreError> {
        let job = self
            .store
            .insert_enhancement(reference, account, prompt, parent_image, scale)?;
        self.announce(job.id);
        Ok(job)
    }

    /// Records a job made by an action, a Describe or a Blend (`made`: what, and the
    /// button's label) from the `sources` pictures, before it is sent.
    pub fn open_made(
        &self,
        reference: &str,
        account: &Account,
        prompt: &str,
        made: (ActionKind, &str),
        sources: &[(i64, SourceRole)],
    ) -> Result<Job, StoreError> {
        let job =
            self.store
                .insert_job_from(reference, account, prompt, Some(made), sources, None)?;
        self.announce(job.id);
        Ok(job)
    }

    /// The service has the job under `remote_id`; `note` says how far back in its queue.
    pub fn accepted(
        &self,
        job_id: i64,
        remote_id: &str,
        note: Option<&str>,
    ) -> Result<(), StoreError> {
        self.store.set_remote_id(job_id, remote_id)?;
        self.store
            .set_status(job_id, JobStatus::Queued, None, note)?;
        self.announce(job_id);
        tracing::info!(remote_id, "accepted");
        Ok(())
    }

    /// The service made task `remote_id` and waits for the person's prompt; `note` says so.
    pub fn awaiting_prompt(&self, job_id: i64, remote_id: &str, note: &str) {
        self.write(job_id, "the wait for a prompt", || {
            self.store.set_remote_id(job_id, remote_id)?;
            let status = JobStatus::AwaitingPrompt;
            self.store.set_status(job_id, status, None, Some(note))
        });
        tracing::info!(remote_id, "awaiting a prompt");
    }

    /// The modal step of task `remote_id` is about to leave: the id is kept first, so a crash
    /// before the answer arrives is known to have reached the service's task.
    pub fn confirming(&self, job_id: i64, remote_id: &str) -> Result<(), StoreError> {
        self.store.set_remote_id(job_id, remote_id)?;
        self.store
            .set_status(job_id, JobStatus::Submitting, None, None)?;
        self.announce(job_id);
        Ok(())
    }

    /// The person answered the modal step with `prompt`: the job shows it from now on.
    pub fn prompted(&self, job_id: i64, prompt: &str) -> Result<(), StoreError> {
        self.store.set_prompt(job_id, prompt)?;
        self.store
            .set_status(job_id, JobStatus::Submitting, None, None)?;
        self.announce(job_id);
        Ok(())
    }

    /// Another job of `provider` that already has the service's task `remote_id`.
    pub fn follower_of(&self, provider: ProviderKind, remote_id: &str, except: i64) -> Option<i64> {
        self.store
            .job_with_remote_id(provider, remote_id, except)
            .inspect_err(|e| tracing::error!("looking for task {remote_id}: {e}"))
            .ok()
            .flatten()
    }

    /// What a finished job offers next and, for a Describe, what it read; written before its
    /// pictures come, announced with `downloading`.
    pub fn outputs(&self, job_id: i64, buttons: &[ActionButton], prompts: &[String]) {
        if buttons.is_empty() && prompts.is_empty() {
            return;
        }
        if let Err(e) = self.store.set_outputs(job_id, buttons, prompts) {
            tracing::error!("recording the buttons of job {job_id}: {e}");
        }
    }

    /// Followed again at the person's request.
    pub fn reopen(&self, job_id: i64, status: JobStatus) -> Result<(), StoreError> {
        self.store.reopen(job_id, status)?;
        self.announce(job_id);
        tracing::info!(status = status.as_str(), "followed again");
        Ok(())
    }

    /// A new status or progress; returns whether anything changed (and was announced). A
    /// passing problem shown on the job is replaced by `note` (what still holds: its place in
    /// the queue), or cleared.
    pub fn progress(
        &self,
        job_id: i64,
        status: JobStatus,
        progress: Option<u8>,
        note: Option<&str>,
    ) -> bool {
        let Some(job) = self.job(job_id) else {
            return false;
        };
        if job.status == status && job.progress == progress && job.error.as_deref() == note {
            return false;
        }
        let changed = self.write(job_id, "progress", || {
            self.store.set_status(job_id, status, progress, note)
        });
        tracing::debug!(status = status.as_str(), progress, "progress");
        changed
    }

    /// Shows a passing problem on the job, keeping its status and progress.
    pub fn note(&self, job_id: i64, message: &str) {
        if let Some(job) = self.job(job_id) {
            self.note_on(&job, message);
        }
    }

    pub fn note_on(&self, job: &Job, message: &str) {
        self.write(job.id, "a problem", || {
            self.store
                .set_status(job.id, job.status, job.progress, Some(message))
        });
    }

    /// Ends the job's journey (for now) with a reason the person can act on.
    pub fn finish(&self, job_id: i64, status: JobStatus, message: &str) {
        self.write(job_id, status.as_str(), || {
            self.store.set_status(job_id, status, None, Some(message))
        });
        // The reason stays in the store, which scrubs tokens from it; the log has the status.
        tracing::info!(status = status.as_str(), "ended");
    }

    /// A job whose service task waited for a prompt that will never be sent: cancelled, and
    /// without the task's id, so it is not offered to be followed again (the task would only
    /// wait until the timeout).
    pub fn abandon_waiting(&self, job_id: i64, message: &str) {
        let status = JobStatus::Cancelled;
        self.write(job_id, status.as_str(), || {
            self.store.clear_remote_id(job_id)?;
            self.store.set_status(job_id, status, None, Some(message))
        });
        tracing::info!(status = status.as_str(), "ended");
    }

    pub fn downloading(&self, job_id: i64) {
        self.write(job_id, "downloading", || {
            self.store
                .set_status(job_id, JobStatus::Downloading, None, None)
        });
        tracing::info!("downloading");
    }

    pub fn done(&self, job_id: i64) {
        self.write(job_id, "done", || {
            self.store.set_status(job_id, JobStatus::Done, None, None)
        });
        tracing::info!("done");
    }

    /// An image of the job is home.
    pub fn image(&self, job_id: i64, arrived: &Arrival) -> Result<(), StoreError> {
        self.import_image(job_id, arrived)?;
        self.announce(job_id);
        tracing::debug!(slot = ?arrived.slot, "image saved");
        Ok(())
    }

    /// A job made earlier on the service, coming home through an import: recorded with its
    /// own date and prompt, `downloading` and without images, and not announced until they
    /// are home, so the window never counts it as being made nor tells of its ending.
    pub fn import(
        &self,
        account: &Account,
        item: &PastItem,
        created_at: i64,
        layout: &dyn Layout,
    ) -> Result<i64, StoreError> {
        let reference = uuid::Uuid::new_v4().to_string();
        let job = PastJob {
            reference: &reference,
            account,
            prompt: &item.prompt,
            remote_id: Some(&item.remote_id),
            created_at,
            status: JobStatus::Downloading,
            error: None,
            images: &[],
        };
        let ids = self.store.insert_past_jobs(&[job], layout)?;
        ids.first()
            .copied()
            .ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
    }

    /// An image's width and height; `None` when it is gone or cannot be read (logged).
    pub fn image_size(&self, image_id: i64) -> Option<(u32, u32)> {
        self.store
            .image(image_id)
            .inspect_err(|e| tracing::error!("reading image {image_id}: {e}"))
            .ok()
            .flatten()
            .map(|i| (i.width, i.height))
    }

    /// An imported job's image, kept quiet like the job until `imported`.
    pub fn import_image(&self, job_id: i64, arrived: &Arrival) -> Result<(), StoreError> {
        self.store.put_image(job_id, &row(arrived))
    }

    /// An imported job is home (or some of its images could not come): announced once,
    /// already finished.
    pub fn imported(&self, job_id: i64, problem: Option<&str>) {
        match problem {
            None => self.done(job_id),
            Some(why) => self.finish(job_id, JobStatus::DownloadFailed, why),
        }
    }

    pub fn credits(&self, job_id: i64, credits: u32) {
        self.write(job_id, "credits", || {
            self.store.set_credits(job_id, credits)
        });
    }

    /// A newer partial render is on disk.
    pub fn preview(&self, job_id: i64) {
        self.write(job_id, "a preview", || self.store.bump_preview(job_id));
    }

    /// Writes, then announces; a failed write is logged and not announced.
    fn write(
        &self,
        job_id: i64,
        what: &str,
        write: impl FnOnce() -> Result<(), StoreError>,
    ) -> bool {
        match write() {
            Ok(()) => {
                self.announce(job_id);
                true
            }
            Err(e) => {
                tracing::error!("recording {what} of job {job_id}: {e}");
                false
            }
        }
    }

    /// Tells listeners the job's current state, straight from the store.
    fn announce(&self, job_id: i64) {
        if let Some(job) = self.job(job_id) {
            (self.sink)(&job);
        }
    }
}

fn row(arrived: &Arrival) -> NewImage<'_> {
    let (saved, url) = (&arrived.saved, arrived.url.as_deref());
    NewImage {
        slot: arrived.slot,
        file: &saved.file,
        thumb: &saved.thumb,
        width: saved.width,
        height: saved.height,
        bytes: saved.bytes,
        source_url: url,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::job::Slot;
    use crate::media::SavedImage;

    /// A ledger and the statuses its listener heard, in order.
    fn listened(store: &Store) -> (BlockingLedger, Arc<Mutex<Vec<JobStatus>>>) {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let log = heard.clone();
        let sink: JobSink = Arc::new(move |job: &Job| log.lock().unwrap().push(job.status));
        (BlockingLedger::new(store.clone(), sink), heard)
    }

    /// Each announcement tells the state just written (one told before its write would tell
    /// the one before).
    #[test]
    fn every_change_is_written_then_announced_and_a_failed_write_is_not() {
        let store = Store::open_in_memory().unwrap();
        let account = store.accounts().unwrap().remove(0);
        let (ledger, heard) = listened(&store);
        let job = ledger.open("ref-1", &account, "a kite", None).unwrap();
        ledger.accepted(job.id, "remote-1", None).unwrap();
        assert!(ledger.progress(job.id, JobStatus::Running, Some(40), None));
        assert!(
            !ledger.progress(job.id, JobStatus::Running, Some(40), None),
            "no change"
        );
        ledger.note(job.id, "HTTP 503, trying again");
        ledger.finish(job.id, JobStatus::Failed, "The service gave up.");
        use JobStatus::*;
        assert_eq!(
            *heard.lock().unwrap(),
            [Submitting, Queued, Running, Running, Failed]
        );

        // An image of a job that does not exist breaks the schema's rules: an error, and
        // nothing told.
        let saved = SavedImage {
            file: "jobs/404/grid.png".into(),
            thumb: "jobs/404/grid.thumb.jpg".into(),
            width: 2,
            height: 2,
            bytes: 10,
        };
        let slot = Slot::Grid;
        let arrived = Arrival {
            slot,
            saved,
            url: None,
        };
        assert!(ledger.image(404, &arrived).is_err());
        assert!(!ledger.progress(404, JobStatus::Running, None, None));
        assert_eq!(heard.lock().unwrap().len(), 5);
    }
}
