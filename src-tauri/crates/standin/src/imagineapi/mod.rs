//! A stand-in for ImagineAPI (a Directus app), faithful to its wire protocol, so the app's real
//! HTTP client can be tested without the real service.

mod assets;
mod directus;
mod items;
mod job;
mod past;
mod query;
mod store;

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    async fn server(bot_status: &str) -> ImagineApi {
        let config = ImagineApiConfig {
            pending: Duration::from_millis(100),
            running: Duration::from_millis(300),
            grid_size: 64,
            bot_status: bot_status.into(),
            ..ImagineApiConfig::default()
        };
        ImagineApi::start(config, 0).await.unwrap()
    }

    async fn call(api: &ImagineApi, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", api.base_url());
        let http = reqwest::Client::new();
        let req = match body {
            Some(body) => http.post(url).json(&body),
            None => http.get(url),
        };
        let reply = req.bearer_auth("standin-token").send().await.unwrap();
        assert!(reply.status().is_success(), "{path}: {}", reply.status());
        if path.starts_with("/assets/") {
            return Value::Null;
        }
        reply.json::<Value>().await.unwrap()["data"].clone()
    }

    async fn submit(api: &ImagineApi, prompt: &str) -> String {
        let job = call(api, "/items/images/", Some(json!({ "prompt": prompt }))).await;
        job["id"].as_str().unwrap().to_owned()
    }

    #[tokio::test]
    async fn completion_instant_matches_what_polls_see() {
        let api = server("healthy").await;
        let before = Instant::now();
        let id = submit(&api, "a cat").await;
        let after = Instant::now();
        let done = api.completed_at(&id).unwrap();
        let lasts = Duration::from_millis(400);
        assert!(before + lasts <= done && done <= after + lasts);
        tokio::time::sleep_until(done.into()).await;
        let job = call(&api, &format!("/items/images/{id}"), None).await;
        assert_eq!(job["status"], "completed");

        let slow = submit(&api, "a cat [slow]").await;
        let slow_done = api.completed_at(&slow).unwrap();
        assert!(slow_done >= after + lasts * 10);
        let failing = submit(&api, "a cat [fail]").await;
        assert_eq!(api.completed_at(&failing), None);
        assert_eq!(api.completed_at("no-such-id"), None);

        let down = server("unhealthy").await;
        let queued = submit(&down, "a cat").await;
        assert_eq!(down.completed_at(&queued), None);
    }

    #[tokio::test]
    async fn asset_downloads_are_counted_apart_from_api_calls() {
        let api = server("healthy").await;
        let id = submit(&api, "a cat").await;
        // Halfway through drawing, a preview is on offer.
        tokio::time::sleep(Duration::from_millis(250)).await;
        let running = call(&api, &format!("/items/images/{id}"), None).await;
        let preview = running["url"].as_str().unwrap().to_owned();
        call(&api, &preview.replace(&api.base_url(), ""), None).await;
        tokio::time::sleep_until(api.completed_at(&id).unwrap().into()).await;
        let done = call(&api, &format!("/items/images/{id}"), None).await;
        let grid = done["url"].as_str().unwrap().replace(&api.base_url(), "");
        call(&api, &grid, None).await;
        let bare = grid.rsplit_once('/').unwrap().0.to_owned();
        call(&api, &bare, None).await;
        call(&api, "/items/status", None).await;

        assert_eq!(api.requests(), 7);
        assert_eq!(api.asset_requests(), 3);
        assert_eq!(api.preview_requests(), 1);
    }

    const PAST: &str = "/items/images?fields=id,prompt,status,url,upscaled_urls,error,ref,\
        date_created,parent_id&filter[user_created][_eq]=$CURRENT_USER&sort=-date_created\
        &limit=50&page=";

    async fn with_past(past: PastImages, hidden: bool) -> ImagineApi {
        let config = ImagineApiConfig {
            grid_size: 64,
            past,
            user_created_hidden: hidden,
            ..ImagineApiConfig::default()
        };
        ImagineApi::start(config, 0).await.unwrap()
    }

    async fn get(api: &ImagineApi, path: &str) -> (StatusCode, Value) {
        let reply = reqwest::Client::new()
            .get(format!("{}{path}", api.base_url()))
            .bearer_auth("standin-token")
            .send()
            .await
            .unwrap();
        (reply.status(), reply.json().await.unwrap())
    }

    #[tokio::test]
    async fn past_images_are_listed_as_directus_pages_of_the_tokens_own() {
        let past = PastImages {
            completed: 90,
            failed: 10,
            in_progress: 10,
            other_users: 10,
        };
        let api = with_past(past, false).await;
        let mine = submit(&api, "made just now").await;
        let (status, first) = get(&api, &format!("{PAST}1&meta=filter_count")).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        assert_eq!(
            first["meta"]["filter_count"], 111,
            "the other user's are not counted"
        );
        let items = first["data"].as_array().unwrap();
        assert_eq!(items.len(), 50);
        assert_eq!(items[0]["id"], mine.as_str(), "newest first");
        let mut keys: Vec<&str> = items[1]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "date_created",
                "error",
                "id",
                "parent_id",
                "prompt",
                "ref",
                "status",
                "upscaled_urls",
                "url"
            ],
            "only the fields asked for"
        );

        let mut seen = Vec::new();
        for page in 1..=4 {
            let (_, reply) = get(&api, &format!("{PAST}{page}")).await;
            assert!(reply.get("meta").is_none(), "meta only when asked");
            seen.extend(reply["data"].as_array().unwrap().clone());
        }
        assert_eq!(seen.len(), 111, "pages of 50, 50, 11, then none");
        let dates: Vec<&str> = seen
            .iter()
            .map(|i| i["date_created"].as_str().unwrap())
            .collect();
        assert!(
            dates.windows(2).all(|w| w[0] >= w[1]),
            "sorted by -date_created"
        );
        let status_of = |s: &str| seen.iter().filter(|i| i["status"] == s).count();
        assert_eq!(
            (
                status_of("completed"),
                status_of("failed"),
                status_of("in-progress")
            ),
            (90, 10, 10)
        );
        assert_eq!(api.past_listings(), 5);

        // A completed past image's grid and upscales are real pictures.
        let done = seen
            .iter()
            .find(|i| i["status"] == "completed" && i["id"] != mine.as_str())
            .unwrap();
        let mut urls = vec![done["url"].as_str().unwrap().to_owned()];
        for u in done["upscaled_urls"].as_array().unwrap() {
            urls.push(u.as_str().unwrap().to_owned());
        }
        assert_eq!(urls.len(), 5);
        for url in urls {
            let bytes = reqwest::get(&url).await.unwrap().bytes().await.unwrap();
            assert!(image::load_from_memory(&bytes).is_ok(), "{url}");
        }
    }

    #[tokio::test]
    async fn a_role_that_may_not_read_the_owner_is_refused_the_listing() {
        let api = with_past(
            PastImages {
                completed: 3,
                ..PastImages::default()
            },
            true,
        )
        .await;
        let (status, reply) = get(&api, &format!("{PAST}1&meta=filter_count")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(reply["errors"][0]["extensions"]["code"], "FORBIDDEN");
        assert!(reply["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("user_created"));
        // Other listings (batch polling) still work.
        let (status, _) = get(&api, "/items/images?fields=id,status&limit=5").await;
        assert_eq!(status, StatusCode::OK);
    }

    #[tokio::test]
    async fn unknown_fields_are_refused_as_directus_does() {
        let api = with_past(PastImages::default(), false).await;
        let (status, reply) = get(&api, "/items/images?fields=id,colour").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(reply["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("colour"));
    }
}
