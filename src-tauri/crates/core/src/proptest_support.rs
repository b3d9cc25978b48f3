//! What the property tests share: their configuration, and text, bytes and JSON like what
//! services send and people type (valid, nearly valid, and not at all).

use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// Cases per property: `PROPTEST_CASES` when set, else 100,000.
pub fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(100_000)
}

/// [`cases`] cases, and no failure files written into the source tree.
pub fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Strings that tend to find edges: empty, blank, numeric-looking, markup, odd Unicode.
#[rustfmt::skip]
const ODD: &[&str] = &[
    "", " ", "\t\n", "None", "null", "0", "-1", "45%", " 7.6 % ", "NaN", "inf", "-inf", "1e309",
    "-0", "18446744073709551616", "%", "--", ":", "\"", "\\", "<title>", "</title>", "http://",
    "https://", "//", "/assets/x.png", "../..", "javascript:alert(1)", "data:,x", "é", "—", "\u{0}",
    "\u{200b}", "\u{feff}", "\u{10ffff}", "猫", "🦊", "İ",
];

/// Short text: odd fragments and arbitrary characters, joined.
pub fn text() -> BoxedStrategy<String> {
    let piece = prop_oneof![
        prop::sample::select(ODD).prop_map(str::to_owned),
        prop::collection::vec(any::<char>(), 0..8).prop_map(String::from_iter),
        "[a-zA-Z0-9 ._:/-]{0,12}",
    ];
    prop_oneof![
        8 => prop::collection::vec(piece, 0..5).prop_map(|p| p.concat()),
        1 => (0usize..2000, prop::sample::select(&["a", "é", " ", "猫", "<"][..]))
            .prop_map(|(n, s)| s.repeat(n)),
    ]
    .boxed()
}

/// Numbers JSON can hold: small and huge, negative, fractional, at the edges.
pub fn number() -> BoxedStrategy<Value> {
    prop_oneof![
        (-200i64..300).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop::sample::select(&[u64::MAX, u32::MAX as u64, u32::MAX as u64 + 1, 255, 256][..])
            .prop_map(Value::from),
        (-300.0f64..300.0).prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(&[1e308, -1e308, f64::MIN_POSITIVE, -0.0, 99.5, 100.49, 0.5][..])
            .prop_map(Value::from),
    ]
    .boxed()
}

/// Addresses as services write them: absolute, relative, other schemes, broken.
#[rustfmt::skip]
const ADDRESSES: &[&str] = &[
    "https://cl.imagineapi.dev/assets/a/b.png", "https://cdn.ai-client.com/u/8a0ec264.png",
    "http://[::1]:8055/assets/x.webp", "/assets/p/p.webp", "p.webp", "//other.host/x.png",
    "../../x.png", "ftp://host/x.png", "file:///etc/passwd", "javascript:alert(1)", "https://",
    "http://a b/c", "https://ex.com/%zz?x#y", " https://cdn.example/é.png ",
];

/// Any of [`ADDRESSES`], other text, or null.
pub fn address() -> BoxedStrategy<Value> {
    let known = prop::sample::select(ADDRESSES);
    prop_oneof![
        3 => known.prop_map(Value::from),
        1 => text().prop_map(Value::from),
        1 => Just(Value::Null),
    ]
    .boxed()
}

/// A percentage as services write it: a number, a numeric string, maybe with `%`, or junk.
pub fn percent() -> BoxedStrategy<Value> {
    prop_oneof![
        number(),
        (
            -1000.0f64..1000.0,
            prop::sample::select(&["", "%", " %", "% "][..])
        )
            .prop_map(|(n, s)| Value::from(format!("{n}{s}"))),
        text().prop_map(Value::from),
    ]
    .boxed()
}

/// What prompts are made of, and what a person might mistype.
#[rustfmt::skip]
pub const PROMPT: &[&str] = &[
    "a", "fox", "--ar", "--AR", "--aspect", "16:9", "0:9", "9:0", "1.5:1", ":", "::", "1::2", ":16",
    "16:", "016:09", "-1:2", "99999999999999999999:1", "18446744073709551615:1", "--v", "--V",
    "--version", "6.1", "--niji", "--niji6", "6", "--", "-", "—", "—ar", "–v", "--chaos", "40",
    "--no", "::2", "--ar16:9", "猫の絵", "🦊", "é", "İ", "\u{200b}", "\u{0}",
];

/// Object keys: the names the wire formats use, and anything else.
pub fn key() -> BoxedStrategy<String> {
    #[rustfmt::skip]
    const NAMES: &[&str] = &[
        "data", "id", "status", "progress", "url", "upscaled_urls", "error", "ref", "guid", "type",
        "content", "waiting_response", "credits", "state", "percent", "images", "errors", "message",
        "extensions", "code", "bot_status",
    ];
    prop_oneof![
        3 => prop::sample::select(NAMES).prop_map(str::to_owned),
        1 => text(),
    ]
    .boxed()
}

/// Any JSON value, nested a few levels.
pub fn json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
    .boxed()
}

/// `plausible` values most of the time, any JSON value otherwise.
pub fn mostly(plausible: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
    prop_oneof![6 => plausible, 1 => json()].boxed()
}

/// An object with the given fields, each present most of the time, sometimes with an extra
/// field: the shape a parser expects, with whatever values the field strategies give.
pub fn object(fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
    let fields: Vec<_> = fields
        .into_iter()
        .map(|(name, value)| prop::option::weighted(0.85, value.prop_map(move |v| (name, v))))
        .collect();
    (fields, prop::option::weighted(0.2, (key(), json())))
        .prop_map(|(fields, extra)| {
            let mut map = Map::new();
            if let Some((k, v)) = extra {
                map.insert(k, v);
            }
            for (k, v) in fields.into_iter().flatten() {
                map.insert(k.to_owned(), v);
            }
            Value::Object(map)
        })
        .boxed()
}

/// A value, usually inside `{"data": …}` as the services send it.
pub fn enveloped(value: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
    prop_oneof![
        4 => value.clone().prop_map(|v| serde_json::json!({ "data": v })),
        1 => value,
    ]
    .boxed()
}

/// Bytes of a reply: arbitrary ones, or `near`'s JSON text cut short or with a byte changed,
/// which is what a truncated or corrupted reply looks like.
pub fn bytes(near: BoxedStrategy<Value>) -> BoxedStrategy<Vec<u8>> {
    let mangled =
        (near, any::<prop::sample::Index>(), any::<u8>(), 0..3u8).prop_map(|(v, at, byte, how)| {
            let mut b = serde_json::to_vec(&v).expect("a Value always serializes");
            let i = at.index(b.len() + 1);
            match how {
                0 => b.truncate(i),
                1 => b.insert(i, byte),
                _ if i < b.len() => b[i] = byte,
                _ => b.push(byte),
            }
            b
        });
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..256),
        3 => mangled,
    ]
    .boxed()
}

/// A string from the given pieces and arbitrary text, joined by single spaces or none.
pub fn words(pieces: &'static [&'static str]) -> BoxedStrategy<String> {
    let piece = prop_oneof![
        4 => prop::sample::select(pieces).prop_map(str::to_owned),
        1 => text(),
        1 => any::<u64>().prop_map(|n| n.to_string()),
    ];
    prop::collection::vec(
        (piece, prop::sample::select(&[" ", " ", "", "\t", "  "][..])),
        0..12,
    )
    .prop_map(|p| p.into_iter().flat_map(|(w, s)| [w, s.to_owned()]).collect())
    .boxed()
}

/// A real reply with a few of its values, at any depth, replaced by any JSON or removed: the
/// nearest to valid a reply gets without being one the parser has seen.
pub fn mutated(samples: &'static [&'static str]) -> BoxedStrategy<Value> {
    let edit = (
        any::<prop::sample::Index>(),
        prop::option::weighted(0.8, json()),
    );
    (
        prop::sample::select(samples),
        prop::collection::vec(edit, 0..4),
    )
        .prop_map(|(sample, edits)| {
            let mut v: Value = serde_json::from_str(sample).expect("samples are JSON");
            for (at, new) in edits {
                let below = count(&v) - 1;
                if below > 0 {
                    replace(&mut v, &mut at.index(below), &mut Some(new));
                }
            }
            v
        })
        .boxed()
}

fn count(v: &Value) -> usize {
    1 + match v {
        Value::Array(items) => items.iter().map(count).sum(),
        Value::Object(map) => map.values().map(count).sum(),
        _ => 0,
    }
}

/// Replaces the `k`th value below `v` (in pre-order) by `new`'s value, or removes it when
/// that is `None`. True once done.
fn replace(v: &mut Value, k: &mut usize, new: &mut Option<Option<Value>>) -> bool {
    let children: Vec<&mut Value> = match v {
        Value::Array(items) => items.iter_mut().collect(),
        Value::Object(map) => map.values_mut().collect(),
        _ => return false,
    };
    for (i, child) in children.into_iter().enumerate() {
        if *k == 0 {
            match new.take().flatten() {
                Some(value) => *child = value,
                None => remove(v, i),
            }
            return true;
        }
        *k -= 1;
        if replace(child, k, new) {
            return true;
        }
    }
    false
}

fn remove(v: &mut Value, i: usize) {
    match v {
        Value::Array(items) => {
            items.remove(i);
        }
        Value::Object(map) => {
            let key = map.keys().nth(i).cloned().expect("the key was just seen");
            map.remove(&key);
        }
        _ => {}
    }
}
