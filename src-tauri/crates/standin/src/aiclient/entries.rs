//! `/api/v1/threads/{guid}/entry` and `/entries`: sending a Midjourney command, and reading
//! what the thread holds so far.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::form::{Body, Form, Rules};
use super::job::Job;
use super::store::THREAD_MODEL;
use super::threads::bound;
use super::{laravel, storage, Shared};
use crate::clock::Phase;
use crate::prompt::Script;

/// `POST /api/v1/threads/{guid}/entry`, form `type=request&command=imagine&prompt=...` → 201.
pub async fn create(
    State(shared): State<Arc<Shared>>,
    guid: Result<Path<String>, PathRejection>,
    body: Body,
) -> Response {
    // Laravel binds the thread before the controller validates anything.
    let Some(thread) = bound(&shared, guid) else {
        return laravel::no_model(THREAD_MODEL);
    };
    let form = Form::read(body);
    let mut rules = Rules::new(&form);
    rules.required_in("type", &["request"]);
    let command = rules.required_in("command", &["imagine"]);
    let prompt = rules.required("prompt");
    if let Some(invalid) = rules.failed() {
        return invalid;
    }
    let (Some(command), Some(prompt)) = (command, prompt) else {
        return laravel::server_error();
    };
    if Script::from_prompt(prompt).no_credits {
        return laravel::message(StatusCode::PAYMENT_REQUIRED, "Not enough credits.");
    }
    let job = shared.store.add(Job::new(&thread.guid, command, prompt));
    laravel::data(StatusCode::CREATED, job.request_entry(Phase::Pending))
}

/// `GET /api/v1/threads/{guid}/entries`: requests and responses in the order they appeared.
pub async fn list(
    State(shared): State<Arc<Shared>>,
    guid: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let Some(thread) = bound(&shared, guid) else {
        return laravel::no_model(THREAD_MODEL);
    };
    let (now, wall) = (Instant::now(), SystemTime::now());
    let lifecycle = shared.lifecycle();
    let credits = shared.config.credits_per_job;
    let base = shared.common.base(&headers);
    let jobs = shared.store.jobs_in(&thread.guid);
    let mut entries = Vec::new();
    for job in &jobs {
        let phase = job.phase(now, lifecycle);
        let images = if phase == Phase::Completed {
            match storage::images(job, &base, shared.config.image_size).await {
                Ok(images) => images,
                Err(_) => return laravel::server_error(),
            }
        } else {
            Vec::new()
        };
        entries.push((job.created, job.request_entry(phase)));
        if let Some(response) = job.response_entry(phase, lifecycle, images, credits, wall) {
            entries.push((job.response_at(lifecycle), response));
        }
    }
    // Stable, so a request stays before a response that appeared at the same instant.
    entries.sort_by_key(|(at, _)| *at);
    let data: Vec<_> = entries.into_iter().map(|(_, entry)| entry).collect();
    laravel::data(StatusCode::OK, data)
}
