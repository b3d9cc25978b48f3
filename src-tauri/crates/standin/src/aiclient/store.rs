//! The threads and request entries the stand-in knows, and which image each file name shows.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use serde::Serialize;
use uuid::Uuid;

use super::job::Job;

/// The one AI the stand-in speaks for.
pub const MIDJOURNEY: &str = "midjourney";
/// The model route binding names in its 404s.
pub const THREAD_MODEL: &str = "App\\Models\\Thread";

/// A thread exactly as AI-Client serialises it; field order follows the seed guide.
#[derive(Debug, Serialize)]
pub struct Thread {
    pub guid: String,
    ai_code: &'static str,
    ai_version_code: &'static str,
    title: &'static str,
    created_at: String,
    updated_at: String,
}

#[derive(Default)]
pub struct Store {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    threads: Vec<Arc<Thread>>,
    jobs: Vec<Arc<Job>>,
    /// File stem → the job and the index of its image.
    files: HashMap<String, (Arc<Job>, usize)>,
}

impl Store {
    pub fn create_thread(&self) -> Arc<Thread> {
        let now = crate::time::laravel(SystemTime::now());
        let thread = Arc::new(Thread {
            guid: Uuid::new_v4().to_string(),
            ai_code: MIDJOURNEY,
            ai_version_code: MIDJOURNEY,
            title: "New thread with Midjourney",
            created_at: now.clone(),
            updated_at: now,
        });
        self.lock().threads.push(thread.clone());
        thread
    }

    pub fn threads(&self) -> Vec<Arc<Thread>> {
        self.lock().threads.clone()
    }

    pub fn thread(&self, guid: &str) -> Option<Arc<Thread>> {
        self.lock().threads.iter().find(|t| t.guid == guid).cloned()
    }

    pub fn add(&self, job: Job) -> Arc<Job> {
        let job = Arc::new(job);
        let mut inner = self.lock();
        for (index, stem) in job.files.iter().enumerate() {
            inner.files.insert(stem.clone(), (job.clone(), index));
        }
        inner.jobs.push(job.clone());
        job
    }

    /// The thread's request entries in the order they were made.
    pub fn jobs_in(&self, thread_guid: &str) -> Vec<Arc<Job>> {
        let inner = self.lock();
        let mine = inner.jobs.iter().filter(|j| j.thread_guid == thread_guid);
        mine.cloned().collect()
    }

    pub fn file(&self, stem: &str) -> Option<(Arc<Job>, usize)> {
        self.lock().files.get(stem).cloned()
    }

    /// Accepted request entries in every thread.
    pub fn submissions(&self) -> usize {
        self.lock().jobs.len()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere must not take the whole stand-in down with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}
