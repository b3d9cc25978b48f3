//! Actions, Describes and Blends against a scripted midjourney-proxy, on tokio's paused
//! clock: what each answer makes of the job, and that nothing is ever sent twice.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;
use url::Url;

use super::{ActionRequest, Answer, Engine, EngineConfig, Job, JobStatus, MadeFrom};
use crate::job::Slot;
use crate::media::MediaLibrary;
use crate::providers::{
    ActionButton, ActionKind, Asset, BlendShape, Health, ImageData, Outputs, Provider,
    ProviderError, ProviderKind, RemoteJob, RemoteState, Sent,
};
use crate::store::Store;

/// A scripted service: each kind of request gets the next of its answers; what it was asked
/// is logged in order.
#[derive(Default)]
struct Proxy {
    acts: Mutex<VecDeque<Result<Sent, ProviderError>>>,
    confirms: Mutex<VecDeque<Result<RemoteJob, ProviderError>>>,
    /// The answers to polls, in order; "queued" for ever once used up.
    states: Mutex<VecDeque<RemoteState>>,
    asked: Mutex<Vec<String>>,
}

impl Proxy {
    fn new() -> Arc<Self> {
        Arc::new(Proxy::default())
    }

    fn act(&self, answer: Result<Sent, ProviderError>) {
        self.acts.lock().unwrap().push_back(answer);
    }

    fn confirm(&self, answer: Result<RemoteJob, ProviderError>) {
        self.confirms.lock().unwrap().push_back(answer);
    }

    fn states(&self, states: impl IntoIterator<Item = RemoteState>) {
        self.states.lock().unwrap().extend(states);
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }

    fn log(&self, what: String) {
        self.asked.lock().unwrap().push(what);
    }
}

fn started(remote_id: &str, ahead: Option<u32>) -> RemoteJob {
    RemoteJob {
        remote_id: remote_id.into(),
        state: RemoteState::Queued,
        ahead,
    }
}

#[async_trait]
impl Provider for Proxy {
    fn kind(&self) -> ProviderKind {
        ProviderKind::MjPlus
    }

    async fn submit(&self, _: &str, _: &str) -> Result<RemoteJob, ProviderError> {
        unreachable!("actions only")
    }

    async fn poll(&self, remote_id: &str) -> Result<RemoteState, ProviderError> {
        self.log(format!("poll {remote_id}"));
        let next = self.states.lock().unwrap().pop_front();
        Ok(next.unwrap_or(RemoteState::Queued))
    }

    async fn find_by_reference(&self, _: &str) -> Result<Option<RemoteJob>, ProviderError> {
        unreachable!("an action is never looked up by reference")
    }

    async fn health(&self) -> Result<Health, ProviderError> {
        unreachable!()
    }

    async fn fetch_asset(&self, _: &Url) -> Result<Asset, ProviderError> {
        let mut out = std::io::Cursor::new(Vec::new());
        image::RgbaImage::new(4, 4)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        Ok(Asset::Memory(out.into_inner()))
    }

    async fn act(&self, remote_id: &str, custom_id: &str) -> Result<Sent, ProviderError> {
        self.log(format!("act {remote_id} {custom_id}"));
        let next = self.acts.lock().unwrap().pop_front();
        next.unwrap_or_else(|| Ok(Sent::Started(started("task-new", None))))
    }

    async fn confirm(
        &self,
        remote_id: &str,
        prompt: &str,
        mask: Option<&ImageData>,
    ) -> Result<RemoteJob, ProviderError> {
        let mask = mask.map_or("no mask", |_| "a mask");
        self.log(format!("confirm {remote_id} {prompt} ({mask})"));
        let next = self.confirms.lock().unwrap().pop_front();
        next.unwrap_or_else(|| Ok(started(remote_id, None)))
    }

    async fn describe(&self, image: &ImageData) -> Result<RemoteJob, ProviderError> {
        self.log(format!("describe {}", image.mime));
        let n = self.asked().len();
        Ok(started(&format!("task-describe-{n}"), None))
    }

    async fn blend(
        &self,
        images: &[ImageData],
        shape: BlendShape,
    ) -> Result<RemoteJob, ProviderError> {
        self.log(format!("blend {} {shape:?}", images.len()));
        Ok(started("task-blend", None))
    }
}

struct Bench {
    engine: Engine,
    store: Store,
    proxy: Arc<Proxy>,
    _media: tempfile::TempDir,
}

fn bench() -> Bench {
    let store = Store::open_in_memory().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let media = MediaLibrary::open(dir.path()).unwrap();
    let config = EngineConfig {
        poll_interval: Duration::from_secs(2),
        job_timeout: Duration::from_secs(15 * 60),
        ..EngineConfig::default()
    };
    let engine = Engine::new(store.clone(), media, config, Arc::new(|_: &Job| {}));
    Bench {
        engine,
        store,
        proxy: Proxy::new(),
        _media: dir,
    }
}

fn press(custom_id: &str, answer: Option<Answer>) -> ActionRequest {
    ActionRequest::Press {
        remote_id: "task-parent".into(),
        custom_id: custom_id.into(),
        answer,
    }
}

fn made(action: ActionKind, label: &str) -> MadeFrom {
    MadeFrom {
        prompt: "a fox --ar 3:2".into(),
        action,
        label: label.into(),
        sources: Vec::new(),
    }
}

fn done(grid: Option<&str>, buttons: Vec<ActionButton>, prompts: Vec<String>) -> RemoteState {
    RemoteState::Completed(Outputs {
        grid: grid.map(|u| Url::parse(u).unwrap()),
        buttons,
        prompts,
        ..Outputs::default()
    })
}

fn lost() -> ProviderError {
    ProviderError::Server {
        service: "midjourney-proxy",
        status: 502,
    }
}

impl Bench {
    async fn act(&self, made: MadeFrom, request: ActionRequest) -> Job {
        let account = self.store.accounts().unwrap().remove(0);
        let provider: Arc<dyn Provider> = self.proxy.clone();
        self.engine
            .act(provider, &account, made, request)
            .await
            .unwrap()
    }

    fn job(&self, id: i64) -> Job {
        self.store.job(id).unwrap().unwrap()
    }

    /// Lets simulated time pass until `until` holds for the job; panics after 10 minutes.
    async fn until(&self, id: i64, until: impl Fn(&Job) -> bool) -> Job {
        let end = Instant::now() + Duration::from_secs(600);
        loop {
            let job = self.job(id);
            if until(&job) {
                return job;
            }
            assert!(Instant::now() < end, "still {job:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn finished(&self, id: i64) -> Job {
        self.until(id, |j| j.status.is_finished()).await
    }

    fn resume(&self) -> usize {
        let provider: Arc<dyn Provider> = self.proxy.clone();
        self.engine.resume(|_| Ok(provider.clone())).unwrap()
    }
}

#[tokio::test(start_paused = true)]
async fn a_queued_action_says_how_many_are_ahead_until_it_starts_and_keeps_its_buttons() {
    let bench = bench();
    bench
        .proxy
        .act(Ok(Sent::Started(started("task-v2", Some(3)))));
    let running = RemoteState::Running {
        progress: Some(40),
        preview: None,
    };
    let next = ActionButton::new("MJ::JOB::upsample::1::h".into(), "U1".into(), String::new());
    let grid = Some("https://cdn.example/v2.png");
    bench.proxy.states([
        RemoteState::Queued,
        running,
        done(grid, vec![next.clone()], Vec::new()),
    ]);
    let job = bench
        .act(
            made(ActionKind::Variation, "V2"),
            press("MJ::JOB::variation::2::h", None),
        )
        .await;
    let ahead = "3 jobs are ahead of yours in the service's queue.";
    assert_eq!(job.status, JobStatus::Queued);
    assert_eq!(job.error.as_deref(), Some(ahead));
    assert_eq!(job.remote_id.as_deref(), Some("task-v2"));

    // Still queued after a look: the note stays. Running: it goes.
    bench
        .until(job.id, |_| bench.proxy.asked().len() == 2)
        .await;
    assert_eq!(bench.job(job.id).error.as_deref(), Some(ahead));
    let running = bench
        .until(job.id, |j| j.status == JobStatus::Running)
        .await;
    assert_eq!(running.error, None);

    let done = bench.finished(job.id).await;
    assert_eq!(done.status, JobStatus::Done, "{:?}", done.error);
    let slots: Vec<Slot> = done.images.iter().map(|i| i.slot).collect();
    assert_eq!(slots, [Slot::Grid], "its grid as sent, nothing composed");
    assert_eq!(done.buttons, [next]);
    let made = done.made.unwrap();
    assert_eq!(
        (made.action, made.label.as_str()),
        (ActionKind::Variation, "V2")
    );
    assert_eq!(
        bench.proxy.asked()[0],
        "act task-parent MJ::JOB::variation::2::h"
    );
}

#[tokio::test(start_paused = true)]
async fn an_action_that_asks_waits_for_the_prompt_is_not_resumed_and_goes_on_when_sent() {
    let bench = bench();
    bench.proxy.act(Ok(Sent::NeedsPrompt {
        remote_id: "task-modal".into(),
        suggested: Some("a fox in the snow --ar 3:2".into()),
    }));
    let job = bench
        .act(
            made(ActionKind::Variation, "V1"),
            press("MJ::JOB::variation::1::h", None),
        )
        .await;
    assert_eq!(job.status, JobStatus::AwaitingPrompt);
    assert_eq!(job.remote_id.as_deref(), Some("task-modal"));
    assert_eq!(
        job.prompt, "a fox in the snow --ar 3:2",
        "the service's suggestion"
    );
    assert!(job.error.unwrap().contains("waits for your prompt"));

    // Neither followed nor sent again after a restart.
    assert_eq!(bench.resume(), 0);
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(bench.proxy.asked().len(), 1, "{:?}", bench.proxy.asked());

    bench.proxy.states([done(
        Some("https://cdn.example/r.png"),
        Vec::new(),
        Vec::new(),
    )]);
    let answer = Answer {
        prompt: "a fox in the rain --ar 3:2".into(),
        mask: None,
    };
    let provider: Arc<dyn Provider> = bench.proxy.clone();
    let sent = bench
        .engine
        .confirm(provider, bench.job(job.id), answer)
        .await
        .unwrap();
    assert_eq!(sent.prompt, "a fox in the rain --ar 3:2");
    let done = bench.finished(job.id).await;
    assert_eq!(done.status, JobStatus::Done, "{:?}", done.error);
    assert_eq!(
        bench.proxy.asked()[1],
        "confirm task-modal a fox in the rain --ar 3:2 (no mask)"
    );
}

#[tokio::test(start_paused = true)]
async fn a_job_waiting_for_its_prompt_can_be_cancelled() {
    let bench = bench();
    bench.proxy.act(Ok(Sent::NeedsPrompt {
        remote_id: "task-modal".into(),
        suggested: None,
    }));
    let job = bench
        .act(
            made(ActionKind::CustomZoom, "Custom Zoom"),
            press("MJ::CustomZoom::h", None),
        )
        .await;
    assert_eq!(job.prompt, "a fox --ar 3:2");
    bench.engine.cancel(job.id).unwrap();
    let cancelled = bench.job(job.id);
    assert_eq!(cancelled.status, JobStatus::Cancelled);
    assert!(cancelled.error.clone().unwrap().contains("charged nothing"));
    assert_eq!(
        cancelled.remote_id, None,
        "the waiting task would never start: nothing to resume"
    );
    let provider: Arc<dyn Provider> = bench.proxy.clone();
    assert!(!bench.engine.retry(provider, &cancelled).unwrap());
}

#[tokio::test(start_paused = true)]
async fn an_answer_given_first_is_sent_as_soon_as_the_service_asks() {
    let bench = bench();
    bench.proxy.act(Ok(Sent::NeedsPrompt {
        remote_id: "task-region".into(),
        suggested: None,
    }));
    bench.proxy.confirm(Ok(started("task-region", Some(1))));
    let answer = Answer {
        prompt: "a red scarf".into(),
        mask: Some(ImageData {
            mime: "image/png",
            bytes: vec![1, 2, 3],
        }),
    };
    let mut what = made(ActionKind::VaryRegion, "Vary (Region)");
    what.prompt = "a red scarf".into();
    let job = bench
        .act(what, press("MJ::Inpaint::1::h::SOLO", Some(answer)))
        .await;
    assert_eq!(job.status, JobStatus::Queued);
    assert_eq!(
        job.error.as_deref(),
        Some("1 job is ahead of yours in the service's queue.")
    );
    assert_eq!(
        bench.proxy.asked(),
        [
            "act task-parent MJ::Inpaint::1::h::SOLO",
            "confirm task-region a red scarf (a mask)"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_lost_answer_ends_unknown_and_is_never_sent_again() {
    let bench = bench();
    bench.proxy.act(Err(lost()));
    let job = bench
        .act(
            made(ActionKind::ZoomOut, "Zoom Out 2x"),
            press("MJ::Outpaint::50::1::h::SOLO", None),
        )
        .await;
    assert_eq!(job.status, JobStatus::Unknown);
    let why = job.error.unwrap();
    assert!(why.contains("was not sent again"), "{why}");
    assert!(why.contains("this action"), "{why}");

    // The modal step's answer lost: the same.
    bench.proxy.act(Ok(Sent::NeedsPrompt {
        remote_id: "task-zoom".into(),
        suggested: None,
    }));
    bench.proxy.confirm(Err(lost()));
    let answer = Answer {
        prompt: "a fox --zoom 2".into(),
        mask: None,
    };
    let zoom = bench
        .act(
            made(ActionKind::CustomZoom, "Custom Zoom"),
            press("MJ::CustomZoom::h", Some(answer)),
        )
        .await;
    assert_eq!(zoom.status, JobStatus::Unknown);

    assert_eq!(bench.resume(), 0, "nothing left in flight");
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(bench.proxy.asked().len(), 3, "{:?}", bench.proxy.asked());
}

#[tokio::test(start_paused = true)]
async fn a_crash_while_an_action_was_on_its_way_is_never_sent_again() {
    let bench = bench();
    let account = bench.store.accounts().unwrap().remove(0);
    let made = Some((ActionKind::Variation, "V3"));
    let sources = [];
    // Recorded, then the app died before the answer: no task id.
    let pressed = bench
        .store
        .insert_job_from("r1", &account, "p", made, &sources, None)
        .unwrap();
    // The modal step was leaving (the task's id kept, still `submitting`).
    let confirming = bench
        .store
        .insert_job_from("r2", &account, "p", made, &sources, None)
        .unwrap();
    bench
        .store
        .set_remote_id(confirming.id, "task-modal")
        .unwrap();

    assert_eq!(bench.resume(), 2);
    for id in [pressed.id, confirming.id] {
        let job = bench.finished(id).await;
        assert_eq!(job.status, JobStatus::Unknown);
        assert!(job.error.unwrap().contains("was not sent again"));
    }
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert!(bench.proxy.asked().is_empty(), "{:?}", bench.proxy.asked());
}

#[tokio::test(start_paused = true)]
async fn refusals_say_nothing_was_charged() {
    let bench = bench();
    let service = "midjourney-proxy";
    let cases = [
        (ProviderError::QueueFull { service }, "queue is full"),
        (
            ProviderError::RateLimited {
                service,
                retry_after: None,
            },
            "nothing was charged: try again",
        ),
        (
            ProviderError::Banned {
                service,
                word: Some("gore".into()),
            },
            "Nothing was charged.",
        ),
    ];
    for (refusal, says) in cases {
        bench.proxy.act(Err(refusal));
        let job = bench
            .act(
                made(ActionKind::Reroll, "🔄"),
                press("MJ::JOB::reroll::0::h::SOLO", None),
            )
            .await;
        assert_eq!(job.status, JobStatus::Failed);
        let why = job.error.unwrap();
        assert!(why.contains(says), "{why}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_task_another_job_already_follows_is_not_followed_twice() {
    let bench = bench();
    bench
        .proxy
        .act(Ok(Sent::Started(started("task-same", None))));
    bench
        .proxy
        .act(Ok(Sent::Started(started("task-same", None))));
    let first = bench
        .act(
            made(ActionKind::Upscale, "U1"),
            press("MJ::JOB::upsample::1::h", None),
        )
        .await;
    let second = bench
        .act(
            made(ActionKind::Upscale, "U1"),
            press("MJ::JOB::upsample::1::h", None),
        )
        .await;
    assert_eq!(first.status, JobStatus::Queued);
    assert_eq!(second.status, JobStatus::Failed);
    assert_eq!(second.remote_id, None, "the task stays the first job's");
    let why = second.error.unwrap();
    assert!(why.contains(&format!("job #{}", first.id)), "{why}");
    tokio::time::sleep(Duration::from_secs(10)).await;
    let polls = bench
        .proxy
        .asked()
        .iter()
        .filter(|a| a.starts_with("poll"))
        .count();
    let looks = bench.proxy.asked().len() - 2;
    assert_eq!(polls, looks);
    assert!(polls >= 1);
}

#[tokio::test(start_paused = true)]
async fn a_describe_keeps_its_prompts_with_or_without_a_picture() {
    let bench = bench();
    let read = vec!["1️⃣ a fox".to_owned(), "2️⃣ a vixen".to_owned()];
    bench.proxy.states([done(None, Vec::new(), read.clone())]);
    let image = ImageData {
        mime: "image/jpeg",
        bytes: vec![0xFF, 0xD8],
    };
    let job = bench
        .act(
            made(ActionKind::Describe, "Describe"),
            ActionRequest::Describe(image.clone()),
        )
        .await;
    let done = bench.finished(job.id).await;
    assert_eq!(done.status, JobStatus::Done, "{:?}", done.error);
    assert_eq!(done.described, read);
    assert!(done.images.is_empty(), "nothing to compose a grid of");

    let url = Some("https://cdn.example/described.png");
    bench.proxy.states([done_with(url, read.clone())]);
    let pictured = bench
        .act(
            made(ActionKind::Describe, "Describe"),
            ActionRequest::Describe(image),
        )
        .await;
    let pictured = bench.finished(pictured.id).await;
    assert_eq!(pictured.status, JobStatus::Done, "{:?}", pictured.error);
    assert_eq!(pictured.images.len(), 1);
    assert_eq!(pictured.described, read);

    let blend = ActionRequest::Blend(
        vec![
            ImageData {
                mime: "image/png",
                bytes: vec![]
            };
            2
        ],
        BlendShape::Portrait,
    );
    bench.act(made(ActionKind::Blend, "Blend"), blend).await;
    let asked = bench.proxy.asked();
    assert!(
        asked.contains(&"describe image/jpeg".to_owned()),
        "{asked:?}"
    );
    assert!(asked.contains(&"blend 2 Portrait".to_owned()), "{asked:?}");
}

fn done_with(grid: Option<&str>, prompts: Vec<String>) -> RemoteState {
    done(grid, Vec::new(), prompts)
}
