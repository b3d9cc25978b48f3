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

/// A lossless WebP of one colour, `width`×`height` (each at most 16,383), in a few dozen
/// bytes and no time whatever its size. Each of its Huffman codes holds a single symbol,
/// which the format writes with zero bits, so its pixels take no space at all: this is how
/// the stand-in serves a 12× Enhance (over 100 megapixels) that a real encoder would take
/// seconds and hundreds of megabytes to make. It says it has alpha (all opaque) so that a
/// decoder fills its RGBA buffer directly, with no RGB copy beside it.
pub fn flat_webp(width: u32, height: u32, colour: image::Rgb<u8>) -> Vec<u8> {
    assert!(
        (1..=16_383).contains(&width) && (1..=16_383).contains(&height),
        "WebP edges are 14 bits: {width}×{height}"
    );
    let mut bits = Bits::default();
    bits.put(0x2f, 8); // VP8L signature
    bits.put(width - 1, 14);
    bits.put(height - 1, 14);
    bits.put(1, 1); // alpha is used
    bits.put(0, 3); // version
    bits.put(0, 1); // no transform
    bits.put(0, 1); // no colour cache
    bits.put(0, 1); // no meta Huffman codes
    let [r, g, b] = colour.0;
    // Green, red, blue, alpha, distance: each a "simple" code of one 8-bit symbol.
    for symbol in [g, r, b, 255, 0] {
        bits.put(1, 1); // simple code
        bits.put(0, 1); // one symbol
        bits.put(1, 1); // of 8 bits
        bits.put(u32::from(symbol), 8);
    }
    let mut chunk = bits.into_bytes();
    let size = chunk.len() as u32;
    if chunk.len() % 2 == 1 {
        chunk.push(0); // RIFF chunks are padded to an even length
    }
    let mut out = Vec::with_capacity(20 + chunk.len());
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(12 + chunk.len() as u32).to_le_bytes());
    out.extend_from_slice(b"WEBPVP8L");
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&chunk);
    out
}

/// A bit writer, least significant bit first as VP8L reads them.
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    used: u32,
}

impl Bits {
    fn put(&mut self, value: u32, count: u32) {
        for i in 0..count {
            if self.used.is_multiple_of(8) {
                self.bytes.push(0);
            }
            let bit = ((value >> i) & 1) as u8;
            *self.bytes.last_mut().expect("a byte was pushed") |= bit << (self.used % 8);
            self.used += 1;
        }
    }

    fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
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
    fn a_flat_webp_is_tiny_and_decodes_to_its_size_and_colour() {
        let colour = image::Rgb([200, 40, 90]);
        let small = flat_webp(5, 3, colour);
        let back = image::load_from_memory(&small).unwrap();
        assert_eq!(back.dimensions(), (5, 3));
        assert!(back.to_rgb8().pixels().all(|p| *p == colour));
        let large = flat_webp(16_383, 9_000, colour);
        assert!(large.len() < 64, "{} bytes", large.len());
        let reader = image::ImageReader::new(std::io::Cursor::new(large))
            .with_guessed_format()
            .unwrap();
        assert_eq!(reader.into_dimensions().unwrap(), (16_383, 9_000));
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
