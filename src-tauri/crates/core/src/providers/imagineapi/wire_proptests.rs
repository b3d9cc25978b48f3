//! Whatever ImagineAPI (or something posing as it) sends, reading it never panics, and what
//! comes out is sane: progress within 0..=100, only web addresses, a reason for a failure.

use proptest::prelude::*;
use serde_json::Value;
use url::Url;

use super::{Envelope, Image};
use crate::proptest_support::{
    address, bytes, config, enveloped, json, mostly, mutated, object, percent, text,
};
use crate::providers::RemoteState;

fn status() -> BoxedStrategy<Value> {
    let known = prop::sample::select(
        &[
            "pending",
            "queued",
            "in-progress",
            "completed",
            "failed",
            " Completed ",
            "FAILED",
            "upscaling",
            "",
        ][..],
    );
    prop_oneof![4 => known.prop_map(Value::from), 1 => text().prop_map(Value::from)].boxed()
}

fn image() -> BoxedStrategy<Value> {
    object(vec![
        ("id", mostly(text().prop_map(Value::from).boxed())),
        ("status", mostly(status())),
        ("progress", mostly(percent())),
        ("url", mostly(address())),
        (
            "upscaled_urls",
            mostly(
                prop::collection::vec(address(), 0..6)
                    .prop_map(Value::Array)
                    .boxed(),
            ),
        ),
        ("error", json()),
        ("ref", mostly(text().prop_map(Value::from).boxed())),
    ])
}

/// A reply to a submit or poll (one image) or to a batch poll or search (a list).
fn reply() -> BoxedStrategy<Value> {
    let made = prop_oneof![
        2 => image(),
        1 => prop::collection::vec(image(), 0..4).prop_map(Value::Array),
    ];
    prop_oneof![enveloped(made.boxed()), mutated(SAMPLES)].boxed()
}

/// The service's own replies, as recorded.
const SAMPLES: &[&str] = &[
    include_str!("fixtures/submitted.json"),
    include_str!("fixtures/completed.json"),
    include_str!("fixtures/completed_reordered.json"),
];

fn base() -> impl Strategy<Value = Url> {
    prop::sample::select(
        &[
            "https://cl.imagineapi.dev",
            "http://127.0.0.1:8055",
            "https://my.host/sub/path/",
            "http://localhost",
        ][..],
    )
    .prop_map(|b| Url::parse(b).unwrap())
}

fn check(base: &Url, image: &Image) {
    let web = |u: &Url| matches!(u.scheme(), "http" | "https");
    match image.state(base) {
        RemoteState::Queued => {}
        RemoteState::Running { progress, preview } => {
            assert!(progress.is_none_or(|p| p <= 100), "{progress:?}");
            assert!(preview.iter().all(web), "{preview:?}");
        }
        RemoteState::Completed(out) => {
            assert!(out.grid.is_some() || !out.upscales.is_empty());
            assert!(out.grid.iter().chain(&out.upscales).all(web), "{out:?}");
        }
        RemoteState::Failed { message } => assert!(!message.is_empty()),
    }
}

/// Every way the provider reads a reply body.
fn read(base: &Url, body: &[u8]) {
    if let Ok(reply) = serde_json::from_slice::<Envelope<Image>>(body) {
        check(base, &reply.data);
    }
    if let Ok(reply) = serde_json::from_slice::<Envelope<Vec<Image>>>(body) {
        reply.data.iter().for_each(|image| check(base, image));
    }
    // The status endpoint.
    if let Ok(reply) = serde_json::from_slice::<Envelope<Value>>(body) {
        let _ = reply.data["bot_status"].as_str().unwrap_or("unknown");
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_bytes_are_read_without_panicking(base in base(), body in bytes(reply())) {
        read(&base, &body);
    }

    #[test]
    fn any_json_is_read_without_panicking(
        base in base(),
        reply in prop_oneof![3 => reply(), 1 => json()],
    ) {
        read(&base, &serde_json::to_vec(&reply).unwrap());
        if let Ok(image) = serde_json::from_value::<Image>(reply) {
            check(&base, &image);
        }
    }
}
