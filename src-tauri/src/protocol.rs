//! `atelier://` serves library images to the web view by id, so the web view never learns or
//! chooses a file path, and images never travel as base64 over IPC.
//!
//! Routes: `/image/{image id}`, `/thumb/{image id}` (512 px), `/small/{image id}` (256 px),
//! `/preview/{job id}`.

use std::path::PathBuf;
use std::sync::Arc;

use atelier_core::app::ImageSize;
use atelier_core::media;
use atelier_core::Atelier;
use tauri::http::{header, Request, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

pub const SCHEME: &str = "atelier";

pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().state::<Arc<Atelier>>().inner().clone();
    let path = request.uri().path().to_owned();
    // Lookups and file reads happen off the thread that serves the web view.
    tauri::async_runtime::spawn_blocking(move || {
        responder.respond(respond(&app, &path));
    });
}

fn respond(app: &Atelier, path: &str) -> Response<Vec<u8>> {
    let Some((file, cache)) = resolve(app, path) else {
        return status(StatusCode::NOT_FOUND);
    };
    match std::fs::read(&file) {
        Ok(bytes) => Response::builder()
            .header(header::CONTENT_TYPE, sniff(&bytes))
            .header(header::CACHE_CONTROL, cache)
            .body(bytes)
            .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR)),
        Err(_) => status(StatusCode::NOT_FOUND),
    }
}

fn resolve(app: &Atelier, path: &str) -> Option<(PathBuf, &'static str)> {
    let mut parts = path.trim_start_matches('/').split('/');
    let (kind, id) = (parts.next()?, parts.next()?.parse::<i64>().ok()?);
    let size = match kind {
        // Previews are replaced while a job runs.
        "preview" => return Some((app.preview_file(id), "no-store")),
        "image" => ImageSize::Full,
        "thumb" => ImageSize::Thumb,
        "small" => ImageSize::Small,
        _ => return None,
    };
    // Library files never change once written.
    Some((
        app.image_file(id, size).ok()??,
        "max-age=31536000, immutable",
    ))
}

/// The content type from the file's signature: only the formats the library keeps are
/// served as images.
fn sniff(bytes: &[u8]) -> &'static str {
    media::kept_format(bytes).map_or("application/octet-stream", |f| f.to_mime_type())
}

fn status(code: StatusCode) -> Response<Vec<u8>> {
    let mut resp = Response::new(Vec::new());
    *resp.status_mut() = code;
    resp
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn sniffs_the_formats_the_library_keeps() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), "image/jpeg");
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8L"), "image/webp");
        assert_eq!(sniff(b"<html>"), "application/octet-stream");
        assert_eq!(sniff(b"GIF89a"), "application/octet-stream");
    }
}
