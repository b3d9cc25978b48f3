//! Sending an Enhance exactly once. As for a prompt, the row is written before the request
//! leaves; unlike a prompt, the service keeps no reference of ours for it, so an answer that
//! may have been lost cannot be looked up: the job ends `unknown`, never sent again.

use std::sync::Arc;

use tracing::Instrument;

use super::ledger::BlockingLedger;
use super::spans::job_span;
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
        let ledger = self.ctx().ledger();
        let (prompt, image) = (&source.prompt, source.image_id);
        let job = ledger
            .open_enhancement(account, prompt, image, scale)
            .await?;
        let span = job_span(job.id);
        self.send_enhance(provider, job, &source, scale)
            .instrument(span)
            .await
    }

    /// The one attempt at sending a recorded Enhance; returns the job as it then stands.
    async fn send_enhance(
        &self,
        provider: Arc<dyn Provider>,
        job: Job,
        source: &EnhanceSource,
        scale: EnhanceScale,
    ) -> Result<Job, StoreError> {
        tracing::info!(reference = job.reference, "sending");
        match provider.enhance(&source.remote, scale).await {
            Ok(remote) => self.accepted(&provider, job.id, remote).await?,
            // Turned away before it was looked at: nothing was started.
            Err(e @ ProviderError::RateLimited { .. }) => self.not_started(&job, &e).await,
            Err(e) if e.answer_lost() => {
                let why = format!("{e} {}", lost(provider.kind(), "Enhance"));
                self.ctx().finish(job.id, JobStatus::Unknown, why).await;
            }
            Err(e) => self.refused(&job, &e).await,
        }
        let stored = self.ctx().ledger().read(job.id).await?;
        Ok(stored.unwrap_or(job))
    }

    async fn not_started(&self, job: &Job, e: &ProviderError) {
        let why = format!("{e} The Enhance was not started, so nothing was charged: try again.");
        self.ctx().finish(job.id, JobStatus::Failed, why).await;
    }
}

/// How large `job`'s pictures may be: an Enhance's, as large as its parent's size × its
/// factor makes them; any other job's, the ordinary bomb check. Blocking: SQLite.
pub(super) fn download_ceiling(ledger: &BlockingLedger, job: Option<&Job>) -> Ceiling {
    match job.and_then(|j| j.enhancement.as_ref()) {
        Some(made) => {
            let parent = made
                .parent
                .as_ref()
                .and_then(|p| ledger.image_size(p.image_id));
            Ceiling::enhanced(parent, made.scale.factor())
        }
        None => Ceiling::ORDINARY,
    }
}
