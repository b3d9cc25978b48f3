//! Service text is made fit to show whatever it holds.

use proptest::prelude::*;

use super::{clip, hide_token};
use crate::proptest_support::{config, text};

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_text_is_clipped_to_one_short_line(text in text(), max in 0usize..400) {
        let line = clip(&text, max);
        prop_assert!(line.chars().count() <= max + 1, "{line:?}");
        prop_assert!(!line.chars().any(|c| c.is_whitespace() && c != ' '), "{line:?}");
    }

    #[test]
    fn any_token_is_hidden_wherever_it_appears(
        token in prop_oneof!["[A-Za-z0-9_-]{8,40}", text()],
        parts in prop::collection::vec((text(), any::<bool>()), 0..6),
    ) {
        let text: String = parts
            .iter()
            .map(|(t, with)| if *with { format!("{t}{token}") } else { t.clone() })
            .collect();
        let shown = hide_token(&text, &token);
        // A token of letters and digits cannot be rebuilt from "[your token]" and its
        // neighbours, so none is left.
        let plain = token.len() >= 8 && token.chars().all(|c| c.is_ascii_alphanumeric());
        prop_assert!(!plain || !shown.contains(token.as_str()), "{shown:?}");
    }
}
