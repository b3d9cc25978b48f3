//! The "CDN": a second origin serving the tasks' pictures, as Discord's does for a real
//! midjourney-proxy. No secret is asked for there (and any that arrives is noted, for the
//! tests that check the client never sends it), and each link answers 403 once it expires.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use uuid::Uuid;

use super::pictures::{Art, Asset};
use crate::server::{Common, Standin};

/// Links handed out, by file id: the picture and when the link stops working.
pub struct Links {
    ttl: Duration,
    base: String,
    minted: Mutex<HashMap<(String, Asset), String>>,
    files: Mutex<HashMap<String, Link>>,
}

#[derive(Clone)]
struct Link {
    art: Arc<Art>,
    asset: Asset,
    expires: Instant,
}

impl Links {
    pub fn new(base: String, ttl: Duration) -> Links {
        Links {
            ttl,
            base,
            minted: Mutex::default(),
            files: Mutex::default(),
        }
    }

    /// The link to `task_id`'s `asset`, the same on every call; minted (and its lifetime
    /// started) the first time it is asked for, as Discord signs a link when it posts it.
    pub fn url(&self, task_id: &str, art: &Arc<Art>, asset: Asset) -> String {
        let key = (task_id.to_owned(), asset);
        let mut minted = lock(&self.minted);
        let file = minted.entry(key).or_insert_with(|| {
            let file = Uuid::new_v4().simple().to_string();
            let link = Link {
                art: art.clone(),
                asset,
                expires: Instant::now() + self.ttl,
            };
            lock(&self.files).insert(file.clone(), link);
            file
        });
        let ext = match (asset, art.picture.mime()) {
            (Asset::Preview, _) => "webp",
            (_, "image/jpeg") => "jpg",
            (_, "image/webp") => "webp",
            _ => "png",
        };
        // Discord's links carry their expiry (`ex`, hex seconds); this one is only decoration.
        format!(
            "{}/attachments/{file}/{task_id}.{ext}?ex={:x}",
            self.base,
            self.ttl.as_secs()
        )
    }

    fn get(&self, file: &str) -> Option<Link> {
        lock(&self.files).get(file).cloned()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The CDN's own state.
pub struct Cdn {
    pub common: Common,
    pub links: Arc<Links>,
    /// Whether any request here carried `mj-api-secret` or `Authorization`.
    pub saw_secret: AtomicBool,
}

impl Standin for Cdn {
    fn common(&self) -> &Common {
        &self.common
    }

    fn submissions(&self) -> usize {
        0
    }

    fn error_body(status: StatusCode) -> serde_json::Value {
        serde_json::json!({ "message": status.canonical_reason().unwrap_or("error") })
    }
}

pub fn router(cdn: Arc<Cdn>) -> Router<Arc<Cdn>> {
    Router::new()
        .route("/attachments/{file}/{name}", get(serve))
        .layer(from_fn_with_state(cdn, note_secret))
}

async fn note_secret(State(cdn): State<Arc<Cdn>>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    if headers.contains_key("mj-api-secret") || headers.contains_key(header::AUTHORIZATION) {
        cdn.saw_secret.store(true, Ordering::Relaxed);
    }
    next.run(req).await
}

async fn serve(
    State(cdn): State<Arc<Cdn>>,
    Path((file, _name)): Path<(String, String)>,
) -> Response {
    let Some(link) = cdn.links.get(&file) else {
        return (StatusCode::NOT_FOUND, "404: Not Found").into_response();
    };
    if Instant::now() >= link.expires {
        // What Discord's CDN answers for an expired signed link.
        return (
            StatusCode::FORBIDDEN,
            "This content is no longer available.",
        )
            .into_response();
    }
    match link.art.bytes(link.asset).await {
        Ok((mime, bytes)) => ([(header::CONTENT_TYPE, mime)], bytes).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
    }
}
