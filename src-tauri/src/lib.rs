//! The Tauri shell: opens the core, forwards its events, serves images, and exposes commands.
//! Everything that decides anything lives in `atelier-core`.

mod commands;
mod protocol;

use std::sync::Arc;

use atelier_core::jobs::{EngineConfig, Job, Notice};
use atelier_core::secrets::KeychainStore;
use atelier_core::Atelier;
use tauri::{AppHandle, Emitter, Manager};

/// The keychain service tokens are filed under (the app's bundle identifier).
const KEYCHAIN_SERVICE: &str = "dev.atelier.app";

pub fn run() {
    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .register_asynchronous_uri_scheme_protocol(protocol::SCHEME, protocol::handle)
        .setup(|app| {
            let atelier = Arc::new(open(app.handle())?);
            app.manage(atelier.clone());
            // Jobs that were in flight when the app last closed carry on in the background.
            tauri::async_runtime::spawn(async move {
                if let Err(e) = atelier.resume() {
                    eprintln!("atelier: could not resume unfinished jobs: {e}");
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::list_accounts,
            commands::add_account,
            commands::update_account,
            commands::set_account_token,
            commands::set_active_account,
            commands::delete_account,
            commands::account_job_count,
            commands::test_connection,
            commands::submit_prompt,
            commands::cancel_job,
            commands::retry_job,
            commands::preferences,
            commands::set_job_timeout,
            commands::library_page,
            commands::library_summary,
            commands::library_facets,
            commands::library_range,
            commands::get_job,
            commands::like,
            commands::collections,
            commands::create_collection,
            commands::rename_collection,
            commands::delete_collection,
            commands::collect,
            commands::saved_searches,
            commands::save_search,
            commands::delete_saved_search,
            commands::delete_items,
            commands::undo_deletion,
            commands::reveal_image,
            commands::save_image_as,
            commands::copy_image,
            commands::drag_images,
        ])
        .run(tauri::generate_context!())
        .expect("Atelier could not start its window");
}

fn open(app: &AppHandle) -> Result<Atelier, Box<dyn std::error::Error>> {
    let data_dir = app.path().app_data_dir()?;
    let handle = app.clone();
    let sink = Arc::new(move |job: &Job| {
        let _ = handle.emit("job-updated", job);
    });
    let secrets = Arc::new(KeychainStore::new(KEYCHAIN_SERVICE));
    let atelier = Atelier::open(&data_dir, secrets, EngineConfig::default(), sink)?;
    let handle = app.clone();
    atelier.on_notice(Arc::new(move |notice: &Notice| {
        let _ = handle.emit("notice", notice);
    }));
    Ok(atelier)
}
