//! Full-text search over prompts. The index is SQLite FTS5 (unicode61, diacritics removed);
//! what a person types is turned into a query FTS5 cannot misread, so punctuation, quotes and
//! `--params` never raise an SQL error. What the index cannot hold (emoji, symbols) is
//! matched in the prompt as typed.

/// Most terms a search uses; more add nothing a person would notice but cost.
const MAX_TERMS: usize = 16;

/// The text the index holds for a prompt. Chinese and Japanese are written without spaces, so
/// each of their characters is set apart to be a word of its own: "猫の絵" is then found by
/// "猫の" as a phrase. Other scripts index as they are.
pub fn fts_text(prompt: &str) -> String {
    let mut out = String::with_capacity(prompt.len());
    for c in prompt.chars() {
        if is_cjk(c) {
            out.push(' ');
            out.push(c);
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// An FTS5 query for what was typed: every term must occur; a bare word matches as a prefix
/// ("light" finds "lighthouse"), a "quoted phrase" and a `--param` match exactly. A bare
/// single letter is left out: it is a word being typed, and as a prefix it matches nearly
/// everything. `None` when nothing searchable was typed.
pub fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = terms(input)
        .into_iter()
        .filter_map(|(term, exact)| quote(&term, exact))
        .take(MAX_TERMS)
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The terms the index cannot hold: emoji and other symbols, which its tokenizer drops as
/// separators. Each must occur in the prompt as typed, so a search of only "🦊" finds the
/// prompts with a fox emoji instead of every job.
pub fn literal_terms(input: &str) -> Vec<String> {
    terms(input)
        .into_iter()
        .map(|(term, _)| term.replace('\0', ""))
        .filter(|term| !term.trim().is_empty() && !term.chars().any(char::is_alphanumeric))
        .take(MAX_TERMS)
        .collect()
}

/// Splits typed text into (term, exact) pairs: quoted phrases (an unclosed quote runs to the
/// end) and bare words.
fn terms(input: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
            out.push((phrase, true));
        } else {
            let mut word = String::new();
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                word.push(c);
            }
            let exact = word.starts_with("--");
            out.push((word, exact));
        }
    }
    out
}

/// One term as an FTS5 string (its own tokenizer splits it into a phrase), or `None` when it
/// holds nothing the index could contain (only punctuation, say).
fn quote(term: &str, exact: bool) -> Option<String> {
    // FTS5 reads its query as a C string: a NUL would end it inside the quotes.
    let text = fts_text(term).replace('\0', " ");
    let mut letters = text.chars().filter(|c| c.is_alphanumeric());
    let first = letters.next()?;
    if !exact && letters.next().is_none() && !is_cjk(first) {
        return None;
    }
    let star = if exact { "" } else { "*" };
    Some(format!("\"{}\"{star}", text.replace('"', "\"\"")))
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF       // hiragana, katakana
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xF900..=0xFAFF     // compatibility ideographs
        | 0xFF66..=0xFF9D     // half-width katakana
        | 0x20000..=0x3FFFF) // CJK extensions B and on
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_prefixes_and_phrases_are_exact() {
        assert_eq!(fts_query("red fox").unwrap(), r#""red"* "fox"*"#);
        assert_eq!(
            fts_query(r#""red fox" at dusk"#).unwrap(),
            r#""red fox" "at"* "dusk"*"#
        );
        assert_eq!(
            fts_query(r#"an "open phrase"#).unwrap(),
            r#""an"* "open phrase""#
        );
    }

    #[test]
    fn params_punctuation_and_quotes_are_harmless() {
        assert_eq!(fts_query("--ar 16:9").unwrap(), r#""--ar" "16:9"*"#);
        assert_eq!(fts_query(r#"sci-fi"#).unwrap(), r#""sci-fi"*"#);
        assert_eq!(fts_query(r#"a"b"#).unwrap(), r#""a""b"*"#);
        assert_eq!(fts_query("a\0b").unwrap(), r#""a b"*"#);
        assert_eq!(fts_query("  ( ) * : -- \"\" "), None);
        assert_eq!(fts_query(""), None);
        assert_eq!(
            fts_query("NEAR(ab cd) OR NOT")
                .unwrap()
                .matches('*')
                .count(),
            4
        );
    }

    #[test]
    fn a_lone_letter_being_typed_is_left_out_but_not_a_quoted_one() {
        assert_eq!(fts_query("f"), None);
        assert_eq!(fts_query("fox a").unwrap(), r#""fox"*"#);
        assert_eq!(fts_query("\"a\" fox").unwrap(), r#""a" "fox"*"#);
        assert_eq!(fts_query("猫").unwrap(), "\" 猫 \"*");
    }

    #[test]
    fn chinese_and_japanese_characters_are_words_of_their_own() {
        assert_eq!(fts_text("猫の絵 cat"), " 猫  の  絵  cat");
        assert_eq!(fts_query("猫の").unwrap(), "\" 猫  の \"*");
        assert_eq!(fts_text("Кошка на крыше"), "Кошка на крыше");
    }

    #[test]
    fn symbols_and_emoji_are_matched_as_typed() {
        assert_eq!(fts_query("🦊"), None);
        assert_eq!(literal_terms("🦊"), ["🦊"]);
        assert_eq!(literal_terms("fox 🦊 \"🌙 ✨\" ::"), ["🦊", "🌙 ✨", "::"]);
        assert_eq!(fts_query("fox 🦊").unwrap(), r#""fox"*"#);
        assert!(literal_terms("red fox f \"\" \"  \"").is_empty());
        assert!(literal_terms("\u{0}").is_empty());
    }

    #[test]
    fn long_input_is_capped() {
        let many = "word ".repeat(100);
        assert_eq!(fts_query(&many).unwrap().matches('*').count(), MAX_TERMS);
    }
}
