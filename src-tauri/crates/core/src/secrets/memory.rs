use std::collections::HashMap;
use std::sync::Mutex;

use super::{Secret, SecretError, SecretStore};

/// Keeps secrets in memory; for logic tests only, never used by the app.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, String>>,
}

impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<Secret>, SecretError> {
        Ok(self.lock().get(account).cloned().map(Secret::new))
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        self.lock().insert(account.to_owned(), secret.to_owned());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        self.lock().remove(account);
        Ok(())
    }
}

impl MemoryStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}
