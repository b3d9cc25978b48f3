//! Prompt memory: what was sent before, and prompts kept under a name.

use super::{Atelier, AtelierError};
use crate::library::clean_name;
use crate::store::SavedPrompt;

/// The most recent prompts one request returns: a list to pick from, not the history.
const MOST_RECENT: u32 = 200;

impl Atelier {
    /// Distinct prompts sent before that contain `text`, newest first.
    pub fn recent_prompts(&self, text: &str, limit: u32) -> Result<Vec<String>, AtelierError> {
        let limit = limit.clamp(1, MOST_RECENT) as usize;
        Ok(self.store.recent_prompts(text.trim(), limit)?)
    }

    pub fn saved_prompts(&self) -> Result<Vec<SavedPrompt>, AtelierError> {
        Ok(self.store.saved_prompts()?)
    }

    /// Keeps a prompt under a name; saving under a name in use replaces that prompt.
    pub fn save_prompt(&self, name: &str, text: &str) -> Result<SavedPrompt, AtelierError> {
        let name = clean_name(name).map_err(AtelierError::Invalid)?;
        let text = text.trim();
        if text.is_empty() {
            return Err(AtelierError::Invalid(
                "Write the prompt to save first.".into(),
            ));
        }
        Ok(self.store.save_prompt(&name, text)?)
    }

    pub fn delete_saved_prompt(&self, id: i64) -> Result<(), AtelierError> {
        Ok(self.store.delete_saved_prompt(id)?)
    }
}
