//! Deleting jobs and images, and undoing it. Rows go in one transaction, which also records
//! the library paths that must leave the folder (`pending_trash`); the caller moves them to
//! the trash and then clears them. A crash in between is finished on the next start, so the
//! library never keeps files without rows, nor rows without files.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, Transaction};

use super::{Store, StoreError};
use crate::job::Slot;

// `liked` and `wall_count` are left out: the triggers rebuild them as the images come back.
// An enhancement's link to its parent image comes back with it; a parent's own enhancements
// keep theirs while it is away (image ids are never reused), so Undo restores the lineage.
// The same holds for what an action, a Describe or a Blend was made from (`job_sources`).
const JOB_COLUMNS: &str = "id, reference, provider, account_id, account_label, credits, \
    remote_id, prompt, status, progress, error, preview_rev, created_at, updated_at, aspect, \
    model, seq, batch, enhance_scale, parent_image, action, action_label, buttons, described";
const SOURCE_COLUMNS: &str = "job_id, position, image_id, role";
const IMAGE_COLUMNS: &str =
    "id, job_id, slot, file, thumb, width, height, bytes, source_url, liked";
const MEMBER_COLUMNS: &str = "collection_id, job_id, added_at";
const WITHHELD_COLUMNS: &str = "job_id, slot";
// Where rows read back keep what this module looks at; a test holds them to the lists above.
const JOB_ID: usize = 0;
const JOB_PROMPT: usize = 7;
const JOB_SEQ: usize = 16;
const IMAGE_JOB: usize = 1;
const IMAGE_SLOT: usize = 2;
const IMAGE_FILE: usize = 3;
const IMAGE_THUMB: usize = 4;

/// The rows a deletion took out, as they were, and the library paths that went with them.
#[derive(Debug, Clone, Default)]
pub struct Removed {
    jobs: Vec<Vec<Value>>,
    images: Vec<Vec<Value>>,
    members: Vec<Vec<Value>>,
    /// Slots deleted earlier from the jobs that went whole.
    withheld: Vec<Vec<Value>>,
    /// What the jobs that went whole were made from or sent with.
    sources: Vec<Vec<Value>>,
    /// Relative to the media folder: whole job folders, or single files. Once the deletion is
    /// done, only those that were there and went to the trash.
    pub paths: Vec<String>,
    pub job_count: u32,
    pub image_count: u32,
}

/// Where a job's files are in the media folder, for rows that must name them.
pub trait Layout {
    fn job_dir(&self, job_id: i64) -> String;
    /// An image's file and its thumbnails, from its stored names.
    fn image_files(&self, file: &str, thumb: &str) -> Vec<String>;
    /// The names an image of a job is stored under: (file, thumbnail).
    fn image_names(&self, job_id: i64, slot: Slot, extension: &str) -> (String, String);
}

impl Store {
    /// Deletes jobs with their images and collection places.
    pub fn remove_jobs(&self, ids: &[i64], files: &dyn Layout) -> Result<Removed, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut removed = Removed::default();
        take_jobs(&tx, ids, files, &mut removed)?;
        journal(&tx, &removed.paths)?;
        tx.commit()?;
        Ok(removed)
    }

    /// Deletes single images. A job left with none goes too: it has nothing left to show.
    pub fn remove_images(&self, ids: &[i64], files: &dyn Layout) -> Result<Removed, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut removed = Removed::default();
        let mut by_job: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for (image, job) in owners(&tx, ids)? {
            by_job.entry(job).or_default().push(image);
        }
        let mut emptied = Vec::new();
        for (job, images) in by_job {
            let left: u32 = tx.query_row(
                "SELECT COUNT(*) FROM images WHERE job_id = ?1",
                [job],
                |r| r.get(0),
            )?;
            if left as usize == images.len() {
                emptied.push(job);
                continue;
            }
            let rows = select(&tx, "images", IMAGE_COLUMNS, "id", &images)?;
            for row in &rows {
                removed
                    .paths
                    .extend(files.image_files(text(&row[IMAGE_FILE]), text(&row[IMAGE_THUMB])));
            }
            removed.image_count += rows.len() as u32;
            withhold(&tx, &rows)?;
            removed.images.extend(rows);
            delete(&tx, "images", "id", &images)?;
        }
        take_jobs(&tx, &emptied, files, &mut removed)?;
        journal(&tx, &removed.paths)?;
        tx.commit()?;
        Ok(removed)
    }

    /// Puts removed rows back (their files are back in the library by now) and clears the
    /// paths from the journal, in one transaction.
    pub fn restore(&self, removed: &Removed) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        put_back(&tx, removed)?;
        unjournal(&tx, &removed.paths)?;
        tx.commit()?;
        Ok(())
    }

    /// Whether `restore` could put the rows back now: false when something took their place
    /// meanwhile (an image fetched again into the same slot, say). Tries, then rolls back.
    pub fn restorable(&self, removed: &Removed) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        match put_back(&tx, removed) {
            Ok(()) => Ok(true),
            Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// The slots of a job whose images the person deleted (the job itself stays).
    pub fn withheld_slots(&self, job_id: i64) -> Result<Vec<Slot>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached("SELECT slot FROM withheld_slots WHERE job_id = ?1")?;
        let rows = stmt.query_map([job_id], |r| r.get::<_, u8>(0))?;
        let indexes = rows.collect::<Result<Vec<_>, _>>()?;
        Ok(indexes.into_iter().filter_map(Slot::from_index).collect())
    }

    /// Records paths that must leave the library (before an undo brings them back from the
    /// trash: if the undo is cut short, they go back to the trash on the next start).
    pub fn journal_trash(&self, paths: &[String]) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        journal(&tx, paths)?;
        tx.commit()?;
        Ok(())
    }

    /// The paths are in the trash now.
    pub fn clear_trash_journal(&self, paths: &[String]) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        unjournal(&tx, paths)?;
        tx.commit()?;
        Ok(())
    }

    /// Paths a deletion or an undo did not finish with.
    pub fn pending_trash(&self) -> Result<Vec<String>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached("SELECT path FROM pending_trash")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Takes the jobs' rows (theirs, their images', their collection places) into `removed`, and
/// deletes them and their index entries.
fn take_jobs(
    tx: &Transaction<'_>,
    ids: &[i64],
    files: &dyn Layout,
    removed: &mut Removed,
) -> Result<(), StoreError> {
    let jobs = select(tx, "jobs", JOB_COLUMNS, "id", ids)?;
    let found: Vec<i64> = jobs.iter().map(|row| integer(&row[JOB_ID])).collect();
    let seqs: Vec<i64> = jobs.iter().map(|row| integer(&row[JOB_SEQ])).collect();
    let images = select(tx, "images", IMAGE_COLUMNS, "job_id", &found)?;
    removed.members.extend(select(
        tx,
        "collection_jobs",
        MEMBER_COLUMNS,
        "job_id",
        &found,
    )?);
    removed.withheld.extend(select(
        tx,
        "withheld_slots",
        WITHHELD_COLUMNS,
        "job_id",
        &found,
    )?);
    removed
        .sources
        .extend(select(tx, "job_sources", SOURCE_COLUMNS, "job_id", &found)?);
    removed
        .paths
        .extend(found.iter().map(|id| files.job_dir(*id)));
    removed.job_count += jobs.len() as u32;
    removed.image_count += images.len() as u32;
    removed.jobs.extend(jobs);
    removed.images.extend(images);
    delete(tx, "jobs_fts", "rowid", &seqs)?;
    // Images, collection places, withheld slots and sources go with the job (ON DELETE
    // CASCADE).
    delete(tx, "jobs", "id", &found)
}

/// Inserts removed rows as they were, with their index entries; a slot whose image comes
/// back is no longer withheld.
fn put_back(tx: &Transaction<'_>, removed: &Removed) -> Result<(), StoreError> {
    insert(tx, "jobs", JOB_COLUMNS, &removed.jobs)?;
    insert(tx, "withheld_slots", WITHHELD_COLUMNS, &removed.withheld)?;
    insert(tx, "job_sources", SOURCE_COLUMNS, &removed.sources)?;
    insert(tx, "images", IMAGE_COLUMNS, &removed.images)?;
    insert(tx, "collection_jobs", MEMBER_COLUMNS, &removed.members)?;
    let mut index = tx.prepare_cached("INSERT INTO jobs_fts (rowid, text) VALUES (?1, ?2)")?;
    for row in &removed.jobs {
        let (Value::Text(prompt), Value::Integer(seq)) = (&row[JOB_PROMPT], &row[JOB_SEQ]) else {
            continue;
        };
        index.execute(rusqlite::params![seq, crate::library::fts_text(prompt)])?;
    }
    let mut release =
        tx.prepare_cached("DELETE FROM withheld_slots WHERE job_id = ?1 AND slot = ?2")?;
    for row in &removed.images {
        release.execute([&row[IMAGE_JOB], &row[IMAGE_SLOT]])?;
    }
    Ok(())
}

/// Remembers the slots of images deleted from jobs that stay, so a retry leaves them alone.
fn withhold(conn: &Connection, images: &[Vec<Value>]) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO withheld_slots (job_id, slot) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    )?;
    for row in images {
        stmt.execute([&row[IMAGE_JOB], &row[IMAGE_SLOT]])?;
    }
    Ok(())
}

/// (image, job) for each image id that exists.
fn owners(conn: &Connection, ids: &[i64]) -> Result<Vec<(i64, i64)>, StoreError> {
    let rows = select(conn, "images", "id, job_id", "id", ids)?;
    Ok(rows
        .iter()
        .map(|r| (integer(&r[0]), integer(&r[1])))
        .collect())
}

/// Whole rows whose `key` is one of `ids`, in a stable order; ids are taken in chunks so no
/// statement exceeds SQLite's limit on parameters.
fn select(
    conn: &Connection,
    table: &str,
    columns: &str,
    key: &str,
    ids: &[i64],
) -> Result<Vec<Vec<Value>>, StoreError> {
    let width = columns.split(',').count();
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT {columns} FROM {table} WHERE {key} IN ({}) ORDER BY 1",
            marks(chunk.len())
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(chunk))?;
        while let Some(row) = rows.next()? {
            out.push((0..width).map(|i| row.get(i)).collect::<Result<_, _>>()?);
        }
    }
    Ok(out)
}

fn delete(conn: &Connection, table: &str, key: &str, ids: &[i64]) -> Result<(), StoreError> {
    for chunk in ids.chunks(500) {
        let sql = format!(
            "DELETE FROM {table} WHERE {key} IN ({})",
            marks(chunk.len())
        );
        conn.execute(&sql, params_from_iter(chunk))?;
    }
    Ok(())
}

fn insert(
    conn: &Connection,
    table: &str,
    columns: &str,
    rows: &[Vec<Value>],
) -> Result<(), StoreError> {
    let width = columns.split(',').count();
    let sql = format!("INSERT INTO {table} ({columns}) VALUES ({})", marks(width));
    let mut stmt = conn.prepare(&sql)?;
    for row in rows {
        stmt.execute(params_from_iter(row))?;
    }
    Ok(())
}

fn journal(conn: &Connection, paths: &[String]) -> Result<(), StoreError> {
    let mut stmt =
        conn.prepare_cached("INSERT INTO pending_trash (path) VALUES (?1) ON CONFLICT DO NOTHING")?;
    for path in paths.iter().collect::<BTreeSet<_>>() {
        stmt.execute([path])?;
    }
    Ok(())
}

fn unjournal(conn: &Connection, paths: &[String]) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached("DELETE FROM pending_trash WHERE path = ?1")?;
    for path in paths {
        stmt.execute([path])?;
    }
    Ok(())
}

fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

fn integer(v: &Value) -> i64 {
    match v {
        Value::Integer(i) => *i,
        _ => 0,
    }
}

fn text(v: &Value) -> &str {
    match v {
        Value::Text(s) => s,
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_name_their_columns() {
        let names = |list: &'static str| list.split(',').map(str::trim).collect::<Vec<_>>();
        let jobs = names(JOB_COLUMNS);
        let images = names(IMAGE_COLUMNS);
        assert_eq!(
            (jobs[JOB_ID], jobs[JOB_PROMPT], jobs[JOB_SEQ]),
            ("id", "prompt", "seq")
        );
        assert_eq!(
            (
                images[IMAGE_JOB],
                images[IMAGE_SLOT],
                images[IMAGE_FILE],
                images[IMAGE_THUMB]
            ),
            ("job_id", "slot", "file", "thumb")
        );
    }
}
