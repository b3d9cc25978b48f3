//! `/__standin/...`: the stand-in's own controls, for end-to-end tests and use by hand.
//! These routes need no token, are not counted and cannot be faulted, so a test can always
//! steer the stand-in whatever it scripted.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use super::{Fault, Shared};

pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__standin/faults", post(push_fault))
        .route("/__standin/stats", get(stats))
}

/// `POST /__standin/faults` with a JSON `Fault` → 204.
async fn push_fault(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match serde_json::from_slice::<Fault>(&body) {
        Ok(fault) if fault.is_valid() => {
            shared.faults.push(fault);
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(fault) => (
            StatusCode::BAD_REQUEST,
            format!("status {} is not an HTTP status", fault.status),
        )
            .into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, format!("not a fault: {e}")).into_response(),
    }
}

/// `GET /__standin/stats` → `{"submissions": N, "requests": N}`.
async fn stats(State(shared): State<Arc<Shared>>) -> Response {
    Json(json!({
        "submissions": shared.jobs.len(),
        "requests": shared.requests.load(Ordering::Relaxed),
    }))
    .into_response()
}
