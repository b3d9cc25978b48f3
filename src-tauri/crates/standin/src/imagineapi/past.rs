//! Images the stand-in account made before the server started, for importing: completed
//! ones (a grid and four upscales under `/assets/`), failed ones, ones still being made, and
//! some of another user's, which the account must never be listed.

use std::time::{Duration, SystemTime};

use super::job::{Job, OTHER_USER, USER_CREATED};
use super::store::Store;
use crate::clock::Phase;

/// How many past images of each kind the server starts with (none by default).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PastImages {
    pub completed: usize,
    pub failed: usize,
    pub in_progress: usize,
    /// Completed images of another user of the same server.
    pub other_users: usize,
}

impl PastImages {
    pub fn total(&self) -> usize {
        self.completed + self.failed + self.in_progress + self.other_users
    }
}

/// One hour apart, the newest an hour before now, the kinds interleaved so that every page
/// of a listing mixes them.
pub fn seed(store: &Store, past: PastImages) {
    let now = SystemTime::now();
    for (i, (phase, user)) in interleaved(past).into_iter().enumerate() {
        let at = now - Duration::from_secs(3600) * (i as u32 + 1);
        let ar = ["1:1", "16:9", "2:3", "3:2"][i % 4];
        let prompt = format!("past image {i} of a quiet harbour --ar {ar}");
        store.add(|seq| Job::past(seq, prompt, at, phase, user));
    }
}

fn interleaved(past: PastImages) -> Vec<(Phase, &'static str)> {
    let mut kinds = [
        (past.completed, Phase::Completed, USER_CREATED),
        (past.failed, Phase::Failed, USER_CREATED),
        (past.in_progress, Phase::Running(50), USER_CREATED),
        (past.other_users, Phase::Completed, OTHER_USER),
    ];
    let mut out = Vec::with_capacity(past.total());
    while out.len() < past.total() {
        for (left, phase, user) in &mut kinds {
            if *left > 0 {
                *left -= 1;
                out.push((*phase, *user));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_seeded_newest_first_in_time() {
        let store = Store::default();
        let past = PastImages {
            completed: 5,
            failed: 2,
            in_progress: 1,
            other_users: 2,
        };
        seed(&store, past);
        let jobs = store.all();
        assert_eq!(jobs.len(), 10);
        let count = |p: Phase, u: &str| {
            jobs.iter()
                .filter(|j| j.settled == Some(p) && j.user == u)
                .count()
        };
        assert_eq!(count(Phase::Completed, USER_CREATED), 5);
        assert_eq!(count(Phase::Failed, USER_CREATED), 2);
        assert_eq!(count(Phase::Running(50), USER_CREATED), 1);
        assert_eq!(count(Phase::Completed, OTHER_USER), 2);
        assert!(jobs
            .windows(2)
            .all(|w| w[0].date_created > w[1].date_created));
        assert_eq!(
            &jobs[..4].iter().map(|j| j.user).collect::<Vec<_>>()[3],
            &OTHER_USER
        );
    }
}
