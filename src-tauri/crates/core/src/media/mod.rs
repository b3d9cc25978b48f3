//! The image library on disk: downloads land here, verified, with thumbnails beside them.
//!
//! Layout under the root: `jobs/{job id}/{slot}.{png|jpg|webp}` and `{slot}.thumb.jpg`, plus
//! `previews/{job id}` for the latest partial render of a running job. Names come only from
//! the job id and slot, never from anything a server sent.

mod compose;
mod download;
mod thumbnail;

use std::path::{Path, PathBuf};

pub use compose::tile;
pub use download::SavedImage;
pub use thumbnail::{make_thumbnail, THUMB_EDGE};

use crate::jobs::model::Slot;
use crate::providers::ProviderError;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("The download was cut off: {0}")]
    Interrupted(String),
    #[error("The service sent something that is not a readable image ({0}).")]
    NotAnImage(String),
    #[error("The image is larger than Atelier accepts ({0} MB).")]
    TooLarge(u64),
    #[error("Could not write to the image folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl MediaError {
    /// A retry may succeed (the network or the service hiccupped).
    pub fn is_transient(&self) -> bool {
        match self {
            MediaError::Provider(e) => e.is_transient(),
            MediaError::Interrupted(_) => true,
            _ => false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct MediaLibrary {
    root: PathBuf,
}

impl MediaLibrary {
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, MediaError> {
        let root = root.into();
        for dir in [root.join("jobs"), root.join("previews")] {
            std::fs::create_dir_all(&dir).map_err(|source| MediaError::Io { path: dir, source })?;
        }
        let library = Self { root };
        library.sweep_temp_files();
        Ok(library)
    }

    /// Removes what a crash left half-written. Nothing is writing while the library opens,
    /// and every temp name is rewritten from scratch when its download runs again.
    fn sweep_temp_files(&self) {
        let job_dirs = std::fs::read_dir(self.root.join("jobs"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path());
        for dir in job_dirs.chain([self.root.join("previews")]) {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if is_temp(&path) {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// An absolute path for a file name the store keeps relative to the root.
    pub fn resolve(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    pub fn job_dir(&self, job_id: i64) -> String {
        format!("jobs/{job_id}")
    }

    pub fn preview_path(&self, job_id: i64) -> PathBuf {
        self.root.join("previews").join(job_id.to_string())
    }

    pub fn remove_preview(&self, job_id: i64) {
        // Missing is fine: not every service sends previews.
        let path = self.preview_path(job_id);
        let _ = std::fs::remove_file(path.with_extension("part"));
        let _ = std::fs::remove_file(path);
    }

    pub fn relative_stem(&self, job_id: i64, slot: Slot) -> String {
        format!("{}/{}", self.job_dir(job_id), slot.stem())
    }
}

fn is_temp(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("part" | "partial")
    )
}

impl MediaLibrary {
    /// The job with its image paths made absolute, as the app hands it out.
    pub fn absolutize(&self, mut job: crate::jobs::Job) -> crate::jobs::Job {
        for img in &mut job.images {
            img.file = self.resolve(&img.file).to_string_lossy().into_owned();
            img.thumb = self.resolve(&img.thumb).to_string_lossy().into_owned();
        }
        job
    }
}

pub use image::RgbaImage;

/// Decodes a library image to RGBA pixels (for the clipboard).
pub fn load_rgba(path: &Path) -> Result<RgbaImage, MediaError> {
    image::open(path)
        .map(|img| img.into_rgba8())
        .map_err(|e| MediaError::NotAnImage(e.to_string()))
}

impl MediaLibrary {
    /// Removes a job's files (when its history is deleted).
    pub fn remove_job(&self, job_id: i64) {
        let _ = std::fs::remove_dir_all(self.resolve(&self.job_dir(job_id)));
        self.remove_preview(job_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_sweeps_what_a_crash_left_half_written() {
        let dir = tempfile::tempdir().unwrap();
        let library = MediaLibrary::open(dir.path()).unwrap();
        let job = library.root().join("jobs/3");
        std::fs::create_dir_all(&job).unwrap();
        let kept = job.join("u1.png");
        let halves = [
            job.join("u2.part"),
            job.join("u1.thumb.partial"),
            library.preview_path(4).with_extension("part"),
        ];
        for path in halves.iter().chain([&kept]) {
            std::fs::write(path, b"x").unwrap();
        }
        MediaLibrary::open(dir.path()).unwrap();
        assert!(kept.exists(), "finished files stay");
        for path in &halves {
            assert!(!path.exists(), "{} should be swept", path.display());
        }
    }
}
