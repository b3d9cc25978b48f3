//! Exports of a selection, a collection or a filter result to a folder or a `.zip`, one at a
//! time, with progress as events and a cancel.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use atelier_core::export::{Destination, ExportSummary};
use atelier_core::library::Selection;
use atelier_core::ErrorCode;
use serde::Deserialize;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use super::{blocking, reply, say, App, Result};
use crate::events::{Event, ExportProgressed};

/// The running export's cancel flag, if one runs.
#[derive(Default)]
pub struct Exports(Mutex<Option<Arc<AtomicBool>>>);

impl Exports {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Arc<AtomicBool>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Where an export goes.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum ExportFormat {
    Folder,
    Zip,
}

/// Asks where to, then exports; `Ok(None)` when the person cancels the dialog. Progress
/// arrives as `export-progress` events.
#[tauri::command]
pub async fn export_items(
    handle: AppHandle,
    app: App<'_>,
    exports: State<'_, Arc<Exports>>,
    selection: Selection,
    format: ExportFormat,
) -> Result<Option<ExportSummary>> {
    let Some(destination) = ask_destination(&handle, format).await? else {
        return Ok(None);
    };
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut running = exports.lock();
        if running.is_some() {
            let message = "An export is already running: wait for it or cancel it.".to_owned();
            return Err(reply(ErrorCode::Invalid, message));
        }
        *running = Some(cancel.clone());
    }
    let result = blocking(&app, move |app| {
        app.export(&selection, &destination, &cancel, |progress| {
            ExportProgressed::emit(&handle, &progress);
        })
    })
    .await;
    *exports.lock() = None;
    result.map(Some)
}

#[tauri::command]
pub fn cancel_export(exports: State<'_, Arc<Exports>>) {
    if let Some(cancel) = exports.lock().as_ref() {
        cancel.store(true, Ordering::Relaxed);
    }
}

/// The dialog answers through a callback, so no worker waits while it is open.
async fn ask_destination(handle: &AppHandle, format: ExportFormat) -> Result<Option<Destination>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let dialog = handle.dialog().file().set_title("Export");
    match format {
        ExportFormat::Folder => dialog.pick_folder(move |dir| {
            let _ = tx.send(dir);
        }),
        ExportFormat::Zip => dialog
            .set_file_name("Atelier export.zip")
            .add_filter("Zip archive", &["zip"])
            .save_file(move |file| {
                let _ = tx.send(file);
            }),
    }
    let Some(chosen) = rx.await.map_err(say)? else {
        return Ok(None);
    };
    let path = chosen.into_path().map_err(say)?;
    Ok(Some(match format {
        ExportFormat::Folder => Destination::Folder(path),
        ExportFormat::Zip => Destination::Zip(path),
    }))
}
