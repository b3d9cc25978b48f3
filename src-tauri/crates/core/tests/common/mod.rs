//! Helpers the core's integration tests share.
// Each test file is its own crate and uses only some of these.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use atelier_core::jobs::{EngineConfig, Job};
use atelier_core::providers::{Outputs, Provider, RemoteState};
use atelier_core::store::JobQuery;
use atelier_core::Atelier;

/// An engine that polls quickly, for servers whose jobs take a second.
pub fn fast() -> EngineConfig {
    EngineConfig {
        poll_interval: Duration::from_millis(100),
        ..EngineConfig::default()
    }
}

/// Waits for a job to be done, failed or cancelled; fails the test after 60 s.
pub async fn finished(app: &Atelier, id: i64) -> Job {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let job = app
            .jobs(&JobQuery::default())
            .unwrap()
            .into_iter()
            .find(|j| j.id == id)
            .unwrap();
        if job.status.is_finished() {
            return job;
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
