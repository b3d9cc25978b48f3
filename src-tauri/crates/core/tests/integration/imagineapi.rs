//! The core against the stand-in ImagineAPI server over real HTTP: the provider's wire
//! handling, then the whole pipeline (store, downloads, thumbnails, events, resume).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::harness::lab::{imagineapi_config, imagineapi_with, walk, Lab, TOKEN};
use crate::harness::{finished, poll_to_completion};
use atelier_core::engine::{JobStatus, Slot};
use atelier_core::library::LibraryQuery;
use atelier_core::providers::http::Clients;
use atelier_core::providers::imagineapi::ImagineApi;
use atelier_core::providers::{Provider, ProviderError, RemoteState};
use atelier_core::secrets::Secret;
use atelier_standin::{Fault, ImagineApiConfig};

/// 512 px grids: the pixels compared below sit at known places in it.
async fn server() -> Arc<atelier_standin::ImagineApi> {
    imagineapi_with(ImagineApiConfig {
        grid_size: 512,
        ..imagineapi_config()
    })
    .await
}

fn provider(server: &atelier_standin::ImagineApi, token: &str) -> ImagineApi {
    ImagineApi::new(&Clients::shared(), &server.base_url(), Secret::new(token)).unwrap()
}

/// Every file under `dir`, as text.
fn files(dir: &Path) -> Vec<String> {
    let paths = walk(dir).into_iter();
    paths.map(|p| p.to_string_lossy().into_owned()).collect()
}

#[tokio::test]
async fn provider_follows_a_job_from_pending_to_completed() {
    let server = server().await;
    let p = provider(&server, TOKEN);
    let job = p.submit("a lighthouse --ar 16:9", "ref-a").await.unwrap();
    assert_eq!(job.state, RemoteState::Queued);
    let (outputs, saw_progress) = poll_to_completion(&p, &job.remote_id).await;
    assert!(saw_progress, "progress should rise while in progress");
    assert!(outputs.grid.is_some());
    assert_eq!(outputs.upscales.len(), 4);
    let found = p.find_by_reference("ref-a").await.unwrap().unwrap();
    assert_eq!(found.remote_id, job.remote_id);
    assert_eq!(p.find_by_reference("never-sent").await.unwrap(), None);
    assert!(p.health().await.unwrap().healthy);
}

#[tokio::test]
async fn provider_maps_errors_to_what_they_mean() {
    let server = server().await;
    let bad = provider(&server, "wrong-token");
    let err = bad.submit("x", "r").await.unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    assert!(err.to_string().contains("Paste a new token"), "{err}");

    let p = provider(&server, TOKEN);
    assert!(matches!(
        p.poll("no-such-id").await,
        Err(ProviderError::NotFound { .. })
    ));
    assert!(matches!(
        p.submit("", "r").await,
        Err(ProviderError::Rejected { .. })
    ));

    server.push_fault(Fault::new("/items/images", 429, 1).with_body(
        r#"{"errors":[{"message":"Cannot create more images","extensions":{"code":"REQUESTS_EXCEEDED"}}]}"#,
    ));
    assert!(matches!(
        p.submit("x", "r").await,
        Err(ProviderError::QuotaReached { .. })
    ));

    server.push_fault(Fault::new("/items/images", 200, 1).with_body("{\"data\": {\"id\": 5"));
    let err = p.submit("x", "r2").await.unwrap_err();
    assert!(matches!(err, ProviderError::BadResponse { .. }), "{err:?}");

    server.push_fault(
        Fault::new("/items/status", 502, 1).with_body("<html><title>Bad gateway</title></html>"),
    );
    assert!(matches!(
        p.health().await,
        Err(ProviderError::Server { status: 502, .. })
    ));
}

#[tokio::test]
async fn a_prompt_becomes_five_verified_images_on_disk() {
    let h = Lab::open(server().await);
    let (server, dir) = (&h.server, &h.dir);

    let job = h.submit("a red fox in snow --ar 1:1").await;
    assert_eq!(job.status, JobStatus::Queued);
    assert!(job.remote_id.is_some());
    let done = finished(&h.app, job.id).await;
    assert_eq!(done.status, JobStatus::Done, "{:?}", done.error);

    let slots: Vec<Slot> = done.images.iter().map(|i| i.slot).collect();
    assert_eq!(slots, Slot::ALL);
    let grid = &done.images[0];
    assert_eq!((grid.width, grid.height), (512, 512));
    for img in &done.images {
        let file = image::open(&img.file).unwrap();
        assert_eq!((file.width(), file.height()), (img.width, img.height));
        assert!(image::open(&img.thumb).unwrap().width() <= 512);
        assert!(img
            .source_url
            .as_deref()
            .unwrap()
            .starts_with(&server.base_url()));
        assert!(
            img.file.starts_with(dir.path().to_str().unwrap()),
            "names are ours: {}",
            img.file
        );
    }
    for u in &done.images[1..] {
        assert_eq!(
            (u.width, u.height),
            (256, 256),
            "upscales are quadrant-sized"
        );
    }
    // U1 is the grid's top-left quadrant, so the pairing followed upscaled_urls.
    let grid_px = image::open(&grid.file).unwrap().to_rgb8();
    let u1 = image::open(&done.images[1].file).unwrap().to_rgb8();
    assert_eq!(grid_px.get_pixel(10, 10), u1.get_pixel(10, 10));
    let u4 = image::open(&done.images[4].file).unwrap().to_rgb8();
    assert_eq!(grid_px.get_pixel(266, 266), u4.get_pixel(10, 10));

    let statuses = h.statuses(job.id);
    for expected in [
        JobStatus::Submitting,
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Downloading,
        JobStatus::Done,
    ] {
        assert!(
            statuses.contains(&expected),
            "no {expected:?} event in {statuses:?}"
        );
    }
    let leftovers: Vec<_> = files(dir.path())
        .into_iter()
        .filter(|p| p.ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    assert_eq!(h.app.store().integrity_check().unwrap(), "ok");
}

#[tokio::test]
async fn several_jobs_run_at_once() {
    let h = Lab::open(server().await);
    let server = &h.server;
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(h.submit(&format!("job number {i}")).await.id);
    }
    for id in ids {
        let job = finished(&h.app, id).await;
        assert_eq!(
            (job.status, job.images.len()),
            (JobStatus::Done, 5),
            "{:?}",
            job.error
        );
    }
    assert_eq!(server.submissions(), 4);
}

#[tokio::test]
async fn failures_end_in_a_clear_failed_state() {
    let h = Lab::open(server().await);

    let refused = h.submit("a forbidden thing [fail]").await;
    let refused = finished(&h.app, refused.id).await;
    assert_eq!(refused.status, JobStatus::Failed);
    assert!(refused.error.unwrap().contains("refused this prompt"));

    let broken = h.submit("a cat [broken-image]").await;
    let broken = finished(&h.app, broken.id).await;
    assert_eq!(
        broken.status,
        JobStatus::DownloadFailed,
        "paid for: retryable"
    );
    let msg = broken.error.unwrap();
    assert!(
        msg.contains("U2") && msg.contains("not a readable image"),
        "{msg}"
    );
    assert_eq!(
        broken.images.len(),
        4,
        "the images that did arrive are kept"
    );
    assert!(
        !files(h.dir.path()).iter().any(|p| p.contains("u2.")),
        "no half file for U2"
    );
}

#[tokio::test]
async fn a_wrong_token_fails_the_job_with_a_message_and_no_token_refuses_to_send() {
    let server = server().await;
    let h = Lab::build(server.clone()).token("wrong").open();
    let job = h.submit("anything").await;
    assert_eq!(job.status, JobStatus::Failed);
    assert!(job.error.unwrap().contains("rejected the API token"));

    // A keychain that lost the token: the submit is refused before anything is recorded or sent.
    let h2 = Lab::open(server.clone());
    let entry = format!("account:{}", h2.account);
    atelier_core::secrets::SecretStore::delete(&*h2.secrets, &entry).unwrap();
    let err = h2.try_submit("anything").await.unwrap_err();
    assert!(err.to_string().contains("has no token yet"), "{err}");
    assert!(
        h2.app
            .library_page(&LibraryQuery::default(), None, 1000)
            .unwrap()
            .jobs
            .is_empty(),
        "nothing recorded, nothing sent"
    );
    assert_eq!(server.submissions(), 0);
}

#[tokio::test]
async fn server_errors_while_polling_are_retried() {
    let h = Lab::open(server().await);
    let server = &h.server;
    let job = h.submit("stormy sea").await;
    server.push_fault(Fault::new("/items/images", 503, 2));
    let done = finished(&h.app, job.id).await;
    assert_eq!(done.status, JobStatus::Done, "{:?}", done.error);
    let noted = h.notes(job.id).iter().any(|e| e.contains("503"));
    assert!(noted, "the retry should have been shown on the job");
}

#[tokio::test]
async fn a_submit_whose_reply_was_lost_is_found_by_reference_not_sent_twice() {
    let h = Lab::open(server().await);
    let server = &h.server;
    // The server takes the job but the reply never arrives intact.
    server.push_fault(Fault::new("/items/images", 502, 1).after_handling());
    let job = h.submit("lost reply").await;
    let done = finished(&h.app, job.id).await;
    assert_eq!(done.status, JobStatus::Done, "{:?}", done.error);
    assert_eq!(server.submissions(), 1);
}

#[tokio::test]
async fn jobs_in_flight_resume_after_a_restart() {
    let first = Lab::open(server().await);
    let job_id = first.submit("a slow one").await.id;
    // The first app quits; its tracking task dies with this runtime's next await.
    let second = first.reopen().await;
    assert_eq!(second.app.resume().unwrap(), 1);
    let done = finished(&second.app, job_id).await;
    assert_eq!(done.status, JobStatus::Done, "{:?}", done.error);
    assert_eq!(second.server.submissions(), 1);
}

#[tokio::test]
async fn deleting_an_account_keeps_or_removes_its_history_as_asked() {
    use atelier_core::accounts::HistoryChoice;
    let server = server().await;
    for choice in [HistoryChoice::Keep, HistoryChoice::Delete] {
        let h = Lab::open(server.clone());
        let job = h.submit("to be deleted").await;
        let done = finished(&h.app, job.id).await;
        assert_eq!(done.status, JobStatus::Done, "{:?}", done.error);
        h.app.delete_account(h.account, choice).unwrap();
        let left = h
            .app
            .library_page(&LibraryQuery::default(), None, 1000)
            .unwrap()
            .jobs;
        let files_left = done
            .images
            .iter()
            .filter(|i| Path::new(&i.file).exists())
            .count();
        match choice {
            HistoryChoice::Keep => {
                assert_eq!(left.len(), 1);
                assert_eq!(
                    (left[0].account_id, left[0].account_label.as_str()),
                    (None, "Stand-in")
                );
                assert_eq!(files_left, 5);
            }
            HistoryChoice::Delete => {
                assert!(left.is_empty());
                assert_eq!(files_left, 0, "its images are removed too");
            }
        }
    }
}

#[tokio::test]
async fn a_job_that_outlives_its_timeout_times_out_clearly_but_a_finished_one_is_still_collected() {
    let lab = Lab::build(server().await)
        .engine(|c| c.job_timeout = Duration::from_millis(300))
        .open();
    let slow = lab.submit("never in time [slow]").await;
    let slow = finished(&lab.app, slow.id).await;
    assert_eq!(slow.status, JobStatus::TimedOut);
    let why = slow.error.unwrap();
    assert!(why.contains("No result after 1 second"), "{why}");

    // A job whose app closed mid-flight and reopened after the timeout is still collected,
    // because the service has finished it by then.
    let job = lab.submit("collected late").await;
    let reopened = lab.reopen_after(Duration::from_millis(1500)).await;
    reopened.app.resume().unwrap();
    let done = finished(&reopened.app, job.id).await;
    assert_eq!(done.status, JobStatus::Done, "{:?}", done.error);
}
