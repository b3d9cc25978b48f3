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
/// An Enhance's result is at most this many times the source upscale's size, whatever the
/// scale asked: 12× of a test's upscale would be slow to draw and to download.
const MAX_ENHANCE_FACTOR: u32 = 2;

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
            let factor = (*factor).clamp(1, MAX_ENHANCE_FACTOR);
            let large = Grid::new(prompt, width * factor, height * factor);
            codec::webp(&large.render_quadrant(*index))
        }
        (asset, _) => return encode(&grid, asset),
    };
    encoded
        .map(Bytes::from)
        .map_err(|e| format!("encoding failed: {e}"))
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
