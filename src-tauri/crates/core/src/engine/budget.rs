//! A per-account request budget (a token bucket): however many jobs are in flight, Atelier
//! never asks one service more often than this, so it cannot hammer anyone's quota.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug, Clone)]
pub struct Budget {
    capacity: f64,
    per_second: f64,
    tokens: f64,
    at: Instant,
}

impl Budget {
    /// `per_minute` requests on average, with bursts of up to `burst`.
    pub fn new(per_minute: u32, burst: u32, now: Instant) -> Self {
        let capacity = f64::from(burst.max(1));
        Self {
            capacity,
            per_second: f64::from(per_minute.max(1)) / 60.0,
            tokens: capacity,
            at: now,
        }
    }

    /// Spends one request, or says how long until one is available.
    pub fn take(&mut self, now: Instant) -> Result<(), Duration> {
        self.take_leaving(now, 0.0)
    }

    /// Spends one request only if `reserve` more are left after it, or says how long until
    /// then.
    fn take_leaving(&mut self, now: Instant, reserve: f64) -> Result<(), Duration> {
        self.refill(now);
        let needed = 1.0 + reserve;
        if self.tokens >= needed {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (needed - self.tokens) / self.per_second,
            ))
        }
    }

    /// What background work leaves untouched for the jobs the person is waiting on: half
    /// the burst (the rest of the rate is shared).
    fn reserve(&self) -> f64 {
        ((self.capacity - 1.0) / 2.0).floor().max(0.0)
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        self.at = now;
    }
}

/// An account's budget, which everything that asks its service spends from: the tracker's
/// polls, and an import's listing and downloads.
#[derive(Debug, Clone)]
pub struct SharedBudget(Arc<Mutex<Budget>>);

impl SharedBudget {
    pub fn new(budget: Budget) -> Self {
        Self(Arc::new(Mutex::new(budget)))
    }

    /// Spends one request now, or says how long until one is available (the tracker, which
    /// defers the polls it cannot make).
    pub fn take(&self, now: Instant) -> Result<(), Duration> {
        self.lock().take(now)
    }

    /// Waits until a request may go with some of the burst left for the jobs the person is
    /// waiting on, then spends it: background work (an import) never starves their polls.
    pub async fn spend_spare(&self) {
        loop {
            let granted = {
                let mut budget = self.lock();
                let reserve = budget.reserve();
                budget.take_leaving(Instant::now(), reserve)
            };
            match granted {
                Ok(()) => return,
                Err(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Budget> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_then_paces() {
        let t0 = Instant::now();
        let mut b = Budget::new(60, 3, t0);
        assert!((0..3).all(|_| b.take(t0).is_ok()));
        let wait = b.take(t0).unwrap_err();
        assert!((wait.as_secs_f64() - 1.0).abs() < 0.01, "{wait:?}");
        assert!(b.take(t0 + Duration::from_millis(1000)).is_ok());
        assert!(b.take(t0 + Duration::from_millis(1000)).is_err());
    }

    #[test]
    fn over_a_minute_never_exceeds_the_rate_plus_the_burst() {
        let t0 = Instant::now();
        let mut b = Budget::new(30, 5, t0);
        let granted = (0..6000)
            .filter(|i| b.take(t0 + Duration::from_millis(i * 10)).is_ok())
            .count();
        assert!((34..=35).contains(&granted), "{granted}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_shared_budget_makes_its_spenders_wait_their_turn() {
        let shared = SharedBudget::new(Budget::new(60, 2, Instant::now()));
        let t0 = Instant::now();
        let spenders: Vec<_> = (0..5)
            .map(|_| {
                let b = shared.clone();
                tokio::spawn(async move {
                    b.spend_spare().await;
                    Instant::now()
                })
            })
            .collect();
        let mut at = Vec::new();
        for s in spenders {
            at.push(s.await.unwrap() - t0);
        }
        at.sort();
        // Two at once (the burst), then one a second.
        assert_eq!(at[1], Duration::ZERO);
        assert!(at[4] >= Duration::from_millis(2990), "{at:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn background_work_leaves_half_the_burst_to_the_polls() {
        let shared = SharedBudget::new(Budget::new(60, 10, Instant::now()));
        let t0 = Instant::now();
        for _ in 0..6 {
            shared.spend_spare().await;
        }
        assert_eq!(
            Instant::now(),
            t0,
            "six at once: the burst above the reserve"
        );
        // The import waits now; the polls still have four.
        let import = tokio::spawn({
            let shared = shared.clone();
            async move {
                shared.spend_spare().await;
                Instant::now()
            }
        });
        tokio::task::yield_now().await;
        assert!((0..4).all(|_| shared.take(t0).is_ok()));
        assert!(shared.take(t0).is_err());
        // Polls spent the reserve: the import waits until it is back (five tokens, a second
        // each).
        let went = import.await.unwrap() - t0;
        assert!(went >= Duration::from_millis(4990), "{went:?}");
    }

    #[test]
    fn idle_time_refills_only_up_to_the_burst() {
        let t0 = Instant::now();
        let mut b = Budget::new(60, 2, t0);
        let later = t0 + Duration::from_secs(3600);
        assert!(b.take(later).is_ok() && b.take(later).is_ok());
        assert!(b.take(later).is_err());
    }
}
