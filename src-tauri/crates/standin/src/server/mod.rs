//! What every stand-in shares whatever protocol it speaks: binding and serving until dropped,
//! scripted faults, request counting, the `/__standin` controls and the host a client used.

mod control;
mod faults;
pub mod tls;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::Response;
use axum::serve::Listener;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use faults::Fault;
use faults::Faults;

/// A protocol's shared state, as the common middleware and controls need it.
pub trait Standin: Send + Sync + 'static {
    fn common(&self) -> &Common;

    /// How many jobs were accepted, for `/__standin/stats`.
    fn submissions(&self) -> usize;

    /// The error body this protocol's server sends with `status`, for faults that bring none.
    fn error_body(status: StatusCode) -> serde_json::Value;
}

/// The state every stand-in keeps besides its protocol's own.
pub struct Common {
    bound: SocketAddr,
    /// `http` or `https`, for the addresses handed out.
    scheme: &'static str,
    faults: Faults,
    requests: AtomicUsize,
    bearer_requests: AtomicUsize,
}

impl Common {
    pub fn bound(&self) -> SocketAddr {
        self.bound
    }

    pub fn push_fault(&self, fault: Fault) {
        self.faults.push(fault);
    }

    /// How many protocol requests were served, faulted ones included, `/__standin/...` excluded.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// How many bytes of endless bodies (see [`Fault::endless`]) were sent.
    pub fn endless_bytes(&self) -> u64 {
        self.faults.endless_bytes()
    }

    /// How many of `requests()` carried an `Authorization` header, whatever its token: what a
    /// server that should never see the token checks.
    pub fn bearer_requests(&self) -> usize {
        self.bearer_requests.load(Ordering::Relaxed)
    }

    /// E.g. `https://localhost:41234`, without a trailing slash.
    pub fn base_url(&self) -> String {
        match self.scheme {
            // The certificate names `localhost`, as a real one names the service's host.
            "https" => format!("https://localhost:{}", self.bound.port()),
            _ => format!("http://{}", self.bound),
        }
    }

    /// `http://host[:port]` as the client addressed us, so the URLs we hand out work through
    /// any alias of this machine; the bound address when the `Host` header is absent or odd.
    pub fn base(&self, headers: &HeaderMap) -> String {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-_:[]".contains(c))
            });
        match host {
            Some(host) => format!("{}://{host}", self.scheme),
            None => self.base_url(),
        }
    }
}

/// Binds 127.0.0.1:`port` (0 = any free port).
pub async fn bind(port: u16) -> std::io::Result<(TcpListener, Common)> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    let common = Common {
        bound: listener.local_addr()?,
        scheme: "http",
        faults: Faults::default(),
        requests: AtomicUsize::new(0),
        bearer_requests: AtomicUsize::new(0),
    };
    Ok((listener, common))
}

/// Binds like [`bind`], speaking HTTPS with a certificate from `authority`.
pub async fn bind_tls(
    port: u16,
    authority: &tls::Authority,
) -> std::io::Result<(tls::TlsListener, Common)> {
    let (tcp, common) = bind(port).await?;
    let common = Common {
        scheme: "https",
        ..common
    };
    Ok((authority.listener(tcp), common))
}

/// A server running in a tokio task; dropping this stops it.
pub struct Running {
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Serves `protocol` behind fault injection and request counting, with the controls beside it,
/// in a tokio task.
pub fn serve<S: Standin, L>(listener: L, shared: Arc<S>, protocol: Router<Arc<S>>) -> Running
where
    L: Listener<Addr = SocketAddr>,
{
    let app = protocol
        .layer(from_fn_with_state(shared.clone(), faults::inject::<S>))
        .layer(from_fn_with_state(shared.clone(), count::<S>))
        .merge(control::router::<S>())
        .with_state(shared);
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        // Either the handle was dropped or asked to stop: both mean stop.
        let stop = async {
            let _ = stopped.await;
        };
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await;
    });
    Running { stop: Some(stop) }
}

/// Middleware: counts every protocol request for `requests()`.
async fn count<S: Standin>(State(shared): State<Arc<S>>, req: Request, next: Next) -> Response {
    let common = shared.common();
    common.requests.fetch_add(1, Ordering::Relaxed);
    if req.headers().contains_key(header::AUTHORIZATION) {
        common.bearer_requests.fetch_add(1, Ordering::Relaxed);
    }
    next.run(req).await
}
