//! `/api/v1/threads`: conversations with an AI, the container every request is made in.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::form::{Body, Form, Rules};
use super::store::{Thread, MIDJOURNEY, THREAD_MODEL};
use super::{laravel, Shared};

/// `POST /api/v1/threads` with the form field `ai_version_code=midjourney` → 201.
pub async fn create(State(shared): State<Arc<Shared>>, body: Body) -> Response {
    let form = Form::read(body);
    let mut rules = Rules::new(&form);
    rules.in_list("ai_version_code", &[MIDJOURNEY]);
    if let Some(invalid) = rules.failed() {
        return invalid;
    }
    laravel::data(StatusCode::CREATED, &*shared.store.create_thread())
}

/// `GET /api/v1/threads`: the cheapest call that proves a token works.
pub async fn list(State(shared): State<Arc<Shared>>) -> Response {
    let threads = shared.store.threads();
    let shown: Vec<&Thread> = threads.iter().map(|t| &**t).collect();
    laravel::data(StatusCode::OK, shown)
}

/// `GET /api/v1/threads/{guid}`.
pub async fn show(
    State(shared): State<Arc<Shared>>,
    guid: Result<Path<String>, PathRejection>,
) -> Response {
    match bound(&shared, guid) {
        Some(thread) => laravel::data(StatusCode::OK, &*thread),
        None => laravel::no_model(THREAD_MODEL),
    }
}

/// Route model binding: the thread named in the URL; Laravel answers 404 when there is none.
pub fn bound(shared: &Shared, guid: Result<Path<String>, PathRejection>) -> Option<Arc<Thread>> {
    guid.ok().and_then(|Path(guid)| shared.store.thread(&guid))
}
