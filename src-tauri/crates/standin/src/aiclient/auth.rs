//! Sanctum-style bearer tokens, and what Laravel does to a request without a good one.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, Response};

use super::{laravel, Shared};

/// Middleware: a JSON 401 for API clients; browsers (no JSON in `Accept`) are sent to the
/// login page, which is how a client that forgets the header ends up with HTML.
pub async fn require_token(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let token = &shared.config.token;
    let good = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .is_some_and(|(scheme, given)| {
            scheme.eq_ignore_ascii_case("bearer") && given.trim() == token
        });
    if good {
        next.run(req).await
    } else if laravel::wants_json(req.headers()) {
        laravel::message(StatusCode::UNAUTHORIZED, "Unauthenticated.")
    } else {
        laravel::redirect(&format!("{}/login", shared.common.base(req.headers())))
    }
}

/// `GET /login`: where the redirect leads, a page a client following redirects gets as 200.
pub async fn login_page() -> Html<&'static str> {
    Html(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>AI-Client - Log in</title></head>\n\
         <body><form method=\"POST\" action=\"/login\"><input name=\"email\" type=\"email\">\
         <input name=\"password\" type=\"password\"><button>Log in</button></form></body>\n\
         </html>\n",
    )
}
