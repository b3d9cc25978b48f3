//! A service's address as a person typed it, checked before a token is ever sent there: a web
//! address, no user name or password in it (Atelier sends the token itself), and encrypted
//! unless it is this computer or the person said an unencrypted one is fine.

use std::net::IpAddr;

use url::{Host, Url};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("“{text}” is not a web address ({reason}).")]
    Malformed { text: String, reason: String },
    #[error("“{0}” must start with https:// (or http://).")]
    NotWeb(String),
    #[error(
        "Leave the user name and password out of the service address: Atelier sends your token \
         itself."
    )]
    Credentials,
    #[error("Leave the ?… and #… parts out of the service address.")]
    Extras,
    /// A plain `http://` address on another machine, not yet confirmed by the person.
    #[error(
        "{0} is not encrypted: your token and prompts would cross the network where others \
         can read them. Use https://, or confirm that Atelier may use this address unencrypted."
    )]
    Unencrypted(String),
}

/// Parses and checks a base address (encryption aside: see [`require_encryption`]).
pub fn parse(text: &str) -> Result<Url, AddressError> {
    let trimmed = text.trim();
    let url = Url::parse(trimmed).map_err(|e| AddressError::Malformed {
        text: trimmed.to_owned(),
        reason: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(AddressError::NotWeb(trimmed.to_owned()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(AddressError::Credentials);
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(AddressError::Extras);
    }
    Ok(url)
}

/// Plain HTTP to another machine: the token would travel readable.
pub fn is_unencrypted(url: &Url) -> bool {
    url.scheme() == "http" && !is_loopback(url)
}

/// Refuses an unencrypted address unless the person allowed it for this account.
pub fn require_encryption(url: &Url, allowed: bool) -> Result<(), AddressError> {
    if is_unencrypted(url) && !allowed {
        return Err(AddressError::Unencrypted(
            url.origin().ascii_serialization(),
        ));
    }
    Ok(())
}

/// Whether two addresses are the same server (scheme, host and port), where a token may go.
pub fn same_origin(a: &str, b: &str) -> bool {
    match (Url::parse(a), Url::parse(b)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> bool {
        is_unencrypted(&parse(text).unwrap())
    }

    #[test]
    fn web_addresses_only() {
        assert!(parse("https://cl.imagineapi.dev").is_ok());
        assert!(parse(" http://127.0.0.1:8787/ ").is_ok());
        assert!(parse("https://mj.example.com/api/v1").is_ok());
        assert!(matches!(parse("ftp://x"), Err(AddressError::NotWeb(_))));
        assert!(matches!(
            parse("cl.imagineapi.dev"),
            Err(AddressError::Malformed { .. })
        ));
        assert!(matches!(parse("file:///etc"), Err(AddressError::NotWeb(_))));
    }

    #[test]
    fn credentials_and_extras_are_refused() {
        for text in [
            "https://me:secret@mj.example.com",
            "https://me@mj.example.com",
            "http://:pw@127.0.0.1:1",
        ] {
            assert_eq!(parse(text), Err(AddressError::Credentials), "{text}");
        }
        assert_eq!(
            parse("https://mj.example.com/?key=1"),
            Err(AddressError::Extras)
        );
        assert_eq!(
            parse("https://mj.example.com/#x"),
            Err(AddressError::Extras)
        );
    }

    #[test]
    fn only_remote_plain_http_is_unencrypted() {
        assert!(plain("http://mj.example.com"));
        assert!(plain("http://192.168.1.20:8080"));
        assert!(plain("http://[fe80::1]:80"));
        assert!(plain("http://localhost.example.com"));
        assert!(!plain("https://mj.example.com"));
        assert!(!plain("http://127.0.0.1:8787"));
        assert!(!plain("http://127.8.9.10"));
        assert!(!plain("http://localhost:3000"));
        assert!(!plain("http://LOCALHOST."));
        assert!(!plain("http://api.localhost"));
        assert!(!plain("http://[::1]:9000"));
    }

    #[test]
    fn unencrypted_needs_the_persons_word() {
        let url = parse("http://mj.example.com:8080/api").unwrap();
        assert_eq!(
            require_encryption(&url, false),
            Err(AddressError::Unencrypted(
                "http://mj.example.com:8080".into()
            ))
        );
        assert_eq!(require_encryption(&url, true), Ok(()));
        let local = parse("http://127.0.0.1:1").unwrap();
        assert_eq!(require_encryption(&local, false), Ok(()));
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        assert!(same_origin("https://a.dev/v1", "https://a.dev/v2"));
        assert!(same_origin("https://a.dev", "https://a.dev:443/x"));
        assert!(!same_origin("https://a.dev", "http://a.dev"));
        assert!(!same_origin("https://a.dev", "https://b.dev"));
        assert!(!same_origin("http://127.0.0.1:1", "http://127.0.0.1:2"));
        assert!(!same_origin("", "https://a.dev"));
    }
}

#[cfg(test)]
#[path = "address_proptests.rs"]
mod proptests;
