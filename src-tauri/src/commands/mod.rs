//! Commands the web view may call, each a line or two over `Atelier`. Errors reach the UI as
//! `{code, message}`: a code from the error's variant to branch on, and the sentence to show.
//! Work that waits on SQLite, the disk or the keychain runs on the blocking pool, never on the
//! async workers that serve the window.

#[macro_use]
mod contract;

mod accounts;
mod actions;
mod enhance;
mod export;
mod images;
mod imports;
mod jobs;
mod library;
mod logs;
#[cfg(test)]
mod permissions;
mod preferences;
mod prompts;
#[cfg(test)]
mod signatures;
#[cfg(test)]
mod typescript;

use std::sync::Arc;

use atelier_core::{Atelier, AtelierError, ErrorCode, ErrorReply};
use tauri::State;

pub use accounts::*;
pub use actions::*;
pub use enhance::*;
pub use export::*;
pub use images::*;
pub use imports::*;
pub use jobs::*;
pub use library::*;
pub use logs::*;
pub use preferences::*;
pub use prompts::*;

type App<'a> = State<'a, Arc<Atelier>>;
type Result<T> = std::result::Result<T, ErrorReply>;

/// What the UI shows, also kept in the log (the UI's toast is gone in seconds).
fn fail(e: AtelierError) -> ErrorReply {
    log(ErrorReply::from(&e))
}

/// A failure of the shell's own machinery (a task, the window, a dialog).
fn say(e: impl std::fmt::Display) -> ErrorReply {
    log(ErrorReply::internal(e))
}

fn reply(code: ErrorCode, message: String) -> ErrorReply {
    log(ErrorReply::new(code, message))
}

fn log(reply: ErrorReply) -> ErrorReply {
    tracing::warn!("a command failed ({:?}): {}", reply.code, reply.message);
    reply
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
        .map_err(fail)
}
