//! Any error body (JSON of any shape, HTML, plain text, broken bytes) with any status maps to
//! an error without panicking, and its detail stays short.

use std::time::Duration;

use proptest::prelude::*;
use reqwest::StatusCode;
use serde_json::Value;

use super::{classify, html_title};
use crate::proptest_support::{bytes, config, json, mostly, object, text};
use crate::providers::service_text::MAX_CHARS;
use crate::providers::ProviderError;

fn message() -> BoxedStrategy<Value> {
    mostly(text().prop_map(Value::from).boxed())
}

/// Directus `errors[0]`, Laravel `message`, a bare `error`, and mixtures.
fn json_body() -> BoxedStrategy<Value> {
    let code =
        prop::sample::select(&["INVALID_TOKEN", "TOKEN_EXPIRED", "REQUESTS_EXCEEDED", ""][..])
            .prop_map(Value::from);
    let directus = object(vec![
        ("message", message()),
        (
            "extensions",
            mostly(object(vec![("code", mostly(code.boxed()))])),
        ),
    ]);
    object(vec![
        (
            "errors",
            mostly(
                prop::collection::vec(directus, 0..3)
                    .prop_map(Value::Array)
                    .boxed(),
            ),
        ),
        ("message", message()),
        ("error", message()),
    ])
}

/// HTML pages, with the title tag in any case, unclosed, or missing, amid any text.
fn html_body() -> BoxedStrategy<String> {
    let open = prop::sample::select(&["<title>", "<TITLE>", "<Title>", "<title >", ""][..]);
    let close = prop::sample::select(&["</title>", "</TITLE>", "</title", ""][..]);
    (text(), open, text(), close, text())
        .prop_map(|(before, open, title, close, after)| {
            format!("<!DOCTYPE html>{before}{open}{title}{close}{after}")
        })
        .boxed()
}

fn body() -> BoxedStrategy<String> {
    let lossy = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    prop_oneof![
        3 => json_body().prop_map(|v| v.to_string()),
        2 => html_body(),
        1 => text(),
        2 => bytes(prop_oneof![json_body(), json()].boxed()).prop_map(lossy),
    ]
    .boxed()
}

fn detail(e: &ProviderError) -> Option<&str> {
    match e {
        ProviderError::Unauthorized { detail, .. }
        | ProviderError::Forbidden { detail, .. }
        | ProviderError::QuotaReached { detail, .. }
        | ProviderError::Rejected { detail, .. } => Some(detail),
        _ => None,
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_error_body_is_classified_without_panicking(
        status in prop_oneof![400u16..600, 100u16..1000],
        retry in prop::option::of(any::<u64>()),
        body in body(),
    ) {
        let status = StatusCode::from_u16(status).unwrap();
        let e = classify("Svc", status, retry.map(Duration::from_secs), &body);
        if let Some(detail) = detail(&e) {
            prop_assert!(!detail.is_empty());
            prop_assert!(detail.chars().count() <= MAX_CHARS + 1, "{detail:?}");
        }
        let _ = (e.to_string(), e.is_transient(), e.is_auth(), e.retry_after());
        if let Some(title) = html_title(&body) {
            prop_assert!(!title.is_empty() && title.chars().count() <= MAX_CHARS + 1);
        }
    }
}
