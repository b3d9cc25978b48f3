//! The whole app without a window: what the Tauri shell's commands call.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::jobs::{Engine, EngineConfig, Job, JobSink};
use crate::media::{MediaError, MediaLibrary};
use crate::providers::http::{parse_base_url, shared_client};
use crate::providers::imagineapi::ImagineApi;
use crate::providers::{Health, Provider, ProviderError, ProviderKind};
use crate::secrets::{SecretError, SecretStore};
use crate::settings::{base_url_key, clean_token, token_account, ProviderSettings};
use crate::store::{JobQuery, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AtelierError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error("No {0} token yet: open Settings and paste the token from your {0} account.")]
    NoToken(&'static str),
    #[error("{0}")]
    Invalid(String),
}

/// Dropping it stops its background tasks, as a closing app would.
pub struct Atelier {
    store: Store,
    media: MediaLibrary,
    secrets: Arc<dyn SecretStore>,
    engine: Engine,
    http: reqwest::Client,
}

impl Atelier {
    /// Opens (or creates) the history database and image folder under `data_dir`.
    pub fn open(
        data_dir: &Path,
        secrets: Arc<dyn SecretStore>,
        config: EngineConfig,
        sink: JobSink,
    ) -> Result<Self, AtelierError> {
        std::fs::create_dir_all(data_dir).map_err(|source| MediaError::Io {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let store = Store::open(&data_dir.join("history.sqlite3"))?;
        let media = MediaLibrary::open(data_dir.join("media"))?;
        let engine = Engine::new(store.clone(), media.clone(), config, sink);
        Ok(Self {
            store,
            media,
            secrets,
            engine,
            http: shared_client(),
        })
    }

    pub fn settings(&self, kind: ProviderKind) -> Result<ProviderSettings, AtelierError> {
        Ok(ProviderSettings {
            provider: kind,
            display_name: kind.display_name(),
            base_url: self.base_url(kind)?,
            default_base_url: kind.default_base_url(),
            token_set: self.secrets.get(&token_account(kind))?.is_some(),
        })
    }

    pub fn save_token(
        &self,
        kind: ProviderKind,
        raw: &str,
    ) -> Result<ProviderSettings, AtelierError> {
        let token = clean_token(raw).map_err(AtelierError::Invalid)?;
        self.secrets.set(&token_account(kind), token)?;
        self.settings(kind)
    }

    pub fn clear_token(&self, kind: ProviderKind) -> Result<ProviderSettings, AtelierError> {
        self.secrets.delete(&token_account(kind))?;
        self.settings(kind)
    }

    pub fn set_base_url(
        &self,
        kind: ProviderKind,
        url: &str,
    ) -> Result<ProviderSettings, AtelierError> {
        let url = if url.trim().is_empty() {
            kind.default_base_url().to_owned()
        } else {
            parse_base_url(url)
                .map_err(AtelierError::Invalid)?
                .to_string()
        };
        self.store
            .set_setting(&base_url_key(kind), url.trim_end_matches('/'))?;
        self.settings(kind)
    }

    pub async fn test_connection(&self, kind: ProviderKind) -> Result<Health, AtelierError> {
        Ok(self.provider(kind)?.health().await?)
    }

    pub async fn submit(&self, kind: ProviderKind, prompt: &str) -> Result<Job, AtelierError> {
        let prompt = prompt.trim();
        if prompt.is_empty() {
            return Err(AtelierError::Invalid("Write a prompt first.".into()));
        }
        let provider = self.provider(kind)?;
        let job = self.engine.submit(provider, prompt).await?;
        Ok(self.media.absolutize(job))
    }

    pub fn jobs(&self, query: &JobQuery) -> Result<Vec<Job>, AtelierError> {
        Ok(self
            .store
            .jobs(query)?
            .into_iter()
            .map(|j| self.media.absolutize(j))
            .collect())
    }

    /// Picks up the jobs that were in flight when the app last closed.
    pub fn resume(&self) -> Result<usize, AtelierError> {
        Ok(self
            .engine
            .resume(|job| self.provider(job.provider).map_err(|e| e.to_string()))?)
    }

    /// The file behind an image id, for the image protocol and for save/reveal/drag.
    pub fn image_file(&self, image_id: i64, thumb: bool) -> Result<Option<PathBuf>, AtelierError> {
        Ok(self.store.image(image_id)?.map(|img| {
            self.media
                .resolve(if thumb { &img.thumb } else { &img.file })
        }))
    }

    pub fn preview_file(&self, job_id: i64) -> PathBuf {
        self.media.preview_path(job_id)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Stops background work; unfinished jobs resume when the library is opened again.
    pub fn shutdown(&self) {
        self.engine.shutdown();
    }

    fn base_url(&self, kind: ProviderKind) -> Result<String, AtelierError> {
        Ok(self
            .store
            .setting(&base_url_key(kind))?
            .unwrap_or_else(|| kind.default_base_url().to_owned()))
    }

    fn provider(&self, kind: ProviderKind) -> Result<Arc<dyn Provider>, AtelierError> {
        let token = self
            .secrets
            .get(&token_account(kind))?
            .ok_or(AtelierError::NoToken(kind.display_name()))?;
        let base = self.base_url(kind)?;
        Ok(match kind {
            ProviderKind::ImagineApi => Arc::new(ImagineApi::new(self.http.clone(), &base, token)?),
        })
    }
}

impl Drop for Atelier {
    fn drop(&mut self) {
        self.shutdown();
    }
}
