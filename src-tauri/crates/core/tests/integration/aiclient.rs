//! The AI-Client provider against the stand-in AI-Client server over real HTTP: threads and
//! form-encoded entries, polling to completion, a locally composed grid, credits, and each
//! error class mapped to something a person can act on.

use std::sync::Arc;
use std::time::Duration;

use crate::harness::lab::{aiclient_config, aiclient_with, Lab, TOKEN};
use crate::harness::{finished, poll_to_completion};
use atelier_core::engine::{JobStatus, Slot};
use atelier_core::providers::aiclient::AiClient;
use atelier_core::providers::http::Clients;
use atelier_core::providers::{Provider, ProviderError, RemoteState};
use atelier_core::secrets::Secret;
use atelier_standin::{AiClientConfig, Fault};

/// 256 px images: the sizes checked below follow from it.
async fn server() -> Arc<atelier_standin::AiClient> {
    aiclient_with(AiClientConfig {
        image_size: 256,
        ..aiclient_config()
    })
    .await
}

fn provider(server: &atelier_standin::AiClient, token: &str) -> AiClient {
    AiClient::new(&Clients::shared(), &server.base_url(), Secret::new(token)).unwrap()
}

#[tokio::test]
async fn a_thread_goes_from_request_to_four_images_with_credits() {
    let server = server().await;
    let p = provider(&server, TOKEN);
    let job = p.submit("cats and dogs --ar 16:9", "ref").await.unwrap();
    assert_eq!(job.state, RemoteState::Queued);
    let (out, saw_progress) = poll_to_completion(&p, &job.remote_id).await;
    assert!(saw_progress);
    assert_eq!(
        (out.grid.as_ref(), out.upscales.len(), out.credits),
        (None, 4, Some(10))
    );
    assert_eq!(server.submissions(), 1);
    assert!(p.health().await.unwrap().healthy);
}

#[tokio::test]
async fn errors_map_to_what_they_mean() {
    let server = server().await;
    let err = provider(&server, "wrong")
        .submit("x", "r")
        .await
        .unwrap_err();
    assert!(err.is_auth(), "{err:?}");

    let p = provider(&server, TOKEN);
    let err = p.submit("x [no-credits]", "r").await.unwrap_err();
    assert!(matches!(err, ProviderError::QuotaReached { .. }), "{err:?}");
    assert!(err.to_string().contains("Not enough credits"), "{err}");

    assert!(matches!(
        p.poll("no-such-thread").await,
        Err(ProviderError::NotFound { .. })
    ));

    // Faults on the entry, after the thread was made: how the errors themselves map.
    server.push_fault(Fault::new("/api/v1/threads/", 429, 1).with_retry_after(7));
    let err = p.submit("x", "r").await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)), "{err:?}");

    server.push_fault(
        Fault::new("/api/v1/threads", 422, 1)
            .with_body(r#"{"message":"The prompt field is required."}"#),
    );
    let err = p.submit("x", "r").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "AI-Client rejected the request: The prompt field is required."
    );

    server.push_fault(
        Fault::new("/api/v1/threads/", 500, 1)
            .with_body("<html><title>Server Error</title></html>"),
    );
    assert!(matches!(
        p.submit("x", "r").await,
        Err(ProviderError::Server { status: 500, .. })
    ));

    server.push_fault(Fault::new("/api/v1/threads/", 503, 1).with_body(""));
    assert!(p.submit("x", "r").await.unwrap_err().is_transient());

    server.push_fault(Fault::new("/api/v1/threads/", 200, 1).with_body("<html>maintenance</html>"));
    assert!(matches!(
        p.submit("x", "r").await,
        Err(ProviderError::BadResponse { .. })
    ));

    // Failing to open the thread means the prompt never left: said plainly, not transient,
    // so nobody is asked to check whether they paid.
    server.push_fault(Fault::new("/api/v1/threads", 503, 1));
    let err = p.submit("x", "r").await.unwrap_err();
    assert!(matches!(err, ProviderError::NotSent { .. }), "{err:?}");
    assert!(!err.is_transient());
    assert!(err.to_string().contains("not sent"), "{err}");
}

#[tokio::test]
async fn a_prompt_lost_on_its_way_is_unconfirmed_never_resent() {
    let lab = Lab::open(server().await);
    let server = &lab.server;
    // The entry is taken but its reply is lost; AI-Client cannot be asked by reference.
    server.push_fault(Fault::new("/api/v1/threads/", 502, 1).after_handling());
    let job = lab.submit("a lost prompt").await;
    let job = finished(&lab.app, job.id).await;
    assert_eq!(job.status, JobStatus::Unknown);
    let why = job.error.unwrap();
    assert!(why.contains("Check your account's history"), "{why}");
    assert_eq!(server.submissions(), 1, "sent once, never again");
}

#[tokio::test]
async fn the_pipeline_composes_a_grid_and_records_credits() {
    let lab = Lab::open(server().await);
    let app = &lab.app;
    let ok = lab.submit("a fox --ar 16:9").await;
    let refused = lab.submit("a banned thing [fail]").await;
    let broken = lab.submit("a cat [broken-image]").await;

    let done = finished(app, ok.id).await;
    assert_eq!(done.status, JobStatus::Done, "{:?}", done.error);
    assert_eq!(
        done.images.iter().map(|i| i.slot).collect::<Vec<_>>(),
        Slot::ALL
    );
    let (grid, u1) = (&done.images[0], &done.images[1]);
    assert_eq!((grid.width, grid.height), (u1.width * 2, u1.height * 2));
    assert_eq!((u1.width, u1.height), (256, 144), "16:9 singles");
    assert_eq!(done.credits, Some(10));

    let refused = finished(app, refused.id).await;
    assert_eq!(refused.status, JobStatus::Failed);
    assert!(refused.error.unwrap().contains("refused this prompt"));

    let broken = finished(app, broken.id).await;
    assert_eq!(
        broken.status,
        JobStatus::DownloadFailed,
        "paid for: retryable"
    );
    assert!(broken.error.unwrap().contains("U2"));
}
