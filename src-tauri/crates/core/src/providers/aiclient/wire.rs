//! AI-Client's JSON (a Laravel app): threads, entries, and how a thread's entries map onto
//! [`RemoteState`].

use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::providers::lenient;
use crate::providers::{Outputs, RemoteState};

#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    pub data: T,
}

#[derive(Debug, Deserialize)]
pub struct Thread {
    pub guid: String,
}

#[derive(Debug, Deserialize)]
pub struct Entry {
    #[serde(default, rename = "type")]
    pub kind: String,
    /// null, "", "None", or a message.
    #[serde(default)]
    pub error: Value,
    #[serde(default)]
    pub content: Value,
    #[serde(default)]
    pub waiting_response: Option<bool>,
    #[serde(default)]
    pub credits: Value,
}

/// The job's state from its thread's entries (one thread per job, so the first response
/// entry is the answer to our request).
pub fn state_of(entries: &[Entry]) -> RemoteState {
    if let Some(message) = entries.iter().find_map(|e| lenient::error_text(&e.error)) {
        return RemoteState::Failed { message };
    }
    let Some(response) = entries.iter().find(|e| e.kind == "response") else {
        // Still waiting for Midjourney to pick it up, or picked up but not yet listed.
        let waiting = entries.iter().any(|e| e.waiting_response != Some(false));
        return if waiting {
            RemoteState::Queued
        } else {
            RemoteState::Running {
                progress: None,
                preview: None,
            }
        };
    };
    let content = &response.content;
    let state = content["state"].as_str().unwrap_or("").to_ascii_lowercase();
    match state.as_str() {
        "completed" => completed(response),
        "failed" | "error" | "cancelled" => RemoteState::Failed {
            message: "AI-Client reported the job failed but gave no reason.".into(),
        },
        // "processing", and whatever else the service says while it works.
        _ => RemoteState::Running {
            progress: lenient::percent_from(&content["percent"]),
            preview: None,
        },
    }
}

fn completed(response: &Entry) -> RemoteState {
    let upscales: Vec<Url> = response.content["images"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|img| img["url"].as_str())
        .filter_map(|u| Url::parse(u.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .collect();
    if upscales.is_empty() {
        return RemoteState::Failed {
            message: "AI-Client marked the job completed but sent no images.".into(),
        };
    }
    let credits = number(&response.credits);
    RemoteState::Completed(Outputs {
        grid: None,
        upscales,
        credits,
        ..Outputs::default()
    })
}

fn number(v: &Value) -> Option<u32> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entries(v: Value) -> Vec<Entry> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn seed_replies_parse() {
        let thread: Envelope<Thread> =
            serde_json::from_str(include_str!("fixtures/thread.json")).unwrap();
        assert_eq!(thread.data.guid, "fd67b44e-efdd-47f2-9291-646902add92b");
        let request: Envelope<Entry> =
            serde_json::from_str(include_str!("fixtures/request_entry.json")).unwrap();
        assert_eq!(request.data.waiting_response, Some(true));
        assert_eq!(
            state_of(&[request.data]),
            RemoteState::Queued,
            "\"None\" is no error"
        );
    }

    #[test]
    fn seed_completed_thread_gives_four_images_and_credits() {
        let reply: Envelope<Vec<Entry>> =
            serde_json::from_str(include_str!("fixtures/entries_completed.json")).unwrap();
        let RemoteState::Completed(out) = state_of(&reply.data) else {
            panic!("not completed");
        };
        assert_eq!(out.grid, None, "AI-Client sends no grid");
        assert_eq!(out.upscales.len(), 4);
        assert!(out.upscales[0]
            .as_str()
            .ends_with("8a0ec264-98b5-45e4-99df-5fdfee37a175.png"));
        assert_eq!(out.credits, Some(10));
    }

    #[test]
    fn unknown_states_are_running_and_percent_may_be_a_string() {
        let e = entries(json!([
            {"type": "request", "error": null, "waiting_response": true},
            {"type": "response", "error": "", "content": {"state": "rendering", "percent": "45"}}
        ]));
        assert_eq!(
            state_of(&e),
            RemoteState::Running {
                progress: Some(45),
                preview: None
            }
        );
    }

    #[test]
    fn errors_and_failed_states_fail() {
        let e = entries(json!([{"type": "request", "error": "Banned prompt"}]));
        assert_eq!(
            state_of(&e),
            RemoteState::Failed {
                message: "Banned prompt".into()
            }
        );
        let e =
            entries(json!([{"type": "response", "error": null, "content": {"state": "failed"}}]));
        assert!(matches!(state_of(&e), RemoteState::Failed { .. }));
        let e =
            entries(json!([{"type": "response", "content": {"state": "completed", "images": []}}]));
        assert!(matches!(state_of(&e), RemoteState::Failed { .. }));
    }
}

#[cfg(test)]
#[path = "wire_proptests.rs"]
mod proptests;
