//! A stand-in for ImagineAPI (a Directus app), faithful to its wire protocol, so the app's real
//! HTTP client can be tested without the real service.

mod assets;
mod control;
mod directus;
mod faults;
mod items;
mod job;
mod query;
mod store;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::Response;
use axum::routing::{any, get};
use axum::Router;
use tokio::sync::oneshot;

pub use faults::Fault;
use faults::Faults;
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
    /// Edge of the grid in pixels; upscales are its quadrants, half as wide.
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
    shutdown: Option<oneshot::Sender<()>>,
}

/// State shared by every route.
pub(crate) struct Shared {
    config: ImagineApiConfig,
    bound: SocketAddr,
    /// When the server started, ISO 8601, for `/items/status`.
    started: String,
    jobs: Store,
    faults: Faults,
    requests: AtomicUsize,
}

impl ImagineApi {
    /// Binds 127.0.0.1:`port` (0 = any free port), serves in a tokio task, returns at once.
    pub async fn start(config: ImagineApiConfig, port: u16) -> std::io::Result<ImagineApi> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let shared = Arc::new(Shared {
            config,
            bound: listener.local_addr()?,
            started: crate::time::iso8601(SystemTime::now()),
            jobs: Store::default(),
            faults: Faults::default(),
            requests: AtomicUsize::new(0),
        });
        let app = router(shared.clone());
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            // Either the handle was dropped or asked to stop: both mean stop.
            let stop = async {
                let _ = stopped.await;
            };
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(stop)
                .await;
        });
        Ok(ImagineApi {
            shared,
            shutdown: Some(shutdown),
        })
    }

    /// E.g. `http://127.0.0.1:41234`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.shared.bound)
    }

    pub fn port(&self) -> u16 {
        self.shared.bound.port()
    }

    /// Scripts a failure; see [`Fault`]. A status HTTP cannot carry is served as 500.
    pub fn push_fault(&self, fault: Fault) {
        self.shared.faults.push(fault);
    }

    /// How many images were created (accepted submissions).
    pub fn submissions(&self) -> usize {
        self.shared.jobs.len()
    }

    /// How many HTTP requests were served, faulted ones included, `/__standin/...` excluded.
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::Relaxed)
    }
}

impl Drop for ImagineApi {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
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
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-_:[]".contains(c))
            });
        match host {
            Some(host) => format!("http://{host}"),
            None => format!("http://{}", self.bound),
        }
    }
}

fn router(shared: Arc<Shared>) -> Router {
    let items = Router::new()
        .route("/items/images", get(items::list).post(items::create))
        .route("/items/images/", get(items::list).post(items::create))
        .route("/items/images/{id}", get(items::get_one))
        .route("/items/status", get(items::status))
        .route("/items/{collection}", any(items::other_collection))
        .route("/items/{collection}/{id}", any(items::other_collection))
        .route_layer(from_fn_with_state(shared.clone(), items::auth));
    Router::new()
        .merge(items)
        .route("/assets/{file}", get(assets::bare))
        .route("/assets/{file}/{name}", get(assets::named))
        .fallback(directus::route_not_found)
        .method_not_allowed_fallback(directus::route_not_found)
        .layer(from_fn_with_state(shared.clone(), faults::inject))
        .layer(from_fn_with_state(shared.clone(), count))
        .merge(control::router())
        .with_state(shared)
}

/// Middleware: counts every protocol request for [`ImagineApi::requests`].
async fn count(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    shared.requests.fetch_add(1, Ordering::Relaxed);
    next.run(req).await
}
