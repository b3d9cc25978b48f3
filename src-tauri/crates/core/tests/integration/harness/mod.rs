//! What the integration tests share: a private environment set before any test starts, the
//! lab (`lab.rs`: a library with an account on a stand-in), the Demo lab (`demo.rs`: a
//! library with no server), and small helpers to wait for jobs.

pub mod demo;
pub mod lab;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use atelier_core::app::ImageSize;
use atelier_core::engine::{EngineConfig, Job};
use atelier_core::providers::{Outputs, Provider, RemoteState};
use atelier_core::Atelier;

/// Where this test process keeps what it must not share with the person's session: its
/// system trash (`$XDG_DATA_HOME/Trash`) and the authorities it trusts (`SSL_CERT_FILE`).
pub fn private_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("run-{}", std::process::id()))
}

/// The system trash of this test process: deleting in tests never touches the person's.
pub fn private_trash() -> PathBuf {
    private_dir().join("data")
}

/// The file `SSL_CERT_FILE` names: the authorities this process trusts as the system's. It
/// does not exist until a test writes one there.
pub fn trusted_authorities() -> PathBuf {
    private_dir().join("trusted-authorities.pem")
}

// Set once, before `main` and so before any thread exists: the environment is read by every
// thread (glibc's `getenv` is not safe against a concurrent `setenv`), so no test may set it.
#[ctor::ctor(unsafe)]
fn private_environment() {
    std::env::set_var("XDG_DATA_HOME", private_trash());
    std::env::set_var("SSL_CERT_FILE", trusted_authorities());
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
