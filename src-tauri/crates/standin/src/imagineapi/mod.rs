//! A stand-in for ImagineAPI (a Directus app), faithful to its wire protocol, so the app's real
//! HTTP client can be tested without the real service.

mod assets;
mod directus;
mod items;
mod job;
mod query;
mod store;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::routing::{any, get};
use axum::Router;

pub use crate::server::Fault;
use crate::server::{Common, Running, Standin};
use job::Timing;
use store::Store;

#[derive(Clone, Debug)]
pub struct ImagineApiConfig {
    /// The only bearer token accepted on `/items/...`.
    pub token: String,
    /// How long a job stays `pending`.
    pub pending: Duration,
    /// How long a job takes from `in-progress` to `completed`.
    pub running: Duration,
    /// Long side of the grid in pixels; the short side follows the prompt's `--ar`. Upscales
    /// are its quadrants, half as wide and half as high.
    pub grid_size: u32,
    /// What `/items/status` reports; jobs stay `pending` unless it is `healthy`.
    pub bot_status: String,
}

impl Default for ImagineApiConfig {
    fn default() -> Self {
        ImagineApiConfig {
            token: "standin-token".into(),
            pending: Duration::from_secs(1),
            running: Duration::from_secs(4),
            grid_size: 2048,
            bot_status: "healthy".into(),
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
}

impl ImagineApi {
    /// Binds 127.0.0.1:`port` (0 = any free port), serves in a tokio task, returns at once.
    pub async fn start(config: ImagineApiConfig, port: u16) -> std::io::Result<ImagineApi> {
        let (listener, common) = crate::server::bind(port).await?;
        let shared = Arc::new(Shared {
            config,
            common,
            started: crate::time::iso8601(SystemTime::now()),
            jobs: Store::default(),
        });
        let running = crate::server::serve(listener, shared.clone(), router(shared.clone()));
        Ok(ImagineApi {
            shared,
            _running: running,
        })
    }

    /// E.g. `http://127.0.0.1:41234`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.shared.common.bound())
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
        .route("/items/status", get(items::status))
        .route("/items/{collection}", any(items::other_collection))
        .route("/items/{collection}/{id}", any(items::other_collection))
        .route_layer(from_fn_with_state(shared, items::auth));
    Router::new()
        .merge(items)
        .route("/assets/{file}", get(assets::bare))
        .route("/assets/{file}/{name}", get(assets::named))
        .fallback(directus::route_not_found)
        .method_not_allowed_fallback(directus::route_not_found)
}
