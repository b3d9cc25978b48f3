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
    clients: Clients,
    base: Url,
    credential: Credential,
    service: &'static str,
}

/// How requests to the service's own host say who we are.
#[derive(Clone)]
pub enum Credential {
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// The token in a header of the service's own (midjourney-proxy's `mj-api-secret`).
    Header(&'static str, Secret),
    /// A server run without a secret.
    Nothing,
}

impl Credential {
    fn secret(&self) -> &str {
        match self {
            Credential::Bearer(s) | Credential::Header(_, s) => s.expose(),
            Credential::Nothing => "",
        }
    }

    fn attach(&self, req: RequestBuilder) -> RequestBuilder {
        match self {
            Credential::Bearer(s) => req.bearer_auth(s.expose()),
            Credential::Header(name, s) => req.header(*name, s.expose()),
            Credential::Nothing => req,
        }
    }
}

/// The HTTP clients every provider shares, made once, so connections are reused across jobs
/// and accounts. Both trust the system's certificate store (a company's or a self-hosted
/// server's own authority) besides the public roots. `following` follows redirects, never to
/// plain HTTP; `staying` follows none, for calls carrying a secret in a header of the
/// service's own, which reqwest (unlike `Authorization`) would carry on to another host.
#[derive(Clone)]
pub struct Clients {
    following: reqwest::Client,
    staying: reqwest::Client,
}

impl Clients {
    /// What the app uses.
    pub fn shared() -> Self {
        Self::with_timeouts(Duration::from_secs(10), Duration::from_secs(30))
    }

    /// Tests use shorter ones.
    pub fn with_timeouts(connect: Duration, read: Duration) -> Self {
        let client = |redirects| {
            reqwest::Client::builder()
                .connect_timeout(connect)
                .read_timeout(read)
                .user_agent(concat!("Atelier/", env!("CARGO_PKG_VERSION")))
                .redirect(redirects)
                .build()
                .expect("the TLS backend is compiled in")
        };
        Self {
            following: client(Policy::custom(follow)),
            staying: client(Policy::none()),
        }
    }

    /// The client that follows redirects (as `follow` allows), for requests without a secret
    /// of the service's own header.
    pub fn following(&self) -> &reqwest::Client {
        &self.following
    }
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
        clients: &Clients,
        base: &str,
        credential: Credential,
        service: &'static str,
    ) -> Result<Self, ProviderError> {
        let base = address::parse(base).map_err(|e| ProviderError::Rejected {
            service,
            detail: e.to_string(),
        })?;
        Ok(Self {
            clients: clients.clone(),
            base,
            credential,
            service,
        })
    }

    /// The same endpoint, saying who we are another way (to find the way a server takes).
    pub fn speaking_as(&self, credential: Credential) -> Self {
        Self {
            clients: self.clients.clone(),
            base: self.base.clone(),
            credential,
            service: self.service,
        }
    }

    /// The client for a request that carries the credential: reqwest drops `Authorization`
    /// on a redirect to another host, but not a header of the service's own, so such
    /// requests follow no redirect at all.
    fn client_with_credential(&self) -> &reqwest::Client {
        match self.credential {
            Credential::Header(..) => &self.clients.staying,
            _ => &self.clients.following,
        }
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
                message: clip(&hide_token(&message, self.credential.secret()), MAX_CHARS),
            },
            other => other,
        }
    }

    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ProviderError> {
        self.send_json(self.client_with_credential().get(self.url(path)))
            .await
    }

    pub async fn post_json<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<T, ProviderError> {
        self.send_json(
            self.client_with_credential()
                .post(self.url(path))
                .json(body),
        )
        .await
    }

    pub async fn post_form<T: DeserializeOwned>(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<T, ProviderError> {
        self.send_json(
            self.client_with_credential()
                .post(self.url(path))
                .form(form),
        )
        .await
    }

    /// Starts a download. The token goes only to the service's own host.
    pub async fn fetch(&self, url: &Url) -> Result<Response, ProviderError> {
        let req = if url.origin() == self.base.origin() {
            let req = self.client_with_credential().get(url.clone());
            self.credential.attach(req)
        } else {
            self.clients.following.get(url.clone())
        };
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
        let resp = self
            .credential
            .attach(req)
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
        if resp.status().is_redirection() {
            return Err(self.unfollowed(&resp));
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
            let text = hide_token(&String::from_utf8_lossy(&body), self.credential.secret());
            ProviderError::BadResponse {
                service: self.service,
                detail: format!("{e}; the reply began with {:?}", snippet(&text)),
            }
        })
    }

    /// A redirect the call did not follow, so the secret stayed home.
    fn unfollowed(&self, resp: &Response) -> ProviderError {
        let to = resp
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("another address");
        ProviderError::Rejected {
            service: self.service,
            detail: format!(
                "it redirected to {}, where Atelier does not send the secret; if that is the \
                 server's address, put it in the account",
                clip(to, MAX_CHARS)
            ),
        }
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
        let body = hide_token(&body, self.credential.secret());
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
        HttpApi::new(
            &Clients::shared(),
            base,
            Credential::Bearer(Secret::new("t")),
            "Svc",
        )
        .unwrap()
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

    /// Answers every request with `reply`, and sends what each request's head said.
    fn answering(reply: String) -> (String, std::sync::mpsc::Receiver<String>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (heard, heads) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for mut conn in listener.incoming().flatten() {
                let mut buf = [0; 8192];
                let n = std::io::Read::read(&mut conn, &mut buf).unwrap_or(0);
                let _ = heard.send(String::from_utf8_lossy(&buf[..n]).to_lowercase());
                let _ = std::io::Write::write_all(&mut conn, reply.as_bytes());
            }
        });
        (base, heads)
    }

    /// reqwest drops `Authorization` on a redirect to another host, not a header of the
    /// service's own: such a call is not followed, and says where it was sent.
    #[tokio::test]
    async fn a_secret_in_a_header_of_its_own_never_follows_a_redirect_elsewhere() {
        let ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
        let (elsewhere, heard_elsewhere) = answering(ok.into());
        let moved = format!(
            "HTTP/1.1 302 Found\r\nLocation: {elsewhere}/x\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n"
        );
        let (base, heard) = answering(moved);
        let secret = Credential::Header("mj-api-secret", Secret::new("s3cret-value"));
        let api = HttpApi::new(&Clients::shared(), &base, secret, "Svc").unwrap();
        let err = api.post_json::<Value>("/mj/x", &1).await.unwrap_err();
        assert!(err.to_string().contains(&elsewhere), "{err}");
        assert!(heard
            .recv()
            .unwrap()
            .contains("mj-api-secret: s3cret-value"));
        let followed = heard_elsewhere.recv_timeout(Duration::from_millis(300));
        assert!(followed.is_err(), "followed: {followed:?}");
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
        let resp = Clients::shared()
            .following()
            .get(&base)
            .send()
            .await
            .unwrap();
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
