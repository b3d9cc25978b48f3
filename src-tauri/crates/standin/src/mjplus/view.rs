//! A task as `/mj/task/{id}/fetch` shows it.

use serde_json::{json, Value};

use super::buttons;
use super::cdn::Links;
use super::pictures::Asset;
use super::task::{Action, Phase, Task, Timing};

/// The task JSON at `now`; `fail_reason` is what a failed task says.
pub fn task_json(
    task: &Task,
    phase: Phase,
    timing: Timing,
    links: &Links,
    fail_reason: &str,
) -> Value {
    let start = task.started.map(|s| task.millis(s + timing.pending));
    let finished = matches!(phase, Phase::Success | Phase::Failure | Phase::Cancel);
    let finish = task
        .frees_slot_at(timing)
        .filter(|_| finished)
        .map(|at| task.millis(at));
    let started = matches!(phase, Phase::InProgress(_)) || finished;
    let image = match phase {
        Phase::InProgress(_) => Some(links.url(&task.id, &task.art, Asset::Preview)),
        Phase::Success => Some(links.url(&task.id, &task.art, Asset::Result)),
        _ => None,
    };
    let fail = match phase {
        Phase::Failure => fail_reason,
        Phase::Cancel => "Cancelled by the server (the Discord account's job was stopped)",
        _ => "",
    };
    json!({
        "id": task.id,
        "action": task.action.as_str(),
        "status": phase.status(),
        "prompt": task.prompt,
        "promptEn": task.prompt,
        "description": description(task),
        "state": task.state,
        "submitTime": task.millis(task.submitted),
        "startTime": start.filter(|_| started),
        "finishTime": finish,
        "progress": progress(phase),
        "imageUrl": image,
        "failReason": (!fail.is_empty()).then_some(fail),
        "properties": properties(task, phase),
        "buttons": if phase == Phase::Success {
            buttons::offered(task.action, &task.hash)
        } else {
            Vec::new()
        },
    })
}

fn progress(phase: Phase) -> String {
    match phase {
        Phase::InProgress(p) => format!("{p}%"),
        Phase::Success => "100%".into(),
        Phase::Modal | Phase::NotStart | Phase::Submitted | Phase::Vanished => "0%".into(),
        Phase::Failure | Phase::Cancel => String::new(),
    }
}

fn description(task: &Task) -> String {
    match task.action {
        Action::Imagine => format!("/imagine {}", task.prompt),
        Action::Describe => "/describe".into(),
        Action::Blend => "/blend".into(),
        _ => format!(
            "/action {} {}",
            task.parent.as_deref().unwrap_or(""),
            task.custom_id.as_deref().unwrap_or("")
        ),
    }
}

fn properties(task: &Task, phase: Phase) -> Value {
    let mut props = task.extra.clone();
    let final_prompt = match (&task.described, phase) {
        (Some(described), Phase::Success) => described.clone(),
        (Some(_), _) => String::new(),
        (None, _) => task.prompt.clone(),
    };
    props.insert("finalPrompt".into(), final_prompt.into());
    props.insert("mode".into(), task.mode.as_str().into());
    props.insert("messageHash".into(), task.hash.clone().into());
    Value::Object(props)
}
