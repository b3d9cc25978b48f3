//! The lenient readers take any JSON value without panicking.

use proptest::prelude::*;
use serde::Deserialize;
use serde_json::Value;

use super::{error_text, percent_from};
use crate::proptest_support::{bytes, config, json, object, percent};

#[derive(Deserialize)]
struct Progress {
    #[serde(default, deserialize_with = "super::percent")]
    #[allow(dead_code)]
    progress: Option<u8>,
}

fn value() -> BoxedStrategy<Value> {
    prop_oneof![
        percent(),
        object(vec![("message", json()), ("progress", percent())]),
        json(),
    ]
    .boxed()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_value_is_read_without_panicking(v in value(), body in bytes(value())) {
        prop_assert!(percent_from(&v).is_none_or(|p| p <= 100));
        if let Some(text) = error_text(&v) {
            prop_assert!(!text.is_empty());
        }
        let _ = serde_json::from_value::<Progress>(v);
        let _ = serde_json::from_slice::<Progress>(&body);
    }
}
