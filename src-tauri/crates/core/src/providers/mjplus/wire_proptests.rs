//! Whatever a midjourney-proxy server (or something posing as one) sends, reading it never
//! panics, and what comes out is sane: progress within 0..=100, only web addresses, a reason
//! for every failure and refusal, a task id for every accepted submit.

use proptest::prelude::*;
use serde_json::Value;

use super::reply::{self, Answer};
use super::tasks::{numbered_prompts, state_of};
use super::wire::{tasks, SubmitReply, Task};
use crate::proptest_support::{
    address, bytes, config, json, mostly, mutated, number, object, percent, text, words,
};
use crate::providers::RemoteState;

/// Replies as the protocol documents them.
const SAMPLES: &[&str] = &[
    r#"{"code":1,"description":"Submit success","result":"1712345678901","properties":{"discordInstanceId":"1"}}"#,
    r#"{"code":22,"description":"Waiting in queue","result":"17","properties":{"numberOfQueues":3}}"#,
    r#"{"code":21,"description":"Waiting for window confirm","result":"18","properties":{"finalPrompt":"a cat","remix":true}}"#,
    r#"{"code":24,"description":"Banned prompt","result":null,"properties":{"bannedWord":"gore","promptEn":"gore"}}"#,
    r#"{"id":"17","action":"IMAGINE","status":"IN_PROGRESS","prompt":"a cat","progress":"46%","imageUrl":"https://cdn.example/p.webp","failReason":null,"properties":{"finalPrompt":"a cat"},"buttons":[]}"#,
    r#"{"id":"17","action":"IMAGINE","status":"SUCCESS","progress":"100%","imageUrl":"https://cdn.example/g.png","properties":{},"buttons":[{"customId":"MJ::JOB::upsample::1::h","emoji":"","label":"U1","style":2,"type":2},{"customId":"MJ::JOB::reroll::0::h::SOLO","emoji":"🔄","label":"","style":2,"type":2}]}"#,
    r#"[{"id":"19","action":"DESCRIBE","status":"SUCCESS","imageUrl":"https://cdn.example/d.png","properties":{"finalPrompt":"1️⃣ a cat --ar 5:4\n\n2️⃣ a dog --ar 5:4"}}]"#,
];
#[rustfmt::skip]
const STATUSES: &[&str] = &[
    "NOT_START", "SUBMITTED", "MODAL", "IN_PROGRESS", "FAILURE", "SUCCESS", "CANCEL", "success", "",
];
const ACTIONS: &[&str] = &[
    "IMAGINE",
    "UPSCALE",
    "VARIATION",
    "DESCRIBE",
    "BLEND",
    "describe",
];
const CODES: &[i64] = &[1, 21, 22, 23, 24, 4, 9, -1];
const PROMPT_PIECES: &[&str] = &["1️⃣", "2⃣", "\n", "\n\n", "a cat", "--ar 5:4", "3", "️", "⃣"];

fn pick(known: &'static [&'static str]) -> BoxedStrategy<Value> {
    prop_oneof![
        4 => prop::sample::select(known).prop_map(Value::from),
        1 => text().prop_map(Value::from),
    ]
    .boxed()
}

fn id() -> BoxedStrategy<Value> {
    prop_oneof![text().prop_map(Value::from), number()].boxed()
}

fn button() -> BoxedStrategy<Value> {
    let custom = prop_oneof![
        Just(Value::from("MJ::JOB::variation::2::h")),
        text().prop_map(Value::from),
    ];
    object(vec![
        ("customId", mostly(custom.boxed())),
        ("label", mostly(text().prop_map(Value::from).boxed())),
        ("emoji", mostly(text().prop_map(Value::from).boxed())),
    ])
}

fn task() -> BoxedStrategy<Value> {
    let buttons = prop::collection::vec(button(), 0..6).prop_map(Value::Array);
    let final_prompt = words(PROMPT_PIECES).prop_map(Value::from);
    object(vec![
        ("id", mostly(id())),
        ("action", mostly(pick(ACTIONS))),
        ("status", mostly(pick(STATUSES))),
        ("progress", mostly(percent())),
        ("imageUrl", mostly(address())),
        ("failReason", mostly(text().prop_map(Value::from).boxed())),
        (
            "properties",
            mostly(object(vec![("finalPrompt", mostly(final_prompt.boxed()))])),
        ),
        ("buttons", mostly(buttons.boxed())),
    ])
}

fn submit_reply() -> BoxedStrategy<Value> {
    let code = prop_oneof![
        4 => prop::sample::select(CODES).prop_map(Value::from),
        1 => number(),
    ];
    let properties = object(vec![
        ("numberOfQueues", mostly(number())),
        ("bannedWord", mostly(text().prop_map(Value::from).boxed())),
        ("finalPrompt", mostly(text().prop_map(Value::from).boxed())),
    ]);
    object(vec![
        ("code", mostly(code.boxed())),
        ("description", mostly(text().prop_map(Value::from).boxed())),
        ("result", mostly(id())),
        ("properties", mostly(properties)),
    ])
}

fn reply() -> BoxedStrategy<Value> {
    let list = prop::collection::vec(task(), 0..4).prop_map(Value::Array);
    prop_oneof![
        2 => submit_reply(),
        2 => task(),
        1 => list,
        2 => mutated(SAMPLES),
    ]
    .boxed()
}

fn check_task(task: &Task) {
    let web = |u: &url::Url| matches!(u.scheme(), "http" | "https");
    match state_of(task) {
        RemoteState::Queued => {}
        RemoteState::Running { progress, preview } => {
            assert!(progress.is_none_or(|p| p <= 100), "{progress:?}");
            assert!(preview.as_ref().is_none_or(web), "{preview:?}");
        }
        RemoteState::Completed(out) => {
            assert!(out.grid.is_some() || !out.prompts.is_empty(), "{out:?}");
            assert!(out.grid.as_ref().is_none_or(web), "{out:?}");
            assert!(out.prompts.iter().all(|p| !p.trim().is_empty()), "{out:?}");
            assert!(out.buttons.iter().all(|b| !b.custom_id.is_empty()));
        }
        RemoteState::Failed { message } => assert!(!message.trim().is_empty()),
    }
}

fn check_reply(r: &SubmitReply) {
    match reply::read(r) {
        Ok(Answer::Started { task_id, .. }) | Ok(Answer::Existing { task_id, .. }) => {
            assert!(!task_id.is_empty())
        }
        Err(e) => assert!(!e.to_string().trim().is_empty()),
    }
}

/// Every way the provider reads a reply body.
fn read(body: &[u8]) {
    if let Ok(r) = serde_json::from_slice::<SubmitReply>(body) {
        check_reply(&r);
    }
    if let Ok(t) = serde_json::from_slice::<Task>(body) {
        check_task(&t);
    }
    if let Ok(list) = serde_json::from_slice::<Vec<Value>>(body) {
        tasks(list).iter().for_each(check_task);
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_bytes_are_read_without_panicking(body in bytes(reply())) {
        read(&body);
    }

    #[test]
    fn any_json_is_read_without_panicking(reply in prop_oneof![3 => reply(), 1 => json()]) {
        read(&serde_json::to_vec(&reply).unwrap());
    }

    #[test]
    fn describe_answers_split_into_clean_prompts(text in words(PROMPT_PIECES)) {
        for p in numbered_prompts(&text) {
            prop_assert!(!p.is_empty() && p.trim() == p, "{p:?}");
        }
    }
}
