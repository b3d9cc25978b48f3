//! Which of the formats Atelier keeps a file is in, as `image` tells it from the signature.

use image::ImageFormat;

/// The containers the library keeps: what the services send. Anything else is refused.
pub fn is_kept(format: ImageFormat) -> bool {
    matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP
    )
}

/// What the bytes are, from their signature (never from a file name), when Atelier keeps it.
pub fn kept_format(bytes: &[u8]) -> Option<ImageFormat> {
    image::guess_format(bytes).ok().filter(|f| is_kept(*f))
}

/// The extension the library gives a file of this format ("jpg" rather than "jpeg").
pub fn extension(format: ImageFormat) -> &'static str {
    format.extensions_str()[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_formats_are_told_by_their_signature() {
        let png = kept_format(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        assert_eq!(png, Some(ImageFormat::Png));
        assert_eq!(kept_format(b"\xFF\xD8\xFF\xE0"), Some(ImageFormat::Jpeg));
        assert_eq!(
            kept_format(b"RIFF\0\0\0\0WEBPVP8L"),
            Some(ImageFormat::WebP)
        );
        assert_eq!(kept_format(b"GIF89a"), None, "read, but not kept");
        assert_eq!(kept_format(b"<!doctype html>"), None);
        let named = [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP].map(extension);
        assert_eq!(named, ["png", "jpg", "webp"]);
    }
}
