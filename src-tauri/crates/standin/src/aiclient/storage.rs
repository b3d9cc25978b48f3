//! `/storage/midjourney/{file}`: each finished image and its thumbnail, made on first request
//! (or when a completed entry first reports its file size) and then kept in memory.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::job::{ImageInfo, Job};
use super::Shared;
use crate::art::Grid;
use crate::codec;
use crate::prompt::Aspect;

/// Longest side of a thumbnail.
const THUMB_EDGE: u32 = 512;
/// A `[broken-image]` job's second image stops after this many bytes: a PNG cut short.
const BROKEN_LEN: usize = 100;
const PNG: &str = ".png";
const THUMB: &str = ".png.thumbnail.jpg";

/// One image's encoded bytes; `Bytes` shares one buffer between the cache and every response.
#[derive(Clone, Debug)]
pub struct Single {
    pub png: Bytes,
    pub thumbnail: Bytes,
}

/// The grid the four images are cut from: its long side is two images' long side, so each
/// image honours the prompt's `--ar` and has the configured long side.
fn grid(prompt: &str, image_size: u32) -> Grid {
    let (width, height) = Aspect::of(prompt).fit(image_size.saturating_mul(2));
    Grid::new(prompt, width, height)
}

/// The four images as a completed response entry lists them; `base` is `http://host`.
pub async fn images(job: &Arc<Job>, base: &str, image_size: u32) -> Result<Vec<ImageInfo>, String> {
    let singles = tokio::try_join!(
        single(job, 0, image_size),
        single(job, 1, image_size),
        single(job, 2, image_size),
        single(job, 3, image_size),
    )?;
    let (w, h) = grid(&job.prompt, image_size).quadrant_dimensions();
    let sizes = [singles.0, singles.1, singles.2, singles.3].map(|s| s.png.len());
    let infos = job
        .files
        .iter()
        .zip(sizes)
        .map(|(stem, filesize)| ImageInfo {
            url: format!("{base}/storage/midjourney/{stem}{PNG}"),
            thumbnail_url: format!("{base}/storage/midjourney/{stem}{THUMB}"),
            dimensions: format!("{w}x{h}"),
            // The size as stored, also for a `[broken-image]` download that stops short.
            filesize,
        });
    Ok(infos.collect())
}

/// Image `index`, rendered off the async threads the first time anyone asks for it.
async fn single(job: &Arc<Job>, index: usize, image_size: u32) -> Result<Single, String> {
    let cell = job.cache.get(index).ok_or("no such image")?;
    let made = cell
        .get_or_try_init(|| {
            let prompt = job.prompt.clone();
            async move {
                tokio::task::spawn_blocking(move || render(&prompt, index, image_size))
                    .await
                    .map_err(|e| format!("rendering stopped: {e}"))?
            }
        })
        .await?;
    Ok(made.clone())
}

fn render(prompt: &str, index: usize, image_size: u32) -> Result<Single, String> {
    let img = grid(prompt, image_size).render_quadrant(index);
    let (w, h) = img.dimensions();
    let scale = (f64::from(THUMB_EDGE) / f64::from(w.max(h))).min(1.0);
    let side = |n: u32| ((f64::from(n) * scale).round() as u32).max(1);
    let thumb = image::imageops::thumbnail(&img, side(w), side(h));
    let encoded = codec::png(&img).and_then(|png| Ok((png, codec::jpeg(&thumb)?)));
    let (png, thumbnail) = encoded.map_err(|e| format!("encoding failed: {e}"))?;
    Ok(Single {
        png: Bytes::from(png),
        thumbnail: Bytes::from(thumbnail),
    })
}

/// `GET /storage/midjourney/{stem}.png` or `….png.thumbnail.jpg`; public, as the web server
/// serves Laravel's storage folder without asking the app.
pub async fn serve(
    State(shared): State<Arc<Shared>>,
    file: Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(file)) = file else {
        return not_found();
    };
    let (stem, thumbnail) = match file.strip_suffix(THUMB) {
        Some(stem) => (stem, true),
        None => match file.strip_suffix(PNG) {
            Some(stem) => (stem, false),
            None => return not_found(),
        },
    };
    let Some((job, index)) = shared.store.file(stem) else {
        return not_found();
    };
    let made = match single(&job, index, shared.config.image_size).await {
        Ok(made) => made,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let (kind, body) = if thumbnail {
        ("image/jpeg", made.thumbnail)
    } else if job.script.broken_image && index == 1 {
        (
            "image/png",
            made.png.slice(..BROKEN_LEN.min(made.png.len())),
        )
    } else {
        ("image/png", made.png)
    };
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

/// The web server's own 404 page: storage files never reach Laravel.
fn not_found() -> Response {
    let page = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n\
                <center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n\
                </body>\r\n</html>\r\n";
    (StatusCode::NOT_FOUND, Html(page)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singles_are_quadrants_with_the_configured_long_side() {
        assert_eq!(grid("cats --ar 16:9", 64).quadrant_dimensions(), (64, 36));
        assert_eq!(grid("cats --ar 2:3", 64).quadrant_dimensions(), (43, 64));
        assert_eq!(grid("cats", 64).quadrant_dimensions(), (64, 64));
    }

    #[test]
    fn render_makes_a_png_and_a_small_jpeg() {
        let made = render("cats --ar 16:9", 2, 600).unwrap();
        let png = image::load_from_memory(&made.png).unwrap();
        assert_eq!((png.width(), png.height()), (600, 338));
        let thumb = image::load_from_memory(&made.thumbnail).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (512, 288));
    }
}
