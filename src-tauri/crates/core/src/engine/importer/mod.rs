//! Importing an account's past images: the service's listing is read page by page, and every
//! finished image the library lacks comes home as a finished job, through the same downloads
//! as any job. One import per account, at most; it is polite (it spends from the account's
//! request budget only what the account's live jobs leave, and downloads under the engine's
//! limit of parallel transfers), resumable (where it stopped is stored after every image) and
//! cancellable (between images).

mod item;
mod run;
mod runaway;
mod trust;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use tokio::task::AbortHandle;

use super::context::Context;
use super::Engine;
use crate::accounts::Account;
use crate::import::{ImportProgress, ImportSink, ImportState};
use crate::providers::Provider;
use crate::store::StoreError;

pub struct Importer {
    ctx: Arc<Context>,
    sink: Arc<OnceLock<ImportSink>>,
    running: Arc<Mutex<HashMap<i64, Running>>>,
}

struct Running {
    cancel: Arc<AtomicBool>,
    task: AbortHandle,
}

impl Importer {
    pub fn new(engine: &Engine) -> Self {
        Self {
            ctx: engine.ctx().clone(),
            sink: Arc::new(OnceLock::new()),
            running: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Where progress goes; the first sink set stays.
    pub fn set_sink(&self, sink: ImportSink) {
        let _ = self.sink.set(sink);
    }

    /// Starts (or goes on with) the account's import in the background and says where it
    /// starts. An import that ran already continues where it stopped; one that finished
    /// looks at the whole listing again for images made since. Blocking: SQLite.
    pub fn start(
        &self,
        account: Account,
        provider: Arc<dyn Provider>,
    ) -> Result<ImportProgress, StoreError> {
        let mut running = self.lock();
        if let Some(progress) = running
            .get(&account.id)
            .filter(|r| !r.task.is_finished())
            .and_then(|_| self.ctx.store().import(account.id).ok().flatten())
        {
            return Ok(progress);
        }
        let progress = match self.ctx.store().import(account.id)? {
            Some(mut p)
                if matches!(
                    p.state,
                    ImportState::Running | ImportState::Cancelled | ImportState::Failed
                ) =>
            {
                p.set_state(ImportState::Running, "");
                p
            }
            _ => ImportProgress::new(account.id),
        };
        self.ctx.store().save_import(&progress)?;
        let cancel = Arc::new(AtomicBool::new(false));
        let job = run::Run {
            ctx: self.ctx.clone(),
            account: account.clone(),
            provider,
            cancel: cancel.clone(),
            sink: self.sink.clone(),
            progress: progress.clone(),
        };
        let task = tokio::spawn(job.go()).abort_handle();
        running.insert(account.id, Running { cancel, task });
        drop(running);
        run::tell(&self.sink, &progress);
        Ok(progress)
    }

    /// Asks the account's import to stop after the image it is on; its progress then says
    /// `cancelled`. Returns false when none is running.
    pub fn cancel(&self, account_id: i64) -> bool {
        let running = self.lock();
        match running.get(&account_id).filter(|r| !r.task.is_finished()) {
            Some(r) => {
                r.cancel.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// Stops the account's import at once (the account is being deleted).
    pub fn forget(&self, account_id: i64) {
        if let Some(r) = self.lock().remove(&account_id) {
            r.task.abort();
        }
    }

    /// The imports that were running when the app last closed, to start again.
    pub fn interrupted(&self) -> Result<Vec<i64>, StoreError> {
        let imports = self.ctx.store().imports()?;
        let running = imports.iter().filter(|p| p.state == ImportState::Running);
        Ok(running.map(|p| p.account_id).collect())
    }

    /// Stops every import where it is; each goes on when the library is opened again.
    pub fn shutdown(&self) {
        for (_, r) in self.lock().drain() {
            r.task.abort();
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<i64, Running>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }
}
