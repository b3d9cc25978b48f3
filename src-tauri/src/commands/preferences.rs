//! The app's own options.

use std::sync::Arc;

use atelier_core::preferences::Preferences;

use super::{blocking, App, Result};

#[tauri::command]
pub async fn preferences(app: App<'_>) -> Result<Preferences> {
    blocking(&app, |app| app.preferences()).await
}

#[tauri::command]
pub async fn set_job_timeout(app: App<'_>, minutes: u32) -> Result<Preferences> {
    blocking(&app, move |app| app.set_job_timeout(minutes)).await
}

#[tauri::command]
pub async fn set_notifications(
    app: App<'_>,
    announcer: tauri::State<'_, Arc<crate::announce::Announcer>>,
    on: bool,
) -> Result<Preferences> {
    let prefs = blocking(&app, move |app| app.set_notifications(on)).await?;
    announcer.set_enabled(prefs.notifications);
    Ok(prefs)
}
