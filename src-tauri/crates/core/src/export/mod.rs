//! Images on their way out of the library: the prompt and where it came from written into a
//! copy of the file (the library keeps what the service sent, byte for byte), and exports of
//! many jobs to a folder or a `.zip` with readable names and a JSON sidecar per job.
//!
//! The provenance goes into the container beside the pixels, never through a decoder: PNG
//! text chunks, a JPEG APP1 segment, a WebP `XMP ` chunk. This is written by hand rather
//! than with a container crate because each format needs a few dozen lines and the crates
//! that exist leave out part of it (XMP in WebP, turning a simple WebP into an extended one).

mod archive;
mod folder;
mod jpeg;
mod metadata;
mod names;
mod png;
mod run;
mod sidecar;
#[cfg(test)]
mod test_support;
mod webp;

use std::io;
use std::path::PathBuf;

use image::ImageFormat;

pub use metadata::{image_label, split_parameters, Provenance, XMP_NAMESPACE};
pub use names::{base_name, image_name, prompt_words};
pub use run::{export, Destination, ExportSummary, Exported, ExportedJob, MissingImage, Progress};

/// A copy of the image carrying its provenance; the pixels are not decoded or re-encoded.
/// Running it on its own output replaces what it wrote rather than adding to it.
pub fn embed(image: &[u8], provenance: &Provenance) -> Result<Vec<u8>, ExportError> {
    match image::guess_format(image) {
        Ok(ImageFormat::Png) => png::embed(image, &provenance.parameters_text(), &provenance.xmp()),
        Ok(ImageFormat::Jpeg) => jpeg::embed(image, provenance),
        Ok(ImageFormat::WebP) => webp::embed(image, provenance.xmp().as_bytes()),
        _ => Err(ExportError::UnknownFormat),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("This file is not a PNG, JPEG or WebP image, so the prompt cannot be added to it.")]
    UnknownFormat,
    #[error("The {format} image is damaged ({reason}), so the prompt cannot be added to it.")]
    Damaged {
        format: &'static str,
        reason: String,
    },
    #[error("Could not create the folder {}: {}", .path.display(), plain(.source))]
    Folder { path: PathBuf, source: io::Error },
    #[error("Could not write to {}: {}", .path.display(), plain(.source))]
    Write { path: PathBuf, source: io::Error },
    #[error("Could not write the archive {}: {reason}", .path.display())]
    Archive { path: PathBuf, reason: String },
    #[error(
        "Every name like {name} is already taken in {}: choose another folder.",
        .folder.display()
    )]
    NoFreeName { folder: PathBuf, name: String },
    #[error("Could not read the library: {0}")]
    Library(String),
}

/// An I/O error in words a person can act on; the system's own words otherwise.
fn plain(e: &io::Error) -> String {
    use io::ErrorKind as K;
    match e.kind() {
        K::StorageFull => "the disk is full".into(),
        K::QuotaExceeded => "your disk quota is used up".into(),
        K::PermissionDenied => "you do not have permission to write there".into(),
        K::ReadOnlyFilesystem => "the disk is read-only".into(),
        K::NotFound => "the folder does not exist (was the disk removed?)".into(),
        K::FileTooLarge => "the file is too large for this disk's format".into(),
        K::InvalidFilename => "the name is not allowed on this disk".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_read_as_what_to_do() {
        let full = ExportError::Write {
            path: "/media/stick/a.png".into(),
            source: io::Error::from(io::ErrorKind::StorageFull),
        };
        assert_eq!(
            full.to_string(),
            "Could not write to /media/stick/a.png: the disk is full"
        );
    }

    #[test]
    fn unknown_bytes_are_refused() {
        let p = test_support::sample();
        assert!(matches!(
            embed(b"GIF89a", &p),
            Err(ExportError::UnknownFormat)
        ));
    }
}
