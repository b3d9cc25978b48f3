//! The 2×2 grid, made locally for services that return only the four singles, so every job
//! in the gallery has the same shape: a grid and four upscales.

use image::{imageops, DynamicImage, RgbaImage};

use super::download::finish;
use super::{MediaError, MediaLibrary, SavedImage};
use crate::jobs::model::Slot;

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
                .map(|rel| {
                    image::open(library.resolve(rel))
                        .map_err(|e| MediaError::NotAnImage(e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let png = encode_png(&tile(&images))?;
            let part = library.temp_file(&format!("{job_id}-grid"));
            part.write(&png)?;
            finish(&library, &stem, part, png.len() as u64)
        })
        .await
        .map_err(|e| MediaError::NotAnImage(format!("composer stopped: {e}")))?
    }
}

/// Lays up to four images out left-to-right, top-to-bottom in cells the size of the largest.
pub fn tile(images: &[DynamicImage]) -> RgbaImage {
    let cell_w = images.iter().map(DynamicImage::width).max().unwrap_or(1);
    let cell_h = images.iter().map(DynamicImage::height).max().unwrap_or(1);
    let mut grid = RgbaImage::new(cell_w * 2, cell_h * 2);
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
}
