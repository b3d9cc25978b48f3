//! Where the token may travel: HTTPS to a server whose certificate comes from a private
//! authority in the system's trust store (a company's, a self-hosted service's), never along a
//! redirect to plain HTTP, never to another server. Real TLS, real redirects, real stand-ins.
//!
//! Trusting an authority means naming it in `SSL_CERT_FILE`, which the whole process reads
//! when a client is built: the one test that sets it runs its steps in order.

mod common;

use std::sync::Arc;

use atelier_core::app::NewAccount;
use atelier_core::jobs::{Job, JobStatus};
use atelier_core::providers::http::shared_client;
use atelier_core::providers::imagineapi::ImagineApi;
use atelier_core::providers::{Provider, ProviderError, ProviderKind};
use atelier_core::secrets::{MemoryStore, Secret};
use atelier_core::Atelier;
use atelier_standin::{Authority, Fault, ImagineApiConfig};
use common::{fast, finished};

fn config() -> ImagineApiConfig {
    ImagineApiConfig {
        pending: std::time::Duration::from_millis(100),
        running: std::time::Duration::from_millis(400),
        grid_size: 512,
        ..ImagineApiConfig::default()
    }
}

fn provider(base: &str) -> ImagineApi {
    ImagineApi::new(shared_client(), base, Secret::new(&config().token)).unwrap()
}

#[tokio::test]
async fn https_trusts_the_systems_authorities_and_is_never_downgraded() {
    let authority = Authority::new();
    let server = atelier_standin::ImagineApi::start_tls(config(), 0, &authority)
        .await
        .unwrap();
    assert!(server.base_url().starts_with("https://localhost:"));

    // Before the authority is in the trust store, the certificate is refused and says why.
    let err = provider(&server.base_url()).health().await.unwrap_err();
    let ProviderError::Network { detail, .. } = &err else {
        panic!("expected a certificate failure, got {err:?}");
    };
    assert!(detail.contains("certificate"), "{detail}");
    assert_eq!(
        server.requests(),
        0,
        "nothing was said over a connection not trusted"
    );

    let store = tempfile::tempdir().unwrap();
    let ca = store.path().join("company-ca.pem");
    std::fs::write(&ca, authority.ca_pem()).unwrap();
    // SAFETY of intent: this binary's only other test builds no client that reads it.
    std::env::set_var("SSL_CERT_FILE", &ca);

    let health = provider(&server.base_url()).health().await.unwrap();
    assert!(health.healthy, "{health:?}");

    // A whole job over HTTPS through the app: submitted, followed, downloaded.
    let dir = tempfile::tempdir().unwrap();
    let app = Atelier::open(
        dir.path(),
        Arc::new(MemoryStore::default()),
        fast(),
        Arc::new(|_: &Job| {}),
    )
    .unwrap();
    let account = app
        .add_account(&NewAccount {
            provider: ProviderKind::ImagineApi,
            label: "Self-hosted".into(),
            base_url: server.base_url(),
            token: config().token.into(),
            allow_unencrypted: false,
        })
        .unwrap();
    let job = app
        .submit(account.account.id, "a lighthouse")
        .await
        .unwrap();
    let done = finished(&app, job.id).await;
    assert_eq!(done.status, JobStatus::Done, "{done:?}");
    assert_eq!(done.images.len(), 5);
    drop(app);

    // The service answers with a redirect to plain HTTP: not followed, and the plain server
    // hears nothing, so neither the token nor the prompt crosses the network readable.
    let plain = atelier_standin::ImagineApi::start(config(), 0)
        .await
        .unwrap();
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
    let service = atelier_standin::ImagineApi::start(config(), 0)
        .await
        .unwrap();
    let elsewhere = atelier_standin::ImagineApi::start(config(), 0)
        .await
        .unwrap();
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
