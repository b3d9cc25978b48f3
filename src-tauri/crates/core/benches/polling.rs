//! Prints how soon a finished job's images are on disk, and how many requests each job costs,
//! for Atelier's engine (default settings, as users get it) against an ImagineAPI and a
//! midjourney-proxy (mj-plus) stand-in, and for the seed guide's loop against ImagineAPI
//! (check every 5 s, one job per script); each run gets a fresh server with the same
//! submissions. `cargo bench -p atelier-core --bench polling`
//!
//! The delay runs from the instant the server turns a job `completed` / `SUCCESS` (the stand-in
//! computes it from the job's creation and its phase timings) to the instant its last image is
//! on disk: for Atelier, the job reaching `Done` (images verified, thumbnails made); for the seed
//! loop, the last file written.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use atelier_core::app::ImageSize;
use atelier_core::app::NewAccount;
use atelier_core::engine::{EngineConfig, Job, JobSink, JobStatus};
use atelier_core::library::LibraryQuery;
use atelier_core::providers::ProviderKind;
use atelier_core::secrets::MemoryStore;
use atelier_core::Atelier;
use atelier_standin::{ImagineApi, ImagineApiConfig, MjPlus, MjPlusConfig};
use serde_json::{json, Value};

/// How many jobs go out; `ATELIER_BENCH_JOBS` changes it (16 by default).
fn jobs() -> usize {
    std::env::var("ATELIER_BENCH_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16)
}
/// Submissions are spread at random over this long.
const WINDOW: Duration = Duration::from_secs(20);
const SEED: u64 = 0x5EED_2026;
const TOKEN: &str = "bench-token";
/// The seed guide's `time.sleep(5)`.
const SEED_SLEEP: Duration = Duration::from_secs(5);
/// Give up on a run this long after its last submission.
const DEADLINE: Duration = Duration::from_secs(120);

const SUBJECTS: [&str; 4] = [
    "a pretty lady at the beach --ar 9:21 --chaos 40 --stylize 1000",
    "a lighthouse at dusk, oil painting --ar 16:9",
    "a red fox in fresh snow --ar 1:1",
    "koi pond in ink wash --ar 3:2",
];

/// Drawing takes 3.5 to 8.5 s (6 s on average), varying by prompt: with fixed phases a
/// per-job loop would meet every completion at the same point of its cycle, and the delays
/// would all be the same number, set by the chosen timings rather than by the client.
fn imagineapi_config() -> ImagineApiConfig {
    ImagineApiConfig {
        token: TOKEN.into(),
        pending: Duration::from_millis(1500),
        running: Duration::from_millis(3500),
        running_spread: Duration::from_secs(5),
        grid_size: 1024,
        ..ImagineApiConfig::default()
    }
}

/// midjourney-proxy with the same pending time and the ImagineAPI runs' average drawing time
/// (it has no per-prompt spread); slots and queue wide enough that every job is in flight at
/// once, as on a proxy with many Discord accounts behind it.
fn mjplus_config() -> MjPlusConfig {
    MjPlusConfig {
        secret: TOKEN.into(),
        pending: Duration::from_millis(1500),
        running: Duration::from_secs(6),
        grid_size: 1024,
        concurrency: 256,
        queue_size: 256,
        ..MjPlusConfig::default()
    }
}

/// When each prompt is sent, relative to the start of a run; sorted.
struct Plan(Vec<(Duration, String)>);

impl Plan {
    fn new() -> Plan {
        let mut rng = SplitMix(SEED);
        let mut plan: Vec<(Duration, String)> = (0..jobs())
            .map(|i| {
                let at = WINDOW.mul_f64(rng.unit());
                // Numbered so every prompt is distinct.
                (at, format!("{} #{i}", SUBJECTS[i % SUBJECTS.len()]))
            })
            .collect();
        plan.sort();
        Plan(plan)
    }
}

/// A tiny seeded generator (SplitMix64), so both runs and every rerun send the same schedule.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// What one client achieved against one server.
struct Outcome {
    name: &'static str,
    /// Server-side completion to last image on disk, one per job that got there.
    delays: Vec<Duration>,
    api: usize,
    assets: usize,
    /// Of the assets, partial previews (the mj-plus stand-in does not count them apart).
    previews: Option<usize>,
}

impl Outcome {
    fn measure(
        name: &'static str,
        server: &ImagineApi,
        finished: &HashMap<String, Instant>,
    ) -> Outcome {
        let completed_at = |id: &str| server.completed_at(id).expect("the stand-in completes it");
        Outcome {
            name,
            delays: delays(finished, completed_at),
            api: server.requests() - server.asset_requests(),
            assets: server.asset_requests(),
            previews: Some(server.preview_requests()),
        }
    }

    /// The API's requests (the submissions included) and the CDN's, which serves the pictures.
    fn measure_mjplus(
        name: &'static str,
        server: &MjPlus,
        finished: &HashMap<String, Instant>,
    ) -> Outcome {
        let completed_at = |id: &str| {
            let task = server.task(id).expect("the stand-in knows the task");
            let millis = task["finishTime"].as_u64().expect("a finished task's time");
            instant_of(UNIX_EPOCH + Duration::from_millis(millis))
        };
        Outcome {
            name,
            delays: delays(finished, completed_at),
            api: server.all_requests(),
            assets: server.cdn_requests(),
            previews: None,
        }
    }

    fn row(&self) -> String {
        let per_job = |n: usize| n as f64 / jobs() as f64;
        format!(
            "| {} | {}/{} | {:.2} s | {:.2} s | {:.1} | {:.1}{} |",
            self.name,
            self.delays.len(),
            jobs(),
            secs(percentile(&self.delays, 50)),
            secs(percentile(&self.delays, 95)),
            per_job(self.api),
            per_job(self.assets),
            self.previews
                .map(|p| format!(" ({:.1} previews)", per_job(p)))
                .unwrap_or_default(),
        )
    }
}

/// Each finished job's delay from its server-side completion, sorted.
fn delays(
    finished: &HashMap<String, Instant>,
    completed_at: impl Fn(&str) -> Instant,
) -> Vec<Duration> {
    let mut delays: Vec<Duration> = finished
        .iter()
        .map(|(id, at)| at.saturating_duration_since(completed_at(id)))
        .collect();
    delays.sort();
    delays
}

/// A wall-clock time (the proxy's `finishTime`, in ms) on the monotonic clock; read right
/// after the run, so the two clocks have not drifted apart in between.
fn instant_of(at: SystemTime) -> Instant {
    let now = (SystemTime::now(), Instant::now());
    match now.0.duration_since(at) {
        Ok(ago) => now.1 - ago,
        Err(ahead) => now.1 + ahead.duration(),
    }
}

/// Nearest rank: the smallest value with at least `p` % of the values at or below it.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let plan = Plan::new();
    let c = imagineapi_config();
    let m = mjplus_config();
    println!(
        "ImagineAPI stand-in: pending {:.1} s, running {:.1} to {:.1} s by prompt, grid {} px; \
         {} jobs sent at random over {} s (seed {SEED:#x})",
        secs(c.pending),
        secs(c.running),
        secs(c.running + c.running_spread),
        c.grid_size,
        jobs(),
        WINDOW.as_secs(),
    );
    println!(
        "mj-plus stand-in: pending {:.1} s, running {:.1} s, grid {} px, pictures from a second \
         origin (its CDN)",
        secs(m.pending),
        secs(m.running),
        m.grid_size,
    );
    let atelier = runtime.block_on(run_imagineapi(&plan));
    let mjplus = runtime.block_on(run_mjplus(&plan));
    let seed = runtime.block_on(run_seed_loop(&plan));
    println!();
    println!(
        "| client | jobs on disk | median delay | p95 delay | API requests/job | asset requests/job |"
    );
    println!("|---|---|---|---|---|---|");
    println!("{}", atelier.row());
    println!("{}", mjplus.row());
    println!("{}", seed.row());
    println!();
    println!("delay: server-side completion to every image on disk; p95 is nearest-rank");
    for outcome in [&atelier, &mjplus, &seed] {
        let all: Vec<String> = outcome
            .delays
            .iter()
            .map(|d| format!("{:.2}", secs(*d)))
            .collect();
        println!("{} delays (s): {}", outcome.name, all.join(" "));
    }
}

/// Atelier as users get it with an ImagineAPI account.
async fn run_imagineapi(plan: &Plan) -> Outcome {
    let server = ImagineApi::start(imagineapi_config(), 0)
        .await
        .expect("stand-in starts");
    let done = run_atelier(plan, ProviderKind::ImagineApi, server.base_url(), 5).await;
    Outcome::measure("Atelier engine, ImagineAPI", &server, &done)
}

/// Atelier as users get it with a midjourney-proxy account (secret in `mj-api-secret`).
async fn run_mjplus(plan: &Plan) -> Outcome {
    let server = MjPlus::start(mjplus_config(), 0)
        .await
        .expect("stand-in starts");
    let done = run_atelier(plan, ProviderKind::MjPlus, server.base_url(), 1).await;
    Outcome::measure_mjplus("Atelier engine, mj-plus", &server, &done)
}

/// Atelier as users get it: default engine settings, one account, `submit`; when each job's
/// `images` pictures were all on disk, by remote id.
async fn run_atelier(
    plan: &Plan,
    provider: ProviderKind,
    base_url: String,
    images: usize,
) -> HashMap<String, Instant> {
    let dir = tempfile::tempdir().expect("temp dir");
    let done: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let ended: Arc<Mutex<HashMap<i64, JobStatus>>> = Arc::default();
    let sink: JobSink = {
        let (done, ended) = (done.clone(), ended.clone());
        Arc::new(move |job: &Job| {
            let now = Instant::now();
            if job.status == JobStatus::Done {
                if let Some(id) = &job.remote_id {
                    done.lock().unwrap().entry(id.clone()).or_insert(now);
                }
            }
            if job.status.is_finished() {
                ended.lock().unwrap().insert(job.id, job.status);
            }
        })
    };
    let app = Atelier::open(
        dir.path(),
        Arc::new(MemoryStore::default()),
        EngineConfig::default(),
        sink,
    )
    .expect("library opens");
    let account = app
        .add_account(&NewAccount {
            allow_unencrypted: false,
            provider,
            label: "Stand-in".into(),
            base_url,
            token: TOKEN.into(),
            options: Default::default(),
        })
        .expect("account added")
        .account
        .id;

    let start = Instant::now();
    for (at, prompt) in &plan.0 {
        tokio::time::sleep_until((start + *at).into()).await;
        let job = app.submit(account, prompt).await.expect("submitted");
        assert_eq!(job.status, JobStatus::Queued, "{:?}", job.error);
    }
    let deadline = Instant::now() + DEADLINE;
    while ended.lock().unwrap().len() < jobs() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let history = app.library_page(&LibraryQuery::default(), None, 1000);
    for job in history.expect("history").jobs {
        let on_disk = |id| {
            app.image_file(id, ImageSize::Full)
                .ok()
                .flatten()
                .is_some_and(|p| p.is_file())
        };
        match job.status {
            JobStatus::Done => assert!(
                job.images.len() == images && job.images.iter().all(|i| on_disk(i.id)),
                "job {} is done without its {images} images",
                job.id
            ),
            other => eprintln!("atelier: job {} ended {other:?}: {:?}", job.id, job.error),
        }
    }
    let done = done.lock().unwrap().clone();
    app.shutdown();
    done
}

/// The seed guide's client, one script per prompt: send it, check it at once and then after
/// every `time.sleep(5)` until `completed` or `failed`, each request on a fresh connection as
/// its `send_request` opens one. The guide stops at printing the URLs; fetching the grid and then
/// the four upscales one after another, each written to disk, is the straight continuation.
async fn run_seed_loop(plan: &Plan) -> Outcome {
    let server = ImagineApi::start(imagineapi_config(), 0)
        .await
        .expect("stand-in starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("http client");
    let start = Instant::now();
    let mut scripts = tokio::task::JoinSet::new();
    for (at, prompt) in &plan.0 {
        let (http, base) = (http.clone(), server.base_url());
        let (prompt, dir) = (prompt.clone(), dir.path().to_owned());
        let at = start + *at;
        scripts.spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            seed_script(&http, &base, &prompt, &dir).await
        });
    }
    let mut done = HashMap::new();
    let deadline = tokio::time::sleep_until((start + WINDOW + DEADLINE).into());
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            joined = scripts.join_next() => match joined {
                Some(Ok(Some((id, at)))) => {
                    done.insert(id, at);
                }
                Some(Ok(None)) => eprintln!("seed loop: a job failed"),
                Some(Err(e)) => eprintln!("seed loop: a script stopped: {e}"),
                None => break,
            },
            _ = &mut deadline => {
                eprintln!("seed loop: gave up waiting");
                break;
            }
        }
    }
    Outcome::measure("seed guide loop (5 s)", &server, &done)
}

/// One run of the guide's `midjourney_api.py`; returns the job id and when its last file was
/// written, or `None` if the job failed.
async fn seed_script(
    http: &reqwest::Client,
    base: &str,
    prompt: &str,
    dir: &Path,
) -> Option<(String, Instant)> {
    let sent = send_request(
        http,
        base,
        "POST",
        "/items/images/",
        Some(json!({ "prompt": prompt })),
    )
    .await;
    let id = sent["data"]["id"].as_str().expect("an image id").to_owned();
    let image = loop {
        let reply = send_request(http, base, "GET", &format!("/items/images/{id}"), None).await;
        let status = reply["data"]["status"].as_str().unwrap_or_default();
        if status == "completed" || status == "failed" {
            break reply["data"].clone();
        }
        tokio::time::sleep(SEED_SLEEP).await;
    };
    if image["status"] == "failed" {
        return None;
    }
    let mut urls = vec![image["url"].as_str().expect("a grid url").to_owned()];
    for u in image["upscaled_urls"].as_array().expect("upscaled_urls") {
        urls.push(u.as_str().expect("an upscale url").to_owned());
    }
    for (i, url) in urls.iter().enumerate() {
        let bytes = http
            .get(url)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .expect("asset download")
            .bytes()
            .await
            .expect("asset body");
        let name = if i == 0 {
            "grid".into()
        } else {
            format!("u{i}")
        };
        tokio::fs::write(dir.join(format!("{id}-{name}.png")), &bytes)
            .await
            .expect("file written");
    }
    Some((id, Instant::now()))
}

/// The guide's `send_request`: bearer token and JSON content type on every call, JSON back.
async fn send_request(
    http: &reqwest::Client,
    base: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Value {
    let url = format!("{base}{path}");
    let req = match method {
        "POST" => http.post(url),
        _ => http.get(url),
    };
    let req = req
        .bearer_auth(TOKEN)
        .header("Content-Type", "application/json");
    let req = match body {
        Some(body) => req.body(body.to_string()),
        None => req,
    };
    let reply = req.send().await.expect("request sent");
    reply.json().await.expect("a JSON reply")
}
