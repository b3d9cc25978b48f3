//! Encoding rendered pictures into the bytes the stand-in serves.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, ImageEncoder, ImageResult, RgbImage};

/// PNG with fast compression: a 2048² grid must encode in well under a second.
pub fn png(img: &RgbImage) -> ImageResult<Vec<u8>> {
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            ExtendedColorType::Rgb8,
        )?;
    Ok(out)
}

/// Lossless WebP, the format Midjourney's partial previews usually arrive in.
pub fn webp(img: &RgbImage) -> ImageResult<Vec<u8>> {
    let mut out = Vec::new();
    WebPEncoder::new_lossless(&mut out).encode(
        img.as_raw(),
        img.width(),
        img.height(),
        ExtendedColorType::Rgb8,
    )?;
    Ok(out)
}

/// JPEG at a quality typical of web thumbnails.
pub fn jpeg(img: &RgbImage) -> ImageResult<Vec<u8>> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 82).encode(
        img.as_raw(),
        img.width(),
        img.height(),
        ExtendedColorType::Rgb8,
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::GenericImageView;

    #[test]
    fn both_formats_round_trip() {
        let img = RgbImage::from_fn(8, 6, |x, y| image::Rgb([x as u8 * 30, y as u8 * 40, 7]));
        let from_png = image::load_from_memory(&png(&img).unwrap()).unwrap();
        assert_eq!(from_png.to_rgb8(), img);
        let from_webp = image::load_from_memory(&webp(&img).unwrap()).unwrap();
        assert_eq!(from_webp.to_rgb8(), img);
        let from_jpeg = image::load_from_memory(&jpeg(&img).unwrap()).unwrap();
        assert_eq!(from_jpeg.dimensions(), (8, 6));
    }
}
