//! The whole app without a window: what the Tauri shell's commands call.

mod accounts;
mod actions;
mod enhance;
mod export;
mod imports;
mod library;
mod prompts;
mod references;
mod reply;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::accounts::Account;
use crate::data_folder::{DataFolder, DataFolderError};
use crate::engine::{Engine, EngineConfig, Importer, Job, JobSink, NoticeSink};
use crate::export::ExportError;
use crate::job::Batch;
use crate::media::{MediaError, MediaLibrary};
use crate::preferences::Preferences;
use crate::providers::address::{self, AddressError};
use crate::providers::aiclient::AiClient;
use crate::providers::demo::Demo;
use crate::providers::http::Clients;
use crate::providers::imagineapi::ImagineApi;
use crate::providers::mjplus::MjPlus;
use crate::providers::{Health, Provider, ProviderError, ProviderKind};
use crate::secrets::{Secret, SecretError, SecretStore};
use crate::store::{Store, StoreError};

pub use actions::{ActionPlan, DescribeSource, ModalAnswer};
pub use enhance::EnhancePlan;
pub use export::Outgoing;
use library::Removals;
pub use references::PromptReference;
pub use reply::{ErrorCode, ErrorReply};

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
    #[error(transparent)]
    Folder(#[from] DataFolderError),
    #[error("“{0}” has no token yet: open Settings and paste the token from that account.")]
    NoToken(String),
    #[error("That account no longer exists.")]
    NoAccount,
    #[error(transparent)]
    Address(#[from] AddressError),
    #[error(
        "The address now points to another server ({0}): paste the account's token again, so \
         it only ever goes where you meant it to."
    )]
    TokenNeeded(String),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error("{0}")]
    Invalid(String),
}

/// What a new account starts with.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewAccount {
    pub provider: ProviderKind,
    pub label: String,
    /// Empty for the provider's default address.
    #[serde(default)]
    pub base_url: String,
    #[ts(type = "string")]
    pub token: Secret,
    /// The person confirmed a plain `http://` address on another machine.
    #[serde(default)]
    pub allow_unencrypted: bool,
    /// How its service wants to be spoken to (midjourney-proxy); the default for the others.
    #[serde(default)]
    pub options: crate::accounts::AccountOptions,
}

/// What the account editor saves.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AccountChange {
    pub label: String,
    /// Empty for the provider's default address.
    #[serde(default)]
    pub base_url: String,
    #[serde(default)]
    pub allow_unencrypted: bool,
    /// Replaces the stored token; required when the address moves to another server.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub token: Option<Secret>,
    /// How its service wants to be spoken to (midjourney-proxy); the default for the others.
    #[serde(default)]
    pub options: crate::accounts::AccountOptions,
}

/// An account with the provider that serves it, ready to send to (see [`Atelier::connect`]).
pub struct Connection {
    account: Account,
    provider: Arc<dyn Provider>,
}

impl Connection {
    /// A cheap authenticated call: is the token accepted, is the service up?
    pub async fn health(&self) -> Result<Health, AtelierError> {
        Ok(self.provider.health().await?)
    }
}

/// Which file of an image: the picture, or one of its thumbnails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageSize {
    Full,
    /// 512 px.
    Thumb,
    /// 256 px.
    Small,
}

/// Dropping it stops its background tasks, as a closing app would.
pub struct Atelier {
    store: Store,
    media: MediaLibrary,
    secrets: Arc<dyn SecretStore>,
    engine: Engine,
    /// Imports of accounts' past images, in the background.
    importer: Importer,
    /// What the job timeout is until the person picks another.
    default_timeout: std::time::Duration,
    http: Clients,
    demo: Arc<Demo>,
    /// Deletions that Undo can still bring back.
    removals: Removals,
    /// Last, so the folder's lock outlives everything that uses the folder.
    _folder: DataFolder,
}

impl Atelier {
    /// Opens (or creates) the history database and image folder under `data_dir`, which no
    /// other Atelier may be using.
    pub fn open(
        data_dir: &Path,
        secrets: Arc<dyn SecretStore>,
        config: EngineConfig,
        sink: JobSink,
    ) -> Result<Self, AtelierError> {
        let folder = DataFolder::claim(data_dir)?;
        let store = Store::open(&folder.private_file("history.sqlite3")?)?;
        let media = MediaLibrary::open(data_dir.join("media"))?
            .with_download_limits(config.download_limits);
        let default_timeout = config.job_timeout;
        let engine = Engine::new(store.clone(), media.clone(), config, sink);
        let chosen = Preferences::chosen_job_timeout(&store)?;
        engine.set_job_timeout(chosen.unwrap_or(default_timeout));
        let importer = Importer::new(&engine);
        let app = Self {
            store,
            media,
            secrets,
            importer,
            engine,
            default_timeout,
            http: Clients::shared(),
            demo: Arc::new(Demo::default()),
            removals: Removals::default(),
            _folder: folder,
        };
        app.finish_deletions()?;
        app.sweep_orphan_folders();
        app.clear_outgoing();
        Ok(app)
    }

    /// Where notices that concern an account rather than one job go (a rejected token).
    pub fn on_notice(&self, sink: NoticeSink) {
        self.engine.set_notice_sink(sink);
    }

    /// Replaces the HTTP client every provider shares (tests use one with short timeouts).
    pub fn with_http(mut self, http: Clients) -> Self {
        self.http = http;
        self
    }

    /// Replaces the Demo provider's pacing (tests use an instant one).
    pub fn with_demo(mut self, demo: Demo) -> Self {
        self.demo = Arc::new(demo);
        self
    }

    /// Sends a prompt with the given account.
    pub async fn submit(&self, account_id: i64, prompt: &str) -> Result<Job, AtelierError> {
        let connection = self.connect(account_id)?;
        self.submit_with(connection, prompt, None).await
    }

    /// The account and the provider that serves it. It reads the keychain, which may wait on
    /// the person unlocking it: the shell calls it on the blocking pool, then sends.
    pub fn connect(&self, account_id: i64) -> Result<Connection, AtelierError> {
        let account = self.account(account_id)?;
        let provider = self.provider(&account)?;
        Ok(Connection { account, provider })
    }

    pub async fn submit_with(
        &self,
        connection: Connection,
        prompt: &str,
        batch: Option<Batch>,
    ) -> Result<Job, AtelierError> {
        self.submit_referencing(connection, prompt, &[], batch)
            .await
    }

    pub fn cancel(&self, job_id: i64) -> Result<(), AtelierError> {
        Ok(self.engine.cancel(job_id)?)
    }

    /// Follows a job again: a download that did not finish, a job that timed out, or one the
    /// person cancelled.
    pub fn retry(&self, job_id: i64) -> Result<(), AtelierError> {
        let job = self
            .store
            .job(job_id)?
            .ok_or_else(|| AtelierError::Invalid("That job no longer exists.".into()))?;
        let account = job
            .account_id
            .ok_or_else(|| AtelierError::Invalid("Its account was deleted.".into()))?;
        let provider = self.provider(&self.account(account)?)?;
        if self.engine.retry(provider, &job)? {
            Ok(())
        } else {
            Err(AtelierError::Invalid(
                "There is nothing to fetch for this job: run the prompt again instead.".into(),
            ))
        }
    }

    pub fn preferences(&self) -> Result<Preferences, AtelierError> {
        Ok(Preferences::load(&self.store, self.default_timeout)?)
    }

    /// Applies to jobs followed from now on, and to every job after a restart.
    pub fn set_job_timeout(&self, minutes: u32) -> Result<Preferences, AtelierError> {
        Preferences::set_job_timeout(&self.store, minutes).map_err(AtelierError::Invalid)?;
        let prefs = self.preferences()?;
        self.engine.set_job_timeout(prefs.job_timeout());
        Ok(prefs)
    }

    pub fn set_notifications(&self, on: bool) -> Result<Preferences, AtelierError> {
        Preferences::set_notifications(&self.store, on)?;
        self.preferences()
    }

    /// Picks up the jobs that were in flight when the app last closed, and the imports that
    /// were running. Each account's token is read from the keychain once, however many of
    /// its jobs wait.
    pub fn resume(&self) -> Result<usize, AtelierError> {
        let mut providers: HashMap<Option<i64>, Result<Arc<dyn Provider>, String>> = HashMap::new();
        let resumed = self.engine.resume(|job| {
            providers
                .entry(job.account_id)
                .or_insert_with(|| self.provider_of(job.account_id))
                .clone()
        })?;
        self.resume_imports(|id| {
            providers
                .entry(Some(id))
                .or_insert_with(|| self.provider_of(Some(id)))
                .clone()
        })?;
        Ok(resumed)
    }

    fn provider_of(&self, account_id: Option<i64>) -> Result<Arc<dyn Provider>, String> {
        let account = account_id
            .and_then(|id| self.store.account(id).ok().flatten())
            .ok_or_else(|| {
                "Its account was deleted, so Atelier cannot follow this job.".to_owned()
            })?;
        self.provider(&account).map_err(|e| e.to_string())
    }

    /// The file behind an image id, for the image protocol and for save/reveal/drag.
    pub fn image_file(
        &self,
        image_id: i64,
        size: ImageSize,
    ) -> Result<Option<PathBuf>, AtelierError> {
        let Some(img) = self.store.image(image_id)? else {
            return Ok(None);
        };
        Ok(Some(match size {
            ImageSize::Full => self.media.resolve(&img.file),
            ImageSize::Thumb => self.media.resolve(&img.thumb),
            ImageSize::Small => self.media.small_thumbnail(&img.thumb)?,
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
        self.importer.shutdown();
        self.engine.shutdown();
    }

    /// What the app does as it exits: stops background work and removes the drag-out and
    /// "Copy as file" copies, which would otherwise outlive the session. The shell calls it
    /// on exit, where nothing is dropped.
    pub fn close(&self) {
        self.shutdown();
        self.clear_outgoing();
    }

    fn provider(&self, account: &Account) -> Result<Arc<dyn Provider>, AtelierError> {
        if account.provider == ProviderKind::Demo {
            return Ok(self.demo.clone());
        }
        let url = address::parse(&account.base_url)?;
        address::require_encryption(&url, account.allow_unencrypted)?;
        // None for an account whose server takes no secret.
        let token = match account.needs_token() {
            true => Some(self.secrets.get(&account.keychain_name())?),
            false => None,
        };
        let required = || {
            token
                .clone()
                .flatten()
                .ok_or_else(|| AtelierError::NoToken(account.label.clone()))
        };
        let (http, base) = (&self.http, account.base_url.as_str());
        Ok(match account.provider {
            ProviderKind::ImagineApi => Arc::new(ImagineApi::new(http, base, required()?)?),
            ProviderKind::AiClient => Arc::new(AiClient::new(http, base, required()?)?),
            ProviderKind::Demo => self.demo.clone(),
            ProviderKind::MjPlus => {
                let secret = token.is_some().then(required).transpose()?;
                Arc::new(MjPlus::new(http, base, secret, &account.options)?)
            }
        })
    }
}

impl Drop for Atelier {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The token is a `Secret` from the moment the IPC's JSON is read: printing what arrived
    /// (a log line, a panic message) never shows it.
    #[test]
    fn a_token_from_the_window_is_hidden_from_the_first_moment() {
        let new: NewAccount = serde_json::from_str(
            r#"{"provider":"imagineapi","label":"Mine","token":"tok-from-the-window"}"#,
        )
        .unwrap();
        assert_eq!(new.token.expose(), "tok-from-the-window");
        assert!(!format!("{new:?}").contains("tok-from-the-window"));

        let change: AccountChange =
            serde_json::from_str(r#"{"label":"Mine","token":"tok-again"}"#).unwrap();
        assert!(!format!("{change:?}").contains("tok-again"));
    }
}
