//! ImagineAPI (a Directus app, hosted or self-hosted): `POST /items/images/` to submit,
//! `GET /items/images/{id}` to poll one job or `filter[id][_in]` to poll many in one request,
//! assets under `/assets/`.

mod past;
mod wire;

use std::collections::HashMap;

use async_trait::async_trait;
use serde_json::json;
use strum::VariantArray;
use url::Url;

use super::http::{Clients, Credential};
use super::{
    Asset, Capabilities, EnhanceScale, Health, HttpApi, PastPage, Provider, ProviderError,
    ProviderKind, RemoteImage, RemoteJob, RemoteState,
};
use crate::secrets::Secret;
use wire::{Envelope, Image};

pub const DEFAULT_BASE_URL: &str = "https://cl.imagineapi.dev";
const SERVICE: &str = "ImagineAPI";
/// Ids are 36-character UUIDs: fifty of them keep a request line well under 4 KB.
const BATCH_LIMIT: usize = 50;
/// Only what the poller reads, so a batch reply stays small.
const POLL_FIELDS: &str = "id,status,progress,url,upscaled_urls,error,ref";

pub struct ImagineApi {
    api: HttpApi,
}

impl ImagineApi {
    pub fn new(clients: &Clients, base_url: &str, token: Secret) -> Result<Self, ProviderError> {
        Ok(Self {
            api: HttpApi::new(clients, base_url, Credential::Bearer(token), SERVICE)?,
        })
    }

    /// Enhance (the service's paid upscaler): `POST /items/images/{id}/{index}/upscale/{scale}`
    /// makes a new image item whose `parent_id` is `image_remote_id`; its result is one WebP
    /// in `url`. `index` is 0-based (U1 is 0).
    pub async fn enhance(
        &self,
        image_remote_id: &str,
        index: u8,
        scale: EnhanceScale,
    ) -> Result<RemoteJob, ProviderError> {
        let path = format!(
            "/items/images/{}/{index}/upscale/{}",
            encode(image_remote_id),
            scale.as_str()
        );
        match self
            .api
            .post_json::<Envelope<Image>>(&path, &json!({}))
            .await
        {
            Ok(reply) => Ok(self.job(&reply.data)),
            // Directus answers 403 for ids that do not exist.
            Err(ProviderError::Forbidden { .. }) => {
                Err(ProviderError::NotFound { service: SERVICE })
            }
            Err(e) => Err(e),
        }
    }

    fn job(&self, image: &Image) -> RemoteJob {
        RemoteJob {
            remote_id: image.id.clone(),
            state: self.api.tame(image.state(self.api.base())),
            ahead: None,
        }
    }
}

#[async_trait]
impl Provider for ImagineApi {
    fn kind(&self) -> ProviderKind {
        ProviderKind::ImagineApi
    }

    async fn submit(&self, prompt: &str, reference: &str) -> Result<RemoteJob, ProviderError> {
        let body = json!({ "prompt": prompt, "ref": reference });
        let reply: Envelope<Image> = self.api.post_json("/items/images/", &body).await?;
        Ok(self.job(&reply.data))
    }

    async fn poll(&self, remote_id: &str) -> Result<RemoteState, ProviderError> {
        let path = format!("/items/images/{}", encode(remote_id));
        match self.api.get_json::<Envelope<Image>>(&path).await {
            Ok(reply) => Ok(self.api.tame(reply.data.state(self.api.base()))),
            // Directus answers 403 for ids that do not exist.
            Err(ProviderError::Forbidden { .. }) => {
                Err(ProviderError::NotFound { service: SERVICE })
            }
            Err(e) => Err(e),
        }
    }

    fn batch_limit(&self) -> usize {
        BATCH_LIMIT
    }

    fn capabilities(&self) -> Capabilities {
        capabilities()
    }

    async fn enhance(
        &self,
        source: &RemoteImage,
        scale: EnhanceScale,
    ) -> Result<RemoteJob, ProviderError> {
        ImagineApi::enhance(self, &source.job_remote_id, source.index, scale).await
    }

    async fn poll_batch(
        &self,
        remote_ids: &[String],
    ) -> Result<HashMap<String, RemoteState>, ProviderError> {
        let ids: Vec<String> = remote_ids.iter().map(|id| encode(id)).collect();
        let path = format!(
            "/items/images?filter[id][_in]={}&fields={POLL_FIELDS}&limit={}",
            ids.join(","),
            remote_ids.len()
        );
        let reply: Envelope<Vec<Image>> = self.api.get_json(&path).await?;
        Ok(reply
            .data
            .iter()
            // Checked here too: a server that ignores the filter must not mix up jobs.
            .filter(|img| remote_ids.contains(&img.id))
            .map(|img| (img.id.clone(), self.api.tame(img.state(self.api.base()))))
            .collect())
    }

    async fn find_by_reference(&self, reference: &str) -> Result<Option<RemoteJob>, ProviderError> {
        let path = format!(
            "/items/images?filter[ref][_eq]={}&limit=1",
            encode(reference)
        );
        let reply: Envelope<Vec<Image>> = self.api.get_json(&path).await?;
        // Checked here too: a server that ignores the filter must not make us adopt a stranger.
        let found = reply
            .data
            .iter()
            .find(|img| img.reference.as_deref() == Some(reference));
        Ok(found.map(|img| self.job(img)))
    }

    async fn health(&self) -> Result<Health, ProviderError> {
        let reply: Envelope<serde_json::Value> = self.api.get_json("/items/status").await?;
        let status = reply.data["bot_status"]
            .as_str()
            .unwrap_or("unknown")
            .to_owned();
        Ok(Health {
            healthy: status == "healthy",
            summary: format!("Token accepted; Midjourney bot is {status}."),
        })
    }

    async fn fetch_asset(&self, url: &Url) -> Result<Asset, ProviderError> {
        self.api.fetch(url).await.map(Asset::Http)
    }

    async fn list_past(&self, page: u32) -> Result<PastPage, ProviderError> {
        let reply = self.api.get_json::<past::Listing>(&past::path(page)).await;
        let listing = reply.map_err(|e| past::unavailable(e, SERVICE))?;
        let mut page = listing.page(self.api.base());
        for item in &mut page.items {
            item.state = self
                .api
                .tame(std::mem::replace(&mut item.state, RemoteState::Queued));
        }
        Ok(page)
    }
}

/// Every scale the service's Enhance offers.
pub fn capabilities() -> Capabilities {
    Capabilities {
        enhance: EnhanceScale::VARIANTS.to_vec(),
        import_past: true,
        image_addresses: true,
        ..Capabilities::default()
    }
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
