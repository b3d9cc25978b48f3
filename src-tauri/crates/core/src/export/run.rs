//! Exporting jobs: each image with its provenance embedded, then the job's sidecar, into a
//! folder or a `.zip`. Blocking: the caller runs it on the blocking pool.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use ts_rs::TS;

use super::archive::ZipSink;
use super::folder::FolderSink;
use super::metadata::image_label;
use super::sidecar::Sidecar;
use super::{embed, names, ExportError, Provenance};
use crate::job::{ImageRecord, Job, Slot};
use crate::media::{self, MediaLibrary};

/// Where an export goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Into this folder (made if missing), beside whatever is there.
    Folder(PathBuf),
    /// A new archive; if a file has this name, `name (2).zip` and so on.
    Zip(PathBuf),
}

impl Destination {
    /// A path ending in `.zip` (any case) is an archive, anything else a folder.
    pub fn from_path(path: impl Into<PathBuf>) -> Destination {
        let path = path.into();
        let is_zip = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        if is_zip {
            Destination::Zip(path)
        } else {
            Destination::Folder(path)
        }
    }
}

/// How far an export is: reported once at the start (`done` 0) and after each file, `current`
/// naming the file just written (or the image found missing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "ExportProgress")]
pub struct Progress {
    pub done: usize,
    /// Images and sidecars together.
    pub total: usize,
    pub current: String,
}

/// An image the library has a record of but could not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MissingImage {
    pub job_id: i64,
    pub slot: Slot,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportSummary {
    /// The folder, or the archive actually written (which has a ` (2)` when the name asked
    /// for was taken).
    #[ts(type = "string")]
    pub destination: PathBuf,
    /// Images and sidecars left at the destination: after a cancel, those of a folder export
    /// written before it; none of a zip export, whose partial archive is removed.
    pub images: usize,
    pub sidecars: usize,
    pub missing: Vec<MissingImage>,
    /// Files written as the library has them because the prompt could not be added (a
    /// container this could not read); none in practice, since the library checks each image.
    pub without_metadata: Vec<String>,
    pub cancelled: bool,
}

/// Where the files of an export go; the folder and the archive differ only in these.
pub(super) trait Sink {
    fn path(&self) -> &Path;
    /// Writes `bytes` under the first free name of `stem.extension`, `stem (2).extension`…,
    /// and returns the name.
    fn put(
        &mut self,
        stem: &str,
        extension: &str,
        bytes: &[u8],
        made_at: i64,
    ) -> Result<String, ExportError>;
    /// Cancelled: whether what was written stays.
    fn abandon(self) -> bool;
    fn finish(self) -> Result<(), ExportError>;
}

/// A job with the images it contributes to an export.
pub type ExportedJob = (Job, Vec<ImageRecord>);

/// What an export writes: the jobs, read one at a time as they are written (a whole library
/// is never held at once), and how many files they make (images and sidecars), for the
/// progress bar.
pub struct Exported<I> {
    pub jobs: I,
    pub files: usize,
}

/// Exports the jobs with their images (in the order given), each job's images followed by
/// its sidecar. `cancel` is checked between files. Images missing from the library are
/// listed in the summary; the first write (or read of a job) that fails ends the export with
/// its error (a zip is then removed, a folder keeps the files already written).
pub fn export<I>(
    media: &MediaLibrary,
    exported: Exported<I>,
    destination: &Destination,
    cancel: &AtomicBool,
    progress: impl FnMut(Progress),
) -> Result<ExportSummary, ExportError>
where
    I: IntoIterator<Item = Result<ExportedJob, ExportError>>,
{
    match destination {
        Destination::Folder(dir) => {
            write(FolderSink::open(dir)?, media, exported, cancel, progress)
        }
        Destination::Zip(path) => write(ZipSink::create(path)?, media, exported, cancel, progress),
    }
}

fn write<S: Sink, I>(
    mut sink: S,
    media: &MediaLibrary,
    exported: Exported<I>,
    cancel: &AtomicBool,
    mut progress: impl FnMut(Progress),
) -> Result<ExportSummary, ExportError>
where
    I: IntoIterator<Item = Result<ExportedJob, ExportError>>,
{
    let total = exported.files;
    let mut summary = ExportSummary {
        destination: sink.path().to_owned(),
        images: 0,
        sidecars: 0,
        missing: Vec::new(),
        without_metadata: Vec::new(),
        cancelled: false,
    };
    let mut done = 0;
    progress(Progress {
        done,
        total,
        current: String::new(),
    });
    let mut report = |current: String| {
        done += 1;
        progress(Progress {
            done,
            total,
            current,
        });
    };
    let mut stems = names::JobStems::default();
    for outgoing in exported.jobs {
        let (job, images) = &outgoing?;
        let stem = stems.stem(job);
        let mut sidecar = Sidecar::new(job);
        for image in images {
            if cancel.load(Ordering::Relaxed) {
                return Ok(cancelled(sink, summary));
            }
            let label = image_label(job, image.slot);
            let image_stem = format!("{stem} {label}");
            let original = match std::fs::read(media.resolve(&image.file)) {
                Ok(bytes) => bytes,
                Err(e) => {
                    summary.missing.push(MissingImage {
                        job_id: job.id,
                        slot: image.slot,
                        reason: unreadable(&e),
                    });
                    sidecar.missing.push(label);
                    report(image_stem);
                    continue;
                }
            };
            let (bytes, extension, embedded) = with_provenance(original, job, image);
            let name = sink.put(&image_stem, &extension, &bytes, job.created_at)?;
            if !embedded {
                summary.without_metadata.push(name.clone());
            }
            summary.images += 1;
            sidecar.add(label, name.clone(), image.width, image.height);
            report(name);
        }
        if cancel.load(Ordering::Relaxed) {
            return Ok(cancelled(sink, summary));
        }
        let name = sink.put(&stem, "json", &sidecar.to_json(), job.created_at)?;
        summary.sidecars += 1;
        report(name);
    }
    sink.finish()?;
    Ok(summary)
}

fn cancelled<S: Sink>(sink: S, mut summary: ExportSummary) -> ExportSummary {
    if !sink.abandon() {
        summary.images = 0;
        summary.sidecars = 0;
        summary.without_metadata.clear();
    }
    summary.cancelled = true;
    summary
}

/// The image's bytes with its provenance, its extension, and whether the provenance is in.
/// An image whose container cannot be read goes out as it is rather than not at all.
fn with_provenance(original: Vec<u8>, job: &Job, image: &ImageRecord) -> (Vec<u8>, String, bool) {
    let extension = media::kept_format(&original).map_or_else(
        || stored_extension(&image.file),
        |format| media::extension(format).to_owned(),
    );
    match embed(&original, &Provenance::of(job, image.slot)) {
        Ok(bytes) => (bytes, extension, true),
        Err(e) => {
            tracing::warn!(
                "job {} {:?} exported without its prompt: {e}",
                job.id,
                image.slot
            );
            (original, extension, false)
        }
    }
}

fn stored_extension(file: &str) -> String {
    Path::new(file)
        .extension()
        .map_or("bin".into(), |e| e.to_string_lossy().into_owned())
}

fn unreadable(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        "The file is no longer in the library folder.".into()
    } else {
        format!("The file could not be read: {e}.")
    }
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
