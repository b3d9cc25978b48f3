//! Text that came from a service, made fit to store and show: a service may echo the request
//! (the token with it) or send a page where a sentence was expected.

/// A service's message is a sentence or two; more is a page or a dump.
pub const MAX_CHARS: usize = 300;
/// What a token echoed by the service is replaced with.
const HIDDEN: &str = "[your token]";

/// `text` with every copy of `token` hidden.
pub fn hide_token(text: &str, token: &str) -> String {
    // A token this short would hide ordinary words; no real service issues one.
    if token.len() < 8 {
        return text.to_owned();
    }
    text.replace(token, HIDDEN)
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
