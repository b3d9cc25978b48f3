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
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - self.tokens) / self.per_second,
            ))
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        self.at = now;
    }
}

/// A budget several tasks spend from: an import's listing and its parallel downloads.
#[derive(Debug, Clone)]
pub struct SharedBudget(Arc<Mutex<Budget>>);

impl SharedBudget {
    pub fn new(budget: Budget) -> Self {
        Self(Arc::new(Mutex::new(budget)))
    }

    /// Waits until a request may go, then spends it.
    pub async fn spend(&self) {
        loop {
            let granted = {
                let mut budget = self.0.lock().unwrap_or_else(|e| e.into_inner());
                budget.take(Instant::now())
            };
            match granted {
                Ok(()) => return,
                Err(wait) => tokio::time::sleep(wait).await,
            }
        }
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
                    b.spend().await;
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

    #[test]
    fn idle_time_refills_only_up_to_the_burst() {
        let t0 = Instant::now();
        let mut b = Budget::new(60, 2, t0);
        let later = t0 + Duration::from_secs(3600);
        assert!(b.take(later).is_ok() && b.take(later).is_ok());
        assert!(b.take(later).is_err());
    }
}
