//! The log file: everything the core reports through `tracing` (a failed download, a tracker
//! that stopped, a command that failed) lands in `atelier.YYYY-MM-DD.log` in the app's log
//! folder, one file a day, the last week kept. Tokens never reach it: the core never formats
//! one (it is a `Secret`), and the end-to-end tests scan the folder for the test token.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::filter::LevelFilter;

const KEEP_DAYS: usize = 7;

/// Held for as long as the app runs: dropping it flushes what is still buffered.
pub struct LogGuard(#[allow(dead_code)] WorkerGuard);

/// Starts writing to `dir`; `None` (and a line on stderr) when the folder cannot be written,
/// since an app without a log file is better than no app.
pub fn start(dir: &Path) -> Option<LogGuard> {
    // The appender lists the folder to prune old files before it would create it.
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("atelier: no log file in {}: {e}", dir.display());
        return None;
    }
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("atelier")
        .filename_suffix("log")
        .max_log_files(KEEP_DAYS)
        .build(dir);
    let appender = match appender {
        Ok(appender) => appender,
        Err(e) => {
            eprintln!("atelier: no log file in {}: {e}", dir.display());
            return None;
        }
    };
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let installed = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_max_level(LevelFilter::INFO)
        .try_init();
    if let Err(e) = installed {
        eprintln!("atelier: no log file: {e}");
        return None;
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "Atelier started");
    Some(LogGuard(guard))
}
