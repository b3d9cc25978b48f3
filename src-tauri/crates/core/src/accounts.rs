//! Accounts: one service address and one keychain token each. The built-in Demo account needs
//! neither and cannot be deleted, so a fresh install always has something that works.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::providers::{Capabilities, ProviderKind};
use crate::secrets::Secret;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Account {
    pub id: i64,
    pub provider: ProviderKind,
    pub label: String,
    /// Empty for providers that have no address (Demo).
    pub base_url: String,
    /// Set when the service rejected the token; cleared when a new one is pasted.
    pub token_problem: Option<String>,
    /// The person confirmed that this plain `http://` address on another machine may be used.
    pub allow_unencrypted: bool,
    /// How its service wants to be spoken to, where it can be asked more than one way
    /// (midjourney-proxy); the default for the others.
    pub options: AccountOptions,
}

/// An account's choices beyond its address and secret. Stored as JSON, so a choice added
/// later reads as its default in older rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct AccountOptions {
    pub auth: AuthStyle,
    /// The speed mode the jobs are sent with, where the server offers the mode routes; none:
    /// the server's own choice.
    pub speed: Option<SpeedMode>,
}

/// How the secret goes to a midjourney-proxy server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AuthStyle {
    /// `mj-api-secret: <secret>`: self-hosted servers.
    #[default]
    MjApiSecret,
    /// `Authorization: Bearer <secret>`: relays built on one-api or new-api.
    Bearer,
    /// A server run with no secret: none is kept or sent.
    NoSecret,
}

/// midjourney-proxy's speed modes, one route prefix each (`/mj-fast/…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SpeedMode {
    Fast,
    Relax,
    Turbo,
}

impl Account {
    /// Whether a token is asked for and kept: not for Demo, nor for a server run without one.
    pub fn needs_token(&self) -> bool {
        self.provider.needs_token() && self.options.auth != AuthStyle::NoSecret
    }

    /// The keychain entry that holds this account's token.
    pub fn keychain_name(&self) -> String {
        format!("account:{}", self.id)
    }
}

/// An account's address as stored: normalized, and whether the person allowed it unencrypted
/// (only ever true for a plain `http://` address on another machine).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub url: String,
    pub allow_unencrypted: bool,
}

impl Address {
    /// An address already known to be fine (tests, and the Demo account's empty one).
    pub fn checked(url: &str) -> Self {
        Address {
            url: url.to_owned(),
            allow_unencrypted: false,
        }
    }
}

/// What the settings screen and prompt bar show about an account.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AccountView {
    #[serde(flatten)]
    pub account: Account,
    pub provider_name: &'static str,
    pub default_base_url: &'static str,
    pub needs_token: bool,
    /// What its service can do beyond making images (Enhance, Import): the UI offers only these.
    pub capabilities: Capabilities,
    pub token_set: bool,
    pub active: bool,
}

/// What to do with an account's jobs when it is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum HistoryChoice {
    /// Keep them in the gallery, labelled with the deleted account's name.
    Keep,
    /// Remove them and their image files.
    Delete,
}

/// Text pasted from a web page or a password manager, without the spaces and invisible
/// characters (zero-width space, byte-order mark) that come along with it.
pub fn trim_pasted(raw: &str) -> &str {
    raw.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}'))
}

/// A label a person typed: trimmed, not empty, not absurdly long.
pub fn clean_label(raw: &str) -> Result<String, String> {
    let label = trim_pasted(raw);
    if label.is_empty() {
        return Err("Give the account a name.".into());
    }
    Ok(label.chars().take(60).collect())
}

/// Trims a pasted token and refuses what cannot be one (empty, or with spaces or line breaks
/// inside, which usually means something else was pasted along with it). What comes back is
/// still a `Secret`: the token is exposed only where the keychain writes it.
pub fn clean_token(raw: &Secret) -> Result<Secret, String> {
    let token = trim_pasted(raw.expose());
    let token = token
        .strip_prefix("Bearer ")
        .map(trim_pasted)
        .unwrap_or(token);
    if token.is_empty() {
        return Err("Paste a token first.".into());
    }
    if token.chars().any(char::is_whitespace) {
        return Err("A token has no spaces or line breaks: check what was pasted.".into());
    }
    Ok(Secret::new(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_trimmed_and_checked() {
        let clean = |raw: &str| clean_token(&raw.into()).map(|t| t.expose().to_owned());
        assert_eq!(clean("  abc-123\n"), Ok("abc-123".into()));
        assert_eq!(clean("Bearer abc"), Ok("abc".into()));
        assert_eq!(
            clean("\u{FEFF}\u{200B} abc\u{00A0}\u{200B}"),
            Ok("abc".into())
        );
        assert!(clean("   ").is_err());
        assert!(clean("abc def").is_err());
    }

    #[test]
    fn labels_are_trimmed_and_required() {
        assert_eq!(clean_label("  Work  ").unwrap(), "Work");
        assert_eq!(clean_label("\u{200B}Work\t").unwrap(), "Work");
        assert!(clean_label("   ").is_err());
        assert_eq!(clean_label(&"x".repeat(100)).unwrap().len(), 60);
    }
}
