//! The window's size, place and maximized state, kept across launches.
//!
//! `tauri-plugin-window-state` writes its file when the app exits normally. A window that is
//! closed by the session ending, a kill or a crash would forget where it was, so the state is
//! also written shortly after the window stops moving or resizing.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::{AppHandle, Runtime, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// Size, place and maximized only: a window hidden because the app could not start must not
/// come back hidden.
pub const FLAGS: StateFlags = StateFlags::SIZE
    .union(StateFlags::POSITION)
    .union(StateFlags::MAXIMIZED);

/// A drag sends dozens of events a second: write once it has been still this long.
const SETTLE: Duration = Duration::from_millis(400);

static LATEST: AtomicU64 = AtomicU64::new(0);

pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_window_state::Builder::default()
        .with_state_flags(FLAGS)
        .build()
}

/// Call on every window event.
pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: &WindowEvent) {
    if !matches!(event, WindowEvent::Resized(_) | WindowEvent::Moved(_)) {
        return;
    }
    let this = LATEST.fetch_add(1, Ordering::Relaxed) + 1;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SETTLE).await;
        if LATEST.load(Ordering::Relaxed) == this {
            if let Err(e) = app.save_window_state(FLAGS) {
                tracing::warn!("could not remember the window's size: {e}");
            }
        }
    });
}
