//! Commands the web view may call, each a line or two over `Atelier`. Errors reach the UI as
//! the sentence to show. Work that waits on SQLite, the disk or the keychain runs on the
//! blocking pool, never on the async workers that serve the window.

mod accounts;
mod images;
mod library;
mod logs;

use std::sync::Arc;

use atelier_core::{Atelier, AtelierError};
use tauri::State;

pub use accounts::*;
pub use images::*;
pub use library::*;
pub use logs::*;

type App<'a> = State<'a, Arc<Atelier>>;
type Result<T> = std::result::Result<T, String>;

/// The sentence the UI shows, also kept in the log (the UI's toast is gone in seconds).
fn say(e: impl std::fmt::Display) -> String {
    let sentence = e.to_string();
    tracing::warn!("a command failed: {sentence}");
    sentence
}

/// Runs `work` on the blocking pool.
async fn blocking<T, F>(app: &App<'_>, work: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&Atelier) -> std::result::Result<T, AtelierError> + Send + 'static,
{
    let app = Arc::clone(app.inner());
    tauri::async_runtime::spawn_blocking(move || work(&app))
        .await
        .map_err(say)?
        .map_err(say)
}
