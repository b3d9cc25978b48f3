//! Streaming a download to disk so that a file either exists whole and verified, or not at all.

use std::path::{Path, PathBuf};
use std::time::Duration;

use image::{ImageError, ImageFormat, ImageReader, Limits};
use tokio::io::AsyncWriteExt;

use super::ceiling::{turn_for, Ceiling};
use super::format::{extension, is_kept};
use super::temp::TempFile;
use super::{make_thumbnails, small_of, MediaError, MediaLibrary};
use crate::data_folder::private_options;
use crate::job::Slot;
use crate::providers::Asset;

/// Generous: Midjourney upscales are a few MB; anything this large is not an image we want.
const MAX_BYTES: u64 = 200 * 1024 * 1024;

/// How long an image may take to arrive. A server can keep a connection open by sending a
/// byte now and then (the client's read timeout never fires); without these, such a server
/// holds a download slot for ever.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DownloadLimits {
    /// The whole image, from the request on.
    pub deadline: Duration,
    /// Throughput is judged over windows this long…
    pub window: Duration,
    /// …each of which must bring at least this much.
    pub min_bytes_per_window: u64,
}

impl Default for DownloadLimits {
    fn default() -> Self {
        Self {
            // An 8 MB upscale on a 1 Mbit/s line takes about a minute.
            deadline: Duration::from_secs(5 * 60),
            // 64 KiB in 20 s: 3 KB/s, far below any real connection and far above a drip.
            window: Duration::from_secs(20),
            min_bytes_per_window: 64 * 1024,
        }
    }
}

/// A verified image and its thumbnail, with paths relative to the library root.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedImage {
    pub file: String,
    pub thumb: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

impl MediaLibrary {
    /// Streams the asset to a temporary file, syncs it, decodes it once to prove it is an
    /// image, writes its thumbnails, and only then moves them all into the job's folder.
    pub async fn save(
        &self,
        job_id: i64,
        slot: Slot,
        asset: Asset,
    ) -> Result<SavedImage, MediaError> {
        self.save_within(job_id, slot, asset, Ceiling::ORDINARY)
            .await
    }

    /// [`MediaLibrary::save`] for a picture that may be as large as `ceiling` (an Enhance's).
    pub async fn save_within(
        &self,
        job_id: i64,
        slot: Slot,
        asset: Asset,
        ceiling: Ceiling,
    ) -> Result<SavedImage, MediaError> {
        // Never made here: a job deleted while its image was on the way has no folder, and
        // its image then has nowhere to land rather than becoming an orphan.
        if !self.has_job_dir(job_id) {
            return Err(MediaError::JobGone);
        }
        let stem = self.relative_stem(job_id, slot);
        let part = self.temp_file(&format!("{job_id}-{}", slot.stem()));
        let bytes = stream_to_file(asset, part.path(), self.download_limits()).await?;
        let library = self.clone();
        // The temp file moves into the blocking task, which cleans it up whatever happens to
        // this one.
        tokio::task::spawn_blocking(move || finish_within(&library, &stem, part, bytes, ceiling))
            .await
            .map_err(|e| MediaError::NotAnImage(format!("decoder stopped: {e}")))?
    }

    /// Keeps the latest partial render of a running job. It is replaced whole, so a reader
    /// never sees half a preview.
    pub async fn save_preview(&self, job_id: i64, asset: Asset) -> Result<(), MediaError> {
        let part = self.temp_file(&format!("preview-{job_id}"));
        stream_to_file(asset, part.path(), self.download_limits()).await?;
        let dest = self.preview_path(job_id);
        tokio::task::spawn_blocking(move || {
            decode(part.path())?;
            part.keep_as(&dest)
        })
        .await
        .map_err(|e| MediaError::NotAnImage(e.to_string()))?
    }
}

async fn stream_to_file(
    asset: Asset,
    part: &Path,
    limits: DownloadLimits,
) -> Result<u64, MediaError> {
    let mut options = private_options();
    options.write(true).truncate(true);
    let mut file = tokio::fs::OpenOptions::from(options)
        .open(part)
        .await
        .map_err(|e| io(part, e))?;
    let mut written: u64 = 0;
    let outcome = async {
        match asset {
            Asset::Memory(bytes) => {
                written = bytes.len() as u64;
                file.write_all(&bytes).await.map_err(|e| io(part, e))?;
            }
            Asset::Http(mut resp) => {
                let mut pace = Pace::new(limits);
                while let Some(chunk) = pace.within(resp.chunk()).await? {
                    written += chunk.len() as u64;
                    if written > MAX_BYTES {
                        return Err(MediaError::TooLarge(MAX_BYTES / 1024 / 1024));
                    }
                    file.write_all(&chunk).await.map_err(|e| io(part, e))?;
                }
            }
        }
        file.flush().await.map_err(|e| io(part, e))?;
        file.sync_all().await.map_err(|e| io(part, e))
    }
    .await;
    outcome.map(|()| written)
}

/// Reads a download's chunks within its `DownloadLimits`.
struct Pace {
    limits: DownloadLimits,
    deadline: tokio::time::Instant,
    window_start: tokio::time::Instant,
    window_bytes: u64,
}

impl Pace {
    fn new(limits: DownloadLimits) -> Self {
        let now = tokio::time::Instant::now();
        Self {
            limits,
            deadline: now + limits.deadline,
            window_start: now,
            window_bytes: 0,
        }
    }

    /// The next chunk `read` brings, if it comes in time and the download keeps its pace.
    async fn within<T: AsRef<[u8]>>(
        &mut self,
        read: impl std::future::Future<Output = reqwest::Result<Option<T>>>,
    ) -> Result<Option<T>, MediaError> {
        let chunk = tokio::time::timeout_at(self.deadline, read)
            .await
            .map_err(|_| {
                MediaError::Interrupted(format!(
                    "it took longer than {} to arrive",
                    crate::wording::duration(self.limits.deadline)
                ))
            })?
            .map_err(|e| MediaError::Interrupted(cut_off(&e)))?;
        let now = tokio::time::Instant::now();
        self.window_bytes += chunk.as_ref().map_or(0, |c| c.as_ref().len() as u64);
        if now - self.window_start >= self.limits.window {
            if self.window_bytes < self.limits.min_bytes_per_window {
                return Err(MediaError::Interrupted(
                    "the server was sending it too slowly (a few bytes at a time)".into(),
                ));
            }
            self.window_start = now;
            self.window_bytes = 0;
        }
        Ok(chunk)
    }
}

/// Verifies a downloaded (or composed) image and moves it and its thumbnails into place,
/// thumbnails first so that nothing points at a picture without them.
pub(super) fn finish(
    library: &MediaLibrary,
    stem: &str,
    part: TempFile,
    bytes: u64,
) -> Result<SavedImage, MediaError> {
    finish_within(library, stem, part, bytes, Ceiling::ORDINARY)
}

fn finish_within(
    library: &MediaLibrary,
    stem: &str,
    part: TempFile,
    bytes: u64,
    ceiling: Ceiling,
) -> Result<SavedImage, MediaError> {
    let (width, height) = dimensions(part.path())?;
    ceiling.check(width, height)?;
    // Taken before the pixels exist and kept until the thumbnails are made from them.
    let turn = turn_for(width, height);
    let (img, format) = decode_within(part.path(), ceiling)?;
    let thumbs = make_thumbnails(&img).map_err(MediaError::NotAnImage)?;
    // The picture is not needed once its thumbnails exist: its memory goes before the writes.
    drop((img, turn));
    let thumb_rel = format!("{stem}.thumb.jpg");
    library.write_atomically(&thumb_rel, &thumbs.regular)?;
    library.write_atomically(&small_of(&thumb_rel), &thumbs.small)?;
    let file_rel = format!("{stem}.{}", extension(format));
    part.keep_as(&library.resolve(&file_rel))?;
    Ok(SavedImage {
        file: file_rel,
        thumb: thumb_rel,
        width,
        height,
        bytes,
    })
}

/// Decodes a PNG, JPEG or WebP file whose header promises a picture of a sane size; the size
/// is checked before a byte of pixels is allocated.
pub(super) fn decode(path: &Path) -> Result<(image::DynamicImage, ImageFormat), MediaError> {
    decode_within(path, Ceiling::ORDINARY)
}

pub(super) fn decode_within(
    path: &Path,
    ceiling: Ceiling,
) -> Result<(image::DynamicImage, ImageFormat), MediaError> {
    let (width, height) = dimensions(path)?;
    ceiling.check(width, height)?;
    let mut reader = reader(path)?;
    let format = reader.format().unwrap_or(ImageFormat::Png);
    let mut limits = Limits::default();
    limits.max_image_width = Some(ceiling.max_edge());
    limits.max_image_height = Some(ceiling.max_edge());
    limits.max_alloc = Some(ceiling.decoder_bytes());
    reader.limits(limits);
    let img = reader.decode().map_err(|e| match e {
        ImageError::Limits(_) => ceiling.oversized(width, height),
        e => MediaError::NotAnImage(e.to_string()),
    })?;
    Ok((img, format))
}

/// What the file's header says its size is.
pub(super) fn dimensions(path: &Path) -> Result<(u32, u32), MediaError> {
    reader(path)?
        .into_dimensions()
        .map_err(|e| MediaError::NotAnImage(e.to_string()))
}

/// A reader for one of the formats Atelier keeps, whatever the file is called.
fn reader(path: &Path) -> Result<ImageReader<std::io::BufReader<std::fs::File>>, MediaError> {
    let reader = ImageReader::open(path)
        .map_err(|e| io(path, e))?
        .with_guessed_format()
        .map_err(|e| io(path, e))?;
    match reader.format() {
        Some(format) if is_kept(format) => Ok(reader),
        _ => Err(MediaError::NotAnImage(what_it_is(path).into())),
    }
}

pub(super) fn check_size(width: u32, height: u32) -> Result<(), MediaError> {
    Ceiling::ORDINARY.check(width, height)
}

/// Says why a download stopped in words, not in the HTTP library's.
fn cut_off(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "the server stopped sending".into()
    } else {
        "the connection closed before the whole image arrived".into()
    }
}

/// Names the usual impostor: a web page (a login, error or captcha page) served where an
/// image was expected.
fn what_it_is(path: &Path) -> &'static str {
    let mut head = [0u8; 64];
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    let text = String::from_utf8_lossy(&head[..n])
        .trim_start()
        .to_ascii_lowercase();
    // `<!doctype html>`, `<html>`, or an XML-ish error body: markup, not pixels.
    if text.starts_with('<') {
        "a web page instead of the image, often a login or error page"
    } else {
        "not a PNG, JPEG or WebP file"
    }
}

impl MediaLibrary {
    /// Writes `bytes` to the library path `rel` so that it is whole on disk before anything
    /// points at it.
    pub(crate) fn write_atomically(&self, rel: &str, bytes: &[u8]) -> Result<(), MediaError> {
        let part = self.temp_file("write");
        part.write(bytes)?;
        part.keep_as(&self.resolve(rel))
    }
}

pub(super) fn rename(from: &Path, to: &Path) -> Result<(), MediaError> {
    std::fs::rename(from, to).map_err(|e| io(to, e))?;
    sync_dir(to);
    Ok(())
}

/// Makes the rename itself durable. Best effort: not every platform can open a directory.
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

pub(super) fn io(path: &Path, source: std::io::Error) -> MediaError {
    MediaError::Io {
        path: PathBuf::from(path),
        source,
    }
}
