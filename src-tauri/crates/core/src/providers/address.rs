//! A service's address as a person typed it, checked before a token is ever sent there: a web
//! address, no user name or password in it (Atelier sends the token itself), and encrypted
//! unless it is this computer or the person said an unencrypted one is fine.

use std::net::IpAddr;

use url::{Host, Url};

use crate::accounts::trim_pasted;

/// The messages never repeat what was typed: a token pasted into the address field would
/// otherwise land in the log with the error. The field is shown beside the message anyway;
/// a suggestion is an address Atelier made, offered to the person. The one exception is the
/// unencrypted question, which names the server (scheme, host and port, nothing after) of an
/// address that already parsed as one, so the person knows what they are allowing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("This is not a web address ({reason}).")]
    Malformed { reason: String },
    /// A host typed without `https://`: the fix is certain enough to offer in one click.
    #[error("Add {scheme} in front: {suggestion}")]
    NoScheme {
        scheme: &'static str,
        suggestion: String,
    },
    /// The address of one of the service's requests or pages, pasted from its docs or a
    /// browser: every request would go to the wrong place, so the base is offered instead.
    #[error("This address points inside {service}, not where its requests go: use {suggestion}")]
    NotTheBase {
        service: &'static str,
        suggestion: String,
    },
    #[error("The service address must start with https:// (or http://).")]
    NotWeb,
    #[error(
        "Leave the user name and password out of the service address: Atelier sends your token \
         itself."
    )]
    Credentials,
    #[error("Leave the ?… and #… parts out of the service address: {suggestion}")]
    Extras { suggestion: String },
    /// A plain `http://` address on another machine, not yet confirmed by the person.
    #[error(
        "{0} is not encrypted: your token and prompts would cross the network where others \
         can read them. Use https://, or confirm that Atelier may use this address unencrypted."
    )]
    Unencrypted(String),
}

impl AddressError {
    /// The address Atelier would use instead, when the fix is certain.
    pub fn suggestion(&self) -> Option<&str> {
        match self {
            AddressError::NoScheme { suggestion, .. }
            | AddressError::NotTheBase { suggestion, .. }
            | AddressError::Extras { suggestion } => Some(suggestion),
            _ => None,
        }
    }
}

/// Which service an address is for, to recognise one of its request paths pasted in.
pub struct Service {
    pub name: &'static str,
    /// The base a pasted address belongs under, when it is not that base itself.
    pub base_of: fn(&Url) -> Option<Url>,
}

/// Parses and checks a base address (encryption aside: see [`require_encryption`]).
pub fn parse(text: &str) -> Result<Url, AddressError> {
    parse_inner(trim_pasted(text), None)
}

/// Like [`parse`], and also refuses an address that is not the service's base (a request's
/// path pasted in), offering the base.
pub fn parse_for(text: &str, service: &Service) -> Result<Url, AddressError> {
    parse_inner(trim_pasted(text), Some(service))
}

fn parse_inner(text: &str, service: Option<&Service>) -> Result<Url, AddressError> {
    let malformed = |e: url::ParseError| AddressError::Malformed {
        reason: e.to_string(),
    };
    // `cl.imagineapi.dev` fails to parse; `localhost:8080` parses with `localhost` as its
    // scheme: both are a host typed without one.
    let typed_scheme = text.contains("://");
    let url = match Url::parse(text) {
        Ok(url) if is_web(&url) => url,
        Ok(_) if !typed_scheme => return Err(without_scheme(text, service, None)),
        Err(e) if !typed_scheme => return Err(without_scheme(text, service, Some(malformed(e)))),
        Ok(_) => return Err(AddressError::NotWeb),
        Err(e) => return Err(malformed(e)),
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(AddressError::Credentials);
    }
    if let Some(service) = service {
        if let Some(base) = (service.base_of)(&url) {
            return Err(AddressError::NotTheBase {
                service: service.name,
                suggestion: shown(&base),
            });
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        let segments = segments(&url);
        return Err(AddressError::Extras {
            suggestion: shown(&with_path(&url, &segments)),
        });
    }
    Ok(url)
}

/// The address's path, piece by piece, without the empty ones of doubled or trailing slashes.
pub fn segments(url: &Url) -> Vec<&str> {
    url.path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default()
}

/// The same server with this path, and no query or fragment.
pub fn with_path(url: &Url, segments: &[&str]) -> Url {
    let mut base = url.clone();
    base.set_path(&segments.join("/"));
    base.set_query(None);
    base.set_fragment(None);
    base
}

fn is_web(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https") && url.host_str().is_some()
}

/// The error for a host typed without `https://`: the address with one in front if that
/// makes a sensible one (a dotted name, an IP address or this computer), else `parsed`'s.
fn without_scheme(
    text: &str,
    service: Option<&Service>,
    parsed: Option<AddressError>,
) -> AddressError {
    let not_web = || parsed.unwrap_or(AddressError::NotWeb);
    let Ok(probe) = Url::parse(&format!("http://{text}")) else {
        return not_web();
    };
    let plausible = match probe.host() {
        Some(Host::Domain(name)) => name.contains('.') || is_loopback(&probe),
        Some(_) => true,
        None => false,
    };
    if !plausible {
        return not_web();
    }
    // Servers on this computer rarely have a certificate; everything else should.
    let scheme = if is_loopback(&probe) {
        "http://"
    } else {
        "https://"
    };
    match parse_inner(&format!("{scheme}{text}"), service) {
        Ok(url) => AddressError::NoScheme {
            scheme,
            suggestion: shown(&url),
        },
        Err(e @ AddressError::NotTheBase { .. }) => e,
        Err(_) => not_web(),
    }
}

/// An address as the person would type it: without the slash `Url` adds to a bare host.
pub fn shown(url: &Url) -> String {
    url.as_str().trim_end_matches('/').to_owned()
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

/// Like [`require_encryption`], for an address the person just typed: the question names the
/// server as they typed it, not as Atelier tidied it (lower case, a default port dropped).
pub fn require_encryption_as_typed(
    typed: &str,
    url: &Url,
    allowed: bool,
) -> Result<(), AddressError> {
    require_encryption(url, allowed)
        .map_err(|_| AddressError::Unencrypted(server_as_typed(typed, url)))
}

/// `typed` up to its path: the scheme, host and port as the person wrote them. Only reached
/// for an address that parsed without a user name or password, so it is a server's name.
fn server_as_typed(typed: &str, url: &Url) -> String {
    let typed = trim_pasted(typed);
    let Some(host_at) = typed.find("://").map(|i| i + 3) else {
        return url.origin().ascii_serialization();
    };
    let end = typed[host_at..]
        .find(['/', '\\', '?', '#'])
        .map_or(typed.len(), |i| host_at + i);
    typed[..end].to_owned()
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
        assert_eq!(parse("ftp://x"), Err(AddressError::NotWeb));
        assert_eq!(parse("file:///etc"), Err(AddressError::NotWeb));
        assert!(matches!(
            parse("hello"),
            Err(AddressError::Malformed { .. })
        ));
        assert_eq!(parse("mailto:a@b"), Err(AddressError::NotWeb));
    }

    fn suggested(e: Result<Url, AddressError>) -> (String, Option<String>) {
        let e = e.unwrap_err();
        (e.to_string(), e.suggestion().map(str::to_owned))
    }

    #[test]
    fn a_host_without_a_scheme_gets_one_offered() {
        let (message, suggestion) = suggested(parse(" cl.imagineapi.dev "));
        assert_eq!(message, "Add https:// in front: https://cl.imagineapi.dev");
        assert_eq!(suggestion.as_deref(), Some("https://cl.imagineapi.dev"));
        for (typed, offered) in [
            ("mj.example.com:8443/sub", "https://mj.example.com:8443/sub"),
            ("localhost:8080", "http://localhost:8080"),
            ("127.0.0.1:8787", "http://127.0.0.1:8787"),
            ("[::1]:9000", "http://[::1]:9000"),
        ] {
            assert_eq!(
                suggested(parse(typed)).1.as_deref(),
                Some(offered),
                "{typed}"
            );
        }
        // Nothing to offer where the fix would still be refused.
        assert_eq!(suggested(parse("me:pw@mj.example.com")).1, None);
    }

    #[test]
    fn a_request_path_pasted_in_gets_the_base_offered() {
        let rules = Service {
            name: "Svc",
            base_of: |url| (url.path() != "/").then(|| with_path(url, &[])),
        };
        let (message, suggestion) = suggested(parse_for("https://a.dev/items/x?y", &rules));
        assert_eq!(
            message,
            "This address points inside Svc, not where its requests go: use https://a.dev"
        );
        assert_eq!(suggestion.as_deref(), Some("https://a.dev"));
        let (_, suggestion) = suggested(parse_for("a.dev/items", &rules));
        assert_eq!(suggestion.as_deref(), Some("https://a.dev"));
        assert!(parse_for("https://a.dev", &rules).is_ok());
        assert!(parse("https://a.dev/items").is_ok());
    }

    #[test]
    fn messages_never_repeat_what_was_typed() {
        let rules = Service {
            name: "Svc",
            base_of: |url| (url.path() != "/").then(|| with_path(url, &[])),
        };
        let secret = "tok3nS3cret";
        for typed in [
            "tok3nS3cret".to_owned(),
            "Bearer tok3nS3cret".to_owned(),
            "ftp://tok3nS3cret".to_owned(),
            "mailto:tok3nS3cret@b".to_owned(),
            "http://tok3nS3cret:99999".to_owned(),
            "https://a.dev/items/tok3nS3cret?y".to_owned(),
            "https://me:tok3nS3cret@a.dev".to_owned(),
        ] {
            let e = parse_for(&typed, &rules).unwrap_err();
            // A suggestion is an address Atelier offers; only the rest must not echo.
            let message = match e.suggestion() {
                Some(offered) => e.to_string().replace(offered, ""),
                None => e.to_string(),
            };
            assert!(!message.contains(secret), "{typed}: {e}");
        }
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
        for text in ["https://mj.example.com/?key=1", "https://mj.example.com/#x"] {
            assert_eq!(
                parse(text),
                Err(AddressError::Extras {
                    suggestion: "https://mj.example.com".into()
                })
            );
        }
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
    fn the_unencrypted_question_names_the_server_as_typed() {
        let typed = "  http://NAS.Example.com:80/v1/?x";
        let url = Url::parse(typed.trim()).unwrap();
        let asked = require_encryption_as_typed(typed, &url, false).unwrap_err();
        assert_eq!(
            asked,
            AddressError::Unencrypted("http://NAS.Example.com:80".into()),
            "not the tidied http://nas.example.com"
        );
        assert!(asked
            .to_string()
            .starts_with("http://NAS.Example.com:80 is not encrypted"));
        assert_eq!(require_encryption_as_typed(typed, &url, true), Ok(()));
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
