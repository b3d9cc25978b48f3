//! What leaves the library: reveal, save a copy, copy to the clipboard (pixels or a file),
//! drag out. The web view
//! names images by id; paths are resolved here and never sent to it.

use std::path::PathBuf;

use atelier_core::app::ImageSize;
use atelier_core::ErrorReply;
use tauri::{AppHandle, Window};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use atelier_core::ErrorCode;

use super::{blocking, fail, reply, say, App, Result};

#[tauri::command]
pub async fn reveal_image(handle: AppHandle, app: App<'_>, image_id: i64) -> Result<()> {
    let path = image_path(&app, image_id).await?;
    handle.opener().reveal_item_in_dir(path).map_err(say)
}

/// Asks where to save a copy, suggesting the name exports give it; `Ok(None)` when the
/// person cancels.
#[tauri::command]
pub async fn save_image_as(
    handle: AppHandle,
    app: App<'_>,
    image_id: i64,
) -> Result<Option<String>> {
    let name = blocking(&app, move |app| app.outgoing_name(image_id))
        .await?
        .ok_or_else(gone)?;
    let ext = name
        .rsplit_once('.')
        .map_or("png", |(_, ext)| ext)
        .to_owned();
    // The dialog answers through a callback, so no worker waits while it is open.
    let (tx, rx) = tokio::sync::oneshot::channel();
    handle
        .dialog()
        .file()
        .set_file_name(name)
        .add_filter("Image", &[ext.as_str()])
        .save_file(move |dest| {
            let _ = tx.send(dest);
        });
    let Some(dest) = rx.await.map_err(say)? else {
        return Ok(None);
    };
    let dest = dest.into_path().map_err(say)?;
    let shown = dest.display().to_string();
    // A copy with the prompt written in; the library's file stays as the service sent it.
    let saved = blocking(&app, move |app| app.save_image(image_id, &dest)).await?;
    if !saved {
        return Err(gone());
    }
    Ok(Some(shown))
}

#[tauri::command]
pub async fn copy_image(handle: AppHandle, app: App<'_>, image_id: i64) -> Result<()> {
    let path = image_path(&app, image_id).await?;
    let rgba = tokio::task::spawn_blocking(move || atelier_core::media::load_rgba(&path))
        .await
        .map_err(say)?
        .map_err(|e| fail(e.into()))?;
    let (w, h) = rgba.dimensions();
    let img = tauri::image::Image::new_owned(rgba.into_raw(), w, h);
    handle.clipboard().write_image(&img).map_err(say)
}

/// Puts a copy of the image on the clipboard as a file, carrying its prompt: pasted into a
/// file manager or a chat, the file arrives (Copy puts the pixels, for image editors).
#[tauri::command]
pub async fn copy_image_file(app: App<'_>, image_id: i64) -> Result<()> {
    let files = blocking(&app, move |app| app.outgoing_copies(&[image_id]))
        .await?
        .ok_or_else(gone)?;
    tokio::task::spawn_blocking(move || {
        // The clipboard plugin's own instance keeps the clipboard served after this one goes.
        arboard::Clipboard::new()?.set().file_list(&files)
    })
    .await
    .map_err(say)?
    .map_err(say)
}

/// Starts a native drag of the images' files out of the window (HTML5 drag cannot carry files
/// out of WebKitGTK), with the first one's small thumbnail under the pointer.
#[tauri::command]
pub async fn drag_images(
    handle: AppHandle,
    window: Window,
    app: App<'_>,
    image_ids: Vec<i64>,
) -> Result<()> {
    let Some(&first) = image_ids.first() else {
        return Ok(());
    };
    // Copies that carry their prompts and readable names go out, not the library's files.
    let (files, icon) = blocking(&app, move |app| {
        let files = app.outgoing_copies(&image_ids)?;
        Ok((files, app.image_file(first, ImageSize::Small)?))
    })
    .await?;
    let (Some(files), Some(icon)) = (files, icon) else {
        return Err(gone());
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    handle
        .run_on_main_thread(move || {
            let _ = tx.send(start_drag(&window, files, icon));
        })
        .map_err(say)?;
    rx.await.map_err(say)?
}

/// Runs on the main thread, as the toolkit requires.
fn start_drag(window: &Window, files: Vec<PathBuf>, icon: PathBuf) -> Result<()> {
    #[cfg(target_os = "linux")]
    let target = window.gtk_window().map_err(say)?;
    #[cfg(not(target_os = "linux"))]
    let target = window.clone();
    drag::start_drag(
        &target,
        drag::DragItem::Files(files),
        drag::Image::File(icon),
        |_, _| {},
        drag::Options::default(),
    )
    .map_err(say)
}

async fn image_path(app: &App<'_>, image_id: i64) -> Result<PathBuf> {
    blocking(app, move |app| app.image_file(image_id, ImageSize::Full))
        .await?
        .filter(|p| p.is_file())
        .ok_or_else(gone)
}

fn gone() -> ErrorReply {
    reply(
        ErrorCode::NotFound,
        "That image is no longer in the library.".to_owned(),
    )
}
