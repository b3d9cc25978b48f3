//! Writing into a folder: every file created new, so nothing already there is ever replaced.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::names::{numbered, NameBook};
use super::run::Sink;
use super::ExportError;

pub(super) struct FolderSink {
    dir: PathBuf,
    names: NameBook,
}

impl FolderSink {
    pub fn open(dir: &Path) -> Result<FolderSink, ExportError> {
        std::fs::create_dir_all(dir).map_err(|source| ExportError::Folder {
            path: dir.to_owned(),
            source,
        })?;
        Ok(FolderSink {
            dir: dir.to_owned(),
            names: NameBook::default(),
        })
    }
}

impl Sink for FolderSink {
    fn path(&self) -> &Path {
        &self.dir
    }

    fn put(
        &mut self,
        stem: &str,
        extension: &str,
        bytes: &[u8],
        made_at: i64,
    ) -> Result<String, ExportError> {
        let (name, file, path) = create_new(&mut self.names, &self.dir, stem, extension)?;
        if let Err(source) = write_whole(file, bytes, made_at) {
            // Half a picture is worse than none; the name was ours, so is the file.
            let _ = std::fs::remove_file(&path);
            return Err(ExportError::Write { path, source });
        }
        Ok(name)
    }

    /// The files written stay: they are whole, and the person can see how far it got.
    fn abandon(self) -> bool {
        true
    }

    fn finish(self) -> Result<(), ExportError> {
        Ok(())
    }
}

/// Creates the first free name of `stem.extension`, `stem (2).extension`… in `dir`: given by
/// `names` to no other file of this export, and not there on the disk (`create_new`, so a file
/// that appeared since the name was checked is not replaced either).
pub(super) fn create_new(
    names: &mut NameBook,
    dir: &Path,
    stem: &str,
    extension: &str,
) -> Result<(String, File, PathBuf), ExportError> {
    let mut created = None;
    let name = names
        .claim(stem, extension, |name| {
            let path = dir.join(name);
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    created = Some((file, path));
                    Ok(true)
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
                Err(source) => Err(ExportError::Write { path, source }),
            }
        })?
        .ok_or_else(|| ExportError::NoFreeName {
            folder: dir.to_owned(),
            name: numbered(stem, extension, 1),
        })?;
    let (file, path) = created.expect("a claimed name was created");
    Ok((name, file, path))
}

/// Writes and syncs, so a disk full or a stick pulled out is an error here and not a
/// truncated file found later. The modification time is when the job was made, so a file
/// manager sorts the export as the library does.
fn write_whole(mut file: File, bytes: &[u8], made_at: i64) -> io::Result<()> {
    file.write_all(bytes)?;
    if let Ok(ms) = u64::try_from(made_at) {
        // Some file systems cannot hold every time; the date is a courtesy.
        let _ = file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_millis(ms));
    }
    file.sync_all()
}
