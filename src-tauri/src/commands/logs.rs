use tauri::{AppHandle, Manager};
use tauri_plugin_opener::OpenerExt;

use super::{say, Result};

/// Shows the log folder in the file manager, for a person asked to send their logs.
#[tauri::command]
pub async fn open_logs_folder(handle: AppHandle) -> Result<()> {
    open_logs(&handle)
}

/// Also the Help menu's item.
pub fn open_logs(handle: &AppHandle) -> Result<()> {
    let dir = handle.path().app_log_dir().map_err(say)?;
    std::fs::create_dir_all(&dir).map_err(say)?;
    handle
        .opener()
        .open_path(dir.to_string_lossy(), None::<&str>)
        .map_err(say)
}
