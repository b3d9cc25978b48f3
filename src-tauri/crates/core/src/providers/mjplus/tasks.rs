//! A midjourney-proxy task's state in Atelier's terms: its status, progress ("46%"), partial
//! preview, and on success its picture, buttons and (for Describe) prompts.

use super::wire::Task;
use crate::providers::lenient;
use crate::providers::{ActionButton, Outputs, RemoteState};

pub fn state_of(task: &Task) -> RemoteState {
    match task.status().as_str() {
        // MODAL is met when the action is sent; a task still in it waits for that step.
        "NOT_START" | "SUBMITTED" | "MODAL" => RemoteState::Queued,
        "SUCCESS" => completed(task),
        "FAILURE" => RemoteState::Failed {
            message: task.fail_reason().unwrap_or_else(|| {
                "midjourney-proxy reported that the task failed but gave no reason. Run it \
                 again, or check the server's log."
                    .into()
            }),
        },
        "CANCEL" => RemoteState::Failed {
            message: format!(
                "Cancelled by the service: {}. Run it again if you still want it.",
                task.fail_reason()
                    .map(|r| r.trim_end_matches('.').to_owned())
                    .unwrap_or_else(
                        || "midjourney-proxy stopped this task before it finished".into()
                    )
            ),
        },
        "IN_PROGRESS" => RemoteState::Running {
            progress: lenient::percent_from(&task.progress),
            preview: task.image_url(),
        },
        // A status this version does not know: the task is still the service's to finish.
        _ => RemoteState::Running {
            progress: None,
            preview: None,
        },
    }
}

fn completed(task: &Task) -> RemoteState {
    let describe = task.action() == "DESCRIBE";
    let prompts = if describe {
        task.final_prompt()
            .map(|p| numbered_prompts(&p))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let grid = task.image_url();
    if describe && prompts.is_empty() {
        return failed("finished the Describe but sent no prompts");
    }
    if !describe && grid.is_none() {
        return failed("marked the task finished but sent no picture");
    }
    let buttons = task
        .buttons()
        .into_iter()
        .map(|(id, label, emoji)| ActionButton::new(id, label, emoji))
        .collect();
    RemoteState::Completed(Outputs {
        grid,
        buttons,
        prompts,
        ..Outputs::default()
    })
}

fn failed(what: &str) -> RemoteState {
    RemoteState::Failed {
        message: format!("midjourney-proxy {what}. Run it again, or check the server's log."),
    }
}

/// Describe's answer ("1️⃣ a cat … --ar 5:4\n\n2️⃣ …") as its prompts, without the numbering.
/// A prompt starts at a numbered line or after a blank line; a line that continues one is
/// joined to it.
pub fn numbered_prompts(text: &str) -> Vec<String> {
    let mut prompts: Vec<String> = Vec::new();
    let mut open = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            open = false;
            continue;
        }
        let (numbered, rest) = match strip_numbering(line) {
            Some(rest) => (true, rest.trim()),
            None => (false, line),
        };
        match prompts.last_mut() {
            Some(last) if open && !numbered => {
                last.push(' ');
                last.push_str(rest);
            }
            _ => prompts.push(rest.to_owned()),
        }
        open = true;
    }
    prompts
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The line after a keycap number ("1️⃣", also without its variation selector).
fn strip_numbering(line: &str) -> Option<&str> {
    let rest = line.strip_prefix(|c: char| c.is_ascii_digit())?;
    let rest = rest.strip_prefix('\u{FE0F}').unwrap_or(rest);
    rest.strip_prefix('\u{20E3}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ActionKind;
    use serde_json::{json, Value};

    fn state(v: Value) -> RemoteState {
        state_of(&serde_json::from_value(v).unwrap())
    }

    #[test]
    fn waiting_statuses_are_queued_and_unknown_ones_running() {
        for status in ["NOT_START", "SUBMITTED", "MODAL", "submitted"] {
            assert_eq!(
                state(json!({ "status": status })),
                RemoteState::Queued,
                "{status}"
            );
        }
        let running = RemoteState::Running {
            progress: None,
            preview: None,
        };
        assert_eq!(state(json!({"status": "PAUSED"})), running);
        assert_eq!(state(json!({})), running);
        assert_eq!(state(json!({"status": 7})), running);
    }

    #[test]
    fn progress_is_read_from_percent_strings_with_the_partial_preview() {
        let s = state(json!({
            "status": "IN_PROGRESS", "progress": "46%",
            "imageUrl": "https://cdn.example/partial.webp"
        }));
        assert_eq!(
            s,
            RemoteState::Running {
                progress: Some(46),
                preview: Some("https://cdn.example/partial.webp".parse().unwrap())
            }
        );
        let s =
            state(json!({"status": "IN_PROGRESS", "progress": "soon", "imageUrl": "ftp://x/y"}));
        assert_eq!(
            s,
            RemoteState::Running {
                progress: None,
                preview: None
            }
        );
    }

    #[test]
    fn a_finished_grid_carries_its_buttons_named() {
        let s = state(json!({
            "action": "IMAGINE", "status": "SUCCESS", "progress": "100%",
            "imageUrl": "https://cdn.example/grid.png",
            "buttons": [
                {"customId": "MJ::JOB::upsample::1::h", "label": "U1", "emoji": ""},
                {"customId": "MJ::JOB::variation::2::h", "label": "V2", "emoji": ""},
                {"customId": "MJ::JOB::reroll::0::h::SOLO", "label": "", "emoji": "🔄"}
            ]
        }));
        let RemoteState::Completed(out) = s else {
            panic!("{s:?}")
        };
        assert_eq!(out.grid.unwrap().as_str(), "https://cdn.example/grid.png");
        assert!(out.upscales.is_empty() && out.prompts.is_empty() && out.credits.is_none());
        let kinds: Vec<_> = out.buttons.iter().map(|b| (b.kind, b.index)).collect();
        assert_eq!(
            kinds,
            vec![
                (ActionKind::Upscale, Some(1)),
                (ActionKind::Variation, Some(2)),
                (ActionKind::Reroll, None)
            ]
        );
        assert_eq!(out.buttons[2].emoji, "🔄");
    }

    #[test]
    fn failures_and_cancels_say_what_happened() {
        assert_eq!(
            state(json!({"status": "FAILURE", "failReason": "Banned prompt detected"})),
            RemoteState::Failed {
                message: "Banned prompt detected".into()
            }
        );
        let RemoteState::Failed { message } = state(json!({"status": "FAILURE"})) else {
            panic!()
        };
        assert!(message.contains("gave no reason"), "{message}");
        let RemoteState::Failed { message } = state(json!({"status": "CANCEL"})) else {
            panic!()
        };
        assert!(message.contains("Cancelled by the service"), "{message}");
        let RemoteState::Failed { message } = state(json!({"status": "SUCCESS", "imageUrl": ""}))
        else {
            panic!()
        };
        assert!(message.contains("no picture"), "{message}");
    }

    #[test]
    fn a_describe_gives_its_four_prompts() {
        let answer =
            "1️⃣ a cat on a sofa, soft light --ar 5:4\n\n2⃣ a tabby\ncat, oil painting --ar 5:4\n\n\
                      3️⃣ a kitten --ar 5:4\n\n4️⃣ a lazy cat --ar 5:4";
        let s = state(json!({
            "action": "DESCRIBE", "status": "SUCCESS",
            "imageUrl": "https://cdn.example/described.png",
            "properties": {"finalPrompt": answer}
        }));
        let RemoteState::Completed(out) = s else {
            panic!("{s:?}")
        };
        assert_eq!(
            out.prompts,
            vec![
                "a cat on a sofa, soft light --ar 5:4",
                "a tabby cat, oil painting --ar 5:4",
                "a kitten --ar 5:4",
                "a lazy cat --ar 5:4"
            ]
        );
        // Without the picture it is still an answer; without prompts it is none.
        let s = state(json!({"action": "DESCRIBE", "status": "SUCCESS",
                             "properties": {"finalPrompt": "1️⃣ a dog"}}));
        assert!(
            matches!(s, RemoteState::Completed(ref o) if o.prompts == ["a dog"]),
            "{s:?}"
        );
        let s =
            state(json!({"action": "DESCRIBE", "status": "SUCCESS", "imageUrl": "https://x/y"}));
        assert!(matches!(s, RemoteState::Failed { .. }), "{s:?}");
    }

    #[test]
    fn prompts_split_on_numbers_even_without_blank_lines() {
        assert_eq!(
            numbered_prompts("1️⃣ one\n2️⃣ two\n\n\nthree"),
            vec!["one", "two", "three"]
        );
        assert_eq!(numbered_prompts("  \n1️⃣\n"), Vec::<String>::new());
        assert_eq!(numbered_prompts("12 monkeys"), vec!["12 monkeys"]);
    }
}
