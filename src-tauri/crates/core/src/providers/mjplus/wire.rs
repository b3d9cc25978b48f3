//! midjourney-proxy's JSON, read leniently: servers and relays differ (numbers as strings,
//! fields missing or null), so every field is read as whatever arrived and asked for what it
//! means, never trusted to have one shape.

use base64::Engine as _;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::providers::ImageData;

/// What every submit route answers (HTTP 200 for most refusals too).
#[derive(Debug, Default, Deserialize)]
pub struct SubmitReply {
    #[serde(default)]
    pub code: Value,
    #[serde(default)]
    pub description: Value,
    #[serde(default)]
    pub result: Value,
    #[serde(default)]
    pub properties: Value,
}

impl SubmitReply {
    pub fn code(&self) -> Option<i64> {
        integer(&self.code)
    }

    /// The task the answer is about.
    pub fn task_id(&self) -> Option<String> {
        id_text(&self.result)
    }

    pub fn description(&self) -> Option<String> {
        text(&self.description)
    }

    /// How many tasks are ahead (code 22).
    pub fn queued_ahead(&self) -> Option<u32> {
        integer(&self.properties["numberOfQueues"]).and_then(|n| u32::try_from(n).ok())
    }

    pub fn banned_word(&self) -> Option<String> {
        text(&self.properties["bannedWord"])
    }

    pub fn final_prompt(&self) -> Option<String> {
        text(&self.properties["finalPrompt"])
    }
}

/// One task as `fetch` and `list-by-condition` describe it.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    #[serde(default)]
    pub id: Value,
    #[serde(default)]
    pub action: Value,
    #[serde(default)]
    pub status: Value,
    #[serde(default)]
    pub prompt: Value,
    #[serde(default)]
    pub progress: Value,
    #[serde(default)]
    pub image_url: Value,
    #[serde(default)]
    pub fail_reason: Value,
    #[serde(default)]
    pub properties: Value,
    #[serde(default)]
    pub buttons: Value,
}

impl Task {
    pub fn id(&self) -> Option<String> {
        id_text(&self.id)
    }

    /// Upper case, as the protocol spells it; empty when missing.
    pub fn status(&self) -> String {
        text(&self.status).unwrap_or_default().to_ascii_uppercase()
    }

    pub fn action(&self) -> String {
        text(&self.action).unwrap_or_default().to_ascii_uppercase()
    }

    pub fn image_url(&self) -> Option<Url> {
        web_address(&self.image_url)
    }

    pub fn fail_reason(&self) -> Option<String> {
        text(&self.fail_reason)
    }

    pub fn final_prompt(&self) -> Option<String> {
        text(&self.properties["finalPrompt"])
    }

    pub fn prompt(&self) -> Option<String> {
        text(&self.prompt)
    }

    /// Each button as `(customId, label, emoji)`; ones without an id cannot be pressed.
    pub fn buttons(&self) -> Vec<(String, String, String)> {
        let Some(list) = self.buttons.as_array() else {
            return Vec::new();
        };
        list.iter()
            .filter_map(|b| {
                let id = text(&b["customId"])?;
                let label = text(&b["label"]).unwrap_or_default();
                let emoji = text(&b["emoji"]).unwrap_or_default();
                Some((id, label, emoji))
            })
            .collect()
    }
}

/// A task list's entries that read as tasks; anything else in it is skipped.
pub fn tasks(list: Vec<Value>) -> Vec<Task> {
    list.into_iter()
        .filter(Value::is_object)
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect()
}

/// A picture as the protocol carries it: `data:image/png;base64,…`.
pub fn data_url(image: &ImageData) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(&image.bytes);
    format!("data:{};base64,{encoded}", image.mime)
}

/// A non-blank string, trimmed.
fn text(v: &Value) -> Option<String> {
    let s = v.as_str()?.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// Ids are strings of digits; some servers send them as numbers.
fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        other => text(other),
    }
}

fn integer(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn web_address(v: &Value) -> Option<Url> {
    let url = Url::parse(v.as_str()?.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reply(v: Value) -> SubmitReply {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn submit_replies_read_numbers_as_strings_and_nulls() {
        let r =
            reply(json!({"code": "22", "result": 1712345, "properties": {"numberOfQueues": "3"}}));
        assert_eq!(r.code(), Some(22));
        assert_eq!(r.task_id().as_deref(), Some("1712345"));
        assert_eq!(r.queued_ahead(), Some(3));
        let r = reply(json!({"code": 23, "result": null, "description": "  "}));
        assert_eq!((r.task_id(), r.description()), (None, None));
        let r = reply(json!({}));
        assert_eq!(
            (r.code(), r.queued_ahead(), r.banned_word()),
            (None, None, None)
        );
        let r = reply(json!({"code": 24, "properties": {"bannedWord": "gore", "promptEn": "x"}}));
        assert_eq!(r.banned_word().as_deref(), Some("gore"));
    }

    #[test]
    fn buttons_without_an_id_are_skipped_and_missing_parts_are_empty() {
        let task: Task = serde_json::from_value(json!({
            "buttons": [
                {"customId": "MJ::JOB::upsample::1::h", "label": "U1", "emoji": "", "style": 2},
                {"label": "no id"},
                {"customId": "MJ::JOB::reroll::0::h::SOLO", "emoji": "🔄"},
                "garbage"
            ]
        }))
        .unwrap();
        assert_eq!(
            task.buttons(),
            vec![
                ("MJ::JOB::upsample::1::h".into(), "U1".into(), String::new()),
                (
                    "MJ::JOB::reroll::0::h::SOLO".into(),
                    String::new(),
                    "🔄".into()
                ),
            ]
        );
    }

    #[test]
    fn task_lists_skip_what_is_not_a_task() {
        let list = vec![json!({"id": "1"}), json!(3), json!(null), json!({"id": 2})];
        let ids: Vec<_> = tasks(list).iter().map(Task::id).collect();
        assert_eq!(ids, vec![Some("1".into()), Some("2".into())]);
    }

    #[test]
    fn pictures_go_as_data_urls() {
        let image = ImageData {
            mime: "image/png",
            bytes: vec![0x89, b'P', b'N', b'G'],
        };
        assert_eq!(data_url(&image), "data:image/png;base64,iVBORw==");
    }
}
