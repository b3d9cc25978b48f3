//! How the engine paces itself: poll intervals, timeouts, budgets and parallel transfers.

use std::time::Duration;

use tokio::time::Instant;

use super::budget::Budget;
use super::pace::Pace;
use crate::media::DownloadLimits;

#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The pace while a job is rendering; queued jobs are looked at half as often.
    pub poll_interval: Duration,
    /// A job that has not finished this long after it was sent is given up on. The starting
    /// value: the person's preference, once set, replaces it (`Engine::set_job_timeout`).
    pub job_timeout: Duration,
    /// The longest wait between polls after repeated transient errors.
    pub max_backoff: Duration,
    /// The most poll requests per minute to one account, on average.
    pub requests_per_minute: u32,
    /// How many requests may go at once after a quiet spell.
    pub burst: u32,
    /// How many images download at once, across all jobs.
    pub parallel_downloads: usize,
    /// How long one image may take, and how slowly it may come.
    pub download_limits: DownloadLimits,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(2),
            job_timeout: Duration::from_secs(15 * 60),
            max_backoff: Duration::from_secs(60),
            requests_per_minute: 90,
            burst: 10,
            parallel_downloads: 6,
            download_limits: DownloadLimits::default(),
        }
    }
}

impl EngineConfig {
    pub(super) fn pace(&self) -> Pace {
        Pace {
            running: self.poll_interval,
            queued: self.poll_interval * 2,
            floor: (self.poll_interval / 4).max(Duration::from_millis(20)),
            max_backoff: self.max_backoff,
        }
    }

    pub(super) fn budget(&self, now: Instant) -> Budget {
        Budget::new(self.requests_per_minute, self.burst, now)
    }
}
