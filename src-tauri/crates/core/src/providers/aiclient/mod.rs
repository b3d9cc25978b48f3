//! AI-Client: one thread per job. `POST /threads` opens it, `POST /threads/{guid}/entry`
//! (form-encoded) sends the prompt, `GET /threads/{guid}/entries` is polled until the response
//! entry is completed with its four images. There is no grid: the pipeline composes one.

mod wire;

use async_trait::async_trait;
use url::Url;

use super::http::{Clients, Credential};
use super::{
    Asset, Health, HttpApi, Provider, ProviderError, ProviderKind, RemoteJob, RemoteState,
};
use crate::secrets::Secret;
use wire::{state_of, Entry, Envelope, Thread};

pub const DEFAULT_BASE_URL: &str = "https://app.ai-client.com/api/v1";
const SERVICE: &str = "AI-Client";

pub struct AiClient {
    api: HttpApi,
}

impl AiClient {
    pub fn new(clients: &Clients, base_url: &str, token: Secret) -> Result<Self, ProviderError> {
        Ok(Self {
            api: HttpApi::new(clients, base_url, Credential::Bearer(token), SERVICE)?,
        })
    }
}

#[async_trait]
impl Provider for AiClient {
    fn kind(&self) -> ProviderKind {
        ProviderKind::AiClient
    }

    async fn submit(&self, prompt: &str, _reference: &str) -> Result<RemoteJob, ProviderError> {
        let thread: Envelope<Thread> = self
            .api
            .post_form("/threads", &[("ai_version_code", "midjourney")])
            .await
            // An empty thread costs nothing: if it fails, the prompt surely was not sent, so
            // the engine need not wonder whether to reconcile.
            .map_err(ProviderError::not_sent)?;
        let guid = thread.data.guid;
        let form = [
            ("type", "request"),
            ("command", "imagine"),
            ("prompt", prompt),
        ];
        let entry: Envelope<Entry> = self
            .api
            .post_form(&format!("/threads/{}/entry", encode(&guid)), &form)
            .await?;
        Ok(RemoteJob {
            remote_id: guid,
            state: self.api.tame(state_of(&[entry.data])),
            ahead: None,
        })
    }

    async fn poll(&self, remote_id: &str) -> Result<RemoteState, ProviderError> {
        let reply: Envelope<Vec<Entry>> = self
            .api
            .get_json(&format!("/threads/{}/entries", encode(remote_id)))
            .await?;
        Ok(self.api.tame(state_of(&reply.data)))
    }

    /// AI-Client keeps no reference of ours, so a submission whose reply was lost cannot be
    /// found again; saying so lets the engine ask the user to check rather than resend.
    async fn find_by_reference(
        &self,
        _reference: &str,
    ) -> Result<Option<RemoteJob>, ProviderError> {
        Err(ProviderError::Rejected {
            service: SERVICE,
            detail: "it cannot look submissions up by Atelier's reference".into(),
        })
    }

    async fn health(&self) -> Result<Health, ProviderError> {
        let _: serde_json::Value = self.api.get_json("/threads").await?;
        Ok(Health {
            healthy: true,
            summary: "Token accepted by AI-Client.".into(),
        })
    }

    async fn fetch_asset(&self, url: &Url) -> Result<Asset, ProviderError> {
        self.api.fetch(url).await.map(Asset::Http)
    }
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
