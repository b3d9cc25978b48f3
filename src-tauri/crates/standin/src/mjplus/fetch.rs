//! `GET /mj/task/{id}/fetch` and `POST /mj/task/list-by-condition`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::task::Phase;
use super::Shared;

/// The task as JSON, or `None` when unknown or vanished.
pub fn shown(shared: &Shared, id: &str) -> Option<Value> {
    let (task, phase) = shared.tasks.get(id)?;
    if phase == Phase::Vanished {
        return None;
    }
    let timing = shared.tasks.timing();
    let fail = &shared.config.fail_reason;
    Some(super::view::task_json(
        &task,
        phase,
        timing,
        &shared.links,
        fail,
    ))
}

pub async fn one(shared: Arc<Shared>, id: String) -> Response {
    match shown(&shared, &id) {
        Some(task) => Json(task).into_response(),
        None => {
            let body = json!({ "code": 404, "description": format!("no task {id}") });
            (StatusCode::NOT_FOUND, Json(body)).into_response()
        }
    }
}

#[derive(Deserialize)]
struct Condition {
    #[serde(default)]
    ids: Vec<String>,
}

/// The tasks asked for that exist, in the order asked; unknown ids are left out.
pub async fn list(shared: Arc<Shared>, bytes: Bytes) -> Response {
    let condition: Condition = match serde_json::from_slice(&bytes) {
        Ok(c) => c,
        Err(e) => {
            let why = format!("send {{\"ids\": [task ids]}}: {e}");
            let body = json!({ "code": 400, "description": why });
            return (StatusCode::BAD_REQUEST, Json(body)).into_response();
        }
    };
    let tasks: Vec<Value> = condition
        .ids
        .iter()
        .filter_map(|id| shown(&shared, id))
        .collect();
    Json(tasks).into_response()
}
