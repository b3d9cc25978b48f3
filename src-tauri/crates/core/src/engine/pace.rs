//! When to look at a job again: slowly while it waits for a worker, faster while it renders,
//! at the expected finish when its progress says that is near, and ever later while the
//! service is in trouble. Every wait is jittered so many clients never ask in lockstep.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// Between looks at a rendering job whose finish cannot be foreseen yet.
    pub running: Duration,
    /// Between looks at a job still waiting for a worker.
    pub queued: Duration,
    /// The shortest wait, however close the finish seems.
    pub floor: Duration,
    /// The longest wait after repeated transient errors.
    pub max_backoff: Duration,
}

impl Pace {
    pub fn queued(&self) -> Duration {
        jitter(self.queued)
    }

    /// The usual pace, or the expected finish when it comes sooner.
    pub fn running(&self, clock: &ProgressClock, now: Instant) -> Duration {
        let wait = match clock.eta(now) {
            Some(eta) if eta < self.running => eta.max(self.floor),
            _ => self.running,
        };
        jitter(wait)
    }

    /// Exponential backoff from the usual pace; a server's `Retry-After` wins when it says.
    pub fn backoff(&self, failures: u32, retry_after: Option<Duration>) -> Duration {
        let exp = self.running.saturating_mul(1 << failures.clamp(1, 8));
        match retry_after {
            // Never earlier than asked: the jitter only adds.
            Some(asked) => asked.min(self.max_backoff * 4) + jitter(self.floor),
            None => jitter(exp.min(self.max_backoff)),
        }
    }
}

/// Spreads a wait over ±10%.
pub fn jitter(d: Duration) -> Duration {
    // A fresh RandomState is seeded from the OS: enough randomness for spreading polls,
    // without a crate for it.
    let mut h = RandomState::new().build_hasher();
    h.write_u8(0);
    let unit = (h.finish() % 2001) as f64 / 1000.0 - 1.0; // -1.0..=1.0
    d.mul_f64(1.0 + unit * 0.1)
}

/// Progress seen so far, to foresee when a render will finish.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProgressClock {
    first: Option<(Instant, u8)>,
    last: Option<(Instant, u8)>,
}

impl ProgressClock {
    pub fn observe(&mut self, at: Instant, progress: Option<u8>) {
        let Some(p) = progress else { return };
        match self.first {
            // A job that restarts its progress is a new render: forget the old rate.
            Some((_, p0)) if p >= p0 => self.last = Some((at, p)),
            _ => {
                self.first = Some((at, p));
                self.last = None;
            }
        }
    }

    /// How long until 100%, at the average rate seen, counted from `now`.
    pub fn eta(&self, now: Instant) -> Option<Duration> {
        let ((t0, p0), (t1, p1)) = (self.first?, self.last?);
        if p1 <= p0 {
            return None;
        }
        let per_point = t1.duration_since(t0).as_secs_f64() / f64::from(p1 - p0);
        let remaining = Duration::from_secs_f64(per_point * f64::from(100u8.saturating_sub(p1)));
        Some(remaining.saturating_sub(now.duration_since(t1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pace() -> Pace {
        Pace {
            running: Duration::from_secs(2),
            queued: Duration::from_secs(4),
            floor: Duration::from_millis(250),
            max_backoff: Duration::from_secs(60),
        }
    }

    fn within(d: Duration, target: Duration) -> bool {
        d >= target.mul_f64(0.89) && d <= target.mul_f64(1.11)
    }

    #[test]
    fn jitter_spreads_but_stays_close() {
        let waits: Vec<Duration> = (0..50).map(|_| jitter(Duration::from_secs(10))).collect();
        assert!(waits.iter().all(|d| within(*d, Duration::from_secs(10))));
        let first = waits[0];
        assert!(waits.iter().any(|d| *d != first), "not all the same");
    }

    #[test]
    fn queued_jobs_are_looked_at_less_often_than_running_ones() {
        let clock = ProgressClock::default();
        let now = Instant::now();
        assert!(pace().queued() > pace().running(&clock, now));
    }

    #[test]
    fn foresees_the_finish_from_the_rate_of_progress() {
        let t0 = Instant::now();
        let mut clock = ProgressClock::default();
        clock.observe(t0, Some(10));
        assert_eq!(clock.eta(t0), None, "one sample says nothing about speed");
        clock.observe(t0 + Duration::from_secs(8), Some(90)); // 10 points per second
        let eta = clock.eta(t0 + Duration::from_secs(8)).unwrap();
        assert!((eta.as_secs_f64() - 1.0).abs() < 0.01, "{eta:?}");
        let later = clock.eta(t0 + Duration::from_millis(8500)).unwrap();
        assert!((later.as_secs_f64() - 0.5).abs() < 0.01, "{later:?}");
    }

    #[test]
    fn polls_at_the_expected_finish_when_it_is_near_but_not_below_the_floor() {
        let t0 = Instant::now();
        let mut clock = ProgressClock::default();
        clock.observe(t0, Some(0));
        clock.observe(t0 + Duration::from_secs(9), Some(90));
        let now = t0 + Duration::from_secs(9);
        assert!(within(pace().running(&clock, now), Duration::from_secs(1)));
        clock.observe(now, Some(99));
        let near = pace().running(&clock, now + Duration::from_millis(50));
        assert!(within(near, Duration::from_millis(250)), "{near:?}");
    }

    #[test]
    fn far_finishes_keep_the_usual_pace() {
        let t0 = Instant::now();
        let mut clock = ProgressClock::default();
        clock.observe(t0, Some(0));
        clock.observe(t0 + Duration::from_secs(10), Some(10));
        let wait = pace().running(&clock, t0 + Duration::from_secs(10));
        assert!(within(wait, Duration::from_secs(2)));
    }

    #[test]
    fn progress_going_back_restarts_the_clock() {
        let t0 = Instant::now();
        let mut clock = ProgressClock::default();
        clock.observe(t0, Some(50));
        clock.observe(t0 + Duration::from_secs(1), Some(60));
        clock.observe(t0 + Duration::from_secs(2), Some(5));
        assert_eq!(clock.eta(t0 + Duration::from_secs(2)), None);
    }

    #[test]
    fn backoff_grows_caps_and_defers_to_retry_after() {
        let p = pace();
        let first = p.backoff(1, None);
        let third = p.backoff(3, None);
        assert!(third > first);
        assert!(p.backoff(20, None) <= Duration::from_secs(66));
        let asked = p.backoff(1, Some(Duration::from_secs(7)));
        assert!(asked >= Duration::from_secs(7), "never earlier than asked");
        assert!(asked < Duration::from_secs(8));
    }
}
