//! HTTPS for stand-ins: a private certificate authority, as a company or a self-hosted
//! service has, and a listener that speaks TLS with a certificate it signed for `localhost`
//! and 127.0.0.1. Clients trust it only if they read the authority from the system's store.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::serve::Listener;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// A certificate authority no system trusts until told to, and the server certificate it issued.
pub struct Authority {
    ca_pem: String,
    config: Arc<ServerConfig>,
}

impl Authority {
    pub fn new() -> Authority {
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("valid CA parameters");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().expect("a CA key"))
            .expect("a self-signed CA");
        let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
        let key = KeyPair::generate().expect("a server key");
        let cert = CertificateParams::new(names)
            .expect("valid server parameters")
            .signed_by(&key, &ca)
            .expect("a server certificate");
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS 1.2 and 1.3")
            .with_no_client_auth()
            .with_single_cert(vec![cert.der().clone()], key)
            .expect("the key matches the certificate");
        Authority {
            ca_pem: ca.pem(),
            config: Arc::new(config),
        }
    }

    /// The authority's certificate, PEM, to put in a trust store (`SSL_CERT_FILE`).
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    pub(crate) fn listener(&self, tcp: TcpListener) -> TlsListener {
        TlsListener {
            tcp,
            acceptor: TlsAcceptor::from(self.config.clone()),
        }
    }
}

impl Default for Authority {
    fn default() -> Self {
        Self::new()
    }
}

/// Accepts TCP connections and completes their TLS handshake; a client that gives up on the
/// certificate is dropped and the next one accepted.
pub(crate) struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, addr)) = self.tcp.accept().await else {
                continue;
            };
            if let Ok(tls) = self.acceptor.accept(stream).await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}
