//! Importing an account's past images: started, cancelled and resumed here, run by the
//! engine's `Importer` in the background; progress goes to the sink set with `on_import`.

use std::sync::Arc;

use super::{Atelier, AtelierError};
use crate::import::{ImportProgress, ImportSink, ImportState};
use crate::providers::{Provider, ProviderError};

impl Atelier {
    /// Where every import's progress goes.
    pub fn on_import(&self, sink: ImportSink) {
        self.importer.set_sink(sink);
    }

    /// Starts bringing home the account's past images that the library lacks, or goes on
    /// where an earlier import stopped. Returns at once with where it starts. Reads the
    /// keychain: the shell calls it on the blocking pool.
    pub fn import_past(&self, account_id: i64) -> Result<ImportProgress, AtelierError> {
        let account = self.account(account_id)?;
        if !account.provider.capabilities().import_past {
            return Err(ProviderError::ListingUnavailable {
                service: account.provider.display_name(),
                detail: "this service cannot list past images".into(),
            }
            .into());
        }
        let provider = self.provider(&account)?;
        Ok(self.importer.start(account, provider)?)
    }

    /// Stops the account's import after the image it is on (its progress then says
    /// `cancelled`); starting it again continues there. False when none was running.
    pub fn cancel_import(&self, account_id: i64) -> bool {
        self.importer.cancel(account_id)
    }

    /// Every account's latest import, so the window can show one that is running or stopped.
    pub fn imports(&self) -> Result<Vec<ImportProgress>, AtelierError> {
        Ok(self.store.imports()?)
    }

    /// Starts again the imports that were running when the app closed; one whose account
    /// cannot be used any more (no token) is recorded as stopped, with the reason.
    pub(super) fn resume_imports(
        &self,
        mut provider_of: impl FnMut(i64) -> Result<Arc<dyn Provider>, String>,
    ) -> Result<(), AtelierError> {
        for account_id in self.importer.interrupted()? {
            let started = provider_of(account_id)
                .and_then(|p| Ok((p, self.account(account_id).map_err(|e| e.to_string())?)))
                .and_then(|(p, a)| self.importer.start(a, p).map_err(|e| e.to_string()));
            if let Err(why) = started {
                if let Some(mut progress) = self.store.import(account_id)? {
                    progress.set_state(ImportState::Failed, why);
                    self.store.save_import(&progress)?;
                }
            }
        }
        Ok(())
    }
}
