//! The lab the integration tests work in: a library in a temporary folder with one account
//! on a stand-in of either protocol (the stand-ins at test speed are made here too), every
//! announced job and notice recorded, faults to push at the moment downloads start, a
//! restart, and checks that the media folder and the rows agree.

use std::collections::BTreeSet;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atelier_core::app::NewAccount;
use atelier_core::engine::{EngineConfig, Job, JobStatus, Notice, Slot};
use atelier_core::import::ImportProgress;
use atelier_core::library::LibraryQuery;
use atelier_core::media::small_of;
use atelier_core::providers::http::Clients;
use atelier_core::providers::ProviderKind;
use atelier_core::secrets::MemoryStore;
use atelier_core::{Atelier, AtelierError};
use atelier_standin::{
    AiClient, AiClientConfig, Fault, ImagineApi, ImagineApiConfig, MjPlus, MjPlusConfig,
};
use serde_json::Value;
use tempfile::TempDir;

use super::{fast, with_paths};

/// A stand-in of either protocol, as these tests steer it.
pub trait Service: Send + Sync + 'static {
    const KIND: ProviderKind;
    fn push_fault(&self, fault: Fault);
    /// The address an account is configured with.
    fn base_url(&self) -> String;
    fn port(&self) -> u16;
    /// The path a job is polled at, for faults that hit only polling.
    fn poll_path(remote_id: &str) -> String;
    /// Where the finished images are served from.
    const ASSETS: &'static str;
    /// Where the API answers (not the images): a fault here hits every call.
    const API: &'static str;
    /// The image a failed download names: the first one a job fetches.
    const FIRST_IMAGE: &'static str;
    /// How many images a job fetches.
    const DOWNLOADS: u32;
    /// A stand-in at test speed.
    fn start() -> impl Future<Output = Arc<Self>>;
    /// How many bytes of endless bodies were sent (see [`Fault::endless`]).
    fn endless_bytes(&self) -> u64;
}

impl Service for ImagineApi {
    const KIND: ProviderKind = ProviderKind::ImagineApi;
    const ASSETS: &'static str = "/assets/";
    const API: &'static str = "/items/";
    const FIRST_IMAGE: &'static str = "grid";
    /// The grid and its four upscales.
    const DOWNLOADS: u32 = 5;
    async fn start() -> Arc<Self> {
        imagineapi().await
    }
    fn endless_bytes(&self) -> u64 {
        ImagineApi::endless_bytes(self)
    }
    fn push_fault(&self, fault: Fault) {
        ImagineApi::push_fault(self, fault)
    }
    fn base_url(&self) -> String {
        ImagineApi::base_url(self)
    }
    fn port(&self) -> u16 {
        ImagineApi::port(self)
    }
    /// Jobs are polled in batches, one list request (`/items/images?filter[id][_in]=…`) for
    /// all of them; the lab's jobs are already submitted when it pushes a polling fault.
    fn poll_path(_remote_id: &str) -> String {
        "/items/images".into()
    }
}

impl Service for AiClient {
    const KIND: ProviderKind = ProviderKind::AiClient;
    const ASSETS: &'static str = "/storage/";
    const API: &'static str = "/api/v1/";
    const FIRST_IMAGE: &'static str = "U1";
    /// The four singles; the grid is put together from them.
    const DOWNLOADS: u32 = 4;
    async fn start() -> Arc<Self> {
        aiclient().await
    }
    fn endless_bytes(&self) -> u64 {
        AiClient::endless_bytes(self)
    }
    fn push_fault(&self, fault: Fault) {
        AiClient::push_fault(self, fault)
    }
    fn base_url(&self) -> String {
        AiClient::base_url(self)
    }
    fn port(&self) -> u16 {
        AiClient::port(self)
    }
    fn poll_path(remote_id: &str) -> String {
        format!("/api/v1/threads/{remote_id}/entries")
    }
}

impl Service for MjPlus {
    const KIND: ProviderKind = ProviderKind::MjPlus;
    /// On the stand-in's CDN, another origin: faults there are pushed to it.
    const ASSETS: &'static str = "/attachments/";
    const API: &'static str = "/mj/";
    const FIRST_IMAGE: &'static str = "grid";
    /// The grid; its upscales are actions of their own.
    const DOWNLOADS: u32 = 1;
    async fn start() -> Arc<Self> {
        mjplus().await
    }
    /// Not counted by this stand-in: the check on it holds trivially.
    fn endless_bytes(&self) -> u64 {
        0
    }
    fn push_fault(&self, fault: Fault) {
        if fault.path_prefix.starts_with(Self::ASSETS) {
            MjPlus::push_cdn_fault(self, fault)
        } else {
            MjPlus::push_fault(self, fault)
        }
    }
    fn base_url(&self) -> String {
        MjPlus::base_url(self)
    }
    fn port(&self) -> u16 {
        MjPlus::port(self)
    }
    /// Polled in batches, one `list-by-condition` request for all of an account's tasks.
    fn poll_path(_remote_id: &str) -> String {
        "/mj/task/list-by-condition".into()
    }
}

/// The token the stand-ins accept (their configurations' default).
pub const TOKEN: &str = "standin-token";

/// midjourney-proxy at test speed, taking [`TOKEN`] as `mj-api-secret` (the lab's accounts'
/// default): a task waits 100 ms, renders for 500 ms, its grid 256 px on the long side.
pub fn mjplus_config() -> MjPlusConfig {
    MjPlusConfig {
        secret: TOKEN.into(),
        pending: Duration::from_millis(100),
        running: Duration::from_millis(500),
        grid_size: 256,
        ..MjPlusConfig::default()
    }
}

pub async fn mjplus() -> Arc<MjPlus> {
    Arc::new(MjPlus::start(mjplus_config(), 0).await.unwrap())
}

/// ImagineAPI at test speed: a job waits 100 ms, renders for 500 ms, and its grid is 256 px
/// on the long side. Tests that depend on other values change them from here.
pub fn imagineapi_config() -> ImagineApiConfig {
    ImagineApiConfig {
        pending: Duration::from_millis(100),
        running: Duration::from_millis(500),
        grid_size: 256,
        ..ImagineApiConfig::default()
    }
}

/// AI-Client at test speed: a request waits 100 ms, renders for 500 ms, and each image is
/// 128 px on the long side.
pub fn aiclient_config() -> AiClientConfig {
    AiClientConfig {
        pending: Duration::from_millis(100),
        running: Duration::from_millis(500),
        image_size: 128,
        ..AiClientConfig::default()
    }
}

pub async fn imagineapi() -> Arc<ImagineApi> {
    imagineapi_with(imagineapi_config()).await
}

pub async fn imagineapi_with(config: ImagineApiConfig) -> Arc<ImagineApi> {
    Arc::new(ImagineApi::start(config, 0).await.unwrap())
}

pub async fn aiclient() -> Arc<AiClient> {
    aiclient_with(aiclient_config()).await
}

pub async fn aiclient_with(config: AiClientConfig) -> Arc<AiClient> {
    Arc::new(AiClient::start(config, 0).await.unwrap())
}

/// A library in a temporary folder with one account on the stand-in. It keeps what the app
/// told (every announced job, every notice) and the secrets, across [`Lab::reopen`].
pub struct Lab<S: Service> {
    pub server: Arc<S>,
    pub app: Atelier,
    pub account: i64,
    /// The keychain the app reads tokens from.
    pub secrets: Arc<MemoryStore>,
    pub dir: TempDir,
    records: Arc<Records>,
    config: EngineConfig,
    http: Option<Clients>,
}

/// What the lab's app told, and the faults it arms when a download starts.
#[derive(Default)]
struct Records {
    events: Mutex<Vec<Job>>,
    notices: Mutex<Vec<Notice>>,
    imports: Mutex<Vec<ImportProgress>>,
    /// Faults pushed the moment a job starts downloading, so that previews fetched while it
    /// runs cannot use them up.
    on_download: Mutex<Vec<Fault>>,
}

/// How a lab opens, for tests that need another token, HTTP client or engine setting than
/// [`Lab::open`] gives.
pub struct LabBuilder<S: Service> {
    server: Arc<S>,
    token: String,
    http: Option<Clients>,
    config: EngineConfig,
}

impl<S: Service> LabBuilder<S> {
    /// The token the account is added with; the stand-in accepts only [`TOKEN`].
    pub fn token(mut self, token: &str) -> Self {
        self.token = token.into();
        self
    }

    /// The HTTP client every provider shares (one with short timeouts, say).
    pub fn http(mut self, http: Clients) -> Self {
        self.http = Some(http);
        self
    }

    /// Changes the engine's settings from the lab's quick ones.
    pub fn engine(mut self, tweak: impl FnOnce(&mut EngineConfig)) -> Self {
        tweak(&mut self.config);
        self
    }

    pub fn open(self) -> Lab<S> {
        let dir = tempfile::tempdir().unwrap();
        let secrets = Arc::new(MemoryStore::default());
        let records = Arc::new(Records::default());
        let app = start(
            &self.server,
            dir.path(),
            &secrets,
            &records,
            &self.config,
            &self.http,
        );
        let account = app
            .add_account(&NewAccount {
                allow_unencrypted: false,
                provider: S::KIND,
                label: "Stand-in".into(),
                base_url: self.server.base_url(),
                token: self.token.into(),
                options: Default::default(),
            })
            .unwrap()
            .account
            .id;
        Lab {
            server: self.server,
            app,
            account,
            secrets,
            dir,
            records,
            config: self.config,
            http: self.http,
        }
    }
}

/// Opens the library in `dir` as the app starts, wired to the lab's records.
fn start<S: Service>(
    server: &Arc<S>,
    dir: &Path,
    secrets: &Arc<MemoryStore>,
    records: &Arc<Records>,
    config: &EngineConfig,
    http: &Option<Clients>,
) -> Atelier {
    let sink = {
        let (records, server) = (records.clone(), server.clone());
        Arc::new(move |job: &Job| {
            if job.status == JobStatus::Downloading {
                for fault in records.on_download.lock().unwrap().drain(..) {
                    server.push_fault(fault);
                }
            }
            records.events.lock().unwrap().push(job.clone());
        })
    };
    let mut app = Atelier::open(dir, secrets.clone(), config.clone(), sink).unwrap();
    let noted = records.clone();
    app.on_notice(Arc::new(move |n: &Notice| {
        noted.notices.lock().unwrap().push(n.clone())
    }));
    let records = records.clone();
    app.on_import(Arc::new(move |p: &ImportProgress| {
        records.imports.lock().unwrap().push(p.clone())
    }));
    if let Some(http) = http {
        app = app.with_http(http.clone());
    }
    app
}

impl<S: Service> Lab<S> {
    /// A lab that polls every 100 ms and backs off at most a second, with the stand-in's
    /// token.
    pub fn open(server: Arc<S>) -> Self {
        Self::build(server).open()
    }

    pub fn build(server: Arc<S>) -> LabBuilder<S> {
        LabBuilder {
            server,
            token: TOKEN.into(),
            http: None,
            config: EngineConfig {
                max_backoff: Duration::from_secs(1),
                ..fast()
            },
        }
    }

    /// Quits the app and opens the same folder again, with the same secrets and settings, as
    /// a restart does. Jobs in flight wait for the test to call `resume`.
    pub async fn reopen(self) -> Self {
        self.reopen_after(Duration::ZERO).await
    }

    /// As [`Lab::reopen`], the app staying closed for `closed` (the service works on).
    pub async fn reopen_after(self, closed: Duration) -> Self {
        let Lab {
            server,
            app,
            account,
            secrets,
            dir,
            records,
            config,
            http,
        } = self;
        drop(app);
        if !closed.is_zero() {
            tokio::time::sleep(closed).await;
        }
        let app = start(&server, dir.path(), &secrets, &records, &config, &http);
        let accounts = app.accounts().unwrap();
        let kept = accounts.iter().any(|a| a.account.id == account);
        assert!(kept, "the account survives a restart: {accounts:?}");
        Lab {
            server,
            app,
            account,
            secrets,
            dir,
            records,
            config,
            http,
        }
    }

    /// Sends a prompt with the lab's account; the test fails if it is refused.
    pub async fn submit(&self, prompt: &str) -> Job {
        let sent = self.try_submit(prompt).await;
        sent.unwrap_or_else(|e| panic!("{prompt:?} was refused: {e}"))
    }

    /// Sends a prompt with the lab's account, for tests that check a refusal.
    pub async fn try_submit(&self, prompt: &str) -> Result<Job, AtelierError> {
        self.app.submit(self.account, prompt).await
    }

    /// The path the job is polled at; the job must have been accepted.
    pub fn poll_path(&self, job: &Job) -> String {
        let remote = job.remote_id.as_deref();
        S::poll_path(remote.unwrap_or_else(|| panic!("not accepted: {job:?}")))
    }

    pub fn push_on_download(&self, fault: Fault) {
        self.records.on_download.lock().unwrap().push(fault);
    }

    /// Every problem the job showed on its way, in order.
    pub fn notes(&self, job_id: i64) -> Vec<String> {
        let events = self.records.events.lock().unwrap();
        let notes = events.iter().filter(|j| j.id == job_id);
        notes.filter_map(|j| j.error.clone()).collect()
    }

    /// Every status the job was announced in, in order.
    pub fn statuses(&self, job_id: i64) -> Vec<JobStatus> {
        let events = self.records.events.lock().unwrap();
        let statuses = events.iter().filter(|j| j.id == job_id);
        statuses.map(|j| j.status).collect()
    }

    /// Every import progress the app reported, in order.
    pub fn import_events(&self) -> Vec<ImportProgress> {
        self.records.imports.lock().unwrap().clone()
    }

    /// The notices about the account (not about one job) so far.
    pub fn notices(&self) -> Vec<Notice> {
        self.records.notices.lock().unwrap().clone()
    }

    /// The stand-in's own counters, over HTTP as an end-to-end test would read them.
    pub async fn stats(&self) -> Value {
        let url = format!("http://127.0.0.1:{}/__standin/stats", self.server.port());
        let reply = reqwest::get(url).await.unwrap();
        reply.json().await.unwrap()
    }

    /// Every scripted fault was served: the job really went through them.
    pub async fn assert_faults_served(&self) {
        let stats = self.stats().await;
        assert_eq!(stats["faults_left"], 0, "faults not reached: {stats}");
    }

    pub fn media(&self) -> PathBuf {
        self.dir.path().join("media")
    }

    /// The media folder holds exactly the files the library's image rows name, all there:
    /// no temporary or half files, no row pointing at nothing.
    pub fn assert_media_consistent(&self) {
        let jobs = self
            .app
            .library_page(&LibraryQuery::default(), None, 1000)
            .unwrap()
            .jobs;
        let jobs: Vec<Job> = jobs.into_iter().map(|j| with_paths(&self.app, j)).collect();
        let mut named = BTreeSet::new();
        for img in jobs.iter().flat_map(|j| &j.images) {
            let small = small_of(&img.thumb);
            for file in [&img.file, &img.thumb, &small] {
                assert!(Path::new(file).is_file(), "row points at nothing: {file}");
                named.insert(PathBuf::from(file));
            }
        }
        let on_disk: BTreeSet<PathBuf> = walk(&self.media()).into_iter().collect();
        let stray: Vec<_> = on_disk.difference(&named).collect();
        assert!(stray.is_empty(), "files no image row names: {stray:?}");
    }
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Done, with the grid and four upscales as readable files (and thumbnails) on disk; on
/// midjourney-proxy the grid alone (its upscales are actions of their own).
pub fn assert_done(job: &Job) {
    assert_eq!(job.status, JobStatus::Done, "{:?}", job.error);
    let slots: Vec<Slot> = job.images.iter().map(|i| i.slot).collect();
    let made: &[Slot] = match job.provider {
        ProviderKind::MjPlus => &[Slot::Grid],
        _ => Slot::ALL,
    };
    assert_eq!(slots, made, "{job:?}");
    for img in &job.images {
        let file = image::open(&img.file).unwrap_or_else(|e| panic!("{}: {e}", img.file));
        assert_eq!((file.width(), file.height()), (img.width, img.height));
        assert!(Path::new(&img.thumb).is_file(), "{}", img.thumb);
    }
}

/// Ended in a failure state (`failed`, or the `download_failed` the engine is moving to), with
/// a message; returns it.
pub fn assert_failed(job: &Job) -> String {
    assert!(
        job.status.is_finished() && job.status.as_str().ends_with("failed"),
        "expected a failure, got {:?} ({:?})",
        job.status,
        job.error
    );
    job.error.clone().expect("a failed job says why")
}

/// Waits until the job is finished or `settled` says it has reached a state worth checking.
pub async fn until(app: &Atelier, id: i64, settled: impl Fn(&Job) -> bool) -> Job {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let jobs = app
            .library_page(&LibraryQuery::default(), None, 1000)
            .unwrap()
            .jobs;
        let job = jobs.into_iter().find(|j| j.id == id).unwrap();
        if job.status.is_finished() || settled(&job) {
            return with_paths(app, job);
        }
        assert!(Instant::now() < deadline, "job never settled: {job:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
