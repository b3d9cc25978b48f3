//! Crash safety: the core runs in a child process with jobs in flight against a stand-in
//! ImagineAPI, is killed with SIGKILL at random points, and is started again. In the end every
//! job the service received must be done with all its files whole, nothing may have been sent
//! twice (a job the service never saw is sent again by the engine, or at worst failed saying
//! nothing was charged), no stray file may be left in the library, and `PRAGMA
//! integrity_check` must say "ok".
//!
//! The children also delete jobs and single images while others are in flight, and sometimes
//! undo that at once; some kills land in the middle. A received job may then have no row, but
//! only if its deletion was announced; every row left has its files, no deletion is left
//! half done in the journal, and what was deleted is in the trash (each child's `XDG_DATA_HOME`
//! points at a folder of the run, so the machine's own trash is never touched).
//!
//! The child is this very test binary running [`crash_child`] with `ATELIER_CRASH_CHILD_*`
//! variables set; without them that test does nothing, so it is harmless in ordinary runs.
//! The stand-in runs in the parent, so it outlives every kill and sees every submission.
//!
//! `ATELIER_CRASH_TRIALS` (default 20) sets the number of kills; `ATELIER_CRASH_SEED` replays
//! a run (the seed is printed). When a check fails, the library and each child's output are
//! kept and their folder is named in the failure.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use atelier_core::app::NewAccount;
use atelier_core::jobs::{EngineConfig, Job, JobSink, JobStatus, Slot};
use atelier_core::library::{LibraryQuery, Selection};
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
/// The deletions to make, in order: `d` deletes, `u` deletes and undoes at once.
const ENV_DELETE: &str = "ATELIER_CRASH_CHILD_DELETE";
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
    let plan = var(ENV_DELETE);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(child(Path::new(&dir), &url, submit, &trial, seed, &plan));
}

fn say(line: &str) {
    // Stdout is line-buffered: each line reaches the parent before the next step runs.
    println!("{MARK}{line}");
}

async fn child(dir: &Path, url: &str, submit: usize, trial: &str, seed: u64, plan: &str) {
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
                allow_unencrypted: false,
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
    resume_stopped(&app);

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

    // Deletions come at random moments while jobs are in flight, and on done jobs once none
    // are: the plan is carried out whole, so a kill waiting for one of its lines is not idle.
    let mut plan: VecDeque<bool> = plan.chars().map(|c| c == 'u').collect();
    let mut next_deletion = Instant::now() + Duration::from_millis(rng.below(1200));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let unfinished: Vec<Job> = all_jobs(&app)
            .into_iter()
            .filter(|j| !j.status.is_finished())
            .collect();
        if unfinished.is_empty() && plan.is_empty() {
            break;
        }
        // Downloads are over quickly: one seen may bring the next deletion forward.
        let downloading = unfinished
            .iter()
            .any(|j| j.status == JobStatus::Downloading);
        let due = Instant::now() >= next_deletion || (downloading && rng.below(2) == 0);
        if let Some(&undo) = plan.front().filter(|_| due) {
            // Nothing to delete yet (every job still being sent) waits for the next look.
            if delete_some(&app, &mut rng, undo) || unfinished.is_empty() {
                plan.pop_front();
            }
            resume_stopped(&app);
            next_deletion = Instant::now() + Duration::from_millis(rng.below(800));
        }
        assert!(
            Instant::now() < deadline,
            "jobs stuck for 60 s: {:#?}",
            unfinished
                .iter()
                .map(|j| (j.id, j.status, j.error.clone(), j.images.len()))
                .collect::<Vec<_>>()
        );
        let look = if plan.is_empty() { 50 } else { 10 };
        tokio::time::sleep(Duration::from_millis(look)).await;
    }
    say("idle");
    app.shutdown();
}

/// Deletes a job, or one or two images of one, and undoes that at once if `undo`. Says what
/// it is about to do first, so that the parent knows even if the kill comes meanwhile.
/// Returns false when there was nothing to delete.
fn delete_some(app: &Atelier, rng: &mut Rng, undo: bool) -> bool {
    // Only jobs the service has: one that comes back must be able to follow it again.
    let jobs: Vec<Job> = all_jobs(app)
        .into_iter()
        .filter(|j| j.remote_id.is_some() && j.status != JobStatus::Cancelled)
        .collect();
    let with_images: Vec<&Job> = jobs.iter().filter(|j| !j.images.is_empty()).collect();
    let selection = if !with_images.is_empty() && rng.below(3) == 0 {
        let job = pick(rng, &with_images);
        let take = (1 + rng.below(2) as usize).min(job.images.len());
        let from = rng.below((job.images.len() - take + 1) as u64) as usize;
        let images = &job.images[from..from + take];
        let files: Vec<&str> = images.iter().map(|i| i.file.as_str()).collect();
        say(&format!(
            "deleting images {} {} {} {} {}",
            job.id,
            job.reference,
            job.status.as_str(),
            job.images.len(),
            files.join(" ")
        ));
        Selection::Images {
            ids: images.iter().map(|i| i.id).collect(),
        }
    } else if !jobs.is_empty() {
        let job = pick(rng, &jobs.iter().collect::<Vec<_>>());
        say(&format!(
            "deleting job {} {} {} {}",
            job.id,
            job.reference,
            job.status.as_str(),
            job.images.len()
        ));
        Selection::Jobs { ids: vec![job.id] }
    } else {
        return false;
    };
    let gone = app.delete(&selection).expect("deleting");
    say(&format!(
        "deleted {} jobs {} images, receipt {}",
        gone.jobs, gone.images, gone.receipt
    ));
    if undo {
        say(&format!("undoing {}", gone.receipt));
        app.undo_deletion(gone.receipt).expect("undoing a deletion");
        say(&format!("undone {}", gone.receipt));
    }
    true
}

/// A job at random: half the time one in flight (downloading first), if any; else any, so
/// that done ones (with a folder to trash) go too.
fn pick<'a>(rng: &mut Rng, jobs: &[&'a Job]) -> &'a Job {
    let status = |s: JobStatus| jobs.iter().copied().filter(move |j| j.status == s);
    let mut in_flight: Vec<&Job> = status(JobStatus::Downloading).collect();
    if in_flight.is_empty() {
        in_flight = jobs
            .iter()
            .copied()
            .filter(|j| !j.status.is_finished())
            .collect();
    }
    let pool = if in_flight.is_empty() || rng.below(2) == 0 {
        jobs
    } else {
        &in_flight
    };
    pool[rng.below(pool.len() as u64) as usize]
}

/// Only deletions cancel jobs here: a job in flight is stopped first, and comes back stopped
/// if the deletion is undone (or if it only lost some images). The person then presses
/// Resume; here that is done on every start too, for when a kill came before it, so that
/// every row can end whole.
fn resume_stopped(app: &Atelier) {
    let stopped = all_jobs(app)
        .into_iter()
        .filter(|j| j.status == JobStatus::Cancelled && j.remote_id.is_some());
    for job in stopped {
        app.retry(job.id).expect("resuming a stopped job");
        say(&format!("resumed {} {}", job.id, job.reference));
    }
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
        xdg: tmp.path().join("xdg"),
        url: server.base_url(),
    };

    let started = Instant::now();
    let mut problems: Vec<String> = Vec::new();
    let mut kills = 0;
    let mut exited_first = 0;
    let mut landed: BTreeMap<String, usize> = BTreeMap::new();
    let mut announced = Announced::default();
    for trial in 0..trials {
        let trigger = Trigger::pick(&mut rng);
        let submit = 1 + rng.below(2) as usize;
        let plan = trigger.plan(&mut rng);
        let mut child = run.spawn(&trial.to_string(), submit, &plan, rng.next());
        let outcome = child.kill_on(trigger);
        announced.note(&child.lines);
        let last = child.last_event();
        let phase = child.cut_short().unwrap_or_else(|| {
            last.as_deref()
                .and_then(|l| l.split_whitespace().nth(2))
                .unwrap_or("start")
                .to_owned()
        });
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
                println!(
                    "trial {trial:>3}: {trigger}, finished before the kill ({status}){}",
                    child.deletions()
                );
            }
            None => {
                kills += 1;
                *landed.entry(phase).or_default() += 1;
                // Half-written files are expected right after a kill; the last run must clear
                // them. Naming them here tells which kill left one that stays behind.
                let temp = temp_files(&data.join("media"));
                println!(
                    "trial {trial:>3}: {trigger}, killed at {} ms, last: {last}{}{}",
                    outcome.at.as_millis(),
                    child.deletions(),
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
    let mut last = run.spawn("final", 0, "", rng.next());
    let status = last.wait(Duration::from_secs(120));
    announced.note(&last.lines);
    let said_idle = last.lines.iter().any(|l| l == "idle");
    if !status.is_some_and(|s| s.success()) || !said_idle {
        problems.push(format!(
            "the final run did not finish cleanly (exit {status:?}, idle {said_idle}); see {}",
            last.log(&run.logs).display()
        ));
    }

    let received = server.received();
    let report = check(&data, &run.xdg, &received, &announced, &mut problems);
    println!(
        "crash: seed {seed}: {trials} trials, {kills} kills ({exited_first} finished first), \
         {} jobs ({} done, {} failed unreceived), {} submissions, {} deletions begun ({} undone), \
         {} s; kills landed after: {}",
        report.jobs,
        report.done,
        report.failed,
        server.submissions(),
        announced.begun,
        announced.undone,
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
fn check(
    data: &Path,
    xdg: &Path,
    received: &[(String, Option<String>)],
    announced: &Announced,
    problems: &mut Vec<String>,
) -> Report {
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
        let thinned = announced.thinned.contains(*reference);
        match rows {
            [job] => check_received(&media, job, ids[0], thinned, problems),
            // Deleted (or all its images were), as the child said it would.
            [] if announced.may_go.contains(*reference) => {}
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

    // No row without its files, whatever became of its job.
    for job in &jobs {
        for img in &job.images {
            for file in [&img.file, &img.thumb, &small_of(&img.thumb)] {
                if !media.join(file).is_file() {
                    problems.push(format!(
                        "job {} ({}) is {} and its {:?} row names {file}, which is missing",
                        job.id,
                        job.reference,
                        job.status.as_str(),
                        img.slot
                    ));
                }
            }
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
                owner(rel, &jobs, announced)
            ));
        }
    }

    // No deletion or undo left half done: the last start finished whatever a kill cut short.
    match store.pending_trash() {
        Ok(paths) if paths.is_empty() => {}
        Ok(paths) => problems.push(format!("pending_trash still lists {paths:?}")),
        Err(e) => problems.push(format!("pending_trash could not be read: {e}")),
    }
    check_trash(&media, xdg, &jobs, announced, problems);

    Report {
        jobs: jobs.len(),
        done,
        failed,
    }
}

/// What was deleted for good went to the trash, not just away: an announced path whose rows
/// are gone must be in the trash, or a folder above it must. Only jobs announced with images
/// are looked for, as one deleted before any arrived may never have had a folder.
fn check_trash(
    media: &Path,
    xdg: &Path,
    jobs: &[Job],
    announced: &Announced,
    problems: &mut Vec<String>,
) {
    let trashed = in_trash(&xdg.join("Trash/info"), media);
    let refs: HashSet<&str> = jobs.iter().map(|j| j.reference.as_str()).collect();
    let files: HashSet<&str> = jobs
        .iter()
        .flat_map(|j| &j.images)
        .map(|i| i.file.as_str())
        .collect();
    for gone in &announced.gone {
        // Otherwise the kill came before the rows went, or the deletion was undone (or, for a
        // single image, fetched again when its job was resumed).
        let stands = if gone.whole_job {
            !refs.contains(gone.reference.as_str())
        } else {
            !files.contains(gone.path.as_str())
        };
        if stands
            && !Path::new(&gone.path)
                .ancestors()
                .any(|p| trashed.contains(p))
        {
            problems.push(format!(
                "media/{} of {} was deleted but is not in the trash{}",
                gone.path,
                gone.reference,
                if media.join(&gone.path).exists() {
                    " (it is still in the library)"
                } else {
                    ""
                }
            ));
        }
    }
}

/// The original paths of what the trash holds from `media`, relative to it.
fn in_trash(info: &Path, media: &Path) -> HashSet<PathBuf> {
    // The trash may name the library by its canonical path.
    let roots = [
        media.to_path_buf(),
        media.canonicalize().unwrap_or_default(),
    ];
    let mut out = HashSet::new();
    for entry in std::fs::read_dir(info).into_iter().flatten().flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        // `Path=` is percent-encoded; a file URL decodes it.
        let path = text
            .lines()
            .find_map(|l| l.strip_prefix("Path="))
            .and_then(|p| url::Url::parse(&format!("file://{p}")).ok())
            .and_then(|u| u.to_file_path().ok());
        let Some(path) = path else { continue };
        if let Some(rel) = roots.iter().find_map(|r| path.strip_prefix(r).ok()) {
            out.insert(rel.to_path_buf());
        }
    }
    out
}

/// A job the stand-in received: done, following the right remote job, five whole images (or
/// fewer if some were deleted).
fn check_received(
    media: &Path,
    job: &Job,
    remote_id: &str,
    thinned: bool,
    problems: &mut Vec<String>,
) {
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
    if slots != Slot::ALL && !thinned {
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
fn owner(rel: &Path, jobs: &[Job], announced: &Announced) -> String {
    let id = rel
        .components()
        .nth(1)
        .and_then(|c| c.as_os_str().to_str())
        .and_then(|s| s.split('.').next())
        .and_then(|s| s.parse::<i64>().ok());
    match (id, id.and_then(|id| jobs.iter().find(|j| j.id == id))) {
        (_, Some(j)) => format!(", of job {} which is {}", j.id, j.status.as_str()),
        (Some(id), None) if announced.ids.contains(&id) => {
            format!(", of job {id} whose deletion was announced")
        }
        _ => String::new(),
    }
}

/// What the children said they deleted, for the checks that must allow for it.
#[derive(Default)]
struct Announced {
    /// Jobs (by ref) that may have no row: their deletion, or that of all their images, was
    /// announced. It went through unless the kill came first or it was undone.
    may_go: HashSet<String>,
    /// Jobs that lost single images: fewer than five is then right.
    thinned: HashSet<String>,
    /// Library paths announced as deleted, to look for in the trash.
    gone: Vec<Gone>,
    /// Job ids whose deletion was announced, to name in a stray file's report.
    ids: HashSet<i64>,
    begun: usize,
    undone: usize,
}

struct Gone {
    reference: String,
    path: String,
    /// The job's folder: the deletion stands if the job has no row.
    whole_job: bool,
}

impl Announced {
    fn note(&mut self, lines: &[String]) {
        for line in lines {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["deleting", "job", id, reference, _, images] => {
                    self.begun += 1;
                    self.may_go.insert(reference.to_string());
                    self.ids.extend(id.parse::<i64>());
                    // A job without images may never have had a folder.
                    if images.parse::<usize>().unwrap_or(0) > 0 {
                        self.gone.push(Gone {
                            reference: reference.to_string(),
                            path: format!("jobs/{id}"),
                            whole_job: true,
                        });
                    }
                }
                ["deleting", "images", id, reference, _, had, files @ ..] => {
                    self.begun += 1;
                    self.thinned.insert(reference.to_string());
                    // All it had: the job goes with them.
                    if had.parse::<usize>() == Ok(files.len()) {
                        self.may_go.insert(reference.to_string());
                        self.ids.extend(id.parse::<i64>());
                    }
                    self.gone.extend(files.iter().map(|file| Gone {
                        reference: reference.to_string(),
                        path: file.to_string(),
                        whole_job: false,
                    }));
                }
                ["undone", ..] => self.undone += 1,
                _ => {}
            }
        }
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
    /// The children's `XDG_DATA_HOME`: their trash is `Trash` in it.
    xdg: PathBuf,
    url: String,
}

impl Runner {
    fn spawn(&self, name: &str, submit: usize, plan: &str, seed: u64) -> Running {
        let exe = std::env::current_exe().unwrap();
        let stderr = std::fs::File::create(self.logs.join(format!("{name}.stderr"))).unwrap();
        let mut child = Command::new(exe)
            .args([CHILD_TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(ENV_DIR, &self.data)
            .env(ENV_URL, &self.url)
            .env(ENV_SUBMIT, submit.to_string())
            .env(ENV_TRIAL, name)
            .env(ENV_SEED, seed.to_string())
            .env(ENV_DELETE, plan)
            .env("XDG_DATA_HOME", &self.xdg)
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

    /// "deleting" or "undoing" when the kill came before the child said it was done with it.
    fn cut_short(&self) -> Option<String> {
        let last = self.lines.last()?.split_whitespace().next()?;
        matches!(last, "deleting" | "undoing").then(|| last.to_owned())
    }

    /// What the child deleted, for the trial's line.
    fn deletions(&self) -> String {
        let mut said: Vec<String> = Vec::new();
        for line in &self.lines {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["deleting", "job", id, _, status, n] => {
                    said.push(format!("job {id} ({status}, {n} images)"))
                }
                ["deleting", "images", id, _, status, _, files @ ..] => {
                    said.push(format!("{} images of job {id} ({status})", files.len()))
                }
                ["undone", ..] => {
                    if let Some(last) = said.last_mut() {
                        last.push_str(" undone");
                    }
                }
                _ => {}
            }
        }
        if said.is_empty() {
            String::new()
        } else {
            format!("; deleted {}", said.join(", "))
        }
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
    /// After the first line that starts with this word ("deleting", "undoing").
    Said(&'static str, Duration),
}

impl Trigger {
    fn pick(rng: &mut Rng) -> Trigger {
        let then = match rng.below(3) {
            0 => Duration::ZERO,
            1 => Duration::from_micros(rng.below(5_000)),
            _ => Duration::from_millis(rng.below(60)),
        };
        match rng.below(13) {
            0..=2 => Trigger::Timer(Duration::from_millis(rng.below(2_500))),
            3 => Trigger::Ready(then),
            4 => Trigger::Event("submitting", 0, then),
            5 => Trigger::Event("queued", 0, then),
            6 => Trigger::Event("running", 0, then),
            // Downloads are where most files are written: aim there twice as often.
            7 | 8 => Trigger::Event("downloading", rng.below(6) as usize, then),
            9 => Trigger::Event("done", 0, then),
            // In the middle of a deletion, between its rows and its files, or of an undo.
            10 | 11 => Trigger::Said("deleting", then),
            _ => Trigger::Said("undoing", then),
        }
    }

    /// The deletions the child makes (see `ENV_DELETE`): none to two, a third of them undone
    /// at once, and always the one the trigger waits for.
    fn plan(self, rng: &mut Rng) -> String {
        let mut plan: String = (0..rng.below(3))
            .map(|_| if rng.below(3) == 0 { 'u' } else { 'd' })
            .collect();
        match self {
            Trigger::Said("undoing", _) => plan.insert(0, 'u'),
            Trigger::Said(..) if plan.is_empty() => plan.push('d'),
            _ => {}
        }
        plan
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
            Trigger::Said(word, _) => words.first() == Some(&word),
        }
    }

    fn then(self) -> Duration {
        match self {
            Trigger::Timer(_) => Duration::ZERO,
            Trigger::Ready(t) | Trigger::Event(_, _, t) | Trigger::Said(_, t) => t,
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
            Trigger::Said(w, t) => write!(f, "kill {} us after {w}", t.as_micros()),
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
