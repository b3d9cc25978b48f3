//! The user's service settings: which address to talk to, and whether a token is in the
//! keychain. The token itself never appears here.

use serde::Serialize;

use crate::providers::ProviderKind;

/// The keychain account name for a provider's token.
pub fn token_account(kind: ProviderKind) -> String {
    format!("{}:default", kind.as_str())
}

pub fn base_url_key(kind: ProviderKind) -> String {
    format!("{}.base_url", kind.as_str())
}

/// What the settings screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderSettings {
    pub provider: ProviderKind,
    pub display_name: &'static str,
    pub base_url: String,
    pub default_base_url: &'static str,
    pub token_set: bool,
}

/// Trims a pasted token and refuses what cannot be one (empty, or with spaces or line breaks
/// inside, which usually means something else was pasted along with it).
pub fn clean_token(raw: &str) -> Result<&str, String> {
    let token = raw.trim();
    let token = token
        .strip_prefix("Bearer ")
        .map(str::trim)
        .unwrap_or(token);
    if token.is_empty() {
        return Err("Paste a token first.".into());
    }
    if token.chars().any(char::is_whitespace) {
        return Err("A token has no spaces or line breaks: check what was pasted.".into());
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_trimmed_and_checked() {
        assert_eq!(clean_token("  abc-123\n"), Ok("abc-123"));
        assert_eq!(clean_token("Bearer abc"), Ok("abc"));
        assert!(clean_token("   ").is_err());
        assert!(clean_token("abc def").is_err());
    }
}
