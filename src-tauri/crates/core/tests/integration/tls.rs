//! Where the token may travel: HTTPS to a server whose certificate comes from a private
//! authority in the system's trust store (a company's, a self-hosted service's), never along a
//! redirect to plain HTTP, never to another server. Real TLS, real redirects, real stand-ins.
//!
//! Trusting an authority means writing it where `SSL_CERT_FILE` points (the harness sets it
//! before the tests start), which is read whenever a client is built: the one test that writes
//! it runs its steps in order.

use std::sync::Arc;

use crate::harness::lab::{imagineapi, imagineapi_config, Lab, TOKEN};
use crate::harness::{finished, trusted_authorities};
use atelier_core::engine::JobStatus;
use atelier_core::providers::http::Clients;
use atelier_core::providers::imagineapi::ImagineApi;
use atelier_core::providers::{Provider, ProviderError};
use atelier_core::secrets::Secret;
use atelier_standin::{Authority, Fault};

fn provider(base: &str) -> ImagineApi {
    ImagineApi::new(&Clients::shared(), base, Secret::new(TOKEN)).unwrap()
}

#[tokio::test]
async fn https_trusts_the_systems_authorities_and_is_never_downgraded() {
    let authority = Authority::new();
    let server = atelier_standin::ImagineApi::start_tls(imagineapi_config(), 0, &authority);
    let server = Arc::new(server.await.unwrap());
    assert!(server.base_url().starts_with("https://localhost:"));

    // Before the authority is in the trust store, the certificate is refused and says why.
    // Refused during the handshake, before any request: nothing was sent.
    let err = provider(&server.base_url()).health().await.unwrap_err();
    let ProviderError::Unreachable { detail, .. } = &err else {
        panic!("expected a certificate failure, got {err:?}");
    };
    assert!(detail.contains("certificate"), "{detail}");
    assert_eq!(
        server.requests(),
        0,
        "nothing was said over a connection not trusted"
    );

    let ca = trusted_authorities();
    std::fs::create_dir_all(ca.parent().unwrap()).unwrap();
    std::fs::write(&ca, authority.ca_pem()).unwrap();

    let health = provider(&server.base_url()).health().await.unwrap();
    assert!(health.healthy, "{health:?}");

    // A whole job over HTTPS through the app: submitted, followed, downloaded.
    let lab = Lab::open(server.clone());
    let job = lab.submit("a lighthouse").await;
    let done = finished(&lab.app, job.id).await;
    assert_eq!(done.status, JobStatus::Done, "{done:?}");
    assert_eq!(done.images.len(), 5);
    drop(lab);

    // The service answers with a redirect to plain HTTP: not followed, and the plain server
    // hears nothing, so neither the token nor the prompt crosses the network readable.
    let plain = imagineapi().await;
    let target = format!("{}/items/status", plain.base_url());
    server.push_fault(Fault::redirecting("/items/status", target));
    let err = provider(&server.base_url()).health().await.unwrap_err();
    let ProviderError::Network { detail, .. } = &err else {
        panic!("expected a refused redirect, got {err:?}");
    };
    assert!(
        detail.contains("unencrypted address http://127.0.0.1:"),
        "{detail}"
    );
    assert_eq!(plain.requests(), 0);
}

#[tokio::test]
async fn a_redirect_to_another_server_carries_no_token_and_is_not_taken_for_an_answer() {
    let service = imagineapi().await;
    let elsewhere = imagineapi().await;
    let target = format!("{}/items/status", elsewhere.base_url());
    service.push_fault(Fault::redirecting("/items/status", target));

    let err = provider(&service.base_url()).health().await.unwrap_err();
    let ProviderError::BadResponse { detail, .. } = &err else {
        panic!("expected a refused answer from elsewhere, got {err:?}");
    };
    let other = format!("another server, http://127.0.0.1:{}", elsewhere.port());
    assert!(detail.contains(&other), "{detail}");
    assert!(!err.is_auth(), "not mistaken for a rejected token");
    assert_eq!(elsewhere.requests(), 1, "the redirect was followed");
    assert_eq!(elsewhere.bearer_requests(), 0, "without the token");
    assert_eq!(
        service.bearer_requests(),
        1,
        "which went to the service itself"
    );
}
