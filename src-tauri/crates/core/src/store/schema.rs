//! Migrations, applied in order and recorded in `PRAGMA user_version`. Append only: a shipped
//! migration is never edited, so every user's database reaches the same shape.

use rusqlite::{Connection, Transaction};

use super::StoreError;
use crate::library::{fts_text, PromptParams};

/// Schema changes, then (for some) a pass in Rust over the rows already there.
struct Migration {
    sql: &'static str,
    backfill: Option<fn(&Transaction<'_>) -> rusqlite::Result<()>>,
}

const fn sql(sql: &'static str) -> Migration {
    Migration {
        sql,
        backfill: None,
    }
}

const MIGRATIONS: &[Migration] = &[
    // 1: accounts (with the built-in Demo one), jobs, their images, and settings.
    sql("CREATE TABLE accounts (
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
    );"),
    // 2: why an account's token stopped working (NULL while it works), so the person is told
    // once, and statuses looked up by the engine on start.
    sql("ALTER TABLE accounts ADD COLUMN token_problem TEXT;"),
    // 3: the library at any size. `seq`, a job's place in time, orders everything and keys
    // the full-text index, so a search reads its newest matches first and stops at a page.
    // Parameters parsed from the prompt, likes and a `phase` derived from the status, each
    // behind an index in that order; the wall's image counts; collections, saved searches;
    // and paths waiting to go to the trash (a deletion cut short by a crash is finished on the
    // next start).
    Migration {
        sql: LIBRARY,
        backfill: Some(index_history),
    },
    // 4: the person's word that an account's plain-HTTP address (not this computer) may be
    // used: without it no token is sent there.
    sql("ALTER TABLE accounts ADD COLUMN unencrypted_ok INTEGER NOT NULL DEFAULT 0;"),
    // 5: jobs sent together (a prompt's permutations and repeats) share a batch; prompts the
    // person saved under a name.
    sql("ALTER TABLE jobs ADD COLUMN batch TEXT;
    CREATE INDEX jobs_by_batch ON jobs(batch, seq) WHERE batch IS NOT NULL;
    CREATE TABLE saved_prompts (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
        text       TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );"),
    // 6: Enhance. An enhancement is a job of its own whose one picture was made from another
    // job's upscale: its scale ("2x"…; NULL for a prompt's job) and the image it was made
    // from. No foreign key on `parent_image`: image ids are never reused (AUTOINCREMENT), and
    // Undo of a deleted parent brings its images back under the same ids, which a
    // `SET NULL` would already have cut. The index answers "what was made of these images".
    sql("ALTER TABLE jobs ADD COLUMN enhance_scale TEXT;
    ALTER TABLE jobs ADD COLUMN parent_image INTEGER;
    CREATE INDEX jobs_by_parent_image ON jobs(parent_image) WHERE parent_image IS NOT NULL;"),
    // 7: importing an account's past images. Jobs are looked up by the service's id, so an
    // import never brings one home twice; each account's import keeps where it stopped (the
    // next page of the service's listing, and its counts), so a restart continues there.
    sql(
        "CREATE INDEX jobs_by_remote_id ON jobs(remote_id, provider) WHERE remote_id IS NOT NULL;
    CREATE TABLE imports (
        account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        state      TEXT NOT NULL,
        next_page  INTEGER NOT NULL,
        -- Items of that page already looked at, so a restart neither repeats nor recounts them.
        next_item  INTEGER NOT NULL DEFAULT 0,
        listed     INTEGER NOT NULL DEFAULT 0,
        imported   INTEGER NOT NULL DEFAULT 0,
        skipped    INTEGER NOT NULL DEFAULT 0,
        failed     INTEGER NOT NULL DEFAULT 0,
        left_out   INTEGER NOT NULL DEFAULT 0,
        total      INTEGER,
        message    TEXT NOT NULL DEFAULT '',
        updated_at INTEGER NOT NULL
    );",
    ),
    // 8: the images the person deleted from a job that stays: "Retry download" fetches only
    // what failed to arrive, never what was deleted. Undo takes a slot back out of here.
    sql("CREATE TABLE withheld_slots (
        job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        slot   INTEGER NOT NULL,
        PRIMARY KEY (job_id, slot)
    ) WITHOUT ROWID;"),
    // 9: the service ids of deleted jobs, so an import does not bring back what the person
    // deleted; Undo, which puts the row back, takes its id out again.
    sql("CREATE TABLE deleted_remote_ids (
        provider  TEXT NOT NULL,
        remote_id TEXT NOT NULL,
        PRIMARY KEY (provider, remote_id)
    ) WITHOUT ROWID;
    CREATE TRIGGER remote_id_deleted AFTER DELETE ON jobs WHEN OLD.remote_id IS NOT NULL BEGIN
        INSERT OR IGNORE INTO deleted_remote_ids (provider, remote_id)
        VALUES (OLD.provider, OLD.remote_id);
    END;
    CREATE TRIGGER remote_id_back AFTER INSERT ON jobs WHEN NEW.remote_id IS NOT NULL BEGIN
        DELETE FROM deleted_remote_ids
        WHERE provider = NEW.provider AND remote_id = NEW.remote_id;
    END;"),
    // 10: every Midjourney action. An account's options (how a midjourney-proxy server takes
    // its secret, its speed mode) as JSON. A job made by an action, a Describe or a Blend
    // says which (`action`, an `ActionKind` name, and the button's label); a finished job
    // keeps the buttons its service offers (JSON), a Describe its prompts (JSON). What a job
    // was made from, or sent with as references, is in `job_sources`, by position; as for
    // `parent_image`, no foreign key on the image (ids are never reused, and Undo brings
    // images back under theirs). A job waiting for the person's prompt is in flight: the
    // phase is made again to say so (virtual, so no row is rewritten).
    sql(
        "ALTER TABLE accounts ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE jobs ADD COLUMN action TEXT;
    ALTER TABLE jobs ADD COLUMN action_label TEXT;
    ALTER TABLE jobs ADD COLUMN buttons TEXT;
    ALTER TABLE jobs ADD COLUMN described TEXT;
    CREATE TABLE job_sources (
        job_id   INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        image_id INTEGER NOT NULL,
        role     TEXT NOT NULL,
        PRIMARY KEY (job_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX job_sources_by_image ON job_sources(image_id, role);
    DROP INDEX jobs_by_phase;
    ALTER TABLE jobs DROP COLUMN phase;
    ALTER TABLE jobs ADD COLUMN phase TEXT GENERATED ALWAYS AS (CASE
        WHEN status IN ('submitting', 'queued', 'running', 'downloading', 'awaiting_prompt')
            THEN 'in_flight'
        WHEN status IN ('done', 'cancelled') THEN status
        ELSE 'failed' END) VIRTUAL;
    CREATE INDEX jobs_by_phase ON jobs(phase, seq);",
    ),
];

/// Jobs created in the same millisecond get consecutive `seq`s: `created_at * SEQ_PER_MS + n`.
/// Stays below 2^53, so the web view holds it as an ordinary number.
pub const SEQ_PER_MS: i64 = 1024;

const LIBRARY: &str = "
    ALTER TABLE jobs ADD COLUMN seq INTEGER;
    ALTER TABLE jobs ADD COLUMN aspect TEXT NOT NULL DEFAULT '1:1';
    ALTER TABLE jobs ADD COLUMN model TEXT NOT NULL DEFAULT 'default';
    -- 1 while any of the job's images is liked; both kept so by the triggers below.
    ALTER TABLE jobs ADD COLUMN liked INTEGER NOT NULL DEFAULT 0;
    -- How many of its images the wall shows: its upscales, or its grid when it has none.
    ALTER TABLE jobs ADD COLUMN wall_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE jobs ADD COLUMN phase TEXT GENERATED ALWAYS AS (CASE
        WHEN status IN ('submitting', 'queued', 'running', 'downloading') THEN 'in_flight'
        WHEN status IN ('done', 'cancelled') THEN status
        ELSE 'failed' END) VIRTUAL;
    ALTER TABLE images ADD COLUMN liked INTEGER NOT NULL DEFAULT 0;
    UPDATE jobs SET wall_count = (SELECT CASE WHEN SUM(slot > 0) > 0 THEN SUM(slot > 0)
        ELSE COUNT(*) END FROM images WHERE job_id = jobs.id);
    DROP INDEX jobs_by_created;

    CREATE TRIGGER image_added AFTER INSERT ON images BEGIN
        UPDATE jobs SET liked = liked OR NEW.liked, wall_count = (
            SELECT CASE WHEN SUM(slot > 0) > 0 THEN SUM(slot > 0) ELSE COUNT(*) END
            FROM images WHERE job_id = NEW.job_id)
        WHERE id = NEW.job_id;
    END;
    CREATE TRIGGER image_removed AFTER DELETE ON images BEGIN
        UPDATE jobs SET
            liked = EXISTS (SELECT 1 FROM images WHERE job_id = OLD.job_id AND liked = 1),
            wall_count = (
                SELECT CASE WHEN SUM(slot > 0) > 0 THEN SUM(slot > 0) ELSE COUNT(*) END
                FROM images WHERE job_id = OLD.job_id)
        WHERE id = OLD.job_id;
    END;
    CREATE TRIGGER image_liked AFTER UPDATE OF liked ON images BEGIN
        UPDATE jobs SET liked = EXISTS (SELECT 1 FROM images WHERE job_id = NEW.job_id AND liked = 1)
        WHERE id = NEW.job_id;
    END;

    CREATE TABLE collections (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE collection_jobs (
        collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        job_id        INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        added_at      INTEGER NOT NULL,
        PRIMARY KEY (collection_id, job_id)
    ) WITHOUT ROWID;
    CREATE INDEX collection_jobs_by_job ON collection_jobs(job_id);
    CREATE TABLE saved_searches (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
        query      TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    -- Library paths (relative to the media folder) that must not stay there: written in the
    -- transaction that deletes their rows, cleared once they are in the trash.
    CREATE TABLE pending_trash (path TEXT PRIMARY KEY) WITHOUT ROWID;

    -- Contentless: prompts live in `jobs`; this holds only the index, by `seq`.
    CREATE VIRTUAL TABLE jobs_fts USING fts5(
        text, content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
    );
";

/// Indexes made once every job has its `seq`.
const LIBRARY_INDEXES: &str = "
    CREATE UNIQUE INDEX jobs_by_seq ON jobs(seq);
    CREATE INDEX jobs_by_phase ON jobs(phase, seq);
    CREATE INDEX jobs_by_account ON jobs(account_id, seq);
    CREATE INDEX jobs_by_provider ON jobs(provider, seq);
    CREATE INDEX jobs_by_aspect ON jobs(aspect, seq);
    CREATE INDEX jobs_by_model ON jobs(model, seq);
    CREATE INDEX jobs_liked ON jobs(seq) WHERE liked = 1;
    -- Covers the wall's summary, which counts every job's images in order.
    CREATE INDEX jobs_wall ON jobs(seq, wall_count);
";

/// Gives every job already in the history its `seq`, its parameters and its place in the
/// search index.
fn index_history(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let mut jobs = tx.prepare("SELECT id, prompt, created_at FROM jobs ORDER BY created_at, id")?;
    let mut update =
        tx.prepare("UPDATE jobs SET seq = ?2, aspect = ?3, model = ?4 WHERE id = ?1")?;
    let mut index = tx.prepare("INSERT INTO jobs_fts (rowid, text) VALUES (?1, ?2)")?;
    let mut rows = jobs.query([])?;
    let mut last = i64::MIN;
    while let Some(row) = rows.next()? {
        let (id, prompt, at): (i64, String, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
        let seq = (at * SEQ_PER_MS).max(last + 1);
        last = seq;
        let p = PromptParams::of(&prompt);
        update.execute(rusqlite::params![id, seq, p.aspect, p.model])?;
        index.execute(rusqlite::params![seq, fts_text(&prompt)])?;
    }
    tx.execute_batch(LIBRARY_INDEXES)
}

pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > MIGRATIONS.len() {
        return Err(StoreError::Newer {
            found: current,
            known: MIGRATIONS.len(),
        });
    }
    for (i, migration) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(migration.sql)?;
        if let Some(backfill) = migration.backfill {
            backfill(&tx)?;
        }
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// The SQL of the first `n` migrations, to make a database as an older Atelier left it.
#[cfg(test)]
pub(super) fn first_migrations(n: usize) -> impl Iterator<Item = &'static str> {
    MIGRATIONS.iter().take(n).map(|m| m.sql)
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

    #[test]
    fn a_database_from_a_newer_atelier_is_refused_and_left_as_it_was() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let newer = MIGRATIONS.len() + 3;
        conn.pragma_update(None, "user_version", newer).unwrap();

        let err = migrate(&mut conn).unwrap_err();

        assert!(
            matches!(err, StoreError::Newer { found, known } if found == newer && known == MIGRATIONS.len())
        );
        assert!(err.to_string().contains("written by a newer Atelier"));
        let v: usize = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, newer);
    }
}
