//! The job engine against the ImagineAPI stand-in over real HTTP: batched polling, a token
//! rejected mid-job, and following a job again at the person's request.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::harness::lab::{imagineapi, imagineapi_config, imagineapi_with, Lab, TOKEN};
use crate::harness::{fast, finished};
use atelier_core::engine::JobStatus;
use atelier_core::secrets::{MemoryStore, Secret, SecretError, SecretStore};
use atelier_core::Atelier;
use atelier_standin::{Fault, ImagineApi, ImagineApiConfig};

/// Poll requests: everything but submissions and asset downloads.
fn polls(server: &ImagineApi) -> usize {
    server.requests() - server.asset_requests() - server.submissions()
}

async fn run_jobs(n: usize) -> usize {
    let h = Lab::open(imagineapi().await);
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(h.submit(&format!("job {i}")).await.id);
    }
    for id in ids {
        let job = finished(&h.app, id).await;
        assert_eq!(job.status, JobStatus::Done, "{:?}", job.error);
    }
    polls(&h.server)
}

#[tokio::test]
async fn eight_jobs_cost_about_as_many_polls_as_one() {
    let one = run_jobs(1).await;
    let eight = run_jobs(8).await;
    // One request per tick covers every job in flight; polling each job on its own would
    // cost about eight times as many.
    assert!(
        eight <= one * 2 + 4,
        "1 job: {one} polls, 8 jobs: {eight} polls"
    );
}

#[tokio::test]
async fn a_rejected_token_pauses_the_account_says_so_once_and_a_new_token_resumes() {
    let h = Lab::open(imagineapi().await);
    let server = &h.server;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(h.submit(&format!("job {i}")).await.id);
    }
    // The token is revoked for the next request, after the jobs were accepted.
    server.push_fault(Fault::new("/items/images", 401, 1));
    let account = wait_for(|| {
        let a = h.app.accounts().unwrap();
        a.into_iter()
            .find(|a| a.account.id == h.account && a.account.token_problem.is_some())
    })
    .await;
    assert!(account.account.token_problem.unwrap().contains("token"));
    let before = server.requests();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(server.requests(), before, "nothing is asked while paused");
    let jobs = h
        .app
        .library_page(&Default::default(), None, 100)
        .unwrap()
        .jobs;
    assert!(jobs.iter().all(|j| !j.status.is_finished()), "no job fails");
    assert!(jobs.iter().all(|j| j
        .error
        .as_deref()
        .unwrap_or("")
        .contains("Waiting for a new token")));
    assert_eq!(h.notices().len(), 1, "told once, not per job");

    h.app.set_token(h.account, &TOKEN.into()).unwrap();
    for id in ids {
        let job = finished(&h.app, id).await;
        assert_eq!(job.status, JobStatus::Done, "{:?}", job.error);
    }
    let account = h.app.accounts().unwrap();
    assert!(account.iter().all(|a| a.account.token_problem.is_none()));
    assert_eq!(server.submissions(), 3, "nothing sent twice");
}

#[tokio::test]
async fn a_download_retry_fetches_only_what_is_missing() {
    let h = Lab::open(imagineapi().await);
    let server = &h.server;
    let job = h.submit("a cat [broken-image]").await;
    let job = finished(&h.app, job.id).await;
    assert_eq!(job.status, JobStatus::DownloadFailed);
    assert_eq!(job.images.len(), 4, "what arrived is kept");
    let kept: Vec<i64> = job.images.iter().map(|i| i.id).collect();

    let assets = server.asset_requests();
    h.app.retry(job.id).unwrap();
    let again = finished(&h.app, job.id).await;
    // The stand-in always cuts U2 short, so it fails again, but only U2 was asked for.
    assert_eq!(again.status, JobStatus::DownloadFailed);
    assert!(again.error.unwrap().contains("U2"));
    let fetched = server.asset_requests() - assets;
    assert!((1..=3).contains(&fetched), "{fetched} asset requests");
    let still: Vec<i64> = again.images.iter().map(|i| i.id).collect();
    assert_eq!(still, kept);
    assert_eq!(server.submissions(), 1);
}

#[tokio::test]
async fn a_cancelled_job_can_be_resumed_and_a_failed_one_cannot_be_retried() {
    let h = Lab::open(imagineapi().await);
    let server = &h.server;
    let job = h.submit("a lighthouse").await;
    h.app.cancel(job.id).unwrap();
    let cancelled = finished(&h.app, job.id).await;
    assert_eq!(cancelled.status, JobStatus::Cancelled);

    h.app.retry(job.id).unwrap();
    let done = finished(&h.app, job.id).await;
    assert_eq!(done.status, JobStatus::Done, "{:?}", done.error);
    assert_eq!(done.images.len(), 5);

    let refused = h.submit("no [fail]").await;
    let refused = finished(&h.app, refused.id).await;
    assert_eq!(refused.status, JobStatus::Failed);
    let err = h.app.retry(refused.id).unwrap_err();
    assert!(err.to_string().contains("run the prompt again"), "{err}");
    assert_eq!(server.submissions(), 2);
}

async fn wait_for<T>(mut probe: impl FnMut() -> Option<T>) -> T {
    for _ in 0..400 {
        if let Some(v) = probe() {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the condition never came true");
}

#[tokio::test]
async fn the_job_timeout_is_the_persons_to_choose_and_survives_a_restart() {
    let h = Lab::open(imagineapi().await);
    assert_eq!(h.app.preferences().unwrap().job_timeout_minutes, 15);
    let err = h.app.set_job_timeout(0).unwrap_err();
    assert!(err.to_string().contains("between 1 and 180"), "{err}");
    h.app.set_job_timeout(45).unwrap();
    let reopened = h.reopen().await;
    assert_eq!(reopened.app.preferences().unwrap().job_timeout_minutes, 45);
}

/// Counts keychain reads, which can each raise a prompt or wait on a locked keychain.
struct CountingSecrets {
    inner: Arc<MemoryStore>,
    reads: AtomicUsize,
}

impl SecretStore for CountingSecrets {
    fn get(&self, account: &str) -> Result<Option<Secret>, SecretError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.inner.get(account)
    }
    fn set(&self, account: &str, secret: &Secret) -> Result<(), SecretError> {
        self.inner.set(account, secret)
    }
    fn delete(&self, account: &str) -> Result<(), SecretError> {
        self.inner.delete(account)
    }
}

#[tokio::test]
async fn resuming_many_jobs_reads_each_accounts_token_once() {
    let config = ImagineApiConfig {
        running: Duration::from_secs(60),
        ..imagineapi_config()
    };
    let lab = Lab::open(imagineapi_with(config).await);
    for i in 0..4 {
        lab.submit(&format!("long job {i}")).await;
    }
    // Reopened by hand, on a keychain that counts its reads.
    let Lab {
        app,
        secrets,
        dir,
        server: _server,
        ..
    } = lab;
    drop(app);

    let counting = Arc::new(CountingSecrets {
        inner: secrets,
        reads: AtomicUsize::new(0),
    });
    let app = Atelier::open(dir.path(), counting.clone(), fast(), Arc::new(|_: &_| {})).unwrap();
    assert_eq!(app.resume().unwrap(), 4);
    assert_eq!(
        counting.reads.load(Ordering::SeqCst),
        1,
        "one read for four jobs"
    );
}
