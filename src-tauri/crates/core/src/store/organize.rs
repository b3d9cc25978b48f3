//! What a person does to keep a large history in order: likes, collections, saved searches.

use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};
use crate::clock::now_ms;
use crate::library::{Collection, LibraryQuery, SavedSearch};

impl Store {
    /// Likes or unlikes images; a job counts as liked while any of its images is.
    pub fn like_images(&self, ids: &[i64], liked: bool) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached("UPDATE images SET liked = ?2 WHERE id = ?1")?;
            for id in ids {
                stmt.execute(params![id, liked])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Likes a job by liking its grid (or its first image when it has no grid); unliking a
    /// job unlikes all its images.
    pub fn like_jobs(&self, ids: &[i64], liked: bool) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let sql = if liked {
                "UPDATE images SET liked = 1 WHERE id = (
                     SELECT id FROM images WHERE job_id = ?1 ORDER BY slot LIMIT 1)
                   AND NOT EXISTS (SELECT 1 FROM images WHERE job_id = ?1 AND liked = 1)"
            } else {
                "UPDATE images SET liked = 0 WHERE job_id = ?1 AND liked = 1"
            };
            let mut stmt = tx.prepare_cached(sql)?;
            for id in ids {
                stmt.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The jobs the given images belong to, each once.
    pub fn jobs_of_images(&self, image_ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached("SELECT job_id FROM images WHERE id = ?1")?;
        let mut jobs = Vec::new();
        // A whole wall's worth of images (400,000) is looked up in one go.
        let mut seen = std::collections::HashSet::new();
        for id in image_ids {
            if let Some(job) = stmt.query_row([id], |r| r.get(0)).optional()? {
                if seen.insert(job) {
                    jobs.push(job);
                }
            }
        }
        Ok(jobs)
    }

    /// How many images these jobs have, together.
    pub fn image_count(&self, job_ids: &[i64]) -> Result<usize, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached("SELECT COUNT(*) FROM images WHERE job_id = ?1")?;
        let mut count = 0;
        for id in job_ids {
            count += stmt.query_row([id], |r| r.get::<_, usize>(0))?;
        }
        Ok(count)
    }

    pub fn collections(&self) -> Result<Vec<Collection>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT c.id, c.name, (SELECT COUNT(*) FROM collection_jobs m WHERE m.collection_id = c.id)
             FROM collections c ORDER BY c.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Collection {
                id: r.get(0)?,
                name: r.get(1)?,
                count: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A new collection, or `None` when one of that name exists.
    pub fn create_collection(&self, name: &str) -> Result<Option<i64>, StoreError> {
        let conn = self.conn();
        let added = conn.execute(
            "INSERT INTO collections (name, created_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![name, now_ms()],
        )?;
        Ok((added == 1).then(|| conn.last_insert_rowid()))
    }

    /// Returns false when another collection already has the name.
    pub fn rename_collection(&self, id: i64, name: &str) -> Result<bool, StoreError> {
        let taken = self.conn().execute(
            "UPDATE OR IGNORE collections SET name = ?2 WHERE id = ?1",
            params![id, name],
        )?;
        Ok(taken == 1)
    }

    /// Removes the collection; its jobs stay in the library.
    pub fn delete_collection(&self, id: i64) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM collections WHERE id = ?1", [id])?;
        Ok(())
    }

    pub fn add_to_collection(&self, id: i64, jobs: &[i64]) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO collection_jobs (collection_id, job_id, added_at)
                 SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM jobs WHERE id = ?2)
                 ON CONFLICT DO NOTHING",
            )?;
            let now = now_ms();
            for job in jobs {
                stmt.execute(params![id, job, now])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn remove_from_collection(&self, id: i64, jobs: &[i64]) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "DELETE FROM collection_jobs WHERE collection_id = ?1 AND job_id = ?2",
            )?;
            for job in jobs {
                stmt.execute(params![id, job])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn saved_searches(&self) -> Result<Vec<SavedSearch>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, query FROM saved_searches ORDER BY name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| {
            let json: String = r.get(2)?;
            Ok((r.get(0)?, r.get(1)?, json))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, json) = row?;
            // A query this version cannot read is left out rather than failing the list.
            if let Ok(query) = serde_json::from_str::<LibraryQuery>(&json) {
                out.push(SavedSearch { id, name, query });
            }
        }
        Ok(out)
    }

    /// Saves a query under a name, replacing one saved under the same name.
    pub fn save_search(&self, name: &str, query: &LibraryQuery) -> Result<i64, StoreError> {
        let json = serde_json::to_string(query).expect("a query serializes");
        let conn = self.conn();
        conn.query_row(
            "INSERT INTO saved_searches (name, query, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET query = excluded.query RETURNING id",
            params![name, json, now_ms()],
            |r| r.get(0),
        )
        .map_err(StoreError::from)
    }

    pub fn delete_saved_search(&self, id: i64) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM saved_searches WHERE id = ?1", [id])?;
        Ok(())
    }
}
