//! Whatever a person types into search, the query it becomes runs: no panic, no SQL error.

use std::sync::OnceLock;

use proptest::prelude::*;

use super::test_support::{demo, search, seed, T0};
use super::Store;
use crate::library::{fts_query, fts_text};
use crate::proptest_support::{config, text, words, PROMPT};

/// What search text is made of: prompt words, FTS5 syntax, quotes and punctuation.
#[rustfmt::skip]
const TYPED: &[&str] = &[
    "\"", "\"\"", "'", "*", "^", "-", "--", "+", "(", ")", ":", "OR", "AND", "NOT", "NEAR", "NEAR(",
    "a", "fo", "fox", "red", "\"red fox", "col:", "{a b}", "\\", "\u{0}", "猫", "の", "ｶ", "𠀀",
    "café", "",
];

fn store() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(|| {
        let store = Store::open_in_memory().unwrap();
        let account = demo(&store);
        let prompts = [
            "a red fox in the snow --ar 16:9 --v 6",
            "猫の絵, watercolor --niji 6",
            "un café à Paris — 100% \"quoted\" (weird): OR NOT NEAR",
        ];
        let jobs: Vec<(&str, i64)> = prompts.iter().zip(0..).map(|(p, i)| (*p, T0 + i)).collect();
        seed(&store, &account, &jobs);
        store
    })
}

fn typed() -> BoxedStrategy<String> {
    prop_oneof![
        2 => words(TYPED),
        2 => words(PROMPT),
        1 => text(),
        1 => any::<String>(),
    ]
    .boxed()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_search_text_runs_as_a_query(typed in typed()) {
        let _ = fts_text(&typed);
        if let Some(q) = fts_query(&typed) {
            prop_assert!(q.matches('"').count() % 2 == 0, "{q:?}");
        }
        let page = store().page(&search(&typed), None, 10);
        prop_assert!(page.is_ok(), "{typed:?} → {:?}: {:?}", fts_query(&typed), page.err());
    }
}
