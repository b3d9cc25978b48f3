//! Helpers the core's integration tests share.
// Each test file is its own crate and uses only some of these.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use atelier_core::app::ImageSize;
use atelier_core::jobs::{EngineConfig, Job};
use atelier_core::providers::{Outputs, Provider, RemoteState};
use atelier_core::Atelier;

/// Points the system trash of this test process at a folder of its own (the trash lives in
/// `$XDG_DATA_HOME/Trash`), so deleting in tests never touches the person's trash. Every test
/// that deletes calls it first; the `Once` makes the others wait until it is set.
pub fn private_trash() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a folder for the trash");
        // SAFETY of intent: set before any test of this binary reads it (they all call this
        // first), and nothing else in these tests reads XDG_DATA_HOME.
        std::env::set_var("XDG_DATA_HOME", dir.path());
        dir
    })
    .path()
}

/// An engine that polls quickly, for servers whose jobs take a second.
pub fn fast() -> EngineConfig {
    EngineConfig {
        poll_interval: Duration::from_millis(100),
        ..EngineConfig::default()
    }
}

/// The job with its images' paths made absolute, for tests that open the files.
pub fn with_paths(app: &Atelier, mut job: Job) -> Job {
    for img in &mut job.images {
        let path = |size| {
            let p = app
                .image_file(img.id, size)
                .unwrap()
                .expect("the image has a row");
            p.to_string_lossy().into_owned()
        };
        (img.file, img.thumb) = (path(ImageSize::Full), path(ImageSize::Thumb));
    }
    job
}

/// Waits for a job to be done, failed or cancelled (images with absolute paths); fails the
/// test after 60 s.
pub async fn finished(app: &Atelier, id: i64) -> Job {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let job = app.job(id).unwrap().expect("the job exists");
        if job.status.is_finished() {
            return with_paths(app, job);
        }
        assert!(Instant::now() < deadline, "job never finished: {job:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Polls a provider until the job completes; also says whether rising progress was seen.
pub async fn poll_to_completion(provider: &dyn Provider, remote_id: &str) -> (Outputs, bool) {
    let mut saw_progress = false;
    loop {
        match provider.poll(remote_id).await.unwrap() {
            RemoteState::Running {
                progress: Some(n), ..
            } if n > 0 => saw_progress = true,
            RemoteState::Completed(out) => return (out, saw_progress),
            RemoteState::Failed { message } => panic!("failed: {message}"),
            _ => {}
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
}
