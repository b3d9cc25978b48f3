//! History in SQLite: the source of truth for every job and image.
//!
//! Calls are short statements on a WAL database, so they run inline behind a mutex rather than
//! through a pool. The one exception is the library's long reads (summaries, counts), which
//! have a connection of their own so they never hold up a page or a job's progress.

mod accounts;
mod facets;
mod folders;
mod imports;
mod jobs;
mod library;
#[cfg(test)]
mod library_tests;
#[cfg(test)]
mod lineage_tests;
mod made;
#[cfg(test)]
mod made_tests;
mod organize;
#[cfg(test)]
mod organize_tests;
mod plan;
mod prompts;
mod references;
mod removal;
mod rows;
mod schema;
#[cfg(test)]
mod search_proptests;
#[cfg(test)]
mod test_support;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension};

pub use jobs::{NewImage, PastImage, PastJob};
pub use prompts::SavedPrompt;
pub use removal::{Layout, Removed};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("The history database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Opening it would misread what a later schema means, and migrating down is not possible.
    #[error(
        "This history was written by a newer Atelier (database version {found}; this Atelier \
         knows up to {known}). Install the newer Atelier to open it."
    )]
    Newer { found: usize, known: usize },
}

#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    /// For long reads; the same connection as `conn` for an in-memory database.
    reader: Arc<Mutex<Connection>>,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // NORMAL with WAL keeps every commit atomic and durable across app crashes; only an
        // OS crash may lose the last commits, never corrupt the file.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let conn = Self::setup(conn)?;
        // Opened after the migrations, so it sees the schema they made.
        let reader = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        reader.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
            reader: Arc::new(Mutex::new(reader)),
        })
    }

    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Arc::new(Mutex::new(Self::setup(Connection::open_in_memory()?)?));
        Ok(Store {
            reader: conn.clone(),
            conn,
        })
    }

    fn setup(mut conn: Connection) -> Result<Connection, StoreError> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        schema::migrate(&mut conn)?;
        Ok(conn)
    }

    /// Stands for a slow disk: every call waits `pause` from now. Returns once the store is
    /// held.
    #[cfg(test)]
    pub(crate) fn hold_for(&self, pause: std::time::Duration) {
        let (held, is_held) = std::sync::mpsc::channel();
        let conn = self.conn.clone();
        std::thread::spawn(move || {
            let _guard = conn.lock();
            let _ = held.send(());
            std::thread::sleep(pause);
        });
        let _ = is_held.recv();
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic elsewhere while holding the lock leaves SQLite itself consistent.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn reader(&self) -> MutexGuard<'_, Connection> {
        self.reader.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    pub fn integrity_check(&self) -> Result<String, StoreError> {
        Ok(self
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_kept_in_a_real_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite3");
        {
            let store = Store::open(&path).unwrap();
            assert_eq!(store.setting("k").unwrap(), None);
            store.set_setting("k", "one").unwrap();
            store.set_setting("k", "two").unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.setting("k").unwrap().as_deref(), Some("two"));
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }
}
