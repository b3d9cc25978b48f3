//! Writing a `.zip`. Every entry is stored, not compressed: the images are compressed
//! already and a sidecar is a few hundred bytes, and it keeps the zip crate lean.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::folder::create_new;
use super::metadata::civil;
use super::names::NameBook;
use super::run::Sink;
use super::ExportError;

pub(super) struct ZipSink {
    path: PathBuf,
    writer: Option<ZipWriter<BufWriter<File>>>,
    names: NameBook,
}

impl ZipSink {
    /// Creates the archive under the name asked for or, when a file has it, the first free
    /// one of `name (2).zip`, `name (3).zip`…: an existing file is never replaced.
    pub fn create(asked: &Path) -> Result<ZipSink, ExportError> {
        let dir = match asked.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(|source| ExportError::Folder {
            path: dir.clone(),
            source,
        })?;
        let stem = asked
            .file_stem()
            .map_or("Atelier".into(), |s| s.to_string_lossy().into_owned());
        let extension = asked
            .extension()
            .map_or("zip".into(), |e| e.to_string_lossy().into_owned());
        let (_, file, path) = create_new(&mut NameBook::default(), &dir, &stem, &extension)?;
        Ok(ZipSink {
            path,
            writer: Some(ZipWriter::new(BufWriter::new(file))),
            names: NameBook::default(),
        })
    }

    fn error(&self, e: zip::result::ZipError) -> ExportError {
        match e {
            zip::result::ZipError::Io(source) => self.io_error(source),
            other => ExportError::Archive {
                path: self.path.clone(),
                reason: other.to_string(),
            },
        }
    }

    fn io_error(&self, source: io::Error) -> ExportError {
        ExportError::Write {
            path: self.path.clone(),
            source,
        }
    }
}

impl Sink for ZipSink {
    fn path(&self) -> &Path {
        &self.path
    }

    fn put(
        &mut self,
        stem: &str,
        extension: &str,
        bytes: &[u8],
        made_at: i64,
    ) -> Result<String, ExportError> {
        let name = self
            .names
            .claim(stem, extension, |_| Ok::<_, ExportError>(true))?
            .expect("an archive's names are only this export's");
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(zip_time(made_at))
            .unix_permissions(0o644);
        let writer = self.writer.as_mut().expect("open until finished");
        let written = match writer.start_file(name.as_str(), options) {
            Ok(()) => writer.write_all(bytes).map_err(|e| self.io_error(e)),
            Err(e) => Err(self.error(e)),
        };
        written.map(|()| name)
    }

    /// Nothing is left of a cancelled archive: half an archive is no use to anyone.
    fn abandon(self) -> bool {
        false // dropping removes it
    }

    fn finish(mut self) -> Result<(), ExportError> {
        let writer = self.writer.take().expect("finished once");
        let finished = writer
            .finish()
            .map_err(|e| self.error(e))
            .and_then(|buffered| {
                buffered
                    .into_inner()
                    .map_err(|e| self.io_error(e.into_error()))
            })
            .and_then(|file| file.sync_all().map_err(|e| self.io_error(e)));
        if finished.is_err() {
            let _ = std::fs::remove_file(&self.path);
        }
        finished
    }
}

impl Drop for ZipSink {
    /// An archive not finished (cancelled, or an error on the way) is removed.
    fn drop(&mut self) {
        if let Some(writer) = self.writer.take() {
            drop(writer);
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A zip entry's date: the job's, in UTC (the format has no time zone); 1980 for anything
/// the format cannot hold.
fn zip_time(ms: i64) -> DateTime {
    let (y, m, d, h, min, s) = civil(ms);
    let parts = (
        u16::try_from(y),
        u8::try_from(m),
        u8::try_from(d),
        u8::try_from(h),
        u8::try_from(min),
        u8::try_from(s),
    );
    match parts {
        (Ok(y), Ok(m), Ok(d), Ok(h), Ok(min), Ok(s)) => {
            DateTime::from_date_and_time(y, m, d, h, min, s).unwrap_or_default()
        }
        _ => DateTime::default(),
    }
}
