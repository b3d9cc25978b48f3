//! One submitted prompt: its identity, its scripted behaviour, and the lifecycle the client
//! sees, which is computed from elapsed time alone so no background task has to drive it.

use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::clock::{Lifecycle, Phase};
use crate::prompt::Script;

/// The token's user: every job sent to the stand-in belongs to it, as on a single-token
/// account.
pub const USER_CREATED: &str = "126353b1-2c3e-42af-9597-b141c0e50fae";
/// Another user of the same server, whose images the token's user must never be listed.
pub const OTHER_USER: &str = "9c1f3a52-7d7e-4b7b-8f4e-2b6b1d3c0a11";

/// Which picture of a job a file id stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asset {
    Grid,
    Preview,
    /// Index 0..4 in U1..U4 order.
    Upscale(usize),
    /// An Enhance job's one result (it has no grid, so it takes the grid's place).
    Enhanced,
}

impl Asset {
    /// Position of this asset's bytes in `Job::cache`.
    pub fn slot(self) -> usize {
        match self {
            Asset::Grid | Asset::Enhanced => 0,
            Asset::Preview => 1,
            Asset::Upscale(i) => 2 + i.min(3),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Asset::Preview | Asset::Enhanced => "webp",
            _ => "png",
        }
    }
}

/// File ids, fixed at submission so every poll reports the same URLs.
#[derive(Clone, Debug)]
pub struct Files {
    pub grid: String,
    pub preview: String,
    /// U1..U4 order, as in `upscaled_urls`.
    pub upscales: [String; 4],
    /// The same ids as the real service lists them in `upscaled`: sorted, which never matches
    /// the U1..U4 order here, so a client that pairs the two arrays by index is caught.
    pub upscaled: [String; 4],
}

impl Files {
    fn fresh() -> Files {
        let upscales = loop {
            let ids: [String; 4] = std::array::from_fn(|_| new_id());
            if !ids.is_sorted() {
                break ids;
            }
        };
        let mut upscaled = upscales.clone();
        upscaled.sort();
        Files {
            grid: new_id(),
            preview: new_id(),
            upscales,
            upscaled,
        }
    }

    /// Every file id of the job with what it shows. An Enhance has one file: its result.
    pub fn all(&self, origin: &Origin) -> Vec<(String, Asset)> {
        if let Origin::Enhance { .. } = origin {
            return vec![(self.grid.clone(), Asset::Enhanced)];
        }
        let mut all = vec![
            (self.grid.clone(), Asset::Grid),
            (self.preview.clone(), Asset::Preview),
        ];
        for (i, id) in self.upscales.iter().enumerate() {
            all.push((id.clone(), Asset::Upscale(i)));
        }
        all
    }
}

/// What made a job: a prompt, or an Enhance of another job's upscale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Imagine,
    Enhance {
        /// The source image item's id, reported as `parent_id`.
        parent_id: String,
        /// 0-based: U1 is 0.
        index: usize,
        /// How many times larger than the source upscale the result is, as asked.
        factor: u32,
    },
}

/// The scales the service's Enhance takes, with their factors.
pub const SCALES: [(&str, u32); 6] = [
    ("2x", 2),
    ("4x", 4),
    ("6x", 6),
    ("8x", 8),
    ("10x", 10),
    ("12x", 12),
];

#[derive(Debug)]
pub struct Job {
    pub id: String,
    /// Submission order, the tie-breaker when sorting.
    pub seq: u64,
    pub prompt: String,
    pub reference: Option<String>,
    pub created: Instant,
    pub date_created: String,
    /// Whose image it is.
    pub user: &'static str,
    /// A past image's phase, fixed whatever the clock says.
    pub settled: Option<Phase>,
    pub script: Script,
    pub files: Files,
    pub origin: Origin,
    /// Encoded bytes per `Asset::slot`, made on first request.
    pub cache: [OnceCell<Bytes>; 6],
}

/// How long each phase lasts and whether the bot takes work at all.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    pub pending: Duration,
    pub running: Duration,
    /// Up to this much longer `in-progress`, depending on the prompt.
    pub running_spread: Duration,
    pub bot_healthy: bool,
}

impl Job {
    pub fn new(seq: u64, prompt: String, reference: Option<String>) -> Job {
        Job {
            id: new_id(),
            seq,
            script: Script::from_prompt(&prompt),
            prompt,
            reference,
            created: Instant::now(),
            date_created: crate::time::iso8601(SystemTime::now()),
            user: USER_CREATED,
            settled: None,
            files: Files::fresh(),
            origin: Origin::Imagine,
            cache: Default::default(),
        }
    }

    /// An Enhance of `parent`'s upscale `index`: a new item with the parent's prompt that
    /// runs like any job, and fails if the parent's prompt says `[enhance-fail]`.
    pub fn enhancement(seq: u64, parent: &Job, index: usize, factor: u32) -> Job {
        let mut job = Job::new(seq, parent.prompt.clone(), None);
        job.script.fail = parent.script.enhance_fail;
        job.origin = Origin::Enhance {
            parent_id: parent.id.clone(),
            index,
            factor,
        };
        job
    }

    /// An image made before the server started: made `at`, by `user`, for ever in `phase`.
    pub fn past(seq: u64, prompt: String, at: SystemTime, phase: Phase, user: &'static str) -> Job {
        Job {
            date_created: crate::time::iso8601(at),
            user,
            settled: Some(phase),
            ..Job::new(seq, prompt, None)
        }
    }

    pub fn phase(&self, now: Instant, timing: Timing) -> Phase {
        if let Some(phase) = self.settled {
            return phase;
        }
        phase_at(
            now.saturating_duration_since(self.created),
            self.script,
            self.own(timing),
        )
    }

    /// The timing with this job's share of the spread added to its drawing time, the same on
    /// every poll and for every job with the same prompt.
    fn own(&self, timing: Timing) -> Timing {
        // FNV-1a: a stable hash without a crate.
        let hash = self.prompt.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        let share = (hash % 1_000_000) as f64 / 1_000_000.0;
        Timing {
            running: timing.running + timing.running_spread.mul_f64(share),
            ..timing
        }
    }

    /// When this job turns `completed`: its creation plus its phases as its script stretches
    /// them. `None` if it never does (`[fail]`, or the bot takes no work).
    pub fn completes_at(&self, timing: Timing) -> Option<Instant> {
        if let Some(phase) = self.settled {
            return (phase == Phase::Completed).then_some(self.created);
        }
        if !timing.bot_healthy || self.script.fail {
            return None;
        }
        let Lifecycle { pending, running } = lifecycle(self.own(timing)).scripted(self.script);
        Some(self.created + pending + running)
    }
}

fn phase_at(elapsed: Duration, script: Script, timing: Timing) -> Phase {
    // Jobs submitted while the bot is down queue up rather than fail.
    if !timing.bot_healthy {
        return Phase::Pending;
    }
    lifecycle(timing).phase(elapsed, script)
}

fn lifecycle(timing: Timing) -> Lifecycle {
    Lifecycle {
        pending: timing.pending,
        running: timing.running,
    }
}

fn new_id() -> String {
    Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_wait_while_the_bot_is_down() {
        let down = Timing {
            pending: Duration::from_millis(100),
            running: Duration::from_millis(400),
            running_spread: Duration::ZERO,
            bot_healthy: false,
        };
        let script = Script::default();
        assert_eq!(
            phase_at(Duration::from_secs(60), script, down),
            Phase::Pending
        );
        let up = Timing {
            bot_healthy: true,
            ..down
        };
        assert_eq!(
            phase_at(Duration::from_secs(60), script, up),
            Phase::Completed
        );
    }

    #[test]
    fn completion_instant_agrees_with_the_phases() {
        let timing = Timing {
            pending: Duration::from_millis(100),
            running: Duration::from_millis(400),
            running_spread: Duration::ZERO,
            bot_healthy: true,
        };
        let tick = Duration::from_millis(1);
        for (prompt, total) in [("cat", 500), ("cat [slow]", 5000)] {
            let job = Job::new(0, prompt.into(), None);
            let done = job.completes_at(timing).unwrap();
            assert_eq!(done - job.created, Duration::from_millis(total), "{prompt}");
            assert!(matches!(job.phase(done - tick, timing), Phase::Running(_)));
            assert_eq!(job.phase(done, timing), Phase::Completed);
        }
        let failing = Job::new(0, "cat [fail]".into(), None);
        assert_eq!(failing.completes_at(timing), None);
        let down = Timing {
            bot_healthy: false,
            ..timing
        };
        assert_eq!(Job::new(0, "cat".into(), None).completes_at(down), None);
    }

    #[test]
    fn the_spread_scatters_drawing_times_by_prompt() {
        let timing = Timing {
            pending: Duration::from_millis(100),
            running: Duration::from_millis(400),
            running_spread: Duration::from_millis(1000),
            bot_healthy: true,
        };
        let tick = Duration::from_millis(1);
        let mut totals = Vec::new();
        for i in 0..20 {
            let job = Job::new(i, format!("cat #{i}"), None);
            let done = job.completes_at(timing).unwrap();
            let total = done - job.created;
            assert!(Duration::from_millis(500) <= total && total < Duration::from_millis(1500));
            assert!(matches!(job.phase(done - tick, timing), Phase::Running(_)));
            assert_eq!(job.phase(done, timing), Phase::Completed);
            let again = Job::new(i, format!("cat #{i}"), None);
            assert_eq!(again.completes_at(timing).unwrap() - again.created, total);
            totals.push(total);
        }
        totals.sort();
        assert!(
            totals[19] - totals[0] > Duration::from_millis(500),
            "{totals:?}"
        );
    }

    #[test]
    fn an_enhancement_is_one_webp_with_its_parent() {
        let parent = Job::new(0, "cat [enhance-fail] [slow]".into(), Some("mine".into()));
        let job = Job::enhancement(1, &parent, 2, 4);
        assert_eq!(
            (job.prompt.as_str(), job.reference.as_deref()),
            (parent.prompt.as_str(), None)
        );
        assert!(
            job.script.fail && job.script.slow,
            "fails as scripted, at the parent's pace"
        );
        assert!(
            !Job::enhancement(2, &Job::new(0, "cat".into(), None), 0, 2)
                .script
                .fail
        );

        let base = "http://h";
        let running = serde_json::to_value(job.view(Phase::Running(50), base)).unwrap();
        assert_eq!(running["parent_id"], parent.id.as_str());
        assert!(running["url"].is_null(), "no partial render");
        let done = serde_json::to_value(job.view(Phase::Completed, base)).unwrap();
        let result = &job.files.grid;
        assert_eq!(
            done["url"],
            format!("http://h/assets/{result}/{result}.webp")
        );
        assert_eq!(done["upscaled_urls"], serde_json::json!([]));
        assert_eq!(
            job.files.all(&job.origin),
            [(result.clone(), Asset::Enhanced)]
        );
    }
}
