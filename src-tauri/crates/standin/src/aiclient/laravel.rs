//! Reply shapes of Laravel, the framework AI-Client is built on: `{"data": ...}` resources,
//! `{"message": ...}` errors, validation errors, and redirects for clients that want HTML.

use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::json;

/// `{"data": ...}` with `status` (201 for a resource that was just created).
pub fn data<T: Serialize>(status: StatusCode, data: T) -> Response {
    (status, Json(Data { data })).into_response()
}

#[derive(Serialize)]
struct Data<T> {
    data: T,
}

/// `{"message": ...}` with `status`, the shape of every Laravel error.
pub fn message(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "message": message }))).into_response()
}

/// Route model binding found no row for the id in the URL.
pub fn no_model(model: &str) -> Response {
    message(
        StatusCode::NOT_FOUND,
        &format!("No query results for model [{model}]."),
    )
}

/// What production Laravel says about an exception, whatever it was.
pub fn server_error() -> Response {
    message(StatusCode::INTERNAL_SERVER_ERROR, "Server Error")
}

/// Failed validation: 422 with the first message, a count of the rest, and every message by
/// field in rule order, e.g. `"The type field is required. (and 2 more errors)"`.
pub fn invalid(errors: &[(&str, String)]) -> Response {
    let Some((_, first)) = errors.first() else {
        return message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The given data was invalid.",
        );
    };
    let summary = match errors.len() - 1 {
        0 => first.clone(),
        1 => format!("{first} (and 1 more error)"),
        n => format!("{first} (and {n} more errors)"),
    };
    let body = Invalid {
        message: summary,
        errors: ByField(errors),
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

#[derive(Serialize)]
struct Invalid<'a> {
    message: String,
    errors: ByField<'a>,
}

/// Serialises as `{"field": ["message"], ...}` keeping rule order, which a map would sort.
struct ByField<'a>(&'a [(&'a str, String)]);

impl Serialize for ByField<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (field, text) in self.0 {
            map.serialize_entry(field, &[text])?;
        }
        map.end()
    }
}

/// Whether Laravel would answer this request in JSON rather than with a page or a redirect.
pub fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .any(|t| t == "application/json" || t.ends_with("+json"))
}

/// A 302 as Symfony writes it, with the little HTML page browsers never show.
pub fn redirect(to: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html>\n    <head>\n        <meta charset=\"UTF-8\" />\n        \
         <meta http-equiv=\"refresh\" content=\"0;url='{to}'\" />\n\n        \
         <title>Redirecting to {to}</title>\n    </head>\n    <body>\n        \
         Redirecting to <a href=\"{to}\">{to}</a>.\n    </body>\n</html>"
    );
    (
        StatusCode::FOUND,
        [(header::LOCATION, to.to_owned())],
        Html(page),
    )
        .into_response()
}

/// An error as a page, for clients that did not ask for JSON.
pub fn page(status: StatusCode) -> Response {
    let reason = status.canonical_reason().unwrap_or("Error");
    let code = status.as_u16();
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>{reason}</title></head>\n\
         <body><div>{code} | {reason}</div></body>\n</html>\n"
    );
    (status, Html(page)).into_response()
}

pub async fn route_not_found(headers: HeaderMap, uri: Uri) -> Response {
    if !wants_json(&headers) {
        return page(StatusCode::NOT_FOUND);
    }
    let route = uri.path().trim_start_matches('/');
    message(
        StatusCode::NOT_FOUND,
        &format!("The route {route} could not be found."),
    )
}

pub async fn method_not_allowed(headers: HeaderMap, method: Method, uri: Uri) -> Response {
    if !wants_json(&headers) {
        return page(StatusCode::METHOD_NOT_ALLOWED);
    }
    let route = uri.path().trim_start_matches('/');
    message(
        StatusCode::METHOD_NOT_ALLOWED,
        &format!("The {method} method is not supported for route {route}."),
    )
}

/// The body Laravel (or the proxy before it) sends with `status`, for scripted faults.
pub fn error_body(status: StatusCode) -> serde_json::Value {
    let text = match status.as_u16() {
        401 => "Unauthenticated.",
        402 => "Not enough credits.",
        403 => "This action is unauthorized.",
        404 => "Not Found",
        419 => "CSRF token mismatch.",
        422 => "The given data was invalid.",
        429 => "Too Many Attempts.",
        503 => "Service Unavailable",
        s if s >= 500 => "Server Error",
        _ => status.canonical_reason().unwrap_or("Error"),
    };
    json!({ "message": text })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn json_is_wanted_when_accept_names_it() {
        let with = |accept: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
            wants_json(&h)
        };
        assert!(with("application/json"));
        assert!(with("text/html, application/json;q=0.9"));
        assert!(with("application/vnd.api+json"));
        assert!(!with("*/*"));
        assert!(!with("text/html"));
        assert!(!wants_json(&HeaderMap::new()));
    }
}
