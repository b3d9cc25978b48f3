//! What leaves the library carries its prompt: Save as, the copies a drag hands to the file
//! manager, and exports to a folder or a zip, read back by an independent reader (exiftool);
//! the library's own files stay byte for byte what they were.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;

use atelier_core::engine::{Job, JobStatus, Slot};
use atelier_core::export::Destination;
use atelier_core::library::Selection;
use serde_json::Value;

use crate::harness::demo::DemoLab;
use crate::harness::finished;

/// exiftool's reading of a file, grouped (`PNG:Parameters`, `XMP-dc:Description`).
fn exiftool(path: &Path) -> Value {
    let out = Command::new("exiftool")
        .args(["-j", "-G1"])
        .arg(path)
        .output()
        .expect("exiftool runs (scripts/setup.sh installs libimage-exiftool-perl)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut all: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    all.remove(0)
}

async fn made(lab: &DemoLab, prompt: &str) -> Job {
    let job = lab.submit(prompt).await;
    let done = finished(&lab.app, job.id).await;
    assert_eq!(done.status, JobStatus::Done, "{done:?}");
    done
}

fn image(job: &Job, slot: Slot) -> i64 {
    job.images.iter().find(|i| i.slot == slot).unwrap().id
}

#[tokio::test]
async fn save_as_and_drag_out_carry_the_prompt_and_leave_the_library_file_alone() {
    let lab = DemoLab::instant();
    let prompt = "a lighthouse in fog, 灯台 --ar 16:9 --v 6";
    let job = made(&lab, prompt).await;
    let u2 = image(&job, Slot::U2);
    let library_file = job
        .images
        .iter()
        .find(|i| i.slot == Slot::U2)
        .unwrap()
        .file
        .clone();
    let before = std::fs::read(&library_file).unwrap();

    let out = tempfile::tempdir().unwrap();
    let saved = out.path().join("mine.png");
    assert!(lab.app.save_image(u2, &saved).unwrap());
    let tags = exiftool(&saved);
    assert_eq!(tags["XMP-dc:Description"], prompt, "{tags:#}");
    let parameters = tags["PNG:Parameters"].as_str().unwrap_or_default();
    assert!(parameters.starts_with(prompt), "{tags:#}");
    assert!(
        parameters.contains(&format!("Job: {}", job.id)),
        "{parameters}"
    );

    let dragged = lab
        .app
        .outgoing_copies(&[u2, image(&job, Slot::Grid)])
        .unwrap()
        .unwrap();
    let name = dragged[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.contains("a lighthouse in fog") && name.ends_with("U2.png"),
        "{name}"
    );
    assert_eq!(exiftool(&dragged[1])["XMP-dc:Description"], prompt);
    assert_eq!(
        std::fs::read(&library_file).unwrap(),
        before,
        "the library file is untouched"
    );

    // The drag-out copies last a session: the next start clears them.
    let lab = lab.reopen();
    assert!(!dragged[0].exists());
    assert!(lab
        .app
        .save_image(i64::MAX, &saved)
        .is_ok_and(|found| !found));
}

fn copy(lab: &DemoLab, image_id: i64) -> std::path::PathBuf {
    lab.app
        .outgoing_copies(&[image_id])
        .unwrap()
        .unwrap()
        .remove(0)
}

#[tokio::test]
async fn a_drag_out_copy_is_replaced_whole_not_rewritten_in_place() {
    let lab = DemoLab::instant();
    let u1 = image(&made(&lab, "a kite over dunes").await, Slot::U1);
    let first = copy(&lab, u1);
    let reading = std::fs::File::open(&first).unwrap();
    let again = copy(&lab, u1);
    assert_eq!(again, first);
    // A paste still reading the first copy reads it whole: the second is a new file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let read = reading.metadata().unwrap().ino();
        assert_ne!(
            read,
            std::fs::metadata(&again).unwrap().ino(),
            "rewritten in place"
        );
    }
    drop(reading);
    let folder = first.parent().unwrap();
    assert_eq!(
        std::fs::read_dir(folder).unwrap().count(),
        1,
        "no part left"
    );
}

#[tokio::test]
async fn drag_out_copies_go_with_their_image_or_job() {
    let lab = DemoLab::instant();
    let job = made(&lab, "a kite over dunes").await;
    let (u1, u2) = (
        copy(&lab, image(&job, Slot::U1)),
        copy(&lab, image(&job, Slot::U2)),
    );
    let ids = vec![image(&job, Slot::U1)];
    lab.app.delete(&Selection::Images { ids }).unwrap();
    assert!(!u1.exists(), "a deleted image's copy goes with it");
    assert!(u2.exists(), "other images' copies stay");
    lab.app
        .delete(&Selection::Jobs { ids: vec![job.id] })
        .unwrap();
    assert!(!u2.exists(), "a deleted job's copies go with it");
}

#[tokio::test]
async fn drag_out_copies_go_when_the_app_closes() {
    let lab = DemoLab::instant();
    let left = copy(&lab, image(&made(&lab, "a kite").await, Slot::U3));
    lab.app.close();
    assert!(!left.exists(), "the app takes its copies with it");
}

#[tokio::test]
async fn two_jobs_export_to_a_zip_with_their_prompts_and_sidecars() {
    let lab = DemoLab::instant();
    let a = made(&lab, "a red bird on a branch").await;
    let b = made(&lab, "a blue bird --niji 6").await;
    let out = tempfile::tempdir().unwrap();
    let zip_path = out.path().join("birds.zip");
    let selection = Selection::Jobs {
        ids: vec![a.id, b.id],
    };
    let mut seen = Vec::new();
    let summary = lab
        .app
        .export(
            &selection,
            &Destination::Zip(zip_path.clone()),
            &AtomicBool::new(false),
            |p| seen.push((p.done, p.total)),
        )
        .unwrap();
    assert_eq!((summary.images, summary.sidecars), (10, 2), "{summary:?}");
    assert!(!summary.cancelled && summary.missing.is_empty());
    // Counted before the jobs are read, one at a time, as they are written.
    assert_eq!(seen.first(), Some(&(0, 12)));
    assert_eq!(seen.last(), Some(&(12, 12)), "progress up to every file");

    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    let red_u1 = names
        .iter()
        .find(|n| n.contains("a red bird on a branch") && n.ends_with("U1.png"))
        .unwrap_or_else(|| panic!("{names:?}"));
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name(red_u1).unwrap(), &mut bytes).unwrap();
    let unpacked = out.path().join("u1.png");
    std::fs::write(&unpacked, bytes).unwrap();
    let tags = exiftool(&unpacked);
    assert_eq!(tags["XMP-dc:Description"], "a red bird on a branch");
    let sidecars = names.iter().filter(|n| n.ends_with(".json")).count();
    assert_eq!(sidecars, 2, "{names:?}");

    let nothing = Selection::Jobs { ids: vec![] };
    let err = lab
        .app
        .export(
            &nothing,
            &Destination::Folder(out.path().into()),
            &AtomicBool::new(false),
            |_| {},
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "Nothing is selected to export.");
}
