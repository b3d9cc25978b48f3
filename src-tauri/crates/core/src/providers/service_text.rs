//! Text that came from a service, made fit to store and show: a service may echo the request
//! (the token with it) or send a page where a sentence was expected.

/// A service's message is a sentence or two; more is a page or a dump.
pub const MAX_CHARS: usize = 300;
/// What a token echoed by the service is replaced with.
const HIDDEN: &str = "[your token]";

/// Tokens at least this long are hidden wherever they appear, even inside a longer word.
const LONG_TOKEN: usize = 8;

/// `text` with every copy of `token` hidden.
///
/// A long token is hidden wherever it appears: nothing ordinary contains it. A short one
/// (a test key, a typo'd paste) would also match inside ordinary words ("abc" in "abcdef"),
/// so it is hidden where it stands on its own: between characters that cannot be part of a
/// token (spaces, quotes, `=`, `:`, brackets, the ends of the text). That is where an echoed
/// header or query puts it (`Bearer abc`, `'abc'`, `token=abc&`).
pub fn hide_token(text: &str, token: &str) -> String {
    if token.is_empty() {
        return text.to_owned();
    }
    if token.chars().count() >= LONG_TOKEN {
        return text.replace(token, HIDDEN);
    }
    let mut shown = String::with_capacity(text.len());
    let mut copied = 0;
    for (at, _) in text.match_indices(token) {
        let end = at + token.len();
        if !stands_alone(text, at, end) {
            continue;
        }
        shown.push_str(&text[copied..at]);
        shown.push_str(HIDDEN);
        copied = end;
    }
    shown.push_str(&text[copied..]);
    shown
}

/// Nothing that could continue a token touches `text[at..end]` on either side.
fn stands_alone(text: &str, at: usize, end: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(token_char) && !after.is_some_and(token_char)
}

/// What tokens are made of: letters, digits and the usual separators inside keys.
fn token_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '+' | '/')
}

/// On one line, at most `max` characters, with an ellipsis when cut.
pub fn clip(text: &str, max: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(max) {
        None => line,
        Some((at, _)) => format!("{}…", line[..at].trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_echoed_token_is_hidden_wherever_it_appears() {
        let token = "sk-live-123456789";
        let echoed = format!("Bad header 'Bearer {token}' (token {token})");
        let shown = hide_token(&echoed, token);
        assert!(!shown.contains(token), "{shown}");
        assert_eq!(
            shown,
            "Bad header 'Bearer [your token]' (token [your token])"
        );
        assert_eq!(hide_token("no tokens here", "short"), "no tokens here");
    }

    #[test]
    fn a_short_token_is_hidden_where_it_stands_alone() {
        assert_eq!(
            hide_token("Bad header 'Bearer abc1' (token=abc1&x=1)", "abc1"),
            "Bad header 'Bearer [your token]' (token=[your token]&x=1)"
        );
        assert_eq!(hide_token("abc1", "abc1"), "[your token]");
        assert_eq!(hide_token("\"k\": \"7\"", "7"), "\"k\": \"[your token]\"");
        // Inside ordinary words and longer keys it is left alone.
        assert_eq!(
            hide_token("abc10 xabc1 abc1-2", "abc1"),
            "abc10 xabc1 abc1-2"
        );
        assert_eq!(hide_token("anything", ""), "anything");
    }

    #[test]
    fn long_text_becomes_one_clipped_line() {
        assert_eq!(clip("  two\n\tlines  ", 300), "two lines");
        let long = "é".repeat(1000);
        let clipped = clip(&long, MAX_CHARS);
        assert_eq!(clipped.chars().count(), MAX_CHARS + 1);
        assert!(clipped.ends_with('…'));
    }
}

#[cfg(test)]
#[path = "service_text_proptests.rs"]
mod proptests;
