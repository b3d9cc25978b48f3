//! Whatever is typed as a service address, checking it never panics, and what passes is a web
//! address with nothing Atelier would not send a token to.

use proptest::prelude::*;

use super::{is_unencrypted, parse, require_encryption, same_origin};
use crate::proptest_support::{config, words};

#[rustfmt::skip]
const PIECES: &[&str] = &[
    "https://", "http://", "ftp://", "localhost", "127.0.0.1", "[::1]", "[fe80::1%25eth0]",
    "my.host", ".", ":", ":8080", ":99999", "@", "user:pw@", "/", "/sub/", "?", "?q=1", "#", "#f",
    "%", "%zz", "é", "xn--", "\\", " ", "—",
];

fn typed() -> BoxedStrategy<String> {
    prop_oneof![
        3 => words(PIECES).prop_map(|w| w.replace(' ', "")),
        1 => words(PIECES),
    ]
    .boxed()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_typed_address_is_checked_without_panicking(
        text in typed(),
        other in typed(),
        allowed in any::<bool>(),
    ) {
        if let Ok(url) = parse(&text) {
            prop_assert!(matches!(url.scheme(), "http" | "https"));
            prop_assert!(url.host_str().is_some());
            prop_assert!(url.username().is_empty() && url.password().is_none());
            prop_assert!(url.query().is_none() && url.fragment().is_none());
            let _ = (is_unencrypted(&url), require_encryption(&url, allowed));
        }
        let _ = same_origin(&text, &other);
    }
}
