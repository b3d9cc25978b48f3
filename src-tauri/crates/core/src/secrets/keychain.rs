use keyring::{Entry, Error as KeyringError};

use super::{Secret, SecretError, SecretStore};

/// The OS keychain: Secret Service on Linux, Keychain on macOS, Credential Manager on Windows.
///
/// keyring's store features are enabled in Cargo.toml; without them keyring silently keeps
/// secrets in memory, which would lose the token at every restart.
pub struct KeychainStore {
    service: String,
}

impl KeychainStore {
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, account: &str) -> Result<Entry, SecretError> {
        Entry::new(&self.service, account).map_err(map_error)
    }
}

impl SecretStore for KeychainStore {
    fn get(&self, account: &str) -> Result<Option<Secret>, SecretError> {
        match self.entry(account)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn set(&self, account: &str, secret: &Secret) -> Result<(), SecretError> {
        self.entry(account)?
            .set_password(secret.expose())
            .map_err(map_error)
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e)),
        }
    }
}

fn map_error(e: KeyringError) -> SecretError {
    match e {
        KeyringError::PlatformFailure(inner) => SecretError::Unavailable(inner.to_string()),
        KeyringError::NoStorageAccess(inner) => SecretError::Unavailable(inner.to_string()),
        other => SecretError::Rejected(other.to_string()),
    }
}

/// These need a real, unlocked secret service on the session bus, so they are ignored by a
/// plain `cargo test` (a developer's own keychain is never touched); `scripts/test.sh` runs them
/// with `--ignored` inside `dbus-run-session` with a throwaway gnome-keyring.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[ignore = "needs an unlocked secret service: run by scripts/test.sh"]
    fn round_trips_through_the_real_secret_service() {
        let store = KeychainStore::new("dev.atelier.tests");
        let account = format!("roundtrip-{}", uuid::Uuid::new_v4());
        assert_eq!(store.get(&account).unwrap(), None);
        store.set(&account, &"s3cret-token".into()).unwrap();
        // A second handle proves the value came from the keychain, not from this object.
        let other = KeychainStore::new("dev.atelier.tests");
        assert_eq!(
            other.get(&account).unwrap().unwrap().expose(),
            "s3cret-token"
        );
        store.set(&account, &"rotated".into()).unwrap();
        assert_eq!(other.get(&account).unwrap().unwrap().expose(), "rotated");
        store.delete(&account).unwrap();
        assert_eq!(other.get(&account).unwrap(), None);
        store.delete(&account).unwrap();
    }
}

/// Run by `scripts/test.sh` with `DBUS_SESSION_BUS_ADDRESS` pointing at nothing: without a
/// keychain the answer is a sentence to act on, never a silent fallback to somewhere else.
#[cfg(test)]
mod unavailable {
    use super::*;

    #[test]
    #[ignore = "needs a session with no secret service: run by scripts/test.sh"]
    fn a_missing_secret_service_is_reported_not_worked_around() {
        let store = KeychainStore::new("dev.atelier.tests");
        let err = store.set("nowhere", &"token".into()).unwrap_err();
        assert!(matches!(err, SecretError::Unavailable(_)), "{err:?}");
        assert!(
            err.to_string()
                .contains("keychain is unavailable or locked"),
            "{err}"
        );
        assert!(matches!(
            store.get("nowhere"),
            Err(SecretError::Unavailable(_))
        ));
    }
}
