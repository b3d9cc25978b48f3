//! Commands the web view may call. Each is a line or two over `Atelier`; errors reach the UI
//! as the sentence to show.

use std::path::PathBuf;
use std::sync::Arc;

use atelier_core::jobs::Job;
use atelier_core::providers::{Health, ProviderKind};
use atelier_core::settings::ProviderSettings;
use atelier_core::store::JobQuery;
use atelier_core::Atelier;
use tauri::{AppHandle, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

type App<'a> = State<'a, Arc<Atelier>>;
type Result<T> = std::result::Result<T, String>;

/// The one service this build talks to; accounts arrive with the provider switcher.
const PROVIDER: ProviderKind = ProviderKind::ImagineApi;

fn say(e: impl std::fmt::Display) -> String {
    e.to_string()
}

#[tauri::command]
pub async fn get_settings(app: App<'_>) -> Result<ProviderSettings> {
    app.settings(PROVIDER).map_err(say)
}

#[tauri::command]
pub async fn save_token(app: App<'_>, token: String) -> Result<ProviderSettings> {
    app.save_token(PROVIDER, &token).map_err(say)
}

#[tauri::command]
pub async fn clear_token(app: App<'_>) -> Result<ProviderSettings> {
    app.clear_token(PROVIDER).map_err(say)
}

#[tauri::command]
pub async fn set_base_url(app: App<'_>, url: String) -> Result<ProviderSettings> {
    app.set_base_url(PROVIDER, &url).map_err(say)
}

#[tauri::command]
pub async fn test_connection(app: App<'_>) -> Result<Health> {
    app.test_connection(PROVIDER).await.map_err(say)
}

#[tauri::command]
pub async fn submit_prompt(app: App<'_>, prompt: String) -> Result<Job> {
    app.submit(PROVIDER, &prompt).await.map_err(say)
}

#[tauri::command]
pub async fn list_jobs(app: App<'_>, search: Option<String>) -> Result<Vec<Job>> {
    let query = JobQuery {
        search,
        ..JobQuery::default()
    };
    app.jobs(&query).map_err(say)
}

#[tauri::command]
pub async fn reveal_image(handle: AppHandle, app: App<'_>, image_id: i64) -> Result<()> {
    let path = image_path(&app, image_id)?;
    handle.opener().reveal_item_in_dir(path).map_err(say)
}

/// Asks where to save a copy; `Ok(None)` when the person cancels.
#[tauri::command]
pub async fn save_image_as(
    handle: AppHandle,
    app: App<'_>,
    image_id: i64,
    suggested_name: String,
) -> Result<Option<String>> {
    let source = image_path(&app, image_id)?;
    let ext = source
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("png")
        .to_owned();
    let Some(dest) = handle
        .dialog()
        .file()
        .set_file_name(format!("{suggested_name}.{ext}"))
        .add_filter("Image", &[ext.as_str()])
        .blocking_save_file()
    else {
        return Ok(None);
    };
    let dest = dest.into_path().map_err(say)?;
    tokio::fs::copy(&source, &dest)
        .await
        .map_err(|e| format!("Could not save to {}: {e}", dest.display()))?;
    Ok(Some(dest.display().to_string()))
}

#[tauri::command]
pub async fn copy_image(handle: AppHandle, app: App<'_>, image_id: i64) -> Result<()> {
    let path = image_path(&app, image_id)?;
    let rgba = tokio::task::spawn_blocking(move || image_rgba(&path))
        .await
        .map_err(say)??;
    let (w, h) = rgba.dimensions();
    let img = tauri::image::Image::new_owned(rgba.into_raw(), w, h);
    handle.clipboard().write_image(&img).map_err(say)
}

fn image_path(app: &Atelier, image_id: i64) -> Result<PathBuf> {
    app.image_file(image_id, false)
        .map_err(say)?
        .filter(|p| p.is_file())
        .ok_or_else(|| "That image is no longer in the library.".to_owned())
}

fn image_rgba(path: &std::path::Path) -> Result<atelier_core::media::RgbaImage> {
    atelier_core::media::load_rgba(path).map_err(say)
}
