//! Getting a prompt to the service exactly once. The row is written before the request
//! leaves; when the answer is lost, the service is asked by reference whether it has the job,
//! and the prompt is sent again only once the service has said it never got it.

use std::sync::Arc;
use std::time::Duration;

use super::engine::Engine;
use crate::accounts::Account;
use crate::job::{Job, JobStatus};
use crate::providers::{Provider, ProviderError, RemoteJob};
use crate::store::StoreError;

/// How many more times a prompt the service confirmed it never got is sent.
const RESENDS: u32 = 2;

impl Engine {
    /// Records the job, sends it, and starts following it. Returns once the first attempt
    /// is answered; a lost answer is settled in the background.
    pub async fn submit(
        &self,
        provider: Arc<dyn Provider>,
        account: &Account,
        prompt: &str,
    ) -> Result<Job, StoreError> {
        let reference = uuid::Uuid::new_v4().to_string();
        let job = self.inner.ledger.open(&reference, account, prompt)?;
        match provider.submit(prompt, &reference).await {
            Ok(remote) => self.accepted(&provider, job.id, remote)?,
            Err(e) if e.is_transient() => {
                self.checking(&job, &e);
                self.settle_later(provider, &job);
            }
            Err(e) => self.refused(&job, &e),
        }
        Ok(self.inner.store.job(job.id)?.unwrap_or(job))
    }

    /// Settles a job whose submission may or may not have arrived (a lost answer, or a
    /// crash between sending and recording the reply).
    pub(super) fn settle_later(&self, provider: Arc<dyn Provider>, job: &Job) {
        let (engine, job) = (self.clone(), job.clone());
        tokio::spawn(async move {
            if let Err(e) = engine.settle(provider, &job).await {
                tracing::error!("settling job {}: {e}", job.id);
            }
        });
    }

    async fn settle(&self, provider: Arc<dyn Provider>, job: &Job) -> Result<(), StoreError> {
        let mut resends = 0;
        loop {
            match find_with_retries(provider.as_ref(), &job.reference).await {
                Ok(Some(remote)) => return self.accepted(&provider, job.id, remote),
                Ok(None) if resends < RESENDS => {
                    resends += 1;
                    tokio::time::sleep(Duration::from_secs(1) * 2u32.pow(resends)).await;
                    if self.cancelled(job.id) {
                        return Ok(());
                    }
                    match provider.submit(&job.prompt, &job.reference).await {
                        Ok(remote) => return self.accepted(&provider, job.id, remote),
                        Err(e) if e.is_transient() => self.checking(job, &e),
                        Err(e) => {
                            self.refused(job, &e);
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
                    self.inner.finish(job.id, JobStatus::Failed, &why);
                    return Ok(());
                }
                Err(e) => {
                    let why = format!(
                        "{e} Atelier cannot tell whether {} received this job. Check your \
                         account's history there before running it again, so you do not pay \
                         twice.",
                        provider.kind().display_name()
                    );
                    self.inner.finish(job.id, JobStatus::Unknown, &why);
                    return Ok(());
                }
            }
        }
    }

    fn checking(&self, job: &Job, e: &ProviderError) {
        let note = format!("{e} Checking whether the job arrived before sending it again.");
        self.inner.ledger.note(job.id, &note);
    }

    fn cancelled(&self, job_id: i64) -> bool {
        let job = self.inner.ledger.job(job_id);
        job.is_some_and(|j| j.status == JobStatus::Cancelled)
    }

    /// The service said no: nothing was made, so nothing was charged.
    fn refused(&self, job: &Job, e: &ProviderError) {
        if e.is_auth() {
            self.token_rejected(job.account_id, e);
        }
        let why = match e {
            ProviderError::NotSent { .. } => e.to_string(),
            e => format!("{e} Nothing was charged."),
        };
        self.inner.finish(job.id, JobStatus::Failed, &why);
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
