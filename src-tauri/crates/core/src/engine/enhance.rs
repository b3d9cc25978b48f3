//! Sending an Enhance exactly once. As for a prompt, the row is written before the request
//! leaves; unlike a prompt, the service keeps no reference of ours for it, so an answer that
//! may have been lost cannot be looked up: the job ends `unknown`, never sent again.

use std::sync::Arc;

use super::ledger::Ledger;
use super::wording::lost;
use super::Engine;
use crate::accounts::Account;
use crate::job::{Job, JobStatus};
use crate::media::Ceiling;
use crate::providers::{EnhanceScale, Provider, ProviderError, RemoteImage};
use crate::store::StoreError;

/// What an Enhance starts from: an upscale of a finished job.
pub struct EnhanceSource {
    /// The upscale's image id in the library.
    pub image_id: i64,
    /// The prompt of its job, which the Enhance job shows as its own.
    pub prompt: String,
    pub remote: RemoteImage,
}

impl Engine {
    /// Records the Enhance job, sends it once, and follows it like any job.
    pub async fn enhance(
        &self,
        provider: Arc<dyn Provider>,
        account: &Account,
        source: EnhanceSource,
        scale: EnhanceScale,
    ) -> Result<Job, StoreError> {
        let reference = uuid::Uuid::new_v4().to_string();
        let (account, prompt, image) = (account.clone(), source.prompt.clone(), source.image_id);
        let open =
            move |l: &Ledger| l.open_enhancement(&reference, &account, &prompt, image, scale);
        let job = self.ctx().ledger().off(open).await?;
        match provider.enhance(&source.remote, scale).await {
            Ok(remote) => self.accepted_off(provider, job.id, remote).await?,
            // Turned away before it was looked at: nothing was started.
            Err(e @ ProviderError::RateLimited { .. }) => self.not_started(&job, &e).await,
            Err(e) if e.answer_lost() => {
                let why = format!("{e} {}", lost(provider.kind()));
                self.ctx().finish_off(job.id, JobStatus::Unknown, why).await;
            }
            Err(e) => self.refused(&job, &e).await,
        }
        let id = job.id;
        let stored = self.ctx().ledger().off(move |l| l.read(id)).await?;
        Ok(stored.unwrap_or(job))
    }

    async fn not_started(&self, job: &Job, e: &ProviderError) {
        let why = format!("{e} The Enhance was not started, so nothing was charged: try again.");
        self.ctx().finish_off(job.id, JobStatus::Failed, why).await;
    }
}

/// How large job `job_id`'s pictures may be: an Enhance's, as large as its parent's size ×
/// its factor makes them; any other job's, the ordinary bomb check. Blocking: SQLite.
pub(super) fn download_ceiling(ledger: &Ledger, job_id: i64) -> Ceiling {
    match ledger.job(job_id).and_then(|j| j.enhancement) {
        Some(made) => {
            let parent = made.parent.and_then(|p| ledger.image_size(p.image_id));
            Ceiling::enhanced(parent, made.scale.factor())
        }
        None => Ceiling::ORDINARY,
    }
}
