//! A stand-in for midjourney-proxy ("mj-plus"), faithful to its wire protocol: `/mj/submit/...`
//! answered with `{code, description, result, properties}`, tasks fetched one by one or by
//! `list-by-condition`, Discord's buttons under each result, and pictures served from a
//! second origin (the "CDN") whose links expire.
//!
//! How to script each fault:
//! - HTTP errors, garbage bodies, slow, cut or lost replies, resets: [`MjPlus::push_fault`]
//!   (or `POST /__standin/faults`) with a [`Fault`] on a path prefix such as
//!   `/mj/submit/imagine`, `/mj/task/` (fetch) or `/mj/task/list-by-condition`; a lost reply
//!   is `Fault::new(path, 502, 1).after_handling()` (the task is made, the reply is a 502).
//!   The CDN's downloads: [`MjPlus::push_cdn_fault`] on `/attachments/`.
//! - A task that misbehaves: a marker in the prompt (`[fail]`, `[stuck]`,
//!   `[stuck-submitted]`, `[backwards]`, `[vanish]`, `[cancel]`; see [`TaskFault`]), or for
//!   tasks whose prompt a test does not write (actions, describe, blend)
//!   [`MjPlus::script_task`] / `POST /__standin/mjplus/task-faults {"fault": "stuck"}`: the
//!   next task created gets it.
//! - Expired links: `link_ttl` (a link answers 403 that long after it was first handed out).
//! - Queueing and a full queue: `concurrency` and `queue_size` (codes 22 and 23).
//! - Banned prompts (code 24): `banned`. Remix turning V/🔄 into MODAL tasks: `remix`.
//! - Wrong or missing secret (401): `auth` and `secret`.
//!
//! What arrived: [`MjPlus::task`] (the task JSON, whose `properties` record the mode, how many
//! pictures came with an imagine or blend, a mask's size and white share),
//! [`MjPlus::requests`] per route, [`MjPlus::saw_secret_on_cdn`].

mod buttons;
mod cdn;
mod describe;
mod fetch;
mod pictures;
mod store;
mod submit;
mod task;
mod uploads;
mod view;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{MatchedPath, Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

pub use crate::server::Fault;
use crate::server::{Common, Running, Standin};
use cdn::{Cdn, Links};
use store::Store;
pub use task::TaskFault;
use task::{Mode, Timing};

/// How the server wants its secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretStyle {
    /// `mj-api-secret: <secret>`, as a self-hosted midjourney-proxy takes it.
    Header,
    /// `Authorization: Bearer <secret>`, as relays built on one-api / new-api take it.
    Bearer,
    /// No secret at all.
    None,
}

#[derive(Clone, Debug)]
pub struct MjPlusConfig {
    pub secret: String,
    pub auth: SecretStyle,
    /// Also serve every route under `/mj-fast`, `/mj-relax` and `/mj-turbo` (else 404 there).
    pub modes: bool,
    /// How long a task stays SUBMITTED once it has a slot.
    pub pending: Duration,
    /// How long it then takes from IN_PROGRESS 0% to SUCCESS.
    pub running: Duration,
    /// Long side of a grid in pixels; the short side follows `--ar`. Upscales are quadrants.
    pub grid_size: u32,
    /// Remix mode: V1–V4, Vary and 🔄 answer "Waiting for window confirm" (code 21).
    pub remix: bool,
    /// How many tasks hold a slot (SUBMITTED or IN_PROGRESS) at once.
    pub concurrency: usize,
    /// How many tasks may wait for a slot; one more is refused with code 23.
    pub queue_size: usize,
    /// Words that get a prompt refused with code 24.
    pub banned: Vec<String>,
    /// How long a picture link works once handed out; then the CDN answers 403.
    pub link_ttl: Duration,
    /// What a `[fail]` task's `failReason` says.
    pub fail_reason: String,
}

impl Default for MjPlusConfig {
    fn default() -> Self {
        MjPlusConfig {
            secret: "standin-secret".into(),
            auth: SecretStyle::Header,
            modes: false,
            pending: Duration::from_millis(500),
            running: Duration::from_secs(3),
            grid_size: 1024,
            remix: false,
            concurrency: 3,
            queue_size: 10,
            banned: vec!["gore".into()],
            link_ttl: Duration::from_secs(24 * 3600),
            fail_reason: "Midjourney could not make this image: [Invalid parameter] \
                          check the prompt's parameters and submit again"
                .into(),
        }
    }
}

/// A running stand-in (the API and its CDN); dropping it shuts both down.
pub struct MjPlus {
    shared: Arc<Shared>,
    cdn: Arc<Cdn>,
    _running: Running,
    _cdn_running: Running,
}

/// State shared by every route.
pub(crate) struct Shared {
    config: MjPlusConfig,
    common: Common,
    tasks: Store,
    links: Arc<Links>,
    /// Requests that reached a route, by route (mode prefix folded into `/mj`).
    per_route: Mutex<HashMap<String, usize>>,
}

impl MjPlus {
    /// Binds 127.0.0.1:`port` (0 = any free port) and the CDN on another free port, serves
    /// both in tokio tasks, returns at once.
    pub async fn start(config: MjPlusConfig, port: u16) -> std::io::Result<MjPlus> {
        let (cdn_listener, cdn_common) = crate::server::bind(0).await?;
        let links = Arc::new(Links::new(cdn_common.base_url(), config.link_ttl));
        let cdn = Arc::new(Cdn {
            common: cdn_common,
            links: links.clone(),
            saw_secret: AtomicBool::new(false),
        });
        let cdn_running = crate::server::serve(cdn_listener, cdn.clone(), cdn::router(cdn.clone()));
        let (listener, common) = crate::server::bind(port).await?;
        let timing = Timing {
            pending: config.pending,
            running: config.running,
        };
        let tasks = Store::new(timing, config.concurrency, config.queue_size);
        let shared = Arc::new(Shared {
            config,
            common,
            tasks,
            links,
            per_route: Mutex::default(),
        });
        let running = crate::server::serve(listener, shared.clone(), router(shared.clone()));
        Ok(MjPlus {
            shared,
            cdn,
            _running: running,
            _cdn_running: cdn_running,
        })
    }

    /// The server root a user configures, e.g. `http://127.0.0.1:41234` (routes are `/mj/...`).
    pub fn base_url(&self) -> String {
        self.shared.common.base_url()
    }

    /// The other origin the pictures are served from.
    pub fn cdn_url(&self) -> String {
        self.cdn.common.base_url()
    }

    pub fn port(&self) -> u16 {
        self.shared.common.bound().port()
    }

    /// Scripts a failure of the API; see [`Fault`].
    pub fn push_fault(&self, fault: Fault) {
        self.shared.common.push_fault(fault);
    }

    /// Scripts a failure of the CDN's downloads (paths start `/attachments/`).
    pub fn push_cdn_fault(&self, fault: Fault) {
        self.cdn.common.push_fault(fault);
    }

    /// The next task created (of any kind) misbehaves as `fault` says.
    pub fn script_task(&self, fault: TaskFault) {
        self.shared.tasks.script(fault);
    }

    /// The task as `/mj/task/{id}/fetch` shows it now; `None` if unknown or vanished.
    pub fn task(&self, id: &str) -> Option<serde_json::Value> {
        fetch::shown(&self.shared, id)
    }

    /// How many tasks were made (MODAL ones included).
    pub fn submissions(&self) -> usize {
        self.shared.tasks.len()
    }

    /// How many requests reached `route`, written as routed under `/mj` whatever the mode:
    /// `/mj/submit/imagine`, `/mj/task/{id}/fetch`, `/mj/task/list-by-condition`... Refused
    /// ones (401) are counted; ones a scripted [`Fault`] answered in the route's place are not.
    pub fn requests(&self, route: &str) -> usize {
        let counts = self
            .shared
            .per_route
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        counts.get(route).copied().unwrap_or(0)
    }

    /// Every request to the API, faulted ones included.
    pub fn all_requests(&self) -> usize {
        self.shared.common.requests()
    }

    /// Requests to the CDN, faulted ones included.
    pub fn cdn_requests(&self) -> usize {
        self.cdn.common.requests()
    }

    /// Whether any request to the CDN carried `mj-api-secret` or `Authorization`.
    pub fn saw_secret_on_cdn(&self) -> bool {
        self.cdn.saw_secret.load(Ordering::Relaxed)
    }
}

impl Standin for Shared {
    fn common(&self) -> &Common {
        &self.common
    }

    fn submissions(&self) -> usize {
        self.tasks.len()
    }

    fn error_body(status: StatusCode) -> serde_json::Value {
        json!({
            "code": status.as_u16(),
            "description": status.canonical_reason().unwrap_or("error"),
        })
    }
}

impl Shared {
    /// The configured banned word the prompt contains, as a whole word, if any.
    fn banned_word(&self, prompt: &str) -> Option<String> {
        let lower = prompt.to_lowercase();
        let mut words = lower.split(|c: char| !c.is_alphanumeric());
        words.find_map(|w| {
            self.config
                .banned
                .iter()
                .find(|b| b.eq_ignore_ascii_case(w))
                .cloned()
        })
    }
}

fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    let mut api = Router::new().nest("/mj", routes(Mode::Default));
    if shared.config.modes {
        for mode in Mode::PREFIXED {
            api = api.nest(mode.prefix(), routes(mode));
        }
    }
    api.route_layer(from_fn_with_state(shared.clone(), auth))
        .route_layer(from_fn_with_state(shared, count))
        .route("/__standin/mjplus/task-faults", post(script_task))
        .fallback(not_found)
}

/// The proxy's routes under one mode's prefix.
fn routes(mode: Mode) -> Router<Arc<Shared>> {
    type S = State<Arc<Shared>>;
    Router::new()
        .route(
            "/submit/imagine",
            post(move |State(s): S, b: Bytes| submit::imagine(s, mode, b)),
        )
        .route(
            "/submit/action",
            post(move |State(s): S, b: Bytes| submit::action(s, mode, b)),
        )
        .route(
            "/submit/modal",
            post(|State(s): S, b: Bytes| submit::modal(s, b)),
        )
        .route(
            "/submit/describe",
            post(move |State(s): S, b: Bytes| submit::describe(s, mode, b)),
        )
        .route(
            "/submit/blend",
            post(move |State(s): S, b: Bytes| submit::blend(s, mode, b)),
        )
        .route(
            "/task/{id}/fetch",
            get(|State(s): S, Path(id): Path<String>| fetch::one(s, id)),
        )
        .route(
            "/task/list-by-condition",
            post(|State(s): S, b: Bytes| fetch::list(s, b)),
        )
}

async fn not_found() -> Response {
    let body =
        json!({ "code": 404, "description": "no such route: see /mj/submit/... and /mj/task/..." });
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

/// Middleware: the secret as the server is configured to take it, else 401.
async fn auth(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let sent = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let secret = shared.config.secret.as_str();
    let (ok, wanted) = match shared.config.auth {
        SecretStyle::None => (true, ""),
        SecretStyle::Header => (
            sent("mj-api-secret") == Some(secret),
            "send the server's secret in the mj-api-secret header",
        ),
        SecretStyle::Bearer => (
            sent("authorization") == Some(&format!("Bearer {secret}")),
            "send the key as Authorization: Bearer <key>",
        ),
    };
    if ok {
        return next.run(req).await;
    }
    let body = json!({ "code": 401, "description": format!("secret missing or wrong: {wanted}") });
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

/// Middleware: counts requests per route, the mode's prefix folded into `/mj`.
async fn count(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    if let Some(path) = req.extensions().get::<MatchedPath>() {
        let path = path.as_str();
        let rest = Mode::PREFIXED
            .iter()
            .find_map(|m| path.strip_prefix(m.prefix()))
            .map(|rest| format!("/mj{rest}"))
            .unwrap_or_else(|| path.to_owned());
        let mut counts = shared.per_route.lock().unwrap_or_else(|e| e.into_inner());
        *counts.entry(rest).or_default() += 1;
    }
    next.run(req).await
}

#[derive(Deserialize)]
struct ScriptTask {
    fault: TaskFault,
}

/// `POST /__standin/mjplus/task-faults {"fault": "stuck"}` → 204: the next task gets it.
async fn script_task(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match serde_json::from_slice::<ScriptTask>(&body) {
        Ok(ScriptTask { fault }) => {
            shared.tasks.script(fault);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, format!("not a task fault: {e}")).into_response(),
    }
}
