//! Importing an account's past images; progress arrives as `import-progress` events.

use atelier_core::import::ImportProgress;

use super::{blocking, App, Result};

/// Starts (or continues) the account's import and says where it starts. Reads the keychain,
/// so on the blocking pool; the import itself runs in the background.
#[tauri::command]
pub async fn import_past(app: App<'_>, account_id: i64) -> Result<ImportProgress> {
    blocking(&app, move |app| app.import_past(account_id)).await
}

/// Asks the account's import to stop after the image it is on; false when none runs.
#[tauri::command]
pub async fn cancel_import(app: App<'_>, account_id: i64) -> Result<bool> {
    blocking(&app, move |app| Ok(app.cancel_import(account_id))).await
}

/// Every account's latest import, so the window shows one running or stopped after a restart.
#[tauri::command]
pub async fn imports(app: App<'_>) -> Result<Vec<ImportProgress>> {
    blocking(&app, |app| app.imports()).await
}
