//! The parameters the library files a job under, read from its prompt: the aspect ratio and
//! the model. Midjourney's own reading is final; this only sorts the history.

/// What a prompt asked for, in the form the library stores and filters by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptParams {
    /// Like "16:9" (as written: 21:9 stays 21:9, the name people know); "1:1" when the prompt
    /// does not say (Midjourney's default); the value as typed when it is not a ratio of whole
    /// numbers.
    pub aspect: String,
    /// "v6.1", "niji 6" or "niji"; "default" when the prompt names none.
    pub model: String,
}

/// Longest value kept as typed: a stored filter value, not a place for a paragraph.
const MAX_VALUE: usize = 16;

impl PromptParams {
    pub fn of(prompt: &str) -> PromptParams {
        let mut aspect = None;
        let mut model = None;
        let mut words = prompt.split_whitespace().peekable();
        while let Some(word) = words.next() {
            let Some(name) = word.strip_prefix("--") else {
                continue;
            };
            let value = words.next_if(|w| !w.starts_with("--"));
            match name.to_ascii_lowercase().as_str() {
                "ar" | "aspect" if aspect.is_none() => aspect = value.map(ratio),
                "v" | "version" if model.is_none() => {
                    model = value.map(|v| format!("v{}", clip(v)));
                }
                "niji" if model.is_none() => {
                    model = Some(value.map_or("niji".into(), |v| format!("niji {}", clip(v))));
                }
                _ => {}
            }
        }
        PromptParams {
            aspect: aspect.unwrap_or_else(|| "1:1".into()),
            model: model.unwrap_or_else(|| "default".into()),
        }
    }
}

/// "016:09" → "16:9"; anything that is not two whole numbers above zero is kept as typed.
fn ratio(value: &str) -> String {
    let parsed = value
        .split_once(':')
        .and_then(|(w, h)| Some((w.parse::<u64>().ok()?, h.parse::<u64>().ok()?)));
    match parsed {
        Some((w, h)) if w > 0 && h > 0 => format!("{w}:{h}"),
        _ => clip(value),
    }
}

fn clip(value: &str) -> String {
    value.chars().take(MAX_VALUE).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(prompt: &str) -> (String, String) {
        let p = PromptParams::of(prompt);
        (p.aspect, p.model)
    }

    #[test]
    fn reads_the_seed_prompts() {
        assert_eq!(
            of("a pretty lady at the beach --ar 9:21 --chaos 40 --stylize 1000"),
            ("9:21".into(), "default".into())
        );
        assert_eq!(
            of("Cats and dogs with lightsabers --ar 16:9 --v 5"),
            ("16:9".into(), "v5".into())
        );
    }

    #[test]
    fn defaults_aliases_and_the_first_mention_win() {
        assert_eq!(of("a fox"), ("1:1".into(), "default".into()));
        assert_eq!(
            of("a fox --aspect 016:09 --version 6.1"),
            ("16:9".into(), "v6.1".into())
        );
        assert_eq!(
            of("a fox --niji 6 --v 7 --ar 2:3 --ar 1:1"),
            ("2:3".into(), "niji 6".into())
        );
        assert_eq!(of("a fox --niji --ar 3:2"), ("3:2".into(), "niji".into()));
        assert_eq!(of("a fox --AR 4:3 --V 7"), ("4:3".into(), "v7".into()));
    }

    #[test]
    fn odd_values_are_kept_as_typed_and_short() {
        assert_eq!(of("x --ar 1.5:1").0, "1.5:1");
        assert_eq!(of("x --ar 0:9").0, "0:9");
        assert_eq!(of("x --ar --v 6"), ("1:1".into(), "v6".into()));
        assert_eq!(of(&format!("x --ar {}", "9".repeat(50))).0.len(), MAX_VALUE);
        assert_eq!(of("x --ar 99999999999999999999:1").0, "9999999999999999");
    }
}

#[cfg(test)]
#[path = "params_proptests.rs"]
mod proptests;
