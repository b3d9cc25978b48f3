//! Migrations, applied in order and recorded in `PRAGMA user_version`. Append only: a shipped
//! migration is never edited, so every user's database reaches the same shape.

use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    // 1: accounts (with the built-in Demo one), jobs, their images, and settings.
    "CREATE TABLE accounts (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        provider   TEXT NOT NULL,
        label      TEXT NOT NULL,
        base_url   TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    INSERT INTO accounts (provider, label, base_url, created_at) VALUES ('demo', 'Demo', '', 0);
    CREATE TABLE jobs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        reference   TEXT NOT NULL UNIQUE,
        provider    TEXT NOT NULL,
        -- NULL once the account is deleted; the label stays so history still says whose it was.
        account_id    INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
        account_label TEXT NOT NULL DEFAULT '',
        credits     INTEGER,
        remote_id   TEXT,
        prompt      TEXT NOT NULL,
        status      TEXT NOT NULL,
        progress    INTEGER,
        error       TEXT,
        preview_rev INTEGER NOT NULL DEFAULT 0,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
    );
    CREATE INDEX jobs_by_created ON jobs(created_at DESC, id DESC);
    CREATE INDEX jobs_by_status ON jobs(status);
    CREATE TABLE images (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id     INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        slot       INTEGER NOT NULL CHECK (slot BETWEEN 0 AND 4),
        file       TEXT NOT NULL,
        thumb      TEXT NOT NULL,
        width      INTEGER NOT NULL,
        height     INTEGER NOT NULL,
        bytes      INTEGER NOT NULL,
        source_url TEXT,
        UNIQUE (job_id, slot)
    );
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );",
    // 2: why an account's token stopped working (NULL while it works), so the person is told
    // once, and statuses looked up by the engine on start.
    "ALTER TABLE accounts ADD COLUMN token_problem TEXT;",
];

pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let v: usize = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len());
    }
}
