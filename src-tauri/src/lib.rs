//! The Tauri shell: opens the core, forwards its events, serves images, and exposes commands.
//! Everything that decides anything lives in `atelier-core`.

mod announce;
#[macro_use]
mod commands;
mod events;
mod handover;
mod logs;
mod menu;
mod protocol;
mod title;
mod window_state;

use std::sync::Arc;

use atelier_core::engine::{EngineConfig, Job, Notice};
use atelier_core::import::ImportProgress;
use atelier_core::secrets::KeychainStore;
use atelier_core::Atelier;
use events::{Event, ImportProgressed, JobUpdated, NoticeGiven};
use tauri::{AppHandle, Manager};

/// The keychain service tokens are filed under (the app's bundle identifier).
const KEYCHAIN_SERVICE: &str = "dev.atelier.app";

/// Tauri's handler for every command of the contract.
macro_rules! handler {
    ($( $name:ident ( $( $arg:ident : $ty:ty ),* ) -> $reply:ty ; )*) => {
        tauri::generate_handler![$( commands::$name ),*]
    };
}

pub fn run() {
    let attempt = handover::take_attempt();
    #[cfg(target_os = "linux")]
    tune_webkit_processes();
    let built = tauri::Builder::default()
        // First: a second launch hands over to the running window before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            show_main_window(app)
        }))
        .plugin(window_state::plugin())
        .on_window_event(|window, event| window_state::on_event(window.app_handle(), event))
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .menu(menu::build)
        .on_menu_event(menu::on_event)
        .register_asynchronous_uri_scheme_protocol(protocol::SCHEME, protocol::handle)
        .setup(|app| {
            #[cfg(target_os = "linux")]
            lighten_webkit(app);
            if let Some(guard) = app.path().app_log_dir().ok().and_then(|d| logs::start(&d)) {
                app.manage(guard);
            }
            match open(app.handle()) {
                Ok(atelier) => start(app, Arc::new(atelier)),
                Err(reason) => cannot_start(app, &reason),
            }
            Ok(())
        })
        .invoke_handler(each_command!(handler))
        .build(tauri::generate_context!());
    match built {
        Ok(app) => app.run(on_run_event),
        Err(e) => handover::retry_or_fail(e, attempt),
    }
}

/// The event loop ends the process without dropping what the app manages, so what must go
/// with the app goes here.
fn on_run_event(app: &AppHandle, event: tauri::RunEvent) {
    if let tauri::RunEvent::Exit = event {
        if let Some(atelier) = app.try_state::<Arc<Atelier>>() {
            atelier.close();
        }
    }
}

/// WebKit's processes inherit this environment, so memory settings for them go here (measured
/// with `scripts/bench-library.sh`, see BENCHMARKS.md). Set before any thread starts; values
/// the person set are kept.
/// - glibc's defaults let a long scroll's decoded thumbnails fragment the heaps (~45 MB kept
///   after scrolling 100,000 jobs). A fixed threshold gives every block of 128 KB or more (a
///   decoded thumbnail) a mapping of its own, returned when freed; two arenas keep WebKit's
///   decoding threads from each fragmenting one of their own.
/// - JavaScriptCore's JIT keeps compiled code and its bookkeeping for everything the grid runs
///   while scrolling: ~35 MB more after a long scroll, for no figure a person would notice
///   (first thumbnail, search and jumps measured the same within noise). This page is our own
///   small UI, not the web, and a JIT-less engine is also the smaller attack surface (what
///   Safari's Lockdown Mode does).
#[cfg(target_os = "linux")]
fn tune_webkit_processes() {
    for (key, value) in [
        ("MALLOC_MMAP_THRESHOLD_", "131072"),
        ("MALLOC_ARENA_MAX", "2"),
        ("JSC_useJIT", "false"),
    ] {
        if std::env::var_os(key).is_none() {
            std::env::set_var(key, value);
        }
    }
}

/// Keeps WebKitGTK's memory to what a long library needs, measured with
/// `scripts/bench-library.sh` (BENCHMARKS.md):
/// - no GL compositing: on machines without a GPU driver (software GL, remote sessions, Xvfb)
///   it costs ~100 MB before anything is shown and grows by more as the grid scrolls, for
///   nothing this UI needs (no 3D, video or heavy animation). "On demand" is not enough: the
///   scrolling grid turns it on (measured +193 MB after a long scroll, against +91 MB);
/// - a document viewer's cache model: a web browser's keeps hundreds of MB of images that have
///   left the page; this keeps what is on screen, and a thumbnail scrolled back into view is
///   read again from the library (a file read).
#[cfg(target_os = "linux")]
fn lighten_webkit(app: &tauri::App) {
    use webkit2gtk::{SettingsExt, WebContextExt, WebViewExt};
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let _ = window.with_webview(|webview| {
        let view = webview.inner();
        if let Some(settings) = WebViewExt::settings(&view) {
            settings
                .set_hardware_acceleration_policy(webkit2gtk::HardwareAccelerationPolicy::Never);
        }
        if let Some(context) = view.context() {
            context.set_cache_model(webkit2gtk::CacheModel::DocumentViewer);
        }
    });
}

fn start(app: &tauri::App, atelier: Arc<Atelier>) {
    app.manage(atelier.clone());
    // Jobs that were in flight when the app last closed carry on in the background; finding
    // them reads the database and the keychain, so not on an async worker.
    tauri::async_runtime::spawn_blocking(move || {
        if let Err(e) = atelier.resume() {
            tracing::error!("could not resume unfinished jobs: {e}");
        }
    });
}

/// A history that cannot be opened (in use by another Atelier, written by a newer one, on a
/// read-only or full disk) gets a native dialog with the reason, and the app ends when it is
/// closed: the window would only show errors.
fn cannot_start(app: &tauri::App, reason: &str) {
    use tauri_plugin_dialog::{DialogExt, MessageDialogKind};
    eprintln!("atelier: cannot start: {reason}");
    tracing::error!("cannot start: {reason}");
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.hide();
    }
    let handle = app.handle().clone();
    app.dialog()
        .message(reason)
        .title("Atelier cannot start")
        .kind(MessageDialogKind::Error)
        .show(move |_| handle.exit(1));
}

fn show_main_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Opens the history, or says in a sentence why not and where it is.
fn open(app: &AppHandle) -> Result<Atelier, String> {
    let data_dir = app
        .path()
        .app_data_dir()
        .map_err(|e| format!("Atelier cannot find its data folder: {e}"))?;
    open_in(app, &data_dir).map_err(|e| match e {
        // The sentence names the folder already.
        atelier_core::AtelierError::Folder(e) => e.to_string(),
        e => format!("{e}\n\nData folder: {}", data_dir.display()),
    })
}

fn open_in(
    app: &AppHandle,
    data_dir: &std::path::Path,
) -> Result<Atelier, atelier_core::AtelierError> {
    let handle = app.clone();
    let title = title::Title::default();
    let announcer = Arc::new(announce::Announcer::default());
    let announces = Arc::clone(&announcer);
    let sink = Arc::new(move |job: &Job| {
        if title.note(&handle, job) {
            announces.ended(&handle, job);
        }
        JobUpdated::emit(&handle, job);
    });
    let secrets = Arc::new(KeychainStore::new(KEYCHAIN_SERVICE));
    let atelier = Atelier::open(data_dir, secrets, EngineConfig::default(), sink)?;
    announcer.set_enabled(atelier.preferences()?.notifications);
    app.manage(announcer);
    app.manage(Arc::new(commands::Exports::default()));
    let handle = app.clone();
    atelier.on_notice(Arc::new(move |notice: &Notice| {
        NoticeGiven::emit(&handle, notice);
    }));
    let handle = app.clone();
    atelier.on_import(Arc::new(move |progress: &ImportProgress| {
        ImportProgressed::emit(&handle, progress);
    }));
    Ok(atelier)
}
