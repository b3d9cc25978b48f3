//! Importing an account's past images from the ImagineAPI stand-in over real HTTP: what is
//! missing comes home with real files, once; a cancelled or interrupted import goes on after
//! a restart without duplicates; a server that refuses the listing says so; and the request
//! budget paces it.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use atelier_core::engine::{Job, JobStatus};
use atelier_core::import::{ImportProgress, ImportState};
use atelier_core::library::{LibraryQuery, Selection};
use atelier_core::{Atelier, ErrorCode};
use atelier_standin::{Fault, ImagineApi, ImagineApiConfig, PastImages};

use crate::harness::finished;
use crate::harness::lab::{aiclient, assert_done, imagineapi_config, imagineapi_with, Lab};

/// A stand-in whose account made `past` before it started.
async fn server(past: PastImages, hidden: bool) -> Arc<ImagineApi> {
    imagineapi_with(ImagineApiConfig {
        grid_size: 64,
        past,
        user_created_hidden: hidden,
        ..imagineapi_config()
    })
    .await
}

/// A lab whose budget does not slow the tests that are not about it.
fn quick(server: Arc<ImagineApi>) -> Lab<ImagineApi> {
    Lab::build(server)
        .engine(|c| c.requests_per_minute = 60_000)
        .open()
}

/// Waits until the account's import has stopped, one way or another.
async fn settled(app: &Atelier, account: i64) -> ImportProgress {
    until(app, account, |p| p.done).await
}

async fn until(
    app: &Atelier,
    account: i64,
    ok: impl Fn(&ImportProgress) -> bool,
) -> ImportProgress {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let imports = app.imports().unwrap();
        if let Some(p) = imports
            .into_iter()
            .find(|p| p.account_id == account && ok(p))
        {
            return p;
        }
        assert!(
            Instant::now() < deadline,
            "the import never got there: {:?}",
            app.imports()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn library(app: &Atelier) -> Vec<Job> {
    let page = app
        .library_page(&LibraryQuery::default(), None, 10_000)
        .unwrap();
    page.jobs
}

/// Every job of the library comes from a different remote image.
fn assert_no_duplicates(jobs: &[Job]) {
    let remote: HashSet<&str> = jobs.iter().filter_map(|j| j.remote_id.as_deref()).collect();
    assert_eq!(remote.len(), jobs.len(), "one job per remote image");
}

#[tokio::test]
async fn brings_home_what_the_library_lacks_once() {
    let past = PastImages {
        completed: 100,
        failed: 8,
        in_progress: 6,
        other_users: 6,
    };
    let lab = quick(server(past, false).await);
    // Two images the library already has, made through Atelier: listed first, newest.
    for prompt in ["a lighthouse", "a harbour at dusk"] {
        let job = lab.submit(prompt).await;
        assert_done(&finished(&lab.app, job.id).await);
    }

    let started = lab.app.import_past(lab.account).unwrap();
    assert_eq!(started.state, ImportState::Running);
    let p = settled(&lab.app, lab.account).await;

    assert_eq!(p.state, ImportState::Done, "{p:?}");
    assert_eq!(p.total, Some(116), "the other user's six are not listed");
    assert_eq!(
        (p.listed, p.imported, p.skipped, p.left_out, p.failed),
        (116, 100, 2, 14, 0)
    );
    assert_eq!(lab.server.past_listings(), 3, "pages of 50: 50, 50, 16");
    let jobs = library(&lab.app);
    assert_eq!(jobs.len(), 102);
    assert_no_duplicates(&jobs);
    let imported: Vec<&Job> = jobs
        .iter()
        .filter(|j| j.prompt.starts_with("past image"))
        .collect();
    assert_eq!(imported.len(), 100);
    for job in imported.iter().take(5) {
        assert_done(&finished(&lab.app, job.id).await);
        let hours_ago = (atelier_core::clock::now_ms() - job.created_at) / 3_600_000;
        assert!(hours_ago >= 1, "keeps its own date: {job:?}");
    }
    let aspects: HashSet<String> = imported
        .iter()
        .map(|j| j.prompt.rsplit(' ').next().unwrap().to_owned())
        .collect();
    assert_eq!(aspects.len(), 4, "prompts kept whole, parameters and all");
    lab.assert_media_consistent();
    // Imported jobs are announced once, finished: never counted as being made.
    let events = lab.import_events();
    assert!(events.last().unwrap().done && events.len() > 100);

    let asset_requests = lab.server.asset_requests();
    lab.app.import_past(lab.account).unwrap();
    let again = until(&lab.app, lab.account, |p| p.done && p.listed == 116).await;
    assert_eq!(
        (again.imported, again.skipped, again.left_out),
        (0, 102, 14)
    );
    assert_eq!(
        lab.server.asset_requests(),
        asset_requests,
        "nothing downloaded twice"
    );
    assert_eq!(library(&lab.app).len(), 102);
}

#[tokio::test]
async fn a_cancelled_or_interrupted_import_goes_on_after_a_restart() {
    let past = PastImages {
        completed: 45,
        failed: 10,
        ..PastImages::default()
    };
    // Slow enough to stop it midway: ten requests a second.
    let lab = Lab::build(server(past, false).await)
        .engine(|c| {
            c.requests_per_minute = 600;
            c.burst = 5;
        })
        .open();

    lab.app.import_past(lab.account).unwrap();
    until(&lab.app, lab.account, |p| p.imported >= 3).await;
    assert!(lab.app.cancel_import(lab.account));
    let cancelled = settled(&lab.app, lab.account).await;
    assert_eq!(cancelled.state, ImportState::Cancelled);
    assert!(cancelled.imported < 45, "{cancelled:?}");

    let mut lab = lab.reopen().await;
    lab.app.resume().unwrap();
    let kept = lab.app.imports().unwrap();
    assert_eq!(
        kept[0].state,
        ImportState::Cancelled,
        "a cancel is not undone by a restart"
    );
    assert_eq!(kept[0].imported, cancelled.imported);

    // Started again: it continues, and is then interrupted by a restart.
    let resumed = lab.app.import_past(lab.account).unwrap();
    assert_eq!(
        resumed.imported, cancelled.imported,
        "continues where it stopped"
    );
    until(&lab.app, lab.account, |p| {
        p.imported >= cancelled.imported + 3
    })
    .await;
    lab = lab.reopen().await;
    let interrupted = lab.app.imports().unwrap().remove(0);
    assert_eq!(interrupted.state, ImportState::Running);
    lab.app.resume().unwrap();
    let p = settled(&lab.app, lab.account).await;

    assert_eq!(p.state, ImportState::Done, "{p:?}");
    assert_eq!(p.listed, 55, "every image looked at once");
    assert_eq!(p.left_out, 10);
    // The image on its way when the app closed is finished by the engine, and counted as
    // already here when the import looks at it again.
    assert!(
        (44..=45).contains(&p.imported) && p.imported + p.skipped == 45,
        "{p:?}"
    );
    let jobs = library(&lab.app);
    assert_eq!(jobs.len(), 45);
    assert_no_duplicates(&jobs);
    for job in &jobs {
        assert_done(&finished(&lab.app, job.id).await);
    }
    lab.assert_media_consistent();
}

#[tokio::test]
async fn a_server_that_refuses_the_listing_gets_a_clear_sentence() {
    let lab = quick(
        server(
            PastImages {
                completed: 5,
                ..PastImages::default()
            },
            true,
        )
        .await,
    );
    lab.app.import_past(lab.account).unwrap();
    let p = settled(&lab.app, lab.account).await;
    assert_eq!(p.state, ImportState::Unavailable);
    assert!(
        p.message.contains("cannot be imported from this server"),
        "{}",
        p.message
    );
    assert_eq!((p.imported, p.listed), (0, 0));
    assert!(library(&lab.app).is_empty());
    assert_eq!(lab.server.past_listings(), 1, "a refusal is not retried");
    assert_eq!(lab.server.asset_requests(), 0);

    // A service with no such listing is refused at once, with a code the window reads.
    let other = Lab::open(aiclient().await);
    let view = other.app.accounts().unwrap();
    assert!(view.iter().all(|a| !a.capabilities.import_past));
    let err = other.app.import_past(other.account).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ImportUnavailable);
    assert!(lab
        .app
        .accounts()
        .unwrap()
        .iter()
        .any(|a| a.capabilities.import_past));
}

#[tokio::test]
async fn a_server_that_ignores_the_page_asked_for_is_not_listed_forever() {
    let server = imagineapi_with(ImagineApiConfig {
        grid_size: 64,
        past: PastImages {
            completed: 60,
            ..PastImages::default()
        },
        page_ignored: true,
        ..imagineapi_config()
    })
    .await;
    let lab = quick(server);
    lab.app.import_past(lab.account).unwrap();
    let p = settled(&lab.app, lab.account).await;

    assert_eq!(p.state, ImportState::Done, "{p:?}");
    assert_eq!(
        p.message,
        "The server sent the same page again, so the import stopped after 50 images."
    );
    assert_eq!((p.listed, p.imported, p.total), (50, 50, Some(60)));
    assert_eq!(
        lab.server.past_listings(),
        2,
        "the first page, then the same again"
    );
    let jobs = library(&lab.app);
    assert_eq!(jobs.len(), 50);
    assert_no_duplicates(&jobs);
}

#[tokio::test]
async fn the_request_budget_paces_an_import() {
    let lab = Lab::build(
        server(
            PastImages {
                completed: 6,
                ..PastImages::default()
            },
            false,
        )
        .await,
    )
    .engine(|c| {
        c.requests_per_minute = 600;
        c.burst = 2;
    })
    .open();
    let before = lab.server.requests();
    let t0 = Instant::now();
    lab.app.import_past(lab.account).unwrap();
    let p = settled(&lab.app, lab.account).await;
    let took = t0.elapsed();

    assert_eq!((p.state, p.imported), (ImportState::Done, 6));
    let requests = lab.server.requests() - before;
    assert_eq!(requests, 1 + 6 * 5, "one listing and five images each");
    // Two at once, then ten a second.
    let least = Duration::from_secs_f64((requests - 2) as f64 / 10.0);
    assert!(
        took >= least.mul_f64(0.95),
        "{requests} requests in {took:?}"
    );
    let statuses: Vec<JobStatus> = library(&lab.app).iter().map(|j| j.status).collect();
    assert!(
        statuses.iter().all(|s| *s == JobStatus::Done),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn an_import_and_the_accounts_live_jobs_share_one_budget() {
    let server = imagineapi_with(ImagineApiConfig {
        grid_size: 64,
        // The live job renders for the whole import, polled as often as it may be.
        running: Duration::from_secs(30),
        past: PastImages {
            completed: 6,
            ..PastImages::default()
        },
        ..imagineapi_config()
    })
    .await;
    let lab = Lab::build(server)
        .engine(|c| {
            c.requests_per_minute = 600;
            c.burst = 4;
            c.poll_interval = Duration::from_millis(200);
        })
        .open();
    let live = lab.submit("a lighthouse").await;
    // The submission spent from the budget too; start from a settled bucket.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = lab.server.requests();
    let t0 = Instant::now();
    lab.app.import_past(lab.account).unwrap();
    let p = settled(&lab.app, lab.account).await;
    let took = t0.elapsed();
    let requests = lab.server.requests() - before;

    assert_eq!((p.state, p.imported), (ImportState::Done, 6));
    // Ten a second for both together, and the burst: apart, the polls' five a second would
    // come on top of the import's ten.
    let most = 4.0 + 10.0 * took.as_secs_f64();
    assert!(
        requests as f64 <= most * 1.05 + 1.0,
        "{requests} requests in {took:?}"
    );
    let polls = requests - (1 + 6 * 5);
    assert!(polls >= 5, "the live job was polled meanwhile: {polls}");
    let job = lab.app.job(live.id).unwrap().unwrap();
    assert!(!job.status.is_finished(), "{job:?}");
}

#[tokio::test]
async fn a_deleted_import_does_not_come_back_until_undone() {
    let past = PastImages {
        completed: 3,
        ..PastImages::default()
    };
    let lab = quick(server(past, false).await);
    lab.app.import_past(lab.account).unwrap();
    assert_eq!(settled(&lab.app, lab.account).await.imported, 3);
    let gone = library(&lab.app).remove(0);
    let deletion = lab
        .app
        .delete(&Selection::Jobs { ids: vec![gone.id] })
        .unwrap();

    lab.app.import_past(lab.account).unwrap();
    let again = until(&lab.app, lab.account, |p| p.done && p.listed == 3).await;
    assert_eq!((again.imported, again.skipped), (0, 3), "{again:?}");
    let jobs = library(&lab.app);
    assert_eq!(jobs.len(), 2);
    assert!(jobs.iter().all(|j| j.remote_id != gone.remote_id));

    // Undo puts it back, and an import then finds it here, as any other.
    lab.app.undo_deletion(deletion.receipt).unwrap();
    lab.app.import_past(lab.account).unwrap();
    let third = until(&lab.app, lab.account, |p| p.done && p.listed == 3).await;
    assert_eq!((third.imported, third.skipped), (0, 3));
    assert_eq!(library(&lab.app).len(), 3);
    lab.assert_media_consistent();
}

#[tokio::test]
async fn an_import_never_holds_the_last_download_slot() {
    let server = imagineapi_with(ImagineApiConfig {
        grid_size: 64,
        past: PastImages {
            completed: 1,
            ..PastImages::default()
        },
        ..imagineapi_config()
    })
    .await;
    // Every picture of the past image takes far longer than the live job may wait.
    for path in server.past_asset_paths() {
        server.push_fault(Fault::new(path, 200, 1).with_delay_ms(30_000));
    }
    let lab = Lab::build(server)
        .engine(|c| {
            c.requests_per_minute = 60_000;
            c.parallel_downloads = 2;
        })
        .open();
    lab.app.import_past(lab.account).unwrap();
    let t0 = Instant::now();
    let live = lab.submit("a lighthouse").await;

    let job = finished(&lab.app, live.id).await;
    assert_done(&job);
    assert!(
        t0.elapsed() < Duration::from_secs(20),
        "the live job waited {:?} for a slot",
        t0.elapsed()
    );
    let import = lab.app.imports().unwrap().remove(0);
    assert!(!import.done, "the import was still downloading: {import:?}");
}

#[tokio::test]
async fn a_deleted_jobs_import_download_does_not_bring_its_folder_back() {
    let server = server(
        PastImages {
            completed: 1,
            ..PastImages::default()
        },
        false,
    )
    .await;
    for path in server.past_asset_paths() {
        server.push_fault(Fault::new(path, 200, 1).with_delay_ms(1_500));
    }
    let lab = quick(server);
    lab.app.import_past(lab.account).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let job = loop {
        if let Some(job) = library(&lab.app).pop() {
            break job;
        }
        assert!(
            Instant::now() < deadline,
            "the import never recorded its job"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    lab.app
        .delete(&Selection::Jobs { ids: vec![job.id] })
        .unwrap();

    let p = settled(&lab.app, lab.account).await;
    // Past the pictures' delay: had the downloads gone on, they would have landed by now.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let folder = lab.media().join(format!("jobs/{}", job.id));
    assert!(
        !folder.exists(),
        "the deleted job's folder came back: {p:?}"
    );
    assert!(library(&lab.app).is_empty());
}

#[tokio::test]
async fn job_folders_without_a_job_are_swept_at_start() {
    let lab = quick(server(PastImages::default(), false).await);
    let kept = lab.submit("a lighthouse").await;
    assert_done(&finished(&lab.app, kept.id).await);
    let jobs = lab.media().join("jobs");
    for name in ["424242", "notes", "0424"] {
        std::fs::create_dir_all(jobs.join(name)).unwrap();
        std::fs::write(jobs.join(name).join("grid.png"), b"left behind").unwrap();
    }

    let lab = lab.reopen().await;

    assert!(!jobs.join("424242").exists(), "the orphan is swept");
    for other in ["notes", "0424"] {
        assert!(
            jobs.join(other).exists(),
            "{other} is not a job's folder: left alone"
        );
        std::fs::remove_dir_all(jobs.join(other)).unwrap();
    }
    assert!(jobs.join(kept.id.to_string()).exists());
    lab.assert_media_consistent();
}
