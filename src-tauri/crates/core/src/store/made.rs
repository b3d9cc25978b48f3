//! Jobs made by Midjourney's actions, Describes and Blends: what they were made from (the
//! reverse of `Job::made`), what a finished one offers, and the few writes only they need.

use rusqlite::{params, OptionalExtension};

use super::rows::{bad_value, named};
use super::{Store, StoreError};
use crate::clock::now_ms;
use crate::job::{MadeCopy, Slot};
use crate::library::{fts_text, PromptParams};
use crate::providers::{ActionButton, ActionKind, ProviderKind};

impl Store {
    /// Every job made from the job's images by an action, a Describe or a Blend, by slot and
    /// then oldest first.
    pub fn made_of(&self, job_id: i64) -> Result<Vec<MadeCopy>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT c.id, c.slot, m.id, m.action, m.action_label, m.status
             FROM images c
             JOIN job_sources s ON s.image_id = c.id AND s.role = 'parent'
             JOIN jobs m ON m.id = s.job_id
             WHERE c.job_id = ?1 ORDER BY c.slot, m.seq",
        )?;
        let rows = stmt.query_map([job_id], |r| {
            let (slot, status): (u8, String) = (r.get(1)?, r.get(5)?);
            let action: Option<String> = r.get(3)?;
            Ok(MadeCopy {
                image_id: r.get(0)?,
                slot: Slot::from_index(slot).ok_or_else(|| bad_value(1, &slot.to_string()))?,
                job_id: r.get(2)?,
                // A newer Atelier's action is still a job made of it.
                action: action
                    .and_then(|a| a.parse().ok())
                    .unwrap_or(ActionKind::Other),
                label: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                status: named(5, &status)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Another job of `provider` than `except` that already has the remote task `remote_id`.
    pub fn job_with_remote_id(
        &self,
        provider: ProviderKind,
        remote_id: &str,
        except: i64,
    ) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT id FROM jobs WHERE remote_id = ?1 AND provider = ?2 AND id != ?3
                 ORDER BY id LIMIT 1",
            )?
            .query_row(params![remote_id, provider.as_str(), except], |r| r.get(0))
            .optional()?)
    }

    /// What a finished job offers next (its buttons) and, for a Describe, its prompts.
    pub fn set_outputs(
        &self,
        job_id: i64,
        buttons: &[ActionButton],
        described: &[String],
    ) -> Result<(), StoreError> {
        let json = |list: String| Some(list).filter(|l| l != "[]");
        let buttons = json(serde_json::to_string(buttons).unwrap_or_default());
        let described = json(serde_json::to_string(described).unwrap_or_default());
        self.conn().execute(
            "UPDATE jobs SET buttons = ?2, described = ?3, updated_at = ?4 WHERE id = ?1",
            params![job_id, buttons, described, now_ms()],
        )?;
        Ok(())
    }

    /// The prompt a job is sent with changed before it left (the person's answer to the
    /// service's modal step): its row, its parameters and its search entry, together.
    pub fn set_prompt(&self, job_id: i64, prompt: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let seq: i64 =
            tx.query_row("SELECT seq FROM jobs WHERE id = ?1", [job_id], |r| r.get(0))?;
        let params = PromptParams::of(prompt);
        tx.execute(
            "UPDATE jobs SET prompt = ?2, aspect = ?3, model = ?4, updated_at = ?5 WHERE id = ?1",
            params![job_id, prompt, params.aspect, params.model, now_ms()],
        )?;
        tx.execute("DELETE FROM jobs_fts WHERE rowid = ?1", [seq])?;
        tx.execute(
            "INSERT INTO jobs_fts (rowid, text) VALUES (?1, ?2)",
            params![seq, fts_text(prompt)],
        )?;
        tx.commit()?;
        Ok(())
    }
}
