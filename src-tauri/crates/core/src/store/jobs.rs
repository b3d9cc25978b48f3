//! Job and image rows. Each state change is one statement, so each is its own transaction.

use rusqlite::{params, Connection, OptionalExtension};

use super::rows::{bad_value, image_from_row, job_from_row, named, IMAGE_COLUMNS, JOB_COLUMNS};
use super::schema::SEQ_PER_MS;
use super::{Layout, Store, StoreError};
use crate::accounts::Account;
use crate::clock::now_ms;
use crate::job::{Batch, EnhancedCopy, ImageRecord, Job, JobStatus, Slot, SourceRole};
use crate::library::{fts_text, PromptParams};
use crate::providers::{ActionKind, EnhanceScale};

pub struct NewImage<'a> {
    pub slot: Slot,
    pub file: &'a str,
    pub thumb: &'a str,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub source_url: Option<&'a str>,
}

/// A finished job brought into the history whole (an import, or a seeded test history). Its
/// files go where `Layout::image_names` says, once the job has its id.
pub struct PastJob<'a> {
    pub reference: &'a str,
    pub account: &'a Account,
    pub prompt: &'a str,
    pub remote_id: Option<&'a str>,
    pub created_at: i64,
    /// A finished status; the history keeps failures too.
    pub status: JobStatus,
    pub error: Option<&'a str>,
    pub images: &'a [PastImage],
}

#[derive(Debug, Clone)]
pub struct PastImage {
    pub slot: Slot,
    /// The file's extension ("png", "jpg", "webp").
    pub extension: &'static str,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

impl Store {
    /// Records a job before anything is sent, so nothing sent is ever unrecorded.
    pub fn insert_job(
        &self,
        reference: &str,
        account: &Account,
        prompt: &str,
        batch: Option<&Batch>,
    ) -> Result<Job, StoreError> {
        self.insert_new(reference, account, prompt, batch, None)
    }

    /// Records an Enhance of image `parent_image` (whose job had `prompt`) before it is sent.
    pub fn insert_enhancement(
        &self,
        reference: &str,
        account: &Account,
        prompt: &str,
        parent_image: i64,
        scale: EnhanceScale,
    ) -> Result<Job, StoreError> {
        let enhance = Some((scale, parent_image));
        self.insert_new(reference, account, prompt, None, enhance)
    }

    /// Records a job made by an action, a Describe or a Blend (`made`: what, and the button's
    /// label) from the `sources` pictures, before it is sent; or a prompt's job sent with
    /// pictures as references (no `made`). One transaction: the job never exists without
    /// its sources.
    pub fn insert_job_from(
        &self,
        reference: &str,
        account: &Account,
        prompt: &str,
        made: Option<(ActionKind, &str)>,
        sources: &[(i64, SourceRole)],
        batch: Option<&Batch>,
    ) -> Result<Job, StoreError> {
        self.insert_row(NewJobRow {
            made,
            sources,
            ..NewJobRow::submitting(reference, account, prompt, batch)
        })
    }

    /// A job about to be sent, its row and its search entry in one transaction.
    fn insert_new(
        &self,
        reference: &str,
        account: &Account,
        prompt: &str,
        batch: Option<&Batch>,
        enhance: Option<(EnhanceScale, i64)>,
    ) -> Result<Job, StoreError> {
        self.insert_row(NewJobRow {
            enhance,
            ..NewJobRow::submitting(reference, account, prompt, batch)
        })
    }

    fn insert_row(&self, row: NewJobRow<'_>) -> Result<Job, StoreError> {
        let id = {
            let mut conn = self.conn();
            let tx = conn.transaction()?;
            let id = insert_job_row(&tx, &row)?;
            tx.commit()?;
            id
        };
        self.job(id)?
            .ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
    }

    /// Every Enhance started from the job's images, by slot and then oldest first.
    pub fn enhancements_of(&self, job_id: i64) -> Result<Vec<EnhancedCopy>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT c.id, c.slot, e.id, e.enhance_scale, e.status
             FROM images c JOIN jobs e ON e.parent_image = c.id
             WHERE c.job_id = ?1 ORDER BY c.slot, e.seq",
        )?;
        let rows = stmt.query_map([job_id], |r| {
            let (slot, scale, status): (u8, String, String) = (r.get(1)?, r.get(3)?, r.get(4)?);
            Ok(EnhancedCopy {
                image_id: r.get(0)?,
                slot: Slot::from_index(slot).ok_or_else(|| bad_value(1, &slot.to_string()))?,
                job_id: r.get(2)?,
                scale: named(3, &scale)?,
                status: named(4, &status)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Adds finished jobs with their image rows in one transaction; returns their ids.
    pub fn insert_past_jobs(
        &self,
        jobs: &[PastJob<'_>],
        layout: &dyn Layout,
    ) -> Result<Vec<i64>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut ids = Vec::with_capacity(jobs.len());
        for job in jobs {
            let row = NewJobRow {
                reference: job.reference,
                account: job.account,
                prompt: job.prompt,
                status: job.status,
                remote_id: job.remote_id,
                created_at: job.created_at,
                batch: None,
                enhance: None,
                made: None,
                sources: &[],
            };
            let id = insert_job_row(&tx, &row)?;
            if let Some(error) = job.error {
                tx.prepare_cached("UPDATE jobs SET error = ?2 WHERE id = ?1")?
                    .execute(params![id, error])?;
            }
            for img in job.images {
                let (file, thumb) = layout.image_names(id, img.slot, img.extension);
                let row = NewImage {
                    slot: img.slot,
                    file: &file,
                    thumb: &thumb,
                    width: img.width,
                    height: img.height,
                    bytes: img.bytes,
                    source_url: None,
                };
                put_image_row(&tx, id, &row)?;
            }
            ids.push(id);
        }
        tx.commit()?;
        Ok(ids)
    }

    pub fn set_remote_id(&self, id: i64, remote_id: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE jobs SET remote_id = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, remote_id, now_ms()],
        )?;
        Ok(())
    }

    /// The job no longer has a task at the service worth following (one that waited for a
    /// prompt that was never sent): nothing can be resumed.
    pub fn clear_remote_id(&self, id: i64) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE jobs SET remote_id = NULL, updated_at = ?2 WHERE id = ?1",
            params![id, now_ms()],
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

    pub fn bump_preview(&self, id: i64) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE jobs SET preview_rev = preview_rev + 1, updated_at = ?2 WHERE id = ?1",
            params![id, now_ms()],
        )?;
        Ok(())
    }

    pub fn put_image(&self, job_id: i64, img: &NewImage<'_>) -> Result<(), StoreError> {
        put_image_row(&self.conn(), job_id, img)?;
        Ok(())
    }

    pub fn job(&self, id: i64) -> Result<Option<Job>, StoreError> {
        let conn = self.conn();
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs j WHERE j.id = ?1");
        let Some(mut job) = conn.query_row(&sql, [id], job_from_row).optional()? else {
            return Ok(None);
        };
        job.images = images_of(&conn, id)?;
        Ok(Some(job))
    }

    /// Jobs the app must pick up again: everything still on its way, oldest first.
    pub fn unfinished_jobs(&self) -> Result<Vec<Job>, StoreError> {
        let conn = self.conn();
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs j
             WHERE j.status IN ('submitting', 'queued', 'running', 'downloading') ORDER BY j.id"
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

    /// The job an image belongs to, with all its images.
    pub fn job_of_image(&self, image_id: i64) -> Result<Option<Job>, StoreError> {
        let job_id: Option<i64> = self
            .conn()
            .query_row("SELECT job_id FROM images WHERE id = ?1", [image_id], |r| {
                r.get(0)
            })
            .optional()?;
        match job_id {
            Some(id) => self.job(id),
            None => Ok(None),
        }
    }

    pub fn image(&self, image_id: i64) -> Result<Option<ImageRecord>, StoreError> {
        let sql = format!("SELECT {IMAGE_COLUMNS} FROM images i WHERE i.id = ?1");
        Ok(self
            .conn()
            .query_row(&sql, [image_id], |r| image_from_row(r, 0))
            .optional()?)
    }
}

struct NewJobRow<'a> {
    reference: &'a str,
    account: &'a Account,
    prompt: &'a str,
    status: JobStatus,
    remote_id: Option<&'a str>,
    created_at: i64,
    batch: Option<&'a Batch>,
    /// An Enhance: its scale and the image it is made from.
    enhance: Option<(EnhanceScale, i64)>,
    /// An action, Describe or Blend: what it is and the button's label.
    made: Option<(ActionKind, &'a str)>,
    /// The pictures it is made from or sent with, in order.
    sources: &'a [(i64, SourceRole)],
}

impl<'a> NewJobRow<'a> {
    /// A job about to be sent.
    fn submitting(
        reference: &'a str,
        account: &'a Account,
        prompt: &'a str,
        batch: Option<&'a Batch>,
    ) -> Self {
        NewJobRow {
            reference,
            account,
            prompt,
            status: JobStatus::Submitting,
            remote_id: None,
            created_at: now_ms(),
            batch,
            enhance: None,
            made: None,
            sources: &[],
        }
    }
}

/// The job row, in its place in time, filed under its prompt's parameters and in the search
/// index.
fn insert_job_row(conn: &Connection, job: &NewJobRow<'_>) -> Result<i64, StoreError> {
    let params = PromptParams::of(job.prompt);
    let seq = next_seq(conn, job.created_at)?;
    conn.prepare_cached(
        "INSERT INTO jobs (reference, provider, account_id, account_label, prompt, status,
                           remote_id, aspect, model, created_at, updated_at, seq, batch,
                           enhance_scale, parent_image)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        job.reference,
        job.account.provider.as_str(),
        job.account.id,
        job.account.label,
        job.prompt,
        job.status.as_str(),
        job.remote_id,
        params.aspect,
        params.model,
        job.created_at,
        seq,
        job.batch.map(Batch::as_str),
        job.enhance.map(|(scale, _)| scale.as_str()),
        job.enhance.map(|(_, image)| image),
    ])?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached("INSERT INTO jobs_fts (rowid, text) VALUES (?1, ?2)")?
        .execute(params![seq, fts_text(job.prompt)])?;
    if let Some((action, label)) = job.made {
        conn.prepare_cached("UPDATE jobs SET action = ?2, action_label = ?3 WHERE id = ?1")?
            .execute(params![id, action.as_str(), label])?;
    }
    let mut source = conn.prepare_cached(
        "INSERT INTO job_sources (job_id, position, image_id, role) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (position, (image_id, role)) in job.sources.iter().enumerate() {
        let role: &str = (*role).into();
        source.execute(params![id, position as i64, image_id, role])?;
    }
    Ok(id)
}

/// The first free `seq` at or after `created_at`'s own: jobs of the same millisecond line up
/// one after another (and a thousand of them spill into the next millisecond's room).
fn next_seq(conn: &Connection, created_at: i64) -> Result<i64, StoreError> {
    let base = created_at.saturating_mul(SEQ_PER_MS);
    let taken: Option<i64> = conn
        .prepare_cached("SELECT MAX(seq) FROM jobs WHERE seq >= ?1 AND seq < ?1 + ?2")?
        .query_row(params![base, SEQ_PER_MS], |r| r.get(0))?;
    let mut seq = taken.map_or(base, |t| t + 1);
    while conn
        .prepare_cached("SELECT 1 FROM jobs WHERE seq = ?1")?
        .exists([seq])?
    {
        seq += 1;
    }
    Ok(seq)
}

fn put_image_row(conn: &Connection, job_id: i64, img: &NewImage<'_>) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO images (job_id, slot, file, thumb, width, height, bytes, source_url)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (job_id, slot) DO UPDATE SET file = excluded.file, thumb = excluded.thumb,
           width = excluded.width, height = excluded.height, bytes = excluded.bytes,
           source_url = excluded.source_url",
    )?
    .execute(params![
        job_id,
        img.slot.index(),
        img.file,
        img.thumb,
        img.width,
        img.height,
        img.bytes as i64,
        img.source_url
    ])?;
    Ok(())
}

pub(super) fn images_of(conn: &Connection, job_id: i64) -> Result<Vec<ImageRecord>, StoreError> {
    let sql = format!("SELECT {IMAGE_COLUMNS} FROM images i WHERE i.job_id = ?1 ORDER BY i.slot");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([job_id], |r| image_from_row(r, 0))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

#[cfg(test)]
#[path = "jobs_tests.rs"]
mod tests;
