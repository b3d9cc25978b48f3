//! `/assets/{fileId}/{name}`: the pictures, made on first request and then kept in memory.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::job::{Asset, Job, Origin};
use super::{directus, Shared};
use crate::art::Grid;
use crate::codec;
use crate::prompt::Aspect;

/// Long side of the partial preview shown while a job runs.
const PREVIEW_EDGE: u32 = 256;
/// A `[broken-image]` job's U2 stops after this many bytes: a PNG cut short mid-stream.
const BROKEN_LEN: usize = 100;
/// An Enhance's result up to this many pixels is the source upscale drawn again at its size;
/// beyond, drawing and encoding it would slow every test, so it is one flat colour (the
/// upscale's), still exactly the size the service would send.
const DRAWN_ENHANCE_PIXELS: u64 = 4 * 1024 * 1024;

/// `GET /assets/{fileId}/{anything}`; Directus ignores the file name part.
pub async fn named(
    state: State<Arc<Shared>>,
    Path((file, _name)): Path<(String, String)>,
) -> Response {
    serve(state, file).await
}

/// `GET /assets/{fileId}`.
pub async fn bare(state: State<Arc<Shared>>, Path(file): Path<String>) -> Response {
    serve(state, file).await
}

async fn serve(State(shared): State<Arc<Shared>>, file: String) -> Response {
    let Some((job, asset)) = shared.jobs.file(&file) else {
        return directus::forbidden();
    };
    let bytes = match bytes(&job, asset, shared.config.grid_size).await {
        Ok(b) => b,
        Err(message) => return directus::internal(&message),
    };
    let body = if job.script.broken_image && asset == Asset::Upscale(1) {
        bytes.slice(..BROKEN_LEN.min(bytes.len()))
    } else {
        bytes
    };
    let ext = asset.extension();
    (
        [
            (header::CONTENT_TYPE, format!("image/{ext}")),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file}.{ext}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The encoded picture, rendered off the async threads the first time it is asked for.
/// `Bytes` shares one buffer between the cache and every response.
pub async fn bytes(job: &Arc<Job>, asset: Asset, grid_size: u32) -> Result<Bytes, String> {
    let cell = &job.cache[asset.slot()];
    let made = cell
        .get_or_try_init(|| {
            let (prompt, origin) = (job.prompt.clone(), job.origin.clone());
            async move {
                tokio::task::spawn_blocking(move || render(&prompt, &origin, grid_size, asset))
                    .await
                    .map_err(|e| format!("rendering stopped: {e}"))?
            }
        })
        .await?;
    Ok(made.clone())
}

fn render(prompt: &str, origin: &Origin, grid_size: u32, asset: Asset) -> Result<Bytes, String> {
    let (width, height) = Aspect::of(prompt).fit(grid_size);
    let grid = Grid::new(prompt, width, height);
    let encoded = match (asset, origin) {
        // The source upscale drawn again at a larger size: the same picture, enhanced.
        (Asset::Enhanced, Origin::Enhance { index, factor, .. }) => {
            enhanced(&grid, prompt, *index, *factor)
        }
        (asset, _) => return encode(&grid, asset),
    };
    encoded
        .map(Bytes::from)
        .map_err(|e| format!("encoding failed: {e}"))
}

/// The source upscale (quadrant `index` of `grid`) `factor` times wider and higher.
fn enhanced(grid: &Grid, prompt: &str, index: usize, factor: u32) -> image::ImageResult<Vec<u8>> {
    let (w, h) = grid.quadrant_dimensions();
    let (w, h) = (w * factor, h * factor);
    if u64::from(w) * u64::from(h) <= DRAWN_ENHANCE_PIXELS {
        return codec::webp(&Grid::new(prompt, w * 2, h * 2).render_quadrant(index));
    }
    // The real service's output is WebP too, whose edges cannot pass 16,383 px.
    let colour = mean(&Grid::new(prompt, 32, 32).render_quadrant(index));
    Ok(codec::flat_webp(w.min(16_383), h.min(16_383), colour))
}

fn mean(img: &image::RgbImage) -> image::Rgb<u8> {
    let n = u64::from(img.width()) * u64::from(img.height());
    let mut sum = [0u64; 3];
    for p in img.pixels() {
        for (s, c) in sum.iter_mut().zip(p.0) {
            *s += u64::from(c);
        }
    }
    image::Rgb(sum.map(|s| (s / n.max(1)) as u8))
}

fn encode(grid: &Grid, asset: Asset) -> Result<Bytes, String> {
    let encoded = match asset {
        Asset::Grid => codec::png(&grid.render_grid()),
        Asset::Upscale(i) => codec::png(&grid.render_quadrant(i)),
        Asset::Preview => codec::webp(&grid.render_preview(PREVIEW_EDGE)),
        Asset::Enhanced => return Err("an Enhance result without its source".into()),
    };
    encoded
        .map(Bytes::from)
        .map_err(|e| format!("encoding failed: {e}"))
}
