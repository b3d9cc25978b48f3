//! The 2×2 grid, made locally for services that return only the four singles, so every job
//! in the gallery has the same shape: a grid and four upscales.

use image::{imageops, DynamicImage, RgbaImage};

use super::download::{check_size, decode, finish};
use super::{MediaError, MediaLibrary, SavedImage};
use crate::job::Slot;

impl MediaLibrary {
    /// Composes the grid from the job's four saved singles (relative paths, U1..U4 order).
    pub async fn compose_grid(
        &self,
        job_id: i64,
        singles: Vec<String>,
    ) -> Result<SavedImage, MediaError> {
        let stem = self.relative_stem(job_id, Slot::Grid);
        let library = self.clone();
        tokio::task::spawn_blocking(move || {
            let images = singles
                .iter()
                .map(|rel| decode(&library.resolve(rel)).map(|(img, _)| img))
                .collect::<Result<Vec<_>, _>>()?;
            let (width, height) = grid_size(&images);
            check_size(width, height)?;
            let png = encode_png(&tile(&images))?;
            let part = library.temp_file(&format!("{job_id}-grid"));
            part.write(&png)?;
            finish(&library, &stem, part, png.len() as u64)
        })
        .await
        .map_err(|e| MediaError::NotAnImage(format!("composer stopped: {e}")))?
    }
}

/// Two by two cells the size of the largest image.
fn grid_size(images: &[DynamicImage]) -> (u32, u32) {
    let cell_w = images.iter().map(DynamicImage::width).max().unwrap_or(1);
    let cell_h = images.iter().map(DynamicImage::height).max().unwrap_or(1);
    (cell_w.saturating_mul(2), cell_h.saturating_mul(2))
}

/// Lays up to four images out left-to-right, top-to-bottom in cells the size of the largest.
pub fn tile(images: &[DynamicImage]) -> RgbaImage {
    let (width, height) = grid_size(images);
    let (cell_w, cell_h) = (width / 2, height / 2);
    let mut grid = RgbaImage::new(width, height);
    for (i, img) in images.iter().take(4).enumerate() {
        let (col, row) = (i as u32 % 2, i as u32 / 2);
        let x = col * cell_w + (cell_w - img.width()) / 2;
        let y = row * cell_h + (cell_h - img.height()) / 2;
        imageops::overlay(&mut grid, &img.to_rgba8(), i64::from(x), i64::from(y));
    }
    grid
}

fn encode_png(img: &RgbaImage) -> Result<Vec<u8>, MediaError> {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    use image::ImageEncoder;
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgba8,
        )
        .map_err(|e| MediaError::NotAnImage(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgba;

    #[test]
    fn singles_land_in_their_quadrants() {
        let colours = [
            [255, 0, 0, 255],
            [0, 255, 0, 255],
            [0, 0, 255, 255],
            [9, 9, 9, 255],
        ];
        let singles: Vec<DynamicImage> = colours
            .iter()
            .map(|c| DynamicImage::ImageRgba8(RgbaImage::from_pixel(16, 9, Rgba(*c))))
            .collect();
        let grid = tile(&singles);
        assert_eq!(grid.dimensions(), (32, 18));
        assert_eq!(grid.get_pixel(1, 1).0, colours[0]);
        assert_eq!(grid.get_pixel(17, 1).0, colours[1]);
        assert_eq!(grid.get_pixel(1, 10).0, colours[2]);
        assert_eq!(grid.get_pixel(31, 17).0, colours[3]);
    }

    #[test]
    fn a_grid_too_large_to_open_is_refused_before_it_is_made() {
        let tall = DynamicImage::ImageLuma8(image::GrayImage::new(1, 9000));
        let wide = DynamicImage::ImageLuma8(image::GrayImage::new(9000, 1));
        let (w, h) = grid_size(&[tall, wide]);
        assert_eq!((w, h), (18_000, 18_000));
        assert!(matches!(
            check_size(w, h),
            Err(MediaError::Oversized { width: 18_000, .. })
        ));
    }
}
