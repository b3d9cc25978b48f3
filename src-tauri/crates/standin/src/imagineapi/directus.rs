//! Reply shapes of Directus, the framework ImagineAPI is built on.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;

/// `{"data": ...}`, the envelope of every successful item reply.
pub fn data<T: Serialize>(data: T) -> Response {
    Json(Data { data }).into_response()
}

#[derive(Serialize)]
struct Data<T> {
    data: T,
}

/// `{"errors":[{"message":..., "extensions":{"code":...}}]}` with the given status.
pub fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(error_body(code, message))).into_response()
}

pub fn error_body(code: &str, message: &str) -> serde_json::Value {
    json!({ "errors": [{ "message": message, "extensions": { "code": code } }] })
}

pub fn invalid_credentials() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "INVALID_CREDENTIALS",
        "Invalid user credentials.",
    )
}

/// Directus answers 403, not 404, for items that do not exist, so ids cannot be probed.
pub fn forbidden() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "FORBIDDEN",
        "You don't have permission to access this.",
    )
}

/// What Directus says of a field the role may not read, or that does not exist.
pub fn forbidden_field(field: &str) -> Response {
    error(
        StatusCode::FORBIDDEN,
        "FORBIDDEN",
        &format!(
            "You don't have permission to access field \"{field}\" in collection \"images\" \
             or it does not exist."
        ),
    )
}

pub fn invalid_payload(detail: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "INVALID_PAYLOAD",
        &format!("Invalid payload. {detail}"),
    )
}

pub fn invalid_query(detail: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "INVALID_QUERY",
        &format!("Invalid query. {detail}"),
    )
}

pub fn internal(detail: &str) -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_SERVER_ERROR",
        &format!("An unexpected error occurred. {detail}"),
    )
}

/// The error body Directus (or its proxy) would send with `status`, for scripted faults.
pub fn default_error_body(status: StatusCode) -> serde_json::Value {
    let (code, message) = match status.as_u16() {
        400 => ("INVALID_PAYLOAD", "Invalid payload."),
        401 => ("INVALID_CREDENTIALS", "Invalid user credentials."),
        403 => ("FORBIDDEN", "You don't have permission to access this."),
        404 => ("ROUTE_NOT_FOUND", "Route doesn't exist."),
        429 => ("REQUESTS_EXCEEDED", "Too many requests, retry after 1m."),
        503 => (
            "SERVICE_UNAVAILABLE",
            "Service is unavailable. Under pressure.",
        ),
        s if s >= 500 => ("INTERNAL_SERVER_ERROR", "An unexpected error occurred."),
        _ => (
            "INVALID_QUERY",
            status.canonical_reason().unwrap_or("Bad request."),
        ),
    };
    error_body(code, message)
}

pub async fn route_not_found(uri: axum::http::Uri) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "ROUTE_NOT_FOUND",
        &format!("Route {} doesn't exist.", uri.path()),
    )
}
