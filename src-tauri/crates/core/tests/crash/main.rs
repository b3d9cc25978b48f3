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
//! The child is this very test binary running the ignored test [`crash_child`] (`--ignored
//! --exact`) with `ATELIER_CRASH_CHILD_*` variables set: ordinary runs skip it, and run
//! without them it fails saying so, rather than passing having tested nothing.
//! The stand-in runs in the parent, so it outlives every kill and sees every submission.
//!
//! `ATELIER_CRASH_TRIALS` (default 20) sets the number of kills; `ATELIER_CRASH_SEED` replays
//! a run (the seed is printed). When a check fails, the library and each child's output are
//! kept and their folder is named in the failure.
//!
//! `actions.rs` does the same, smaller, around a Midjourney action sent to a midjourney-proxy
//! stand-in: sent at most once, never again after a kill.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use atelier_core::app::NewAccount;
use atelier_core::engine::{EngineConfig, Job, JobSink, JobStatus, Slot};
use atelier_core::library::{LibraryQuery, Selection};
use atelier_core::media::small_of;
use atelier_core::providers::ProviderKind;
use atelier_core::secrets::MemoryStore;
use atelier_core::store::Store;
use atelier_core::Atelier;
use atelier_standin::ImagineApiConfig;

mod actions;
mod checks;
mod child;
mod runner;
mod trigger;

use checks::*;
use child::*;
use runner::*;
use trigger::*;

pub(crate) const ENV_DIR: &str = "ATELIER_CRASH_CHILD_DIR";
pub(crate) const ENV_URL: &str = "ATELIER_CRASH_CHILD_URL";
pub(crate) const ENV_SUBMIT: &str = "ATELIER_CRASH_CHILD_SUBMIT";
pub(crate) const ENV_TRIAL: &str = "ATELIER_CRASH_CHILD_TRIAL";
pub(crate) const ENV_SEED: &str = "ATELIER_CRASH_CHILD_SEED";
/// The deletions to make, in order: `d` deletes, `u` deletes and undoes at once.
pub(crate) const ENV_DELETE: &str = "ATELIER_CRASH_CHILD_DELETE";
pub(crate) const TOKEN: &str = "crash-token";
/// Every line the child says for the parent starts with this (libtest may put text before it).
pub(crate) const MARK: &str = "@crash ";
pub(crate) const CHILD_TEST: &str = "crash_child";

/// The child (see `child.rs`): open the library, resume, maybe submit, wait until nothing is
/// in flight. Runs only as the parent's child process.
#[test]
#[ignore = "the crash test's child process: kill_nine_at_random_points runs it"]
fn crash_child() {
    let dir = std::env::var_os(ENV_DIR).unwrap_or_else(|| {
        panic!("{CHILD_TEST} runs only as kill_nine_at_random_points's child (it sets {ENV_DIR})")
    });
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

/// The parent: a stand-in that survives every kill, many killed children, one clean run,
/// checks.
#[test]
fn kill_nine_at_random_points() {
    let trials: usize = env_or("ATELIER_CRASH_TRIALS", 20);
    let seed = seed();
    println!("crash: seed {seed} (replay with ATELIER_CRASH_SEED={seed}), {trials} trials");
    let mut rng = Rng(seed);

    let runtime = standin_runtime();
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
        test: CHILD_TEST,
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
