//! Whatever AI-Client (or something posing as it) sends, reading a thread never panics, and
//! what comes out is sane: progress within 0..=100, only web addresses, a reason for a failure.

use proptest::prelude::*;
use serde_json::Value;

use super::{state_of, Entry, Envelope, Thread};
use crate::proptest_support::{
    address, bytes, config, enveloped, json, mostly, mutated, number, object, percent, text,
};
use crate::providers::RemoteState;

/// The service's own replies, as recorded.
const SAMPLES: &[&str] = &[
    include_str!("fixtures/thread.json"),
    include_str!("fixtures/request_entry.json"),
    include_str!("fixtures/entries_completed.json"),
];
#[rustfmt::skip]
const STATES: &[&str] = &[
    "completed", "completed", "COMPLETED", "processing", "failed", "error", "cancelled", "",
];
const KINDS: &[&str] = &["request", "response", "Response", ""];
const NO_ERROR: &[&str] = &["", " ", "None", " None "];
const CREDITS: &[&str] = &["10", " 10 ", "-1", "4294967296", "1.5"];

fn pick(known: &'static [&'static str]) -> BoxedStrategy<Value> {
    prop_oneof![
        4 => prop::sample::select(known).prop_map(Value::from),
        1 => text().prop_map(Value::from),
    ]
    .boxed()
}

fn content() -> BoxedStrategy<Value> {
    let image = object(vec![("url", mostly(address()))]);
    let images = prop::collection::vec(image, 0..6).prop_map(Value::Array);
    object(vec![
        ("state", mostly(pick(STATES))),
        ("percent", mostly(percent())),
        ("images", mostly(images.boxed())),
    ])
}

/// An entry of the given kind (or any), usually without an error.
fn entry(kind: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
    let error = prop_oneof![
        4 => Just(Value::Null),
        3 => prop::sample::select(NO_ERROR).prop_map(Value::from),
        1 => pick(&["Banned prompt"]),
        1 => object(vec![("message", json())]),
        1 => json(),
    ];
    let credits = prop_oneof![number(), pick(CREDITS), json()];
    let waiting = any::<bool>().prop_map(Value::from);
    object(vec![
        ("type", mostly(kind)),
        ("error", error.boxed()),
        ("content", mostly(content())),
        ("waiting_response", mostly(waiting.boxed())),
        ("credits", credits.boxed()),
    ])
}

/// A thread's entries: our request and the response, as the service lists them, or any.
fn entries() -> BoxedStrategy<Value> {
    let request = entry(Just(Value::from("request")).boxed());
    let response = entry(Just(Value::from("response")).boxed());
    prop_oneof![
        (request, response).prop_map(|(q, r)| Value::Array(vec![q, r])),
        prop::collection::vec(entry(pick(KINDS)), 0..4).prop_map(Value::Array),
    ]
    .boxed()
}

/// A reply that opens a thread, sends an entry, or lists a thread's entries.
fn reply() -> BoxedStrategy<Value> {
    let thread = object(vec![("guid", mostly(text().prop_map(Value::from).boxed()))]);
    let made = prop_oneof![1 => thread, 2 => entry(pick(KINDS)), 3 => entries()];
    prop_oneof![enveloped(made.boxed()), mutated(SAMPLES)].boxed()
}

fn check(entries: &[Entry]) {
    let web = |u: &url::Url| matches!(u.scheme(), "http" | "https");
    match state_of(entries) {
        RemoteState::Queued => {}
        RemoteState::Running { progress, preview } => {
            assert!(progress.is_none_or(|p| p <= 100), "{progress:?}");
            assert!(preview.is_none());
        }
        RemoteState::Completed(out) => {
            assert!(out.grid.is_none() && !out.upscales.is_empty());
            assert!(out.upscales.iter().all(web), "{out:?}");
        }
        RemoteState::Failed { message } => assert!(!message.is_empty()),
    }
}

/// Every way the provider reads a reply body.
fn read(body: &[u8]) {
    if let Ok(thread) = serde_json::from_slice::<Envelope<Thread>>(body) {
        let _ = thread.data.guid.len();
    }
    if let Ok(entry) = serde_json::from_slice::<Envelope<Entry>>(body) {
        check(&[entry.data]);
    }
    if let Ok(entries) = serde_json::from_slice::<Envelope<Vec<Entry>>>(body) {
        check(&entries.data);
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
        if let Ok(entries) = serde_json::from_value::<Vec<Entry>>(reply) {
            check(&entries);
        }
    }
}
