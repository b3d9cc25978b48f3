//! Images leaving the library. Every copy that goes out carries its prompt and where it came
//! from (Save as, drag-out, exports); the library's own files stay what the service sent.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::library::Target;
use super::{Atelier, AtelierError};
use crate::export::{
    self, Destination, ExportError, ExportSummary, Exported, ExportedJob, Progress, Provenance,
};
use crate::job::{ImageRecord, Job};
use crate::library::Selection;

/// Where drag-out and "Copy as file" copies wait while a file manager or a paste reads them,
/// a folder per image (named by its id). Emptied when the library opens and when the app
/// closes; an image's folder goes when the image is deleted.
const OUTGOING: &str = "outgoing";

/// An image as it leaves: a readable file name and the bytes with the provenance in them.
pub struct Outgoing {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Atelier {
    /// The image's bytes with its provenance written in; `None` when it is no longer there.
    pub fn outgoing(&self, image_id: i64) -> Result<Option<Outgoing>, AtelierError> {
        let Some((job, image)) = self.job_and_image(image_id)? else {
            return Ok(None);
        };
        let Ok(bytes) = std::fs::read(self.media.resolve(&image.file)) else {
            return Ok(None);
        };
        let name = self.name_of(&job, &image);
        let bytes = match export::embed(&bytes, &Provenance::of(&job, image.slot)) {
            Ok(tagged) => tagged,
            // The library checked every image when it arrived; a container this cannot read
            // still goes out, as it is, rather than not at all.
            Err(e) => {
                tracing::warn!("image {image_id} leaves without its prompt: {e}");
                bytes
            }
        };
        Ok(Some(Outgoing { name, bytes }))
    }

    /// The name an image leaves under ("2026-11-30 a red bird U2.png"): what Save as
    /// suggests, as exports and drags name it. `None` when it is no longer there.
    pub fn outgoing_name(&self, image_id: i64) -> Result<Option<String>, AtelierError> {
        let found = self.job_and_image(image_id)?;
        Ok(found.map(|(job, image)| self.name_of(&job, &image)))
    }

    fn name_of(&self, job: &Job, image: &ImageRecord) -> String {
        let path = self.media.resolve(&image.file);
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("png");
        export::image_name(job, image.slot, ext)
    }

    /// Writes the image, carrying its prompt, where the person chose to save it.
    pub fn save_image(&self, image_id: i64, dest: &Path) -> Result<bool, AtelierError> {
        let Some(out) = self.outgoing(image_id)? else {
            return Ok(false);
        };
        write(dest, &out.bytes)?;
        Ok(true)
    }

    /// Copies of the images, carrying their prompts and named for people, for a drag out of
    /// the window or a copy to the clipboard as files. `None` when one of them is no longer
    /// there.
    pub fn outgoing_copies(&self, image_ids: &[i64]) -> Result<Option<Vec<PathBuf>>, AtelierError> {
        let mut paths = Vec::with_capacity(image_ids.len());
        for &id in image_ids {
            let Some(out) = self.outgoing(id)? else {
                return Ok(None);
            };
            // A folder per image keeps the readable names from clashing.
            let dir = self.outgoing_dir().join(id.to_string());
            std::fs::create_dir_all(&dir).map_err(|source| folder(&dir, source))?;
            let path = dir.join(&out.name);
            replace(&path, &out.bytes)?;
            paths.push(path);
        }
        Ok(Some(paths))
    }

    /// Exports the selection to a folder or a `.zip`. Blocking: run it on the blocking pool.
    pub fn export(
        &self,
        selection: &Selection,
        destination: &Destination,
        cancel: &AtomicBool,
        progress: impl FnMut(Progress),
    ) -> Result<ExportSummary, AtelierError> {
        let plan = self.export_plan(selection)?;
        if plan.job_ids.is_empty() {
            return Err(AtelierError::Invalid(
                "Nothing is selected to export.".into(),
            ));
        }
        let exported = Exported {
            files: plan.files,
            jobs: plan
                .job_ids
                .iter()
                .filter_map(|&id| self.exported_job(id, &plan)),
        };
        Ok(export::export(
            &self.media,
            exported,
            destination,
            cancel,
            progress,
        )?)
    }

    /// Removes the copies of images that are no longer in the library, so a Delete leaves
    /// none behind. Looks up only the folder's few entries (this session's copies).
    pub(super) fn forget_outgoing_of_deleted(&self) {
        let Ok(entries) = std::fs::read_dir(self.outgoing_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let id = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<i64>().ok());
            // A copy whose image cannot be looked up now stays until the app closes.
            let gone = id.is_none_or(|id| self.store.image(id).is_ok_and(|i| i.is_none()));
            if gone {
                remove_all(&entry.path());
            }
        }
    }

    /// Empties the drag-out folder: at start (an earlier session's) and on exit.
    pub(super) fn clear_outgoing(&self) {
        remove_all(&self.outgoing_dir());
    }

    fn outgoing_dir(&self) -> PathBuf {
        self._folder.path().join(OUTGOING)
    }

    /// The jobs of the selection, the images picked (all of a job's when `None`), and how
    /// many files that makes: ids and counts only, so a selection of the whole library
    /// starts at once.
    fn export_plan(&self, selection: &Selection) -> Result<ExportPlan, AtelierError> {
        Ok(match self.target(selection)? {
            Target::Jobs(job_ids) => ExportPlan {
                files: job_ids.len() + self.store.image_count(&job_ids)?,
                job_ids,
                picked: None,
            },
            Target::Images(ids) => {
                let job_ids = self.store.jobs_of_images(&ids)?;
                ExportPlan {
                    files: job_ids.len() + ids.len(),
                    job_ids,
                    picked: Some(ids.into_iter().collect()),
                }
            }
        })
    }

    /// A job with the images it contributes, read when the export comes to it; `None` when
    /// it was deleted meanwhile.
    fn exported_job(&self, id: i64, plan: &ExportPlan) -> Option<Result<ExportedJob, ExportError>> {
        let job = match self.store.job(id) {
            Ok(job) => job?,
            Err(e) => return Some(Err(ExportError::Library(e.to_string()))),
        };
        let picked = |i: &&ImageRecord| plan.picked.as_ref().is_none_or(|p| p.contains(&i.id));
        let images = job.images.iter().filter(picked).cloned().collect();
        Some(Ok((job, images)))
    }

    fn job_and_image(&self, image_id: i64) -> Result<Option<(Job, ImageRecord)>, AtelierError> {
        let Some(&job_id) = self.store.jobs_of_images(&[image_id])?.first() else {
            return Ok(None);
        };
        let Some(job) = self.store.job(job_id)? else {
            return Ok(None);
        };
        let image = job.images.iter().find(|i| i.id == image_id).cloned();
        Ok(image.map(|i| (job, i)))
    }
}

struct ExportPlan {
    job_ids: Vec<i64>,
    picked: Option<HashSet<i64>>,
    /// Images and sidecars.
    files: usize,
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), AtelierError> {
    std::fs::write(path, bytes).map_err(|source| {
        ExportError::Write {
            path: path.to_owned(),
            source,
        }
        .into()
    })
}

/// Writes a copy beside `path`, then renames it over: a paste or a file manager still reading
/// the earlier copy keeps reading it whole, never a file being rewritten under it.
fn replace(path: &Path, bytes: &[u8]) -> Result<(), AtelierError> {
    let part = path.with_file_name(format!(".{}.part", uuid::Uuid::new_v4()));
    write(&part, bytes)?;
    std::fs::rename(&part, path).map_err(|source| {
        let _ = std::fs::remove_file(&part);
        ExportError::Write {
            path: path.to_owned(),
            source,
        }
        .into()
    })
}

fn remove_all(path: &Path) {
    if let Err(e) = std::fs::remove_dir_all(path) {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!("removing {}: {e}", path.display());
        }
    }
}

fn folder(path: &Path, source: std::io::Error) -> AtelierError {
    ExportError::Folder {
        path: path.to_owned(),
        source,
    }
    .into()
}
