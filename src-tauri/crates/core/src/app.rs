//! The whole app without a window: what the Tauri shell's commands call.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::accounts::{clean_label, clean_token, Account, AccountView, HistoryChoice};
use crate::jobs::{Engine, EngineConfig, Job, JobSink, NoticeSink};
use crate::media::{MediaError, MediaLibrary};
use crate::preferences::Preferences;
use crate::providers::aiclient::AiClient;
use crate::providers::demo::Demo;
use crate::providers::http::{parse_base_url, shared_client};
use crate::providers::imagineapi::ImagineApi;
use crate::providers::{Health, Provider, ProviderError, ProviderKind};
use crate::secrets::{SecretError, SecretStore};
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
    #[error("“{0}” has no token yet: open Settings and paste the token from that account.")]
    NoToken(String),
    #[error("That account no longer exists.")]
    NoAccount,
    #[error("{0}")]
    Invalid(String),
}

/// What a new account starts with.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAccount {
    pub provider: ProviderKind,
    pub label: String,
    /// Empty for the provider's default address.
    #[serde(default)]
    pub base_url: String,
    pub token: String,
}

/// Dropping it stops its background tasks, as a closing app would.
pub struct Atelier {
    store: Store,
    media: MediaLibrary,
    secrets: Arc<dyn SecretStore>,
    engine: Engine,
    /// What the job timeout is until the person picks another.
    default_timeout: std::time::Duration,
    http: reqwest::Client,
    demo: Arc<Demo>,
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
        let default_timeout = config.job_timeout;
        let engine = Engine::new(store.clone(), media.clone(), config, sink);
        engine.set_job_timeout(Preferences::load(&store, default_timeout)?.job_timeout());
        Ok(Self {
            store,
            media,
            secrets,
            engine,
            default_timeout,
            http: shared_client(),
            demo: Arc::new(Demo::default()),
        })
    }

    /// Where notices that concern an account rather than one job go (a rejected token).
    pub fn on_notice(&self, sink: NoticeSink) {
        self.engine.set_notice_sink(sink);
    }

    /// Replaces the HTTP client every provider shares (tests use one with short timeouts).
    pub fn with_http(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// Replaces the Demo provider's pacing (tests use an instant one).
    pub fn with_demo(mut self, demo: Demo) -> Self {
        self.demo = Arc::new(demo);
        self
    }

    pub fn accounts(&self) -> Result<Vec<AccountView>, AtelierError> {
        let active = self.store.active_account()?.id;
        self.store
            .accounts()?
            .into_iter()
            .map(|account| self.view(account, active))
            .collect()
    }

    pub fn add_account(&self, new: &NewAccount) -> Result<AccountView, AtelierError> {
        if !new.provider.needs_token() {
            return Err(AtelierError::Invalid(
                "The Demo account is built in.".into(),
            ));
        }
        let label = clean_label(&new.label).map_err(AtelierError::Invalid)?;
        let token = clean_token(&new.token).map_err(AtelierError::Invalid)?;
        let base_url = normalize_url(new.provider, &new.base_url)?;
        let account = self.store.insert_account(new.provider, &label, &base_url)?;
        if let Err(e) = self.secrets.set(&account.keychain_name(), token) {
            // No token, no account: never leave one behind that cannot work.
            self.store.delete_account(account.id)?;
            return Err(e.into());
        }
        self.store.set_active_account(account.id)?;
        self.view(account, self.store.active_account()?.id)
    }

    pub fn update_account(
        &self,
        id: i64,
        label: &str,
        base_url: &str,
    ) -> Result<AccountView, AtelierError> {
        let account = self.account(id)?;
        let label = clean_label(label).map_err(AtelierError::Invalid)?;
        let base_url = if account.provider.needs_token() {
            normalize_url(account.provider, base_url)?
        } else {
            String::new()
        };
        self.store.update_account(id, &label, &base_url)?;
        if base_url != account.base_url {
            self.refresh_provider(&self.account(id)?)?;
        }
        self.view(self.account(id)?, self.store.active_account()?.id)
    }

    pub fn set_token(&self, id: i64, raw: &str) -> Result<AccountView, AtelierError> {
        let account = self.account(id)?;
        if !account.provider.needs_token() {
            return Err(AtelierError::Invalid(
                "The Demo account needs no token.".into(),
            ));
        }
        let token = clean_token(raw).map_err(AtelierError::Invalid)?;
        self.secrets.set(&account.keychain_name(), token)?;
        self.refresh_provider(&account)?;
        self.view(self.account(id)?, self.store.active_account()?.id)
    }

    pub fn set_active(&self, id: i64) -> Result<AccountView, AtelierError> {
        let account = self.account(id)?;
        self.store.set_active_account(id)?;
        self.view(account, id)
    }

    /// Removes the account and its keychain entry; its jobs are kept or deleted as asked.
    pub fn delete_account(&self, id: i64, history: HistoryChoice) -> Result<(), AtelierError> {
        let account = self.account(id)?;
        if !account.provider.needs_token() {
            return Err(AtelierError::Invalid(
                "The built-in Demo account cannot be deleted.".into(),
            ));
        }
        self.secrets.delete(&account.keychain_name())?;
        self.engine.forget_account(id);
        for job in self.store.unfinished_jobs()? {
            if job.account_id == Some(id) {
                self.engine.cancel(job.id)?;
            }
        }
        if history == HistoryChoice::Delete {
            for job_id in self.store.delete_jobs_of_account(id)? {
                self.engine.stop(job_id);
                self.media.remove_job(job_id);
            }
        }
        self.store.delete_account(id)?;
        Ok(())
    }

    pub async fn test_connection(&self, id: i64) -> Result<Health, AtelierError> {
        Ok(self.provider(&self.account(id)?)?.health().await?)
    }

    /// Sends a prompt with the given account.
    pub async fn submit(&self, account_id: i64, prompt: &str) -> Result<Job, AtelierError> {
        let prompt = prompt.trim();
        if prompt.is_empty() {
            return Err(AtelierError::Invalid("Write a prompt first.".into()));
        }
        let account = self.account(account_id)?;
        let provider = self.provider(&account)?;
        let job = self.engine.submit(provider, &account, prompt).await?;
        Ok(self.media.absolutize(job))
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
        if self.engine.retry(provider, job_id)? {
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
        Ok(self.engine.resume(|job| {
            let account = job
                .account_id
                .and_then(|id| self.store.account(id).ok().flatten())
                .ok_or_else(|| {
                    "Its account was deleted, so Atelier cannot follow this job.".to_owned()
                })?;
            self.provider(&account).map_err(|e| e.to_string())
        })?)
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

    fn account(&self, id: i64) -> Result<Account, AtelierError> {
        self.store.account(id)?.ok_or(AtelierError::NoAccount)
    }

    /// A new token or address: the account gets a fresh chance, and its jobs use it.
    fn refresh_provider(&self, account: &Account) -> Result<(), AtelierError> {
        if !account.provider.needs_token() {
            return Ok(());
        }
        self.store.clear_token_problem(account.id)?;
        match self.provider(account) {
            Ok(provider) => self.engine.set_provider(account.id, provider),
            // No token yet: nothing to follow jobs with until one is pasted.
            Err(AtelierError::NoToken(_)) => {}
            Err(e) => return Err(e),
        }
        Ok(())
    }

    fn view(&self, account: Account, active: i64) -> Result<AccountView, AtelierError> {
        let kind = account.provider;
        let token_set = kind.needs_token() && self.secrets.get(&account.keychain_name())?.is_some();
        Ok(AccountView {
            provider_name: kind.display_name(),
            default_base_url: kind.default_base_url(),
            needs_token: kind.needs_token(),
            token_set,
            active: account.id == active,
            job_count: self.store.job_count(account.id)?,
            account,
        })
    }

    fn provider(&self, account: &Account) -> Result<Arc<dyn Provider>, AtelierError> {
        if account.provider == ProviderKind::Demo {
            return Ok(self.demo.clone());
        }
        let token = self
            .secrets
            .get(&account.keychain_name())?
            .ok_or_else(|| AtelierError::NoToken(account.label.clone()))?;
        let (http, base) = (self.http.clone(), account.base_url.as_str());
        Ok(match account.provider {
            ProviderKind::ImagineApi => Arc::new(ImagineApi::new(http, base, token)?),
            ProviderKind::AiClient => Arc::new(AiClient::new(http, base, token)?),
            ProviderKind::Demo => self.demo.clone(),
        })
    }
}

fn normalize_url(kind: ProviderKind, url: &str) -> Result<String, AtelierError> {
    let url = if url.trim().is_empty() {
        kind.default_base_url().to_owned()
    } else {
        parse_base_url(url)
            .map_err(AtelierError::Invalid)?
            .to_string()
    };
    Ok(url.trim_end_matches('/').to_owned())
}

impl Drop for Atelier {
    fn drop(&mut self) {
        self.shutdown();
    }
}
