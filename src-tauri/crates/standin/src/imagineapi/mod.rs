//! A stand-in for ImagineAPI (a Directus app), faithful to its wire protocol, so the app's real
//! HTTP client can be tested without the real service.

mod assets;
mod directus;
#[cfg(test)]
mod http_tests;
mod items;
mod job;
mod past;
mod query;
mod store;
mod view;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::Response;
use axum::routing::{any, get, post};
use axum::Router;

use crate::server::tls::Authority;
pub use crate::server::Fault;
use crate::server::{Common, Running, Standin};
use job::{Asset, Timing};
pub use past::PastImages;
use store::Store;

#[derive(Clone, Debug)]
pub struct ImagineApiConfig {
    /// The only bearer token accepted on `/items/...`.
    pub token: String,
    /// How long a job stays `pending`.
    pub pending: Duration,
    /// How long a job takes from `in-progress` to `completed`.
    pub running: Duration,
    /// Up to this much longer `in-progress`, by a hash of the prompt (none by default), so jobs
    /// finish at scattered times as real ones do; the same prompt always takes as long.
    pub running_spread: Duration,
    /// Long side of the grid in pixels; the short side follows the prompt's `--ar`. Upscales
    /// are its quadrants, half as wide and half as high.
    pub grid_size: u32,
    /// What `/items/status` reports; jobs stay `pending` unless it is `healthy`.
    pub bot_status: String,
    /// Images the account made before the server started, to be listed and imported.
    pub past: PastImages,
    /// The token's role may not read `user_created`: any query that filters on it or asks
    /// for it is answered 403 FORBIDDEN, as Directus does, so listing one's own past images
    /// is refused.
    pub user_created_hidden: bool,
    /// Listings ignore `page` and `offset`, as a proxy or a server that drops them would:
    /// every request gets the first page again, with the true `filter_count`.
    pub page_ignored: bool,
}

impl Default for ImagineApiConfig {
    fn default() -> Self {
        ImagineApiConfig {
            token: "standin-token".into(),
            pending: Duration::from_secs(1),
            running: Duration::from_secs(4),
            running_spread: Duration::ZERO,
            grid_size: 2048,
            bot_status: "healthy".into(),
            past: PastImages::default(),
            user_created_hidden: false,
            page_ignored: false,
        }
    }
}

/// A running stand-in server; dropping it shuts the server down.
pub struct ImagineApi {
    shared: Arc<Shared>,
    _running: Running,
}

/// State shared by every route.
pub(crate) struct Shared {
    config: ImagineApiConfig,
    common: Common,
    /// When the server started, ISO 8601, for `/items/status`.
    started: String,
    jobs: Store,
    /// Requests the `/assets/...` routes served, and how many of them were partial previews.
    asset_requests: AtomicUsize,
    /// List requests (`GET /items/images?...`) that filtered on the owner: listings of the
    /// account's past images.
    past_listings: AtomicUsize,
    preview_requests: AtomicUsize,
}

impl ImagineApi {
    /// Binds 127.0.0.1:`port` (0 = any free port), serves in a tokio task, returns at once.
    pub async fn start(config: ImagineApiConfig, port: u16) -> std::io::Result<ImagineApi> {
        let (listener, common) = crate::server::bind(port).await?;
        let shared = Self::shared(config, common);
        let running = crate::server::serve(listener, shared.clone(), router(shared.clone()));
        Ok(ImagineApi {
            shared,
            _running: running,
        })
    }

    /// Like [`ImagineApi::start`], over HTTPS with a certificate from `authority`, at
    /// `https://localhost:port`.
    pub async fn start_tls(
        config: ImagineApiConfig,
        port: u16,
        authority: &Authority,
    ) -> std::io::Result<ImagineApi> {
        let (listener, common) = crate::server::bind_tls(port, authority).await?;
        let shared = Self::shared(config, common);
        let running = crate::server::serve(listener, shared.clone(), router(shared.clone()));
        Ok(ImagineApi {
            shared,
            _running: running,
        })
    }

    fn shared(config: ImagineApiConfig, common: Common) -> Arc<Shared> {
        let jobs = Store::default();
        past::seed(&jobs, config.past);
        Arc::new(Shared {
            config,
            common,
            started: crate::time::iso8601(SystemTime::now()),
            jobs,
            asset_requests: AtomicUsize::new(0),
            past_listings: AtomicUsize::new(0),
            preview_requests: AtomicUsize::new(0),
        })
    }

    /// E.g. `http://127.0.0.1:41234`, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.shared.common.base_url()
    }

    pub fn port(&self) -> u16 {
        self.shared.common.bound().port()
    }

    /// Scripts a failure; see [`Fault`]. A status HTTP cannot carry is served as 500.
    pub fn push_fault(&self, fault: Fault) {
        self.shared.common.push_fault(fault);
    }

    /// How many images were created (accepted submissions).
    pub fn submissions(&self) -> usize {
        self.shared.jobs.len()
    }

    /// How many HTTP requests were served, faulted ones included, `/__standin/...` excluded.
    pub fn requests(&self) -> usize {
        self.shared.common.requests()
    }

    /// How many bytes of endless bodies (see [`Fault::endless`]) were sent.
    pub fn endless_bytes(&self) -> u64 {
        self.shared.common.endless_bytes()
    }

    /// How many of `requests()` carried an `Authorization` header, right token or not.
    pub fn bearer_requests(&self) -> usize {
        self.shared.common.bearer_requests()
    }

    /// How many of `requests()` were picture downloads (`/assets/...`), partial previews
    /// included; the rest went to the API (`/items/...`). A request answered by a scripted
    /// fault is not counted here.
    pub fn asset_requests(&self) -> usize {
        self.shared.asset_requests.load(Ordering::Relaxed)
    }

    /// How many list requests filtered on the images' owner (`user_created`): listings of
    /// the account's past images, refused ones included.
    pub fn past_listings(&self) -> usize {
        self.shared.past_listings.load(Ordering::Relaxed)
    }

    /// Where each completed past image of the account has its pictures, as the prefixes of
    /// their paths (`/assets/{file id}/`, grid then U1..U4): to script faults on an import's
    /// downloads alone.
    pub fn past_asset_paths(&self) -> Vec<String> {
        let jobs = self.shared.jobs.all();
        let past = jobs.iter().filter(|j| {
            j.settled == Some(crate::clock::Phase::Completed) && j.user == job::USER_CREATED
        });
        past.flat_map(|j| std::iter::once(&j.files.grid).chain(&j.files.upscales))
            .map(|id| format!("/assets/{id}/"))
            .collect()
    }

    /// How many of `asset_requests()` fetched a running job's partial preview.
    pub fn preview_requests(&self) -> usize {
        self.shared.preview_requests.load(Ordering::Relaxed)
    }

    /// When the job `remote_id` turns (or turned) `completed`, on this process's clock; `None`
    /// for an unknown id or a job that never completes (`[fail]`, or the bot is not healthy).
    pub fn completed_at(&self, remote_id: &str) -> Option<Instant> {
        self.shared
            .jobs
            .get(remote_id)?
            .completes_at(self.shared.timing())
    }
}

/// For crash tests: what arrived, so a test can tell a resubmission from a new job.
impl ImagineApi {
    /// Every accepted submission as (image id, `ref` if one was sent), in arrival order.
    pub fn received(&self) -> Vec<(String, Option<String>)> {
        let jobs = self.shared.jobs.all();
        jobs.iter()
            .map(|job| (job.id.clone(), job.reference.clone()))
            .collect()
    }
}

impl Standin for Shared {
    fn common(&self) -> &Common {
        &self.common
    }

    fn submissions(&self) -> usize {
        self.jobs.len()
    }

    fn error_body(status: StatusCode) -> serde_json::Value {
        directus::default_error_body(status)
    }
}

impl Shared {
    fn timing(&self) -> Timing {
        Timing {
            pending: self.config.pending,
            running: self.config.running,
            running_spread: self.config.running_spread,
            bot_healthy: self.config.bot_status == "healthy",
        }
    }

    /// The base URL the client used to reach us, so asset URLs work through any alias.
    fn base(&self, headers: &HeaderMap) -> String {
        self.common.base(headers)
    }
}

/// The Directus routes; faults, counting and the controls are added by `server::serve`.
fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    let items = Router::new()
        .route("/items/images", get(items::list).post(items::create))
        .route("/items/images/", get(items::list).post(items::create))
        .route("/items/images/{id}", get(items::get_one))
        .route(
            "/items/images/{id}/{index}/upscale/{scale}",
            post(items::enhance),
        )
        .route("/items/status", get(items::status))
        .route("/items/{collection}", any(items::other_collection))
        .route("/items/{collection}/{id}", any(items::other_collection))
        .route_layer(from_fn_with_state(shared.clone(), items::auth));
    let assets = Router::new()
        .route("/assets/{file}", get(assets::bare))
        .route("/assets/{file}/{name}", get(assets::named))
        .route_layer(from_fn_with_state(shared, count_asset));
    Router::new()
        .merge(items)
        .merge(assets)
        .fallback(directus::route_not_found)
        .method_not_allowed_fallback(directus::route_not_found)
}

/// Middleware on the asset routes: counts downloads apart from API calls, previews apart.
async fn count_asset(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    shared.asset_requests.fetch_add(1, Ordering::Relaxed);
    let file = req.uri().path().trim_start_matches("/assets/");
    let file = file.split('/').next().unwrap_or_default();
    if let Some((_, Asset::Preview)) = shared.jobs.file(file) {
        shared.preview_requests.fetch_add(1, Ordering::Relaxed);
    }
    next.run(req).await
}
