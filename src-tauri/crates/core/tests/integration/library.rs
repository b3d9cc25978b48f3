//! Deleting from the library with the real system trash, and undoing it: files leave the
//! folder for the trash and come back, rows go and come back whole, a job in flight is
//! cancelled first, and a deletion a crash cut short is finished on the next start.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::harness::demo::DemoLab;
use crate::harness::lab::{imagineapi, Lab};
use crate::harness::{finished, private_trash};
use atelier_core::app::ImageSize;
use atelier_core::engine::{Job, JobStatus, Slot};
use atelier_core::library::{Filter, LibraryQuery, Selection};
use atelier_core::Atelier;

async fn made(lab: &DemoLab, prompts: &[&str]) -> Vec<Job> {
    let mut jobs = Vec::new();
    for prompt in prompts {
        let job = lab.submit(prompt).await;
        jobs.push(finished(&lab.app, job.id).await);
    }
    jobs
}

/// Everything under `dir`, relative to it.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(
                files(&path)
                    .into_iter()
                    .map(|p| Path::new(&entry.file_name()).join(p)),
            );
        } else {
            out.push(PathBuf::from(entry.file_name()));
        }
    }
    out.sort();
    out
}

/// What the trash holds that came from `media`, by original path.
fn in_trash(media: &Path) -> Vec<PathBuf> {
    let info = private_trash().join("Trash/info");
    let mut out: Vec<PathBuf> = std::fs::read_dir(info)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            let path = text.lines().find_map(|l| l.strip_prefix("Path="))?;
            let path = PathBuf::from(path.replace("%20", " "));
            path.strip_prefix(media).ok().map(Path::to_owned)
        })
        .collect();
    out.sort();
    out
}

fn listed(app: &Atelier) -> Vec<i64> {
    let page = app
        .library_page(&LibraryQuery::default(), None, 100)
        .unwrap();
    page.jobs.iter().map(|j| j.id).collect()
}

#[tokio::test]
async fn deleted_jobs_and_images_go_to_the_trash_and_undo_brings_them_back() {
    let lab = DemoLab::instant();
    let (app, media) = (&lab.app, lab.media());
    let jobs = made(&lab, &["a red fox", "a blue owl", "a green frog"]).await;
    let (fox, owl, frog) = (&jobs[0], &jobs[1], &jobs[2]);
    let fox_row = app.job(fox.id).unwrap().unwrap();
    let everything = files(&media);
    assert_eq!(
        everything.len(),
        3 * 5 * 3,
        "five pictures, each with two thumbnails"
    );

    let gone = app.delete(&Selection::Jobs { ids: vec![fox.id] }).unwrap();
    assert_eq!((gone.jobs, gone.images), (1, 5));
    assert_eq!(listed(app), [frog.id, owl.id]);
    assert!(!media.join(format!("jobs/{}", fox.id)).exists());
    assert!(in_trash(&media).contains(&PathBuf::from(format!("jobs/{}", fox.id))));
    let search = |text: &str| {
        let q = LibraryQuery {
            filter: Filter {
                search: text.into(),
                ..Filter::default()
            },
            ..LibraryQuery::default()
        };
        app.library_page(&q, None, 10).unwrap().jobs.len()
    };
    assert_eq!(search("fox"), 0);

    // Two single images of the owl: each with its thumbnails.
    let two = vec![owl.images[1].id, owl.images[3].id];
    let thinned = app.delete(&Selection::Images { ids: two }).unwrap();
    assert_eq!((thinned.jobs, thinned.images), (0, 2));
    let owl_now = app.job(owl.id).unwrap().unwrap();
    let slots: Vec<Slot> = owl_now.images.iter().map(|i| i.slot).collect();
    assert_eq!(slots, [Slot::Grid, Slot::U2, Slot::U4]);
    for name in ["u1.png", "u1.thumb.jpg", "u1.small.jpg", "u3.png"] {
        let path = PathBuf::from(format!("jobs/{}/{name}", owl.id));
        assert!(!media.join(&path).exists(), "{name} left the folder");
        assert!(in_trash(&media).contains(&path), "{name} is in the trash");
    }

    app.undo_deletion(gone.receipt).unwrap();
    assert_eq!(
        app.job(fox.id).unwrap().unwrap(),
        fox_row,
        "the row comes back as it was"
    );
    assert_eq!(search("fox"), 1);
    app.undo_deletion(thinned.receipt).unwrap();
    assert_eq!(files(&media), everything, "every file is back where it was");
    assert!(in_trash(&media).is_empty());
    assert_eq!(listed(app), [frog.id, owl.id, fox.id]);
    let again = app.undo_deletion(gone.receipt).unwrap_err().to_string();
    assert!(again.contains("can no longer be undone"), "{again}");
}

#[tokio::test]
async fn a_job_in_flight_is_cancelled_before_it_is_deleted_and_leaves_nothing() {
    let lab = DemoLab::open(Duration::from_millis(50), Duration::from_millis(700));
    let (app, media) = (&lab.app, lab.media());
    let job = lab.submit("still painting").await;
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert!(!app.job(job.id).unwrap().unwrap().status.is_finished());
    let gone = app.delete(&Selection::Jobs { ids: vec![job.id] }).unwrap();
    assert_eq!(gone.jobs, 1);
    // Long past when the Demo job would have finished and downloaded.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(app.job(job.id).unwrap().is_none());
    assert_eq!(
        files(&media),
        Vec::<PathBuf>::new(),
        "nothing landed after the deletion"
    );

    app.undo_deletion(gone.receipt).unwrap();
    let back = app.job(job.id).unwrap().unwrap();
    assert_eq!(
        back.status,
        JobStatus::Cancelled,
        "it comes back stopped: Resume picks it up"
    );
}

#[tokio::test]
async fn undo_says_so_when_the_trash_was_emptied_and_keeps_the_deletion_whole() {
    let lab = DemoLab::instant();
    let (app, media) = (&lab.app, lab.media());
    let jobs = made(&lab, &["emptied later"]).await;
    let gone = app
        .delete(&Selection::Jobs {
            ids: vec![jobs[0].id],
        })
        .unwrap();
    // The person empties the trash (of this library's files) meanwhile.
    let trash = private_trash().join("Trash");
    for entry in std::fs::read_dir(trash.join("info")).unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        if text.contains(media.to_str().unwrap()) {
            let name = entry.path().file_stem().unwrap().to_owned();
            std::fs::remove_dir_all(trash.join("files").join(name)).unwrap();
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
    let said = app.undo_deletion(gone.receipt).unwrap_err().to_string();
    assert!(said.contains("no longer in the trash"), "{said}");
    assert!(
        app.job(jobs[0].id).unwrap().is_none(),
        "no row without its files"
    );
    assert!(listed(app).is_empty());
}

#[tokio::test]
async fn a_deletion_cut_short_is_finished_when_the_library_opens() {
    let lab = DemoLab::instant();
    let media = lab.media();
    let jobs = made(&lab, &["interrupted"]).await;
    let id = jobs[0].id;
    // As a crash right after the rows went: rows deleted, paths journaled, files still in
    // the folder.
    let removed = lab
        .app
        .store()
        .remove_jobs(
            &[id],
            &atelier_core::media::MediaLibrary::open(&media).unwrap(),
        )
        .unwrap();
    assert_eq!(lab.app.store().pending_trash().unwrap(), removed.paths);
    assert!(media.join(format!("jobs/{id}")).exists());
    let lab = lab.reopen();
    assert!(
        !media.join(format!("jobs/{id}")).exists(),
        "finished on open"
    );
    assert!(in_trash(&media).contains(&PathBuf::from(format!("jobs/{id}"))));
    assert!(lab.app.store().pending_trash().unwrap().is_empty());
}

#[tokio::test]
async fn small_thumbnails_are_served_and_made_when_missing() {
    let lab = DemoLab::instant();
    let app = &lab.app;
    let jobs = made(&lab, &["small"]).await;
    let grid = &jobs[0].images[0];
    let small = app.image_file(grid.id, ImageSize::Small).unwrap().unwrap();
    std::fs::remove_file(&small).unwrap();
    let again = app.image_file(grid.id, ImageSize::Small).unwrap().unwrap();
    assert_eq!(image::open(again).unwrap().width(), 256);
}

/// The trash's copy of a library path: its file under `Trash/files`.
fn trashed_copy(media: &Path, relative: &str) -> PathBuf {
    let trash = private_trash().join("Trash");
    let wanted = format!("Path={}", media.join(relative).display());
    let info = std::fs::read_dir(trash.join("info"))
        .unwrap()
        .flatten()
        .find(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            text.lines().any(|l| l.replace("%20", " ") == wanted)
        })
        .unwrap_or_else(|| panic!("{relative} is not in the trash"));
    trash.join("files").join(info.path().file_stem().unwrap())
}

#[tokio::test]
async fn a_retry_after_deleting_an_image_fetches_only_what_failed_and_undo_still_works() {
    let lab = Lab::open(imagineapi().await);
    let (app, media) = (&lab.app, lab.media());
    let job = lab.submit("a cat [broken-image]").await;
    let job = finished(app, job.id).await;
    assert_eq!(
        job.status,
        JobStatus::DownloadFailed,
        "the stand-in cuts U2 short"
    );
    let u1 = job.images.iter().find(|i| i.slot == Slot::U1).unwrap();
    let gone = app.delete(&Selection::Images { ids: vec![u1.id] }).unwrap();
    assert!(gone.undoable, "this system's trash gives files back");

    let assets = lab.server.asset_requests();
    app.retry(job.id).unwrap();
    let again = finished(app, job.id).await;
    assert_eq!(
        lab.server.asset_requests() - assets,
        1,
        "only U2, which failed, is asked for: the deleted U1 is not resurrected"
    );
    let slots: Vec<Slot> = again.images.iter().map(|i| i.slot).collect();
    assert_eq!(slots, [Slot::Grid, Slot::U3, Slot::U4]);
    assert!(!media.join(&u1.file).exists());

    app.undo_deletion(gone.receipt).unwrap();
    let back = app.job(job.id).unwrap().unwrap();
    assert!(
        back.images.iter().any(|i| i.id == u1.id),
        "the deleted U1 is back"
    );
    assert!(media.join(&u1.file).is_file());
}

#[tokio::test]
async fn undo_refuses_to_overwrite_what_took_a_deleted_place_and_keeps_the_receipt() {
    let lab = DemoLab::instant();
    let (app, media) = (&lab.app, lab.media());
    let jobs = made(&lab, &["crowded"]).await;
    let row = app.job(jobs[0].id).unwrap().unwrap();
    let u1 = jobs[0].images.iter().find(|i| i.slot == Slot::U1).unwrap();
    let gone = app.delete(&Selection::Images { ids: vec![u1.id] }).unwrap();
    // Something new lands where the deleted image was.
    let place = media.join(&u1.file);
    std::fs::write(&place, b"new").unwrap();

    let said = app.undo_deletion(gone.receipt).unwrap_err().to_string();
    assert!(
        said.contains(&format!("jobs/{}/u1.png", jobs[0].id)) && said.contains("Undo again"),
        "{said}"
    );
    assert_eq!(std::fs::read(&place).unwrap(), b"new", "left where it is");
    assert!(app.job(jobs[0].id).unwrap().unwrap().images.len() == 4);

    std::fs::remove_file(&place).unwrap();
    app.undo_deletion(gone.receipt).unwrap();
    assert!(image::open(&place).is_ok(), "the deleted image is back");
    assert_eq!(app.job(jobs[0].id).unwrap().unwrap(), row);
}

#[tokio::test]
async fn an_undo_that_fails_midway_puts_back_what_it_moved_and_can_be_tried_again() {
    let lab = DemoLab::instant();
    let (app, media) = (&lab.app, lab.media());
    let jobs = made(&lab, &["halfway"]).await;
    let job = &jobs[0];
    let row = app.job(job.id).unwrap().unwrap();
    let (u1, u3) = (&job.images[1], &job.images[3]);
    let gone = app
        .delete(&Selection::Images {
            ids: vec![u1.id, u3.id],
        })
        .unwrap();
    let before = files(&media);
    // One of the trashed files cannot be brought back: restoring stops partway.
    let copy = trashed_copy(&media, &u3.file);
    let aside = copy.with_extension("aside");
    std::fs::rename(&copy, &aside).unwrap();

    assert!(app.undo_deletion(gone.receipt).is_err());
    assert_eq!(
        files(&media),
        before,
        "what came back went to the trash again"
    );
    assert_eq!(app.job(job.id).unwrap().unwrap().images.len(), 3);
    assert!(app.store().pending_trash().unwrap().is_empty());

    std::fs::rename(&aside, &copy).unwrap();
    app.undo_deletion(gone.receipt).unwrap();
    assert_eq!(app.job(job.id).unwrap().unwrap(), row);
    assert!(media.join(&u1.file).is_file() && media.join(&u3.file).is_file());
}
