//! Scripted failures: the next few requests under a path answer an error, garbage or late, or
//! have their reply cut short, mislabelled or never sent.

use std::collections::VecDeque;
use std::future::ready;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, StreamExt};
use serde::Deserialize;

use super::Standin;

/// How long a truncated reply's first bytes are given to leave before the connection drops.
const FLUSH_PAUSE: Duration = Duration::from_millis(50);

/// Makes the next `times` requests whose path starts with `path_prefix` misbehave.
///
/// A `status` other than 200 answers with the error the protocol's server sends with it; a
/// `body` is sent verbatim instead (malformed JSON, HTML...). A 200 without a `body` serves the
/// real reply, changed only by the other fields: late (`delay_ms`), relabelled
/// (`content_type`), cut short (`truncate_after`). `reset` sends no reply at all. Over HTTP,
/// `status` defaults to 200 and `times` to 1.
#[derive(Clone, Debug, Deserialize)]
pub struct Fault {
    pub path_prefix: String,
    #[serde(default = "ok")]
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
    /// Close the connection without a byte of reply: the client sees a connection error, not
    /// a status. With `after_handling` the work is done first.
    #[serde(default)]
    pub reset: bool,
    /// Send the status, the headers and the full Content-Length, then only this many bytes of
    /// the body, then close: a download cut short.
    #[serde(default)]
    pub truncate_after: Option<usize>,
    /// Replaces the reply's Content-Type, e.g. an image labelled `text/html`.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Serves a decompression bomb instead of the reply: a valid PNG of 23170×23170 grey
    /// pixels, under 3 MB on the wire and 512 MiB once decoded (just under `image`'s
    /// default allocation limit).
    #[serde(default)]
    pub bomb: bool,
    /// Sends the reply's body one byte every this many milliseconds, with its full
    /// Content-Length: a server that never quite stops and never quite sends.
    #[serde(default)]
    pub drip_ms: Option<u64>,
    /// Answers with a redirect (`status` 302 unless another 3xx is given) to this address.
    #[serde(default)]
    pub location: Option<String>,
    /// Answers `status` with a body that never ends, as fast as the client takes it: a server
    /// stuck in a loop. Only a client that stops reading gets past it.
    #[serde(default)]
    pub endless: bool,
}

fn ok() -> u16 {
    200
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
            reset: false,
            truncate_after: None,
            content_type: None,
            bomb: false,
            drip_ms: None,
            location: None,
            endless: false,
        }
    }

    /// A 302 to `location`, for redirects a client must not follow with its token.
    pub fn redirecting(path_prefix: impl Into<String>, location: impl Into<String>) -> Fault {
        Fault {
            location: Some(location.into()),
            ..Fault::new(path_prefix, 302, 1)
        }
    }

    pub fn dripping(mut self, ms_per_byte: u64) -> Fault {
        self.drip_ms = Some(ms_per_byte);
        self
    }

    pub fn endless(mut self) -> Fault {
        self.endless = true;
        self
    }

    pub fn with_bomb(mut self) -> Fault {
        self.bomb = true;
        self
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

    pub fn reset_connection(mut self) -> Fault {
        self.reset = true;
        self
    }

    pub fn truncated_after(mut self, bytes: usize) -> Fault {
        self.truncate_after = Some(bytes);
        self
    }

    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Fault {
        self.content_type = Some(content_type.into());
        self
    }

    /// Whether HTTP can carry the status and the content type, so a bad fault is refused when
    /// pushed.
    pub fn is_valid(&self) -> bool {
        let header_ok = |v: &Option<String>| {
            v.as_deref()
                .is_none_or(|v| HeaderValue::from_str(v).is_ok())
        };
        StatusCode::from_u16(self.status).is_ok()
            && header_ok(&self.content_type)
            && header_ok(&self.location)
    }

    /// Whether the route's own reply is what gets sent (possibly late, relabelled or cut).
    fn serves_real_reply(&self) -> bool {
        !self.reset
            && self.status == 200
            && self.body.is_none()
            && !self.bomb
            && !self.endless
            && self.location.is_none()
    }

    /// `default_body` gives the protocol's own error body for a status.
    fn response(&self, default_body: fn(StatusCode) -> serde_json::Value) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if self.bomb {
            let png = crate::codec::bomb().to_vec();
            return ([(header::CONTENT_TYPE, "image/png")], png).into_response();
        }
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
        if let Some(location) = self.location.as_deref().and_then(|l| l.parse().ok()) {
            if !response.status().is_redirection() {
                *response.status_mut() = StatusCode::FOUND;
            }
            response.headers_mut().insert(header::LOCATION, location);
        }
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }

    /// Applies the relabelling and the cut to whichever reply is being sent.
    async fn alter(&self, mut reply: Response) -> Response {
        if let Some(kind) = self.content_type.as_deref() {
            if let Ok(kind) = HeaderValue::from_str(kind) {
                reply.headers_mut().insert(header::CONTENT_TYPE, kind);
            }
        }
        match (self.truncate_after, self.drip_ms) {
            (Some(bytes), _) => truncate(reply, bytes).await,
            (None, Some(ms)) => drip(reply, Duration::from_millis(ms)).await,
            (None, None) => reply,
        }
    }
}

/// No reply at all. Hyper puts the status line and headers in its write buffer and polls the
/// body's first frame before flushing; a body that fails at once makes it drop the connection
/// with nothing sent, so the client sees the connection close before any response.
fn reset() -> Response {
    let failure = io::Error::new(io::ErrorKind::ConnectionReset, "scripted reset");
    Body::from_stream(stream::once(ready(Err::<Bytes, _>(failure)))).into_response()
}

/// The reply with its full Content-Length but only the first `bytes` of its body. The body
/// then fails, which makes hyper close the connection; the pause before lets the first bytes
/// leave (hyper flushes while a body is pending, not once it has failed).
async fn truncate(reply: Response, bytes: usize) -> Response {
    let Some((parts, full)) = whole(reply).await else {
        return reset();
    };
    let first = full.slice(..bytes.min(full.len()));
    let cut = async {
        tokio::time::sleep(FLUSH_PAUSE).await;
        Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "scripted truncation",
        ))
    };
    let body = stream::once(ready(Ok(first))).chain(stream::once(cut));
    Response::from_parts(parts, Body::from_stream(body))
}

/// The reply's head, announcing its whole length, and its whole body: for replies that are
/// then sent differently from how they were made.
async fn whole(reply: Response) -> Option<(axum::http::response::Parts, Bytes)> {
    let (mut parts, body) = reply.into_parts();
    let full = axum::body::to_bytes(body, usize::MAX).await.ok()?;
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
    Some((parts, full))
}

/// The reply, a byte at a time with `pause` between bytes.
async fn drip(reply: Response, pause: Duration) -> Response {
    let Some((parts, full)) = whole(reply).await else {
        return reset();
    };
    let bytes = stream::iter(0..full.len()).then(move |i| {
        let byte = full.slice(i..=i);
        async move {
            tokio::time::sleep(pause).await;
            Ok::<_, io::Error>(byte)
        }
    });
    Response::from_parts(parts, Body::from_stream(bytes))
}

/// `status` with JSON that opens and never closes, counting in `sent` what leaves.
fn endless(status: StatusCode, sent: Arc<AtomicU64>) -> Response {
    let filler = Bytes::from("{\"id\":\"again\"},".repeat(4096));
    let opening = stream::once(ready(Bytes::from_static(b"{\"data\":[")));
    let body = opening.chain(stream::repeat(filler)).map(move |chunk| {
        sent.fetch_add(chunk.len() as u64, Ordering::Relaxed);
        Ok::<_, io::Error>(chunk)
    });
    let json = [(header::CONTENT_TYPE, "application/json; charset=utf-8")];
    (status, json, Body::from_stream(body)).into_response()
}

/// Faults in the order they were pushed; the first one matching a path is used up first.
#[derive(Default)]
pub struct Faults {
    queue: Mutex<VecDeque<Fault>>,
    /// Bytes of endless bodies sent so far, to tell how much a client read before it stopped.
    endless_sent: Arc<AtomicU64>,
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

    pub fn endless_bytes(&self) -> u64 {
        self.endless_sent.load(Ordering::Relaxed)
    }

    /// How many faulted replies are still to come, for `/__standin/stats`.
    pub fn remaining(&self) -> u64 {
        self.lock().iter().map(|f| u64::from(f.times)).sum()
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<Fault>> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Middleware: a pending fault that matches the path answers instead of the route, or alters
/// or drops the route's reply.
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
    if fault.endless {
        let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::OK);
        return endless(status, shared.common().faults.endless_sent.clone());
    }
    let reply = if fault.serves_real_reply() {
        next.run(req).await
    } else {
        if fault.after_handling {
            // The work is done; its reply is what gets lost.
            drop(next.run(req).await);
        }
        fault.response(S::error_body)
    };
    if fault.reset {
        return reset();
    }
    fault.alter(reply).await
}

#[cfg(test)]
#[path = "faults_tests.rs"]
mod tests;
