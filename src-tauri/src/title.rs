//! The window title counts the jobs in flight ("Atelier — 3 imagining"), so the taskbar and
//! the window switcher show that work is going on while the window is elsewhere.

use std::collections::HashSet;
use std::sync::Mutex;

use atelier_core::engine::Job;
use tauri::{AppHandle, Manager};

#[derive(Default)]
pub struct Title {
    in_flight: Mutex<HashSet<i64>>,
}

impl Title {
    /// Call with every job update; retitles the window when the count changes. True when
    /// this update is a job seen in flight that has now ended.
    pub fn note(&self, app: &AppHandle, job: &Job) -> bool {
        let in_flight = !job.status.is_finished();
        let Some(count) = self.count_after(job.id, in_flight) else {
            return false;
        };
        if let Some(window) = app.get_webview_window("main") {
            let _ = window.set_title(&text(count));
        }
        !in_flight
    }

    /// The new count, or `None` when this update leaves it as it was (most are progress).
    fn count_after(&self, job_id: i64, in_flight: bool) -> Option<usize> {
        let mut set = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        let changed = if in_flight {
            set.insert(job_id)
        } else {
            set.remove(&job_id)
        };
        changed.then_some(set.len())
    }
}

fn text(in_flight: usize) -> String {
    match in_flight {
        0 => "Atelier".to_owned(),
        n => format!("Atelier — {n} imagining"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_job_once_and_only_retitles_on_a_change() {
        let title = Title::default();
        assert_eq!(title.count_after(1, true), Some(1));
        assert_eq!(title.count_after(1, true), None, "a progress tick");
        assert_eq!(title.count_after(2, true), Some(2));
        assert_eq!(title.count_after(1, false), Some(1));
        assert_eq!(title.count_after(1, false), None, "already counted out");
        assert_eq!(title.count_after(2, false), Some(0));
    }

    #[test]
    fn says_how_many_are_imagining() {
        assert_eq!(text(0), "Atelier");
        assert_eq!(text(3), "Atelier — 3 imagining");
    }
}
