//! Getting a prompt to the service exactly once. The row is written before the request
//! leaves; when the answer is lost, the service is asked by reference whether it has the job,
//! and the prompt is sent again only once the service has said it never got it.

use std::sync::Arc;
use std::time::Duration;

use tracing::Instrument;

use super::spans::job_span;
use super::Engine;
use crate::accounts::Account;
use crate::job::{Batch, Job, JobStatus, SourceRole};
use crate::providers::{ImageData, Provider, ProviderError, RemoteJob};
use crate::store::StoreError;

/// How many more times a prompt the service confirmed it never got is sent.
const RESENDS: u32 = 2;

/// A prompt as it goes to the service: its text (with reference addresses where the service
/// reads them there) and pictures sent as data. The job records the person's own prompt.
#[derive(Debug, Clone, Default)]
pub struct Outgoing {
    pub text: String,
    pub images: Vec<ImageData>,
}

impl Outgoing {
    /// A prompt with nothing beside it.
    pub fn text(prompt: &str) -> Arc<Outgoing> {
        Arc::new(Outgoing {
            text: prompt.to_owned(),
            images: Vec::new(),
        })
    }

    async fn send(
        &self,
        provider: &dyn Provider,
        reference: &str,
    ) -> Result<RemoteJob, ProviderError> {
        if self.images.is_empty() {
            provider.submit(&self.text, reference).await
        } else {
            (provider.submit_with_images(&self.text, reference, &self.images)).await
        }
    }
}

impl Engine {
    /// Records the job, sends it, and starts following it. Returns once the first attempt
    /// is answered; a lost answer is settled in the background.
    pub async fn submit(
        &self,
        provider: Arc<dyn Provider>,
        account: &Account,
        prompt: &str,
        batch: Option<Batch>,
    ) -> Result<Job, StoreError> {
        let job = self.ctx().ledger().open(account, prompt, batch).await?;
        let span = job_span(job.id);
        let outgoing = Outgoing::text(prompt);
        self.send(provider, job, outgoing).instrument(span).await
    }

    /// As [`Engine::submit`], the job recorded with the library pictures sent as its
    /// references (`sources`), and `outgoing` what goes to the service in its place.
    pub async fn submit_referencing(
        &self,
        provider: Arc<dyn Provider>,
        account: &Account,
        prompt: &str,
        outgoing: Outgoing,
        sources: Vec<(i64, SourceRole)>,
        batch: Option<Batch>,
    ) -> Result<Job, StoreError> {
        let ledger = self.ctx().ledger();
        let job = ledger
            .open_referencing(account, prompt, sources, batch)
            .await?;
        let span = job_span(job.id);
        (self.send(provider, job, Arc::new(outgoing)))
            .instrument(span)
            .await
    }

    /// The first attempt at sending a recorded job; returns the job as it then stands.
    async fn send(
        &self,
        provider: Arc<dyn Provider>,
        job: Job,
        outgoing: Arc<Outgoing>,
    ) -> Result<Job, StoreError> {
        tracing::info!(reference = job.reference, "sending");
        match outgoing.send(provider.as_ref(), &job.reference).await {
            Ok(remote) => self.accepted(&provider, job.id, remote).await?,
            Err(e) if e.answer_lost() => {
                self.checking(&job, &e).await;
                self.settle_later(provider, &job, Some(outgoing));
            }
            Err(e) => self.refused(&job, &e).await,
        }
        let stored = self.ctx().ledger().read(job.id).await?;
        Ok(stored.unwrap_or(job))
    }

    /// Settles a job whose submission may or may not have arrived (a lost answer, or a
    /// crash between sending and recording the reply); `outgoing` is sent again if the
    /// service says it never got it (none: it cannot be, and the job ends failed).
    pub(super) fn settle_later(
        &self,
        provider: Arc<dyn Provider>,
        job: &Job,
        outgoing: Option<Arc<Outgoing>>,
    ) {
        let (engine, job) = (self.clone(), job.clone());
        let span = job_span(job.id);
        let settle = async move {
            if let Err(e) = engine.settle(provider, &job, outgoing.as_deref()).await {
                tracing::error!("settling job {}: {e}", job.id);
            }
        };
        tokio::spawn(settle.instrument(span));
    }

    async fn settle(
        &self,
        provider: Arc<dyn Provider>,
        job: &Job,
        outgoing: Option<&Outgoing>,
    ) -> Result<(), StoreError> {
        let mut resends = 0;
        loop {
            match find_with_retries(provider.as_ref(), &job.reference).await {
                Ok(Some(remote)) => return self.accepted(&provider, job.id, remote).await,
                Ok(None) if resends < RESENDS => {
                    let Some(outgoing) = outgoing else {
                        let why = format!(
                            "{} never received this job, so nothing was charged. It went with \
                             pictures from the library: send it again from the prompt bar.",
                            provider.kind().display_name()
                        );
                        self.ctx().finish(job.id, JobStatus::Failed, why).await;
                        return Ok(());
                    };
                    resends += 1;
                    tokio::time::sleep(Duration::from_secs(1) * 2u32.pow(resends)).await;
                    if self.cancelled(job.id).await {
                        return Ok(());
                    }
                    match outgoing.send(provider.as_ref(), &job.reference).await {
                        Ok(remote) => return self.accepted(&provider, job.id, remote).await,
                        Err(e) if e.answer_lost() => self.checking(job, &e).await,
                        Err(e) => {
                            self.refused(job, &e).await;
                            return Ok(());
                        }
                    }
                }
                Ok(None) => {
                    let why = format!(
                        "{} never received this job after {} tries, so nothing was charged. \
                         Run it again later.",
                        provider.kind().display_name(),
                        RESENDS + 1
                    );
                    self.ctx().finish(job.id, JobStatus::Failed, why).await;
                    return Ok(());
                }
                Err(e) => {
                    let why = format!(
                        "{e} Atelier cannot tell whether {} received this job. Check your \
                         account's history there before running it again, so you do not pay \
                         twice.",
                        provider.kind().display_name()
                    );
                    self.ctx().finish(job.id, JobStatus::Unknown, why).await;
                    return Ok(());
                }
            }
        }
    }

    async fn checking(&self, job: &Job, e: &ProviderError) {
        let note = format!("{e} Checking whether the job arrived before sending it again.");
        self.ctx().ledger().note(job.id, note).await;
    }

    async fn cancelled(&self, job_id: i64) -> bool {
        let job = self.ctx().ledger().job(job_id).await;
        job.is_some_and(|j| j.status == JobStatus::Cancelled)
    }

    /// The service said no, or was never reached: nothing was made, so nothing was charged.
    pub(super) async fn refused(&self, job: &Job, e: &ProviderError) {
        if let (true, Some(account_id)) = (e.is_auth(), job.account_id) {
            let message = e.to_string();
            self.ctx().token_rejected(account_id, message).await;
        }
        let why = match e {
            ProviderError::NotSent { .. } => e.to_string(),
            ProviderError::Unreachable { service, detail } => format!(
                "Atelier could not reach {service} ({detail}): the job was not sent and nothing \
                 was charged. Check your connection and the account's address, then run it again."
            ),
            e => format!("{e} Nothing was charged."),
        };
        self.ctx().finish(job.id, JobStatus::Failed, why).await;
    }
}

/// A lookup that fails for a passing reason is worth a few more tries before giving up.
async fn find_with_retries(
    provider: &dyn Provider,
    reference: &str,
) -> Result<Option<RemoteJob>, ProviderError> {
    let mut wait = Duration::from_millis(500);
    for _ in 0..3 {
        match provider.find_by_reference(reference).await {
            Err(e) if e.is_transient() => {
                tokio::time::sleep(e.retry_after().unwrap_or(wait)).await;
                wait *= 2;
            }
            other => return other,
        }
    }
    provider.find_by_reference(reference).await
}
