//! The Demo provider reads prompts and its own job ids without panicking, whatever they hold.

use proptest::prelude::*;

use super::{art, aspect_of, JobId};
use crate::proptest_support::{config, text, words, PROMPT};

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_prompt_gives_a_picture_size(prompt in prop_oneof![words(PROMPT), text()]) {
        let (w, h) = aspect_of(&prompt);
        prop_assert!(w > 0 && h > 0);
        let (w, h) = art::size_for((w, h));
        prop_assert!((2..=art::LONG_SIDE).contains(&w) && (2..=art::LONG_SIDE).contains(&h));
        prop_assert!(w % 2 == 0 && h % 2 == 0);
    }

    #[test]
    fn any_job_id_is_read_without_panicking(
        id in text(),
        started_ms in 0i64..=i64::MAX,
        seed in any::<u32>(),
        prompt in prop_oneof![words(PROMPT), text()],
        tint in proptest::option::of(any::<[u8; 3]>()),
    ) {
        let _ = JobId::decode(&id);
        let back = JobId::decode(&JobId { started_ms, seed, tint, prompt: prompt.clone() }.encode());
        let back = back.expect("an encoded id decodes");
        prop_assert_eq!(
            (back.started_ms, back.seed, back.tint, back.prompt),
            (started_ms, seed, tint, prompt)
        );
    }
}
