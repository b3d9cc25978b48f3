//! The jobs the stand-in knows, found by id, by file id, or all in submission order.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use super::job::{Asset, Job};

#[derive(Default)]
pub struct Store {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    ordered: Vec<Arc<Job>>,
    by_id: HashMap<String, Arc<Job>>,
    by_file: HashMap<String, (Arc<Job>, Asset)>,
}

impl Store {
    /// Creates and records a job; the number of jobs so far becomes its sequence number.
    pub fn create(&self, prompt: String, reference: Option<String>) -> Arc<Job> {
        self.add(|seq| Job::new(seq, prompt, reference))
    }

    /// Records an Enhance of `parent`'s upscale `index` as a new job.
    pub fn enhance(&self, parent: &Job, index: usize, factor: u32) -> Arc<Job> {
        self.add(|seq| Job::enhancement(seq, parent, index, factor))
    }

    /// Records the job `make` builds from the next sequence number.
    pub fn add(&self, make: impl FnOnce(u64) -> Job) -> Arc<Job> {
        let mut inner = self.lock();
        let job = Arc::new(make(inner.ordered.len() as u64));
        for (file, asset) in job.files.all(&job.origin) {
            inner.by_file.insert(file, (job.clone(), asset));
        }
        inner.by_id.insert(job.id.clone(), job.clone());
        inner.ordered.push(job.clone());
        job
    }

    pub fn get(&self, id: &str) -> Option<Arc<Job>> {
        self.lock().by_id.get(id).cloned()
    }

    pub fn file(&self, file_id: &str) -> Option<(Arc<Job>, Asset)> {
        self.lock().by_file.get(file_id).cloned()
    }

    pub fn all(&self) -> Vec<Arc<Job>> {
        self.lock().ordered.clone()
    }

    pub fn len(&self) -> usize {
        self.lock().ordered.len()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere must not take the whole stand-in down with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}
