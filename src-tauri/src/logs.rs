//! The log file: everything the core reports through `tracing` (a failed download, a tracker
//! that stopped, a command that failed) lands in `atelier.YYYY-MM-DD.log` in the app's log
//! folder, one file a UTC day, the last week kept. Tokens never reach it: the core never
//! formats one (it is a `Secret`), and the end-to-end tests scan the folder for the test token.
//!
//! Lines at info and above are kept; `ATELIER_LOG` (or `RUST_LOG`) asks for more or less, as
//! `RUST_LOG` spells it: `ATELIER_LOG=debug`, `RUST_LOG=atelier_core::engine=debug`. The engine's
//! work on a job runs in a `job{id=42}` span, so `grep 'job{id=42}'` reads that job's life.
//!
//! The folder is made owner-only (0700) and every file owner-only (0600) as it is created:
//! prompts and addresses are nobody else's business, and the data folder around it may not
//! be private yet (it is claimed after the log starts), or may be somewhere else.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use atelier_core::data_folder::private_options;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

const KEEP_DAYS: usize = 7;
const PREFIX: &str = "atelier.";
const SUFFIX: &str = ".log";
/// Where the levels are asked for, the first one set winning: our own name, then the one
/// every Rust developer already types.
const LEVEL_VARS: [&str; 2] = ["ATELIER_LOG", "RUST_LOG"];
const DEFAULT_LEVEL: LevelFilter = LevelFilter::INFO;

/// Held for as long as the app runs: dropping it flushes what is still buffered.
pub struct LogGuard(#[allow(dead_code)] WorkerGuard);

/// Starts writing to `dir`; `None` (and a line on stderr) when the folder cannot be written,
/// since an app without a log file is better than no app.
pub fn start(dir: &Path) -> Option<LogGuard> {
    let mut file = DailyFile::new(dir);
    // Opened now, so that a folder that cannot be written is said at once, not on each line.
    if let Err(e) = private_folder(dir).and_then(|()| file.current().map(drop)) {
        eprintln!("atelier: no log file in {}: {e}", dir.display());
        return None;
    }
    let (writer, guard) = tracing_appender::non_blocking(file);
    let (levels, problem) = levels(asked_levels(|name| std::env::var(name).ok()));
    let installed = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(false),
        )
        .with(levels)
        .try_init();
    if let Err(e) = installed {
        eprintln!("atelier: no log file: {e}");
        return None;
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "Atelier started");
    if let Some(problem) = problem {
        tracing::warn!("{problem}");
    }
    Some(LogGuard(guard))
}

/// The first of `LEVEL_VARS` that is set (and not blank), with its name.
fn asked_levels(lookup: impl Fn(&str) -> Option<String>) -> Option<(&'static str, String)> {
    LEVEL_VARS.iter().find_map(|&name| {
        lookup(name)
            .filter(|value| !value.trim().is_empty())
            .map(|value| (name, value))
    })
}

/// The levels asked for; a target not named stays at info, so asking for one module's
/// details does not silence the rest. A value that does not parse gives info and the
/// sentence to log about it.
fn levels(asked: Option<(&str, String)>) -> (Targets, Option<String>) {
    let default = || Targets::new().with_default(DEFAULT_LEVEL);
    let Some((name, value)) = asked else {
        return (default(), None);
    };
    match value.parse::<Targets>() {
        Ok(targets) if targets.default_level().is_some() => (targets, None),
        Ok(targets) => (targets.with_default(DEFAULT_LEVEL), None),
        Err(e) => {
            let problem = format!(
                "{name}={value:?} is not a log level ({e}), so the log keeps info and above; \
                 write it as {name}=debug or {name}=atelier_core::engine=debug"
            );
            (default(), Some(problem))
        }
    }
}

/// Creates the folder (and any missing parent) owner-only, and makes it so if it was not.
fn private_folder(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    restrict(dir, 0o700)
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> io::Result<()> {
    // Elsewhere the profile's folders are private to their user already.
    Ok(())
}

/// Today's log file, opened owner-only; at the first line of a new day, that day's file.
/// (`tracing_appender`'s rolling file cannot be told a mode: it makes files 0644.)
struct DailyFile {
    dir: PathBuf,
    day: String,
    file: Option<File>,
}

impl DailyFile {
    fn new(dir: &Path) -> Self {
        DailyFile {
            dir: dir.to_path_buf(),
            day: String::new(),
            file: None,
        }
    }

    fn current(&mut self) -> io::Result<&mut File> {
        let today = utc_day();
        let file = match self.file.take() {
            Some(file) if self.day == today => file,
            _ => {
                let path = self.dir.join(format!("{PREFIX}{today}{SUFFIX}"));
                let file = private_options().append(true).open(&path)?;
                // A file an older Atelier made keeps its mode when opened: make it private.
                restrict(&path, 0o600)?;
                self.day = today;
                prune(&self.dir);
                file
            }
        };
        Ok(self.file.insert(file))
    }
}

impl Write for DailyFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.current()?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().map_or(Ok(()), Write::flush)
    }
}

/// `2026-12-07`: the day in UTC, so that one day is one file wherever the computer travels.
fn utc_day() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = i64::try_from(now.as_secs()).unwrap_or_default();
    let day = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
    day.format("%Y-%m-%d").to_string()
}

/// Removes all but the last week's files; a file that cannot be removed stays.
fn prune(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut logs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        })
        .collect();
    // The date in the name sorts the files oldest first.
    logs.sort();
    let old = logs.len().saturating_sub(KEEP_DAYS);
    for path in &logs[..old] {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("atelier-logs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    use tracing::Level;

    fn enabled(levels: &Targets, target: &str, level: Level) -> bool {
        levels.would_enable(target, &level)
    }

    #[test]
    fn levels_are_info_unless_asked() {
        let (filter, problem) = levels(None);
        assert_eq!(
            (filter.default_level(), problem),
            (Some(LevelFilter::INFO), None)
        );

        let (filter, problem) = levels(Some(("ATELIER_LOG", "debug".into())));
        assert_eq!(
            (filter.default_level(), problem),
            (Some(LevelFilter::DEBUG), None)
        );
    }

    #[test]
    fn one_module_can_be_asked_for_without_silencing_the_rest() {
        let asked = Some(("RUST_LOG", "atelier_core::engine=debug".to_owned()));
        let (filter, problem) = levels(asked);
        assert_eq!(problem, None);
        assert!(enabled(
            &filter,
            "atelier_core::engine::tracker",
            Level::DEBUG
        ));
        assert!(!enabled(&filter, "atelier_core::store", Level::DEBUG));
        assert!(enabled(&filter, "atelier_core::store", Level::INFO));
    }

    #[test]
    fn a_bad_value_keeps_info_and_says_why() {
        let (filter, problem) = levels(Some(("ATELIER_LOG", "jobs=loud".into())));
        assert_eq!(filter.default_level(), Some(LevelFilter::INFO));
        assert!(!enabled(&filter, "jobs", Level::DEBUG));
        let problem = problem.expect("a warning");
        assert!(
            problem.starts_with("ATELIER_LOG=\"jobs=loud\" is not a log level"),
            "{problem}"
        );
    }

    #[test]
    fn our_own_variable_wins_and_a_blank_one_is_not_asking() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let both = env(&[("ATELIER_LOG", "warn"), ("RUST_LOG", "trace")]);
        assert_eq!(asked_levels(both), Some(("ATELIER_LOG", "warn".into())));
        let blank = env(&[("ATELIER_LOG", " "), ("RUST_LOG", "trace")]);
        assert_eq!(asked_levels(blank), Some(("RUST_LOG", "trace".into())));
        assert_eq!(asked_levels(env(&[])), None);
    }

    #[test]
    fn the_folder_and_its_files_are_private_from_the_start() {
        let root = scratch("modes");
        let dir = root.join("data").join("logs");
        private_folder(&dir).unwrap();
        let mut file = DailyFile::new(&dir);
        file.write_all(b"a line\n").unwrap();
        file.flush().unwrap();

        assert_eq!(mode(&dir), 0o700, "the log folder");
        assert_eq!(mode(&root.join("data")), 0o700, "a folder made on the way");
        let path = dir.join(format!("atelier.{}.log", utc_day()));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a line\n");
        assert_eq!(mode(&path), 0o600, "the log file");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn an_older_folder_and_file_are_made_private_and_the_last_week_kept() {
        let dir = scratch("older");
        std::fs::create_dir_all(&dir).unwrap();
        restrict(&dir, 0o755).unwrap();
        let today = dir.join(format!("atelier.{}.log", utc_day()));
        std::fs::write(&today, "before\n").unwrap();
        restrict(&today, 0o644).unwrap();
        for day in 1..=9 {
            std::fs::write(dir.join(format!("atelier.2020-01-0{day}.log")), "").unwrap();
        }
        std::fs::write(dir.join("notes.txt"), "").unwrap();

        private_folder(&dir).unwrap();
        DailyFile::new(&dir).write_all(b"after\n").unwrap();

        assert_eq!((mode(&dir), mode(&today)), (0o700, 0o600));
        assert_eq!(std::fs::read_to_string(&today).unwrap(), "before\nafter\n");
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left.len(), 8, "seven log files and the note: {left:?}");
        assert_eq!(left[0], "atelier.2020-01-04.log");
        assert!(left.contains(&"notes.txt".to_owned()));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
