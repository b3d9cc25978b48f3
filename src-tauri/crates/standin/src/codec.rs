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

/// A decompression bomb (see `Fault::bomb`), made once: encoding it takes a moment.
pub fn bomb() -> &'static [u8] {
    static BOMB: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BOMB.get_or_init(|| grey_png(23_170))
}

/// A `side`×`side` black greyscale PNG, written row by row so that making it takes no more
/// memory than its compressed size.
fn grey_png(side: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header().expect("a PNG header");
        let mut stream = writer.stream_writer().expect("a PNG stream");
        let row = vec![0u8; side as usize];
        for _ in 0..side {
            std::io::Write::write_all(&mut stream, &row).expect("a PNG row");
        }
        stream.finish().expect("a whole PNG");
    }
    out
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

    #[test]
    fn the_bomb_is_small_on_the_wire_and_huge_inside() {
        let bomb = super::bomb();
        assert!(bomb.len() < 3 * 1024 * 1024, "{} bytes", bomb.len());
        let reader = image::ImageReader::new(std::io::Cursor::new(bomb))
            .with_guessed_format()
            .unwrap();
        assert_eq!(reader.into_dimensions().unwrap(), (23_170, 23_170));
    }
}
