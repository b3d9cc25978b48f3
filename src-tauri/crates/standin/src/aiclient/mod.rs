//! A stand-in for AI-Client (a Laravel app that relays prompts to Midjourney), faithful to its
//! wire protocol: bearer tokens, form-encoded bodies, threads of request and response entries,
//! and four finished images served from `/storage`.

mod auth;
mod entries;
mod form;
mod job;
mod laravel;
mod storage;
mod store;
mod threads;

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

use crate::clock::Lifecycle;
pub use crate::server::Fault;
use crate::server::{Common, Running, Standin};
use store::Store;

/// Where the API lives under the host, as in `https://app.ai-client.com/api/v1`.
const API: &str = "/api/v1";

#[derive(Clone, Debug)]
pub struct AiClientConfig {
    /// The only bearer token accepted under `/api/v1`.
    pub token: String,
    /// How long a request waits before its response entry appears.
    pub pending: Duration,
    /// How long the response takes from `processing` to `completed`.
    pub running: Duration,
    /// Long side of each of the four images; the short side follows the prompt's `--ar`.
    pub image_size: u32,
    /// What a completed response costs, as its `credits` reports.
    pub credits_per_job: u32,
}

impl Default for AiClientConfig {
    fn default() -> Self {
        AiClientConfig {
            token: "standin-token".into(),
            pending: Duration::from_secs(1),
            running: Duration::from_secs(4),
            image_size: 1024,
            credits_per_job: 10,
        }
    }
}

/// A running stand-in server; dropping it shuts the server down.
pub struct AiClient {
    shared: Arc<Shared>,
    _running: Running,
}

/// State shared by every route.
pub(crate) struct Shared {
    config: AiClientConfig,
    common: Common,
    store: Store,
}

impl AiClient {
    /// Binds 127.0.0.1:`port` (0 = any free port), serves in a tokio task, returns at once.
    pub async fn start(config: AiClientConfig, port: u16) -> std::io::Result<AiClient> {
        let (listener, common) = crate::server::bind(port).await?;
        let shared = Arc::new(Shared {
            config,
            common,
            store: Store::default(),
        });
        let running = crate::server::serve(listener, shared.clone(), router(shared.clone()));
        Ok(AiClient {
            shared,
            _running: running,
        })
    }

    /// The API base a user would configure, e.g. `http://127.0.0.1:41234/api/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}{API}", self.shared.common.bound())
    }

    pub fn port(&self) -> u16 {
        self.shared.common.bound().port()
    }

    /// Scripts a failure; see [`Fault`]. Prefixes are full paths, e.g. `/api/v1/threads`.
    pub fn push_fault(&self, fault: Fault) {
        self.shared.common.push_fault(fault);
    }

    /// How many `request` entries were accepted.
    pub fn submissions(&self) -> usize {
        self.shared.store.submissions()
    }

    /// How many HTTP requests were served, faulted ones included, `/__standin/...` excluded.
    pub fn requests(&self) -> usize {
        self.shared.common.requests()
    }

    /// How many bytes of endless bodies (see [`Fault::endless`]) were sent.
    pub fn endless_bytes(&self) -> u64 {
        self.shared.common.endless_bytes()
    }
}

impl Standin for Shared {
    fn common(&self) -> &Common {
        &self.common
    }

    fn submissions(&self) -> usize {
        self.store.submissions()
    }

    fn error_body(status: StatusCode) -> serde_json::Value {
        laravel::error_body(status)
    }
}

impl Shared {
    fn lifecycle(&self) -> Lifecycle {
        Lifecycle {
            pending: self.config.pending,
            running: self.config.running,
        }
    }
}

/// The Laravel routes; faults, counting and the controls are added by `server::serve`.
fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    let api = Router::new()
        .route(
            &format!("{API}/threads"),
            get(threads::list).post(threads::create),
        )
        .route(&format!("{API}/threads/{{guid}}"), get(threads::show))
        .route(
            &format!("{API}/threads/{{guid}}/entry"),
            post(entries::create),
        )
        .route(
            &format!("{API}/threads/{{guid}}/entries"),
            get(entries::list),
        )
        .route_layer(from_fn_with_state(shared, auth::require_token));
    Router::new()
        .merge(api)
        .route("/login", get(auth::login_page))
        .route("/storage/midjourney/{file}", get(storage::serve))
        .fallback(laravel::route_not_found)
        .method_not_allowed_fallback(laravel::method_not_allowed)
}
