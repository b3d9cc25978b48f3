//! Scripted failures: the next few requests under a path answer an error, garbage or late.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::Standin;

/// Makes the next `times` requests whose path starts with `path_prefix` answer `status`.
///
/// The body defaults to the error the protocol's server sends with that status. A 200 with a `body` sends it
/// verbatim (malformed JSON, HTML...); a 200 without one only delays the request by `delay_ms`
/// and then serves it normally.
#[derive(Clone, Debug, Deserialize)]
pub struct Fault {
    pub path_prefix: String,
    pub status: u16,
    #[serde(default = "once")]
    pub times: u32,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub retry_after: Option<u64>,
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Serve the request first, then answer with the fault instead of the real reply: the
    /// server did the work but the client never hears of it (a lost reply).
    #[serde(default)]
    pub after_handling: bool,
}

fn once() -> u32 {
    1
}

impl Fault {
    /// A fault with the default body, no `Retry-After` and no delay.
    pub fn new(path_prefix: impl Into<String>, status: u16, times: u32) -> Fault {
        Fault {
            path_prefix: path_prefix.into(),
            status,
            times,
            body: None,
            retry_after: None,
            delay_ms: None,
            after_handling: false,
        }
    }

    pub fn after_handling(mut self) -> Fault {
        self.after_handling = true;
        self
    }

    pub fn with_body(mut self, body: impl Into<String>) -> Fault {
        self.body = Some(body.into());
        self
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Fault {
        self.retry_after = Some(seconds);
        self
    }

    pub fn with_delay_ms(mut self, ms: u64) -> Fault {
        self.delay_ms = Some(ms);
        self
    }

    /// Whether the status is one HTTP can carry, so a bad fault is refused when pushed.
    pub fn is_valid(&self) -> bool {
        StatusCode::from_u16(self.status).is_ok()
    }

    /// `default_body` gives the protocol's own error body for a status.
    fn response(&self, default_body: fn(StatusCode) -> serde_json::Value) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = match &self.body {
            Some(body) => {
                // HTML bodies stand for proxy error pages; anything else claims to be JSON.
                let kind = if body.trim_start().starts_with('<') {
                    "text/html; charset=utf-8"
                } else {
                    "application/json; charset=utf-8"
                };
                (status, [(header::CONTENT_TYPE, kind)], body.clone()).into_response()
            }
            None if status.is_client_error() || status.is_server_error() => {
                (status, axum::Json(default_body(status))).into_response()
            }
            None => status.into_response(),
        };
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Faults in the order they were pushed; the first one matching a path is used up first.
#[derive(Default)]
pub struct Faults {
    queue: Mutex<VecDeque<Fault>>,
}

impl Faults {
    pub fn push(&self, fault: Fault) {
        if fault.times > 0 {
            self.lock().push_back(fault);
        }
    }

    /// Takes one use of the first fault whose prefix matches `path`.
    pub fn take(&self, path: &str) -> Option<Fault> {
        let mut queue = self.lock();
        let index = queue
            .iter()
            .position(|f| path.starts_with(&f.path_prefix))?;
        let fault = queue.get_mut(index)?;
        fault.times -= 1;
        let taken = fault.clone();
        if taken.times == 0 {
            queue.remove(index);
        }
        Some(taken)
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<Fault>> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Middleware: answers with a pending fault instead of the route, if one matches.
pub async fn inject<S: Standin>(
    State(shared): State<Arc<S>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(fault) = shared.common().faults.take(req.uri().path()) else {
        return next.run(req).await;
    };
    if let Some(ms) = fault.delay_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if fault.status == 200 && fault.body.is_none() {
        return next.run(req).await;
    }
    if fault.after_handling {
        drop(next.run(req).await);
    }
    fault.response(S::error_body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_used_up_in_order() {
        let faults = Faults::default();
        faults.push(Fault::new("/items/images", 503, 2));
        faults.push(Fault::new("/assets", 500, 1));
        faults.push(Fault::new("/items", 429, 1));
        faults.push(Fault::new("/x", 500, 0));
        assert_eq!(faults.take("/assets/a/a.png").map(|f| f.status), Some(500));
        assert!(faults.take("/assets/a/a.png").is_none());
        assert_eq!(faults.take("/items/images/1").map(|f| f.status), Some(503));
        assert_eq!(faults.take("/items/status").map(|f| f.status), Some(429));
        assert_eq!(faults.take("/items/images").map(|f| f.status), Some(503));
        assert!(faults.take("/items/images").is_none());
        assert!(faults.take("/x").is_none());
    }

    #[test]
    fn http_form_defaults_to_one_time() {
        let f: Fault = serde_json::from_str(r#"{"path_prefix":"/items","status":503}"#).unwrap();
        assert_eq!((f.times, f.body, f.retry_after), (1, None, None));
        assert!(!Fault::new("/", 1000, 1).is_valid());
    }
}
