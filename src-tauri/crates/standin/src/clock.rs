//! A job's lifecycle computed from elapsed time alone, so no background task has to drive it
//! and every poll agrees with every other.

use std::time::Duration;

use crate::prompt::Script;

pub const REFUSED: &str = "Midjourney refused this prompt (banned word).";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Pending,
    /// Percent done, 0..=99.
    Running(u8),
    Completed,
    Failed,
}

/// How long a job waits in the queue and then takes to draw.
#[derive(Clone, Copy, Debug)]
pub struct Lifecycle {
    pub pending: Duration,
    pub running: Duration,
}

impl Lifecycle {
    /// The phases as `script` stretches them.
    pub fn scripted(self, script: Script) -> Lifecycle {
        let factor = if script.slow { 10 } else { 1 };
        Lifecycle {
            pending: self.pending * factor,
            running: self.running * factor,
        }
    }

    pub fn phase(self, elapsed: Duration, script: Script) -> Phase {
        let Lifecycle { pending, running } = self.scripted(script);
        if elapsed < pending {
            return Phase::Pending;
        }
        if script.fail {
            return Phase::Failed;
        }
        let into = elapsed - pending;
        if into >= running {
            return Phase::Completed;
        }
        let percent = (into.as_secs_f64() / running.as_secs_f64() * 100.0) as u8;
        Phase::Running(percent.min(99))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: Lifecycle = Lifecycle {
        pending: Duration::from_millis(100),
        running: Duration::from_millis(400),
    };

    fn at(ms: u64, prompt: &str) -> Phase {
        L.phase(Duration::from_millis(ms), Script::from_prompt(prompt))
    }

    #[test]
    fn lifecycle_follows_the_clock() {
        assert_eq!(at(0, "cat"), Phase::Pending);
        assert_eq!(at(99, "cat"), Phase::Pending);
        assert_eq!(at(100, "cat"), Phase::Running(0));
        assert_eq!(at(300, "cat"), Phase::Running(50));
        assert_eq!(at(499, "cat"), Phase::Running(99));
        assert_eq!(at(500, "cat"), Phase::Completed);
    }

    #[test]
    fn scripted_prompts() {
        assert_eq!(at(99, "cat [fail]"), Phase::Pending);
        assert_eq!(at(100, "cat [fail]"), Phase::Failed);
        assert_eq!(at(999, "cat [slow]"), Phase::Pending);
        assert_eq!(at(3000, "cat [slow]"), Phase::Running(50));
        assert_eq!(at(5000, "cat [slow]"), Phase::Completed);
    }
}
