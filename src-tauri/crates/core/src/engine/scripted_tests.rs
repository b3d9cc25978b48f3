//! The engine's timing logic on tokio's paused clock, against a scripted provider: minutes of
//! polling, backoff and timeouts run in milliseconds and always the same way. The same
//! behaviour over real HTTP is tested against the stand-ins in `tests/`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;
use url::Url;

use super::{Engine, EngineConfig, Job, JobStatus};
use crate::job::SourceRole;
use crate::media::MediaLibrary;
use crate::providers::{
    Asset, Health, Provider, ProviderError, ProviderKind, RemoteJob, RemoteState,
};
use crate::store::Store;

/// What the scripted service does on each poll, in order; once the script is used up it
/// says "queued" for ever.
enum Reply {
    Panic,
    State(RemoteState),
    Error(ProviderError),
}

#[derive(Default)]
struct Scripted {
    replies: Mutex<VecDeque<Reply>>,
    polls: Mutex<Vec<Instant>>,
    /// What each submission gets, in order; accepted once the script is used up.
    submits: Mutex<VecDeque<ProviderError>>,
    sent: Mutex<Vec<Instant>>,
}

impl Scripted {
    fn new(replies: impl IntoIterator<Item = Reply>) -> Arc<Self> {
        Arc::new(Scripted {
            replies: Mutex::new(replies.into_iter().collect()),
            ..Scripted::default()
        })
    }

    fn polls(&self) -> Vec<Instant> {
        self.polls.lock().unwrap().clone()
    }
}

#[async_trait]
impl Provider for Scripted {
    fn kind(&self) -> ProviderKind {
        ProviderKind::ImagineApi
    }

    async fn submit(&self, _: &str, _: &str) -> Result<RemoteJob, ProviderError> {
        self.sent.lock().unwrap().push(Instant::now());
        match self.submits.lock().unwrap().pop_front() {
            Some(e) => Err(e),
            None => Ok(RemoteJob {
                remote_id: "remote-1".into(),
                state: RemoteState::Queued,
                ahead: None,
            }),
        }
    }

    async fn poll(&self, _: &str) -> Result<RemoteState, ProviderError> {
        self.polls.lock().unwrap().push(Instant::now());
        let next = self.replies.lock().unwrap().pop_front();
        match next {
            Some(Reply::Panic) => panic!("a scripted bug"),
            Some(Reply::State(state)) => Ok(state),
            Some(Reply::Error(e)) => Err(e),
            None => Ok(RemoteState::Queued),
        }
    }

    async fn find_by_reference(&self, _: &str) -> Result<Option<RemoteJob>, ProviderError> {
        Ok(None)
    }

    async fn health(&self) -> Result<Health, ProviderError> {
        unreachable!()
    }

    async fn fetch_asset(&self, _: &Url) -> Result<Asset, ProviderError> {
        unreachable!("no job here completes")
    }
}

struct Bench {
    engine: Engine,
    store: Store,
    _media: tempfile::TempDir,
}

fn bench(config: EngineConfig) -> Bench {
    let store = Store::open_in_memory().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let media = MediaLibrary::open(dir.path()).unwrap();
    let engine = Engine::new(store.clone(), media, config, Arc::new(|_: &Job| {}));
    Bench {
        engine,
        store,
        _media: dir,
    }
}

/// An engine with one job sent and accepted, followed by `provider`.
fn follow_one(config: EngineConfig, provider: Arc<Scripted>) -> (Bench, i64) {
    let (bench, jobs) = follow(config, provider, 1);
    (bench, jobs[0])
}

/// An engine with `n` jobs sent and accepted, all followed by `provider`.
fn follow(config: EngineConfig, provider: Arc<Scripted>, n: usize) -> (Bench, Vec<i64>) {
    let bench = bench(config);
    let store = &bench.store;
    let account = store.accounts().unwrap().remove(0);
    let jobs: Vec<i64> = (0..n)
        .map(|i| {
            let job = store
                .insert_job(&format!("ref-{i}"), &account, "a job", None)
                .unwrap();
            store.set_remote_id(job.id, &format!("remote-{i}")).unwrap();
            store
                .set_status(job.id, JobStatus::Queued, None, None)
                .unwrap();
            job.id
        })
        .collect();
    let provider: Arc<dyn Provider> = provider;
    bench.engine.resume(|_| Ok(provider.clone())).unwrap();
    (bench, jobs)
}

impl Bench {
    /// Lets simulated time pass until the job is finished; panics after `limit` of it.
    async fn finished(&self, job_id: i64, limit: Duration) -> Job {
        let end = Instant::now() + limit;
        loop {
            let job = self.store.job(job_id).unwrap().unwrap();
            if job.status.is_finished() {
                return job;
            }
            assert!(
                Instant::now() < end,
                "not finished after {limit:?}: {job:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn config() -> EngineConfig {
    EngineConfig {
        poll_interval: Duration::from_secs(2),
        job_timeout: Duration::from_secs(15 * 60),
        ..EngineConfig::default()
    }
}

fn failed(message: &str) -> Reply {
    Reply::State(RemoteState::Failed {
        message: message.into(),
    })
}

#[tokio::test(start_paused = true)]
async fn a_tracker_that_dies_is_replaced_and_its_jobs_go_on() {
    let provider = Scripted::new([Reply::Panic, failed("the scripted end")]);
    let (bench, job) = follow_one(config(), provider.clone());
    let ended = bench.finished(job, Duration::from_secs(120)).await;
    assert_eq!(ended.status, JobStatus::Failed);
    assert_eq!(ended.error.as_deref(), Some("the scripted end"));
    assert_eq!(provider.polls().len(), 2, "polled again by a new tracker");
    drop(bench.engine);
}

#[tokio::test(start_paused = true)]
async fn a_rate_limited_service_is_not_asked_again_before_it_said() {
    let limited = ProviderError::RateLimited {
        service: "Svc",
        retry_after: Some(Duration::from_secs(30)),
    };
    let provider = Scripted::new([Reply::Error(limited), failed("done asking")]);
    let (bench, job) = follow_one(config(), provider.clone());
    bench.finished(job, Duration::from_secs(120)).await;
    let polls = provider.polls();
    assert_eq!(polls.len(), 2);
    let waited = polls[1] - polls[0];
    assert!(
        waited >= Duration::from_secs(30),
        "asked again after {waited:?}"
    );
    assert!(waited < Duration::from_secs(32), "then at once: {waited:?}");
}

#[tokio::test(start_paused = true)]
async fn a_job_never_finished_times_out_at_the_timeout_not_before() {
    let provider = Scripted::new([]);
    let start = Instant::now();
    let (bench, job) = follow_one(config(), provider.clone());
    let ended = bench.finished(job, Duration::from_secs(20 * 60)).await;
    assert_eq!(ended.status, JobStatus::TimedOut);
    let took = Instant::now() - start;
    assert!(
        took >= Duration::from_secs(15 * 60),
        "timed out after {took:?}"
    );
    assert!(took < Duration::from_secs(15 * 60 + 10), "{took:?}");
    // A queued job is looked at every 4 s (twice the running pace): 225 looks, not thousands.
    let looks = provider.polls().len();
    assert!((200..=230).contains(&looks), "{looks} polls in 15 minutes");
}

#[tokio::test(start_paused = true)]
async fn a_lost_submission_is_looked_up_then_sent_again_after_a_pause() {
    let provider = Scripted::new([failed("followed to the end")]);
    let unavailable = ProviderError::Server {
        service: "Svc",
        status: 503,
    };
    provider.submits.lock().unwrap().push_back(unavailable);
    let bench = bench(config());
    let account = bench.store.accounts().unwrap().remove(0);
    let job = bench
        .engine
        .submit(provider.clone(), &account, "sent twice, made once", None)
        .await
        .unwrap();
    let ended = bench.finished(job.id, Duration::from_secs(120)).await;
    // The service said it never got the first (find_by_reference: none), so it was resent.
    let sent = provider.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(
        sent[1] - sent[0] >= Duration::from_secs(2),
        "resent at once"
    );
    assert_eq!(ended.remote_id.as_deref(), Some("remote-1"));
    assert_eq!(ended.error.as_deref(), Some("followed to the end"));
}

/// A job sent with pictures and caught by a restart before its answer: the prompt alone is
/// not what the person sent, so it is never sent again without them.
#[tokio::test(start_paused = true)]
async fn a_job_sent_with_pictures_is_not_sent_again_without_them_after_a_restart() {
    let provider = Scripted::new([]);
    let bench = bench(config());
    let store = &bench.store;
    let account = store.accounts().unwrap().remove(0);
    // `job_sources` names an image by id alone: no picture is needed for it here.
    let sources = [(7, SourceRole::ImagePrompt)];
    let job = store
        .insert_job_from("ref-p", &account, "a fox", None, &sources, None)
        .unwrap();
    let plain = store
        .insert_job("ref-q", &account, "a fox alone", None)
        .unwrap();

    let scripted: Arc<dyn Provider> = provider.clone();
    bench.engine.resume(|_| Ok(scripted.clone())).unwrap();
    let ended = bench.finished(job.id, Duration::from_secs(60)).await;

    assert_eq!(ended.status, JobStatus::Failed);
    let why = ended.error.unwrap();
    assert!(why.contains("went with pictures"), "{why}");
    // The plain one is resent after its pause.
    tokio::time::sleep(Duration::from_secs(10)).await;
    let resent = bench.store.job(plain.id).unwrap().unwrap();
    assert_eq!(
        resent.remote_id.as_deref(),
        Some("remote-1"),
        "a plain prompt is still sent again"
    );
    assert_eq!(provider.sent.lock().unwrap().len(), 1, "only the plain one");
}

#[tokio::test(start_paused = true)]
async fn many_jobs_one_at_a_time_stay_within_the_accounts_budget() {
    // A service that can only be asked about one job per request, and 40 jobs waiting: left
    // alone each would be asked every 4 s (600 requests a minute); the budget allows 90 a
    // minute after a burst of 10.
    let provider = Scripted::new([]);
    let (_bench, _jobs) = follow(config(), provider.clone(), 40);
    tokio::time::sleep(Duration::from_secs(60)).await;
    let polls = provider.polls().len();
    assert!(polls <= 10 + 90, "{polls} requests in a minute");
    assert!(polls >= 80, "the budget is used, not starved: {polls}");
}

/// A write that waits on a slow disk waits on the blocking pool: the async worker (one here)
/// goes on serving every other task meanwhile. Written inline, the tracker's first write
/// would stop the worker, and everything on it, for as long as the disk takes.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_slow_disk_holds_up_no_async_worker() {
    let running = (1..=100).map(|p| {
        Reply::State(RemoteState::Running {
            progress: Some(p),
            preview: None,
        })
    });
    let provider = Scripted::new(running);
    let quick = EngineConfig {
        poll_interval: Duration::from_millis(20),
        ..config()
    };
    let (bench, job) = follow_one(quick, provider.clone());
    while provider.polls().is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let hold = Duration::from_millis(1500);
    let held = Instant::now();
    bench.store.hold_for(hold);
    // Spawned, so it runs on the worker beside the tracker (the test's own body does not).
    let ticker = tokio::spawn(async {
        let mut worst = Duration::ZERO;
        for _ in 0..60 {
            let asleep = Instant::now();
            tokio::time::sleep(Duration::from_millis(10)).await;
            worst = worst.max(asleep.elapsed());
        }
        worst
    });
    let worst = ticker.await.unwrap();
    tokio::time::sleep_until(held + hold).await;
    // A poll just before the hold began may be the one whose write waited through it.
    let waited_on = held - Duration::from_millis(100)..held + hold;
    let polls = provider.polls();
    assert!(
        polls.iter().any(|p| waited_on.contains(p)),
        "the tracker never got to write while the store was held"
    );
    assert!(
        worst < Duration::from_millis(600),
        "a tick came {worst:?} late"
    );
    let job = bench.store.job(job).unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Running, "{job:?}");
}
