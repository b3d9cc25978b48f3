//! Commands the web view may call. Each is a line or two over `Atelier`; errors reach the UI
//! as the sentence to show.

use std::path::PathBuf;
use std::sync::Arc;

use atelier_core::accounts::{AccountView, HistoryChoice};
use atelier_core::app::NewAccount;
use atelier_core::jobs::Job;
use atelier_core::preferences::Preferences;
use atelier_core::providers::Health;
use atelier_core::store::JobQuery;
use atelier_core::Atelier;
use tauri::{AppHandle, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

type App<'a> = State<'a, Arc<Atelier>>;
type Result<T> = std::result::Result<T, String>;

fn say(e: impl std::fmt::Display) -> String {
    e.to_string()
}

#[tauri::command]
pub async fn list_accounts(app: App<'_>) -> Result<Vec<AccountView>> {
    app.accounts().map_err(say)
}

#[tauri::command]
pub async fn add_account(app: App<'_>, account: NewAccount) -> Result<AccountView> {
    app.add_account(&account).map_err(say)
}

#[tauri::command]
pub async fn update_account(
    app: App<'_>,
    id: i64,
    label: String,
    base_url: String,
) -> Result<AccountView> {
    app.update_account(id, &label, &base_url).map_err(say)
}

#[tauri::command]
pub async fn set_account_token(app: App<'_>, id: i64, token: String) -> Result<AccountView> {
    app.set_token(id, &token).map_err(say)
}

#[tauri::command]
pub async fn set_active_account(app: App<'_>, id: i64) -> Result<AccountView> {
    app.set_active(id).map_err(say)
}

#[tauri::command]
pub async fn delete_account(app: App<'_>, id: i64, history: HistoryChoice) -> Result<()> {
    app.delete_account(id, history).map_err(say)
}

#[tauri::command]
pub async fn test_connection(app: App<'_>, id: i64) -> Result<Health> {
    app.test_connection(id).await.map_err(say)
}

#[tauri::command]
pub async fn submit_prompt(app: App<'_>, account_id: i64, prompt: String) -> Result<Job> {
    app.submit(account_id, &prompt).await.map_err(say)
}

/// Stops following a job; the service may still finish it.
#[tauri::command]
pub async fn cancel_job(app: App<'_>, job_id: i64) -> Result<()> {
    app.cancel(job_id).map_err(say)
}

#[tauri::command]
pub async fn preferences(app: App<'_>) -> Result<Preferences> {
    app.preferences().map_err(say)
}

#[tauri::command]
pub async fn set_job_timeout(app: App<'_>, minutes: u32) -> Result<Preferences> {
    app.set_job_timeout(minutes).map_err(say)
}

/// Follows a job again: fetches missing images, keeps waiting, or resumes a cancelled one.
#[tauri::command]
pub async fn retry_job(app: App<'_>, job_id: i64) -> Result<()> {
    app.retry(job_id).map_err(say)
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
