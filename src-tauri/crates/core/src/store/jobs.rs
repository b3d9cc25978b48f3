//! Job and image rows. Each state change is one statement, so each is its own transaction.

use rusqlite::{params, OptionalExtension, Row};

use super::{now_ms, Store, StoreError};
use crate::accounts::Account;
use crate::jobs::model::{ImageRecord, Job, JobStatus, Slot};
use crate::providers::ProviderKind;

/// What the gallery asks for: newest first, optionally filtered by prompt text.
#[derive(Debug, Clone, Default)]
pub struct JobQuery {
    pub search: Option<String>,
    pub status: Option<JobStatus>,
    pub limit: Option<u32>,
}

pub struct NewImage<'a> {
    pub slot: Slot,
    pub file: &'a str,
    pub thumb: &'a str,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub source_url: Option<&'a str>,
}

const JOB_COLUMNS: &str = "id, reference, provider, remote_id, prompt, status, progress, error, \
                           preview_rev, created_at, updated_at, account_id, account_label, credits";

impl Store {
    /// Records a job before anything is sent, so nothing sent is ever unrecorded.
    pub fn insert_job(
        &self,
        reference: &str,
        account: &Account,
        prompt: &str,
    ) -> Result<Job, StoreError> {
        let now = now_ms();
        let id = {
            let conn = self.conn();
            conn.execute(
                "INSERT INTO jobs (reference, provider, account_id, account_label, prompt, status,
                                   created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                params![
                    reference,
                    account.provider.as_str(),
                    account.id,
                    account.label,
                    prompt,
                    JobStatus::Submitting.as_str(),
                    now
                ],
            )?;
            conn.last_insert_rowid()
        };
        self.job(id)?
            .ok_or(StoreError(rusqlite::Error::QueryReturnedNoRows))
    }

    pub fn set_remote_id(&self, id: i64, remote_id: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE jobs SET remote_id = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, remote_id, now_ms()],
        )?;
        Ok(())
    }

    /// Moves a job along; `error` is the latest problem worth showing (or none).
    pub fn set_status(
        &self,
        id: i64,
        status: JobStatus,
        progress: Option<u8>,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            // Cancelling is final: a tracking task that was mid-step when it was stopped must
            // not move the job back.
            "UPDATE jobs SET status = ?2, progress = ?3, error = ?4, updated_at = ?5
             WHERE id = ?1 AND status != 'cancelled'",
            params![id, status.as_str(), progress, error, now_ms()],
        )?;
        Ok(())
    }

    /// Follows a job again at the person's request, even one they cancelled.
    pub fn reopen(&self, id: i64, status: JobStatus) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE jobs SET status = ?2, progress = NULL, error = NULL, updated_at = ?3
             WHERE id = ?1",
            params![id, status.as_str(), now_ms()],
        )?;
        Ok(())
    }

    pub fn set_credits(&self, id: i64, credits: u32) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE jobs SET credits = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, credits, now_ms()],
        )?;
        Ok(())
    }

    /// Removes jobs (their images go with them); returns the ids, whose files the caller removes.
    pub fn delete_jobs_of_account(&self, account_id: i64) -> Result<Vec<i64>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("DELETE FROM jobs WHERE account_id = ?1 RETURNING id")?;
        let ids = stmt
            .query_map([account_id], |r| r.get(0))?
            .collect::<Result<Vec<i64>, _>>()?;
        Ok(ids)
    }

    pub fn bump_preview(&self, id: i64) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE jobs SET preview_rev = preview_rev + 1, updated_at = ?2 WHERE id = ?1",
            params![id, now_ms()],
        )?;
        Ok(())
    }

    pub fn put_image(&self, job_id: i64, img: &NewImage<'_>) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO images (job_id, slot, file, thumb, width, height, bytes, source_url)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (job_id, slot) DO UPDATE SET file = excluded.file, thumb = excluded.thumb,
               width = excluded.width, height = excluded.height, bytes = excluded.bytes,
               source_url = excluded.source_url",
            params![
                job_id,
                img.slot.index(),
                img.file,
                img.thumb,
                img.width,
                img.height,
                img.bytes as i64,
                img.source_url
            ],
        )?;
        Ok(())
    }

    pub fn job(&self, id: i64) -> Result<Option<Job>, StoreError> {
        let conn = self.conn();
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1");
        let Some(mut job) = conn.query_row(&sql, [id], job_from_row).optional()? else {
            return Ok(None);
        };
        job.images = images_of(&conn, id)?;
        Ok(Some(job))
    }

    pub fn jobs(&self, query: &JobQuery) -> Result<Vec<Job>, StoreError> {
        let conn = self.conn();
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs
             WHERE (?1 IS NULL OR prompt LIKE '%' || ?1 || '%' ESCAPE '\\')
               AND (?2 IS NULL OR status = ?2)
             ORDER BY created_at DESC, id DESC LIMIT ?3"
        );
        let search = query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(escape_like);
        let limit = query.limit.unwrap_or(500);
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut jobs = stmt
            .query_map(
                params![search, query.status.map(JobStatus::as_str), limit],
                job_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        for job in &mut jobs {
            job.images = images_of(&conn, job.id)?;
        }
        Ok(jobs)
    }

    /// Jobs the app must pick up again: everything still on its way, oldest first.
    pub fn unfinished_jobs(&self) -> Result<Vec<Job>, StoreError> {
        let conn = self.conn();
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs
             WHERE status IN ('submitting', 'queued', 'running', 'downloading') ORDER BY id"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut jobs = stmt
            .query_map([], job_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        for job in &mut jobs {
            job.images = images_of(&conn, job.id)?;
        }
        debug_assert!(jobs.iter().all(|j| !j.status.is_finished()));
        Ok(jobs)
    }

    pub fn image(&self, image_id: i64) -> Result<Option<ImageRecord>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, slot, file, thumb, width, height, bytes, source_url FROM images WHERE id = ?1",
                [image_id],
                image_from_row,
            )
            .optional()?)
    }
}

fn images_of(conn: &rusqlite::Connection, job_id: i64) -> Result<Vec<ImageRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, slot, file, thumb, width, height, bytes, source_url FROM images
         WHERE job_id = ?1 ORDER BY slot",
    )?;
    let rows = stmt.query_map([job_id], image_from_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn job_from_row(r: &Row<'_>) -> rusqlite::Result<Job> {
    let provider: String = r.get(2)?;
    let status: String = r.get(5)?;
    Ok(Job {
        id: r.get(0)?,
        reference: r.get(1)?,
        provider: ProviderKind::parse(&provider).ok_or_else(|| bad_value(2, &provider))?,
        remote_id: r.get(3)?,
        prompt: r.get(4)?,
        status: JobStatus::parse(&status).ok_or_else(|| bad_value(5, &status))?,
        progress: r.get(6)?,
        error: r.get(7)?,
        preview_rev: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
        account_id: r.get(11)?,
        account_label: r.get(12)?,
        credits: r.get(13)?,
        images: Vec::new(),
    })
}

fn image_from_row(r: &Row<'_>) -> rusqlite::Result<ImageRecord> {
    let slot: u8 = r.get(1)?;
    let bytes: i64 = r.get(6)?;
    Ok(ImageRecord {
        id: r.get(0)?,
        slot: Slot::from_index(slot).ok_or_else(|| bad_value(1, &slot.to_string()))?,
        file: r.get(2)?,
        thumb: r.get(3)?,
        width: r.get(4)?,
        height: r.get(5)?,
        bytes: bytes.max(0) as u64,
        source_url: r.get(7)?,
    })
}

pub(super) fn bad_value(col: usize, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        col,
        rusqlite::types::Type::Text,
        format!("unexpected value {value:?}").into(),
    )
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo(store: &Store) -> Account {
        store.accounts().unwrap().remove(0)
    }

    fn image(slot: Slot) -> NewImage<'static> {
        NewImage {
            slot,
            file: "1/grid.png",
            thumb: "1/grid.thumb.jpg",
            width: 8,
            height: 8,
            bytes: 64,
            source_url: None,
        }
    }

    #[test]
    fn a_job_moves_through_its_life_and_keeps_its_images() {
        let store = Store::open_in_memory().unwrap();
        let job = store
            .insert_job("ref-1", &demo(&store), "a cat --ar 16:9")
            .unwrap();
        assert_eq!(job.status, JobStatus::Submitting);
        store.set_remote_id(job.id, "remote-1").unwrap();
        store
            .set_status(job.id, JobStatus::Running, Some(40), None)
            .unwrap();
        store.bump_preview(job.id).unwrap();
        store.put_image(job.id, &image(Slot::Grid)).unwrap();
        store.put_image(job.id, &image(Slot::U2)).unwrap();
        store
            .put_image(
                job.id,
                &NewImage {
                    width: 9,
                    ..image(Slot::U2)
                },
            )
            .unwrap();
        let got = store.job(job.id).unwrap().unwrap();
        assert_eq!(got.remote_id.as_deref(), Some("remote-1"));
        assert_eq!(
            (got.status, got.progress, got.preview_rev),
            (JobStatus::Running, Some(40), 1)
        );
        assert_eq!(
            got.images
                .iter()
                .map(|i| (i.slot, i.width))
                .collect::<Vec<_>>(),
            [(Slot::Grid, 8), (Slot::U2, 9)]
        );
        assert_eq!(store.unfinished_jobs().unwrap().len(), 1);
        store
            .set_status(job.id, JobStatus::Cancelled, None, None)
            .unwrap();
        store
            .set_status(job.id, JobStatus::Running, Some(50), None)
            .unwrap();
        let status = store.job(job.id).unwrap().unwrap().status;
        assert_eq!(status, JobStatus::Cancelled, "cancelling is final");
        assert!(store.unfinished_jobs().unwrap().is_empty());

        store.reopen(job.id, JobStatus::Queued).unwrap();
        let reopened = store.job(job.id).unwrap().unwrap();
        assert_eq!((reopened.status, reopened.error), (JobStatus::Queued, None));
        assert_eq!(store.unfinished_jobs().unwrap().len(), 1, "followed again");
    }

    #[test]
    fn references_are_unique() {
        let store = Store::open_in_memory().unwrap();
        store.insert_job("same", &demo(&store), "a").unwrap();
        assert!(store.insert_job("same", &demo(&store), "b").is_err());
    }

    #[test]
    fn search_is_newest_first_and_literal() {
        let store = Store::open_in_memory().unwrap();
        for (i, prompt) in ["red fox", "blue 100% whale", "red panda"]
            .iter()
            .enumerate()
        {
            store
                .insert_job(&format!("r{i}"), &demo(&store), prompt)
                .unwrap();
        }
        let prompts = |q: &str| -> Vec<String> {
            let query = JobQuery {
                search: Some(q.into()),
                ..JobQuery::default()
            };
            store
                .jobs(&query)
                .unwrap()
                .into_iter()
                .map(|j| j.prompt)
                .collect()
        };
        assert_eq!(prompts("red"), ["red panda", "red fox"]);
        assert_eq!(prompts("100%"), ["blue 100% whale"]);
        assert_eq!(prompts("%"), ["blue 100% whale"]);
        assert_eq!(prompts("  "), ["red panda", "blue 100% whale", "red fox"]);
    }
}
