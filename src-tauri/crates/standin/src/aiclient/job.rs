//! One `request` entry and the `response` entry it grows, as AI-Client lists them. Both are
//! computed from elapsed time alone, like the ImagineAPI stand-in's jobs.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use tokio::sync::OnceCell;
use uuid::Uuid;

use super::storage::Single;
use crate::clock::{Lifecycle, Phase, REFUSED};
use crate::prompt::Script;
use crate::time;

#[derive(Debug)]
pub struct Job {
    /// The request entry's guid.
    pub guid: String,
    /// The guid of the response entry, fixed now so every poll shows the same one.
    pub response_guid: String,
    pub thread_guid: String,
    pub command: String,
    pub prompt: String,
    pub script: Script,
    pub created: Instant,
    created_at: SystemTime,
    /// The four images' file stems (uuids), in the order the response lists them.
    pub files: [String; 4],
    /// Encoded pictures per image, made on first request.
    pub cache: [OnceCell<Single>; 4],
}

/// An entry exactly as AI-Client serialises it; field order follows the seed guide.
#[derive(Debug, Serialize)]
pub struct EntryView<'a> {
    guid: &'a str,
    thread_guid: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    error: Option<&'static str>,
    content: Content<'a>,
    waiting_response: bool,
    credits: u32,
    created_at: String,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Content<'a> {
    Request {
        command: &'a str,
        prompt: &'a str,
    },
    Response {
        state: &'static str,
        percent: Percent,
        images: Vec<ImageInfo>,
    },
}

/// The real service sends `percent` as a number at times and as a string at others.
#[derive(Debug, PartialEq, Serialize)]
#[serde(untagged)]
enum Percent {
    Number(u8),
    Text(String),
}

/// One finished image as the response entry lists it.
#[derive(Clone, Debug, Serialize)]
pub struct ImageInfo {
    pub url: String,
    pub thumbnail_url: String,
    /// `WxH`, e.g. `1456x816`.
    pub dimensions: String,
    pub filesize: usize,
}

impl Job {
    pub fn new(thread_guid: &str, command: &str, prompt: &str) -> Job {
        Job {
            guid: new_guid(),
            response_guid: new_guid(),
            thread_guid: thread_guid.to_owned(),
            command: command.to_owned(),
            prompt: prompt.to_owned(),
            script: Script::from_prompt(prompt),
            created: Instant::now(),
            created_at: SystemTime::now(),
            files: std::array::from_fn(|_| new_guid()),
            cache: Default::default(),
        }
    }

    pub fn phase(&self, now: Instant, lifecycle: Lifecycle) -> Phase {
        lifecycle.phase(now.saturating_duration_since(self.created), self.script)
    }

    /// When the response entry appears: as the job leaves the queue.
    pub fn response_at(&self, lifecycle: Lifecycle) -> Instant {
        self.created + self.queued_for(lifecycle)
    }

    fn queued_for(&self, lifecycle: Lifecycle) -> Duration {
        lifecycle.scripted(self.script).pending
    }

    /// The request entry; it waits for its response until the job has ended either way.
    pub fn request_entry(&self, phase: Phase) -> EntryView<'_> {
        EntryView {
            guid: &self.guid,
            thread_guid: &self.thread_guid,
            kind: "request",
            // The service writes Python's None into this field on requests.
            error: Some("None"),
            content: Content::Request {
                command: &self.command,
                prompt: &self.prompt,
            },
            waiting_response: !matches!(phase, Phase::Completed | Phase::Failed),
            credits: 0,
            created_at: time::laravel(self.created_at),
        }
    }

    /// The response entry once the job has left the queue. `images` are the finished images
    /// (only used once completed), `credits` what completion costs, `wall` the time of the poll.
    pub fn response_entry(
        &self,
        phase: Phase,
        lifecycle: Lifecycle,
        images: Vec<ImageInfo>,
        credits: u32,
        wall: SystemTime,
    ) -> Option<EntryView<'_>> {
        let (state, percent, error, images, credits) = match phase {
            Phase::Pending => return None,
            Phase::Running(n) => ("processing", percent(n, wall), None, Vec::new(), 0),
            Phase::Completed => ("completed", Percent::Number(100), Some(""), images, credits),
            Phase::Failed => ("failed", Percent::Number(0), Some(REFUSED), Vec::new(), 0),
        };
        Some(EntryView {
            guid: &self.response_guid,
            thread_guid: &self.thread_guid,
            kind: "response",
            error,
            content: Content::Response {
                state,
                percent,
                images,
            },
            waiting_response: false,
            credits,
            created_at: time::laravel(self.created_at + self.queued_for(lifecycle)),
        })
    }
}

/// A number during even wall-clock seconds and a string during odd ones, so a client that
/// accepts only one of the two forms fails within a couple of polls.
fn percent(n: u8, wall: SystemTime) -> Percent {
    let secs = wall
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    if secs.is_multiple_of(2) {
        Percent::Number(n)
    } else {
        Percent::Text(n.to_string())
    }
}

fn new_guid() -> String {
    Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const L: Lifecycle = Lifecycle {
        pending: Duration::from_secs(1),
        running: Duration::from_secs(4),
    };

    fn even() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_686_514_148)
    }

    fn response(job: &Job, phase: Phase, wall: SystemTime) -> Value {
        let images = vec![ImageInfo {
            url: "u".into(),
            thumbnail_url: "t".into(),
            dimensions: "2x2".into(),
            filesize: 9,
        }];
        serde_json::to_value(job.response_entry(phase, L, images, 10, wall)).unwrap()
    }

    #[test]
    fn request_entry_has_the_seed_shape() {
        let job = Job::new("t-1", "imagine", "cats --ar 16:9");
        let entry = serde_json::to_value(job.request_entry(Phase::Pending)).unwrap();
        let keys: Vec<&str> = entry
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(keys.len(), 8, "{keys:?}");
        assert_eq!(entry["type"], "request");
        assert_eq!(entry["error"], "None");
        assert_eq!(
            entry["content"],
            json!({"command": "imagine", "prompt": "cats --ar 16:9"})
        );
        assert_eq!(entry["waiting_response"], true);
        assert_eq!(entry["credits"], 0);
        assert!(entry["created_at"].as_str().unwrap().ends_with(".000000Z"));
        let done = serde_json::to_value(job.request_entry(Phase::Completed)).unwrap();
        assert_eq!(done["waiting_response"], false);
    }

    #[test]
    fn response_entry_through_its_states() {
        let job = Job::new("t-1", "imagine", "cats");
        assert!(job
            .response_entry(Phase::Pending, L, Vec::new(), 10, even())
            .is_none());

        let running = response(&job, Phase::Running(45), even());
        assert_eq!(
            running["content"],
            json!({"state": "processing", "percent": 45, "images": []})
        );
        assert!(running["error"].is_null());
        assert_eq!(running["credits"], 0);
        let odd = even() + Duration::from_secs(1);
        assert_eq!(
            response(&job, Phase::Running(45), odd)["content"]["percent"],
            "45"
        );

        let done = response(&job, Phase::Completed, odd);
        assert_eq!(done["content"]["state"], "completed");
        assert_eq!(done["content"]["percent"], 100);
        assert_eq!(done["content"]["images"][0]["filesize"], 9);
        assert_eq!((&done["error"], &done["credits"]), (&json!(""), &json!(10)));
        assert_eq!(done["waiting_response"], false);

        let failed = response(&job, Phase::Failed, even());
        assert_eq!(failed["content"]["state"], "failed");
        assert_eq!(failed["content"]["images"], json!([]));
        assert_eq!(failed["error"], REFUSED);
        assert_eq!(failed["credits"], 0);
    }
}
