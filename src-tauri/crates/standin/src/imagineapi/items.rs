//! `/items/...`: the Directus collections ImagineAPI exposes, `images` and `status`.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::{json, Value};

use super::job::{Origin, SCALES};
use super::query::{Fields, ListQuery, Shown};
use super::{directus, Shared};
use crate::clock::Phase;

type QueryPairs = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// Middleware: a static Directus token, as a bearer header or an `access_token` parameter.
pub async fn auth(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let token = &shared.config.token;
    let from_header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .is_some_and(|(scheme, given)| {
            scheme.eq_ignore_ascii_case("bearer") && given.trim() == token
        });
    let from_query = req.uri().query().is_some_and(|q| {
        q.split('&')
            .any(|pair| pair.strip_prefix("access_token=") == Some(token.as_str()))
    });
    if from_header || from_query {
        next.run(req).await
    } else {
        directus::invalid_credentials()
    }
}

/// `POST /items/images/`: `{"prompt": "...", "ref": "..."}`.
pub async fn create(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    query: QueryPairs,
    body: Bytes,
) -> Response {
    let payload: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return directus::invalid_payload(&format!("{e}.")),
    };
    let Some(payload) = payload.as_object() else {
        return directus::invalid_payload("Expected an object.");
    };
    let prompt = match payload.get("prompt") {
        Some(Value::String(p)) if !p.trim().is_empty() => p.clone(),
        Some(Value::String(_)) | Some(Value::Null) | None => {
            return directus::invalid_payload("\"prompt\" is required.")
        }
        Some(_) => return directus::invalid_payload("\"prompt\" must be a string."),
    };
    let reference = match payload.get("ref") {
        None | Some(Value::Null) => None,
        Some(Value::String(r)) => Some(r.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => return directus::invalid_payload("\"ref\" must be a string."),
    };
    let job = shared.jobs.create(prompt, reference);
    let view = job.view(
        job.phase(Instant::now(), shared.timing()),
        &shared.base(&headers),
    );
    shown(&fields(query), view)
}

/// `POST /items/images/{id}/{index}/upscale/{scale}`: Enhance. A new image item whose
/// `parent_id` is `id`, made from its upscale `index` (0-based) at `scale` ("2x"…"12x").
pub async fn enhance(
    State(shared): State<Arc<Shared>>,
    Path((id, index, scale)): Path<(String, String, String)>,
    headers: HeaderMap,
    query: QueryPairs,
) -> Response {
    // Directus answers 403 for an id that does not exist, as everywhere.
    let Some(parent) = shared.jobs.get(&id) else {
        return directus::forbidden();
    };
    let Some(factor) = SCALES.iter().find(|(name, _)| *name == scale).map(|s| s.1) else {
        return directus::invalid_payload(&format!(
            "\"{scale}\" is not a scale; use one of 2x, 4x, 6x, 8x, 10x, 12x."
        ));
    };
    // Only a prompt's job has upscales; an enhanced image has none to pick from.
    let upscales = if parent.origin == Origin::Imagine {
        4
    } else {
        0
    };
    let index = match index.parse::<usize>() {
        Ok(i) if i < upscales => i,
        _ => {
            return directus::invalid_payload(&format!(
                "Image index \"{index}\" is out of range for this image."
            ))
        }
    };
    if parent.phase(Instant::now(), shared.timing()) != Phase::Completed {
        return directus::invalid_payload("The image is not completed yet.");
    }
    let job = shared.jobs.enhance(&parent, index, factor);
    let view = job.view(
        job.phase(Instant::now(), shared.timing()),
        &shared.base(&headers),
    );
    shown(&fields(query), view)
}

/// `GET /items/images/{id}`.
pub async fn get_one(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    query: QueryPairs,
) -> Response {
    let Some(job) = shared.jobs.get(&id) else {
        return directus::forbidden();
    };
    let view = job.view(
        job.phase(Instant::now(), shared.timing()),
        &shared.base(&headers),
    );
    shown(&fields(query), view)
}

/// `GET /items/images?filter[...]&sort=...&limit=...&page=...&fields=...`.
pub async fn list(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    query: QueryPairs,
) -> Response {
    let Ok(Query(pairs)) = query else {
        return directus::invalid_query("The query string could not be read.");
    };
    let owner = pairs.iter().any(|(k, _)| k.contains("[user_created]"));
    if owner {
        shared.past_listings.fetch_add(1, Ordering::Relaxed);
    }
    let fields = Fields::parse(&pairs);
    if let Some(refused) = refused_field(&shared, &fields, owner) {
        return directus::forbidden_field(&refused);
    }
    let pairs = as_current_user(pairs);
    let pairs = if shared.config.page_ignored {
        first_page_only(pairs)
    } else {
        pairs
    };
    let q = match ListQuery::parse(&pairs) {
        Ok(q) => q,
        Err(message) => return directus::invalid_query(&message),
    };
    let base = shared.base(&headers);
    let now = Instant::now();
    let jobs = shared.jobs.all();
    let total = jobs.len();

    let mut hits = Vec::new();
    for job in &jobs {
        let view = job.view(job.phase(now, shared.timing()), &base);
        let value = match serde_json::to_value(&view) {
            Ok(v) => v,
            Err(e) => return directus::internal(&e.to_string()),
        };
        if q.matches(&value) {
            hits.push((view, value, job.seq));
        }
    }
    hits.sort_by(|a, b| q.compare((&a.1, a.2), (&b.1, b.2)));
    let matched = hits.len();

    let mut data = Vec::new();
    for (view, _, _) in q.page(hits) {
        match fields.show(view) {
            Ok(item) => data.push(item),
            Err(e) => return directus::internal(&e.to_string()),
        }
    }
    if q.meta == Default::default() {
        return directus::data(data);
    }
    let mut meta = serde_json::Map::new();
    if q.meta.total_count {
        meta.insert("total_count".into(), total.into());
    }
    if q.meta.filter_count {
        meta.insert("filter_count".into(), matched.into());
    }
    Json(WithMeta { data, meta }).into_response()
}

/// The query without where to start, for a server that ignores it.
fn first_page_only(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    let start = |k: &str| matches!(k, "page" | "offset");
    pairs.into_iter().filter(|(k, _)| !start(k)).collect()
}

/// Directus's dynamic variable for the token's user, in filter values.
fn as_current_user(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    let user = super::job::USER_CREATED;
    pairs
        .into_iter()
        .map(|(k, v)| (k, v.replace("$CURRENT_USER", user)))
        .collect()
}

/// A field the query may not use: one the images collection does not have, or
/// `user_created` on a server whose role may not read it. Directus refuses both alike.
fn refused_field(shared: &Shared, fields: &Fields, filters_owner: bool) -> Option<String> {
    let hidden = shared.config.user_created_hidden;
    if hidden && filters_owner {
        return Some("user_created".into());
    }
    fields.names().iter().find_map(|name| {
        let unknown = !KNOWN_FIELDS.contains(&name.as_str());
        (unknown || (hidden && name == "user_created")).then(|| name.clone())
    })
}

/// The fields of an `images` item.
const KNOWN_FIELDS: &[&str] = &[
    "id",
    "prompt",
    "results",
    "user_created",
    "date_created",
    "status",
    "progress",
    "url",
    "error",
    "upscaled_urls",
    "upscaled",
    "ref",
    "parent_id",
];

#[derive(Serialize)]
struct WithMeta<'a> {
    data: Vec<Shown<'a>>,
    meta: serde_json::Map<String, Value>,
}

/// `GET /items/status`: the singleton that reports the Midjourney bot's health.
pub async fn status(State(shared): State<Arc<Shared>>) -> Response {
    directus::data(json!({
        "id": 1,
        "bot_status": shared.config.bot_status,
        "date_updated": shared.started,
    }))
}

/// Any other collection: the stand-in user may not read it, as on the real server.
pub async fn other_collection() -> Response {
    directus::forbidden()
}

fn fields(query: QueryPairs) -> Fields {
    query
        .map(|Query(pairs)| Fields::parse(&pairs))
        .unwrap_or_default()
}

fn shown(fields: &Fields, view: super::view::ImageView<'_>) -> Response {
    match fields.show(view) {
        Ok(item) => directus::data(item),
        Err(e) => directus::internal(&e.to_string()),
    }
}
