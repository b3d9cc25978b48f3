//! The HTTP plumbing every JSON-over-HTTP service shares: bearer auth, timeouts, and turning
//! status codes and error bodies (JSON of several shapes, HTML, or nothing) into
//! [`ProviderError`]s a person can act on.

use std::time::Duration;

use reqwest::redirect::{Attempt, Policy};
use reqwest::{header, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use super::address;
use super::service_text::{clip, hide_token, MAX_CHARS};
use super::{ProviderError, RemoteState};
use crate::secrets::Secret;

const API_TIMEOUT: Duration = Duration::from_secs(30);
/// A page of 100 jobs is tens of KB; a reply this large is not one the protocol sends.
const MAX_JSON_BYTES: usize = 8 * 1024 * 1024;
/// Enough for any error message; the rest of an endless error body is never read.
const MAX_ERROR_BYTES: usize = 64 * 1024;
/// How long an error's body may take. A download has no request timeout (its picture has
/// its own deadline), so a server dripping an error body a byte at a time would otherwise
/// hold a transfer slot for ever.
const ERROR_BODY_TIME: Duration = Duration::from_secs(10);

/// One service account's endpoint: where it is, who we are, what to call it in messages.
pub struct HttpApi {
    client: reqwest::Client,
    base: Url,
    token: Secret,
    service: &'static str,
}

/// The client every provider shares, so connections are reused across jobs and accounts.
/// It trusts the system's certificate store (a company's or a self-hosted server's own
/// authority) besides the public roots, and never follows a redirect to plain HTTP.
pub fn shared_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .read_timeout(Duration::from_secs(30))
        .user_agent(concat!("Atelier/", env!("CARGO_PKG_VERSION")))
        .redirect(Policy::custom(follow))
        .build()
        .expect("the TLS backend is compiled in")
}

/// Redirects to another server are followed without the token (reqwest drops
/// `Authorization` when the host or port changes); one from HTTPS to HTTP is not followed.
fn follow(attempt: Attempt<'_>) -> reqwest::redirect::Action {
    let downgrade = attempt.url().scheme() == "http"
        && attempt.previous().iter().any(|u| u.scheme() == "https");
    if downgrade {
        let to = attempt.url().origin().ascii_serialization();
        attempt.error(RefusedRedirect::Unencrypted(to))
    } else if attempt.previous().len() > 5 {
        attempt.error(RefusedRedirect::TooMany)
    } else {
        attempt.follow()
    }
}

#[derive(Debug, thiserror::Error)]
enum RefusedRedirect {
    #[error("it redirected to the unencrypted address {0}, which Atelier does not follow")]
    Unencrypted(String),
    #[error("it redirected more than 5 times")]
    TooMany,
}

impl HttpApi {
    pub fn new(
        client: reqwest::Client,
        base: &str,
        token: Secret,
        service: &'static str,
    ) -> Result<Self, ProviderError> {
        let base = address::parse(base).map_err(|e| ProviderError::Rejected {
            service,
            detail: e.to_string(),
        })?;
        Ok(Self {
            client,
            base,
            token,
            service,
        })
    }

    pub fn service(&self) -> &'static str {
        self.service
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// `path` starts with `/` and may carry a query; it is appended to the base, so a
    /// self-hosted service under a sub-path keeps its prefix.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base.as_str().trim_end_matches('/'), path)
    }

    /// A job's state as fit to store: a failure's message without the token, clipped.
    pub fn tame(&self, state: RemoteState) -> RemoteState {
        match state {
            RemoteState::Failed { message } => RemoteState::Failed {
                message: clip(&hide_token(&message, self.token.expose()), MAX_CHARS),
            },
            other => other,
        }
    }

    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ProviderError> {
        self.send_json(self.client.get(self.url(path))).await
    }

    pub async fn post_json<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<T, ProviderError> {
        self.send_json(self.client.post(self.url(path)).json(body))
            .await
    }

    pub async fn post_form<T: DeserializeOwned>(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<T, ProviderError> {
        self.send_json(self.client.post(self.url(path)).form(form))
            .await
    }

    /// Starts a download. The token goes only to the service's own host.
    pub async fn fetch(&self, url: &Url) -> Result<Response, ProviderError> {
        let mut req = self.client.get(url.clone());
        if url.origin() == self.base.origin() {
            req = req.bearer_auth(self.token.expose());
        }
        let resp = req.send().await.map_err(|e| self.transport_error(e))?;
        match resp.status().as_u16() {
            200..=299 => Ok(resp),
            status @ (404 | 410) => Err(ProviderError::ImageGone {
                service: self.service,
                status,
            }),
            _ => Err(self.status_error(resp).await),
        }
    }

    async fn send_json<T: DeserializeOwned>(
        &self,
        req: RequestBuilder,
    ) -> Result<T, ProviderError> {
        let resp = req
            .bearer_auth(self.token.expose())
            .header(header::ACCEPT, "application/json")
            .timeout(API_TIMEOUT)
            .send()
            .await
            .map_err(|e| self.transport_error(e))?;
        if resp.url().origin() != self.base.origin() {
            // Followed without the token, so whatever the other server says is not about it.
            return Err(ProviderError::BadResponse {
                service: self.service,
                detail: format!(
                    "it sent Atelier to another server, {}, where the token does not go",
                    resp.url().origin().ascii_serialization()
                ),
            });
        }
        if !resp.status().is_success() {
            return Err(self.status_error(resp).await);
        }
        let (body, whole) = read_capped(resp, MAX_JSON_BYTES)
            .await
            .map_err(|e| self.transport_error(e))?;
        if !whole {
            return Err(ProviderError::BadResponse {
                service: self.service,
                detail: format!("the reply was larger than {} MB", MAX_JSON_BYTES >> 20),
            });
        }
        serde_json::from_slice(&body).map_err(|e| {
            let text = hide_token(&String::from_utf8_lossy(&body), self.token.expose());
            ProviderError::BadResponse {
                service: self.service,
                detail: format!("{e}; the reply began with {:?}", snippet(&text)),
            }
        })
    }

    fn transport_error(&self, e: reqwest::Error) -> ProviderError {
        // First: a connect timeout is both, and a request that never connected never left.
        if e.is_connect() {
            ProviderError::Unreachable {
                service: self.service,
                detail: root_cause(&e),
            }
        } else if e.is_timeout() {
            ProviderError::Timeout {
                service: self.service,
            }
        } else {
            ProviderError::Network {
                service: self.service,
                detail: root_cause(&e),
            }
        }
    }

    async fn status_error(&self, resp: Response) -> ProviderError {
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = error_body(resp, ERROR_BODY_TIME).await;
        let body = hide_token(&body, self.token.expose());
        classify(self.service, status, retry_after, &body)
    }
}

/// What arrives of an error's body within `within`, at most `MAX_ERROR_BYTES`: enough to
/// explain the status, even if the rest never comes.
async fn error_body(mut resp: Response, within: Duration) -> String {
    let deadline = tokio::time::Instant::now() + within;
    let mut body = Vec::new();
    while body.len() < MAX_ERROR_BYTES {
        match tokio::time::timeout_at(deadline, resp.chunk()).await {
            Ok(Ok(Some(chunk))) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    body.truncate(MAX_ERROR_BYTES);
    String::from_utf8_lossy(&body).into_owned()
}

/// At most `limit` bytes of the body, and whether that was all of it.
async fn read_capped(mut resp: Response, limit: usize) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > limit {
            body.extend_from_slice(&chunk[..limit - body.len()]);
            return Ok((body, false));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, true))
}

/// Maps an HTTP error status and its body to what it means for the user.
pub fn classify(
    service: &'static str,
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &str,
) -> ProviderError {
    let (detail, code) = error_details(body);
    let detail = detail.unwrap_or_else(|| format!("HTTP {}", status.as_u16()));
    match status.as_u16() {
        401 => ProviderError::Unauthorized { service, detail },
        403 if matches!(code.as_deref(), Some("INVALID_TOKEN" | "TOKEN_EXPIRED")) => {
            ProviderError::Unauthorized { service, detail }
        }
        403 => ProviderError::Forbidden { service, detail },
        402 => ProviderError::QuotaReached { service, detail },
        404 => ProviderError::NotFound { service },
        408 | 504 => ProviderError::Timeout { service },
        429 if is_quota_message(&detail) => ProviderError::QuotaReached { service, detail },
        429 => ProviderError::RateLimited {
            service,
            retry_after,
        },
        s if s >= 500 => ProviderError::Server { service, status: s },
        _ => ProviderError::Rejected { service, detail },
    }
}

fn is_quota_message(detail: &str) -> bool {
    let d = detail.to_ascii_lowercase();
    ["quota", "cannot create", "credits", "limit reached"]
        .iter()
        .any(|w| d.contains(w))
}

/// The message (and machine code, if any) in an error body: Directus `errors[0]`, Laravel
/// `message`, a bare `error` string, or an HTML page's title.
fn error_details(body: &str) -> (Option<String>, Option<String>) {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return (None, None);
    }
    if let Ok(v) = serde_json::from_str::<Value>(trimmed) {
        let first = &v["errors"][0];
        let code = first["extensions"]["code"].as_str().map(str::to_owned);
        let message = [&first["message"], &v["message"], &v["error"]]
            .into_iter()
            .find_map(|m| m.as_str().filter(|s| !s.trim().is_empty()))
            .map(|s| clip(s, MAX_CHARS));
        return (message, code);
    }
    if trimmed.starts_with('<') {
        let title = html_title(trimmed).unwrap_or_else(|| "an HTML error page".to_owned());
        return (Some(title), None);
    }
    (Some(snippet(trimmed)), None)
}

fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    let title = clip(&html[start..end], MAX_CHARS);
    (!title.is_empty()).then_some(title)
}

fn snippet(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if s.chars().count() > 80 {
        out.push('…');
    }
    out
}

fn root_cause(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(status: u16, body: &str) -> ProviderError {
        classify("Svc", StatusCode::from_u16(status).unwrap(), None, body)
    }

    #[test]
    fn directus_errors_keep_their_message() {
        let body = r#"{"errors":[{"message":"Invalid user credentials.","extensions":{"code":"INVALID_CREDENTIALS"}}]}"#;
        assert_eq!(
            c(401, body),
            ProviderError::Unauthorized {
                service: "Svc",
                detail: "Invalid user credentials.".into()
            }
        );
        let expired =
            r#"{"errors":[{"message":"Token expired.","extensions":{"code":"TOKEN_EXPIRED"}}]}"#;
        assert!(c(403, expired).is_auth());
    }

    #[test]
    fn quota_and_rate_limits_differ() {
        let quota = r#"{"errors":[{"message":"Cannot create more images","extensions":{"code":"REQUESTS_EXCEEDED"}}]}"#;
        assert!(matches!(c(429, quota), ProviderError::QuotaReached { .. }));
        let limited = classify(
            "Svc",
            StatusCode::TOO_MANY_REQUESTS,
            Some(Duration::from_secs(3)),
            "",
        );
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(3)));
        assert!(limited.is_transient());
    }

    #[test]
    fn laravel_html_and_empty_bodies_are_readable() {
        assert_eq!(
            c(422, r#"{"message":"The prompt field is required."}"#),
            ProviderError::Rejected {
                service: "Svc",
                detail: "The prompt field is required.".into()
            }
        );
        let html = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>";
        assert_eq!(
            c(502, html),
            ProviderError::Server {
                service: "Svc",
                status: 502
            }
        );
        assert_eq!(
            c(400, html),
            ProviderError::Rejected {
                service: "Svc",
                detail: "502 Bad Gateway".into()
            }
        );
        assert_eq!(
            c(400, ""),
            ProviderError::Rejected {
                service: "Svc",
                detail: "HTTP 400".into()
            }
        );
        assert!(c(503, "").is_transient());
        assert!(!c(400, "").is_transient());
    }

    fn api(base: &str) -> HttpApi {
        HttpApi::new(shared_client(), base, Secret::new("t"), "Svc").unwrap()
    }

    /// A loopback port nothing listens on.
    fn closed_port() -> u16 {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    }

    #[tokio::test]
    async fn a_request_that_never_connected_never_left() {
        let refused = api(&format!("http://127.0.0.1:{}", closed_port()));
        let err = refused.post_json::<Value>("/x", &1).await.unwrap_err();
        assert!(matches!(err, ProviderError::Unreachable { .. }), "{err:?}");
        assert!(err.is_transient() && !err.answer_lost());
        // `.invalid` never resolves (RFC 6761).
        let unknown = api("https://atelier.invalid");
        let err = unknown.get_json::<Value>("/x").await.unwrap_err();
        assert!(matches!(err, ProviderError::Unreachable { .. }), "{err:?}");
    }

    #[tokio::test]
    async fn a_connection_dropped_after_the_request_may_have_delivered_it() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            // Reads the request, then hangs up without a word.
            for mut conn in listener.incoming().flatten() {
                let _ = std::io::Read::read(&mut conn, &mut [0; 4096]);
            }
        });
        let err = api(&base).post_json::<Value>("/x", &1).await.unwrap_err();
        assert!(matches!(err, ProviderError::Network { .. }), "{err:?}");
        assert!(err.answer_lost());
    }

    #[tokio::test]
    async fn an_error_body_that_drips_is_read_for_a_while_only() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            use std::io::Write;
            let Some(Ok(mut conn)) = listener.incoming().next() else {
                return;
            };
            let _ = std::io::Read::read(&mut conn, &mut [0; 4096]);
            let head = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 100000\r\n\r\nbusy";
            let _ = conn.write_all(head.as_bytes());
            // A byte now and then: never quiet long enough for the read timeout.
            while conn.write_all(b".").is_ok() {
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        let resp = shared_client().get(&base).send().await.unwrap();
        let read = error_body(resp, Duration::from_millis(500));
        let body = tokio::time::timeout(Duration::from_secs(5), read)
            .await
            .expect("the body is given up on");
        assert!(body.starts_with("busy."), "{body}");
    }
}

#[cfg(test)]
#[path = "http_proptests.rs"]
mod proptests;
