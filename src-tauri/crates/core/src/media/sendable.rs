//! Pictures Atelier sends to a service as data (a Describe, a Blend's members, a Vary
//! Region's mask): read whole into memory, so held to a size cap, and checked like a download
//! (the format by its signature, the size before a byte of pixels is allocated) before they
//! leave, so a file that is not a picture is refused here in words, not by the service.

use std::io::Cursor;
use std::path::Path;

use image::{ImageFormat, ImageReader, Limits};

use super::format::kept_format;
use super::{Ceiling, MediaError};
use crate::providers::ImageData;

/// What a service is sent at most for one picture, and what Atelier reads into memory.
pub const MAX_SENT_BYTES: u64 = 20 * 1024 * 1024;

/// A picture of the library, as it is on disk (it met the checks when it arrived).
pub fn library_picture(path: &Path) -> Result<ImageData, MediaError> {
    let bytes = std::fs::read(path).map_err(|e| super::download::io(path, e))?;
    let format = kept_format(&bytes)
        .ok_or_else(|| MediaError::NotAnImage("not a PNG, JPEG or WebP file".into()))?;
    Ok(ImageData {
        mime: format.to_mime_type(),
        bytes,
    })
}

/// A picture from outside the library: within the size cap, a PNG, JPEG or WebP that decodes
/// within the bomb check.
pub fn outside_picture(path: &Path) -> Result<ImageData, MediaError> {
    let io = |e| super::download::io(path, e);
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_SENT_BYTES {
        return Err(MediaError::TooLarge(MAX_SENT_BYTES / 1024 / 1024));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let (format, _) = decoded(&bytes)?;
    Ok(ImageData {
        mime: format.to_mime_type(),
        bytes,
    })
}

/// The picture's format and size once it decoded within the bomb check.
pub fn decoded(bytes: &[u8]) -> Result<(ImageFormat, (u32, u32)), MediaError> {
    let format = kept_format(bytes)
        .ok_or_else(|| MediaError::NotAnImage("not a PNG, JPEG or WebP file".into()))?;
    let reader = || ImageReader::with_format(Cursor::new(bytes), format);
    let not_read = |e: image::ImageError| MediaError::NotAnImage(e.to_string());
    let (width, height) = reader().into_dimensions().map_err(not_read)?;
    let ceiling = Ceiling::ORDINARY;
    ceiling.check(width, height)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(ceiling.max_edge());
    limits.max_image_height = Some(ceiling.max_edge());
    limits.max_alloc = Some(ceiling.decoder_bytes());
    let mut reader = reader();
    reader.limits(limits);
    reader.decode().map_err(not_read)?;
    Ok((format, (width, height)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        image::RgbaImage::new(width, height)
            .write_to(&mut out, ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn a_picture_is_told_by_its_bytes_and_a_bomb_is_refused_unopened() {
        assert_eq!(decoded(&png(3, 2)).unwrap(), (ImageFormat::Png, (3, 2)));
        assert!(matches!(decoded(b"<html>"), Err(MediaError::NotAnImage(_))));
        // A header promising 20000×20000 pixels: refused before any are allocated.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        let crc = crc32fast::hash(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert!(matches!(decoded(&bomb), Err(MediaError::Oversized { .. })));
        let mut cut = png(4, 4);
        cut.truncate(cut.len() - 20);
        assert!(decoded(&cut).is_err(), "a picture cut short is not sent");
    }

    #[test]
    fn an_outside_file_over_the_cap_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.png");
        let file = std::fs::File::create(&big).unwrap();
        file.set_len(MAX_SENT_BYTES + 1).unwrap();
        assert!(matches!(
            outside_picture(&big),
            Err(MediaError::TooLarge(20))
        ));
        let small = dir.path().join("small.png");
        std::fs::write(&small, png(2, 2)).unwrap();
        assert_eq!(outside_picture(&small).unwrap().mime, "image/png");
    }
}
