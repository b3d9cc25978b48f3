//! Whatever a prompt says, reading its parameters never panics and gives short, filled values.

use proptest::prelude::*;

use super::PromptParams;
use crate::proptest_support::{config, text, words, PROMPT};

fn prompt() -> BoxedStrategy<String> {
    prop_oneof![3 => words(PROMPT), 1 => text(), 1 => any::<String>()].boxed()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_prompt_is_read_without_panicking(prompt in prompt()) {
        let p = PromptParams::of(&prompt);
        // A ratio of two u64s at most, else a value clipped to 16 characters.
        prop_assert!(!p.aspect.is_empty() && p.aspect.chars().count() <= 41, "{:?}", p.aspect);
        prop_assert!(!p.aspect.contains(char::is_whitespace), "{:?}", p.aspect);
        prop_assert!(!p.model.is_empty() && p.model.chars().count() <= 21, "{:?}", p.model);
    }
}
