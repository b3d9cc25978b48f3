//! When to kill, and the small seeded randomness that scatters the kills.

use super::*;

/// When to kill: after a random time, or just after the child reports a given step.
#[derive(Clone, Copy)]
pub(crate) enum Trigger {
    Timer(Duration),
    /// Right after `resume` returned.
    Ready(Duration),
    /// After the first job update with this status and at least this many images.
    Event(&'static str, usize, Duration),
    /// After the first line that starts with this word ("deleting", "undoing").
    Said(&'static str, Duration),
}

impl Trigger {
    pub(crate) fn pick(rng: &mut Rng) -> Trigger {
        let then = match rng.below(3) {
            0 => Duration::ZERO,
            1 => Duration::from_micros(rng.below(5_000)),
            _ => Duration::from_millis(rng.below(60)),
        };
        match rng.below(13) {
            0..=2 => Trigger::Timer(Duration::from_millis(rng.below(2_500))),
            3 => Trigger::Ready(then),
            4 => Trigger::Event("submitting", 0, then),
            5 => Trigger::Event("queued", 0, then),
            6 => Trigger::Event("running", 0, then),
            // Downloads are where most files are written: aim there twice as often.
            7 | 8 => Trigger::Event("downloading", rng.below(6) as usize, then),
            9 => Trigger::Event("done", 0, then),
            // In the middle of a deletion, between its rows and its files, or of an undo.
            10 | 11 => Trigger::Said("deleting", then),
            _ => Trigger::Said("undoing", then),
        }
    }

    /// The deletions the child makes (see `ENV_DELETE`): none to two, a third of them undone
    /// at once, and always the one the trigger waits for.
    pub(crate) fn plan(self, rng: &mut Rng) -> String {
        let mut plan: String = (0..rng.below(3))
            .map(|_| if rng.below(3) == 0 { 'u' } else { 'd' })
            .collect();
        match self {
            Trigger::Said("undoing", _) => plan.insert(0, 'u'),
            Trigger::Said(..) if plan.is_empty() => plan.push('d'),
            _ => {}
        }
        plan
    }

    pub(crate) fn fires_on(self, line: &str) -> bool {
        let words: Vec<&str> = line.split_whitespace().collect();
        match self {
            Trigger::Timer(_) => false,
            Trigger::Ready(_) => words.first() == Some(&"ready"),
            Trigger::Event(status, images, _) => match words.as_slice() {
                ["event", _, s, n] => *s == status && n.parse::<usize>().unwrap_or(0) >= images,
                _ => false,
            },
            Trigger::Said(word, _) => words.first() == Some(&word),
        }
    }

    pub(crate) fn then(self) -> Duration {
        match self {
            Trigger::Timer(_) => Duration::ZERO,
            Trigger::Ready(t) | Trigger::Event(_, _, t) | Trigger::Said(_, t) => t,
        }
    }
}

impl std::fmt::Display for Trigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Trigger::Timer(t) => write!(f, "kill after {} ms", t.as_millis()),
            Trigger::Ready(t) => write!(f, "kill {} us after resume", t.as_micros()),
            Trigger::Event(s, 0, t) => write!(f, "kill {} us after {s}", t.as_micros()),
            Trigger::Event(s, n, t) => {
                write!(f, "kill {} us after {s} with {n} images", t.as_micros())
            }
            Trigger::Said(w, t) => write!(f, "kill {} us after {w}", t.as_micros()),
        }
    }
}

/// SplitMix64: small, seedable, good enough to scatter kills.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[cfg(unix)]
pub(crate) fn killed(status: ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    status.signal() == Some(9)
}

#[cfg(not(unix))]
pub(crate) fn killed(status: ExitStatus) -> bool {
    !status.success()
}

/// The run's seed: `ATELIER_CRASH_SEED` to replay one, else the clock's.
pub(crate) fn seed() -> u64 {
    env_or(
        "ATELIER_CRASH_SEED",
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(7),
    )
}

/// Where a stand-in lives, on its own workers, while the test's thread drives the children.
pub(crate) fn standin_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

pub(crate) fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}
