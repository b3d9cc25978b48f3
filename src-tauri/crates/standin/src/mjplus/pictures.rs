//! What a task shows: a 2×2 grid, one quadrant of a grid (an upscale), or a picture that was
//! sent (Describe's). Rendered with `art` on first download and then kept.

use axum::body::Bytes;
use tokio::sync::OnceCell;

use crate::art::Grid;
use crate::codec;

/// Long side of the partial preview served while a task draws.
const PREVIEW_EDGE: u32 = 256;

#[derive(Clone, Debug)]
pub enum Picture {
    /// The grid drawn from `seed` at `width`×`height`.
    Grid {
        seed: String,
        width: u32,
        height: u32,
    },
    /// Quadrant `index` (0..4) of that grid, at the quadrant's size.
    Quadrant {
        seed: String,
        width: u32,
        height: u32,
        index: usize,
    },
    /// Bytes that arrived as they arrived.
    Given { mime: String, bytes: Bytes },
}

impl Picture {
    pub fn grid(seed: &str, width: u32, height: u32) -> Picture {
        Picture::Grid {
            seed: seed.into(),
            width,
            height,
        }
    }

    /// Its size in pixels, without drawing it.
    pub fn size(&self) -> (u32, u32) {
        match self {
            Picture::Grid {
                seed,
                width,
                height,
            } => {
                let (w, h) = Grid::new(seed, *width, *height).quadrant_dimensions();
                (w * 2, h * 2)
            }
            Picture::Quadrant {
                seed,
                width,
                height,
                ..
            } => Grid::new(seed, *width, *height).quadrant_dimensions(),
            Picture::Given { bytes, .. } => image::load_from_memory(bytes)
                .map(|i| (i.width(), i.height()))
                .unwrap_or((0, 0)),
        }
    }

    pub fn mime(&self) -> &str {
        match self {
            Picture::Given { mime, .. } => mime,
            _ => "image/png",
        }
    }

    fn render(&self) -> Result<Bytes, String> {
        let encoded = match self {
            Picture::Grid {
                seed,
                width,
                height,
            } => codec::png(&Grid::new(seed, *width, *height).render_grid()),
            Picture::Quadrant {
                seed,
                width,
                height,
                index,
            } => codec::png(&Grid::new(seed, *width, *height).render_quadrant(*index)),
            Picture::Given { bytes, .. } => return Ok(bytes.clone()),
        };
        encoded
            .map(Bytes::from)
            .map_err(|e| format!("encoding failed: {e}"))
    }

    /// A small soft WebP of what is being drawn, as Midjourney shows mid-way.
    fn render_preview(&self) -> Result<Bytes, String> {
        let (seed, width, height) = match self {
            Picture::Grid {
                seed,
                width,
                height,
            }
            | Picture::Quadrant {
                seed,
                width,
                height,
                ..
            } => (seed, *width, *height),
            Picture::Given { bytes, .. } => return Ok(bytes.clone()),
        };
        codec::webp(&Grid::new(seed, width, height).render_preview(PREVIEW_EDGE))
            .map(Bytes::from)
            .map_err(|e| format!("encoding failed: {e}"))
    }
}

/// Which of a task's pictures a link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Asset {
    Result,
    Preview,
}

/// A task's picture with its encodings, made once.
#[derive(Debug)]
pub struct Art {
    pub picture: Picture,
    result: OnceCell<Bytes>,
    preview: OnceCell<Bytes>,
}

impl Art {
    pub fn new(picture: Picture) -> Art {
        Art {
            picture,
            result: OnceCell::new(),
            preview: OnceCell::new(),
        }
    }

    /// The encoded bytes and their content type, rendered off the async threads.
    pub async fn bytes(&self, asset: Asset) -> Result<(String, Bytes), String> {
        let (cell, mime) = match asset {
            Asset::Result => (&self.result, self.picture.mime()),
            Asset::Preview => (&self.preview, "image/webp"),
        };
        let made = cell
            .get_or_try_init(|| {
                let picture = self.picture.clone();
                async move {
                    tokio::task::spawn_blocking(move || match asset {
                        Asset::Result => picture.render(),
                        Asset::Preview => picture.render_preview(),
                    })
                    .await
                    .map_err(|e| format!("rendering stopped: {e}"))?
                }
            })
            .await?;
        let mime = match (&self.picture, asset) {
            (Picture::Given { .. }, _) => self.picture.mime(),
            _ => mime,
        };
        Ok((mime.to_owned(), made.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_without_drawing() {
        assert_eq!(Picture::grid("cat", 64, 36).size(), (64, 36));
        let quadrant = Picture::Quadrant {
            seed: "cat".into(),
            width: 64,
            height: 36,
            index: 2,
        };
        assert_eq!(quadrant.size(), (32, 18));
    }

    #[tokio::test]
    async fn a_quadrant_is_its_grid_quarter() {
        let art = Art::new(Picture::Quadrant {
            seed: "cat".into(),
            width: 32,
            height: 32,
            index: 1,
        });
        let (mime, bytes) = art.bytes(Asset::Result).await.unwrap();
        assert_eq!(mime, "image/png");
        let back = image::load_from_memory(&bytes).unwrap().to_rgb8();
        assert_eq!(back, Grid::new("cat", 32, 32).render_quadrant(1));
        let (mime, _) = art.bytes(Asset::Preview).await.unwrap();
        assert_eq!(mime, "image/webp");
    }
}
