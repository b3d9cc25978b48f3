use fast_image_resize::{ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ExtendedColorType, ImageEncoder};

/// The long edge of a thumbnail: sharp in a gallery card on a 2× display.
pub const THUMB_EDGE: u32 = 512;
/// The long edge of a small thumbnail, for wall tiles and a card's upscale strip: a quarter of
/// the decoded memory of a regular one, which is what a scrolled wall of them costs.
pub const SMALL_EDGE: u32 = 256;

/// A picture's two thumbnails, as JPEG.
pub struct Thumbnails {
    pub regular: Vec<u8>,
    pub small: Vec<u8>,
}

/// Both thumbnails; the small one is made from the regular one's pixels, not the original's.
pub fn make_thumbnails(img: &DynamicImage) -> Result<Thumbnails, String> {
    let regular = resize(img, THUMB_EDGE)?;
    let small = resize(&regular, SMALL_EDGE)?;
    Ok(Thumbnails {
        regular: encode(&regular)?,
        small: encode(&small)?,
    })
}

/// A JPEG thumbnail that fits in `edge`×`edge`, keeping the aspect ratio.
pub fn make_thumbnail(img: &DynamicImage, edge: u32) -> Result<Vec<u8>, String> {
    encode(&resize(img, edge)?)
}

/// fast_image_resize is used because it is about five times quicker than `image`'s own
/// resize on 2048² grids. It reads the decoded picture as it is: converting it to RGB first
/// would copy the whole picture (three times the memory of a greyscale one) to keep 512 px.
/// For the same reason alpha is not premultiplied (that too is a full-size copy, 512 MiB for
/// a large Enhance): thumbnails are JPEG, which drops the alpha anyway.
fn resize(img: &DynamicImage, edge: u32) -> Result<DynamicImage, String> {
    resize_with(&mut Resizer::new(), img, edge)
}

fn resize_with(
    resizer: &mut Resizer,
    img: &DynamicImage,
    edge: u32,
) -> Result<DynamicImage, String> {
    let (w, h) = fit(img.width(), img.height(), edge);
    let mut dst = DynamicImage::new(w, h, img.color());
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(
            fast_image_resize::FilterType::Lanczos3,
        ))
        .use_alpha(false);
    resizer
        .resize(img, &mut dst, &options)
        .map_err(|e| e.to_string())?;
    Ok(match dst {
        rgb @ DynamicImage::ImageRgb8(_) => rgb,
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    })
}

fn encode(img: &DynamicImage) -> Result<Vec<u8>, String> {
    let (w, h) = (img.width(), img.height());
    let mut out = Vec::with_capacity((w * h / 4) as usize);
    JpegEncoder::new_with_quality(&mut out, 82)
        .write_image(img.as_bytes(), w, h, ExtendedColorType::Rgb8)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

fn fit(w: u32, h: u32, edge: u32) -> (u32, u32) {
    if w <= edge && h <= edge {
        return (w.max(1), h.max(1));
    }
    let scale = f64::from(edge) / f64::from(w.max(h));
    let sw = (f64::from(w) * scale).round().max(1.0) as u32;
    let sh = (f64::from(h) * scale).round().max(1.0) as u32;
    (sw, sh)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgba, RgbaImage};

    #[test]
    fn fits_the_long_edge_and_keeps_the_shape() {
        assert_eq!(fit(2048, 2048, 512), (512, 512));
        assert_eq!(fit(1456, 816, 512), (512, 287));
        assert_eq!(fit(816, 1456, 512), (287, 512));
        assert_eq!(fit(100, 50, 512), (100, 50));
    }

    #[test]
    fn thumbnail_is_a_jpeg_of_the_right_size_and_colour() {
        let img =
            DynamicImage::ImageRgba8(RgbaImage::from_pixel(1600, 900, Rgba([200, 30, 40, 255])));
        let jpeg = make_thumbnail(&img, 512).unwrap();
        let back = image::load_from_memory(&jpeg).unwrap().to_rgb8();
        assert_eq!(back.dimensions(), (512, 288));
        let p = back.get_pixel(256, 144);
        assert!(
            p[0] > 180 && p[1] < 60 && p[2] < 60,
            "colour drifted: {p:?}"
        );
    }

    #[test]
    fn the_small_thumbnail_is_a_quarter_of_the_regular_one() {
        let img =
            DynamicImage::ImageRgba8(RgbaImage::from_pixel(2048, 1152, Rgba([20, 200, 40, 255])));
        let both = make_thumbnails(&img).unwrap();
        let size = |jpeg: &[u8]| {
            image::load_from_memory(jpeg)
                .unwrap()
                .to_rgb8()
                .dimensions()
        };
        assert_eq!(size(&both.regular), (512, 288));
        assert_eq!(size(&both.small), (256, 144));
    }

    #[test]
    fn a_thumbnail_is_made_without_a_second_full_size_copy() {
        let img = DynamicImage::ImageRgba8(RgbaImage::from_pixel(2000, 2000, Rgba([9, 9, 9, 255])));
        let mut resizer = Resizer::new();
        resize_with(&mut resizer, &img, THUMB_EDGE).unwrap();
        let full = img.as_bytes().len();
        let extra = resizer.size_of_internal_buffers();
        // One pass's output (a few hundred rows), not another picture.
        assert!(
            extra < full / 2,
            "{extra} bytes beside a {full}-byte picture"
        );
    }

    #[test]
    fn greyscale_and_16_bit_pictures_get_colour_thumbnails_of_the_right_size() {
        let grey =
            DynamicImage::ImageLuma8(image::GrayImage::from_pixel(1000, 500, image::Luma([120])));
        let deep = DynamicImage::ImageRgba16(image::ImageBuffer::from_pixel(
            600,
            1200,
            Rgba([65535, 0, 0, 65535]),
        ));
        for (img, size) in [(grey, (512, 256)), (deep, (256, 512))] {
            let thumb = image::load_from_memory(&make_thumbnail(&img, 512).unwrap()).unwrap();
            assert_eq!(thumb.to_rgb8().dimensions(), size);
        }
    }
}
