//! Deleted library files go to the system's trash, where the person can still find them, and
//! come back from it on Undo.

use std::path::PathBuf;

use super::{MediaError, MediaLibrary};
use crate::job::Slot;
use crate::store::Layout;

impl MediaLibrary {
    /// Moves library paths (relative to the root) to the trash; returns the ones it moved
    /// (those not there are skipped: a job that never got a folder, say).
    pub fn trash(&self, paths: &[String]) -> Result<Vec<String>, MediaError> {
        let present: Vec<String> = paths
            .iter()
            .filter(|p| self.resolve(p).exists())
            .cloned()
            .collect();
        if !present.is_empty() {
            let absolute: Vec<PathBuf> = present.iter().map(|p| self.resolve(p)).collect();
            trash::delete_all(&absolute).map_err(|e| MediaError::Trash(e.to_string()))?;
        }
        Ok(present)
    }

    /// Brings library paths back from the trash: for each, the item trashed last from there.
    pub fn untrash(&self, paths: &[String]) -> Result<(), MediaError> {
        restore::untrash(paths.iter().map(|p| self.resolve(p)).collect())
    }
}

/// Whether this system lets Atelier take files back out of its trash, so Undo can be offered.
pub const CAN_UNTRASH: bool = restore::POSSIBLE;

#[cfg(any(
    target_os = "windows",
    all(
        unix,
        not(target_os = "macos"),
        not(target_os = "ios"),
        not(target_os = "android")
    )
))]
mod restore {
    use std::collections::HashMap;
    use std::path::PathBuf;

    use super::MediaError;

    pub const POSSIBLE: bool = true;

    pub fn untrash(wanted: Vec<PathBuf>) -> Result<(), MediaError> {
        let listed = trash::os_limited::list().map_err(|e| MediaError::Trash(e.to_string()))?;
        let mut latest: HashMap<PathBuf, trash::TrashItem> = HashMap::new();
        for item in listed {
            let path = item.original_path();
            if !wanted.contains(&path) {
                continue;
            }
            if latest
                .get(&path)
                .is_none_or(|seen| seen.time_deleted <= item.time_deleted)
            {
                latest.insert(path, item);
            }
        }
        if latest.len() < wanted.iter().filter(|p| !p.exists()).count() {
            return Err(MediaError::NotInTrash);
        }
        trash::os_limited::restore_all(latest.into_values())
            .map_err(|e| MediaError::Trash(e.to_string()))
    }
}

/// macOS offers no way back out of its Trash to programs: the person restores from there.
#[cfg(not(any(
    target_os = "windows",
    all(
        unix,
        not(target_os = "macos"),
        not(target_os = "ios"),
        not(target_os = "android")
    )
)))]
mod restore {
    use std::path::PathBuf;

    use super::MediaError;

    pub const POSSIBLE: bool = false;

    pub fn untrash(_wanted: Vec<PathBuf>) -> Result<(), MediaError> {
        Err(MediaError::Trash(
            "this system cannot take files back out of its Trash for Atelier".into(),
        ))
    }
}

impl Layout for MediaLibrary {
    fn job_dir(&self, job_id: i64) -> String {
        MediaLibrary::job_dir(self, job_id)
    }

    fn image_files(&self, file: &str, thumb: &str) -> Vec<String> {
        vec![file.to_owned(), thumb.to_owned(), super::small_of(thumb)]
    }

    fn image_names(&self, job_id: i64, slot: Slot, extension: &str) -> (String, String) {
        let stem = self.relative_stem(job_id, slot);
        (format!("{stem}.{extension}"), format!("{stem}.thumb.jpg"))
    }
}
