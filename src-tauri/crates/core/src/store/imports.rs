//! Imports of past images: where each account's import stopped, and which of a service's
//! jobs the history already holds or the person deleted.

use std::collections::HashSet;

use rusqlite::{params, OptionalExtension, Row};

use super::rows::named;
use super::{Store, StoreError};
use crate::clock::now_ms;
use crate::import::{ImportProgress, ImportState};
use crate::providers::ProviderKind;

const COLUMNS: &str =
    "account_id, state, next_page, next_item, listed, imported, skipped, failed, left_out, total, \
     message";

impl Store {
    /// Which of `remote_ids` the history already has a job for, on this service (whatever
    /// account made it: a re-added account must not bring its images home twice).
    pub fn known_remote_ids(
        &self,
        provider: ProviderKind,
        remote_ids: &[String],
    ) -> Result<HashSet<String>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached("SELECT 1 FROM jobs WHERE remote_id = ?1 AND provider = ?2 LIMIT 1")?;
        let mut known = HashSet::new();
        for id in remote_ids {
            if stmt.exists(params![id, provider.as_str()])? {
                known.insert(id.clone());
            }
        }
        Ok(known)
    }

    /// Which of `remote_ids` name jobs of this service the person deleted: an import leaves
    /// them out (until Undo puts the job back).
    pub fn deleted_remote_ids(
        &self,
        provider: ProviderKind,
        remote_ids: &[String],
    ) -> Result<HashSet<String>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT 1 FROM deleted_remote_ids WHERE provider = ?2 AND remote_id = ?1",
        )?;
        let mut deleted = HashSet::new();
        for id in remote_ids {
            if stmt.exists(params![id, provider.as_str()])? {
                deleted.insert(id.clone());
            }
        }
        Ok(deleted)
    }

    pub fn import(&self, account_id: i64) -> Result<Option<ImportProgress>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM imports WHERE account_id = ?1");
        Ok(self
            .conn()
            .query_row(&sql, [account_id], import_from_row)
            .optional()?)
    }

    /// Every account's latest import, running or not.
    pub fn imports(&self) -> Result<Vec<ImportProgress>, StoreError> {
        let conn = self.conn();
        let sql = format!("SELECT {COLUMNS} FROM imports ORDER BY account_id");
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], import_from_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    pub fn save_import(&self, p: &ImportProgress) -> Result<(), StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO imports (account_id, state, next_page, next_item, listed, imported,
                                      skipped, failed, left_out, total, message, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT (account_id) DO UPDATE SET state = excluded.state,
                   next_page = excluded.next_page, next_item = excluded.next_item,
                   listed = excluded.listed,
                   imported = excluded.imported, skipped = excluded.skipped,
                   failed = excluded.failed, left_out = excluded.left_out,
                   total = excluded.total, message = excluded.message,
                   updated_at = excluded.updated_at",
            )?
            .execute(params![
                p.account_id,
                p.state.as_str(),
                p.next_page,
                p.next_item,
                p.listed as i64,
                p.imported as i64,
                p.skipped as i64,
                p.failed as i64,
                p.left_out as i64,
                p.total.map(|t| t as i64),
                p.message,
                now_ms(),
            ])?;
        Ok(())
    }
}

fn import_from_row(r: &Row<'_>) -> rusqlite::Result<ImportProgress> {
    let state: String = r.get(1)?;
    let count = |i: usize| r.get::<_, i64>(i).map(|n| n.max(0) as u64);
    let state: ImportState = named(1, &state)?;
    Ok(ImportProgress {
        account_id: r.get(0)?,
        done: state != ImportState::Running,
        state,
        next_page: r.get(2)?,
        next_item: r.get(3)?,
        listed: count(4)?,
        imported: count(5)?,
        skipped: count(6)?,
        failed: count(7)?,
        left_out: count(8)?,
        total: r.get::<_, Option<i64>>(9)?.map(|t| t.max(0) as u64),
        message: r.get(10)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Account;
    use crate::job::JobStatus;
    use crate::store::test_support::demo;
    use crate::store::PastJob;

    #[test]
    fn an_import_is_kept_and_replaced_whole() {
        let store = Store::open_in_memory().unwrap();
        let account = demo(&store).id;
        assert_eq!(store.import(account).unwrap(), None);
        let mut p = ImportProgress::new(account);
        p.next_page = 3;
        p.next_item = 7;
        p.imported = 99;
        p.total = Some(120);
        store.save_import(&p).unwrap();
        assert_eq!(store.import(account).unwrap(), Some(p.clone()));
        p.set_state(ImportState::Cancelled, "stopped");
        store.save_import(&p).unwrap();
        assert_eq!(store.imports().unwrap(), vec![p]);
    }

    /// A finished past job of the service's, id "abc", with no images.
    fn past_job(account: &Account) -> PastJob<'_> {
        PastJob {
            reference: "r",
            account,
            prompt: "p",
            remote_id: Some("abc"),
            created_at: 1,
            status: JobStatus::Done,
            error: None,
            images: &[],
        }
    }

    #[test]
    fn known_remote_ids_are_per_service() {
        let store = Store::open_in_memory().unwrap();
        let account = demo(&store);
        let past = past_job(&account);
        store
            .insert_past_jobs(&[past], &crate::store::test_support::Files)
            .unwrap();
        let ids = ["abc".to_owned(), "def".to_owned()];
        let known = store.known_remote_ids(ProviderKind::Demo, &ids).unwrap();
        assert_eq!(known, HashSet::from(["abc".to_owned()]));
        let other = store
            .known_remote_ids(ProviderKind::ImagineApi, &ids)
            .unwrap();
        assert!(other.is_empty());
    }

    #[test]
    fn a_deleted_jobs_remote_id_is_remembered_until_undo_brings_it_back() {
        let store = Store::open_in_memory().unwrap();
        let account = demo(&store);
        let past = past_job(&account);
        let files = crate::store::test_support::Files;
        let ids = store.insert_past_jobs(&[past], &files).unwrap();
        let asked = ["abc".to_owned()];
        let deleted = |p| store.deleted_remote_ids(p, &asked).unwrap();
        assert!(deleted(ProviderKind::Demo).is_empty());

        let removed = store.remove_jobs(&ids, &files).unwrap();
        assert_eq!(
            deleted(ProviderKind::Demo),
            HashSet::from(["abc".to_owned()])
        );
        assert!(deleted(ProviderKind::ImagineApi).is_empty(), "per service");

        store.restore(&removed).unwrap();
        assert!(deleted(ProviderKind::Demo).is_empty(), "Undo takes it back");
    }
}
