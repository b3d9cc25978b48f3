//! What the person can tune about how Atelier works, kept in the store's settings table.

use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use crate::store::{Store, StoreError};

const JOB_TIMEOUT_KEY: &str = "job_timeout_minutes";
const NOTIFICATIONS_KEY: &str = "notifications";
/// Long enough for a relaxed-mode render; short enough that a lost job is noticed.
pub const JOB_TIMEOUT_RANGE: std::ops::RangeInclusive<u32> = 1..=180;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Preferences {
    /// How long to wait for a job's result before giving up on it.
    pub job_timeout_minutes: u32,
    /// A desktop notification when jobs end while the window is elsewhere.
    pub notifications: bool,
}

impl Preferences {
    /// The stored preferences; `default_timeout` where none was stored (or it is unreadable).
    pub fn load(store: &Store, default_timeout: Duration) -> Result<Self, StoreError> {
        let fallback = u32::try_from(default_timeout.as_secs().div_ceil(60)).unwrap_or(15);
        let stored = store.setting(JOB_TIMEOUT_KEY)?;
        let minutes = stored
            .and_then(|v| v.parse().ok())
            .filter(|m| JOB_TIMEOUT_RANGE.contains(m))
            .unwrap_or(fallback);
        // On unless turned off: people who leave the window while jobs run want to know.
        let notifications = store.setting(NOTIFICATIONS_KEY)?.as_deref() != Some("off");
        Ok(Self {
            job_timeout_minutes: minutes,
            notifications,
        })
    }

    /// The job timeout the person chose, if they did: the engine otherwise keeps its own
    /// starting value exactly (tests run with seconds, which minutes cannot say).
    pub fn chosen_job_timeout(store: &Store) -> Result<Option<Duration>, StoreError> {
        let stored = store.setting(JOB_TIMEOUT_KEY)?;
        Ok(stored
            .and_then(|v| v.parse::<u32>().ok())
            .filter(|m| JOB_TIMEOUT_RANGE.contains(m))
            .map(|m| Duration::from_secs(u64::from(m) * 60)))
    }

    pub fn job_timeout(&self) -> Duration {
        Duration::from_secs(u64::from(self.job_timeout_minutes) * 60)
    }

    /// Checks and stores a new job timeout.
    pub fn set_job_timeout(store: &Store, minutes: u32) -> Result<(), String> {
        if !JOB_TIMEOUT_RANGE.contains(&minutes) {
            return Err(format!(
                "Choose between {} and {} minutes.",
                JOB_TIMEOUT_RANGE.start(),
                JOB_TIMEOUT_RANGE.end()
            ));
        }
        store
            .set_setting(JOB_TIMEOUT_KEY, &minutes.to_string())
            .map_err(|e| e.to_string())
    }

    pub fn set_notifications(store: &Store, on: bool) -> Result<(), StoreError> {
        store.set_setting(NOTIFICATIONS_KEY, if on { "on" } else { "off" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_job_timeout_defaults_is_checked_and_persists() {
        let store = Store::open_in_memory().unwrap();
        let fifteen = Duration::from_secs(15 * 60);
        assert_eq!(
            Preferences::load(&store, fifteen)
                .unwrap()
                .job_timeout_minutes,
            15
        );
        assert!(Preferences::set_job_timeout(&store, 0).is_err());
        assert!(Preferences::set_job_timeout(&store, 1000).is_err());
        Preferences::set_job_timeout(&store, 40).unwrap();
        let prefs = Preferences::load(&store, fifteen).unwrap();
        assert_eq!(prefs.job_timeout(), Duration::from_secs(40 * 60));
        store.set_setting(JOB_TIMEOUT_KEY, "soon").unwrap();
        assert_eq!(
            Preferences::load(&store, fifteen)
                .unwrap()
                .job_timeout_minutes,
            15
        );
    }

    #[test]
    fn notifications_are_on_until_turned_off_and_stay_as_set() {
        let store = Store::open_in_memory().unwrap();
        let minute = Duration::from_secs(60);
        assert!(Preferences::load(&store, minute).unwrap().notifications);
        Preferences::set_notifications(&store, false).unwrap();
        assert!(!Preferences::load(&store, minute).unwrap().notifications);
        Preferences::set_notifications(&store, true).unwrap();
        assert!(Preferences::load(&store, minute).unwrap().notifications);
    }
}
