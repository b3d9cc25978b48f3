//! `/__standin/...`: the stand-in's own controls, for end-to-end tests and use by hand.
//! These routes need no token, are not counted and cannot be faulted, so a test can always
//! steer the stand-in whatever it scripted.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use super::{Fault, Standin};

pub fn router<S: Standin>() -> Router<Arc<S>> {
    Router::new()
        .route("/__standin/faults", post(push_fault::<S>))
        .route("/__standin/stats", get(stats::<S>))
}

/// `POST /__standin/faults` with a JSON `Fault` → 204.
async fn push_fault<S: Standin>(State(shared): State<Arc<S>>, body: Bytes) -> Response {
    match serde_json::from_slice::<Fault>(&body) {
        Ok(fault) if fault.is_valid() => {
            shared.common().push_fault(fault);
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

/// `GET /__standin/stats` → `{"submissions": N, "requests": N, "faults_left": N}`, the last
/// being how many scripted faults have not been served yet.
async fn stats<S: Standin>(State(shared): State<Arc<S>>) -> Response {
    Json(json!({
        "submissions": shared.submissions(),
        "requests": shared.common().requests(),
        "faults_left": shared.common().faults.remaining(),
    }))
    .into_response()
}
