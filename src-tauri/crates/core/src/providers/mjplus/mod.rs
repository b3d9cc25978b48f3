//! The midjourney-proxy API ("mj-plus"): self-hosted servers and the relays that speak it.
//! `POST /mj/submit/…` starts a task (imagine, action, modal, describe, blend) and answers by
//! `code`; `GET /mj/task/{id}/fetch` polls one, `POST /mj/task/list-by-condition` many. A
//! speed mode is the same routes under `/mj-fast`, `/mj-relax` or `/mj-turbo`.

mod health;
mod reply;
mod tasks;
mod wire;

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{json, Value};
use url::Url;

use super::http::{Clients, Credential};
use super::{
    Asset, BlendShape, Capabilities, Health, HttpApi, ImageData, Provider, ProviderError,
    ProviderKind, RemoteJob, RemoteState, Sent,
};
use crate::accounts::{AccountOptions, AuthStyle, SpeedMode};
use crate::secrets::Secret;
use reply::Answer;
use wire::{data_url, SubmitReply, Task};

/// Self-hosted servers run on this computer by default; relays give their own address.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";
const SERVICE: &str = "midjourney-proxy";
/// Ids are short digit strings and go in a JSON body: fifty keep a request small.
const BATCH_LIMIT: usize = 50;

pub struct MjPlus {
    api: HttpApi,
    /// Kept to try the other way of sending it when the server refuses this one (health).
    secret: Option<Secret>,
    auth: AuthStyle,
    speed: Option<SpeedMode>,
}

impl MjPlus {
    /// `secret` is none for a server run without one (or not pasted yet): nothing is sent.
    pub fn new(
        clients: &Clients,
        base_url: &str,
        secret: Option<Secret>,
        options: &AccountOptions,
    ) -> Result<Self, ProviderError> {
        let credential = credential(options.auth, secret.as_ref());
        Ok(Self {
            api: HttpApi::new(clients, base_url, credential, SERVICE)?,
            secret,
            auth: options.auth,
            speed: options.speed,
        })
    }

    /// A route under the account's speed mode.
    fn route(&self, path: &str) -> String {
        format!("{}{path}", prefix(self.speed))
    }

    async fn send(&self, path: &str, body: &Value) -> Result<Answer, ProviderError> {
        let reply: SubmitReply = self
            .api
            .post_json(&self.route(path), body)
            .await
            .map_err(|e| self.no_mode(e))?;
        reply::read(&reply)
    }

    /// Sends something that starts a task of its own (never a modal one).
    async fn start(&self, path: &str, body: &Value) -> Result<RemoteJob, ProviderError> {
        let task_id = match self.send(path, body).await? {
            Answer::Started { task_id, ahead } => return Ok(queued(task_id, ahead)),
            // The same request made before: that task is followed, never a second one.
            Answer::Existing { task_id, .. } => task_id,
        };
        Ok(queued(task_id, None))
    }

    async fn task(&self, remote_id: &str) -> Result<Task, ProviderError> {
        let path = self.route(&format!("/task/{}/fetch", encode(remote_id)));
        match self.api.get_json::<Value>(&path).await? {
            // Some servers answer an unknown id with `null` rather than 404.
            Value::Null => Err(ProviderError::NotFound { service: SERVICE }),
            task => serde_json::from_value(task).map_err(|e| ProviderError::BadResponse {
                service: SERVICE,
                detail: format!("the task was not an object ({e})"),
            }),
        }
    }

    /// A 404 under a speed mode's routes means the server has no such mode.
    fn no_mode(&self, e: ProviderError) -> ProviderError {
        match (e, self.speed) {
            (ProviderError::NotFound { .. }, Some(speed)) => ProviderError::Rejected {
                service: SERVICE,
                detail: format!(
                    "it has no {} mode (no {} routes). Choose another speed mode in the \
                     account, or none; Test connection lists the ones it has",
                    speed_name(speed),
                    prefix(Some(speed))
                ),
            },
            (e, _) => e,
        }
    }
}

#[async_trait]
impl Provider for MjPlus {
    fn kind(&self) -> ProviderKind {
        ProviderKind::MjPlus
    }

    async fn submit(&self, prompt: &str, reference: &str) -> Result<RemoteJob, ProviderError> {
        self.submit_with_images(prompt, reference, &[]).await
    }

    async fn submit_with_images(
        &self,
        prompt: &str,
        reference: &str,
        images: &[ImageData],
    ) -> Result<RemoteJob, ProviderError> {
        let mut body = json!({ "prompt": prompt, "state": reference });
        if !images.is_empty() {
            body["base64Array"] = images.iter().map(data_url).collect();
        }
        self.start("/submit/imagine", &body).await
    }

    async fn act(&self, remote_id: &str, custom_id: &str) -> Result<Sent, ProviderError> {
        let body = json!({ "taskId": remote_id, "customId": custom_id });
        let (task_id, suggested) = match self.send("/submit/action", &body).await? {
            Answer::Started { task_id, ahead } => return Ok(Sent::Started(queued(task_id, ahead))),
            Answer::Existing { task_id, suggested } => (task_id, suggested),
        };
        // Code 21 is both "already exists" and "waiting for the modal step": the task says.
        let task = self.task(&task_id).await?;
        if task.status() == "MODAL" {
            let suggested = task.final_prompt().or(suggested).or_else(|| task.prompt());
            return Ok(Sent::NeedsPrompt {
                remote_id: task_id,
                suggested,
            });
        }
        Ok(Sent::Started(RemoteJob {
            remote_id: task_id,
            state: self.api.tame(tasks::state_of(&task)),
            ahead: None,
        }))
    }

    async fn confirm(
        &self,
        remote_id: &str,
        prompt: &str,
        mask: Option<&ImageData>,
    ) -> Result<RemoteJob, ProviderError> {
        let mut body = json!({ "taskId": remote_id, "prompt": prompt });
        if let Some(mask) = mask {
            body["maskBase64"] = data_url(mask).into();
        }
        self.start("/submit/modal", &body).await
    }

    async fn describe(&self, image: &ImageData) -> Result<RemoteJob, ProviderError> {
        self.start("/submit/describe", &json!({ "base64": data_url(image) }))
            .await
    }

    async fn blend(
        &self,
        images: &[ImageData],
        shape: BlendShape,
    ) -> Result<RemoteJob, ProviderError> {
        if !(2..=5).contains(&images.len()) {
            return Err(ProviderError::Rejected {
                service: SERVICE,
                detail: format!(
                    "a Blend takes 2 to 5 pictures, not {}: select between two and five",
                    images.len()
                ),
            });
        }
        let body = json!({
            "base64Array": images.iter().map(data_url).collect::<Vec<_>>(),
            "dimensions": dimensions(shape),
        });
        self.start("/submit/blend", &body).await
    }

    async fn poll(&self, remote_id: &str) -> Result<RemoteState, ProviderError> {
        let task = self.task(remote_id).await?;
        Ok(self.api.tame(tasks::state_of(&task)))
    }

    fn batch_limit(&self) -> usize {
        BATCH_LIMIT
    }

    async fn poll_batch(
        &self,
        remote_ids: &[String],
    ) -> Result<HashMap<String, RemoteState>, ProviderError> {
        let path = self.route("/task/list-by-condition");
        let list: Vec<Value> = self
            .api
            .post_json(&path, &json!({ "ids": remote_ids }))
            .await?;
        Ok(wire::tasks(list)
            .iter()
            .filter_map(|task| Some((task.id()?, task)))
            // Checked here too: a server that ignores the ids must not mix up jobs.
            .filter(|(id, _)| remote_ids.contains(id))
            .map(|(id, task)| (id, self.api.tame(tasks::state_of(task))))
            .collect())
    }

    /// The API keeps no reference of ours that it can be asked by, so a submission whose
    /// answer was lost cannot be found again; saying so (not as a passing failure) makes the
    /// engine ask the person to check rather than send it twice.
    async fn find_by_reference(
        &self,
        _reference: &str,
    ) -> Result<Option<RemoteJob>, ProviderError> {
        Err(ProviderError::Rejected {
            service: SERVICE,
            detail: "it cannot look a task up by Atelier's reference".into(),
        })
    }

    async fn health(&self) -> Result<Health, ProviderError> {
        health::check(self).await
    }

    async fn fetch_asset(&self, url: &Url) -> Result<Asset, ProviderError> {
        // The secret goes only to the server's own origin, never to the CDN.
        self.api.fetch(url).await.map(Asset::Http)
    }

    fn capabilities(&self) -> Capabilities {
        capabilities()
    }

    fn typical_duration(&self) -> Duration {
        Duration::from_secs(50)
    }
}

/// Every Midjourney action, and pictures sent as data.
pub fn capabilities() -> Capabilities {
    Capabilities {
        actions: true,
        image_data: true,
        ..Capabilities::default()
    }
}

fn queued(remote_id: String, ahead: Option<u32>) -> RemoteJob {
    RemoteJob {
        remote_id,
        state: RemoteState::Queued,
        ahead,
    }
}

fn credential(auth: AuthStyle, secret: Option<&Secret>) -> Credential {
    match (auth, secret) {
        (AuthStyle::MjApiSecret, Some(s)) => Credential::Header("mj-api-secret", s.clone()),
        (AuthStyle::Bearer, Some(s)) => Credential::Bearer(s.clone()),
        (AuthStyle::NoSecret, _) | (_, None) => Credential::Nothing,
    }
}

fn prefix(speed: Option<SpeedMode>) -> &'static str {
    match speed {
        None => "/mj",
        Some(SpeedMode::Fast) => "/mj-fast",
        Some(SpeedMode::Relax) => "/mj-relax",
        Some(SpeedMode::Turbo) => "/mj-turbo",
    }
}

fn speed_name(speed: SpeedMode) -> &'static str {
    match speed {
        SpeedMode::Fast => "fast",
        SpeedMode::Relax => "relax",
        SpeedMode::Turbo => "turbo",
    }
}

fn dimensions(shape: BlendShape) -> &'static str {
    match shape {
        BlendShape::Portrait => "PORTRAIT",
        BlendShape::Square => "SQUARE",
        BlendShape::Landscape => "LANDSCAPE",
    }
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
#[path = "wire_proptests.rs"]
mod proptests;
