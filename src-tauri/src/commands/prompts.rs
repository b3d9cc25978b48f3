//! Prompt memory: recent prompts and prompts saved under a name.

use atelier_core::store::SavedPrompt;

use super::{blocking, App, Result};

/// Distinct prompts sent before that contain `query`, newest first.
#[tauri::command]
pub async fn recent_prompts(app: App<'_>, query: String, limit: u32) -> Result<Vec<String>> {
    blocking(&app, move |app| app.recent_prompts(&query, limit)).await
}

#[tauri::command]
pub async fn saved_prompts(app: App<'_>) -> Result<Vec<SavedPrompt>> {
    blocking(&app, |app| app.saved_prompts()).await
}

#[tauri::command]
pub async fn save_prompt(app: App<'_>, name: String, text: String) -> Result<SavedPrompt> {
    blocking(&app, move |app| app.save_prompt(&name, &text)).await
}

#[tauri::command]
pub async fn delete_saved_prompt(app: App<'_>, id: i64) -> Result<()> {
    blocking(&app, move |app| app.delete_saved_prompt(id)).await
}
