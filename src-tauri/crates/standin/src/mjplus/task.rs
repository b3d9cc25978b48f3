//! One midjourney-proxy task: what it is, what it will show, and where it stands, computed
//! from the moment it got a slot so that no background task has to drive it.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::pictures::{Art, Picture};

/// What the task does, as the task JSON's `action` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Imagine,
    Upscale,
    Variation,
    Reroll,
    /// Zoom Out 2x / 1.5x.
    Outpaint,
    /// Custom Zoom.
    Zoom,
    Pan,
    /// Vary (Region).
    Inpaint,
    Describe,
    Blend,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Imagine => "IMAGINE",
            Action::Upscale => "UPSCALE",
            Action::Variation => "VARIATION",
            Action::Reroll => "REROLL",
            Action::Outpaint => "OUTPAINT",
            Action::Zoom => "ZOOM",
            Action::Pan => "PAN",
            Action::Inpaint => "INPAINT",
            Action::Describe => "DESCRIBE",
            Action::Blend => "BLEND",
        }
    }
}

/// The speed mode a task was sent with: which route prefix it came through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `/mj/...`: the server's own choice.
    Default,
    Fast,
    Relax,
    Turbo,
}

impl Mode {
    pub const PREFIXED: [Mode; 3] = [Mode::Fast, Mode::Relax, Mode::Turbo];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Default => "default",
            Mode::Fast => "fast",
            Mode::Relax => "relax",
            Mode::Turbo => "turbo",
        }
    }

    /// The route prefix, e.g. `/mj-fast`.
    pub fn prefix(self) -> &'static str {
        match self {
            Mode::Default => "/mj",
            Mode::Fast => "/mj-fast",
            Mode::Relax => "/mj-relax",
            Mode::Turbo => "/mj-turbo",
        }
    }
}

/// How a task misbehaves, scripted per task (see the module's documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskFault {
    /// FAILURE half-way through drawing, with the configured `failReason`.
    Fail,
    /// Never leaves IN_PROGRESS (progress stops at 46%), and keeps its slot.
    Stuck,
    /// Never leaves SUBMITTED, and keeps its slot.
    StuckSubmitted,
    /// Progress goes back by 40 points past half-way (50% → 10%), then succeeds.
    Backwards,
    /// Gone once it would start drawing: fetch answers 404, list-by-condition leaves it out.
    Vanish,
    /// CANCEL-ed by the server half-way through drawing.
    Cancel,
}

impl TaskFault {
    const MARKERS: [(&'static str, TaskFault); 6] = [
        ("[fail]", TaskFault::Fail),
        ("[stuck]", TaskFault::Stuck),
        ("[stuck-submitted]", TaskFault::StuckSubmitted),
        ("[backwards]", TaskFault::Backwards),
        ("[vanish]", TaskFault::Vanish),
        ("[cancel]", TaskFault::Cancel),
    ];

    /// The fault a marker in the prompt asks for, so end-to-end tests script it from the UI.
    pub fn in_prompt(prompt: &str) -> Option<TaskFault> {
        Self::MARKERS
            .iter()
            .find(|(marker, _)| prompt.contains(marker))
            .map(|(_, fault)| *fault)
    }
}

/// Where a task stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for `/mj/submit/modal`.
    Modal,
    /// Queued behind other tasks for a slot.
    NotStart,
    Submitted,
    /// Percent done as shown, 0..=99.
    InProgress(u8),
    Success,
    Failure,
    Cancel,
    /// Gone from the server.
    Vanished,
}

impl Phase {
    pub fn status(self) -> &'static str {
        match self {
            Phase::Modal => "MODAL",
            Phase::NotStart | Phase::Vanished => "NOT_START",
            Phase::Submitted => "SUBMITTED",
            Phase::InProgress(_) => "IN_PROGRESS",
            Phase::Success => "SUCCESS",
            Phase::Failure => "FAILURE",
            Phase::Cancel => "CANCEL",
        }
    }
}

/// How long a task waits once it has a slot, then draws.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    pub pending: Duration,
    pub running: Duration,
}

/// A task's identity and content; its place in the queue is set by the store.
#[derive(Clone, Debug)]
pub struct Task {
    pub id: String,
    /// The Discord message hash its buttons' custom ids carry.
    pub hash: String,
    pub action: Action,
    pub prompt: String,
    pub mode: Mode,
    /// The task whose button made this one.
    pub parent: Option<String>,
    pub custom_id: Option<String>,
    pub state: Option<String>,
    pub fault: Option<TaskFault>,
    /// Properties besides `finalPrompt` and `mode`: what arrived with the submission.
    pub extra: Map<String, Value>,
    pub art: Arc<Art>,
    /// DESCRIBE's answer, shown once it succeeds.
    pub described: Option<String>,
    pub submitted: Instant,
    pub submitted_at: SystemTime,
    /// When it joined the queue; `None` while MODAL.
    pub queued: Option<Instant>,
    /// When it got a slot.
    pub started: Option<Instant>,
}

impl Task {
    pub fn new(action: Action, prompt: String, mode: Mode, picture: Picture) -> Task {
        let now = Instant::now();
        Task {
            id: next_id(),
            hash: Uuid::new_v4().to_string(),
            action,
            fault: TaskFault::in_prompt(&prompt),
            prompt,
            mode,
            parent: None,
            custom_id: None,
            state: None,
            extra: Map::new(),
            art: Arc::new(Art::new(picture)),
            described: None,
            submitted: now,
            submitted_at: SystemTime::now(),
            queued: Some(now),
            started: None,
        }
    }

    pub fn phase(&self, now: Instant, timing: Timing) -> Phase {
        let (Some(_), Some(start)) = (self.queued, self.started) else {
            return match self.queued {
                None => Phase::Modal,
                Some(_) => Phase::NotStart,
            };
        };
        let elapsed = now.saturating_duration_since(start);
        if elapsed < timing.pending || self.fault == Some(TaskFault::StuckSubmitted) {
            return Phase::Submitted;
        }
        let into = elapsed - timing.pending;
        let percent = (into.as_secs_f64() / timing.running.as_secs_f64() * 100.0) as u32;
        match self.fault {
            Some(TaskFault::Vanish) => Phase::Vanished,
            Some(TaskFault::Fail) if percent >= 50 => Phase::Failure,
            Some(TaskFault::Cancel) if percent >= 50 => Phase::Cancel,
            Some(TaskFault::Stuck) => Phase::InProgress(percent.min(46) as u8),
            Some(TaskFault::Backwards) if (50..100).contains(&percent) => {
                Phase::InProgress((percent - 40) as u8)
            }
            _ if percent >= 100 => Phase::Success,
            _ => Phase::InProgress(percent as u8),
        }
    }

    /// When the task gives its slot back; `None` while it holds it for ever (or has none).
    pub fn frees_slot_at(&self, timing: Timing) -> Option<Instant> {
        let start = self.started?;
        let drawing = match self.fault {
            Some(TaskFault::Stuck | TaskFault::StuckSubmitted) => return None,
            Some(TaskFault::Vanish) => Duration::ZERO,
            Some(TaskFault::Fail | TaskFault::Cancel) => timing.running / 2,
            _ => timing.running,
        };
        Some(start + timing.pending + drawing)
    }

    /// `at` as milliseconds since the epoch, on the wall clock of the submission.
    pub fn millis(&self, at: Instant) -> u64 {
        let since = self
            .submitted_at
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            + at.saturating_duration_since(self.submitted);
        since.as_millis() as u64
    }
}

/// Task ids as the proxy makes them: milliseconds since the epoch and a few digits, unique.
fn next_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_micros() as u64;
    let id = LAST
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| {
            Some(now.max(last + 1))
        })
        .map_or(now, |last| now.max(last + 1));
    id.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Timing = Timing {
        pending: Duration::from_millis(100),
        running: Duration::from_millis(1000),
    };

    fn started(prompt: &str) -> (Task, Instant) {
        let mut task = Task::new(
            Action::Imagine,
            prompt.into(),
            Mode::Default,
            Picture::grid(prompt, 8, 8),
        );
        let start = Instant::now();
        task.started = Some(start);
        (task, start)
    }

    fn at(task: &Task, start: Instant, ms: u64) -> Phase {
        task.phase(start + Duration::from_millis(ms), T)
    }

    #[test]
    fn phases_follow_the_clock() {
        let (task, s) = started("cat");
        assert_eq!(at(&task, s, 50), Phase::Submitted);
        assert_eq!(at(&task, s, 100), Phase::InProgress(0));
        assert_eq!(at(&task, s, 600), Phase::InProgress(50));
        assert_eq!(at(&task, s, 1100), Phase::Success);
        assert_eq!(task.frees_slot_at(T), Some(s + Duration::from_millis(1100)));
    }

    #[test]
    fn scripted_faults() {
        let (stuck, s) = started("cat [stuck]");
        assert_eq!(at(&stuck, s, 100_000), Phase::InProgress(46));
        assert_eq!(stuck.frees_slot_at(T), None);
        let (back, s) = started("cat [backwards]");
        assert_eq!(at(&back, s, 550), Phase::InProgress(45));
        assert_eq!(at(&back, s, 600), Phase::InProgress(10));
        let (fail, s) = started("cat [fail]");
        assert_eq!(at(&fail, s, 600), Phase::Failure);
        let (gone, s) = started("cat [vanish]");
        assert_eq!(at(&gone, s, 50), Phase::Submitted);
        assert_eq!(at(&gone, s, 100), Phase::Vanished);
    }

    #[test]
    fn ids_are_unique_and_numeric() {
        let a = next_id();
        let b = next_id();
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| c.is_ascii_digit()));
    }
}
