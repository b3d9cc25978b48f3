//! Where API tokens live: the OS keychain, behind a trait so logic tests can use memory.
//!
//! No function here ever hands a token to the UI layer; the shell only learns whether one is set.

mod keychain;
mod memory;

pub use keychain::KeychainStore;
pub use memory::MemoryStore;

/// A place that keeps one secret per account name.
pub trait SecretStore: Send + Sync {
    fn get(&self, account: &str) -> Result<Option<Secret>, SecretError>;
    /// Takes the `Secret` itself, so the token is exposed only where the store writes it.
    fn set(&self, account: &str, secret: &Secret) -> Result<(), SecretError>;
    /// Deleting a secret that is not there is not an error.
    fn delete(&self, account: &str) -> Result<(), SecretError>;
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error(
        "The system keychain is unavailable or locked ({0}). Atelier keeps tokens only in the \
         keychain: unlock it (or install one, such as GNOME Keyring) and try again."
    )]
    Unavailable(String),
    #[error("The keychain refused the token: {0}")]
    Rejected(String),
}

/// A token in memory. Its `Debug` never shows the value, so it cannot leak through logs. It
/// is read straight from the web view's request (a string) and never written back out.
// A newtype struct: serde reads it straight from the string (`transparent` would confuse ts-rs).
#[derive(Clone, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[ts(export, type = "string")]
pub struct Secret(String);

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_value() {
        let s = Secret::new("tok-123");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(s.expose(), "tok-123");
    }

    #[test]
    fn it_arrives_as_a_plain_string_and_stays_hidden() {
        let s: Secret = serde_json::from_str(r#""tok-456""#).unwrap();
        assert_eq!(s.expose(), "tok-456");
        assert!(!format!("{s:?}").contains("tok-456"));
    }
}
