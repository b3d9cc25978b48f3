//! The library as the person uses it: pages, counts, likes, collections, saved searches, and
//! deletion with Undo.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use super::{Atelier, AtelierError};
use crate::engine::Job;
use crate::library::{
    clean_name, Collection, Cursor, Deletion, Facets, Filter, LibraryQuery, Page, SavedSearch,
    Selection, Summary, Unit,
};
use crate::media::CAN_UNTRASH;
use crate::store::Removed;

/// How many deletions Undo can reach back to; the toast that offers it is long gone by then.
const UNDO_DEPTH: usize = 20;

/// Deletions kept for Undo, newest last, each under its receipt.
#[derive(Default)]
pub(super) struct Removals {
    kept: Mutex<(i64, VecDeque<(i64, Removed)>)>,
}

impl Removals {
    fn keep(&self, removed: Removed) -> i64 {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.0 += 1;
        let receipt = kept.0;
        kept.1.push_back((receipt, removed));
        if kept.1.len() > UNDO_DEPTH {
            kept.1.pop_front();
        }
        receipt
    }

    fn take(&self, receipt: i64) -> Option<Removed> {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let at = kept.1.iter().position(|(r, _)| *r == receipt)?;
        kept.1.remove(at).map(|(_, removed)| removed)
    }

    /// Keeps a deletion an Undo could not bring back under its receipt again, in its place.
    fn put_back(&self, receipt: i64, removed: Removed) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let at = kept.1.partition_point(|(r, _)| *r < receipt);
        kept.1.insert(at, (receipt, removed));
        if kept.1.len() > UNDO_DEPTH {
            kept.1.pop_front();
        }
    }
}

/// What a selection comes to.
pub(super) enum Target {
    Jobs(Vec<i64>),
    Images(Vec<i64>),
}

impl Atelier {
    pub fn library_page(
        &self,
        query: &LibraryQuery,
        from: Option<i64>,
        limit: u32,
    ) -> Result<Page, AtelierError> {
        Ok(self.store.page(query, from, limit)?)
    }

    pub fn library_summary(&self, query: &LibraryQuery) -> Result<Summary, AtelierError> {
        Ok(self.store.summary(query)?)
    }

    pub fn library_facets(&self, filter: &Filter) -> Result<Facets, AtelierError> {
        Ok(self.store.facets(filter)?)
    }

    /// The ids from one position to another, both included (a Shift-click).
    pub fn library_range(
        &self,
        query: &LibraryQuery,
        from: &Cursor,
        to: &Cursor,
    ) -> Result<Vec<i64>, AtelierError> {
        Ok(self.store.ids_between(query, from, to)?)
    }

    pub fn job(&self, id: i64) -> Result<Option<Job>, AtelierError> {
        Ok(self.store.job(id)?)
    }

    pub fn like(&self, selection: &Selection, liked: bool) -> Result<(), AtelierError> {
        match self.target(selection)? {
            Target::Jobs(ids) => self.store.like_jobs(&ids, liked)?,
            Target::Images(ids) => self.store.like_images(&ids, liked)?,
        }
        Ok(())
    }

    pub fn collections(&self) -> Result<Vec<Collection>, AtelierError> {
        Ok(self.store.collections()?)
    }

    pub fn create_collection(&self, name: &str) -> Result<Collection, AtelierError> {
        let name = clean_name(name).map_err(AtelierError::Invalid)?;
        let id = self.store.create_collection(&name)?.ok_or_else(|| {
            AtelierError::Invalid(format!("There is already a collection “{name}”."))
        })?;
        Ok(Collection { id, name, count: 0 })
    }

    pub fn rename_collection(&self, id: i64, name: &str) -> Result<(), AtelierError> {
        let name = clean_name(name).map_err(AtelierError::Invalid)?;
        if self.store.rename_collection(id, &name)? {
            Ok(())
        } else {
            Err(AtelierError::Invalid(format!(
                "There is already a collection “{name}”."
            )))
        }
    }

    /// Removes the collection, not its jobs.
    pub fn delete_collection(&self, id: i64) -> Result<(), AtelierError> {
        Ok(self.store.delete_collection(id)?)
    }

    /// Puts the selected jobs (or the jobs of the selected images) in a collection, or takes
    /// them out.
    pub fn collect(
        &self,
        collection: i64,
        selection: &Selection,
        add: bool,
    ) -> Result<(), AtelierError> {
        let jobs = match self.target(selection)? {
            Target::Jobs(ids) => ids,
            Target::Images(ids) => self.store.jobs_of_images(&ids)?,
        };
        if add {
            self.store.add_to_collection(collection, &jobs)?;
        } else {
            self.store.remove_from_collection(collection, &jobs)?;
        }
        Ok(())
    }

    pub fn saved_searches(&self) -> Result<Vec<SavedSearch>, AtelierError> {
        Ok(self.store.saved_searches()?)
    }

    pub fn save_search(
        &self,
        name: &str,
        query: &LibraryQuery,
    ) -> Result<SavedSearch, AtelierError> {
        let name = clean_name(name).map_err(AtelierError::Invalid)?;
        let id = self.store.save_search(&name, query)?;
        Ok(SavedSearch {
            id,
            name,
            query: query.clone(),
        })
    }

    pub fn delete_saved_search(&self, id: i64) -> Result<(), AtelierError> {
        Ok(self.store.delete_saved_search(id)?)
    }

    /// Deletes jobs or images: a job in flight is cancelled first, rows go in one
    /// transaction, files go to the system trash. The receipt brings both back.
    pub fn delete(&self, selection: &Selection) -> Result<Deletion, AtelierError> {
        let target = self.target(selection)?;
        self.stop_in_flight(&target)?;
        let removed = match target {
            Target::Jobs(ids) => self.store.remove_jobs(&ids, &self.media)?,
            Target::Images(ids) => self.store.remove_images(&ids, &self.media)?,
        };
        let deletion = Deletion {
            receipt: 0,
            jobs: removed.job_count,
            images: removed.image_count,
            undoable: CAN_UNTRASH,
        };
        let removed = self.to_trash(removed)?;
        self.forget_outgoing_of_deleted();
        if !CAN_UNTRASH {
            return Ok(deletion);
        }
        Ok(Deletion {
            receipt: self.removals.keep(removed),
            ..deletion
        })
    }

    /// Brings a deletion back. When it cannot, nothing changes and the receipt stays, so
    /// the person can clear the way and try again.
    pub fn undo_deletion(&self, receipt: i64) -> Result<(), AtelierError> {
        let removed = self.removals.take(receipt).ok_or_else(|| {
            AtelierError::Invalid("That deletion can no longer be undone.".into())
        })?;
        let back = self.bring_back(&removed);
        if back.is_err() {
            self.removals.put_back(receipt, removed);
        }
        back
    }

    /// Files out of the trash, then rows, so that a crash between the two leaves the deletion
    /// standing rather than files without rows. Nothing moves unless every place is free.
    fn bring_back(&self, removed: &Removed) -> Result<(), AtelierError> {
        self.check_free(removed)?;
        self.store.journal_trash(&removed.paths)?;
        let back = self
            .media
            .untrash(&removed.paths)
            .map_err(AtelierError::from)
            .and_then(|()| Ok(self.store.restore(removed)?));
        if back.is_err() {
            // Every place was free a moment ago, so whatever is there now came back with this
            // Undo: it returns to the trash and the deletion stands, whole. If the trash
            // refuses, the journal still names them and the next start finishes it.
            let moved = self.media.trash(&removed.paths);
            match moved
                .map_err(AtelierError::from)
                .and_then(|_| Ok(self.store.clear_trash_journal(&removed.paths)?))
            {
                Ok(()) => {}
                Err(e) => tracing::error!("putting an undone deletion back in the trash: {e}"),
            }
        }
        back
    }

    /// Refuses an Undo that would overwrite what took a deleted item's place since.
    fn check_free(&self, removed: &Removed) -> Result<(), AtelierError> {
        let taken = removed
            .paths
            .iter()
            .find(|p| self.media.resolve(p).symlink_metadata().is_ok());
        if let Some(taken) = taken {
            return Err(AtelierError::Invalid(format!(
                "Undo would overwrite “{taken}”, which is in the library again since the \
                 deletion. Delete what is there now, then Undo again."
            )));
        }
        if !self.store.restorable(removed)? {
            return Err(AtelierError::Invalid(
                "Undo cannot bring this back: a job or image has taken its place since the \
                 deletion, or the job it belonged to is gone. Delete what is there now, then \
                 Undo again."
                    .into(),
            ));
        }
        Ok(())
    }

    /// Moves removed rows' files to the trash and clears them from the journal; what comes
    /// back keeps only the paths that were there to move. If the trash refuses, the rows come
    /// back and nothing is deleted.
    pub(super) fn to_trash(&self, mut removed: Removed) -> Result<Removed, AtelierError> {
        match self.media.trash(&removed.paths) {
            Ok(moved) => {
                self.store.clear_trash_journal(&removed.paths)?;
                removed.paths = moved;
                Ok(removed)
            }
            Err(e) => {
                // Some files may already be in the trash: bring them back with the rows.
                let _ = self.media.untrash(&removed.paths);
                self.store.restore(&removed)?;
                Err(e.into())
            }
        }
    }

    /// Cancels the target's jobs that are in flight, before their rows go, so that nothing
    /// they are fetching lands in the library afterwards.
    fn stop_in_flight(&self, target: &Target) -> Result<(), AtelierError> {
        let in_flight: HashSet<i64> = self
            .store
            .unfinished_jobs()?
            .into_iter()
            .map(|j| j.id)
            .collect();
        if in_flight.is_empty() {
            return Ok(());
        }
        let jobs = match target {
            Target::Jobs(ids) => ids.clone(),
            Target::Images(ids) => self.store.jobs_of_images(ids)?,
        };
        for job in jobs.into_iter().filter(|j| in_flight.contains(j)) {
            self.engine.cancel(job)?;
            self.media.remove_preview(job);
        }
        Ok(())
    }

    /// Finishes deletions (and undos) a crash interrupted: their paths go to the trash.
    pub(super) fn finish_deletions(&self) -> Result<(), AtelierError> {
        let paths = self.store.pending_trash()?;
        if !paths.is_empty() {
            self.media.trash(&paths)?;
            self.store.clear_trash_journal(&paths)?;
        }
        Ok(())
    }

    /// Moves job folders that no row owns to the trash: left by a download that outlived
    /// its deleted job (before such downloads were stopped), or by a crash. Only folders
    /// named as Atelier names a job's are looked at, and it runs before the engine starts,
    /// so no job is being written meanwhile. Trouble is logged: it must not stop the app.
    pub(super) fn sweep_orphan_folders(&self) {
        let folders = self.media.job_folders();
        let owned = match self.store.existing_jobs(&folders) {
            Ok(owned) => owned,
            Err(e) => return tracing::warn!("looking for job folders without a job: {e}"),
        };
        let orphans: Vec<String> = folders
            .into_iter()
            .filter(|id| !owned.contains(id))
            .map(|id| self.media.job_dir(id))
            .collect();
        if orphans.is_empty() {
            return;
        }
        match self.media.trash(&orphans) {
            Ok(moved) => tracing::info!(
                "moved {} job folders without a job to the trash",
                moved.len()
            ),
            Err(e) => tracing::warn!("moving job folders without a job to the trash: {e}"),
        }
    }

    pub(super) fn target(&self, selection: &Selection) -> Result<Target, AtelierError> {
        Ok(match selection {
            Selection::Jobs { ids } => Target::Jobs(ids.clone()),
            Selection::Images { ids } => Target::Images(ids.clone()),
            Selection::Query { query, except } => {
                let except: HashSet<&i64> = except.iter().collect();
                let mut ids = self.store.ids_matching(query)?;
                ids.retain(|id| !except.contains(id));
                match query.unit {
                    Unit::Jobs => Target::Jobs(ids),
                    Unit::Images => Target::Images(ids),
                }
            }
        })
    }
}
