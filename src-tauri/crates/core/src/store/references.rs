//! The library pictures a prompt's job was sent with as references (image prompts, `--sref`,
//! `--oref`): its `job_sources` rows other than what an action was made from.

use super::rows::named;
use super::{Store, StoreError};
use crate::job::SourceRole;

impl Store {
    /// The job's references in the order they were sent: image id and role. Pictures deleted
    /// since are still listed (their ids are never reused; Undo brings them back).
    pub fn references_of(&self, job_id: i64) -> Result<Vec<(i64, SourceRole)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT image_id, role FROM job_sources
             WHERE job_id = ?1 AND role <> 'parent' ORDER BY position",
        )?;
        let rows = stmt.query_map([job_id], |r| {
            let role: String = r.get(1)?;
            Ok((r.get(0)?, named(1, &role)?))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}
