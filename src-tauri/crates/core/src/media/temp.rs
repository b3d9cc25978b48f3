//! Files on their way into the library. They are written under `tmp/` and renamed into
//! place whole, so the library itself never holds half a file, and what a crash leaves behind
//! is all in one folder that is emptied on the next start.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::download::{io, rename};
use super::{MediaError, MediaLibrary};
use crate::data_folder::private_options;

/// Makes every temp name of this process distinct, whatever runs at once.
static NEXT: AtomicU64 = AtomicU64::new(0);

/// A temp file that is removed when dropped (a failure, or a task aborted mid-download)
/// unless it was moved into the library.
pub(crate) struct TempFile {
    path: PathBuf,
}

impl MediaLibrary {
    pub(crate) fn temp_file(&self, hint: &str) -> TempFile {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        TempFile {
            path: self.tmp_dir().join(format!("{hint}-{n}.part")),
        }
    }

    pub(super) fn tmp_dir(&self) -> PathBuf {
        self.root().join("tmp")
    }

    /// Empties `tmp/`: nothing is writing while the library opens. The cost follows what a
    /// crash left, never the size of the history.
    pub(super) fn sweep_temp_files(&self) {
        for entry in std::fs::read_dir(self.tmp_dir())
            .into_iter()
            .flatten()
            .flatten()
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

impl TempFile {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes and syncs the whole content.
    pub fn write(&self, bytes: &[u8]) -> Result<(), MediaError> {
        let mut f = private_options()
            .write(true)
            .truncate(true)
            .open(&self.path)
            .map_err(|e| io(&self.path, e))?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .map_err(|e| io(&self.path, e))
    }

    /// Moves the file to `dest`, whose folder must exist: a folder removed meanwhile (its job
    /// was deleted) makes this fail, and the file goes with the guard.
    pub fn keep_as(self, dest: &Path) -> Result<(), MediaError> {
        rename(&self.path, dest)?;
        std::mem::forget(self);
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
