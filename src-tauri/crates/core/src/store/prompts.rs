//! Prompt memory: the prompts of the history, newest first, and prompts saved under a name.

use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;

use super::{Store, StoreError};
use crate::clock::now_ms;

/// A prompt the person named, to send again.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SavedPrompt {
    pub id: i64,
    pub name: String,
    pub text: String,
    pub created_at: i64,
}

impl Store {
    /// Distinct prompts of the history that contain `text` (ASCII letters in any case),
    /// newest first. Walks the history from the newest job and stops at `limit`, so the
    /// usual case (a few recent prompts) reads a few rows whatever the history's size.
    pub fn recent_prompts(&self, text: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT prompt FROM jobs WHERE ?1 = '' OR instr(lower(prompt), lower(?1)) > 0
             ORDER BY seq DESC",
        )?;
        let mut rows = stmt.query([text])?;
        let mut out: Vec<String> = Vec::new();
        while out.len() < limit {
            let Some(row) = rows.next()? else { break };
            let prompt: String = row.get(0)?;
            if !out.contains(&prompt) {
                out.push(prompt);
            }
        }
        Ok(out)
    }

    pub fn saved_prompts(&self) -> Result<Vec<SavedPrompt>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, text, created_at FROM saved_prompts ORDER BY name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SavedPrompt {
                id: r.get(0)?,
                name: r.get(1)?,
                text: r.get(2)?,
                created_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Saves a prompt under a name, replacing the one saved under the same name.
    pub fn save_prompt(&self, name: &str, text: &str) -> Result<SavedPrompt, StoreError> {
        let conn = self.conn();
        let saved = conn.query_row(
            "INSERT INTO saved_prompts (name, text, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET text = excluded.text
             RETURNING id, name, text, created_at",
            params![name, text, now_ms()],
            |r| {
                Ok(SavedPrompt {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    text: r.get(2)?,
                    created_at: r.get(3)?,
                })
            },
        )?;
        Ok(saved)
    }

    pub fn delete_saved_prompt(&self, id: i64) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM saved_prompts WHERE id = ?1", [id])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{demo, seed, DAY, T0};
    use super::*;

    /// A history of these prompts, the last one newest.
    fn store_with_prompts(prompts: &[&str]) -> Store {
        let store = Store::open_in_memory().unwrap();
        let jobs: Vec<(&str, i64)> = (0..)
            .zip(prompts)
            .map(|(i, p)| (*p, T0 + i * DAY))
            .collect();
        seed(&store, &demo(&store), &jobs);
        store
    }

    #[test]
    fn recent_prompts_are_distinct_newest_first_and_filtered() {
        let store = store_with_prompts(&["a fox", "a red bird", "a fox", "RED sky --ar 16:9"]);
        let all = store.recent_prompts("", 10).unwrap();
        assert_eq!(all, ["RED sky --ar 16:9", "a fox", "a red bird"]);
        assert_eq!(
            store.recent_prompts("red", 10).unwrap(),
            ["RED sky --ar 16:9", "a red bird"]
        );
        assert_eq!(store.recent_prompts("", 2).unwrap().len(), 2);
        assert!(
            store.recent_prompts("%", 10).unwrap().is_empty(),
            "no LIKE wildcards"
        );
    }

    #[test]
    fn a_prompt_saved_again_under_its_name_is_replaced() {
        let store = store_with_prompts(&[]);
        let first = store.save_prompt("Foggy", "a lighthouse in fog").unwrap();
        store.save_prompt("Birds", "a red bird").unwrap();
        let again = store
            .save_prompt("foggy", "a lighthouse in fog --ar 16:9")
            .unwrap();
        assert_eq!(again.id, first.id, "names are matched in any case");
        let saved = store.saved_prompts().unwrap();
        let texts: Vec<&str> = saved.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["a red bird", "a lighthouse in fog --ar 16:9"]);
        store.delete_saved_prompt(first.id).unwrap();
        assert_eq!(store.saved_prompts().unwrap().len(), 1);
    }
}
