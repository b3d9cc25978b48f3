//! Sending Midjourney's actions, Describes and Blends exactly once. As for an Enhance, the
//! row is written before the request leaves and the service keeps no reference of ours, so
//! an answer that may have been lost ends the job `unknown`, never sent again. An action the
//! service answers with a modal step (Remix, Custom Zoom, Vary Region) either gets the
//! person's answer at once, or waits for it (`awaiting_prompt`) until they send or cancel.

use std::sync::Arc;

use tracing::Instrument;

use super::spans::job_span;
use super::wording::lost;
use super::Engine;
use crate::accounts::Account;
use crate::job::{Job, JobStatus, SourceRole};
use crate::providers::{
    ActionKind, BlendShape, ImageData, Provider, ProviderError, RemoteJob, Sent,
};
use crate::store::StoreError;

/// What a new job is made from, as its row records it.
#[derive(Debug, Clone)]
pub struct MadeFrom {
    /// What the job shows (and is searched by): the parent's prompt, or the person's answer.
    pub prompt: String,
    pub action: ActionKind,
    /// The button's label as the service showed it, or "Describe", "Blend".
    pub label: String,
    /// The library's pictures it is made from, in order.
    pub sources: Vec<(i64, SourceRole)>,
}

/// The person's answer to a modal step: the prompt, and for Vary Region the mask.
#[derive(Debug, Clone)]
pub struct Answer {
    pub prompt: String,
    pub mask: Option<ImageData>,
}

/// What is asked of the service.
#[derive(Debug, Clone)]
pub enum ActionRequest {
    /// One of a finished task's buttons, with the answer to its modal step if the person
    /// already gave it.
    Press {
        remote_id: String,
        custom_id: String,
        answer: Option<Answer>,
    },
    Describe(ImageData),
    Blend(Vec<ImageData>, BlendShape),
}

impl Engine {
    /// Records the job, sends the request once, and follows the job like any other.
    pub async fn act(
        &self,
        provider: Arc<dyn Provider>,
        account: &Account,
        made: MadeFrom,
        request: ActionRequest,
    ) -> Result<Job, StoreError> {
        let job = self.ctx().ledger().open_made(account, &made).await?;
        let span = job_span(job.id);
        let send = async {
            tracing::info!(action = made.action.as_str(), "sending");
            let sent = self.send_action(&provider, &job, request).await;
            self.settle_action(&provider, &job, sent).await?;
            self.reread(job).await
        };
        send.instrument(span).await
    }

    /// Sends the modal step of a job waiting for it (`awaiting_prompt`), once, and follows it.
    pub async fn confirm(
        &self,
        provider: Arc<dyn Provider>,
        job: Job,
        answer: Answer,
    ) -> Result<Job, StoreError> {
        let span = job_span(job.id);
        let send = async {
            let Some(remote_id) = job.remote_id.clone() else {
                return Ok(job);
            };
            self.ctx().ledger().prompted(job.id, &answer.prompt).await?;
            tracing::info!(remote_id, "sending the modal step");
            let sent = provider
                .confirm(&remote_id, &answer.prompt, answer.mask.as_ref())
                .await
                .map(Sent::Started);
            self.settle_action(&provider, &job, sent).await?;
            self.reread(job).await
        };
        send.instrument(span).await
    }

    /// The one attempt: a button pressed (and its modal step answered at once when the
    /// person already gave the answer), a Describe or a Blend.
    async fn send_action(
        &self,
        provider: &Arc<dyn Provider>,
        job: &Job,
        request: ActionRequest,
    ) -> Result<Sent, ProviderError> {
        match request {
            ActionRequest::Press {
                remote_id,
                custom_id,
                answer,
            } => {
                let sent = provider.act(&remote_id, &custom_id).await?;
                match (sent, answer) {
                    (Sent::NeedsPrompt { remote_id, .. }, Some(answer)) => {
                        self.send_answer(provider, job, &remote_id, &answer).await
                    }
                    (sent, _) => Ok(sent),
                }
            }
            ActionRequest::Describe(image) => provider.describe(&image).await.map(Sent::Started),
            ActionRequest::Blend(images, shape) => {
                provider.blend(&images, shape).await.map(Sent::Started)
            }
        }
    }

    /// The modal step, answered at once. The task's id is kept first: after a crash the job
    /// is then known to have reached it, and is never sent again.
    async fn send_answer(
        &self,
        provider: &Arc<dyn Provider>,
        job: &Job,
        remote_id: &str,
        answer: &Answer,
    ) -> Result<Sent, ProviderError> {
        let ledger = self.ctx().ledger();
        if let Err(e) = ledger.confirming(job.id, remote_id).await {
            // Unrecorded, it is not sent: a restart could not tell it left.
            tracing::error!("recording task {remote_id}: {e}");
            return Err(ProviderError::NotSent {
                service: provider.kind().display_name(),
                detail: format!("Atelier could not record the task ({e})"),
            });
        }
        let mask = answer.mask.as_ref();
        let started = provider.confirm(remote_id, &answer.prompt, mask).await?;
        Ok(Sent::Started(started))
    }

    /// Records what the service answered: started (or queued), waiting for the person's
    /// prompt, or why nothing was started.
    async fn settle_action(
        &self,
        provider: &Arc<dyn Provider>,
        job: &Job,
        sent: Result<Sent, ProviderError>,
    ) -> Result<(), StoreError> {
        match sent {
            Ok(Sent::Started(remote)) => self.started(provider, job, remote).await?,
            Ok(Sent::NeedsPrompt {
                remote_id,
                suggested,
            }) => self.awaiting(provider, job, &remote_id, suggested).await,
            // Turned away before it was looked at: nothing was started.
            Err(e @ ProviderError::RateLimited { .. }) => {
                let why = format!("{e} Nothing was started, so nothing was charged: try again.");
                self.ctx().finish(job.id, JobStatus::Failed, why).await;
            }
            Err(e @ ProviderError::QueueFull { .. }) => {
                self.ctx()
                    .finish(job.id, JobStatus::Failed, e.to_string())
                    .await;
            }
            Err(e) if e.answer_lost() => {
                let why = format!("{e} {}", lost(provider.kind(), "action"));
                self.ctx().finish(job.id, JobStatus::Unknown, why).await;
            }
            Err(e) => self.refused(job, &e).await,
        }
        Ok(())
    }

    /// A task the service started, unless another job of ours already follows it (its
    /// "already exists"): that one goes on, and this one ends saying where to look, so one
    /// task is never followed, downloaded nor counted twice.
    async fn started(
        &self,
        provider: &Arc<dyn Provider>,
        job: &Job,
        remote: RemoteJob,
    ) -> Result<(), StoreError> {
        let ledger = self.ctx().ledger();
        let kind = provider.kind();
        match ledger
            .follower_of(job.provider, &remote.remote_id, job.id)
            .await
        {
            Some(other) => {
                let why = format!(
                    "{} says this is the task job #{other} already made, so nothing new was \
                     started: its pictures arrive with that job.",
                    kind.display_name()
                );
                self.ctx().finish(job.id, JobStatus::Failed, why).await;
                Ok(())
            }
            None => self.accepted(provider, job.id, remote).await,
        }
    }

    /// The service waits for the person's prompt: nothing is followed until they send it.
    async fn awaiting(
        &self,
        provider: &Arc<dyn Provider>,
        job: &Job,
        remote_id: &str,
        suggested: Option<String>,
    ) {
        let ledger = self.ctx().ledger();
        // What the service suggests is what would be sent: the job shows it, and the
        // window offers it to edit.
        if let Some(prompt) = suggested.filter(|p| !p.trim().is_empty() && *p != job.prompt) {
            if let Err(e) = ledger.prompted(job.id, &prompt).await {
                tracing::error!("recording the suggested prompt: {e}");
            }
        }
        let note = format!(
            "{} waits for your prompt before it starts: edit it and send it, or cancel.",
            provider.kind().display_name()
        );
        ledger.awaiting_prompt(job.id, remote_id, note).await;
    }

    async fn reread(&self, job: Job) -> Result<Job, StoreError> {
        let stored = self.ctx().ledger().read(job.id).await?;
        Ok(stored.unwrap_or(job))
    }
}
