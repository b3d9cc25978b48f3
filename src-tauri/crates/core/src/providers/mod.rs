//! The services Atelier makes images through, behind one interface.
//!
//! A provider turns a prompt into a remote job and reports that job's state in one normalized
//! shape ([`RemoteState`]), whatever the service's own wire format. More services join by
//! implementing [`Provider`].

mod actions;
pub mod address;
pub mod aiclient;
mod bases;
mod capabilities;
pub mod demo;
mod error;
pub mod http;
pub mod imagineapi;
mod lenient;
pub mod mjplus;
mod past;
pub mod service_text;

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

pub use actions::{ActionButton, ActionKind, Asks, BlendShape, ImageData, Sent};
pub use capabilities::{Capabilities, EnhanceScale, RemoteImage};
pub use error::ProviderError;
pub use http::HttpApi;
pub use past::{PastItem, PastPage};

/// Which service a job or account belongs to. Stored in the database by its `as_str` name,
/// the same as its serde name.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    TS,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
#[ts(export)]
pub enum ProviderKind {
    ImagineApi,
    AiClient,
    /// Built in and offline: makes pictures on this computer, for trying the app.
    Demo,
    /// The midjourney-proxy API (self-hosted servers and the relays that speak it): every
    /// Midjourney action.
    MjPlus,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn display_name(self) -> &'static str {
        match self {
            ProviderKind::ImagineApi => "ImagineAPI",
            ProviderKind::AiClient => "AI-Client",
            ProviderKind::Demo => "Demo",
            ProviderKind::MjPlus => "midjourney-proxy",
        }
    }

    /// Empty for Demo, which talks to no server.
    pub fn default_base_url(self) -> &'static str {
        match self {
            ProviderKind::ImagineApi => imagineapi::DEFAULT_BASE_URL,
            ProviderKind::AiClient => aiclient::DEFAULT_BASE_URL,
            ProviderKind::Demo => "",
            ProviderKind::MjPlus => mjplus::DEFAULT_BASE_URL,
        }
    }

    /// What a typed address is checked against, to catch a request's path pasted into it.
    pub fn address_rules(self) -> address::Service {
        address::Service {
            name: self.display_name(),
            base_of: match self {
                ProviderKind::ImagineApi => bases::imagineapi,
                ProviderKind::AiClient => bases::aiclient,
                ProviderKind::Demo => |_| None,
                ProviderKind::MjPlus => bases::mjplus,
            },
        }
    }

    pub fn needs_token(self) -> bool {
        self != ProviderKind::Demo
    }

    /// What accounts of this service can do, known without a token (for the web view).
    pub fn capabilities(self) -> Capabilities {
        match self {
            ProviderKind::ImagineApi => imagineapi::capabilities(),
            ProviderKind::MjPlus => mjplus::capabilities(),
            ProviderKind::Demo => demo::capabilities(),
            ProviderKind::AiClient => Capabilities::default(),
        }
    }
}

/// A job as the service knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteJob {
    pub remote_id: String,
    pub state: RemoteState,
    /// How many jobs are ahead of it in the service's queue, where the service says
    /// (midjourney-proxy's code 22): shown on the card until it starts.
    pub ahead: Option<u32>,
}

/// A remote job's state, normalized across services.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoteState {
    Queued,
    Running {
        progress: Option<u8>,
        /// A partial render some services expose while they work.
        preview: Option<Url>,
    },
    Completed(Outputs),
    Failed {
        message: String,
    },
}

/// What a finished job produced. Services that return only the four singles leave `grid`
/// empty; the job pipeline composes one so every job has the same shape. A job that makes
/// one picture (an Enhance) has it in `grid` and no upscales; nothing is composed for it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outputs {
    pub grid: Option<Url>,
    pub upscales: Vec<Url>,
    /// What the job cost, where the service says.
    pub credits: Option<u32>,
    /// The actions the service offers on the result (Upscale, Vary, Zoom…), in its order.
    pub buttons: Vec<ActionButton>,
    /// A Describe's answer: the prompts Midjourney reads in the picture (usually four).
    pub prompts: Vec<String>,
}

/// An asset's bytes on their way to the library: streamed from a server, or made in memory
/// by a provider that works offline.
pub enum Asset {
    Http(reqwest::Response),
    Memory(Vec<u8>),
}

/// Bot health as reported by a service's status endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Health {
    pub summary: String,
    pub healthy: bool,
}

#[async_trait]
pub trait Provider: Send + Sync {
    fn kind(&self) -> ProviderKind;

    /// Sends a prompt. `reference` is Atelier's own id for the job; services that echo it let
    /// a job be found again after a crash between sending and recording the reply.
    async fn submit(&self, prompt: &str, reference: &str) -> Result<RemoteJob, ProviderError>;

    async fn poll(&self, remote_id: &str) -> Result<RemoteState, ProviderError>;

    /// How many jobs one [`Provider::poll_batch`] request can cover; 1 for services that can
    /// only be asked about one job at a time.
    fn batch_limit(&self) -> usize {
        1
    }

    /// Asks about several jobs at once. Jobs the service does not know are missing from the
    /// answer. The default asks one at a time.
    async fn poll_batch(
        &self,
        remote_ids: &[String],
    ) -> Result<HashMap<String, RemoteState>, ProviderError> {
        let mut states = HashMap::new();
        for id in remote_ids {
            match self.poll(id).await {
                Ok(state) => {
                    states.insert(id.clone(), state);
                }
                Err(ProviderError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(states)
    }

    /// Looks a submission up by the reference it was sent with. `Ok(None)`: the service has no
    /// job with that reference (so it was never received).
    async fn find_by_reference(&self, reference: &str) -> Result<Option<RemoteJob>, ProviderError>;

    /// A cheap authenticated call, to check the token and the service before sending jobs.
    async fn health(&self) -> Result<Health, ProviderError>;

    /// Starts fetching one of the job's assets. The provider decides which credentials, if
    /// any, go with it (never to another host).
    async fn fetch_asset(&self, url: &Url) -> Result<Asset, ProviderError>;

    /// What the service can do beyond making images from a prompt.
    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }

    /// Starts an Enhance of one upscale: a new remote job, followed like any other, whose
    /// result is one picture (in [`Outputs::grid`], no upscales). It carries no reference of
    /// ours, so a lost answer cannot be looked up again.
    async fn enhance(
        &self,
        source: &RemoteImage,
        scale: EnhanceScale,
    ) -> Result<RemoteJob, ProviderError> {
        let _ = (source, scale);
        Err(ProviderError::Rejected {
            service: self.kind().display_name(),
            detail: "this service has no Enhance.".into(),
        })
    }

    /// Sends a prompt with pictures as data (image prompts), on services whose
    /// [`Capabilities::image_data`] says they take them. Otherwise the same as `submit`.
    async fn submit_with_images(
        &self,
        prompt: &str,
        reference: &str,
        images: &[ImageData],
    ) -> Result<RemoteJob, ProviderError> {
        if !images.is_empty() {
            return Err(self.no_such("pictures sent with a prompt"));
        }
        self.submit(prompt, reference).await
    }

    /// Presses one of a finished result's buttons (`custom_id`, as the service sent it) on
    /// the task `remote_id`: a new remote job, or one that waits for [`Provider::confirm`].
    /// Like an Enhance, it carries no reference of ours.
    async fn act(&self, remote_id: &str, custom_id: &str) -> Result<Sent, ProviderError> {
        let _ = (remote_id, custom_id);
        Err(self.no_such("Midjourney's actions"))
    }

    /// The modal step of a task waiting for it (Remix, Custom Zoom, Vary Region): the prompt,
    /// and for Vary Region the mask (a PNG the size of the picture, white where it changes).
    async fn confirm(
        &self,
        remote_id: &str,
        prompt: &str,
        mask: Option<&ImageData>,
    ) -> Result<RemoteJob, ProviderError> {
        let _ = (remote_id, prompt, mask);
        Err(self.no_such("Midjourney's actions"))
    }

    /// Asks for the prompts Midjourney reads in a picture; they come back in
    /// [`Outputs::prompts`].
    async fn describe(&self, image: &ImageData) -> Result<RemoteJob, ProviderError> {
        let _ = image;
        Err(self.no_such("Describe"))
    }

    /// Blends 2–5 pictures into one grid of the given shape.
    async fn blend(
        &self,
        images: &[ImageData],
        shape: BlendShape,
    ) -> Result<RemoteJob, ProviderError> {
        let _ = (images, shape);
        Err(self.no_such("Blend"))
    }

    /// The refusal of something this service does not offer.
    fn no_such(&self, what: &str) -> ProviderError {
        ProviderError::Rejected {
            service: self.kind().display_name(),
            detail: format!("this service has no {what}."),
        }
    }

    /// How long a typical job takes; pacing hints for the poller.
    fn typical_duration(&self) -> Duration {
        Duration::from_secs(40)
    }

    /// One page (from 1) of the account's past images, newest first. Services that cannot
    /// list them say so with [`ProviderError::ListingUnavailable`].
    async fn list_past(&self, page: u32) -> Result<PastPage, ProviderError> {
        let _ = page;
        Err(ProviderError::ListingUnavailable {
            service: self.kind().display_name(),
            detail: "this service cannot list past images".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ProviderKind;

    #[test]
    fn provider_names_are_stored_as_serde_names_them() {
        crate::enum_names::assert_names_agree::<ProviderKind>();
        assert_eq!(ProviderKind::AiClient.as_str(), "aiclient");
    }
}
