//! Pictures that arrive in a request as `data:image/png;base64,…` URLs: decoded and read so
//! that a test can see what arrived, and refused with a reason when they are not pictures.

use axum::body::Bytes;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use image::{GenericImageView, ImageFormat};

/// A decoded picture that arrived.
#[derive(Clone, Debug)]
pub struct Upload {
    pub bytes: Bytes,
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
    /// Its mean colour.
    pub mean: [u8; 3],
    /// The share of its pixels that are white (each channel ≥ 250), 0..=1.
    pub white: f64,
}

/// Decodes `data:<mime>;base64,<data>`; the error says what is wrong with it (`what` names
/// the field for the message).
pub fn decode(url: &str, what: &str) -> Result<Upload, String> {
    let shape = || format!("{what} must be a data URL like \"data:image/png;base64,iVBOR…\"");
    let rest = url.strip_prefix("data:").ok_or_else(shape)?;
    let (_claimed, data) = rest.split_once(";base64,").ok_or_else(shape)?;
    let bytes = STANDARD
        .decode(data.trim())
        .map_err(|e| format!("{what} is not valid base64: {e}"))?;
    let format = image::guess_format(&bytes)
        .map_err(|_| format!("{what} is not a picture (PNG, JPEG or WebP)"))?;
    let picture = image::load_from_memory_with_format(&bytes, format)
        .map_err(|e| format!("{what} is not a readable picture: {e}"))?;
    let (width, height) = picture.dimensions();
    let rgb = picture.to_rgb8();
    let n = u64::from(width) * u64::from(height);
    let mut sum = [0u64; 3];
    let mut white = 0u64;
    for p in rgb.pixels() {
        for (s, c) in sum.iter_mut().zip(p.0) {
            *s += u64::from(c);
        }
        white += u64::from(p.0.iter().all(|&c| c >= 250));
    }
    Ok(Upload {
        bytes: Bytes::from(bytes),
        format,
        width,
        height,
        mean: sum.map(|s| (s / n.max(1)) as u8),
        white: white as f64 / n.max(1) as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data_url(img: &image::RgbImage) -> String {
        let png = crate::codec::png(img).unwrap();
        format!("data:image/png;base64,{}", STANDARD.encode(png))
    }

    #[test]
    fn reads_size_colour_and_white_share() {
        let img = image::RgbImage::from_fn(4, 2, |x, _| {
            image::Rgb(if x == 0 { [255; 3] } else { [0, 0, 0] })
        });
        let up = decode(&data_url(&img), "mask").unwrap();
        assert_eq!((up.width, up.height, up.format), (4, 2, ImageFormat::Png));
        assert_eq!(up.white, 0.25);
    }

    #[test]
    fn refusals_name_the_field() {
        for bad in [
            "iVBOR",
            "data:image/png;base64,@@@",
            "data:image/png;base64,aGVsbG8=",
        ] {
            let e = decode(bad, "base64Array[1]").unwrap_err();
            assert!(e.starts_with("base64Array[1] "), "{e}");
        }
    }
}
