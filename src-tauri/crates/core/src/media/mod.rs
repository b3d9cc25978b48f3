//! The image library on disk: downloads land here, verified, with thumbnails beside them.
//!
//! Layout under the root: `jobs/{job id}/{slot}.{png|jpg|webp}` with `{slot}.thumb.jpg`
//! (512 px) and `{slot}.small.jpg` (256 px) beside it; `previews/{job id}` for the latest
//! partial render of a running job; `tmp/` for files on their way in. Names come only from the
//! job id and slot, never from anything a server sent.

mod ceiling;
mod compose;
mod download;
mod folders;
mod format;
mod sendable;
mod temp;
mod thumbnail;
mod trash;

use std::path::{Path, PathBuf};

pub use ceiling::{enhance_too_large, Ceiling, TooLarge, MAX_ENHANCED_PIXELS, WEBP_MAX_EDGE};
pub use compose::tile;
pub use download::{DownloadLimits, SavedImage};
pub use format::{extension, kept_format};
pub use sendable::{decoded, library_picture, outside_picture, MAX_SENT_BYTES};
pub use thumbnail::{make_thumbnail, make_thumbnails, Thumbnails, SMALL_EDGE, THUMB_EDGE};
pub use trash::CAN_UNTRASH;

use crate::job::Slot;
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
    #[error(
        "The service sent a {width}×{height} picture, larger than it should be (Atelier opens \
         up to {megapixels} megapixels here), so it was not opened or kept."
    )]
    Oversized {
        width: u32,
        height: u32,
        megapixels: u64,
    },
    /// Its folder is made only while the job's row is there.
    #[error("The job was deleted while its picture was on the way, so the picture was not kept.")]
    JobGone,
    #[error("Could not use the system trash: {0}")]
    Trash(String),
    #[error("The files are no longer in the trash, so this cannot be undone.")]
    NotInTrash,
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
    download_limits: DownloadLimits,
}

impl MediaLibrary {
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, MediaError> {
        let root = root.into();
        for dir in [root.join("jobs"), root.join("previews"), root.join("tmp")] {
            std::fs::create_dir_all(&dir).map_err(|source| MediaError::Io { path: dir, source })?;
        }
        let library = Self {
            root,
            download_limits: DownloadLimits::default(),
        };
        library.sweep_temp_files();
        Ok(library)
    }

    pub fn with_download_limits(mut self, limits: DownloadLimits) -> Self {
        self.download_limits = limits;
        self
    }

    pub(crate) fn download_limits(&self) -> DownloadLimits {
        self.download_limits
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
        let _ = std::fs::remove_file(self.preview_path(job_id));
    }

    pub fn relative_stem(&self, job_id: i64, slot: Slot) -> String {
        format!("{}/{}", self.job_dir(job_id), slot.stem())
    }
}

/// The small thumbnail's library path, from the regular one's: `u1.thumb.jpg` → `u1.small.jpg`.
pub fn small_of(thumb: &str) -> String {
    match thumb.strip_suffix(".thumb.jpg") {
        Some(stem) => format!("{stem}.small.jpg"),
        None => format!("{thumb}.small.jpg"),
    }
}

impl MediaLibrary {
    /// The small thumbnail of an image, made from its regular one the first time it is asked
    /// for (libraries from before small thumbnails existed have none).
    pub fn small_thumbnail(&self, thumb: &str) -> Result<PathBuf, MediaError> {
        let small = small_of(thumb);
        let path = self.resolve(&small);
        if !path.is_file() {
            let (regular, _) = download::decode(&self.resolve(thumb))?;
            let jpeg = make_thumbnail(&regular, SMALL_EDGE).map_err(MediaError::NotAnImage)?;
            self.write_atomically(&small, &jpeg)?;
        }
        Ok(path)
    }
}

pub use image::RgbaImage;

/// Decodes a library image to RGBA pixels (for the clipboard) under the limits its download
/// met: the bomb check, or an Enhance's budget for a larger one, decoded one at a time. A file
/// changed on disk since is refused like a download would be.
pub fn load_rgba(path: &Path) -> Result<RgbaImage, MediaError> {
    let (width, height) = download::dimensions(path)?;
    let ceiling = match Ceiling::ORDINARY.check(width, height) {
        Ok(()) => Ceiling::ORDINARY,
        Err(_) => Ceiling::enhanced(None, 1),
    };
    let _turn = ceiling::turn_for(width, height);
    let (img, _) = download::decode_within(path, ceiling)?;
    Ok(img.into_rgba8())
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
        std::fs::write(&kept, b"x").unwrap();
        let half = library.temp_file("3-u2");
        std::fs::write(half.path(), b"x").unwrap();
        let left = half.path().to_owned();
        std::mem::forget(half);
        MediaLibrary::open(dir.path()).unwrap();
        assert!(kept.exists(), "finished files stay");
        assert!(!left.exists(), "{} should be swept", left.display());
    }

    #[test]
    fn a_temp_file_dropped_on_the_way_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let library = MediaLibrary::open(dir.path()).unwrap();
        let part = library.temp_file("1-grid");
        part.write(b"half").unwrap();
        let path = part.path().to_owned();
        drop(part);
        assert!(!path.exists());
        let part = library.temp_file("1-grid");
        part.write(b"whole").unwrap();
        let gone = library.resolve("jobs/9/grid.png");
        assert!(
            part.keep_as(&gone).is_err(),
            "no folder: the job was deleted"
        );
        assert_eq!(std::fs::read_dir(library.tmp_dir()).unwrap().count(), 0);
    }

    #[test]
    fn copy_decodes_under_the_download_limits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wide.png");
        // Tiny on disk and in memory, but wider than any picture Atelier keeps.
        image::GrayImage::new(20_000, 1).save(&path).unwrap();
        let refused = load_rgba(&path).unwrap_err();
        assert!(
            matches!(refused, MediaError::Oversized { width: 20_000, .. }),
            "{refused:?}"
        );
        let fine = dir.path().join("fine.png");
        image::GrayImage::new(64, 32).save(&fine).unwrap();
        assert_eq!(load_rgba(&fine).unwrap().dimensions(), (64, 32));
    }

    #[test]
    fn small_thumbnails_are_made_on_first_use() {
        let dir = tempfile::tempdir().unwrap();
        let library = MediaLibrary::open(dir.path()).unwrap();
        std::fs::create_dir_all(library.resolve("jobs/1")).unwrap();
        let img = image::DynamicImage::new_rgb8(512, 256);
        let jpeg = make_thumbnail(&img, THUMB_EDGE).unwrap();
        library
            .write_atomically("jobs/1/u1.thumb.jpg", &jpeg)
            .unwrap();
        let small = library.small_thumbnail("jobs/1/u1.thumb.jpg").unwrap();
        assert!(small.ends_with("jobs/1/u1.small.jpg"));
        assert_eq!(image::open(&small).unwrap().width(), SMALL_EDGE);
        assert_eq!(small_of("jobs/1/grid.thumb.jpg"), "jobs/1/grid.small.jpg");
    }
}
