//! Names people can read in a file manager: `2026-11-30 a red bird on a branch U1.png`, the
//! job's number when a prompt repeats within an export, and ` (2)`, ` (3)`… when a name is
//! taken.

use std::collections::HashSet;

use super::metadata::{day, image_label, split_parameters};
use crate::job::{Job, Slot};

/// The prompt's share of a name, in characters…
const MAX_WORDS_CHARS: usize = 60;
/// …and in bytes, so that a name of emoji or CJK stays far below the 255 bytes file systems
/// allow, with room for the date, slot, suffix and extension.
const MAX_WORDS_BYTES: usize = 150;
/// Suffixes tried before giving up: a folder with this many clashes is not a normal one.
const MAX_SUFFIX: u32 = 10_000;

/// `2026-11-30 a red bird on a branch`: the job's UTC day and the first words of its prompt.
pub fn base_name(job: &Job) -> String {
    let words = prompt_words(&job.prompt);
    if words.is_empty() {
        format!("{} untitled", day(job.created_at))
    } else {
        format!("{} {words}", day(job.created_at))
    }
}

/// The stems an export has given its jobs. A prompt made twice (a Repeat, say) gives two
/// jobs the same stem, and numbering each file on its own would mix their files up
/// (`… U4 (2).png` beside `… grid (3).png`): the later job's stem carries its number in
/// the library instead (`2026-11-30 a red bird #42`), so each job's files keep one stem.
#[derive(Debug, Default)]
pub struct JobStems {
    given: HashSet<String>,
}

impl JobStems {
    pub fn stem(&mut self, job: &Job) -> String {
        let plain = base_name(job);
        let stem = if self.given.contains(&plain.to_lowercase()) {
            format!("{plain} #{}", job.id)
        } else {
            plain
        };
        self.given.insert(stem.to_lowercase());
        stem
    }
}

/// An image's name before any clash: `2026-11-30 a red bird on a branch U1.png`.
pub fn image_name(job: &Job, slot: Slot, extension: &str) -> String {
    format!("{} {}.{extension}", base_name(job), image_label(job, slot))
}

/// The first words of the prompt, without its parameters or image links, safe as a name on
/// every system: at most about 60 characters, whole words when they fit.
pub fn prompt_words(prompt: &str) -> String {
    let (text, _) = split_parameters(prompt);
    let cleaned: String = text
        .split_whitespace()
        .filter(|word| !word.contains("://"))
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .map(|c| if is_forbidden(c) { ' ' } else { c })
        .filter(|c| !is_invisible(*c))
        .collect();
    let mut out = String::new();
    for word in cleaned.split_whitespace() {
        let sep = usize::from(!out.is_empty());
        let fits = out.chars().count() + sep + word.chars().count() <= MAX_WORDS_CHARS
            && out.len() + sep + word.len() <= MAX_WORDS_BYTES;
        if fits {
            if sep == 1 {
                out.push(' ');
            }
            out.push_str(word);
        } else {
            if out.is_empty() {
                // One long word (a language written without spaces): as much of it as fits.
                out = clip(word);
            }
            break;
        }
    }
    // Windows drops a trailing dot or space from a name; a name should be what it says.
    out.trim_end_matches(['.', ' ']).to_owned()
}

fn clip(word: &str) -> String {
    let mut out = String::new();
    for c in word.chars().take(MAX_WORDS_CHARS) {
        if out.len() + c.len_utf8() > MAX_WORDS_BYTES {
            break;
        }
        out.push(c);
    }
    out
}

/// Characters Windows, macOS or Linux refuse in a name, and control characters.
fn is_forbidden(c: char) -> bool {
    matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control()
}

/// Characters that change how a name displays without showing: a right-to-left override
/// would make `gpj.exe` read as `exe.jpg`.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        | '\u{061C}' | '\u{FEFF}')
}

/// `name.ext`, then `name (2).ext`, `name (3).ext`…
pub fn numbered(stem: &str, extension: &str, n: u32) -> String {
    if n <= 1 {
        format!("{stem}.{extension}")
    } else {
        format!("{stem} ({n}).{extension}")
    }
}

/// The names an export has given, so two files never get the same one. Compared without
/// case: on macOS and Windows `A.png` and `a.png` are one file.
#[derive(Debug, Default)]
pub struct NameBook {
    taken: HashSet<String>,
}

impl NameBook {
    /// The first free name of `stem.extension`, `stem (2).extension`…, free meaning not given
    /// yet by this book and accepted by `take` (which tries to create the file, say).
    /// `Ok(None)` when every suffix is taken.
    pub fn claim<E>(
        &mut self,
        stem: &str,
        extension: &str,
        mut take: impl FnMut(&str) -> Result<bool, E>,
    ) -> Result<Option<String>, E> {
        for n in 1..=MAX_SUFFIX {
            let name = numbered(stem, extension, n);
            let key = name.to_lowercase();
            if self.taken.contains(&key) {
                continue;
            }
            if take(&name)? {
                self.taken.insert(key);
                return Ok(Some(name));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::test_support::job;
    use crate::job::{Enhancement, ParentImage};
    use crate::providers::EnhanceScale;

    #[test]
    fn a_name_is_the_day_the_first_words_and_the_slot() {
        let bird = job(7, "a red bird on a branch --ar 16:9 --v 7");
        assert_eq!(
            image_name(&bird, Slot::U1, "png"),
            "2026-11-30 a red bird on a branch U1.png"
        );
        assert_eq!(
            image_name(&bird, Slot::Grid, "webp"),
            "2026-11-30 a red bird on a branch grid.webp"
        );
        assert_eq!(base_name(&job(7, "--v 7")), "2026-11-30 untitled");
    }

    #[test]
    fn an_enhanced_picture_is_named_for_its_upscale_and_scale() {
        let mut enhanced = job(8, "a red bird");
        let parent = ParentImage {
            image_id: 3,
            job_id: 7,
            slot: Slot::U2,
        };
        enhanced.enhancement = Some(Enhancement {
            scale: EnhanceScale::X4,
            parent: Some(parent),
        });
        assert_eq!(
            image_name(&enhanced, Slot::Grid, "webp"),
            "2026-11-30 a red bird U2 enhanced 4x.webp"
        );
        // The upscale it came from was deleted since.
        enhanced.enhancement.as_mut().unwrap().parent = None;
        assert_eq!(
            image_name(&enhanced, Slot::Grid, "webp"),
            "2026-11-30 a red bird enhanced 4x.webp"
        );
    }

    #[test]
    fn names_hold_no_character_a_file_system_refuses() {
        let words = prompt_words(
            "https://s.mj.run/x.png a/b\\c: *what?* \"quoted\" <tag> a|b\ttab\u{7}bell \
             \u{202E}gnp.exe..  --no text",
        );
        assert_eq!(words, "a b c what quoted tag a b tab bell gnp.exe");
        for c in ['/', '\\', ':', '*', '?', '"', '<', '>', '|', '\u{202E}'] {
            assert!(!words.contains(c), "{c:?} in {words}");
        }
        assert_eq!(prompt_words("  trailing dots...  "), "trailing dots");
    }

    #[test]
    fn long_prompts_stop_at_a_whole_word_within_sixty_characters() {
        let words = prompt_words(&"lorem ipsum dolor sit amet ".repeat(10));
        assert_eq!(
            words,
            "lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem"
        );
        let one_word = prompt_words(&"x".repeat(500));
        assert_eq!(one_word.len(), 60);
    }

    #[test]
    fn non_latin_prompts_keep_their_letters() {
        assert_eq!(prompt_words("枝の上の赤い鳥 --ar 2:3"), "枝の上の赤い鳥");
        assert_eq!(
            prompt_words("красная птица на ветке"),
            "красная птица на ветке"
        );
        assert_eq!(prompt_words("طائر أحمر"), "طائر أحمر");
        let emoji = prompt_words(&"🐦".repeat(100));
        assert!(emoji.len() <= MAX_WORDS_BYTES && emoji.starts_with("🐦🐦"));
        let long_japanese = prompt_words(&"夕暮れの森で歌う小さな赤い鳥".repeat(10));
        assert_eq!(
            long_japanese.chars().count(),
            50,
            "150 bytes of 3-byte letters"
        );
    }

    #[test]
    fn a_repeated_prompt_gets_the_jobs_number_so_its_files_share_one_stem() {
        let mut stems = JobStems::default();
        assert_eq!(stems.stem(&job(7, "a red bird")), "2026-11-30 a red bird");
        assert_eq!(
            stems.stem(&job(8, "A red bird")),
            "2026-11-30 A red bird #8"
        );
        assert_eq!(
            stems.stem(&job(9, "a red bird --v 7")),
            "2026-11-30 a red bird #9"
        );
        assert_eq!(stems.stem(&job(10, "an owl")), "2026-11-30 an owl");
    }

    #[test]
    fn a_clash_gets_the_next_free_suffix_whatever_the_case() {
        let mut book = NameBook::default();
        let on_disk = ["x.png", "x (2).png"];
        let mut claim = |stem: &str| {
            book.claim(stem, "png", |name| Ok::<_, ()>(!on_disk.contains(&name)))
                .unwrap()
                .unwrap()
        };
        assert_eq!(claim("x"), "x (3).png");
        assert_eq!(claim("x"), "x (4).png", "x (3) is this export's already");
        assert_eq!(claim("y"), "y.png");
        assert_eq!(
            claim("Y"),
            "Y (2).png",
            "one file where case does not count"
        );
        let mut full = NameBook::default();
        assert_eq!(full.claim("z", "png", |_| Ok::<_, ()>(false)), Ok(None));
    }
}
