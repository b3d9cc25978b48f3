//! The folder a history lives in: private to the person who owns it, and used by one Atelier
//! at a time.
//!
//! Two processes on one history would each run the job engine: poll every job twice, race on
//! the same `.part` files, and could send a `submitting` job twice. An advisory lock on a file
//! in the folder, held for as long as the app runs, keeps the second one out. The OS lets go of
//! it when the process ends, however it ends, so a crash never leaves a stale lock behind.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

const LOCK_FILE: &str = "atelier.lock";

#[derive(Debug, thiserror::Error)]
pub enum DataFolderError {
    #[error(
        "Another Atelier is already using the history in {0}. Close it first; if it is closing, \
         start Atelier again in a moment."
    )]
    InUse(PathBuf),
    #[error("Atelier cannot use its data folder {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

/// Holds the folder's lock until dropped.
#[derive(Debug)]
pub struct DataFolder {
    path: PathBuf,
    _lock: File,
}

impl DataFolder {
    /// Creates the folder (owner-only on Unix, and made so if it was not) and takes its lock,
    /// or says which other Atelier holds it.
    pub fn claim(path: &Path) -> Result<Self, DataFolderError> {
        let fail = |source| DataFolderError::Io {
            path: path.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(path).map_err(fail)?;
        make_private(path, 0o700).map_err(fail)?;
        let lock_path = path.join(LOCK_FILE);
        let lock = private_options()
            .write(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(fail)?;
        match lock.try_lock() {
            Ok(()) => Ok(Self {
                path: path.to_path_buf(),
                _lock: lock,
            }),
            Err(TryLockError::WouldBlock) => Err(DataFolderError::InUse(path.to_path_buf())),
            Err(TryLockError::Error(e)) => Err(fail(e)),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes `name` in the folder an owner-only file, creating it empty if missing (so that
    /// SQLite, which gives its journal files the database's mode, makes those private too).
    pub fn private_file(&self, name: &str) -> Result<PathBuf, DataFolderError> {
        let path = self.path.join(name);
        let fail = |source| DataFolderError::Io {
            path: path.clone(),
            source,
        };
        private_options().append(true).open(&path).map_err(fail)?;
        make_private(&path, 0o600).map_err(fail)?;
        Ok(path)
    }
}

/// Options that create a file readable and writable by its owner only (on Unix).
pub fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

#[cfg(unix)]
fn make_private(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let current = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if current == mode {
        return Ok(());
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn make_private(_path: &Path, _mode: u32) -> io::Result<()> {
    // Elsewhere a profile's data folder is private to its user already.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_claim_on_the_same_folder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataFolder::claim(dir.path()).unwrap();
        let err = DataFolder::claim(dir.path()).unwrap_err();
        assert!(matches!(err, DataFolderError::InUse(ref p) if p == dir.path()));
        assert!(err.to_string().contains("Another Atelier is already using"));
        drop(first);
        DataFolder::claim(dir.path()).expect("free again once the first is dropped");
    }

    #[cfg(unix)]
    #[test]
    fn the_folder_and_its_files_are_the_owners_only() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let parent = tempfile::tempdir().unwrap();
        let path = parent.path().join("dev.atelier.app");
        // An existing folder from before, open to everyone, is closed up too.
        std::fs::create_dir(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(path.join("history.sqlite3"), b"").unwrap();
        std::fs::set_permissions(
            path.join("history.sqlite3"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();

        let folder = DataFolder::claim(&path).unwrap();
        let db = folder.private_file("history.sqlite3").unwrap();
        let fresh = folder.private_file("new.sqlite3").unwrap();

        assert_eq!(mode(&path), 0o700);
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(&fresh), 0o600);
        assert_eq!(mode(&path.join(LOCK_FILE)), 0o600);
    }
}
