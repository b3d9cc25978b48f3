//! Which job folders the rows still own. A job's folder is made only while its row is there,
//! under the lock a deletion takes, so a download that outlives its deleted job has nowhere
//! to land; folders no row owns (from before this rule, or a crash) are swept at start.

use std::collections::HashSet;

use rusqlite::params;

use super::{Store, StoreError};

impl Store {
    /// Runs `make` (which makes the job's folder) while the job's row exists, holding the
    /// lock that deleting it takes; `None`, without running it, once the row is gone.
    pub fn while_job_exists<T>(
        &self,
        job_id: i64,
        make: impl FnOnce() -> T,
    ) -> Result<Option<T>, StoreError> {
        let conn = self.conn();
        let exists = conn
            .prepare_cached("SELECT 1 FROM jobs WHERE id = ?1")?
            .exists([job_id])?;
        Ok(exists.then(make))
    }

    /// Which of `ids` are jobs of the history. Run at every start over every job folder: one
    /// walk of the ids in their range, not a lookup per folder (100,000 of them).
    pub fn existing_jobs(&self, ids: &[i64]) -> Result<HashSet<i64>, StoreError> {
        let (Some(&low), Some(&high)) = (ids.iter().min(), ids.iter().max()) else {
            return Ok(HashSet::new());
        };
        let wanted: HashSet<i64> = ids.iter().copied().collect();
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT id FROM jobs WHERE id BETWEEN ?1 AND ?2")?;
        let rows = stmt.query_map(params![low, high], |r| r.get::<_, i64>(0))?;
        let mut found = HashSet::new();
        for id in rows {
            let id = id?;
            if wanted.contains(&id) {
                found.insert(id);
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::{demo, seed, Files, T0};

    #[test]
    fn a_deleted_jobs_folder_is_never_made_again() {
        let store = Store::open_in_memory().unwrap();
        let account = demo(&store);
        let ids = seed(&store, &account, &[("a", T0), ("b", T0 + 1)]);
        assert_eq!(store.while_job_exists(ids[0], || 7).unwrap(), Some(7));
        store.remove_jobs(&ids[..1], &Files).unwrap();
        let mut made = false;
        assert_eq!(
            store.while_job_exists(ids[0], || made = true).unwrap(),
            None
        );
        assert!(!made);
        let found = store.existing_jobs(&[ids[0], ids[1], 999]).unwrap();
        assert_eq!(found, HashSet::from([ids[1]]));
    }
}
