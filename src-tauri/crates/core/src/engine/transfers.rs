//! The one owner of every picture on its way down: each job's download and its partial
//! previews. At most one task of each kind per job, all under one limit of parallel transfers,
//! stopped when the job stops or the app closes; a task that ends, however it ends, makes room
//! for a new one (never reused). Imports share the slots but never hold the last one, so a
//! live job's pictures come home while an import runs.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::{AbortHandle, Id};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    Download,
    Preview,
}

/// A transfer slot, held until dropped.
pub(super) struct Permit {
    _shared: OwnedSemaphorePermit,
    _import: Option<OwnedSemaphorePermit>,
}

pub(super) struct Transfers {
    slots: Arc<Semaphore>,
    /// One fewer than `slots`: an import takes one of these before a shared one.
    import_slots: Arc<Semaphore>,
    tasks: Mutex<HashMap<(i64, Kind), AbortHandle>>,
}

impl Transfers {
    /// At least two slots, so that imports (which may hold all but one) can run at all.
    pub fn new(parallel: usize) -> Arc<Self> {
        let parallel = parallel.max(2);
        Arc::new(Self {
            slots: Arc::new(Semaphore::new(parallel)),
            import_slots: Arc::new(Semaphore::new(parallel - 1)),
            tasks: Mutex::new(HashMap::new()),
        })
    }

    /// Runs `work` as the job's transfer of this kind, unless one is running already.
    /// `on_panic` runs if the task dies of a bug, so the job is not left waiting on it.
    pub fn start(
        self: &Arc<Self>,
        job_id: i64,
        kind: Kind,
        work: impl Future<Output = ()> + Send + 'static,
        on_panic: impl FnOnce() + Send + 'static,
    ) -> bool {
        // Held across the spawn so the task cannot be cleared before it is registered.
        let mut tasks = self.lock();
        if tasks.contains_key(&(job_id, kind)) {
            return false;
        }
        let task = tokio::spawn(work);
        tasks.insert((job_id, kind), task.abort_handle());
        drop(tasks);
        let this = self.clone();
        tokio::spawn(async move {
            let id = task.id();
            let ended = task.await;
            this.clear(job_id, kind, id);
            if ended.is_err_and(|e| e.is_panic()) {
                on_panic();
            }
        });
        true
    }

    /// Waits for one of the parallel transfers to be free; `None` once shutting down.
    pub async fn slot(&self) -> Option<Permit> {
        let shared = self.slots.clone().acquire_owned().await.ok()?;
        Some(Permit {
            _shared: shared,
            _import: None,
        })
    }

    /// A slot for an import's download: one of the import's share first, then a shared one.
    pub async fn import_slot(&self) -> Option<Permit> {
        let share = self.import_slots.clone().acquire_owned().await.ok()?;
        let shared = self.slots.clone().acquire_owned().await.ok()?;
        Some(Permit {
            _shared: shared,
            _import: Some(share),
        })
    }

    pub fn stop(&self, job_id: i64, kind: Kind) {
        if let Some(task) = self.lock().remove(&(job_id, kind)) {
            task.abort();
        }
    }

    pub fn stop_job(&self, job_id: i64) {
        self.stop(job_id, Kind::Download);
        self.stop(job_id, Kind::Preview);
    }

    pub fn stop_all(&self) {
        for (_, task) in self.lock().drain() {
            task.abort();
        }
    }

    /// Forgets a task that ended, unless its entry already belongs to a newer one (a stopped
    /// task ends a moment after it was asked to, and a retry may have started meanwhile).
    fn clear(&self, job_id: i64, kind: Kind, id: Id) {
        let mut tasks = self.lock();
        if tasks.get(&(job_id, kind)).is_some_and(|t| t.id() == id) {
            tasks.remove(&(job_id, kind));
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<(i64, Kind), AbortHandle>> {
        self.tasks.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn one_task_per_job_and_kind_and_an_ended_one_makes_room() {
        let transfers = Transfers::new(2);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let waiting = async move {
            let _ = rx.await;
        };
        assert!(transfers.start(1, Kind::Download, waiting, || {}));
        assert!(!transfers.start(1, Kind::Download, async {}, || {}));
        assert!(transfers.start(1, Kind::Preview, async {}, || {}));
        tx.send(()).unwrap();
        // The watcher clears the entry once the task has ended.
        for _ in 0..100 {
            if transfers.start(1, Kind::Download, async {}, || {}) {
                return;
            }
            tokio::task::yield_now().await;
        }
        panic!("the ended download never made room");
    }

    #[tokio::test]
    async fn imports_never_hold_the_last_slot() {
        let transfers = Transfers::new(3);
        let mut imports = Vec::new();
        for _ in 0..2 {
            imports.push(transfers.import_slot().await.unwrap());
        }
        let third = tokio::time::timeout(Duration::from_millis(50), transfers.import_slot());
        assert!(third.await.is_err(), "a third import waits");
        let live = tokio::time::timeout(Duration::from_millis(50), transfers.slot());
        assert!(live.await.is_ok(), "a live job's download still gets one");
        // Even with one slot asked for, an import and a live job both get to run.
        let one = Transfers::new(1);
        let _import = one.import_slot().await.unwrap();
        assert!(one.slots.available_permits() >= 1);
    }

    #[tokio::test]
    async fn a_task_that_panics_is_reported_and_replaced() {
        let transfers = Transfers::new(1);
        let (told, heard) = tokio::sync::oneshot::channel();
        let started = transfers.start(
            7,
            Kind::Download,
            async { panic!("a scripted bug") },
            move || {
                let _ = told.send(());
            },
        );
        assert!(started);
        heard.await.expect("on_panic ran");
        assert!(transfers.start(7, Kind::Download, async {}, || {}));
    }
}
