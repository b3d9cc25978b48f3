//! The 2×2 grid, made locally for services that return only the four singles, so every job
//! in the gallery has the same shape: a grid and four upscales.

use image::{imageops, DynamicImage, GenericImageView, RgbaImage};

use super::download::{check_size, decode, dimensions, finish};
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
            let paths: Vec<_> = singles.iter().map(|rel| library.resolve(rel)).collect();
            // Every header first: four singles a grid could not hold are refused before any
            // is decoded (four at the ordinary ceiling would be a gigabyte of pixels).
            let sizes = paths
                .iter()
                .map(|path| dimensions(path))
                .collect::<Result<Vec<_>, _>>()?;
            let (width, height) = grid_size(&sizes);
            check_size(width, height)?;
            let images = paths
                .iter()
                .map(|path| decode(path).map(|(img, _)| img))
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

/// Two by two cells the size of the largest image, from the images' (width, height).
fn grid_size(sizes: &[(u32, u32)]) -> (u32, u32) {
    let cell_w = sizes.iter().map(|&(w, _)| w).max().unwrap_or(1);
    let cell_h = sizes.iter().map(|&(_, h)| h).max().unwrap_or(1);
    (cell_w.saturating_mul(2), cell_h.saturating_mul(2))
}

/// Lays up to four images out left-to-right, top-to-bottom in cells the size of the largest.
pub fn tile(images: &[DynamicImage]) -> RgbaImage {
    let sizes: Vec<_> = images.iter().map(DynamicImage::dimensions).collect();
    let (width, height) = grid_size(&sizes);
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
        let (w, h) = grid_size(&[(1, 9000), (9000, 1)]);
        assert_eq!((w, h), (18_000, 18_000));
        assert!(matches!(
            check_size(w, h),
            Err(MediaError::Oversized { width: 18_000, .. })
        ));
    }

    /// A PNG that is only a header promising `width`×`height`: reading its size works,
    /// decoding it fails, so a refusal that names the size shows nothing was decoded.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend(width.to_be_bytes());
        ihdr.extend(height.to_be_bytes());
        ihdr.extend([8, 0, 0, 0, 0]); // 8-bit greyscale, no interlace
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(13u32.to_be_bytes());
        png.extend(&ihdr);
        png.extend(crc32fast::hash(&ihdr).to_be_bytes());
        png.extend(0u32.to_be_bytes());
        png.extend(b"IDAT");
        png.extend(crc32fast::hash(b"IDAT").to_be_bytes());
        png
    }

    #[tokio::test]
    async fn singles_too_large_together_are_refused_before_any_is_decoded() {
        let dir = tempfile::tempdir().unwrap();
        let library = MediaLibrary::open(dir.path()).unwrap();
        std::fs::create_dir_all(library.resolve("jobs/1")).unwrap();
        // Each fits the ordinary ceiling (25 MP); the grid of them (100 MP) does not.
        let singles: Vec<String> = (1..=4).map(|n| format!("jobs/1/u{n}.png")).collect();
        for rel in &singles {
            std::fs::write(library.resolve(rel), png_header(5000, 5000)).unwrap();
        }
        let refused = library.compose_grid(1, singles).await.unwrap_err();
        assert!(
            matches!(
                refused,
                MediaError::Oversized {
                    width: 10_000,
                    height: 10_000,
                    ..
                }
            ),
            "{refused:?}"
        );
    }
}
