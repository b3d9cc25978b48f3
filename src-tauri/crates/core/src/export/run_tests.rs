use std::collections::BTreeSet;
use std::io::Read;
use std::sync::atomic::AtomicBool;

use image::ImageFormat;
use serde_json::Value;

use super::*;
use crate::export::test_support::*;

struct Library {
    _dir: tempfile::TempDir,
    media: MediaLibrary,
    out: PathBuf,
}

fn library() -> Library {
    let dir = tempfile::tempdir().unwrap();
    let media = MediaLibrary::open(dir.path().join("media")).unwrap();
    let out = dir.path().join("out");
    Library {
        _dir: dir,
        media,
        out,
    }
}

impl Library {
    /// An image of the job in the library, as the download leaves it.
    fn image(&self, job: &Job, slot: Slot, format: ImageFormat) -> ImageRecord {
        let (bytes, pixels) = fixture(format);
        let extension = format.extensions_str()[0];
        let file = format!("jobs/{}/{}.{extension}", job.id, slot.stem());
        let path = self.media.resolve(&file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        ImageRecord {
            id: job.id * 10 + i64::from(slot.index()),
            slot,
            file,
            thumb: String::new(),
            width: pixels.width(),
            height: pixels.height(),
            bytes: bytes.len() as u64,
            source_url: None,
            liked: false,
        }
    }

    /// Two jobs with the same prompt on the same day (their names clash) and a third.
    fn jobs(&self) -> Vec<(Job, Vec<ImageRecord>)> {
        let first = job(1, "a red bird on a branch --ar 16:9");
        let second = job(2, "a red bird on a branch --ar 16:9 --v 7");
        let third = job(3, JAPANESE_PROMPT);
        vec![
            (
                first.clone(),
                vec![
                    self.image(&first, Slot::Grid, ImageFormat::Png),
                    self.image(&first, Slot::U1, ImageFormat::Jpeg),
                ],
            ),
            (
                second.clone(),
                vec![self.image(&second, Slot::Grid, ImageFormat::Png)],
            ),
            (
                third.clone(),
                vec![self.image(&third, Slot::U2, ImageFormat::WebP)],
            ),
        ]
    }

    fn files(&self) -> BTreeSet<String> {
        std::fs::read_dir(&self.out)
            .map(|dir| {
                dir.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

const EXPECTED: [&str; 7] = [
    "2026-11-30 a red bird on a branch grid.png",
    "2026-11-30 a red bird on a branch U1.jpg",
    "2026-11-30 a red bird on a branch.json",
    // The same prompt again: the job's number keeps its files together.
    "2026-11-30 a red bird on a branch #2 grid.png",
    "2026-11-30 a red bird on a branch #2.json",
    "2026-11-30 枝の上の赤い鳥 🐦✨ U2.webp",
    "2026-11-30 枝の上の赤い鳥 🐦✨.json",
];

/// The jobs as an export reads them, every one there.
fn all(
    jobs: &[ExportedJob],
) -> Exported<impl Iterator<Item = Result<ExportedJob, ExportError>> + '_> {
    Exported {
        files: jobs.iter().map(|(_, images)| images.len() + 1).sum(),
        jobs: jobs.iter().cloned().map(Ok),
    }
}

fn run(
    lib: &Library,
    jobs: &[(Job, Vec<ImageRecord>)],
    destination: &Destination,
) -> (ExportSummary, Vec<Progress>) {
    let mut seen = Vec::new();
    let cancel = AtomicBool::new(false);
    let summary = export(&lib.media, all(jobs), destination, &cancel, |p| {
        seen.push(p)
    })
    .unwrap();
    (summary, seen)
}

#[test]
fn a_folder_export_writes_named_images_with_their_prompt_and_a_sidecar_per_job() {
    let lib = library();
    let jobs = lib.jobs();
    let (summary, progress) = run(&lib, &jobs, &Destination::from_path(&lib.out));
    assert_eq!(lib.files(), names(&EXPECTED));
    assert_eq!((summary.images, summary.sidecars), (4, 3));
    assert!(summary.missing.is_empty() && summary.without_metadata.is_empty());
    assert!(!summary.cancelled);
    assert_eq!(summary.destination, lib.out);
    assert_eq!(progress.len(), 8, "the start, then each of 7 files");
    assert_eq!(progress[0].done, 0);
    assert_eq!(
        progress.last().unwrap(),
        &Progress {
            done: 7,
            total: 7,
            current: EXPECTED[6].into()
        }
    );

    let tags = exiftool(&lib.out.join(EXPECTED[0]));
    assert!(text(&tags["PNG:Parameters"]).starts_with("a red bird on a branch --ar 16:9\n"));
    assert_eq!(text(&tags["XMP-atelier:JobID"]), "1");
    let tags = exiftool(&lib.out.join(EXPECTED[5]));
    assert_eq!(text(&tags["XMP-dc:Description"]), JAPANESE_PROMPT);
    let exported = std::fs::read(lib.out.join(EXPECTED[1])).unwrap();
    let original = std::fs::read(lib.media.resolve(&jobs[0].1[1].file)).unwrap();
    assert_eq!(decode(&exported), decode(&original), "the same pixels");

    let sidecar: Value =
        serde_json::from_slice(&std::fs::read(lib.out.join(EXPECTED[4])).unwrap()).unwrap();
    assert_eq!(sidecar["prompt"], "a red bird on a branch --ar 16:9 --v 7");
    assert_eq!(sidecar["parameters"], "--ar 16:9 --v 7");
    assert_eq!(sidecar["service"], "ImagineAPI");
    assert_eq!(sidecar["jobId"], 2);
    assert_eq!(sidecar["remoteId"], "remote-2");
    assert_eq!(sidecar["status"], "done");
    assert_eq!(sidecar["createdAt"], "2026-11-30T14:05:09Z");
    assert_eq!(sidecar["updatedAt"], "2026-11-30T14:06:09Z");
    assert_eq!(sidecar["images"][0]["file"], EXPECTED[3], "its own file");
    assert_eq!(sidecar["images"][0]["slot"], "grid");
    assert_eq!(sidecar["images"][0]["width"], 40);
}

#[test]
fn a_folder_export_never_overwrites_a_file() {
    let lib = library();
    let jobs = lib.jobs();
    std::fs::create_dir_all(&lib.out).unwrap();
    std::fs::write(lib.out.join(EXPECTED[0]), b"mine").unwrap();
    let (summary, _) = run(&lib, &jobs[..1], &Destination::Folder(lib.out.clone()));
    assert_eq!(std::fs::read(lib.out.join(EXPECTED[0])).unwrap(), b"mine");
    assert_eq!(summary.images, 2);
    assert!(lib
        .files()
        .contains("2026-11-30 a red bird on a branch grid (2).png"));

    // The same export again: every name is taken, every file gets the next suffix.
    let before = lib.files();
    run(&lib, &jobs[..1], &Destination::Folder(lib.out.clone()));
    let added: Vec<String> = lib.files().difference(&before).cloned().collect();
    assert_eq!(
        added,
        [
            "2026-11-30 a red bird on a branch (2).json",
            "2026-11-30 a red bird on a branch U1 (2).jpg",
            "2026-11-30 a red bird on a branch grid (3).png",
        ]
    );
}

#[test]
fn a_zip_export_holds_the_same_files_and_never_replaces_an_archive() {
    let lib = library();
    let jobs = lib.jobs();
    std::fs::create_dir_all(&lib.out).unwrap();
    let asked = lib.out.join("birds.zip");
    std::fs::write(&asked, b"an older export").unwrap();
    let (summary, progress) = run(&lib, &jobs, &Destination::from_path(&asked));
    assert_eq!(std::fs::read(&asked).unwrap(), b"an older export");
    assert_eq!(summary.destination, lib.out.join("birds (2).zip"));
    assert_eq!((summary.images, summary.sidecars), (4, 3));
    assert_eq!(progress.last().unwrap().done, 7);

    let mut zip = zip::ZipArchive::new(std::fs::File::open(&summary.destination).unwrap()).unwrap();
    let entries: BTreeSet<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert_eq!(entries, names(&EXPECTED));
    let mut read = |name: &str| {
        let mut entry = zip.by_name(name).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        bytes
    };
    let sidecar: Value = serde_json::from_slice(&read(EXPECTED[2])).unwrap();
    assert_eq!(sidecar["jobId"], 1);
    assert_eq!(sidecar["images"].as_array().unwrap().len(), 2);
    let png = read(EXPECTED[0]);
    let tags = exiftool_bytes(&png, "png");
    assert!(text(&tags["PNG:Parameters"]).contains("Service: ImagineAPI, Job: 1,"));
    let webp = read(EXPECTED[5]);
    assert_eq!(
        text(&exiftool_bytes(&webp, "webp")["XMP-dc:Description"]),
        JAPANESE_PROMPT
    );
    let entry = zip.by_name(EXPECTED[0]).unwrap();
    assert_eq!(entry.compression(), zip::CompressionMethod::Stored);
    let made = entry.last_modified().unwrap();
    assert_eq!((made.year(), made.month(), made.day()), (2026, 11, 30));
}

#[test]
fn images_missing_from_the_library_are_reported_not_fatal() {
    let lib = library();
    let mut jobs = lib.jobs();
    std::fs::remove_file(lib.media.resolve(&jobs[0].1[1].file)).unwrap();
    jobs[0].1[1].file = "jobs/1/nowhere.jpg".into();
    let (summary, progress) = run(&lib, &jobs[..1], &Destination::Folder(lib.out.clone()));
    assert_eq!(summary.images, 1);
    assert_eq!(summary.missing.len(), 1);
    assert_eq!(
        (summary.missing[0].job_id, summary.missing[0].slot),
        (1, Slot::U1)
    );
    assert!(summary.missing[0]
        .reason
        .contains("no longer in the library"));
    assert_eq!(
        progress.last().unwrap().done,
        3,
        "a missing image still counts"
    );
    let sidecar: Value =
        serde_json::from_slice(&std::fs::read(lib.out.join(EXPECTED[2])).unwrap()).unwrap();
    assert_eq!(sidecar["missing"], serde_json::json!(["U1"]));
    assert_eq!(sidecar["images"].as_array().unwrap().len(), 1);
}

/// Cancels once `after` files are written.
fn cancelled_after(lib: &Library, destination: &Destination, after: usize) -> ExportSummary {
    let jobs = lib.jobs();
    let cancel = AtomicBool::new(false);
    export(&lib.media, all(&jobs), destination, &cancel, |p| {
        if p.done == after {
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    })
    .unwrap()
}

#[test]
fn a_cancelled_folder_export_keeps_the_files_it_wrote() {
    let lib = library();
    let summary = cancelled_after(&lib, &Destination::Folder(lib.out.clone()), 2);
    assert!(summary.cancelled);
    assert_eq!((summary.images, summary.sidecars), (2, 0));
    assert_eq!(lib.files(), names(&EXPECTED[..2]));
}

#[test]
fn a_cancelled_zip_export_leaves_nothing() {
    let lib = library();
    let summary = cancelled_after(&lib, &Destination::Zip(lib.out.join("birds.zip")), 3);
    assert!(summary.cancelled);
    assert_eq!((summary.images, summary.sidecars), (0, 0));
    assert!(lib.files().is_empty(), "{:?}", lib.files());
}

#[test]
fn a_job_that_cannot_be_read_ends_the_export_and_leaves_no_partial_zip() {
    let lib = library();
    let jobs = lib.jobs();
    let mut exported = all(&jobs);
    let broken = Err(ExportError::Library("the disk went away".into()));
    let jobs = exported.jobs.by_ref().take(1).chain([broken]);
    let cancel = AtomicBool::new(false);
    let zip = Destination::Zip(lib.out.join("birds.zip"));
    let files = exported.files;
    let err = export(&lib.media, Exported { jobs, files }, &zip, &cancel, |_| {}).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Could not read the library: the disk went away"
    );
    assert!(lib.files().is_empty(), "{:?}", lib.files());
}

#[test]
fn a_destination_that_cannot_be_written_says_where_and_why() {
    let lib = library();
    std::fs::create_dir_all(&lib.out).unwrap();
    // A file where the folder should be: no permission trick, so it fails as root too.
    let blocked = lib.out.join("file");
    std::fs::write(&blocked, b"x").unwrap();
    let jobs = lib.jobs();
    let cancel = AtomicBool::new(false);
    let err = export(
        &lib.media,
        all(&jobs),
        &Destination::Folder(blocked.join("sub")),
        &cancel,
        |_| {},
    )
    .unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "Could not create the folder {}",
            blocked.join("sub").display()
        )),
        "{err}"
    );
}

#[test]
fn an_image_whose_container_cannot_be_read_goes_out_as_it_is() {
    let lib = library();
    let jobs = lib.jobs();
    let path = lib.media.resolve(&jobs[1].1[0].file);
    let damaged = std::fs::read(&path).unwrap()[..40].to_vec();
    std::fs::write(&path, &damaged).unwrap();
    let (summary, _) = run(&lib, &jobs[1..2], &Destination::Folder(lib.out.clone()));
    let name = "2026-11-30 a red bird on a branch grid.png";
    assert_eq!(summary.without_metadata, [name]);
    assert_eq!(std::fs::read(lib.out.join(name)).unwrap(), damaged);
}
