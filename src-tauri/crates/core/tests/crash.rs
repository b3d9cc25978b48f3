//! Crash safety: the core runs in a child process with jobs in flight against a stand-in
//! ImagineAPI, is killed with SIGKILL at random points, and is started again. In the end every
//! job the service received must be done with all its files whole, nothing may have been sent
//! twice (a job the service never saw is sent again by the engine, or at worst failed saying
//! nothing was charged), no stray file may be left in the library, and `PRAGMA
//! integrity_check` must say "ok".
//!
//! The child is this very test binary running [`crash_child`] with `ATELIER_CRASH_CHILD_*`
//! variables set; without them that test does nothing, so it is harmless in ordinary runs.
//! The stand-in runs in the parent, so it outlives every kill and sees every submission.
//!
//! `ATELIER_CRASH_TRIALS` (default 20) sets the number of kills; `ATELIER_CRASH_SEED` replays
//! a run (the seed is printed). When a check fails, the library and each child's output are
//! kept and their folder is named in the failure.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use atelier_core::app::NewAccount;
use atelier_core::jobs::{EngineConfig, Job, JobSink, JobStatus, Slot};
use atelier_core::library::LibraryQuery;
use atelier_core::media::small_of;
use atelier_core::providers::ProviderKind;
use atelier_core::secrets::MemoryStore;
use atelier_core::store::Store;
use atelier_core::Atelier;
use atelier_standin::ImagineApiConfig;

const ENV_DIR: &str = "ATELIER_CRASH_CHILD_DIR";
const ENV_URL: &str = "ATELIER_CRASH_CHILD_URL";
const ENV_SUBMIT: &str = "ATELIER_CRASH_CHILD_SUBMIT";
const ENV_TRIAL: &str = "ATELIER_CRASH_CHILD_TRIAL";
const ENV_SEED: &str = "ATELIER_CRASH_CHILD_SEED";
const TOKEN: &str = "crash-token";
/// Every line the child says for the parent starts with this (libtest may put text before it).
const MARK: &str = "@crash ";
const CHILD_TEST: &str = "crash_child";

// ---------------------------------------------------------------------------------------------
// The child: open the library, resume, maybe submit, wait until nothing is in flight.

/// Runs only as the parent's child process; a no-op otherwise.
#[test]
fn crash_child() {
    let Some(dir) = std::env::var_os(ENV_DIR) else {
        return;
    };
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let url = var(ENV_URL);
    let submit: usize = var(ENV_SUBMIT).parse().unwrap_or(0);
    let trial = var(ENV_TRIAL);
    let seed: u64 = var(ENV_SEED).parse().unwrap_or(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(child(Path::new(&dir), &url, submit, &trial, seed));
}

fn say(line: &str) {
    // Stdout is line-buffered: each line reaches the parent before the next step runs.
    println!("{MARK}{line}");
}

async fn child(dir: &Path, url: &str, submit: usize, trial: &str, seed: u64) {
    let config = EngineConfig {
        poll_interval: Duration::from_millis(100),
        ..EngineConfig::default()
    };
    let sink: JobSink = Arc::new(|job: &Job| {
        say(&format!(
            "event {} {} {}",
            job.id,
            job.status.as_str(),
            job.images.len()
        ))
    });
    // Tokens live in memory here, so they are set again on every start, as a user would.
    let secrets = Arc::new(MemoryStore::default());
    let app = Atelier::open(dir, secrets, config, sink).expect("opening the library");
    let existing = app
        .accounts()
        .expect("listing accounts")
        .into_iter()
        .find(|a| a.account.provider == ProviderKind::ImagineApi);
    let account = match existing {
        Some(view) => {
            app.set_token(view.account.id, TOKEN)
                .expect("setting the token");
            view.account.id
        }
        None => {
            let new = NewAccount {
                provider: ProviderKind::ImagineApi,
                label: "Stand-in".into(),
                base_url: url.into(),
                token: TOKEN.into(),
            };
            app.add_account(&new)
                .expect("adding the account")
                .account
                .id
        }
    };
    let resumed = app.resume().expect("resuming");
    say(&format!("ready {resumed}"));

    let mut rng = Rng(seed);
    let aspects = ["1:1", "3:2", "2:3", "16:9"];
    for k in 0..submit {
        if k > 0 {
            tokio::time::sleep(Duration::from_millis(rng.below(700))).await;
        }
        let aspect = aspects[rng.below(aspects.len() as u64) as usize];
        let prompt = format!("crash trial {trial} job {k} --ar {aspect}");
        let job = app.submit(account, &prompt).await.expect("submitting");
        say(&format!("submitted {} {}", job.id, job.status.as_str()));
    }

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let unfinished: Vec<Job> = all_jobs(&app)
            .into_iter()
            .filter(|j| !j.status.is_finished())
            .collect();
        if unfinished.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "jobs stuck for 60 s: {:#?}",
            unfinished
                .iter()
                .map(|j| (j.id, j.status, j.error.clone(), j.images.len()))
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    say("idle");
    app.shutdown();
}

fn all_jobs(app: &Atelier) -> Vec<Job> {
    app.library_page(&LibraryQuery::default(), None, 1000)
        .expect("listing jobs")
        .jobs
}

// ---------------------------------------------------------------------------------------------
// The parent: a stand-in that survives every kill, many killed children, one clean run, checks.

#[test]
fn kill_nine_at_random_points() {
    let trials: usize = env_or("ATELIER_CRASH_TRIALS", 20);
    let seed: u64 = env_or(
        "ATELIER_CRASH_SEED",
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(7),
    );
    println!("crash: seed {seed} (replay with ATELIER_CRASH_SEED={seed}), {trials} trials");
    let mut rng = Rng(seed);

    // The stand-in lives on its own runtime's workers while this thread drives the children.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let config = ImagineApiConfig {
        token: TOKEN.into(),
        pending: Duration::from_millis(200),
        running: Duration::from_millis(1200),
        grid_size: 512,
        ..ImagineApiConfig::default()
    };
    let server = runtime
        .block_on(atelier_standin::ImagineApi::start(config, 0))
        .unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let logs = tmp.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let run = Runner {
        data: data.clone(),
        logs: logs.clone(),
        url: server.base_url(),
    };

    let started = Instant::now();
    let mut problems: Vec<String> = Vec::new();
    let mut kills = 0;
    let mut exited_first = 0;
    let mut landed: BTreeMap<String, usize> = BTreeMap::new();
    for trial in 0..trials {
        let trigger = Trigger::pick(&mut rng);
        let submit = 1 + rng.below(2) as usize;
        let mut child = run.spawn(&trial.to_string(), submit, rng.next());
        let outcome = child.kill_on(trigger);
        let last = child.last_event();
        let phase = last
            .as_deref()
            .and_then(|l| l.split_whitespace().nth(2))
            .unwrap_or("start")
            .to_owned();
        let last = last.unwrap_or_else(|| "no job update yet".into());
        match outcome.exited {
            Some(status) => {
                exited_first += 1;
                if !status.success() {
                    problems.push(format!(
                        "trial {trial}: the child failed on its own ({status}) before the kill; \
                         see {}",
                        child.log(&run.logs).display()
                    ));
                }
                println!("trial {trial:>3}: {trigger}, finished before the kill ({status})");
            }
            None => {
                kills += 1;
                *landed.entry(phase).or_default() += 1;
                // Half-written files are expected right after a kill; the last run must clear
                // them. Naming them here tells which kill left one that stays behind.
                let temp = temp_files(&data.join("media"));
                println!(
                    "trial {trial:>3}: {trigger}, killed at {} ms, last: {last}{}",
                    outcome.at.as_millis(),
                    if temp.is_empty() {
                        String::new()
                    } else {
                        format!("; temp files now: {}", temp.join(", "))
                    }
                );
            }
        }
        // Between kills: the file as the dead process left it must already be sound.
        if let Some(bad) = integrity(&data.join("history.sqlite3"), true) {
            problems.push(format!("after trial {trial}: integrity_check said {bad:?}"));
        }
    }

    // One last start without a kill: it must bring every job to an end by itself.
    let mut last = run.spawn("final", 0, rng.next());
    let status = last.wait(Duration::from_secs(120));
    let said_idle = last.lines.iter().any(|l| l == "idle");
    if !status.is_some_and(|s| s.success()) || !said_idle {
        problems.push(format!(
            "the final run did not finish cleanly (exit {status:?}, idle {said_idle}); see {}",
            last.log(&run.logs).display()
        ));
    }

    let received = server.received();
    let report = check(&data, &received, &mut problems);
    println!(
        "crash: seed {seed}: {trials} trials, {kills} kills ({exited_first} finished first), \
         {} jobs ({} done, {} failed unreceived), {} submissions, {} s; kills landed after: {}",
        report.jobs,
        report.done,
        report.failed,
        server.submissions(),
        started.elapsed().as_secs(),
        landed
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );

    if !problems.is_empty() {
        let kept = tmp.keep();
        panic!(
            "{} problem(s) after crashes (seed {seed}; library and child logs kept in {}):\n  {}",
            problems.len(),
            kept.display(),
            problems.join("\n  ")
        );
    }
}

struct Report {
    jobs: usize,
    done: usize,
    failed: usize,
}

/// Everything the issue asks to hold after the last run; each breach is added to `problems`.
fn check(data: &Path, received: &[(String, Option<String>)], problems: &mut Vec<String>) -> Report {
    let db = data.join("history.sqlite3");
    if let Some(bad) = integrity(&db, false) {
        problems.push(format!("final integrity_check said {bad:?}"));
    }
    let store = Store::open(&db).expect("opening the history after the last run");
    let jobs = store
        .page(&LibraryQuery::default(), None, 1000)
        .unwrap()
        .jobs;
    let media = data.join("media");

    // Nothing sent twice, nothing sent without its reference.
    let mut remote_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, reference) in received {
        match reference {
            Some(r) => remote_of.entry(r).or_default().push(id),
            None => problems.push(format!("stand-in image {id} arrived without a ref")),
        }
    }
    for (reference, ids) in &remote_of {
        if ids.len() > 1 {
            let rows: Vec<i64> = jobs
                .iter()
                .filter(|j| j.reference == *reference)
                .map(|j| j.id)
                .collect();
            problems.push(format!(
                "ref {reference} was submitted {} times (stand-in ids {ids:?}, rows {rows:?})",
                ids.len()
            ));
        }
    }

    let mut by_ref: HashMap<&str, Vec<&Job>> = HashMap::new();
    for job in &jobs {
        by_ref.entry(&job.reference).or_default().push(job);
    }
    for (reference, ids) in &remote_of {
        let rows = by_ref.get(reference).map(Vec::as_slice).unwrap_or_default();
        match rows {
            [job] => check_received(&media, job, ids[0], problems),
            _ => problems.push(format!(
                "ref {reference} reached the stand-in but has {} rows",
                rows.len()
            )),
        }
    }

    let (mut done, mut failed) = (0, 0);
    for job in &jobs {
        if remote_of.contains_key(job.reference.as_str()) {
            done += usize::from(job.status == JobStatus::Done);
            continue;
        }
        let said = job.error.as_deref().unwrap_or("");
        if job.status == JobStatus::Failed && said.contains("nothing was charged") {
            failed += 1;
        } else {
            problems.push(format!(
                "job {} ({}) never reached the stand-in yet is {} with error {:?}",
                job.id,
                job.reference,
                job.status.as_str(),
                job.error
            ));
        }
    }

    // No stray files: every file in the library belongs to an image row.
    let known: HashSet<PathBuf> = jobs
        .iter()
        .flat_map(|j| &j.images)
        .flat_map(|i| [&i.file, &i.thumb, &small_of(&i.thumb)].map(|f| media.join(f)))
        .collect();
    let mut files = Vec::new();
    walk(&media, &mut files);
    for file in files {
        if !known.contains(&file) {
            let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            let rel = file.strip_prefix(&media).unwrap_or(&file);
            problems.push(format!(
                "stray file media/{} ({size} bytes){}",
                rel.display(),
                owner(rel, &jobs)
            ));
        }
    }

    Report {
        jobs: jobs.len(),
        done,
        failed,
    }
}

/// A job the stand-in received: done, following the right remote job, five whole images.
fn check_received(media: &Path, job: &Job, remote_id: &str, problems: &mut Vec<String>) {
    let who = format!("job {} ({})", job.id, job.reference);
    if job.status != JobStatus::Done {
        problems.push(format!(
            "{who} reached the stand-in but is {} with error {:?} and {} images",
            job.status.as_str(),
            job.error,
            job.images.len()
        ));
    }
    if job.remote_id.as_deref() != Some(remote_id) {
        problems.push(format!(
            "{who} follows remote {:?}, the stand-in has it as {remote_id}",
            job.remote_id
        ));
    }
    let slots: Vec<Slot> = job.images.iter().map(|i| i.slot).collect();
    if slots != Slot::ALL {
        problems.push(format!("{who} has images {slots:?}, not grid and U1..U4"));
    }
    for img in &job.images {
        let file = media.join(&img.file);
        match image::open(&file) {
            Ok(pixels) if (pixels.width(), pixels.height()) == (img.width, img.height) => {}
            Ok(pixels) => problems.push(format!(
                "{who}: {} is {}x{}, recorded as {}x{}",
                img.file,
                pixels.width(),
                pixels.height(),
                img.width,
                img.height
            )),
            Err(e) => problems.push(format!("{who}: {} does not decode: {e}", img.file)),
        }
        let size = std::fs::metadata(&file).map(|m| m.len()).ok();
        if size.is_some_and(|s| s != img.bytes) {
            problems.push(format!(
                "{who}: {} has {size:?} bytes, recorded as {}",
                img.file, img.bytes
            ));
        }
        if let Err(e) = image::open(media.join(&img.thumb)) {
            problems.push(format!("{who}: thumbnail {} is not whole: {e}", img.thumb));
        }
    }
}

/// Says which job a stray file is about, when its path names one.
fn owner(rel: &Path, jobs: &[Job]) -> String {
    let id = rel
        .components()
        .nth(1)
        .and_then(|c| c.as_os_str().to_str())
        .and_then(|s| s.split('.').next())
        .and_then(|s| s.parse::<i64>().ok());
    match id.and_then(|id| jobs.iter().find(|j| j.id == id)) {
        Some(j) => format!(", of job {} which is {}", j.id, j.status.as_str()),
        None => String::new(),
    }
}

/// Files under `media` with a temporary name, relative to it.
fn temp_files(media: &Path) -> Vec<String> {
    let mut files = Vec::new();
    walk(media, &mut files);
    let mut temp: Vec<String> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "part" || e == "partial"))
        .filter_map(|f| f.strip_prefix(media).ok())
        .map(|f| f.display().to_string())
        .collect();
    temp.sort();
    temp
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// `None` when `PRAGMA integrity_check` says "ok", else what it said. A read-only look leaves
/// the write-ahead log as the killed process left it, for the next child to recover.
fn integrity(db: &Path, read_only: bool) -> Option<String> {
    use rusqlite::{Connection, OpenFlags};
    if !db.exists() {
        return None;
    }
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::default()
    };
    let conn = match Connection::open_with_flags(db, flags) {
        Ok(c) => c,
        Err(e) => return Some(format!("could not open: {e}")),
    };
    let said: Result<Vec<String>, _> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect());
    match said {
        Ok(rows) if rows == ["ok"] => None,
        Ok(rows) => Some(rows.join("; ")),
        Err(e) => Some(format!("could not check: {e}")),
    }
}

// ---------------------------------------------------------------------------------------------
// Running and killing children.

struct Runner {
    data: PathBuf,
    logs: PathBuf,
    url: String,
}

impl Runner {
    fn spawn(&self, name: &str, submit: usize, seed: u64) -> Running {
        let exe = std::env::current_exe().unwrap();
        let stderr = std::fs::File::create(self.logs.join(format!("{name}.stderr"))).unwrap();
        let mut child = Command::new(exe)
            .args([CHILD_TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(ENV_DIR, &self.data)
            .env(ENV_URL, &self.url)
            .env(ENV_SUBMIT, submit.to_string())
            .env(ENV_TRIAL, name)
            .env(ENV_SEED, seed.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("starting the child");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let log_path = self.logs.join(format!("{name}.out"));
        let reader = std::thread::spawn(move || {
            use std::io::Write;
            let mut log = std::fs::File::create(log_path).unwrap();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = writeln!(log, "{line}");
                if let Some((_, said)) = line.split_once(MARK) {
                    if tx.send(said.to_owned()).is_err() {
                        break;
                    }
                }
            }
        });
        Running {
            name: name.to_owned(),
            child,
            rx,
            reader: Some(reader),
            lines: Vec::new(),
            started: Instant::now(),
        }
    }
}

struct Running {
    name: String,
    child: Child,
    rx: mpsc::Receiver<String>,
    reader: Option<std::thread::JoinHandle<()>>,
    /// What the child said, in order.
    lines: Vec<String>,
    started: Instant,
}

struct Outcome {
    /// Set when the child ended on its own before it could be killed.
    exited: Option<ExitStatus>,
    /// When the kill was sent, from the start.
    at: Duration,
}

impl Running {
    /// Waits for the trigger (or at most 4 s), then sends SIGKILL.
    fn kill_on(&mut self, trigger: Trigger) -> Outcome {
        let deadline = self.started + Duration::from_secs(4);
        let fire_at = match trigger {
            Trigger::Timer(after) => Some(self.started + after),
            _ => None,
        };
        let mut fire_at = fire_at;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.finish();
                return Outcome {
                    exited: Some(status),
                    at: self.started.elapsed(),
                };
            }
            let now = Instant::now();
            if fire_at.is_some_and(|t| now >= t) || now >= deadline {
                break;
            }
            let wake = fire_at.unwrap_or(deadline).min(deadline);
            let step = wake
                .saturating_duration_since(now)
                .min(Duration::from_millis(5));
            match self.rx.recv_timeout(step) {
                Ok(line) => {
                    if fire_at.is_none() && trigger.fires_on(&line) {
                        fire_at = Some(Instant::now() + trigger.then());
                    }
                    self.lines.push(line);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(step.max(Duration::from_millis(1)))
                }
            }
        }
        let at = self.started.elapsed();
        // SIGKILL on Unix: no destructor, no flush, no shutdown runs in the child.
        let _ = self.child.kill();
        let status = self.child.wait().unwrap();
        self.finish();
        Outcome {
            // A child that exited between the last look and the kill still counts as exited.
            exited: (!killed(status)).then_some(status),
            at,
        }
    }

    /// Waits for the child to end by itself; kills it after `limit`.
    fn wait(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = self.started + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.finish();
                return Some(status);
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                self.finish();
                return None;
            }
            if let Ok(line) = self.rx.recv_timeout(Duration::from_millis(20)) {
                self.lines.push(line);
            }
        }
    }

    /// Collects everything the child said before it ended.
    fn finish(&mut self) {
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.lines.extend(self.rx.try_iter());
    }

    fn last_event(&self) -> Option<String> {
        self.lines
            .iter()
            .rev()
            .find(|l| l.starts_with("event "))
            .cloned()
    }

    fn log(&self, logs: &Path) -> PathBuf {
        logs.join(format!("{}.out", self.name))
    }
}

/// When to kill: after a random time, or just after the child reports a given step.
#[derive(Clone, Copy)]
enum Trigger {
    Timer(Duration),
    /// Right after `resume` returned.
    Ready(Duration),
    /// After the first job update with this status and at least this many images.
    Event(&'static str, usize, Duration),
}

impl Trigger {
    fn pick(rng: &mut Rng) -> Trigger {
        let then = match rng.below(3) {
            0 => Duration::ZERO,
            1 => Duration::from_micros(rng.below(5_000)),
            _ => Duration::from_millis(rng.below(60)),
        };
        match rng.below(10) {
            0..=2 => Trigger::Timer(Duration::from_millis(rng.below(2_500))),
            3 => Trigger::Ready(then),
            4 => Trigger::Event("submitting", 0, then),
            5 => Trigger::Event("queued", 0, then),
            6 => Trigger::Event("running", 0, then),
            // Downloads are where most files are written: aim there twice as often.
            7 | 8 => Trigger::Event("downloading", rng.below(6) as usize, then),
            _ => Trigger::Event("done", 0, then),
        }
    }

    fn fires_on(self, line: &str) -> bool {
        let words: Vec<&str> = line.split_whitespace().collect();
        match self {
            Trigger::Timer(_) => false,
            Trigger::Ready(_) => words.first() == Some(&"ready"),
            Trigger::Event(status, images, _) => match words.as_slice() {
                ["event", _, s, n] => *s == status && n.parse::<usize>().unwrap_or(0) >= images,
                _ => false,
            },
        }
    }

    fn then(self) -> Duration {
        match self {
            Trigger::Timer(_) => Duration::ZERO,
            Trigger::Ready(t) | Trigger::Event(_, _, t) => t,
        }
    }
}

impl std::fmt::Display for Trigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Trigger::Timer(t) => write!(f, "kill after {} ms", t.as_millis()),
            Trigger::Ready(t) => write!(f, "kill {} us after resume", t.as_micros()),
            Trigger::Event(s, 0, t) => write!(f, "kill {} us after {s}", t.as_micros()),
            Trigger::Event(s, n, t) => {
                write!(f, "kill {} us after {s} with {n} images", t.as_micros())
            }
        }
    }
}

/// SplitMix64: small, seedable, good enough to scatter kills.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[cfg(unix)]
fn killed(status: ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    status.signal() == Some(9)
}

#[cfg(not(unix))]
fn killed(status: ExitStatus) -> bool {
    !status.success()
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}
